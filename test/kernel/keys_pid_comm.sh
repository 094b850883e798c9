# Two keys of different types: @[pid, comm].
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_openat

spry_run 30 -c 'cat /etc/hostname >/dev/null' \
	't:syscalls/sys_enter_openat { @[pid, comm] = count(); }'
assert_rc 0
assert_match '^@\[[0-9]+, cat\]: [1-9][0-9]*$'
finish
