# tp_btf: raw tracepoints as BTF-typed tracing programs, on the host
# kernel.  sched_process_exec(struct task_struct *p, pid_t old_pid, struct
# linux_binprm *bprm) of a command: its arguments by name and walked, the
# raw slots beside them; sched_process_exit, an event of a class
# (sched_process_template), whose argument is named from the class's stub.
# A glob is a program per tracepoint.  Where the kernel refuses tracing
# programs, the error names rawtracepoint.
. "$(dirname "$0")/lib.sh"
require_root
[ -e /sys/kernel/btf/vmlinux ] || skip "no kernel BTF"
cat=$(tool_copy cat) || finish
name=$(basename "$cat")

spry_run 30 -c "$cat /etc/hostname" \
	"tp_btf:sched_process_exec /args->p->comm == \"$name\"/ { printf(\"exec %s %d %d\n\", str(args->bprm->filename), args->old_pid == pid, (uint64)args->p == arg0); }
	 tp_btf:sched_process_exit /args->p->comm == \"$name\"/ { printf(\"exit %d\n\", args->p->pid == pid); }"
if grep -q 'this kernel refuses tp_btf programs' "$ERR"; then
	assert_rc 1
	assert_err_contains 'use rawtracepoint:sched_process_exec instead'
	finish
fi
assert_rc 0
assert_contains "exec $cat 1 1"
assert_contains 'exit 1'

# the same through the vmlinux:NAME form, and -lv's arguments
spry_run 30 -c "$cat /etc/hostname" \
	"tp_btf:vmlinux:sched_process_exec /args->p->comm == \"$name\"/ { printf(\"%d\n\", args->old_pid); }"
assert_rc 0
assert_match '^[1-9][0-9]*$'
spry_run 10 -lv 'tp_btf:sched_process_exec'
assert_rc 0
assert_stdout_equals 'tp_btf:sched_process_exec
    struct task_struct * p
    s32 old_pid
    struct linux_binprm * bprm'

# a glob: one typed program per tracepoint, each named by its own
spry_run 30 -c "$cat /etc/hostname" \
	"tp_btf:sched_process_ex* /args->p->comm == \"$name\"/ { printf(\"%s %d\n\", probe, args->p->pid == pid); }"
assert_rc 0
assert_contains 'tp_btf:sched_process_exec 1'
assert_contains 'tp_btf:sched_process_exit 1'

# a name BTF lacks, with the nearest one
spry_run 10 -n 'tp_btf:sched_process_exek { }'
assert_rc 1
assert_diag "no raw tracepoint 'sched_process_exek' in this kernel"
assert_err_contains "did you mean 'sched_process_exec'?"
finish
