# The tracepoint provider on an older kernel (6.1) than the host's.
need_provider tracepoint
run "$SPRY" -e '
tracepoint:syscalls/sys_enter_openat /comm == "cat"/ {
	printf("openat %s\n", str(data->filename));
}' -c 'cat /etc/hostname'
assert_ok
assert_contains "openat /etc/hostname"
