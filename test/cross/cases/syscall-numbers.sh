# This arch's syscall table against the kernel's: the same command counted
# on the raw sys_enter/sys_exit tracepoints (filtered by spry's numbers) and
# on the perf syscall tracepoints (the kernel's own) must agree.
need_spry
prog='
t:syscalls:sys_enter_openat { @["openat"] = count(); }
t:syscalls:sys_enter_read { @["read"] = count(); }
t:syscalls:sys_enter_write { @["write"] = count(); }
t:syscalls:sys_enter_close { @["close"] = count(); }
t:syscalls:sys_enter_execve { @["execve"] = count(); }
t:syscalls:sys_enter_exit_group { @["exit_group"] = count(); }
t:syscalls:sys_exit_openat { @["openat-exit"] = count(); }
t:syscalls:sys_exit_read { @["read-exit"] = count(); }'
cmd='cat /etc/hostname /etc/passwd >/dev/null'
run "$SPRY" -e "$prog" -c "$cmd"
assert_ok
cp "$OUT" raw.out
assert_matches '^openat: [1-9]'
if [ "$ARCH" = mips64el ]; then
	# the kernel's n64 syscall tracepoints do not fire on 6.1 (see
	# tracepoint.sh): the raw counts must be those of every other arch
	assert_contains 'openat: 3'
	assert_contains 'execve: 2'
	assert_contains 'exit_group: 1'
	assert_contains 'close: 9'
	exit 0
fi
run env SPRY_NO_RAW_SYSCALLS=1 "$SPRY" -e "$prog" -c "$cmd"
assert_ok
cp "$OUT" perf.out
# the -c command's output order is the same; the counts must be
sort raw.out >raw.sorted
sort perf.out >perf.sorted
cmp -s raw.sorted perf.sorted || { diff raw.sorted perf.sorted; fail "raw and perf counts differ"; }
