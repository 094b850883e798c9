# syscalls/ tracepoint probes by fentry/fexit on the syscall's function
# (__x64_sys_openat), which Debian's kernel allows and the host's refuses:
# spry takes it by itself, the script sees what the tracepoint shows
# (args->filename, a user string; args->ret; args->__syscall_nr), the
# counts are exact, and the kernel's own view of spry's links says fentry
# (link_type tracing, attach_type 24 BPF_TRACE_FENTRY, 25 BPF_TRACE_FEXIT).
need_provider fentry
need_file /sys/kernel/btf/vmlinux

# fdinfo of every link spry holds, printed by its -c command while it runs
links='for p in $(pidof spry); do for f in /proc/$p/fdinfo/*; do grep -h -e link_type -e attach_type -e tp_name "$f"; done; done 2>/dev/null | sed "s/^/fd /"'

# sys_enter_openat: the file name as a user string, the syscall number
# (257 on x86_64), a signed argument (AT_FDCWD), exactly one event per
# cat; attached by fentry, the registers read by plain loads
run "$SPRY" -e 'tracepoint:syscalls:sys_enter_openat /comm == "cat" && args->dfd < 0/ { printf("open %s nr %d dfd %d\n", str(args->filename), args->__syscall_nr, args->dfd); @n[str(args.filename)] = count(); }' \
	-c "$links; for i in 1 2 3 4 5; do cat /etc/hostname >/dev/null; done"
assert_ok
assert_count 5 '^open /etc/hostname nr 257 dfd -100$'
assert_matches '^@n\[/etc/hostname\]: 5$'
assert_matches '^fd link_type:.tracing$'
assert_matches '^fd attach_type:.24$'
assert_not_contains 'perf_event'
assert_not_contains 'tp_name'

# sys_exit_openat: the return value, -2 (ENOENT) for a file that is not
# there, by fexit; and the entry's argument beside it in one script
run "$SPRY" -e 'tracepoint:syscalls:sys_exit_openat /comm == "cat"/ { @r[args->ret] = count(); } tracepoint:syscalls:sys_enter_openat /comm == "cat"/ { @f[str(args->filename)] = count(); }' \
	-c "$links; for i in 1 2 3; do cat /nonexistent 2>/dev/null; done; cat /etc/hostname >/dev/null"
assert_ok
assert_matches '^@r\[-2\]: 3$'
assert_matches '^@r\[3\]: 1$'
assert_matches '^@f\[/nonexistent\]: 3$'
assert_matches '^fd attach_type:.25$'
assert_matches '^fd attach_type:.24$'

# several arguments from the saved registers: read(fd, buf, count), the
# count in dx, the fd in di, dd's bs
run "$SPRY" -e 'tracepoint:syscalls:sys_enter_read /comm == "dd"/ { @[args->fd, args->count] = count(); }' \
	-c 'dd if=/etc/passwd of=/dev/null bs=3 count=4 2>/dev/null'
assert_ok
assert_matches '^@\[[0-9]+, 3\]: 4$'

# forced back to each way the kernel has: the same answer by the perf
# tracepoint and by raw sys_enter, and the links say so
for how in perf raw; do
	run env SPRY_SYSCALLS=$how "$SPRY" -e 'tracepoint:syscalls:sys_enter_openat /comm == "cat"/ { @n[str(args->filename)] = count(); }' \
		-c "$links; for i in 1 2 3; do cat /etc/hostname >/dev/null; done"
	assert_ok
	assert_matches '^@n\[/etc/hostname\]: 3$'
	assert_not_contains 'link_type:	tracing'
done

# a glob: fentry for each syscall whose function BTF has (not those of
# SYSCALL_DEFINE0, getppid and the like, which BTF lacks), the perf
# tracepoint for the rest (no more than four of them here)
nfe=$("$SPRY" -l 'fentry:__x64_sys_getp*' | sort -u | wc -l)
ntp=$(ls /sys/kernel/tracing/events/syscalls | grep -c '^sys_enter_getp')
echo "getp*: $ntp syscalls, $nfe with a function in BTF"
[ "$nfe" -gt 0 ] && [ "$ntp" -gt "$nfe" ] && [ $((ntp - nfe)) -le 4 ] ||
	fail "expected some getp* syscalls with functions in BTF and up to 4 without"
run "$SPRY" -e 'tracepoint:syscalls:sys_enter_getp* /comm == "cat"/ { @ = count(); }' -c "$links"
assert_ok
assert_count "$nfe" '^fd link_type:.tracing$'
assert_count $((ntp - nfe)) '^fd link_type:.perf$'
