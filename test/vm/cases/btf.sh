# The kernel's own BTF: what a CO-RE-less tracer like spry reads to type
# kprobe arguments and kernel structs.
need_file /sys/kernel/btf/vmlinux
size=$(stat -c %s /sys/kernel/btf/vmlinux)
echo "vmlinux BTF: $size bytes"
[ "$size" -gt 1000000 ] || fail "vmlinux BTF is only $size bytes"
# struct btf_header starts with magic 0xeB9F, little-endian on x86.
magic=$(od -An -tx1 -N2 /sys/kernel/btf/vmlinux | tr -d ' \n')
assert_eq "$magic" 9feb "BTF magic"
# Some type names spry's cases will use are in the string section.
run grep -c -a -E '^task_struct$|^pt_regs$' /sys/kernel/btf/vmlinux
grep -q -a 'task_struct' /sys/kernel/btf/vmlinux || fail "no task_struct in BTF"
