# A read latency histogram: a plain map carries the entry timestamp, keyed by
# thread id, from sys_enter_read to sys_exit_read.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_read

dd=$(tool_copy dd)
spry_run 30 -c "$dd if=/dev/zero of=/dev/null bs=4096 count=20 status=none" \
	't:syscalls/sys_enter_read /comm == "'"${dd##*/}"'"/ { start[kpid] = time; }
	t:syscalls/sys_exit_read /start[kpid]/ {
		@ns = quantize(time - start[kpid]);
		@reads = count();
		delete start[kpid];
	}'
assert_rc 0
assert_match '^@ns: $'
assert_match '^\[[0-9]+[KMG]?, [0-9]+[KMG]?\) +[0-9]+ \|@* *\|$'
n=$(map_value @reads)
if [ -z "$n" ] || [ "$n" -lt 20 ]; then
	fail "timed ${n:-no} reads, expected at least 20"
	show_output
fi
finish
