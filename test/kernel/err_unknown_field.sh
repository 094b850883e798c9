# A field the tracepoint does not have: a located error naming it, exit 1.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_openat

spry_run 20 -c 'sleep 10' \
	't:syscalls/sys_enter_openat { printf("%s\n", str(uptr(data->fielname))); }'
assert_rc 1
assert_diag 'fielname'
finish
