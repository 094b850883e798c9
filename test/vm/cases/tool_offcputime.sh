# tools/offcputime.bt, folded: a sleep of 0.3 s shows as sleep's stack in
# the kernel's nanosleep, with about 300000 us off-CPU.
need_spry
need_tool offcputime
run "$SPRY" -f folded -c 'sleep 0.3' "$TOOLS/offcputime.bt"
assert_ok
assert_matches '^sleep;.*;do_nanosleep;schedule;__schedule [0-9]+$'
us=$(awk '/^sleep;.*do_nanosleep/ { n += $NF } END { print n + 0 }' "$OUT")
[ "$us" -ge 290000 ] && [ "$us" -lt 2000000 ] ||
	fail "sleep 0.3 spent $us us off-CPU in nanosleep, expected about 300000"
