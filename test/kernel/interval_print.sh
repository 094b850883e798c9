# interval:1 { print(@); clear(@); } prints the map every second.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint raw_syscalls/sys_enter

spry_run 30 -c 'sleep 3.5' \
	't:raw_syscalls/sys_enter { @ = count(); }
	interval:1 { print(@); clear(@); }'
assert_rc 0
assert_lines_ge 3 '^@: [0-9]+$'
finish
