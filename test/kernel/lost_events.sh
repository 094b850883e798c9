# A flood of events through a small ring buffer: spry reports the loss and
# exits 2; with --keep-going it warns and goes on to the end of the command.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint raw_syscalls/sys_enter

dd=$(tool_copy dd)
name=${dd##*/}
flood="$dd if=/dev/zero of=/dev/null bs=1 count=300000 status=none"
prog='t:raw_syscalls/sys_enter /comm == "'"$name"'"/ {
	printf("%s %d %d %d %u\n", comm, pid, kpid, cpu, time);
}'

spry_run 60 -b 4096 -c "$flood" "$prog"
assert_rc 2
assert_err_contains lost

spry_run 60 --keep-going -b 4096 -c "$flood" "$prog"
assert_rc 0
assert_err_contains lost
# it kept going: events arrived to the end
assert_lines_ge 1000 "^$name [0-9]+ "
finish
