# uprobe globs: many functions at once (uprobe_multi links, and the perf
# event path they fall back to), one summary line for the functions the
# kernel refuses, and attach progress only on a terminal.
. "$(dirname "$0")/lib.sh"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
require_cmd script

# libc's pthread_spin_lock begins with a lock-prefixed instruction, which
# x86_64 uprobes cannot step over; its neighbours are fine
for multi in 0 1; do
	SPRY_NO_UPROBE_MULTI=$((1 - multi)) spry_run 60 -c /bin/true \
		'uprobe:libc:pthread_spin_* { @ = count(); }'
	assert_rc 0
	assert_err_match '^spry: warning: uprobe:libc:pthread_spin_\*: skipped 1 of [0-9]+ functions the kernel cannot probe: pthread_spin_lock \(an instruction uprobes cannot step over\)$'
	[ "$(grep -c warning "$ERR")" = 1 ] || { fail "one warning expected"; show_output; }
done

# every str* function of libc: what /bin/true calls is counted
spry_run 60 -c /bin/true 'uprobe:libc:str* { @[caller] = count(); }'
assert_rc 0
assert_match '^@\[str[a-z_]*\]: [0-9]+$'
# not a terminal: no progress line
[ -s "$ERR" ] && { fail "stderr should be empty"; show_output; }

# a terminal (script(1) gives spry one): "attached N/N probes (T s)"
timeout 60 script -qec "$SPRY -c /bin/true 'uprobe:libc:str* { @ = count(); }'" \
	/dev/null </dev/null >"$OUT" 2>&1
RC=$?
assert_rc 0
assert_match 'spry: attached ([0-9]+)/\1 probes \([0-9.]+ s\)'
finish
