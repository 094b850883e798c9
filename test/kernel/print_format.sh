# print() joins its arguments' default formats with ", "; print(@m) prints a
# map at once, in the same format as at exit.
. "$(dirname "$0")/lib.sh"
require_root

cat >"$T_TMP/p.spry" <<'SPRY'
BEGIN {
	print(42, "two", -3, 'c');
	@m["a"] = 1;
	@m["b"] = 2;
	print(@m);
	printf("after\n");
	exit(0);
}
SPRY
spry_run 20 -q "$T_TMP/p.spry"
assert_rc 0
assert_stdout_equals '42, two, -3, c
@m[a]: 1
@m[b]: 2
after


@m[a]: 1
@m[b]: 2'
finish
