# A heat map of read latency over time: interval prints of a quantize map
# become one SVG column each (-f svg), or one text row each (-f heatmap).
# The printf of every interval goes to stderr with -f svg, so the prints
# can be counted; the workload ends two intervals before spry does, so the
# print at exit is empty and adds no column.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_read
require_cmd python3
. "$top_srcdir/test/graph/chromium.sh"

dd=$(tool_copy dd)
comm=${dd##*/}
prog='t:syscalls/sys_enter_read /comm == "'"$comm"'"/ { start[kpid] = time; }
t:syscalls/sys_exit_read /start[kpid]/ {
	@ns = quantize(time - start[kpid]);
	delete start[kpid];
}
interval:500ms { printf("tick\n"); print(@ns); clear(@ns); }'
work="sh -c 'for bs in 512 64k 1M; do $dd if=/dev/zero of=/dev/null bs=\$bs count=100 status=none; sleep 0.6; done; sleep 1.5'"

svg=$T_TMP/heat.svg
spry_run 30 -f svg -o "$svg" -c "$work" "$prog"
assert_rc 0
ticks=$(grep -c '^tick$' "$ERR")
[ "$ticks" -ge 5 ] || { fail "$ticks interval prints, expected at least 5"; show_output; }
python3 "$top_srcdir/test/graph/svgcheck.py" "$svg" --heatmaps 1 \
	--columns "$ticks" || fail "the heat map's layout does not hold"
# every read dd made, and those of its loader, are in the cells
total=$(grep -o 'data-v="[0-9]*"' "$svg" | tr -dc '0-9\n' | awk '{ n += $1 } END { print n + 0 }')
if [ "$total" -lt 300 ] || [ "$total" -gt 360 ]; then
	fail "$total reads in the heat map, expected 300 (and a few of the loader's)"
fi
if chromium_available; then
	chromium_render "$svg" "$T_TMP/heat.png" 0.5 &&
		python3 "$top_srcdir/test/graph/pngcheck.py" "$T_TMP/heat.png" ||
		fail "Chromium's render of the heat map is blank"
fi

spry_run 30 -f heatmap -c "$work" "$prog"
assert_rc 0
ticks=$(grep -c '^tick$' "$OUT")
# HH:MM:SS.mmm: the prints come every half second
rows=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} ' "$OUT")
[ "$rows" -eq "$ticks" ] ||
	{ fail "$rows heat map rows for $ticks prints"; show_output; }
assert_match '^@ns: a row per print'
assert_match '^[0-9:.]{12} .*[░▒▓█].*  [0-9]+$'
finish
