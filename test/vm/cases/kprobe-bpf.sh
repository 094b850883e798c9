# A BPF program on a kprobe and a kretprobe, without spry (kprobe_check.c):
# when a spry kprobe case fails, this tells the kernel's part from spry's.
command -v kprobe_check >/dev/null || skip "kprobe_check was not built (no cc with a static libc)"
run kprobe_check
assert_ok
assert_contains "ok link_create perf_event (kprobe)"
assert_contains "ok ioctl SET_BPF (kretprobe)"
assert_matches "^ok [0-9]+ hits$"
# What this kernel offers beyond that, for the record (not required).
grep -E '^(ok|no) .*\(optional\)' "$OUT" || true
