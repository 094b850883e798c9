# A flame graph of user stacks: a program built with frame pointers spins in
# main -> spin_outer -> spin_inner; profile samples it.  The folded lines
# read comm;...;main;spin_outer;spin_inner, user frames below kernel ones,
# and the SVG colours them as user frames.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
command -v cc >/dev/null 2>&1 || { fail "needs a C compiler (cc)"; finish; }

spin=$T_TMP/spin$$
cat >"$T_TMP/spin.c" <<'C'
#include <stdlib.h>
#include <time.h>
volatile unsigned long sink;
void spin_inner(void) { for (int i = 0; i < 100000; i++) sink += i; }
void spin_outer(void) { spin_inner(); }
int main(int argc, char **argv)
{
	time_t end = time(NULL) + atoi(argv[1]);
	while (time(NULL) < end)
		spin_outer();
	return 0;
}
C
# -O0: every function sets up its frame, leaves too (otherwise a sample in
# a leaf shows its caller's caller: the kernel walks frame pointers only)
cc -O0 -g -fno-omit-frame-pointer -o "$spin" "$T_TMP/spin.c" ||
	{ fail "cannot build the spinner"; finish; }

# the process must outlive spry: its user frames are named through its
# /proc/PID/maps when the map prints
prog="profile:hz:999 /comm == \"${spin##*/}\"/ { @[kstack, ustack, comm] = count(); }
interval:2s { exit(0); }"
"$spin" 60 &
target=$!
trap 'kill $target 2>/dev/null; rm -rf "$T_TMP"' EXIT
spry_run 30 -f folded "$prog"
assert_rc 0
assert_match "^${spin##*/};([^ ]*;)?main;spin_outer;spin_inner( |;)"
n=$(awk '{ n += $NF } END { print n + 0 }' "$OUT")
[ "$n" -ge 40 ] || { fail "only $n samples in 2 s at 999 Hz"; show_output; }

svg=$T_TMP/u.svg
spry_run 30 -f svg -o "$svg" "$prog"
kill $target 2>/dev/null
wait $target 2>/dev/null
assert_rc 0
python3 "$top_srcdir/test/graph/svgcheck.py" "$svg" --flames 1 ||
	fail "the flame graph's layout does not hold"
n=$(sed -n 's/.*data-total="\([0-9]*\)".*/\1/p' "$svg")
[ "${n:-0}" -ge 40 ] || fail "only ${n:-no} samples in the SVG (2 s at 999 Hz)"
grep -qE '<g class="f" data-v="[0-9]+" data-k="u"><title>spin_inner \(' "$svg" ||
	fail "spin_inner is not drawn as a user frame"
finish
