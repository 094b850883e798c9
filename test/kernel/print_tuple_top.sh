# print(@m, top, div) on a map of tuples, as tools/tcptop.bt keeps its
# (RX, TX) per connection: the probes read the tuple's .0 and .1 and write
# it back with their bytes added; print() divides each integer by 1024 and
# keeps the TOP rows by the sum of their integers, the busiest last.  dd
# reads 200 KiB on fd 0 and writes them on fd 1; its other reads (the
# loader's, a few hundred bytes) fall out of the top 2.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_read
require_tracepoint syscalls/sys_enter_write
require_cmd dd

cat >"$T_TMP/p.spry" <<'SPRY'
BEGIN {
	/* the map's types, before the probes read it */
	@c[comm, (uint64)0] = ((uint64)0, (uint64)0);
	delete(@c[comm, (uint64)0]);
}
tracepoint:syscalls:sys_enter_read
/comm == "dd"/
{
	$fd = (uint64)args->fd;
	@c[comm, $fd] = (@c[comm, $fd].0 + args->count, @c[comm, $fd].1);
}
tracepoint:syscalls:sys_enter_write
/comm == "dd"/
{
	$fd = (uint64)args->fd;
	@c[comm, $fd] = (@c[comm, $fd].0, @c[comm, $fd].1 + args->count);
}
END {
	print(@c, 2, 1024);
	clear(@c);
}
SPRY
spry_run 30 -q -c 'dd if=/dev/zero of=/dev/null bs=4096 count=50 status=none' \
	"$T_TMP/p.spry"
assert_rc 0
assert_stdout_equals '@c[dd, 0]: (200, 0)
@c[dd, 1]: (0, 200)'
finish
