# The guest is the architecture asked for, and has what spry needs: the BPF
# syscall, tracefs with syscall tracepoints, the kprobe and uprobe PMUs.
need_spry
echo "machine: $(uname -m), kernel $(uname -r)"
case $ARCH in
arm64)		want=aarch64 ;;
armhf)		want=armv7l ;;
ppc64el)	want=ppc64le ;;
s390x)		want=s390x ;;
mips64el)	want=mips64 ;;
esac
assert_eq "$(uname -m)" "$want" "uname -m"
need_file "$TRACEFS/events/syscalls/sys_enter_openat"
need_file /sys/bus/event_source/devices/kprobe/type
need_file /sys/bus/event_source/devices/uprobe/type
run "$SPRY" -T
assert_ok
