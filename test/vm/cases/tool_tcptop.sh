# tools/tcptop.bt on real TCP: wget fetches 200 KiB from busybox httpd
# over loopback; one line per connection and process shows the httpd
# child's TX and wget's RX, each in its column, under the header.
need_spry
need_tool tcptop
need_provider kprobe
httpd_up 8080
run "$SPRY" -c 'sh -c "wget -q -O /dev/null http://127.0.0.1:8080/big; sleep 1.2"' \
	"$TOOLS/tcptop.bt" 1 5
assert_ok
assert_matches '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$'
assert_matches '^@conn\[PID, COMM, LADDR, LPORT, RADDR, RPORT\]: \(RX_KB, TX_KB\)$'
# sent by the server from port 8080 (200 KiB and the headers), TX_KB
# (httpd listens on IPv6 too: IPv4 peers come as ::ffff:127.0.0.1; it
# sends with sendfile, tcp_sendpage on 6.1)
assert_matches '^@conn\[[0-9]+, httpd, (::ffff:)?127\.0\.0\.1, 8080, (::ffff:)?127\.0\.0\.1, [0-9]+\]: \([0-9], 20[0-9]\)$'
# read by wget from port 8080, RX_KB
assert_matches '^@conn\[[0-9]+, wget, 127\.0\.0\.1, [0-9]+, 127\.0\.0\.1, 8080\]: \(20[0-9], 0\)$'
# the busiest last: no quieter line follows a 200 KiB one in a summary
awk '/^@conn\[[0-9]/ { n = $NF; sub(/\)$/, "", n); t = $(NF-1); sub(/^\(/, "", t); sub(/,$/, "", t); s = t + n;
	if (s < last) { print "out of order: " $0; bad = 1 } last = s }
	/^$/ { last = 0 } END { exit bad }' "$OUT" || fail "tcptop's lines are not busiest last"
