# ntop() in the kernel: the addresses of a TCP connect to 127.0.0.1:9 and
# ::1:9 (refused or not, the socket changes state), from the tracepoint's
# byte arrays, with the family inferred or taken from the record, as map
# keys.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sock/inet_sock_set_state

spry_run 30 -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/9; exec 3<>/dev/tcp/::1/9; :' " '
t:sock/inet_sock_set_state /data->dport == 9/ {
	printf("v4 %s %s\n", ntop(data->daddr), ntop(data->saddr));
	printf("v6 %s\n", ntop(data->family, data->daddr_v6));
	@[ntop(data->daddr)] = count();
}'
assert_rc 0
assert_contains "v4 127.0.0.1 127.0.0.1"
assert_match '^v6 ::ffff:127\.0\.0\.1$|^v6 ::1$'
assert_contains "v6 ::1"
assert_match '^@\[127\.0\.0\.1\]: [0-9]+$'
finish
