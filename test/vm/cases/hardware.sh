# hardware: events of the CPU's performance counters.  Where the guest has
# a PMU (arm64's virt machine under TCG emulates PMUv3), the cycles of a dd
# are counted, system-wide and with -p; instructions too where the PMU
# counts them (QEMU's TCG does only with -icount: otherwise the kernel
# refuses the event and spry says which one).  Where it has none (x86 under
# TCG: "PMU not available due to virtualization"), spry says so clearly
# and leaves nothing behind.  The cross suite runs this same file on every
# ISA (test/cross/cases/hardware.sh is a link to it).
need_provider hardware
dd='dd if=/dev/zero of=/dev/null bs=1k count=20000'
if [ "$(uname -m)" = ppc64le ]; then
	# ppc64el's cross guest (pseries under TCG): the kernel finds a PMU
	# and the event attaches, but QEMU never advances its cycle counter,
	# so nothing can be counted: the attach is what is checked.
	run "$SPRY" -e 'hardware:cycles:100000 { @c[comm] = count(); }' -c "$dd"
	assert_ok
	assert_not_contains 'cannot attach'
elif [ -d /sys/bus/event_source/devices/cpu ] ||
   [ -d /sys/bus/event_source/devices/armv8_pmuv3_0 ] ||
   [ -n "$(ls -d /sys/bus/event_source/devices/armv8* 2>/dev/null)" ]; then
	run "$SPRY" -e 'hardware:cycles:100000 { @c[comm] = count(); }' -c "$dd"
	assert_ok
	assert_matches '^@c\[dd\]: [1-9][0-9]*$'
	# -p: a busy dd alone, by its pid, for a second
	sh -c 'exec dd if=/dev/zero of=/dev/null bs=1k count=100000000' &
	pid=$!
	run "$SPRY" -p "$pid" -e 'h:cpu-cycles:10000 { @[pid] = count(); }
		interval:s:1 { exit(); }'
	kill "$pid"
	wait "$pid"
	assert_ok
	assert_matches "^@\\[$pid\\]: [1-9][0-9]*\$"
	[ "$(count '^@\[')" = 1 ] || fail "only $pid expected"
	run "$SPRY" -e 'h:instructions:100000 { @i = count(); }' -c "$dd"
	if [ "$RC" = 0 ]; then
		assert_matches '^@i: [1-9][0-9]*$'
	else
		assert_rc 1
		assert_contains 'cannot attach to hardware:instructions:100000: this machine has no hardware performance counters for it'
	fi
else
	run "$SPRY" -e 'hardware:cycles:100000 { @c = count(); } h:instructions:100000 { @i = count(); }' -c "$dd"
	[ "$RC" = 1 ] || fail "exit status $RC, expected 1"
	assert_contains 'cannot attach to hardware:cycles:100000: this machine has no hardware performance counters'
fi
