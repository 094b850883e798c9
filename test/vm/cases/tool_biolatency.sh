# tools/biolatency.bt on real block I/O: direct reads of a loop device on a
# file (loop.ko).  The histogram must count exactly the requests the loop
# device completed, as /sys/block/loop0/stat counts them.
need_spry
need_tool biolatency
loop_disk
before=$(loop_ios)
# 32 direct reads of 64 KiB; and a pause so that one interval prints
run "$SPRY" -c 'sh -c "dd if=/dev/loop0 of=/dev/null bs=64k count=32 iflag=direct 2>/dev/null; sleep 1.2"' \
	"$TOOLS/biolatency.bt" 1
after=$(loop_ios)
assert_ok
assert_contains 'Tracing block device I/O'
assert_matches '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$'
assert_matches '^@usecs: ?$'
assert_matches '^\[[0-9]+[KM]?, [0-9]+[KM]?\) +[0-9]+ \|@+ *\|$'
# every bucket's count, summed over every print
got=$(awk '/^\[/ { n += $3 } END { print n + 0 }' "$OUT")
want=$((after - before))
[ "$want" -ge 32 ] || fail "the loop device completed $want requests, expected 32 or more"
assert_eq "$got" "$want" "requests in the histograms"

# the same as a heat map in the terminal: a row per interval, shaded
run "$SPRY" -f heatmap -c 'sh -c "dd if=/dev/loop0 of=/dev/null bs=64k count=32 iflag=direct 2>/dev/null; sleep 1.2; dd if=/dev/loop0 of=/dev/null bs=4k count=64 iflag=direct 2>/dev/null; sleep 1.2"' \
	"$TOOLS/biolatency.bt" 1
assert_ok
assert_matches '^@usecs: a row per print'
assert_count_ge 2 '^[0-9:]{8}(\.[0-9]{3})? .*[░▒▓█].*  [0-9]+$'

# COUNT: two histograms, then the tool exits by itself
run timeout 15 "$SPRY" "$TOOLS/biolatency.bt" 1 2
assert_ok
assert_count 2 '^[0-9]{2}:[0-9]{2}:[0-9]{2}$'
