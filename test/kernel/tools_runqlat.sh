# bpftrace's runqlat.bt, unchanged, over a command: bpftrace 0.17 cannot
# run it on this host (its #include <linux/sched.h> fails to parse), spry
# takes the types from BTF.  The frame and a histogram of microseconds.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sched/sched_wakeup
[ -f /usr/sbin/runqlat.bt ] || skip "no /usr/sbin/runqlat.bt (bpftrace's tools)"

spry_run 30 -c 'dd if=/dev/zero of=/dev/null bs=1 count=20000 status=none' \
	/usr/sbin/runqlat.bt
assert_rc 0
assert_match '^Attaching 5 probes\.\.\.$'
assert_match '^Tracing CPU scheduler\.\.\. Hit Ctrl-C to end\.$'
assert_match '^@usecs: $'
assert_match '^\[[0-9]+(, [0-9]+[KM]?\)|\]) +[0-9]+ \|@* *\|$'
finish
