# Stacks as builtins, in the kernel: a tracepoint's kernel stack in
# bpftrace's layout and perf's, cut at a frame limit, as map keys (one
# stack map per limit); a raw syscall tracepoint's stack without BPF's
# own frames; a user stack in perf's layout naming each frame's object.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/uprobe-common.bash"
require_root
require_tracepoint sched/sched_process_exec
require_tracepoint syscalls/sys_enter_close

spry_run 30 -c /bin/true '
t:sched/sched_process_exec /pid == cpid/ {
	printf("full%s|\n", kstack);
	printf("two%s|\n", kstack(2));
	printf("perf%s|\n", kstack(perf, 3));
	@two[kstack(2)] = count();
	@one[kstack(perf, 1)] = count();
}'
assert_rc 0
# two frames, indented 8 in a value, 4 in a map key
[ "$(sed -n '/^two$/,/^|$/p' "$OUT" | grep -cE '^        [A-Za-z_][A-Za-z0-9_.]*\+[0-9]+$')" = 2 ] ||
	{ fail "kstack(2) is not two frames"; show_output; }
[ "$(sed -n '/^perf$/,/^|$/p' "$OUT" | grep -cE $'^\t[0-9a-f]{16} [A-Za-z_][A-Za-z0-9_.]*\\+[0-9]+$')" = 3 ] ||
	{ fail "kstack(perf, 3) is not three perf frames"; show_output; }
assert_match 'exec'
assert_lines_ge 2 '^    [A-Za-z_][A-Za-z0-9_.]*\+[0-9]+$'
assert_match $'^\t[0-9a-f]{16} [A-Za-z_]'
assert_match '^\]: 1$'

# raw syscall tracepoints: the stack starts where the syscall is traced,
# not in the program or bpf_trace_run
spry_run 30 -c '/bin/cat /dev/null' '
t:syscalls/sys_enter_close /pid == cpid/ { printf("s%s|\n", kstack(2)); exit(); }'
assert_rc 0
assert_not_contains "bpf_prog_"
assert_not_contains "bpf_trace_run"
assert_match '^        [A-Za-z_]'

# a user stack in perf's layout: address, frame, object
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
build_target
off=$(insn_after "$UT_NOPIE" spry_depth2 'mov +%rsp,%rbp')
[ -n "$off" ] || { fail "no frame setup found in spry_depth2"; finish; }
# (a running process: its frames are named through its maps)
"$UT_NOPIE" forever &
target=$!
wait_mapped $target libspryt.so
spry_run 30 -p $target "u:$UT_NOPIE:spry_depth2+$off { printf(\"%s\", ustack(perf, 3)); exit(); }"
kill $target; wait $target 2>/dev/null
assert_rc 0
assert_match $'^\t[0-9a-f]+ spry_depth2\\+[0-9]+ \\('"$UT_NOPIE"'\)$'
assert_match $'^\t[0-9a-f]+ spry_depth1\\+[0-9]+ \\('"$UT_NOPIE"'\)$'
finish
