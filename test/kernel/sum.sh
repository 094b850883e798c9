# sum() adds up: seven 1000-byte writes are 7000 bytes.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_exit_write

dd=$(tool_copy dd)
spry_run 30 -c "$dd if=/dev/zero of=/dev/null bs=1000 count=7 status=none" \
	"t:syscalls/sys_exit_write /comm == \"${dd##*/}\"/ { @bytes = sum(data->ret); @n = count(); }"
assert_rc 0
assert_match '^@bytes: 7000$'
assert_match '^@n: 7$'
finish
