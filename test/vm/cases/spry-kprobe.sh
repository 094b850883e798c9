# A real kprobe script end to end: attach, read a user-space string argument,
# count per comm, print when the command exits.
need_provider kprobe
# cat's output goes to /dev/null: busybox cat copies with sendfile(2), which
# does not take the file-position lock, so into the same file as spry's
# output it can race spry's write() and overwrite it.
run "$SPRY" -e '
kprobe:do_sys_openat2 /comm == "cat"/ {
	printf("open %s\n", str(uptr(arg1)));
	@opens[comm] = count();
}' -c 'cat /etc/hostname >/dev/null'
assert_ok
assert_contains "open /etc/hostname"
assert_matches 'cat'
