# bpftrace's TCP tools, unchanged, over one connection on loopback (busybox
# nc): tcpconnect and tcpaccept see it from each side, tcplife its whole
# life (addresses through ntop, ports through bswap of a u16 variable and
# struct walks).
need_provider kprobe
[ -d /spry-vm/tools ] || skip "no bpftrace tools (Debian's bpftrace package)"
T=/spry-vm/tools
ip link set lo up || fail "cannot bring lo up"
cat >/tmp/conn.sh <<'SH'
nc -l -p 8123 -e true &
sleep 0.5
nc 127.0.0.1 8123 </dev/null
wait
SH

run "$SPRY" -c 'sh /tmp/conn.sh' $T/tcpconnect.bt
assert_ok
assert_matches '^TIME +PID +COMM +SADDR +SPORT +DADDR +DPORT *$'
assert_matches '^[0-9:]{8} [0-9]+ +nc +127\.0\.0\.1 +[0-9]+ +127\.0\.0\.1 +8123 *$'

run "$SPRY" -c 'sh /tmp/conn.sh' $T/tcpaccept.bt
assert_ok
# busybox nc listens on a dual-stack IPv6 socket: v4-mapped addresses
assert_matches ' nc +(::ffff:)?127\.0\.0\.1 +[0-9]+ +(::ffff:)?127\.0\.0\.1 +8123 +[0-9]+/[0-9]+$'

run "$SPRY" -c 'sh /tmp/conn.sh' $T/tcplife.bt
assert_ok
assert_matches '^PID +COMM +LADDR +LPORT +RADDR +RPORT +TX_KB +RX_KB +MS$'
assert_matches '^[0-9]+ +[a-z]+ +127\.0\.0\.1 +[0-9]+ +127\.0\.0\.1 +8123 +0 +0 +[0-9]+$'
# the listener's side too, its local port 8123; its PID and COMM are
# whoever ran when the socket closed, as in bcc's and bpftrace's tcplife:
# nc, or the softirq that finished the close (`ksoftirqd/`, cut to 10)
assert_matches '^[0-9]+ +[^ ]+ +[:0-9a-f.]+ +8123 +[:0-9a-f.]+ +[0-9]+ +0 +0 +[0-9]+$'
