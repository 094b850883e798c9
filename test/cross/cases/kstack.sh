# A kernel stack taken at a kprobe, symbolized through /proc/kallsyms.
need_spry
run "$SPRY" -e 'kprobe:do_sys_openat2 /comm == "cat"/ { @[kstack] = count(); }' \
	-c 'cat /etc/hostname >/dev/null'
assert_ok
assert_matches '^        do_sys_openat2(\+0x0)?$'
# and the syscall path that called it (3 frames on armhf, 7 on arm64)
assert_count_ge 1 '^        [a-z_0-9.]+\+0x[0-9a-f]+$'
