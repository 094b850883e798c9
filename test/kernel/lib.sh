# test/kernel/lib.sh - helpers for the host-kernel integration tests.
#
# A test is a bash script test/kernel/NAME.sh that sources this file, runs
# spry one or more times with spry_run and asserts on what it printed:
#
#   . "$(dirname "$0")/lib.sh"
#   require_root
#   spry_run 10 'BEGIN { exit(42); }'
#   assert_rc 42
#   finish
#
# It exits 0 (pass), 1 (fail) or 77 (skip: only where a kernel feature is
# truly absent).  Every spry_run also checks that spry left nothing behind:
# no process of its own or of its -c command, no BPF program, map or link,
# no kprobe/uprobe event in tracefs.
#
# Environment: $SPRY (default $top_builddir/spry), $top_srcdir.

set -u

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${SPRY:=$top_builddir/spry}"
case $SPRY in /*) ;; *) SPRY=$(pwd)/$SPRY ;; esac

T_NAME=$(basename "$0" .sh)
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/spry-kt.XXXXXX")
T_FAILED=0
T_RUNS=0
trap 'rm -rf "$T_TMP"' EXIT

# Results of the last spry_run.
OUT=$T_TMP/stdout	# file: what spry printed on stdout
ERR=$T_TMP/stderr	# file: what spry printed on stderr
RC=0			# its exit status (124: killed by the timeout)

TRACEFS=/sys/kernel/tracing
[ -d $TRACEFS/events ] || TRACEFS=/sys/kernel/debug/tracing

fail() {
	echo "FAIL: $T_NAME: $*"
	T_FAILED=1
}
note() { echo "  $T_NAME: $*"; }
skip() {
	echo "SKIP: $T_NAME: $*"
	exit 77
}

# Show what the last run printed (after a failed assertion).
show_output() {
	echo "  --- spry ${T_LAST_ARGS:-} (exit $RC)"
	echo "  --- stdout:"
	head -c 4000 "$OUT" | sed 's/^/  | /'
	echo "  --- stderr:"
	head -c 4000 "$ERR" | sed 's/^/  | /'
}

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -x "$SPRY" ] || { fail "no spry binary at $SPRY"; finish; }
	if [ ! -d $TRACEFS/events ]; then
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
			skip "no tracefs"
		TRACEFS=/sys/kernel/tracing
	fi
}

# require_tracepoint SYS/NAME: skip when the kernel does not have it.
require_tracepoint() {
	[ -d "$TRACEFS/events/$1" ] || skip "no tracepoint $1 in this kernel"
}

require_cmd() {
	command -v "$1" >/dev/null 2>&1 || fail "needs $1 (scripts/deps installs it)"
}

# tool_copy CMD: print the path of a private copy of CMD named so that its
# comm is unique to this test run ("dd4711"), so that a predicate on comm
# matches our command and not the same tool run by anyone else on the host.
tool_copy() {
	local src dst
	src=$(command -v "$1") || { fail "no $1"; return 1; }
	dst=$T_TMP/$1$$
	cp "$src" "$dst" && echo "$dst"
}

# ---- leftovers ----

# IDs of every loaded BPF object of one KIND (prog, map, link), one a line.
# (bpftool's plain listing starts each object with "ID: "; parsing it is
# twenty times faster than starting python for the JSON one.)
bpf_ids() {
	bpftool "$1" show 2>/dev/null | sed -n 's/^\([0-9][0-9]*\): .*/\1/p' | sort
}
bpf_prog_ids() { bpf_ids prog; }

# Every loaded BPF program, map and link, one "KIND ID" a line: what a run
# must leave as it found it.
bpf_objects() {
	local k
	for k in prog map link; do
		bpf_ids $k | sed "s/^/$k /"
	done | sort
}

# The BPF objects that belong to some other live BPF user, one "KIND ID" a
# line: those a live process holds (an fd: its fdinfo names the object,
# and a link's program), programs attached to perf events it holds, and the
# maps of all of these; and programs and links of types spry never makes
# (cgroup, XDP, ...: attached without an fd) with their maps.  Whatever a run
# leaves that is none of these is spry's: its processes are gone by then.
bpf_others() {
	{
		grep -sh -E '^(prog|map|link)_id:' /proc/[0-9]*/fdinfo/* |
			sed -E 's/^([a-z]+)_id:[[:space:]]*([0-9]+).*/\1 \2/'
		bpftool perf show 2>/dev/null |
			sed -n 's/.*prog_id \([0-9][0-9]*\).*/prog \1/p'
		bpftool prog show 2>/dev/null | awk '/^[0-9]+: / &&
			$2 !~ /^(tracepoint|raw_tracepoint|kprobe|perf_event)$/ {
				sub(":", "", $1); print "prog", $1 }'
		bpftool link show 2>/dev/null | awk '/^[0-9]+: / &&
			$2 !~ /^(perf_event|raw_tracepoint|kprobe_multi|uprobe_multi)$/ {
				sub(":", "", $1); print "link", $1 }'
	} | sort -u >"$T_TMP/others"
	bpftool prog show 2>/dev/null | awk '
		NR == FNR { other[$0] = 1; next }
		/^[0-9]+: / { id = $1; sub(":", "", id) }
		("prog " id) in other {
			for (i = 1; i < NF; i++)
				if ($i == "map_ids") {
					n = split($(i + 1), m, ",")
					for (k = 1; k <= n; k++)
						print "map", m[k]
				}
		}' "$T_TMP/others" - >>"$T_TMP/others"
	sort -u "$T_TMP/others"
}

