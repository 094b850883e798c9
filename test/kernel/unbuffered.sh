# -u: every event reaches stdout at once, even when stdout is a file.
. "$(dirname "$0")/lib.sh"
require_root

spry_start -u 'interval:100ms { printf("tick\n"); }'
sleep 1.5
n=$(grep -c '^tick$' "$OUT")
spry_stop INT 10
assert_rc 0
if [ "$n" -lt 3 ]; then
	fail "only $n ticks had reached stdout after 1.5 s with -u"
	show_output
fi
finish
