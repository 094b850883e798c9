# A full map drops the updates of new keys in the kernel, silently: spry
# warns at exit, for @-maps (when they print) and for plain maps, which
# never print and once filled up without a word.
. "$(dirname "$0")/lib.sh"
require_root

spry_run 20 -M 4 'BEGIN {
	x[1] = 1; x[2] = 2; x[3] = 3; x[4] = 4; x[5] = 5;
	@y[1] = 1; @y[2] = 2; @y[3] = 3; @y[4] = 4; @y[5] = 5;
	@seen = x[4] + x[5];
	exit(0);
}'
assert_rc 0
assert_err_contains "spry: warning: map x is full (4 entries): updates of new keys were dropped; -M raises the limit"
assert_err_contains "spry: warning: map @y is full (4 entries)"
assert_contains "@seen: 4"

# not full, or not a hash (a keyless map is one array entry): no warning
spry_run 20 -M 4 'BEGIN { x[1] = 1; x[2] = 2; z = 7; @a[1] = 1; exit(0); }'
assert_rc 0
if grep -q 'is full' "$ERR"; then
	fail "a warning for a map that is not full"
	show_output
fi
finish