# Processes (other than ourselves) that carry this run's marker in their
# environment: spry itself, anything its -c command started, and the
# background detach (comm spry-detach) that closes spry's probes after it
# has exited.
marked_procs() {
	local mark=$1 f pid
	# One grep over every environ (NUL-separated entries, -z); ours and our
	# subshells' do not carry the marker, which only spry's command line set.
	grep -lzx "SPRY_TEST_MARK=$mark" /proc/[0-9]*/environ 2>/dev/null |
	while read -r f; do
		pid=${f#/proc/}
		pid=${pid%/environ}
		echo "$pid $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")"
	done
}

dyn_events() {
	cat $TRACEFS/kprobe_events $TRACEFS/uprobe_events 2>/dev/null | sort
}

check_leftovers() {
	local mark=$1 before_progs=$2 before_events=$3 left i
	# Children are killed and reaped by rt_close().  The background detach
	# (spry-detach) outlives spry by design: it holds the probes for 50 ms,
	# then closes them, each perf event waiting out RCU grace periods (up
	# to ~0.1 s a probe).  Wait for it, up to 60 s, then check that it
	# left nothing.
	for ((i = 0; i < 1200; i++)); do
		left=$(marked_procs "$mark")
		[ -z "$left" ] && break
		sleep 0.05
	done
	if [ -n "$left" ]; then
		fail "processes left behind after spry exited:"
		echo "$left" | sed 's/^/    /'
		# Do not let them disturb the next test.
		echo "$left" | while read -r pid _; do kill -9 "$pid" 2>/dev/null; done
	fi

	if command -v bpftool >/dev/null 2>&1; then
		# Objects new since the run began, less those of another BPF
		# user (another spry included: any user on the machine once
		# failed this check at random).  An object held by nobody may
		# still be on its way out: its owner exited (perf events close
		# one at a time, 75 ms each, machine-wide), or an RCU grace
		# period has not passed.  It is spry's leftover once it has
		# stayed held by nobody for T_LEFT_SECS (4) seconds.
		local -A since=()
		local now obj stuck
		for ((i = 0; i < 100; i++)); do
			left=$(comm -13 "$before_progs" <(bpf_objects))
			[ -n "$left" ] &&
				left=$(comm -23 <(echo "$left") <(bpf_others))
			[ -z "$left" ] && break
			now=$(date +%s%N)
			stuck=
			while read -r obj; do
				: "${since[$obj]:=$now}"
				((now - since[$obj] >= ${T_LEFT_SECS:-4} * 1000000000)) &&
					stuck+=" $obj"
			done <<<"$left"
			[ -n "$stuck" ] && break
			sleep 0.2
		done
		[ -n "$left" ] &&
			fail "BPF objects left loaded after spry exited: $(echo $left)"
	fi

	left=$(comm -13 "$before_events" <(dyn_events))
	[ -n "$left" ] && fail "tracefs events left behind: $left"
}

# ---- running spry ----

# mount_ns_wrap SCRIPT: set T_WRAP to run the sh SCRIPT, then spry, in a
# mount namespace of the caller's own, where SCRIPT may change mounts.
# unshare's --propagation private needs / to be a mount point, which it is
# not in a chroot or some containers; there only the mounts under /sys
# (what these tests change) are made private.  False, with the reason in
# T_WRAP_WHY, where no namespace can be made.
mount_ns_wrap() {
	T_WRAP_WHY=
	if unshare -m --propagation private true 2>/dev/null; then
		T_WRAP=(unshare -m --propagation private sh -c "$1
\"\$@\"" sh)
	elif unshare -m --propagation unchanged \
		sh -c 'mount --make-rprivate /sys' 2>/dev/null; then
		T_WRAP=(unshare -m --propagation unchanged sh -c \
			"mount --make-rprivate /sys || exit 98
$1
\"\$@\"" sh)
	else
		T_WRAP_WHY="no private mount namespace can be made here: $(
			unshare -m --propagation unchanged \
				sh -c 'mount --make-rprivate /sys' 2>&1 | head -n 1)"
		return 1
	fi
}

# Commands spry_run puts in front of spry, as an array: another user
# (setpriv), a seccomp filter, a mount namespace.  Empty: spry itself.
T_WRAP=()

