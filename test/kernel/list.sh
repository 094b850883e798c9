# -l / -lv: probe points in bpftrace's shape, checked against bpftrace
# itself where it lists the same thing (tracepoints and their fields), and
# against the test program's USDT probes and functions.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/usdt-common.bash"
require_root
require_cmd bpftrace
build_usdt

# tracepoints: the same points and fields as bpftrace
spry_run 30 -l 'tracepoint:sched:*'
assert_rc 0
bpftrace -l 'tracepoint:sched:*' 2>/dev/null | sort >"$T_TMP/bt"
sort "$OUT" | diff "$T_TMP/bt" - >"$T_TMP/diff" ||
	{ fail "tracepoint:sched:* differs from bpftrace's"; cat "$T_TMP/diff"; }
spry_run 30 -lv 't:sched/sched_switch'
assert_rc 0
bpftrace -lv 'tracepoint:sched:sched_switch' 2>/dev/null >"$T_TMP/bt"
diff "$T_TMP/bt" "$OUT" >"$T_TMP/diff" ||
	{ fail "-lv sched_switch differs from bpftrace's"; cat "$T_TMP/diff"; }

# a bare pattern is over "provider:point" of every kernel provider
spry_run 30 -l '*sched_switch'
assert_rc 0
assert_stdout_equals "tracepoint:sched:sched_switch
rawtracepoint:sched_switch"

# software events with their aliases, as bpftrace names them
spry_run 30 -l 'software:c*'
assert_stdout_equals "software:context-switches:
software:cs:
software:cpu-clock:
software:cpu:
software:cpu-migrations:"

# usdt: every probe of a file once, -lv its arguments as they read
spry_run 30 -l "usdt:$UD_NOPIE:*"
assert_rc 0
assert_stdout_equals "usdt:$UD_NOPIE:spryt:basic
usdt:$UD_NOPIE:spryt:globals
usdt:$UD_NOPIE:spryt:consts
usdt:$UD_NOPIE:spryt:small
usdt:$UD_NOPIE:spryt:sem"
spry_run 30 -lv "U:$UD_NOPIE:spryt:c*"
assert_stdout_equals "usdt:$UD_NOPIE:spryt:consts
    arg0: s32, -4@\$5
    arg1: s32, -4@\$-1"

# uprobe: functions of a file
spry_run 30 -l "uprobe:$UD_NOPIE:ma*"
assert_stdout_equals "uprobe:$UD_NOPIE:main"

# -p: the objects of a running process, its library's probe too
"$UD_PIE" forever & pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$T_TMP"' EXIT
sleep 0.2
spry_run 30 -p "$pid" -l 'usdt:*:spryt:[lb]*'
kill $pid
assert_rc 0
assert_match "^usdt:/proc/$pid/root$UD_PIE:spryt:basic\$"
assert_match "^usdt:/proc/$pid/root$UD_LIB:spryt:lib\$"

# mistakes
spry_run 30 -l 'nosuch:*'
assert_rc 1
assert_err_contains "spry: error: unknown provider 'nosuch' in 'nosuch:*'"
spry_run 30 -l 'usdt:*'
assert_rc 1
assert_err_contains "usdt listing needs a file"
finish
