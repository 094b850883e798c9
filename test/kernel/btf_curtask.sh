# curtask: the running task as the kernel's struct task_struct *, walked
# through BTF in BEGIN (spry itself) and in a tracepoint (the -c command):
# its ids against pid/tid, its name against comm, its parent's pid, a
# bitfield (in_execve is set while the task execs), a member of an
# anonymous union (rcu_users), and a char[16] as a string and map key.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sched/sched_process_exec
[ -r /sys/kernel/btf/vmlinux ] || skip "no /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF)"

spry_run 30 -c 'sleep 0' '
BEGIN {
	printf("begin %d %d %d %d %s\n", curtask->pid == tid, curtask->tgid == pid,
	       curtask->in_execve, curtask->rcu_users.refs.counter > 0,
	       curtask->comm);
	printf("parent %d\n", curtask->real_parent->pid);
}
t:sched/sched_process_exec {
	printf("exec %d %d %s %d %d\n", curtask->pid == tid,
	       strcmp(curtask->comm, comm) == 0, curtask->comm,
	       curtask->in_execve, curtask->real_parent->tgid == curtask->parent->tgid);
	@[curtask->comm, curtask->real_parent->comm] = count();
}'
assert_rc 0
assert_match '^begin 1 1 0 1 spry$'
assert_match '^exec 1 1 sleep [01] 1$'
# (the -c command's parent is spry's init in its pid namespace)
assert_match 'sleep, spry-init\]?: 1$'
# spry's parent is whatever ran it (timeout, from spry_run)
ppid=$(sed -n 's/^parent //p' "$OUT")
[ -n "$ppid" ] && [ "$ppid" -gt 1 ] || { fail "parent pid '$ppid'"; show_output; }
finish
