# quantize(): ten 10240-byte reads land in the [8k, 16k) bucket.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_exit_read

dd=$(tool_copy dd)
spry_run 30 -c "$dd if=/dev/zero of=/dev/null bs=10240 count=10 status=none" \
	"t:syscalls/sys_exit_read /comm == \"${dd##*/}\"/ { @ = quantize(data->ret); }"
assert_rc 0
assert_match '^\[8K, 16K\) +10 \|@+ *\|$'
finish
