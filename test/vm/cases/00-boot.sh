# The guest is what the other cases assume: the file systems /init mounts,
# root, and the kernel's BPF and tracing interfaces.
echo "kernel $(uname -r), $(nproc) cpu, uid $(id -u)"
assert_eq "$(id -u)" 0 "uid"
for f in /proc/self /sys/kernel /sys/fs/bpf "$TRACEFS/available_events" \
	 /sys/kernel/debug/kprobes /dev/null; do
	[ -e "$f" ] || fail "$f is missing"
done
run grep -E ' (proc|sysfs|tracefs|debugfs|bpf|devtmpfs) ' /proc/mounts
assert_count 6 ' (proc|sysfs|tracefs|debugfs|bpf|devtmpfs) '
# BPF is there at all: the syscall is only reachable through a binary, but
# its sysctl knobs show the kernel was built with it.
need_file /proc/sys/kernel/unprivileged_bpf_disabled
[ -e /proc/sys/net/core/bpf_jit_enable ] && echo "bpf_jit_enable $(cat /proc/sys/net/core/bpf_jit_enable)"
[ -s /spry-vm/kconfig ] || echo "note: no kernel config shipped (need_kconfig will skip)"
