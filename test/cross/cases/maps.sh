# Maps printed at the end: narrow keys and values (retval is s32 on 32-bit
# arm), sums, a histogram, the keyless form, JSON; -c stops when the
# command exits.
need_spry
run "$SPRY" -e '
kretprobe:do_sys_openat2 /comm == "cat"/ { @fd[retval] = count(); @s = sum(retval); @q = quantize(retval + 10); @pid[pid > 0] = count(); }' \
	-c 'cat /etc/hostname /etc/hostname /nonexistent >/dev/null 2>&1 || exit 3'
# spry's status is the -c command's (spry(1) EXIT STATUS): 3 says cat
# failed on /nonexistent and the status came through the command's init
assert_rc 3
assert_matches '^@fd\[-2\]: 1$'
assert_matches '^@fd\[[0-9]+\]: 2$'
assert_matches '^@s: [0-9]+$'
assert_matches '^@q: ?$'
assert_matches '^\[8, 16\) +[1-3] \|@+ *\|$'
assert_matches '^@pid\[1\]: 3$'
run "$SPRY" -f json -e 'kretprobe:do_sys_openat2 /comm == "cat"/ { @fd[retval] = count(); }' \
	-c 'cat /nonexistent >/dev/null 2>&1 || exit 3'
assert_rc 3
assert_contains '{"type": "map", "data": {"@fd": {"-2": 1}}}'
