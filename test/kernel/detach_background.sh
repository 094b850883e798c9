#!/bin/bash
# Exit without waiting: once spry's output is written, a background process
# (spry-detach) holds the probes and closes them, which on this kernel costs
# RCU grace periods per perf event (~0.1 s each).  Checked here:
#  - the output is complete: the probes' records up to the end, END's
#    record after them, the maps;
#  - the detach process holds nothing but the probes' kernel objects: not
#    spry's stdio (a pipe reading spry's output ends when spry does) nor
#    what spry inherited; it runs in a session of its own (the terminal's
#    ^C is not for it) without a controlling terminal;
#  - it leaves nothing behind (spry_run's leftover check waits for it),
#    also when it is killed halfway.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bpftool
for tp in sched/sched_process_exec sched/sched_process_fork \
	sched/sched_process_exit sched/sched_wakeup sched/sched_switch; do
	require_tracepoint $tp
done

six='t:sched/sched_process_exec, t:sched/sched_process_fork,
	t:sched/sched_process_exit, t:sched/sched_wakeup, t:sched/sched_switch,
	t:sched/sched_wakeup_new'
prog="$six { @n = count(); }
t:sched/sched_switch { @switches = count(); }
t:sched/sched_process_exec /comm == \"true\"/ { printf(\"exec %s\\n\", comm); }
END { printf(\"end\\n\"); }"

# 1. complete output, END last, and nothing left once the detach is done
spry_run 30 -c /bin/true -e "$prog"
assert_rc 0
assert_contains "exec true"
assert_match '^@n: [1-9]'
assert_match '^@switches: [1-9]'
if [ "$(grep -n '^end$' "$OUT" | cut -d: -f1)" != \
	"$(($(grep -n '^exec true$' "$OUT" | tail -n 1 | cut -d: -f1) + 1))" ]; then
	fail "END's line does not follow the last probe record"
	show_output
fi

# 1b. a probe that fires all the time: the probes go on firing after the
# trace stops (until the background detach closes them), but nothing they
# send prints after END's line
spry_run 30 -c 'sleep 0.2' -e 't:sched/sched_switch { printf("sw\n"); }
END { printf("end\n"); }'
assert_rc 0
assert_contains "sw"
# (bpftrace's blank lines at exit may follow it)
if [ "$(grep -v '^$' "$OUT" | tail -n 1)" != end ]; then
	fail "records printed after END's"
	show_output
fi

# 2. the detach process, seen right after spry has exited: six perf events
# take it well over half a second to close
detach_pids() {
	local pid
	# pgrep first: one grep through every process's environment can
	# take longer than the detach process lives on a busy machine
	for pid in $(pgrep -x spry-detach); do
		grep -qzx "SPRY_TEST_MARK=$1" "/proc/$pid/environ" 2>/dev/null &&
			echo "$pid"
	done
}
spry_start -c /bin/true -e "$six { @n = count(); }"
wait "$SPRY_PID"
RC=$?
pids=$(detach_pids "$T_MARK")
if [ -z "$pids" ]; then
	# it lives at least 50 ms, here ~0.5 s: spry did the detach itself
	fail "no spry-detach process holds the probes after spry exited"
else
	for pid in $pids; do
		# only the probes' kernel objects, and /dev/null for stdio:
		# not spry's stdout or stderr, a terminal, or anything spry
		# inherited
		for fd in /proc/"$pid"/fd/*; do
			target=$(readlink "$fd" 2>/dev/null) || continue
			case $target in
			/dev/null|anon_inode:bpf*|'anon_inode:[perf_event]') ;;
			*) fail "spry-detach $pid holds $target (fd ${fd##*/})" ;;
			esac
		done
		# stat field 6 is the session, 7 the controlling terminal
		read -r -a st <"/proc/$pid/stat"
		[ "${st[5]}" = "$pid" ] ||
			fail "spry-detach $pid is not in a session of its own (${st[5]})"
		[ "${st[6]}" = 0 ] ||
			fail "spry-detach $pid has a controlling terminal (${st[6]})"
	done
fi
check_leftovers "$T_MARK" "$T_TMP/progs.before" "$T_TMP/events.before"
assert_rc 0
assert_match '^@n: [1-9]'

# 3. killed while it holds everything: the kernel closes what it held
spry_start -c /bin/true -e "$six { @n = count(); }"
wait "$SPRY_PID"
RC=$?
for pid in $(detach_pids "$T_MARK"); do
	kill -9 "$pid" 2>/dev/null
done
check_leftovers "$T_MARK" "$T_TMP/progs.before" "$T_TMP/events.before"
assert_rc 0

finish
