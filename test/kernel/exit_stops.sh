# exit() ends the trace: records other events send after it are dropped
# (dd is one thread, so its events are sequential), END still prints, and
# spry exits with the code.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint raw_syscalls/sys_enter

dd=$(tool_copy dd)
name=${dd##*/}
spry_run 60 -c "$dd if=/dev/zero of=/dev/null bs=1 count=100000 status=none" \
	't:raw_syscalls/sys_enter /comm == "'"$name"'"/ {
	n = n + 1;
	printf("%d\n", n);
	if (n == 100)
		exit(7);
}
END { printf("end\n"); }'
assert_rc 7
assert_match '^100$'
[ "$(grep -v '^$' "$OUT" | tail -n 1)" = end ] || fail "END's record is not last"
last=$(grep -E '^[0-9]+$' "$OUT" | tail -n 1)
[ "$last" = 100 ] || fail "records after exit() were printed (last: $last)"
finish
