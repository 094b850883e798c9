# A kernel stack taken at a kprobe, symbolized through /proc/kallsyms.
need_spry
run "$SPRY" -e 'kprobe:do_sys_openat2 /comm == "cat"/ { @[kstack] = count(); }' \
	-c 'cat /etc/hostname >/dev/null'
assert_ok
# ppc64el: FUNC+0 is where the kernel puts it, past the global entry
# point (the ftrace call site, +0xc on 6.1)
if [ "$ARCH" = ppc64el ]; then
	assert_matches '^        do_sys_openat2\+0x[0-9a-f]+$'
else
	assert_matches '^        do_sys_openat2(\+0x0)?$'
fi
# and the syscall path that called it (2 frames on armhf and mips64el, 3
# on s390x and ppc64el, 6 on arm64)
assert_count_ge 1 '^        [a-z_0-9.]+\+0x[0-9a-f]+$'
