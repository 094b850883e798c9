# rawtracepoint: the raw arguments of kernel tracepoints: sys_enter's
# syscall number for a dd that reads and writes one byte at a time, and
# sched_process_exec's old pid, which is the new program's pid; the same
# arguments typed from BTF (args->NAME, walked), for an event of its own
# class and one of a shared class; without BTF, arg0.. alone.  Globs:
# one probe per matching tracepoint (from BTF, or tracefs without it), each
# with its own arguments.
. "$(dirname "$0")/lib.sh"
require_root
dd=$(tool_copy dd) || finish
name=$(basename "$dd")

spry_run 30 -c "$dd if=/dev/zero of=/dev/null bs=1 count=100" \
	"rawtracepoint:sys_enter /comm == \"$name\"/ { @[arg1] = count(); }
	 rt:sched:sched_process_exec /comm == \"$name\"/ { printf(\"exec %d %d\\n\", pid, arg1); }"
assert_rc 0
# x86_64 read is 0, write 1; aarch64 read 63, write 64
case $(uname -m) in
x86_64) rd=0 wr=1 ;;
aarch64) rd=63 wr=64 ;;
esac
n=$(sed -n "s/^@\[$rd\]: \([0-9]*\)\$/\1/p" "$OUT")
[ "${n:-0}" -ge 100 ] || { fail "read: ${n:-0}, expected >= 100"; show_output; }
n=$(sed -n "s/^@\[$wr\]: \([0-9]*\)\$/\1/p" "$OUT")
[ "${n:-0}" -ge 100 ] || { fail "write: ${n:-0}, expected >= 100"; show_output; }
read -r _ p a < <(grep '^exec ' "$OUT")
[ -n "$p" ] && [ "$p" = "$a" ] || { fail "exec: pid $p, old pid $a"; show_output; }

# typed: sched_process_exec(struct task_struct *p, pid_t old_pid, struct
# linux_binprm *bprm), and sched_process_exit(struct task_struct *p...);
# the module:name form bpftrace writes.  sched_wakeup is an event of the
# class sched_wakeup_template, whose stub names its argument.
spry_run 30 -c "$dd if=/dev/zero of=/dev/null bs=1 count=1" \
	"rt:sched_process_exec /comm == \"$name\"/ { printf(\"exec %s %d %d\n\", str(args->bprm->filename), args->old_pid == arg1, (uint64)args.p == arg0); }
	 rawtracepoint:vmlinux:sched_process_exit /comm == \"$name\"/ { printf(\"exit %d\n\", args->p->pid == tid); }"
assert_rc 0
assert_contains "exec $dd 1 1"
assert_contains 'exit 1'
spry_run 10 -lv 'rawtracepoint:sched_wakeup'
assert_rc 0
assert_stdout_equals 'rawtracepoint:sched_wakeup
    struct task_struct * p'

# without BTF: no args, arg0.. up to 12, still attached
SPRY_BTF=/nonexistent spry_run 30 -c "$dd if=/dev/zero of=/dev/null bs=1 count=1" \
	"rt:sched_process_exec /comm == \"$name\"/ { printf(\"old %d\n\", arg1); }"
assert_rc 0
assert_match '^old [1-9][0-9]*$'
SPRY_BTF=/nonexistent spry_run 10 -n 'rt:sched_process_exec { print(args->old_pid); }'
assert_rc 1
assert_diag "unknown identifier 'args'"

# a glob: exec and exit of the dd, each probe named by its own tracepoint,
# each with its own args (exec's old_pid, exit's p); from BTF and, without
# it, from tracefs
spry_run 30 -c "$dd if=/dev/zero of=/dev/null bs=1 count=1" \
	"rt:sched_process_e* /comm == \"$name\"/ { @[probe] = count(); }
	 rt:sched:sched_process_ex[ei]* /comm == \"$name\"/ { printf(\"%s %d\n\", probe, args->p->pid == tid); }"
assert_rc 0
assert_match '^@\[rawtracepoint:sched_process_exec\]: 1$'
assert_match '^@\[rawtracepoint:sched_process_exit\]: [1-9][0-9]*$'
assert_contains 'rawtracepoint:sched_process_exec 1'
assert_contains 'rawtracepoint:sched_process_exit 1'
[ "$(grep -c '^@\[' "$OUT")" = 2 ] || { fail "two tracepoints expected"; show_output; }
SPRY_BTF=/nonexistent spry_run 30 -c "$dd if=/dev/zero of=/dev/null bs=1 count=1" \
	"rt:sched_process_exe? /comm == \"$name\"/ { printf(\"%s old %d\n\", probe, arg1); }"
assert_rc 0
assert_match '^rawtracepoint:sched_process_exec old [1-9][0-9]*$'
# -l lists what such a probe attaches to: the sched subsystem's
spry_run 10 -l 'rt:sched:sched_process_e*'
assert_rc 0
assert_match '^rawtracepoint:sched_process_exec$'
assert_match '^rawtracepoint:sched_process_exit$'
[ "$(wc -l <"$OUT")" = 2 ] || { fail "two lines expected"; show_output; }
spry_run 10 -n 'rt:sched_nosuch_* { }'
assert_rc 1
assert_diag "no raw tracepoint matches 'sched_nosuch_\*'"

# arguments beyond the tracepoint's (from BTF) are unknown names
spry_run 30 -n 'rawtracepoint:sched_switch { print(arg4); }'
assert_rc 1
assert_diag "unknown identifier 'arg4'"
finish
