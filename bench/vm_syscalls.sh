# vm_syscalls.sh - the per-event cost of each way spry attaches a syscalls/
# probe, inside test/vm's VM (Debian's kernel, which runs fentry programs;
# the host's refuses them).  A case file for test/vm/run: bench/vm-syscalls
# runs it and prints the table.
#
# Input (environment, from bench/vm-syscalls through /spry-vm/config):
#   BENCH_CALLS, BENCH_ROUNDS   per run of /usr/bin/getppid (bench/getppid.c)
# Output: one line per run,
#   bench HOW LOOP min NS median NS
# HOW: base (spry with a BEGIN probe alone: the -c command in its pid
# namespace, no syscall probe), auto (spry's own choice), fentry, perf,
# raw (SPRY_SYSCALLS); LOOP:
# getpgid (the traced syscall: the probe is on sys_enter_getpgid) or
# getppid (an unrelated one).  Each HOW runs twice, the second pass in the
# reverse order, and the low figure counts (bench/run's reasoning: on a
# shared machine time only ever gets added).
need_spry
[ -x /usr/bin/getppid ] || skip "no /usr/bin/getppid (bench/vm-syscalls copies it)"
calls=${BENCH_CALLS:-20000}
rounds=${BENCH_ROUNDS:-10}

one()
{
	how=$1 loop=$2 prog='tracepoint:syscalls:sys_enter_getpgid { @ = count(); }'
	[ "$how" = base ] && prog='BEGIN { }'
	if [ "$how" = base ]; then
		"$SPRY" -e "$prog" -c "getppid $calls $rounds $loop" >"$OUT" 2>&1
	else
		SPRY_SYSCALLS=${how#auto} "$SPRY" -e "$prog" \
			-c "getppid $calls $rounds $loop" >"$OUT" 2>&1
	fi || { cat "$OUT"; fail "$how $loop: spry failed"; }
	sed -n "s/^getppid: .*cpu median \([0-9.]*\) min \([0-9.]*\).*/bench $how $loop min \2 median \1/p" "$OUT"
}

for pass in 1 2; do
	order="base auto fentry perf raw"
	[ "$pass" = 2 ] && order="raw perf fentry auto base"
	for how in $order; do
		one "$how" getpgid
		one "$how" getppid
	done
done
