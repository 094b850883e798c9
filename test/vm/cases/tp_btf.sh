# tp_btf and rawtracepoint's typed arguments on Debian's 6.1 kernel:
# sched_process_exec(struct task_struct *p, pid_t old_pid, struct
# linux_binprm *bprm), read by name and walked (the program's file name),
# the same through both providers, and arg0.. beside args.
need_provider tp_btf
need_file /sys/kernel/btf/vmlinux
for prov in tp_btf rawtracepoint; do
	run "$SPRY" -e "$prov:sched_process_exec /args->p->comm == \"cat\"/ { printf(\"exec %s %d %d\n\", str(args->bprm->filename), args->old_pid == pid, (uint64)args->p == arg0); }" \
		-c 'cat /etc/hostname'
	assert_ok
	assert_contains 'exec /bin/cat 1 1'
done
# sched_wakeup is an event of class sched_wakeup_template: its argument's
# name comes from the class's stub
run "$SPRY" -e 'tp_btf:sched_wakeup { @[args->p->pid > 0] = count(); } interval:ms:200 { exit(0); }'
assert_ok
assert_matches '^@\[1\]: [1-9][0-9]*$'
run "$SPRY" -lv 'tp_btf:sched_wakeup'
assert_ok
assert_contains 'struct task_struct * p'
