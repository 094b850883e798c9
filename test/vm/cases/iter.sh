# iter on Debian's 6.1 kernel: the task, task_file and task_vma iterators
# run once and spry exits with their output; each program sees a process
# the case started (its task, its standard input, its mappings), and -p
# walks that process's threads only (6.1's parameterized task iterators).
need_provider iter
need_file /sys/kernel/btf/vmlinux
sleep 60 </etc/passwd &
sl=$!
run "$SPRY" -e "iter:task /ctx->task->tgid == $sl/ { printf(\"task %s %d\n\", ctx->task->comm, ctx->task->pid); }"
assert_ok
assert_contains "task sleep $sl"
# the file of fd 0, two pointers from the record
run "$SPRY" -e "iter:task_file /ctx->task->tgid == $sl/ { printf(\"fd %d %s\n\", ctx->fd, str(ctx->file->f_path.dentry->d_name.name)); }"
assert_ok
assert_contains 'fd 0 passwd'
# its mappings: busybox's (sleep is a link to it), and its stack
run "$SPRY" -e "iter:task_vma /ctx->task->tgid == $sl/ { @[ctx->vma->vm_file ? str(ctx->vma->vm_file->f_path.dentry->d_name.name) : \"-\"] = count(); }"
assert_ok
assert_matches '^@\[busybox\]: [1-9][0-9]*$'
assert_matches '^@\[-\]: [1-9][0-9]*$'
# -p: one process's threads, and BEGIN/END around the iterator
run "$SPRY" -p "$sl" -e 'BEGIN { printf("begin\n"); } iter:task { @n = count(); printf("pid %d\n", ctx->task->pid); } END { printf("end\n"); }'
assert_ok
assert_matches "^pid $sl\$"
assert_matches '^@n: 1$'
[ "$(grep -v '^Attaching ' "$OUT" | sed -n 1p)" = begin ] ||
	fail "BEGIN's output is not first"
kill "$sl"
# an iterator the kernel does not have, with the nearest one it has
run "$SPRY" -e 'iter:tsk { }'
assert_fails
assert_contains "no iterator 'tsk' in this kernel"
assert_contains "did you mean 'task'?"
