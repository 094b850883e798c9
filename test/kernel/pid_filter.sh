# -p PID: only that process's events are traced.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint raw_syscalls/sys_enter

sleep 5 &
target=$!
spry_run 30 -p "$target" \
	't:raw_syscalls/sys_enter { @[pid] = count(); } interval:1500ms { exit(0); }'
kill "$target" 2>/dev/null
wait "$target" 2>/dev/null
assert_rc 0
# anything printed is the target's (an idle sleep may make no syscall)
if grep -E '^[0-9]+: ' "$OUT" | grep -vqE "^$target: "; then
	fail "events from processes other than $target"
	show_output
fi
finish
