# An unknown tracepoint: a located error, exit 1, nothing left behind.
. "$(dirname "$0")/lib.sh"
require_root

spry_run 20 -c 'sleep 10' 't:syscalls/sys_enter_nosuch { @ = count(); }'
assert_rc 1
assert_diag 'sys_enter_nosuch'
finish
