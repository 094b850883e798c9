# A kprobe together with an interval probe that prints and clears its map
# while tracing goes on.  (busybox cat copies with sendfile, not read: dd
# is what makes vfs_read calls.)
need_provider kprobe
run "$SPRY" -e '
kprobe:vfs_read { @reads = count(); }
interval:200ms { print(@reads); clear(@reads); }' \
	-c 'for i in 1 2 3 4 5 6 7 8; do dd if=/etc/hostname of=/dev/null 2>/dev/null; usleep 150000; done'
assert_ok
# several intervals printed a block, and some of them saw the reads
assert_count_ge 3 '^@reads: [0-9]+$'
assert_matches '^@reads: [1-9][0-9]*$'
