# iter: BPF iterators on the host kernel.  Each runs once, after BEGIN, and
# a script of iterators ends when they are done.  What the programs see of a
# process this test started: its task (name and pid), its standard input
# (task_file: the file two pointers from the record, and its path()), its
# mappings (task_vma), and with -p only its threads.  Their output goes
# through the iterator's seq_file in the order of the objects; exit() in
# one stops it with its code, a map counts every object once, and an
# iterator beside an event probe runs first while the trace goes on.
. "$(dirname "$0")/lib.sh"
require_root
[ -e /sys/kernel/btf/vmlinux ] || skip "no kernel BTF: no iterators"
sl=$(tool_copy sleep) || finish
name=$(basename "$sl")
"$sl" 60 </etc/passwd &
bg=$!
trap 'kill $bg 2>/dev/null; rm -rf "$T_TMP"' EXIT
sleep 0.2
# what the programs printed: stdout less bpftrace's "Attaching" line and
# the blank lines at exit
printed() { grep -v -e '^Attaching ' -e '^$' "$OUT"; }

spry_run 30 "iter:task /ctx->task->tgid == $bg/ { printf(\"task %s %d %d\n\", ctx->task->comm, ctx->task->pid, ctx->task->tgid); }"
assert_rc 0
[ "$(printed)" = "task $name $bg $bg" ] || { fail "not the task"; show_output; }

# every task once: as many as the kernel's own walk of /proc counts (the
# iterator ran to its end), and the objects' order (pids ascending)
spry_run 30 'iter:task { @n = count(); printf("%d\n", ctx->task->pid); }'
assert_rc 0
n=$(map_value @n)
lines=$(grep -c '^[0-9][0-9]*$' "$OUT")
[ "$n" = "$lines" ] || { fail "@n = $n, $lines lines"; show_output; }
[ "${n:-0}" -ge 10 ] || { fail "only ${n:-0} tasks"; show_output; }
grep '^[0-9][0-9]*$' "$OUT" | sort -n -c 2>/dev/null ||
	{ fail "tasks not in pid order"; show_output; }
grep -qx "$bg" "$OUT" || { fail "the test's own process $bg is missing"; show_output; }

spry_run 30 "iter:task_file /ctx->task->tgid == $bg/ { printf(\"fd %d %s\n\", ctx->fd, str(ctx->file->f_path.dentry->d_name.name)); }"
assert_rc 0
assert_contains 'fd 0 passwd'
# path() of the file, as bpftrace's iter:task_file example writes it
spry_run 30 "iter:task_file /ctx->task->tgid == $bg/ { printf(\"%d %s\n\", ctx->fd, path(ctx->file->f_path)); }"
assert_rc 0
assert_contains '0 /etc/passwd'

spry_run 30 "iter:task_vma /ctx->task->tgid == $bg/ { @[ctx->vma->vm_file ? str(ctx->vma->vm_file->f_path.dentry->d_name.name) : \"-\"] = count(); @lo[ctx->vma->vm_start < ctx->vma->vm_end] = count(); }"
assert_rc 0
assert_match "^@\\[$name\\]: [1-9][0-9]*\$"
assert_match '^@\[libc\.so\.6\]: [1-9][0-9]*$'
# every mapping, as many as /proc says (less the vsyscall page, which no
# process's memory map holds)
n=$(grep -vc '\[vsyscall\]' "/proc/$bg/maps")
assert_match "^@lo\\[1\\]: $n\$"

# -p: that process's threads only; BEGIN before, END after
spry_run 30 -p "$bg" 'BEGIN { printf("begin\n"); } iter:task { @n = count(); printf("pid %d\n", ctx->task->pid); } END { printf("end\n"); }'
assert_rc 0
assert_match "^pid $bg\$"
assert_match '^@n: 1$'
[ "$(printed | sed -n 1p)" = begin ] && [ "$(printed | grep -n '^end$' | cut -d: -f1)" = 3 ] ||
	{ fail "BEGIN, the iterator and END out of order"; show_output; }

# exit() stops the walk, with its code; JSON is JSON
spry_run 30 'iter:task { printf("one\n"); exit(7); }'
assert_rc 7
[ "$(printed)" = one ] || { fail "exit() did not stop the walk"; show_output; }
spry_run 30 -f json "iter:task /ctx->task->tgid == $bg/ { printf(\"%s\n\", ctx->task->comm); }"
assert_rc 0
assert_contains "{\"type\": \"printf\", \"data\": \"$name\\n\"}"

# beside an event probe: the iterator first, then tracing until exit()
spry_run 30 "iter:task /ctx->task->tgid == $bg/ { printf(\"iter\n\"); } interval:ms:100 { printf(\"tick\n\"); exit(0); }"
assert_rc 0
[ "$(printed | tr '\n' ' ')" = "iter tick " ] || { fail "not the iterator, then tracing"; show_output; }

# -l and -lv: iterators and their context's members
spry_run 10 -lv 'iter:task_file'
assert_rc 0
assert_stdout_equals 'iter:task_file
    struct task_struct * task
    u32 fd
    struct file * file'
spry_run 10 -l 'it:task*'
assert_rc 0
assert_contains 'iter:task_vma'
kill "$bg"
finish
