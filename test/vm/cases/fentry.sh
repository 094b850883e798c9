# fentry/fexit on Debian's kernel, which has the trampolines the host lacks:
# arguments typed from the function's BTF prototype (args->NAME and
# args.NAME), walks through them, a typed retval at fexit, the kfunc and
# kretfunc aliases, globs, and the error for a function BTF lacks.
need_provider fentry
need_file /sys/kernel/btf/vmlinux
# vfs_read(struct file *file, char __user *buf, size_t count, loff_t *pos):
# the file's name two pointers away, the count as written by dd
run "$SPRY" -e 'fentry:vfs_read /comm == "dd"/ { @f[str(args->file->f_path.dentry->d_name.name), args.count] = count(); }' \
	-c 'dd if=/etc/passwd of=/dev/null bs=7 count=3'
assert_ok
assert_matches '\[passwd, 7\]: 3$'
# fexit: the same arguments and the return value, typed ssize_t: a read
# of a directory fails with -EISDIR (and dd with it: '|| :' keeps the
# shell's status 0, which -c's status would be)
run "$SPRY" -e 'kretfunc:vfs_read /comm == "dd"/ { printf("ret %d of %d\n", retval, args->count); }' \
	-c 'dd if=/etc/passwd of=/dev/null bs=5 count=2; dd if=/ of=/dev/null bs=5 count=1 || :'
assert_ok
assert_count 2 '^ret 5 of 5$'
assert_contains 'ret -21 of 5'
# typed: sizeof against the prototype's types, and a pointer argument
# (which the verifier types) as an integer, masked
run "$SPRY" -e 'kfunc:vfs_read /comm == "dd"/ { @s[sizeof(args->count), sizeof(*args->file) > 100, (uint64)args->buf & 0] = count(); }' \
	-c 'dd if=/etc/passwd of=/dev/null bs=1 count=1'
assert_ok
assert_matches '\[8, 1, 0\]: 1$'
# globs: one program per function, each with its own prototype
run "$SPRY" -e 'fentry:vfs_rea?,fentry:vfs_writ? /comm == "dd"/ { @c[caller] = count(); }' \
	-c 'dd if=/etc/passwd of=/dev/null bs=1 count=4'
assert_ok
assert_matches 'vfs_read\]?: [4-9]$'
assert_matches 'vfs_write\]?: [4-9]$'
# a function BTF does not have, and a typo with its suggestion
run "$SPRY" -e 'fentry:vfs_raed { exit(0); }'
assert_fails
assert_contains "unknown kernel function 'vfs_raed'"
assert_contains "did you mean 'vfs_read'?"
