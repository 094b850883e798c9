# bswap(): bytes reversed at the operand's width, in the kernel.  A TCP
# connect to 127.0.0.1:9 (refused or not, it changes the socket's state)
# shows the u16 port in host order and bswapped (9 -> 0x0900); BEGIN checks
# a u32 (pid), a u64 map value and a folded constant (%lx: %x is
# printf(3)'s 32 bits, as in bpftrace).
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sock/inet_sock_set_state

# (refused: '|| :' keeps bash's status 0, which -c's status would be)
spry_run 30 -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/9 || :' " '
t:sock/inet_sock_set_state /data->dport == 9/ {
	printf("port %u %u %x\n", data->dport, bswap(data->dport), bswap(bswap(data->dport)));
}
BEGIN {
	@x = 0x0102030405060708;
	printf("pid %x %x\n", pid, bswap(pid));
	printf("u64 %lx %lx\n", bswap(@x), bswap(0x1122));
}'
assert_rc 0
assert_match '^port 9 2304 9$'
assert_match '^u64 807060504030201 2211000000000000$'
pid_line=$(grep '^pid ' "$OUT")
read -r _ p swapped <<<"$pid_line"
want=$(printf '%x' $(( ((0x$p & 0xff) << 24) | ((0x$p & 0xff00) << 8) |
		      ((0x$p >> 8) & 0xff00) | ((0x$p >> 24) & 0xff) )))
[ "$swapped" = "$want" ] || { fail "bswap(pid 0x$p) is $swapped, not $want"; show_output; }
finish
