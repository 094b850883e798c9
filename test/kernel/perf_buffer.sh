# Kernels before 5.8 have no BPF ring buffer; spry then sends events through
# a perf event array.  SPRY_NO_RINGBUF takes that path on this kernel: printf
# from BEGIN, END and a tracepoint all arrive, in order.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_openat

export SPRY_NO_RINGBUF=1
cat=$(tool_copy cat)
name=${cat##*/}

# the programs really call the perf helper
spry_run 30 -n -S 'BEGIN { printf("x\n"); }'
assert_rc 0
assert_contains 'call bpf_perf_event_output'
assert_not_contains 'ringbuf'

spry_run 30 -c "$cat /etc/hostname >/dev/null" 'BEGIN { printf("begin %d\n", 1); }
t:syscalls/sys_enter_openat /comm == "'"$name"'"/ {
	printf("open %s\n", str(uptr(data->filename)));
}
END { printf("end\n"); }'
assert_rc 0
assert_match '^begin 1$'
assert_match '^open /etc/hostname$'
assert_match '^end$'
[ "$(sed -n 2p "$OUT")" = "begin 1" ] || fail "BEGIN's record is not first"
[ "$(grep -v '^$' "$OUT" | tail -n 1)" = "end" ] || fail "END's record is not last"

finish
