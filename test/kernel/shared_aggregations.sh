# Keyed count/sum/avg/stats/hist maps are one value per key that every CPU
# adds to atomically (layout.c; a per-CPU hash costs ~3 ms of startup):
# two dd's on two CPUs read 1 byte 30000 times each, all into the same
# keys at once, and not one add may be lost, not even when both CPUs
# insert a new key at the same moment (@t: a new key every millisecond;
# the loser of such an insert once lost its add).  min/max stay per-CPU
# and fold across the CPUs when printed.  Under -k, the insert another
# CPU won is no helper error.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_read
[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
command -v taskset >/dev/null || skip "no taskset"

n=30000
dd_on() {	# CPU: n reads of one byte on fd 0, on CPU
	echo "taskset -c $1 dd if=/dev/zero of=/dev/null bs=1 count=$n 2>/dev/null"
}
spry_run 120 -k -c "sh -c '$(dd_on 0) & $(dd_on 1); wait'" '
tracepoint:syscalls:sys_enter_read
/comm == "dd" && args->fd == 0 && args->count == 1/
{
	@c[comm] = count();
	@s[comm] = sum(2);
	@a[comm] = avg(cpu * 10 + 4);
	@st[comm] = stats(3);
	@h[comm] = hist(4);
	@l[comm] = lhist(5, 0, 10, 1);
	@lo[comm] = min(cpu);
	@hi[comm] = max(cpu);
	@cpus[cpu] = count();
	@t[nsecs / 1000000] = count();
}'
assert_rc 0
assert_contains "@c[dd]: $((2 * n))"
assert_contains "@s[dd]: $((4 * n))"
assert_contains "@a[dd]: 9"
assert_contains "@st[dd]: count $((2 * n)), average 3, total $((6 * n))"
assert_match "^\[4, 8\) +$((2 * n)) \|@+\|$"
assert_match "^\[5, 6\) +$((2 * n)) \|@+\|$"
assert_contains "@lo[dd]: 0"
assert_contains "@hi[dd]: 1"
assert_contains "@cpus[0]: $n"
assert_contains "@cpus[1]: $n"
t=$(sed -n 's/^@t\[[0-9]*\]: \([0-9]*\)$/\1/p' "$OUT" | awk '{ s += $1; k++ } END { print s + 0, k + 0 }')
[ "${t% *}" = $((2 * n)) ] || { fail "@t: ${t% *} counted in ${t#* } keys, expected $((2 * n))"; show_output; }
[ -s "$ERR" ] && { fail "stderr not empty"; show_output; }
finish
