# profile:100hz fires (on every CPU) at least 100 times in 1.5 s.
. "$(dirname "$0")/lib.sh"
require_root

spry_run 30 'profile:100hz { @n = count(); } interval:1500ms { exit(0); }'
assert_rc 0
n=$(map_value @n)
if [ -z "$n" ] || [ "$n" -lt 100 ]; then
	fail "profile:100hz fired ${n:-no} times in 1.5 s, expected at least 100"
	show_output
fi
finish
