# A real kprobe script end to end: attach, read a user-space string argument,
# count per comm, print when the command exits.
need_provider kprobe
run "$SPRY" -e '
kprobe:do_sys_openat2 /comm == "cat"/ {
	printf("open %s\n", str(uptr(arg1)));
	@opens[comm] = count();
}' -c 'cat /etc/hostname'
assert_ok
assert_contains "open /etc/hostname"
assert_contains spry-vm
assert_matches 'cat'
