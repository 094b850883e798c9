# A program the compiler accepts but the verifier rejects: a read of the
# tracepoint context far past the record (the kernel allows ctx reads only
# below PERF_MAX_TRACE_SIZE, 8k).  spry must report it at the script
# location, exit 1, and leave no program loaded (the probe before it did
# load) and no child behind (the -c child was already forked).
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sched/sched_switch

cat >"$T_TMP/v.spry" <<'SPRY'
t:sched/sched_process_exec { @execs = count(); }
t:sched/sched_switch {
	@far = data[200].prev_pid;
}
SPRY
spry_run 30 -c 'sleep 10' "$T_TMP/v.spry"
assert_rc 1
assert_err_match 'v\.spry:3:[0-9]+: error: '
assert_err_match '(verifier|rejected|invalid)'
short=$(wc -l <"$ERR")

# -d: the whole verifier log, so more than without it.
spry_run 30 -d "$T_TMP/v.spry"
assert_rc 1
assert_err_match 'v\.spry:3:[0-9]+: error: '
long=$(wc -l <"$ERR")
if [ "$long" -le "$short" ]; then
	fail "-d printed $long lines of diagnostics, without it $short"
	show_output
fi
finish
