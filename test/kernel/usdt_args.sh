# usdt: the test program's probes (-O0 -no-pie, -O2 -pie, its shared
# library, a semaphore) read every kind of operand: stack slots, registers
# of every width, pc-relative globals, constants; and a system library's
# own probes (libstdc++'s throw/catch) by its short name.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/usdt-common.bash"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
build_usdt

prog='usdt:BIN:spryt:basic { printf("basic %d %ld %s\n", arg0, arg1, str(arg2)); }
usdt:BIN:globals { printf("globals %d %d %d %d\n", arg0, arg1, arg2, arg3); }
usdt:BIN:spryt:consts { printf("consts %d %d\n", arg0, arg1); }
usdt:BIN:spryt:small { printf("small %d\n", arg0); }
usdt:BIN:spryt:sem { printf("sem %d %d\n", arg0, arg1); }
usdt:LIB:spryt:lib { printf("lib %d %d\n", arg0, arg1); }'

for T in "$UD_NOPIE" "$UD_PIE"; do
	p=${prog//BIN/$T}
	spry_run 30 -q -c "$T 7" "${p//LIB/$UD_LIB}"
	assert_rc 0
	# the semaphore reads 1: the kernel counted spry's uprobe in it
	assert_stdout_equals "basic 7 7000000000 $T
globals 42 -7 -3 200
consts 5 -1
small -7
sem 7 1
lib 7 21"
done

# a glob over several probes: one program each
spry_run 30 -c "$UD_PIE 3" "usdt:$UD_PIE:spryt:[bc]* { @[arg0] = count(); }"
assert_rc 0
assert_contains "@[3]: 1"
assert_contains "@[5]: 1"
[ "$(grep -c ": 1$" "$OUT")" = 2 ] || { fail "expected two keys"; show_output; }

# PATH:NAME (any provider), globs, the U alias, uprobe_multi off and on
for multi in 0 1; do
	SPRY_NO_UPROBE_MULTI=$((1 - multi)) spry_run 30 -c "$UD_NOPIE 2" \
		"U:$UD_NOPIE:s* { @[arg0] = count(); }"
	assert_rc 0
	assert_contains "@[-2]: 1"
	assert_match "^@\\[2\\]: 1$"
done

# a system library by its short name: libstdc++'s throw and catch probes
command -v c++ >/dev/null || fail "needs a C++ compiler (build-essential)"
printf '%s\n' '#include <stdexcept>' \
	'int main() { for (int i = 0; i < 3; i++) try { throw std::runtime_error("x"); } catch (const std::exception &) { } }' |
	c++ -x c++ -O1 -o "$T_TMP/throw" - || fail "cannot build the C++ program"
spry_run 30 -c "$T_TMP/throw" 'usdt:libstdc++:libstdcxx:throw { @t = count(); } usdt:libstdc++:catch { @c = count(); }'
assert_rc 0
assert_match '^@t: 3$'
assert_match '^@c: 3$'
finish
