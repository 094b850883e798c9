# USDT: the target's sys/sdt.h probe spry:mid(int n, long n * -1000,
# signed char -n), its operands as this arch's assembler writes them
# (registers of three sizes: on big-endian s390x the narrow ones are
# their registers' last bytes).  scripts/cross builds the probe in when
# the host has <sys/sdt.h> (systemtap-sdt-dev, from scripts/deps).
need_spry
need_file /usr/bin/spry_target
T=/usr/bin/spry_target
run "$SPRY" -e "usdt:$T:spry:mid { printf(\"mid %d %d %d\\n\", arg0, arg1, arg2); }" -c "$T 2"
grep -q 'has no USDT probes' "$OUT" &&
	skip "spry_target was built without <sys/sdt.h> (apt-get install systemtap-sdt-dev)"
assert_ok
# seen once on s390x under load (1 run in about 15): the target died of
# SIGILL on the probe's breakpoint, which the kernel did not take for a
# uprobe's; the console says so
grep -q 'mid 1' "$OUT" || dmesg | grep -i 'fault' | tail -n 3
assert_contains 'mid 1 -1000 -1'
assert_contains 'mid 2 -2000 -2'
