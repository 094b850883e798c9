# Entry/return latency: kprobe stores a timestamp per thread (kpid), the
# kretprobe of the same function measures and deletes it.
need_provider kretprobe
run "$SPRY" -e '
kprobe:vfs_read { start[kpid] = nsecs; }
kretprobe:vfs_read /start[kpid]/ {
	@ns[comm] = quantize(nsecs - start[kpid]);
	@n[comm] = count();
	delete start[kpid];
}' -c 'dd if=/dev/zero of=/dev/null bs=1 count=30'
assert_ok
assert_matches '^@ns\[dd\]: $'
[ "$(count '^@n\[dd\]: ')" -eq 1 ] || fail "@n has several dd rows (comm not zero-padded?)"
n=$(sed -n 's/^@n\[dd\]: \([0-9]*\)$/\1/p' "$OUT")
[ "${n:-0}" -ge 30 ] || fail "dd: ${n:-0} timed reads, expected >= 30"
# every latency is positive and under a second: no bucket past 1G
assert_not_contains '[1G,'
