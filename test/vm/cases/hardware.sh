# hardware: events of the CPU's performance counters.  Where the guest has
# a PMU, cycles and instructions of a dd are counted; where it has none (x86
# under TCG: "PMU not available due to virtualization"), spry says so
# clearly and leaves nothing behind.
need_provider hardware
prog='hardware:cycles:100000 { @c = count(); } h:instructions:100000 { @i = count(); }'
run "$SPRY" -e "$prog" -c 'dd if=/dev/zero of=/dev/null bs=1k count=20000'
if [ -d /sys/bus/event_source/devices/cpu ] ||
   [ -n "$(ls -d /sys/bus/event_source/devices/armv8* 2>/dev/null)" ]; then
	assert_ok
	assert_matches '^@c: [1-9][0-9]*$'
	assert_matches '^@i: [1-9][0-9]*$'
else
	[ "$RC" = 1 ] || fail "exit status $RC, expected 1"
	assert_contains 'cannot attach to hardware:cycles:100000: this machine has no hardware performance counters'
fi
