# A flame graph of kernel stacks from the profile provider, while dd reads
# /dev/zero: -f folded gives FlameGraph's lines (comm first, then the
# kernel frames outermost first, offsets dropped), -f svg -o FILE a flame
# graph whose layout holds, which Chromium draws.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
. "$top_srcdir/test/graph/chromium.sh"

dd=$(tool_copy dd)
comm=${dd##*/}
prog='profile:hz:999 { @[comm, kstack] = count(); }'
# (timeout's own status, 124, would be -c's, and spry's: the shell's 0)
work="sh -c 'timeout 2 $dd if=/dev/zero of=/dev/null bs=1M; exit 0'"

spry_run 30 -f folded -c "$work" "$prog"
assert_rc 0
# folded lines only, each "frame;frame;... count", no offsets
if grep -vqE '^[^ ;]+(;[^ ;]+)* [0-9]+$' "$OUT"; then
	fail "lines that are not folded stacks:"
	grep -vE '^[^ ;]+(;[^ ;]+)* [0-9]+$' "$OUT" | head -5
fi
grep -qE '\+0x[0-9a-f]+( |;)' "$OUT" && fail "frames keep their offsets"
# dd's reads: comm, then the syscall path down to vfs_read
assert_match "^$comm;([^ ]*;)?entry_SYSCALL_64[^ ;]*;([^ ]*;)?vfs_read(;| )"
n=$(awk -v c="$comm" 'index($0, c ";") == 1 { n += $NF } END { print n + 0 }' "$OUT")
[ "$n" -ge 40 ] || { fail "only $n samples of $comm in 2 s at 999 Hz"; show_output; }

svg=$T_TMP/flame.svg
spry_run 30 -f svg -o "$svg" -c "$work" "$prog"
assert_rc 0
[ -s "$OUT" ] && { fail "-f svg -o FILE printed on stdout"; show_output; }
python3 "$top_srcdir/test/graph/svgcheck.py" "$svg" --flames 1 ||
	fail "the flame graph's layout does not hold"
grep -qF "<title>$comm (" "$svg" || fail "no frame for $comm in the SVG"
grep -qE '<g class="f" data-v="[0-9]+" data-k="k"><title>vfs_read \(' "$svg" ||
	fail "no vfs_read kernel frame in the SVG"
if chromium_available; then
	chromium_render "$svg" "$T_TMP/flame.png" 0.5 &&
		python3 "$top_srcdir/test/graph/pngcheck.py" "$T_TMP/flame.png" ||
		fail "Chromium's render of the flame graph is blank"
else
	note "no chromium: render not checked"
fi
finish
