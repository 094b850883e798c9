# bpftrace's builtins in kprobes: func (the function's name at its entry
# and at its return), probe, ksym(reg("ip")) (the name alone, the pc one
# byte in), kstack(perf, 2); override() refused without --unsafe
# (kprobe_override.sh runs it where the kernel can).
need_provider kprobe
run "$SPRY" -e 'kprobe:vfs_read /comm == "dd"/ { @[func, probe, ksym(reg("ip"))] = count(); }
kretprobe:vfs_read /comm == "dd"/ { @r[func] = count(); }
kprobe:vfs_read /comm == "dd"/ { @s = @s + 1; if (@s == 1) { printf("s%s|\n", kstack(perf, 2)); } }' \
	-c 'dd if=/dev/zero of=/dev/null bs=1 count=10'
assert_ok
assert_matches '^@\[vfs_read, kprobe:vfs_read, vfs_read\]: 1[0-9]$'
assert_matches '^@r\[vfs_read\]: 1[0-9]$'
assert_matches '^	[0-9a-f]{16} vfs_read\+[0-9]+$'
run "$SPRY" -e 'kprobe:__x64_sys_openat { override(-2); }'
assert_fails
assert_contains "override() is unsafe"
