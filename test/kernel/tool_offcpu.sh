# tools/offcputime.bt and tools/offwaketime.bt (tracepoints: they run on
# the host): a private sleep's 0.3 s shows, folded, as its stack into
# do_nanosleep with about 300000 us; offwaketime joins it to its waker's
# stack after a "--" frame (the timer interrupt's hrtimer_wakeup); -f svg
# draws offcputime's flame graph with a layout that holds.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sched/sched_switch
require_tracepoint sched/sched_wakeup
require_cmd python3

# -M 16384: every thread on this busy host switches while the tools run;
# in the default 4096 stack slots, two stacks that hash alike lose one
# (bpf_get_stackid's -EEXIST), and once sleep's was lost
sl=$(tool_copy sleep)
comm=${sl##*/}
spry_run 30 -M 16384 -f folded -c "$sl 0.3" "$top_srcdir/tools/offcputime.bt"
assert_rc 0
assert_match "^$comm;.*;do_nanosleep;schedule;__schedule [0-9]+\$"
us=$(awk -v c="$comm" 'index($0, c ";") == 1 && /do_nanosleep/ { n += $NF } END { print n + 0 }' "$OUT")
[ "$us" -ge 290000 ] && [ "$us" -lt 3000000 ] ||
	{ fail "$comm 0.3 spent $us us off-CPU in nanosleep"; show_output; }

spry_run 30 -M 16384 -f folded -c "$sl 0.3" "$top_srcdir/tools/offwaketime.bt"
assert_rc 0
assert_match "^$comm;[^;]+;.*;do_nanosleep;schedule;__schedule;--;.*hrtimer_wakeup;.* [0-9]+\$"

svg=$T_TMP/offcpu.svg
spry_run 30 -M 16384 -f svg -o "$svg" -c "$sl 0.3" "$top_srcdir/tools/offcputime.bt"
assert_rc 0
python3 "$top_srcdir/test/graph/svgcheck.py" "$svg" --flames 1 ||
	fail "offcputime's flame graph does not hold"
grep -q "$comm" "$svg" || fail "no $comm frame in the flame graph"
finish
