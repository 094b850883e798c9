# A kernel stack as a map key: frames print symbolized, one per line
# (indented by 4, "func+offset" in decimal, as bpftrace prints them), and
# vfs_read is reached through ksys_read (the read(2) path).
need_provider kprobe
run "$SPRY" -e 'kprobe:vfs_read /comm == "dd"/ { @[stack] = count(); }' \
	-c 'dd if=/dev/zero of=/dev/null bs=1 count=20'
assert_ok
assert_matches '^    vfs_read\+[0-9]+$'
assert_matches '^    ksys_read\+[0-9]+$'
assert_matches '^    do_syscall_64\+[0-9]+$'
# no frame was left as a bare address
assert_not_contains '    0x'
# the stack's count: at least the 20 one-byte reads
n=$(sed -n 's/^\]: \([0-9]*\)$/\1/p' "$OUT" | sort -n | tail -n 1)
[ "${n:-0}" -ge 20 ] || fail "the read stack counted ${n:-0} times, expected >= 20"
