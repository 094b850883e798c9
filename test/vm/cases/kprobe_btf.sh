# Kernel types in kprobes: an argument cast to its struct and walked to the
# file's name (struct file -> path -> dentry -> qstr), the same through
# args->NAME typed from the function's BTF prototype, curtask, a bitfield
# and an enum constant, all against Debian's kernel.
need_provider kprobe
need_file /sys/kernel/btf/vmlinux
# vfs_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
run "$SPRY" -e 'kprobe:vfs_read /comm == "dd"/ { @c[str(((struct file *)arg0)->f_path.dentry->d_name.name)] = count(); }' \
	-c 'dd if=/etc/passwd of=/dev/null bs=7 count=3'
assert_ok
assert_matches 'passwd\]?: 3$'
run "$SPRY" -e 'kprobe:vfs_read /comm == "dd"/ { printf("%s %d %d\n", str(args->file->f_path.dentry->d_name.name), args.count, curtask->pid == pid); }' \
	-c 'dd if=/etc/passwd of=/dev/null bs=7 count=1'
assert_ok
assert_contains 'passwd 7 1'
# the file's mode bits (FMODE_READ is bit 0) and the dentry's inode number
# against ls -i: a pointer walk of four steps
ino=$(ls -i /etc/passwd | awk '{ print $1 }')
run "$SPRY" -e 'kprobe:vfs_read /comm == "dd"/ { printf("ino %d read %d\n", ((struct file *)arg0)->f_inode->i_ino, ((struct file *)arg0)->f_mode & 1); }' \
	-c 'dd if=/etc/passwd of=/dev/null bs=7 count=1'
assert_ok
assert_contains "ino $ino read 1"
# the state of the task that reads: TASK_RUNNING (0), a uapi constant
run "$SPRY" -e 'kprobe:vfs_read /comm == "dd"/ { printf("state %d\n", curtask->__state == TASK_RUNNING); exit(0); }' \
	-c 'dd if=/etc/passwd of=/dev/null bs=7 count=1'
assert_ok
assert_contains 'state 1'
