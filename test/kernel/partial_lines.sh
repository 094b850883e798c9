# Lines a probe prints in pieces stay whole when CPUs interleave: bpftrace's
# execsnoop.bt prints "TIME PID " with printf() and the arguments with
# join(), two records.  With one ring buffer for every CPU, four loops of
# execs on two CPUs interleaved them (60-80 garbled lines of 1600); the
# records now carry their CPU and each CPU's text is put together into
# lines.  Also: a line no newline ends is written when the trace stops.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_execve

cat >"$T_TMP/loops.sh" <<'SH'
for j in 1 2 3 4; do
	(i=0; while [ $i -lt 150 ]; do /bin/true a b c; i=$((i + 1)); done) &
done
wait
SH
prog='
tracepoint:syscalls:sys_enter_execve /str(args->filename) == "/bin/true"/ {
	printf("%d X ", pid); join(args->argv);
}
END { printf("unended"); }'
spry_run 120 -q -c "sh $T_TMP/loops.sh" "$prog"
assert_rc 0
n=$(grep -c '^[0-9][0-9]* X /bin/true a b c$' "$OUT")
[ "$n" = 600 ] || { fail "$n whole lines of the 600 execs of /bin/true"; show_output; }
# no line holds two records' beginnings, none lacks one
bad=$(grep -v '^\(unended\)\{0,1\}$' "$OUT" | grep -cvE '^[0-9]+ X [^X]*$')
[ "$bad" = 0 ] || { fail "$bad garbled lines"; grep -vE '^[0-9]+ X [^X]*$' "$OUT" | head -n 5; }
# (then the blank lines every run ends with, as bpftrace's)
[ "$(grep . "$OUT" | tail -n 1)" = unended ] || { fail "END's unended line is not last"; show_output; }
finish
