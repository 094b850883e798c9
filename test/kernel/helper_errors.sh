# -k and -kk, bpftrace's reports of failing helper calls: a map that fills
# and a delete of a missing key under -k (a warning at the call's place,
# with the error's text), lookups of missing keys and failing reads only
# under -kk, helper_error records with -f json, nothing at all without
# them, and nothing false: a workload of tracepoints that read comm, keys
# and strings reports no failure.  The code the checks add passes the
# verifier in tools that use every kind of call.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_openat

cat >"$T_TMP/full.bt" <<'EOF'
BEGIN
{
	@m[1] = 1;
	@m[2] = 2;
	@c[3] = count();
	@c[4] = count();
	delete(@m[7]);
	@r = @m[8];
	printf("%s|\n", str(0));
	exit();
}
EOF

# -k: the update of a full map (-M 1) and the delete, on stderr with
# file:line:col, the line and a caret; not the lookup, not the read
spry_run 20 -k -M 1 "$T_TMP/full.bt"
assert_rc 0
assert_err_match '^.*full\.bt:4:8: warning: Failed to map_update_elem: Argument list too long \(-7\)$'
assert_err_match '^.*full\.bt:6:10: warning: Failed to map_update_elem: Argument list too long \(-7\)$'
assert_err_match '^.*full\.bt:7:2: warning: Failed to map_delete_elem: No such file or directory \(-2\)$'
assert_err_match '^	delete\(@m\[7\]\);$'
assert_err_match '^	\^~~~~~$'
grep -q 'map_lookup_elem\|probe_read' "$ERR" &&
	{ fail "-k reports lookups or reads"; show_output; }
# stdout is what it is without -k
assert_stdout_equals 'Attaching 1 probe...
|


@c[3]: 1
@m[1]: 1
@r: 0'

# -kk: the lookup of the missing key and the read of address 0 too
spry_run 20 -kk -M 1 "$T_TMP/full.bt"
assert_rc 0
assert_err_match '^.*full\.bt:8:7: warning: Failed to map_lookup_elem: 0$'
assert_err_match '^.*full\.bt:9:18: warning: Failed to probe_read_kernel_str: .* \(-[0-9]+\)$'
assert_err_contains 'Failed to map_delete_elem'

# JSON: bpftrace's helper_error records on the output, in the order of
# the calls
spry_run 20 -kk -M 1 -f json "$T_TMP/full.bt"
assert_rc 0
[ "$(grep -c '"helper_error"' "$OUT")" = 7 ] ||
	{ fail "expected 7 helper_error records"; show_output; }
assert_contains '{"type": "helper_error", "helper": "map_update_elem", "retcode": -7, "line": 4, "col": 8}'
assert_contains '{"type": "helper_error", "helper": "map_delete_elem", "retcode": -2, "line": 7, "col": 2}'
assert_contains '{"type": "helper_error", "helper": "map_lookup_elem", "retcode": 0, "line": 8, "col": 7}'
assert_match '^\{"type": "helper_error", "helper": "probe_read_kernel_str", "retcode": -[0-9]+, "line": 9, "col": 18\}$'
grep -q 'Failed to' "$ERR" && { fail "JSON: warnings on stderr too"; show_output; }

# without -k nothing is reported (bpftrace's default)
spry_run 20 -M 1 "$T_TMP/full.bt"
assert_rc 0
grep -q 'Failed to' "$ERR" && { fail "reports without -k"; show_output; }

# no false reports: comm, map keys and values, strings of real file names
# over a workload (-kk reports a key's first count: a missing key)
spry_run 30 -k -c 'cat /etc/hostname /etc/passwd' -e '
tracepoint:syscalls:sys_enter_openat /comm == "cat"/ {
	@opens[comm, str(args->filename)] = count();
	@last[pid] = str(args->filename);
	$k = kstack;
	@stacks[kstack] = count();
}
tracepoint:syscalls:sys_exit_openat /comm == "cat"/ { delete(@last[pid]); }'
assert_rc 0
grep -q 'Failed to' "$ERR" && { fail "-k reports on a healthy run"; show_output; }
assert_match '^@opens\[cat, /etc/hostname\]: 1$'

# the checks pass the verifier in tools that read, look up, update,
# delete, take stacks and join: bpftrace's own
for tool in execsnoop opensnoop tcplife biolatency runqlat bashreadline; do
	[ -f /usr/sbin/$tool.bt ] || continue
	spry_run 60 -kk --load-only /usr/sbin/$tool.bt
	assert_rc 0
done
finish
