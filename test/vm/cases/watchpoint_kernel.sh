# watchpoint on a kernel address (no -p, no -c: one breakpoint per CPU):
# jiffies, which the timer tick writes HZ times a second; its address from
# kallsyms (Debian's kernel lists data symbols).
need_provider watchpoint
need_file /sys/bus/event_source/devices/breakpoint
addr=$(awk '$3 == "jiffies" { print $1; exit }' /proc/kallsyms)
[ -n "$addr" ] || skip "kallsyms lists no jiffies (no CONFIG_KALLSYMS_ALL)"
run "$SPRY" -e "watchpoint:0x$addr:8:w { @ = count(); } interval:1s { exit(0); }"
assert_ok
n=$(sed -n 's/^@: \([0-9]*\)$/\1/p' "$OUT")
# up to HZ writes in the second; an idle tickless guest under TCG skips
# many ticks (one write then adds several), so a few dozen is what we see
[ "${n:-0}" -ge 10 ] || fail "jiffies written ${n:-0} times in 1 s"
