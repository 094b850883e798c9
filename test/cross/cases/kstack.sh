# A kernel stack taken at a kprobe, symbolized through /proc/kallsyms.
need_spry
run "$SPRY" -e 'kprobe:do_sys_openat2 /comm == "cat"/ { @[kstack] = count(); }' \
	-c 'cat /etc/hostname >/dev/null'
assert_ok
# frames as bpftrace prints a map key's, offsets in decimal; ppc64el: FUNC+0
# is where the kernel puts it, past the global entry point (the ftrace
# call site, +12 on 6.1)
if [ "$ARCH" = ppc64el ]; then
	assert_matches '^    do_sys_openat2\+[0-9]+$'
else
	assert_matches '^    do_sys_openat2(\+0)?$'
fi
# and the syscall path that called it (2 frames on armhf and mips64el, 3
# on s390x and ppc64el, 6 on arm64)
assert_count_ge 1 '^    [a-z_0-9.]+\+[0-9]+$'
