# The tracepoint provider on an older kernel (6.1) than the host's.
need_provider tracepoint
# cat's output goes to /dev/null: busybox cat copies with sendfile(2), which
# does not take the file-position lock, so into the same file as spry's
# output it can race spry's write() and overwrite it.
run "$SPRY" -e '
tracepoint:syscalls/sys_enter_openat /comm == "cat"/ {
	printf("openat %s\n", str(data->filename));
}' -c 'cat /etc/hostname >/dev/null'
assert_ok
assert_contains "openat /etc/hostname"
