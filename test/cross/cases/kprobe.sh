# kprobe and kretprobe: an argument (a user pointer in this arch's second
# argument register) and the signed return value (s32 on 32-bit arm).
need_spry
run "$SPRY" -e '
kprobe:do_sys_openat2 /comm == "cat"/ { printf("arg %s\n", str(uptr(arg1))); }
kretprobe:do_sys_openat2 /comm == "cat"/ { printf("retval %d\n", retval); }' \
	-c 'cat /etc/hostname /nonexistent >/dev/null 2>&1 || exit 3'
# spry's status is the -c command's (spry(1) EXIT STATUS): 3 says cat
# failed on /nonexistent and the status came through the command's init
assert_rc 3
assert_contains 'arg /etc/hostname'
assert_contains 'arg /nonexistent'
assert_matches '^retval [0-9]+$'
assert_contains 'retval -2'
