# tools/tcpdrop.bt on a real drop: wget connects to a closed port over
# loopback; the SYN is dropped for want of a socket.  The line shows the
# packet's addresses and port, no socket state, the SYN flag, the reason
# by its enum name, and the kernel stack through tcp_v4_rcv.
need_spry
need_tool tcpdrop
run "$SPRY" -c 'sh -c "wget -q -O /dev/null http://127.0.0.1:9/; wget -q -O /dev/null http://[::1]:9/; true"' \
	"$TOOLS/tcpdrop.bt"
assert_ok
assert_matches '^TIME +PID +COMM +SADDR:SPORT +DADDR:DPORT +STATE +FLAGS +REASON$'
assert_matches '^[0-9:]{8} +[0-9]+ +[^ ]+ +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:9 +NONE +SYN +SKB_DROP_REASON_NO_SOCKET$'
assert_matches '^[0-9:]{8} +[0-9]+ +[^ ]+ +::1:[0-9]+ +::1:9 +NONE +SYN +SKB_DROP_REASON_NO_SOCKET$'
assert_matches '^ +tcp_v4_rcv\+[0-9]+$'
assert_matches '^ +tcp_v6_rcv\+[0-9]+$'
