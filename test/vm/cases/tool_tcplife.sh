# tools/tcplife.bt on real TCP: busybox wget fetches 200 KiB from busybox
# httpd over loopback, IPv4 and IPv6.  The client's sessions show the
# addresses through ntop(), the httpd port and 200 KiB received.
need_spry
need_tool tcplife
httpd_up 8080
# (the sleep: a session ends, CLOSE, when the last ACK is processed, which
# can come after wget has exited; spry stops with the -c command)
run "$SPRY" -c 'sh -c "wget -q -O /dev/null http://127.0.0.1:8080/big; wget -q -O /dev/null http://[::1]:8080/big; sleep 0.5"' \
	"$TOOLS/tcplife.bt"
assert_ok
assert_matches '^PID +COMM +LADDR +LPORT +RADDR +RPORT +TX_KB +RX_KB +MS$'
# the client: wget, to port 8080, 200 KiB in
assert_matches '^[0-9]+ +wget +127\.0\.0\.1 +[0-9]+ +127\.0\.0\.1 +8080 +0 +200 +[0-9]+$'
assert_matches '^[0-9]+ +wget +::1 +[0-9]+ +::1 +8080 +0 +200 +[0-9]+$'
# the server's side: from port 8080, 200 KiB out (httpd listens on IPv6
# too, so IPv4 peers come as ::ffff:127.0.0.1; its PID and COMM are
# whoever ran at the close: httpd, or a softirq, `ksoftirqd/`)
assert_matches '^[0-9]+ +[^ ]+ +(::ffff:)?127\.0\.0\.1 +8080 +(::ffff:)?127\.0\.0\.1 +[0-9]+ +200 +0 +[0-9]+$'
