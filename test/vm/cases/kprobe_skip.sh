# A glob that matches functions the kernel refuses to probe (__die and
# friends are on the kprobe blacklist but ftrace lists them): they are
# skipped with one warning line naming them, the others attach and count.
need_provider kprobe
grep -q '^__die$' "$TRACEFS/available_filter_functions" ||
	skip "__die is not listed in available_filter_functions"
run "$SPRY" -e 'kprobe:*die* { @[caller] = count(); } interval:100ms { exit(0); }'
assert_ok
assert_count 1 'warning'
assert_matches '^spry: warning: kprobe:\*die\*: skipped [0-9]+ of [0-9]+ functions the kernel cannot probe: .*__die \(the kernel does not allow probing it\)'
# only blacklisted ones were skipped; fewer than all of them
n=$(sed -n 's/.*skipped \([0-9]*\) of \([0-9]*\) .*/\1 \2/p' "$OUT")
set -- $n
[ "$1" -lt "$2" ] || fail "skipped $1 of $2"
# nothing but the skip warning: no error
assert_not_contains 'error'
# the same glob, with every match refused: an error, not a warning
run "$SPRY" -e 'kprobe:__die* { @ = count(); }'
assert_rc 1
assert_matches "error: cannot attach to any of the [0-9]+ functions of kprobe:__die\\*: __die \\("