# spry_run TIMEOUT ARGS...: run $SPRY ARGS under a timeout (seconds), with
# stdin from /dev/null; sets OUT, ERR, RC and checks for leftovers.
spry_run() {
	local t=$1 mark start
	shift
	T_RUNS=$((T_RUNS + 1))
	mark="$T_NAME.$$.$T_RUNS"
	T_LAST_ARGS="$*"
	bpf_objects >"$T_TMP/progs.before"
	dyn_events >"$T_TMP/events.before"
	start=$SECONDS
	SPRY_TEST_MARK=$mark timeout -k 5 "$t" ${T_WRAP[@]+"${T_WRAP[@]}"} \
		"$SPRY" "$@" </dev/null >"$OUT" 2>"$ERR"
	RC=$?
	# (124 is also what spry says of a -c command that timeout(1) ended)
	[ $RC -eq 124 ] && [ $((SECONDS - start)) -ge "$t" ] &&
		fail "spry did not finish within ${t}s: $*"
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$ERR"; then
		fail "sanitizer report"
		show_output
	fi
	check_leftovers "$mark" "$T_TMP/progs.before" "$T_TMP/events.before"
	return 0
}

# spry_start ARGS...: start $SPRY ARGS in the background (for signal tests),
# its stdout to $T_STDOUT when set (a FIFO, say), else to $OUT; spry_stop
# SIGNAL TIMEOUT sends SIGNAL, waits up to TIMEOUT seconds for it to end,
# then sets RC and checks for leftovers like spry_run.  spry_signal SIGNAL
# only sends it; spry_wait TIMEOUT only waits.
spry_start() {
	T_RUNS=$((T_RUNS + 1))
	T_MARK="$T_NAME.$$.$T_RUNS"
	T_LAST_ARGS="$*"
	bpf_objects >"$T_TMP/progs.before"
	dyn_events >"$T_TMP/events.before"
	SPRY_TEST_MARK=$T_MARK "$SPRY" "$@" </dev/null >"${T_STDOUT:-$OUT}" \
		2>"$ERR" &
	SPRY_PID=$!
}

spry_signal() {
	kill -"$1" "$SPRY_PID" 2>/dev/null
}

spry_wait() {
	spry_stop 0 "$1"
}

spry_stop() {
	local sig=$1 t=$2 i
	# stderr muted: bash reports "Killed" when it reaps a SIGKILLed job
	{
		kill -"$sig" "$SPRY_PID"
		for ((i = 0; i < t * 10; i++)); do
			kill -0 "$SPRY_PID" || break
			sleep 0.1
		done
		if kill -0 "$SPRY_PID"; then
			if [ "$sig" = 0 ]; then
				fail "spry did not exit within ${t}s"
			else
				fail "spry did not exit within ${t}s of SIG$sig"
			fi
			kill -9 "$SPRY_PID"
		fi
		wait "$SPRY_PID"
		RC=$?
	} 2>/dev/null
	check_leftovers "$T_MARK" "$T_TMP/progs.before" "$T_TMP/events.before"
}

# Wait until spry has attached: its stdout or stderr says something, or
# @secs pass.  (A fixed sleep is the fallback: attach prints nothing.)
spry_settle() {
	sleep "${1:-1}"
}

# The value N of a "@name: N" line of the last run's stdout (empty if none).
map_value() {
	sed -n "s/^$1: \([0-9-]*\)\$/\1/p" "$OUT" | tail -n 1
}

# ---- assertions ----

assert_rc() {
	[ "$RC" -eq "$1" ] && return 0
	fail "exit status $RC, expected $1"
	show_output
}

assert_rc_nonzero() {
	[ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && return 0
	fail "exit status $RC, expected a failure"
	show_output
}

# assert_contains STRING: stdout contains STRING (fixed string).
assert_contains() {
	grep -qF -- "$1" "$OUT" && return 0
	fail "stdout does not contain '$1'"
	show_output
}

assert_not_contains() {
	grep -qF -- "$1" "$OUT" || return 0
	fail "stdout contains '$1'"
	show_output
}

# assert_match ERE: some stdout line matches the extended regex.
assert_match() {
	grep -qE -- "$1" "$OUT" && return 0
	fail "no stdout line matches /$1/"
	show_output
}

assert_err_contains() {
	grep -qF -- "$1" "$ERR" && return 0
	fail "stderr does not contain '$1'"
	show_output
}

assert_err_match() {
	grep -qE -- "$1" "$ERR" && return 0
	fail "no stderr line matches /$1/"
	show_output
}

# assert_stdout_equals TEXT: stdout is exactly TEXT (plus a final newline).
assert_stdout_equals() {
	if [ "$(cat "$OUT")" = "$1" ]; then
		return 0
	fi
	fail "stdout is not what was expected"
	echo "  --- expected:"
	printf '%s\n' "$1" | sed 's/^/  | /'
	show_output
}

# assert_lines_ge N ERE: at least N stdout lines match.
assert_lines_ge() {
	local n
	n=$(grep -cE -- "$2" "$OUT")
	[ "$n" -ge "$1" ] && return 0
	fail "$n stdout lines match /$2/, expected at least $1"
	show_output
}

# A diagnostic with a location: "FILE:LINE:COL: error: ..." and a caret line.
assert_diag() {
	assert_err_match "^[^:]+:[0-9]+:[0-9]+: error: .*$1"
	assert_err_match '^[[:space:]]*\^'
}

finish() {
	[ $T_FAILED = 0 ] || exit 1
	echo "PASS: $T_NAME"
	exit 0
}
