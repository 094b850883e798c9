# Casts of tracepoint fields to the kernel's types, walked through BTF: a
# TCP connect to a closed port on 127.0.0.1 makes the socket change state,
# and sock/inet_sock_set_state hands out the struct sock as a void *.  The
# socket's own fields (in anonymous unions of struct sock_common) must
# agree with the tracepoint's copies; kernel enumerators (TCP_CLOSE,
# SKB_DROP_REASON_NO_SOCKET) and uapi constants (AF_INET) by name; the
# dropped SYN reaches skb:kfree_skb with its enum reason; sizeof and
# offsetof of kernel types against the ABI.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sock/inet_sock_set_state
require_tracepoint skb/kfree_skb
[ -r /sys/kernel/btf/vmlinux ] || skip "no /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF)"

# (refused: '|| :' keeps bash's status 0, which -c's status would be)
spry_run 30 -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/9 || :' " '
t:sock/inet_sock_set_state /args->dport == 9/ {
	printf("state %d %d %d %d %d\n",
	       ((struct sock *)args->skaddr)->__sk_common.skc_family == AF_INET,
	       bswap(((struct sock *)args->skaddr)->__sk_common.skc_dport) == args->dport,
	       ((struct sock *)args->skaddr)->__sk_common.skc_num == args->sport,
	       ((struct sock *)args->skaddr)->__sk_common.skc_daddr == 0x0100007f,
	       args->newstate == TCP_CLOSE || args->newstate == TCP_SYN_SENT);
	@states[((struct sock *)args->skaddr)->__sk_common.skc_state] = count();
}
t:skb/kfree_skb /args->reason == SKB_DROP_REASON_NO_SOCKET/ {
	@drops = count();
}
BEGIN {
	printf("sizes %d %d %d %d %d\n", sizeof(struct list_head),
	       offsetof(struct list_head, prev), sizeof(pid_t),
	       sizeof(((struct task_struct *)0)->comm), (uint8)(AF_INET6 + 254));
}'
assert_rc 0
assert_match '^state 1 1 1 1 1$'
assert_match '^sizes 16 8 4 16 8$'
assert_match '@drops: [1-9]'
# the socket went through SYN_SENT (2) on its way to CLOSE (7)
assert_match '^ *(@states)?\[?2\]?: [1-9]'
finish
