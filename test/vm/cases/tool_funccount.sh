# tools/funccount.bt through its #! line, with the pattern as a positional
# parameter in the probe's name: 'vfs_*' counts vfs_read and vfs_write
# calls that dd makes, at least as many as dd's blocks.
need_spry
need_tool funccount
need_provider kprobe
run_bg "$TOOLS/funccount.bt" 'vfs_r*'
wait_for 'Hit Ctrl-C' 20
dd if=/dev/zero of=/dev/null bs=512 count=300 2>/dev/null
stop_bg
assert_rc 0
assert_contains 'Tracing kernel functions matching "vfs_r*"'
n=$(sed -n 's/^@\[vfs_read\]: \([0-9]*\)$/\1/p' "$OUT")
[ -n "$n" ] || fail "no @[vfs_read] count"
[ "$n" -ge 300 ] || fail "@[vfs_read] is $n, expected at least dd's 300 reads"
assert_not_contains '@[vfs_write]'
