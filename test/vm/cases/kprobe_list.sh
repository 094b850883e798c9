# -l for kprobes: the functions ftrace can hook (available_filter_functions,
# without their module), in bpftrace's shape; kretprobe only when named.
need_provider kprobe
run "$SPRY" -l 'kprobe:vfs_rea*'
assert_ok
assert_matches '^kprobe:vfs_read$'
# nothing but kprobe:vfs_rea* lines
grep -v '^kprobe:vfs_rea' "$OUT" && fail "unexpected lines"
run "$SPRY" -l 'kr:vfs_read'
assert_ok
assert_matches '^kretprobe:vfs_read$'
# a bare pattern is over every kernel provider, return probes left out
run "$SPRY" -l '*:vfs_read'
assert_ok
assert_matches '^kprobe:vfs_read$'
grep -q '^kretprobe:' "$OUT" && fail "kretprobe listed for a bare pattern"
true
