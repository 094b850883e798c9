# uprobes and uretprobes on a static program built for this arch: integer
# arguments from its calling convention, a user string, the return value,
# `caller` and a user stack walked through frame pointers.
need_spry
need_file /usr/bin/spry_target
T=/usr/bin/spry_target
run "$SPRY" -e "
uprobe:$T:spry_leaf { printf(\"leaf %d %d\\n\", arg0, arg1); }
uretprobe:$T:spry_leaf { printf(\"ret %d\\n\", retval); }
uprobe:$T:spry_greet { printf(\"greet %s\\n\", str(arg0)); }
uprobe:$T:spry_mid { @[caller] = count(); }" -c "$T 3"
assert_ok
assert_contains 'leaf 1 2'
assert_contains 'leaf 3 4'
assert_contains 'ret 2003'
assert_contains 'greet cross'
assert_matches '^spry_mid: 3$'
# A user stack, printed while the process lives (its maps name the
# addresses).  How far the kernel walks it is the arch's: arm64 follows the
# frame pointers to main (the probed function has not pushed its frame
# yet, so its caller is skipped); arm32 stops after the probed frame;
# s390x walks only back-chained code (-mbackchain, not Debian's default)
# and mips has no user callchains (6.1): both give no stack.
case $ARCH in
s390x|mips64el)
	echo "note: the $ARCH kernel takes no user stack of this binary"
	exit 0 ;;
esac
run "$SPRY" -e "uprobe:$T:spry_leaf { print(ustack); }" -c "$T 1 1"
assert_ok
assert_matches '^        spry_leaf(\+0x0)?$'
if [ "$ARCH" = arm64 ]; then
	assert_matches '^        main\+0x[0-9a-f]+$'
fi
