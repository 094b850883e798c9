# The README's example: count openat() calls by process name while cat runs.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_openat

spry_run 30 -c 'cat /etc/hostname' \
	'tracepoint:syscalls/sys_enter_openat { @[comm] = count(); }'
assert_rc 0
assert_match '^@\[cat\]: [1-9][0-9]*$'
# cat's own output goes to the terminal, not into the map listing
assert_contains "$(cat /etc/hostname)"
finish
