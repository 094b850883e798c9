# software: perf software events, system-wide (filtered to the -c command)
# and per process (-p): page faults of a dd that touches a 16 MiB buffer,
# its context switches, CPU-clock samples of a busy loop, and the hardware
# provider's error where the machine has no PMU.
. "$(dirname "$0")/lib.sh"
require_root
[ -d /sys/bus/event_source/devices/software ] || skip "no software PMU"

dd=$(tool_copy dd) || finish
name=$(basename "$dd")
# a 16 MiB block is 4096 pages, each faulted in once (minor faults)
spry_run 30 -c "$dd if=/dev/zero of=/dev/null bs=16M count=1" \
	"software:page-faults:1 { @[comm] = count(); } s:faults:100 { @f = count(); }"
assert_rc 0
n=$(sed -n "s/^@\[$name\]: \([0-9]*\)\$/\1/p" "$OUT")
[ "${n:-0}" -ge 4000 ] || { fail "$name: ${n:-0} page faults, expected >= 4000"; show_output; }
# only the command's processes (spry's child before its exec, the shell,
# dd): -c filters every probe
others=$(grep -vE "^(Attaching [0-9]+ probes\.\.\.|@f: [0-9]+|@\[(spry|sh|$name)\]: [0-9]+|)\$" "$OUT")
[ -z "$others" ] || { fail "other processes counted: $others"; show_output; }
n=$(map_value @f)
[ "${n:-0}" -ge 40 ] || { fail "faults:100: ${n:-0}, expected >= 40"; show_output; }

# the aliases and the default count: context switches of a sleeping loop
spry_run 30 -c "sh -c 'for i in 1 2 3 4 5; do sleep 0.01; done'" \
	"software:cs:1 { @cs = count(); } software:context-switches { @big = count(); }"
assert_rc 0
n=$(map_value @cs)
[ "${n:-0}" -ge 5 ] || { fail "cs: ${n:-0} context switches, expected >= 5"; show_output; }
[ "$(map_value @big)" = 0 ] || { fail "context-switches (every 1000th): expected 0"; show_output; }

# -p: one event per thread of the process, nothing from elsewhere
sh -c 'while :; do :; done' & busy=$!
trap 'kill $busy 2>/dev/null; rm -rf "$T_TMP"' EXIT
spry_run 30 -p "$busy" 'software:cpu-clock:1000000 { @[pid] = count(); n[0] = n[0] + 1; if (n[0] == 20) { exit(0); } }'
kill $busy
assert_rc 0
# at least the 20 before exit(); a few more land before the events stop
n=$(sed -n "s/^@\[$busy\]: \([0-9]*\)\$/\1/p" "$OUT")
[ "${n:-0}" -ge 20 ] || { fail "$busy: ${n:-0} samples, expected >= 20"; show_output; }
[ "$(grep -c ': [0-9]*$' "$OUT")" = 1 ] || { fail "only $busy expected"; show_output; }

# no PMU on this machine: hardware events say so
if [ ! -d /sys/bus/event_source/devices/cpu ]; then
	spry_run 30 -c /bin/true 'hardware:cycles { @ = count(); }'
	assert_rc 1
	assert_err_contains "cannot attach to hardware:cycles: this machine has no hardware performance counters"
fi
finish
