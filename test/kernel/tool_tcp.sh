# tools/tcplife.bt and tools/tcpdrop.bt on the host's loopback (they take
# tracepoints, not kprobes): a private busybox's wget fetches 200 KiB from
# its httpd (tcplife: both ends, addresses through ntop(), the port and the
# KiB each way), then connects to a closed port (tcpdrop: the SYN dropped
# for want of a socket, its reason by name, the stack through tcp_v4_rcv).
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sock/inet_sock_set_state
require_tracepoint skb/kfree_skb
require_cmd busybox

bb=$(tool_copy busybox)
port=$((20000 + $$ % 20000))
mkdir -p "$T_TMP/www"
head -c 204800 /dev/zero >"$T_TMP/www/big" || fail "cannot write $T_TMP/www/big"
"$bb" httpd -f -p "127.0.0.1:$port" -h "$T_TMP/www" &
httpd=$!
n=50
until "$bb" wget -q -O /dev/null "http://127.0.0.1:$port/big" 2>/dev/null; do
	n=$((n - 1))
	[ $n -gt 0 ] || { kill $httpd; fail "busybox httpd did not come up"; finish; }
	sleep 0.1
done

# (the sleep: a session's CLOSE can come after wget exits)
spry_run 30 -c "sh -c '$bb wget -q -O /dev/null http://127.0.0.1:$port/big; sleep 0.3'" \
	"$top_srcdir/tools/tcplife.bt"
assert_rc 0
assert_match '^PID +COMM +LADDR +LPORT +RADDR +RPORT +TX_KB +RX_KB +MS$'
assert_match "^[0-9]+ +[^ ]+ +127\.0\.0\.1 +[0-9]+ +127\.0\.0\.1 +$port +0 +200 +[0-9]+\$"
assert_match "^[0-9]+ +[^ ]+ +127\.0\.0\.1 +$port +127\.0\.0\.1 +[0-9]+ +200 +0 +[0-9]+\$"
kill $httpd
wait $httpd 2>/dev/null

# the port httpd had is closed now
spry_run 30 -c "$bb wget -q -O /dev/null http://127.0.0.1:$port/; true" \
	"$top_srcdir/tools/tcpdrop.bt"
assert_rc 0
assert_match "127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:$port +NONE +SYN +SKB_DROP_REASON_NO_SOCKET\$"
assert_match '^ +tcp_v4_rcv\+[0-9]+$'
finish
