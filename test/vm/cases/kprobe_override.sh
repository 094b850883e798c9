# override() under --unsafe makes openat fail for cat: syscalls allow
# error injection, when the kernel has CONFIG_BPF_KPROBE_OVERRIDE (Debian's
# 6.1 does not: this case then skips).
need_provider kprobe
need_kconfig BPF_KPROBE_OVERRIDE
run "$SPRY" --unsafe -e 'kprobe:__x64_sys_openat /comm == "cat"/ { override(-2); }' \
	-c 'cat /etc/passwd'
assert_ok
assert_contains "No such file or directory"
assert_not_contains "root:"
