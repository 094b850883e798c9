# kprobe glob: one program on every vfs_read/vfs_write-like function, keyed
# by comm and the probed function (caller, symbolized through kallsyms).
# busybox dd with bs=1 makes exactly one read and one write per byte.
need_provider kprobe
run "$SPRY" -e 'kprobe:vfs_*r[ei][at][de] { @[comm, caller] = count(); }' \
	-c 'dd if=/dev/zero of=/dev/null bs=1 count=100'
assert_ok
# rows look like "@[dd, vfs_read]: 103": caller names the probed function
assert_matches '^@\[dd, vfs_read\]: [0-9]+$'
assert_matches '^@\[dd, vfs_write\]: [0-9]+$'
# one row per (comm, function): a repeated key means comm's bytes after its
# NUL were not zeroed (bpf_get_current_comm does not pad before 6.14)
dups=$(grep '^@\[dd, ' "$OUT" | sed 's/: [0-9]*$//' | sort | uniq -d)
[ -z "$dups" ] || fail "repeated map keys (comm not zero-padded?): $(echo $dups)"
for f in vfs_read vfs_write; do
	n=$(sed -n "s/^@\[dd, $f\]: \([0-9]*\)\$/\1/p" "$OUT")
	[ "${n:-0}" -ge 100 ] || fail "dd: $f counted ${n:-0} times, expected >= 100"
done
# the glob matched more than those two (vfs_iter_read, vfs_iter_write...)
# but nothing unrelated
assert_not_contains 'vfs_open'
