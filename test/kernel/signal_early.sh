# SIGINT, SIGTERM or SIGHUP while spry starts (compiling, loading 3000
# programs) stop it as they stop a trace: END runs, the maps print, exit 0.
# The handlers were once installed only when tracing began: a signal in the
# first tens of milliseconds killed spry (130, 143, 129), or was ignored
# where the shell had started spry with SIGINT ignored.  And SIGHUP, at any
# time, killed it without END.
. "$(dirname "$0")/lib.sh"
require_root
export BPFTRACE_MAX_PROBES=5000	# bpftrace's cap of 512 probes a run

awk 'BEGIN {
	print "BEGIN { @started = 1; }"
	for (i = 0; i < 3000; i++) printf "BEGIN { b%d = %d; }\n", i, i
	print "END { printf(\"end\\n\"); }"
}' >"$T_TMP/many.spry"
exe=$(readlink -f "$SPRY")

for sig in INT TERM HUP; do
	spry_start "$T_TMP/many.spry"
	# once the exec is done, spry is in its own code: 50 ms later it is
	# still loading (3000 programs take about half a second)
	for ((i = 0; i < 200; i++)); do
		[ "$(readlink "/proc/$SPRY_PID/exe" 2>/dev/null)" = "$exe" ] && break
		sleep 0.01
	done
	sleep 0.05
	grep -q end "$OUT" && note "SIG$sig came late: spry had stopped already"
	spry_stop $sig 20
	assert_rc 0
	assert_match '^end$'
	assert_match '^@started: 1$'
done

# and SIGHUP during the trace, as SIGINT and SIGTERM (sigint.sh)
spry_start 'i:10ms { @ticks = count(); } END { printf("end\n"); }'
sleep 1
spry_stop HUP 10
assert_rc 0
assert_match '^end$'
assert_match '^@ticks: [1-9][0-9]*$'
finish
