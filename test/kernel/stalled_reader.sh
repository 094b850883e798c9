# A reader that stalls (spry ... | less, | (sleep 5; cat)) blocks spry in a
# write.  The first SIGINT (or SIGTERM, SIGHUP) must not lose END or the
# maps: the write goes on once the reader reads (it once failed with EINTR:
# exit 1, END skipped, buffered output lost).  A second one must end spry at
# once, output abandoned, nothing left behind (once only SIGKILL could).
. "$(dirname "$0")/lib.sh"
require_root

long=$(printf '%200s' '' | tr ' ' x)
# 200-byte lines every millisecond fill a pipe's 64 KiB in a third of a
# second; -K: the probe fires on while spry is blocked, and the ring buffer
# overflows, which is not what is tested here
prog="i:1ms { printf(\"%s\\n\", \"$long\"); @ticks = count(); }
END { printf(\"end\\n\"); }"

fifo=$T_TMP/fifo
mkfifo "$fifo"

# The reader reads nothing for 3 s, then everything.
for sig in INT TERM HUP; do
	(sleep 3; cat) <"$fifo" >"$OUT" &
	reader=$!
	T_STDOUT=$fifo spry_start -K "$prog"
	sleep 1
	spry_signal $sig
	wait "$reader"
	spry_wait 10
	assert_rc 0
	assert_match '^end$'
	assert_match '^@ticks: [1-9][0-9]*$'
	[ "$(grep -c "^$long\$" "$OUT")" -gt 100 ] ||
		fail "the output before END is missing"
	assert_err_match '^spry: [0-9]+ events lost'
	grep -q 'cannot write' "$ERR" && { fail "a write failed"; show_output; }
done

# The reader never reads: a second signal ends spry (128 + its number, as
# a shell reports a process a signal killed), whatever the first was.
for sigs in "INT INT" "TERM TERM" "INT TERM" "HUP INT"; do
	set -- $sigs
	(exec 7<"$fifo"; sleep 20) &
	reader=$!
	T_STDOUT=$fifo spry_start -K "$prog"
	sleep 1
	spry_signal "$1"
	sleep 0.5
	kill -0 "$SPRY_PID" 2>/dev/null ||
		fail "spry ended on the first SIG$1 with nothing read"
	spry_stop "$2" 3
	assert_rc $((128 + $(kill -l "$2")))
	assert_err_match "^spry: SIG$2 after SIG$1: stopping at once"
	kill "$reader" 2>/dev/null
	wait "$reader" 2>/dev/null
done
finish
