# Symbols, registers and names in the kernel: func, probe, reg(), usym(),
# uaddr() (a -no-pie program: the file's address is the process's) read
# through; kaddr() and ksym() in BEGIN; cgroup against cgroupid() of our
# own cgroup; cpid, nsecs and elapsed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/uprobe-common.bash"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
build_target

# a running process: usym() names the address through its maps when the
# record is printed
"$UT_NOPIE" forever &
target=$!
wait_mapped $target libspryt.so
spry_run 30 -p $target "
u:$UT_NOPIE:spry_leaf {
	printf(\"func %s probe %s usym %s\n\", func, probe, usym(reg(\"ip\")));
	printf(\"sp %d sink %d at %p\n\", reg(\"sp\") > 0, *uaddr(\"spry_sink\") >= 0, uaddr(\"spry_sink\"));
	@[func] = count();
}
ur:$UT_NOPIE:spry_leaf { @ret[func] = count(); }
i:100ms { exit(); }"
kill $target; wait $target 2>/dev/null
assert_rc 0
assert_contains "func spry_leaf probe uprobe:$UT_NOPIE:spry_leaf usym spry_leaf"
sink=$(nm "$UT_NOPIE" | awk '$3 == "spry_sink" { print $1 }' | sed 's/^0*//')
assert_contains "sp 1 sink 1 at 0x$sink"
assert_match '^@\[spry_leaf\]: [0-9]+$'
assert_match '^@ret\[spry_leaf\]: [0-9]+$'

# the cgroup v2 directory this shell is in, where cgroupid() finds it
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
rel=$(sed -n 's/^0:://p' /proc/self/cgroup)
[ -n "$cg2" ] && [ -n "$rel" ] || skip "no cgroup v2 hierarchy"
spry_run 30 -c /bin/true "BEGIN {
	printf(\"ksym %s %s\n\", ksym(kaddr(\"vfs_read\")), ksym(kaddr(\"vfs_read\") + 4));
	printf(\"cpid %d time %d %d\n\", cpid > 0, nsecs > elapsed, elapsed < 60000000000);
}
t:sched/sched_process_exec /pid == cpid/ {
	printf(\"cgroup %d\n\", cgroup == cgroupid(\"$cg2$rel\"));
}"
assert_rc 0
assert_contains "ksym vfs_read vfs_read"
assert_contains "cpid 1 time 1 1"
assert_contains "cgroup 1"
finish
