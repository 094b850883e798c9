# bpftrace's options and environment: -q, -o, -B, -v, positional
# parameters after the program (options after them too), BPFTRACE_STRLEN,
# BPFTRACE_MAP_KEYS_MAX, BPFTRACE_MAX_PROBES.
. "$(dirname "$0")/lib.sh"
require_root

prog='BEGIN { printf("one\n"); @n = 5; exit(); }'

# the Attaching line counts BEGIN and END; -q drops it
spry_run 20 -e 'BEGIN { exit(); } END { printf("end\n"); }'
assert_rc 0
assert_match '^Attaching 2 probes\.\.\.$'
spry_run 20 -q -e "$prog"
assert_rc 0
assert_stdout_equals 'one


@n: 5'

# -o: the trace goes to the file as bpftrace writes it (without the two
# newlines before the maps: bpftrace writes those to stdout), nothing to
# stdout
spry_run 20 -o "$T_TMP/trace" -e "$prog"
assert_rc 0
[ -s "$OUT" ] && { fail "-o: stdout is not empty"; show_output; }
[ "$(cat "$T_TMP/trace")" = 'Attaching 1 probe...
one
@n: 5' ] || { fail "-o: the file holds $(cat "$T_TMP/trace")"; show_output; }

# -B accepts bpftrace's three modes, and the output is the same
for mode in line full none; do
	spry_run 20 -q -B $mode -e "$prog"
	assert_rc 0
	assert_match '^@n: 5$'
done

# -v: what was loaded and attached, on stderr
spry_run 20 -v -e "$prog"
assert_rc 0
assert_err_contains 'spry: loaded BEGIN: program id'
assert_err_contains 'spry: attaching BEGIN'

# parameters after the program, options among them, as GNU getopt takes
# them (the language's $1 lands with the bpftrace sema; here: accepted)
spry_run 20 -e "$prog" first -q second
assert_rc 0
assert_not_contains 'Attaching'
printf '%s\n' "$prog" >"$T_TMP/p.bt"
spry_run 20 "$T_TMP/p.bt" 1 2 3
assert_rc 0
assert_match '^one$'

# bpftrace's environment variables set the defaults; options win
BPFTRACE_MAP_KEYS_MAX=7 spry_run 20 -n -S -e 'BEGIN { @m[1] = 1; }'
assert_rc 0
assert_contains 'map 0 @m: type 1 key 8 val 8 max 7'
BPFTRACE_MAP_KEYS_MAX=7 spry_run 20 -n -S -M 9 -e 'BEGIN { @m[1] = 1; }'
assert_contains 'max 9'
BPFTRACE_STRLEN=24 spry_run 20 -n -S \
	-e 't:syscalls/sys_enter_openat { @s = str(uptr(data->filename)); }'
assert_rc 0
assert_contains 'call str :char[24]'
BPFTRACE_MAP_KEYS_MAX=lots spry_run 20 -n -e "$prog"
assert_rc 1
assert_err_contains "invalid map size 'lots'"
assert_err_contains 'BPFTRACE_MAP_KEYS_MAX'
BPFTRACE_MAX_PROBES=1 spry_run 20 -e 'BEGIN { exit(); } END { }'
assert_rc 1
assert_err_contains '2 probes exceed the limit of 1'
finish
