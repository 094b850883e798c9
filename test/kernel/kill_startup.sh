# SIGKILL (and SIGTERM) at random moments of startup leave nothing behind.
#
# spry is started with a -c child and probes of every kind the host has
# (BEGIN, tracepoints, a raw syscall tracepoint, a uprobe, an interval and
# a profile timer, END), then killed after a random 0-300 ms: while it
# compiles, creates maps, forks the child, loads, attaches, runs BEGIN or
# traces.  Whatever the moment, lib.sh's check must find no process of the
# run (the `sleep 30` above all: its init has PR_SET_PDEATHSIG and is pid 1
# of the command's pid namespace), no BPF program, map or link, no kprobe/uprobe
# event.  SIGTERM at the same moments must also end spry, within 10 s
# (signal_early.sh checks that it ends it as it ends a trace).
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sched/sched_switch
require_tracepoint syscalls/sys_enter_openat
command -v bpftool >/dev/null 2>&1 || fail "needs bpftool (scripts/deps installs it)"

cat >"$T_TMP/k.spry" <<'SPRY'
BEGIN { @start = 1; printf("begin\n"); }
t:sched/sched_switch { @sw[comm] = count(); }
t:syscalls/sys_enter_openat { @open[comm] = count(); }
u:libc:malloc { @mallocs = count(); }
i:50ms { @ticks = count(); }
p:99hz { @samples = count(); }
END { printf("end\n"); }
SPRY

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# Sleep MS milliseconds without forking (sleep(1) costs a few ms itself,
# a good part of spry's whole startup): a read that times out on a FIFO
# nobody writes to.
mkfifo "$T_TMP/never"
exec 9<>"$T_TMP/never"
msleep() {
	read -r -t "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))" -u 9 _ || :
}

# How long the whole startup takes here (until BEGIN has printed; the
# last of three runs, the first ones fill caches), so that half the signals
# land inside it however fast the machine is.
for run in 1 2 3; do
	t0=$(now_ms)
	spry_start -u -c 'sleep 30' "$T_TMP/k.spry"
	for ((i = 0; i < 1000; i++)); do
		grep -q begin "$OUT" && break
		msleep 1
	done
	startup=$(( $(now_ms) - t0 ))
	spry_stop TERM 10
done
note "startup takes about $startup ms"

rounds=${ROUNDS:-10}
early=0 total=0
for sig in KILL KILL KILL TERM; do
	for ((n = 0; n < rounds; n++)); do
		# odd rounds: anywhere in 0-300 ms; even ones: within startup
		if ((n % 2)); then
			ms=$((RANDOM % 301))
		else
			ms=$((RANDOM % (startup + 1)))
		fi
		spry_start -u -c 'sleep 30' "$T_TMP/k.spry"
		msleep $ms
		grep -q begin "$OUT" || early=$((early + 1))
		total=$((total + 1))
		spry_stop $sig 10
		if [ $sig = KILL ] && [ "$RC" -ne 137 ]; then
			# it may have failed on its own first: say how
			fail "spry exited $RC before SIGKILL"
			show_output
		fi
		if grep -qE 'AddressSanitizer|runtime error:' "$ERR"; then
			fail "sanitizer report"
			show_output
		fi
		[ "$T_FAILED" = 0 ] || break 2
	done
done
note "$early of $total signals landed before tracing started"
finish
