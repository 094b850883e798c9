# bpftrace's aggregations over real reads on two CPUs: min() and max() fold
# only the CPUs that saw a value (a CPU that never did reads 0, which must
# not win min()), avg() and stats() add up counts and totals; a while loop
# over each read's size passes the verifier (bounded loops, Linux 5.3).
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_exit_read
[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
command -v taskset >/dev/null || skip "no taskset"

dd_on() {	# CPU BYTES: one read of BYTES, on CPU
	echo "taskset -c $1 dd if=/dev/zero of=/dev/null bs=$2 count=1 2>/dev/null;"
}
spry_run 60 -c "sh -c '$(dd_on 0 100) $(dd_on 1 5000) $(dd_on 0 3000) $(dd_on 1 3000)'" '
tracepoint:syscalls:sys_exit_read
/comm == "dd" && (args->ret == 100 || args->ret == 3000 || args->ret == 5000)/
{
	$n = args->ret;
	$bits = 0;
	while ($n > 0) {
		$bits++;
		$n >>= 1;
	}
	@bits[$bits] = count();
	@max = max(args->ret);
	@min = min(args->ret);
	@avg = avg(args->ret);
	@stats = stats(args->ret);
	@cpus[cpu] = count();
}'
assert_rc 0
assert_match '^@min: 100$'
assert_match '^@max: 5000$'
assert_match '^@avg: 2775$'
assert_match '^@stats: count 4, average 2775, total 11100$'
assert_match '^@bits\[7\]: 1$'
assert_match '^@bits\[12\]: 2$'
assert_match '^@bits\[13\]: 1$'
assert_match '^@cpus\[0\]: 2$'
assert_match '^@cpus\[1\]: 2$'
finish
