# tools/tcptop.bt on real TCP: wget fetches 200 KiB from busybox httpd
# over loopback; the httpd child's TX and wget's RX show the connection
# with its addresses, ports and KiB.
need_spry
need_tool tcptop
need_provider kprobe
httpd_up 8080
run "$SPRY" -c 'sh -c "wget -q -O /dev/null http://127.0.0.1:8080/big; sleep 1.2"' \
	"$TOOLS/tcptop.bt" 1 5
assert_ok
assert_matches '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$'
# sent by the server from port 8080 (200 KiB and the headers)
# (httpd listens on IPv6 too: IPv4 peers come as ::ffff:127.0.0.1; it
# sends with sendfile, tcp_sendpage on 6.1)
assert_matches '^@tx_kb\[[0-9]+, httpd, (::ffff:)?127\.0\.0\.1, 8080, (::ffff:)?127\.0\.0\.1, [0-9]+\]: 20[0-9]$'
# read by wget from port 8080
assert_matches '^@rx_kb\[[0-9]+, wget, 127\.0\.0\.1, [0-9]+, 127\.0\.0\.1, 8080\]: 20[0-9]$'
