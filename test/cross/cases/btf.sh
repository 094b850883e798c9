# Kernel types from the guest kernel's own BTF (/sys/kernel/btf/vmlinux,
# which of these Debian kernels only arm64's has; the others say it is
# missing when a script names a kernel type): a kprobe's `args` typed
# from the function's prototype and walked through kernel structs, a cast,
# struct task_struct through curtask, and fentry/fexit where the kernel
# has BPF trampolines (arm64 from 6.4, with
# DYNAMIC_FTRACE_WITH_DIRECT_CALLS; 6.1 refuses them, and spry says so).
need_spry
if [ ! -e /sys/kernel/btf/vmlinux ]; then
	# the other kernels: a kernel type is an error that says why
	[ "$ARCH" != arm64 ] || fail "arm64's kernel has no BTF"
	run "$SPRY" -e 'kprobe:vfs_read { printf("%d\n", ((struct file *)arg0)->f_inode->i_ino); }'
	assert_rc 1
	assert_contains "unknown struct 'file'"
	assert_contains 'this kernel has no BTF'
	exit 0
fi
# vfs_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
run "$SPRY" -e '
kprobe:vfs_read /comm == "dd"/ { printf("%s %d %d\n", str(args->file->f_path.dentry->d_name.name), args->count, curtask->pid == pid); printf("ino %d\n", ((struct file *)arg0)->f_inode->i_ino); }' \
	-c 'dd if=/etc/hostname of=/dev/null bs=7 count=1'
assert_ok
assert_contains 'hostname 7 1'
assert_contains "ino $(ls -i /etc/hostname | awk '{ print $1 }')"
run "$SPRY" -e '
fentry:vfs_read /comm == "dd"/ { printf("fe %s %d\n", str(args->file->f_path.dentry->d_name.name), args->count); }
fexit:vfs_read /comm == "dd"/ { printf("fx %d\n", retval); }' \
	-c 'dd if=/etc/hostname of=/dev/null bs=7 count=1'
if [ "$(kconfig DYNAMIC_FTRACE_WITH_DIRECT_CALLS)" != y ]; then
	assert_rc 1
	assert_contains 'this kernel does not support fentry programs'
	exit 0
fi
assert_ok
assert_contains 'fe hostname 7'
assert_contains 'fx 7'
