# str(), mem() and map keys of a __data_loc field (sched_process_exec's
# filename) read the string the field locates in the record, as bpftrace's
# str(args->filename) does; they once read the field's raw value as an
# address and printed empty strings without an error.  And str() of a
# syscall argument needs no uptr(): the provider types it a user pointer.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sched/sched_process_exec
require_tracepoint syscalls/sys_enter_openat

# a copy of true whose comm no other process on the host has
true=$T_TMP/true$$
cp /bin/true "$true" || fail "cannot copy /bin/true"
spry_run 30 -c "$true" 't:sched/sched_process_exec /comm == "'"${true##*/}"'"/ {
	printf("exec %s|%s|%s\n", str(args->filename), str(data->filename, 5),
	       dyn(args->filename));
	@[str(args->filename)] = count();
	print(mem(args->filename, 4));
}'
assert_rc 0
assert_match "^exec $true\|${true:0:4}\|$true\$"
assert_match "^@\\[$true\\]: 1\$"
# the first 4 bytes of the path, in hex
assert_match "^$(printf '%s' "${true:0:4}" | od -An -tx1 | sed 's/^ *//')\$"

cat=$(tool_copy cat)
spry_run 30 -c "$cat /etc/hostname >/dev/null" \
	't:syscalls/sys_enter_openat /comm == "'"${cat##*/}"'"/ { printf("open %s\n", str(args->filename)); }'
assert_rc 0
assert_match '^open /etc/hostname$'
finish
