# -c: the command has normal signal semantics and spry reports how it
# ended.  It runs under spry's own init (pid 1 of the command's pid
# namespace), not as pid 1 itself, which ignores every signal it has no
# handler for: a command raising SIGTERM survived it, kill -TERM from
# outside did nothing to `-c 'sleep 8'`, and `yes | head -1` printed
# "Broken pipe".  When the command's end ends the trace, spry exits with
# its status (128 + the signal that killed it); a failing command once made
# spry exit 0.
. "$(dirname "$0")/lib.sh"
require_root

prog='END { printf("end\n"); }'

# the command's own status, and a signal it raises itself
spry_run 20 -c 'sh -c "exit 7"' "$prog"
assert_rc 7
assert_match '^end$'
spry_run 20 -c false "$prog"
assert_rc 1
spry_run 20 -c 'sh -c "kill -TERM \$\$; sleep 10"' "$prog"
assert_rc 143
assert_match '^end$'
spry_run 20 -c 'sh -c "kill -KILL \$\$"' "$prog"
assert_rc 137

# pid PROG: the pid of this run's process running PROG (comm), once it runs
run_pid() {
	local i pid
	for ((i = 0; i < 50; i++)); do
		for pid in $(marked_procs "$T_MARK" | cut -d' ' -f1); do
			[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] &&
				{ echo "$pid"; return 0; }
		done
		sleep 0.1
	done
	return 1
}

# kill -TERM from outside: to the command, and to the init, which passes
# it on.  Either way the command ends at once, and so does the trace.
for target in sleep spry-init; do
	spry_start -c 'sleep 8' "$prog"
	pid=$(run_pid $target) || fail "no $target process of the run"
	[ -n "$pid" ] && kill -TERM "$pid"
	spry_wait 3
	assert_rc 143
	assert_match '^end$'
done

# A signal the terminal sends the whole process group reaches the command
# once, from the terminal, not a second time through the init: a command
# counting its SIGINTs sees one.  (Sent here as the kernel would send it
# for ^C is not possible without a terminal; what is checked is that the
# init forwards a SIGUSR1 sent to it exactly once.)
cat >"$T_TMP/count.sh" <<'SH'
n=0
trap 'n=$((n + 1))' USR1
trap 'echo "usr1 $n"; exit 0' TERM
while :; do sleep 0.1; done
SH
spry_start -c "sh $T_TMP/count.sh" "$prog"
pid=$(run_pid spry-init) || fail "no init process of the run"
sleep 0.3
[ -n "$pid" ] && kill -USR1 "$pid" && sleep 0.5 && kill -TERM "$pid"
spry_wait 3
assert_rc 0
assert_match '^usr1 1$'

# The reader of the command's output goes away: the command dies of
# SIGPIPE quietly, as without spry, and spry says so in its status.  (The
# trace goes to a file: spry's own output to the closed pipe would be a
# write error of spry's, status 1.)
T_WRAP=(bash -c '"$@" | head -n 1 >/dev/null; exit ${PIPESTATUS[0]}' sh)
spry_run 20 -o "$T_TMP/trace" -c yes 'END { }'
T_WRAP=()
assert_rc 141
if grep -q '^yes:.*Broken pipe' "$ERR"; then
	fail "the command complained of a broken pipe"
	show_output
fi
finish
