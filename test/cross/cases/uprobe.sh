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
assert_matches '^@\[spry_mid\]: 3$'
# User stacks, printed while the process lives (its maps name the
# addresses), at a function's entry (spry_leaf) and past a prologue
# (spry_mid_body, a symbol in spry_mid after it saved its frame).  The
# kernel walks the frames by the arch's own rules (docs/PORTABILITY.md):
#  - arm64 (frame records through x29) and armhf (APCS frames through fp,
#    which scripts/cross builds the target with): past the prologue, the
#    whole chain; at an entry the caller is still only in the link
#    register, which the walk does not read, so the next frame named is
#    the caller's caller.
#  - ppc64el (the back chain every frame keeps, and the link register for
#    the first frame): the whole chain from either place (past the
#    prologue the caller comes twice: from the link register and from
#    the frame it was saved in).
#  - s390x (6.1: no user stack walk before 6.7) and mips64el (none): the
#    helper fails, and spry prints an empty stack, as bpftrace does.
# after RE: the line that follows the first line matching RE (awk -v
# takes escapes: [+], not \+)
after() { awk -v re="$1" 'f { print; exit } $0 ~ re { f = 1 }' "$OUT"; }
run "$SPRY" -e "uprobe:$T:spry_leaf { print(ustack); }
uprobe:$T:spry_mid_body { print(ustack); }" -c "$T 1 1"
assert_ok
case $ARCH in
s390x|mips64el)
	assert_count 0 '^        [^ ]'
	exit 0 ;;
esac
# frames as bpftrace prints them, offsets in decimal
top_leaf='^        spry_leaf([+]0)?$'
top_body='^        spry_mid_body([+]0)?$'
assert_matches "$top_leaf"
assert_matches "$top_body"
after "$top_body" | grep -Eq '^        main\+[0-9]+$' ||
	fail "the frame after spry_mid_body is not main"
if [ "$ARCH" = ppc64el ]; then
	# the return address lies past spry_mid_body, the nearest symbol
	after "$top_leaf" | grep -Eq '^        spry_mid(_body)?\+[0-9]+$' ||
		fail "the frame after spry_leaf is not spry_mid"
else
	after "$top_leaf" | grep -Eq '^        main\+[0-9]+$' ||
		fail "the frame after spry_leaf is not main"
fi
