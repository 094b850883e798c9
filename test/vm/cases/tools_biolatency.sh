# bpftrace's biolatency.bt on real block I/O (direct reads of a loop device
# on a file).  Its start probes, blk_account_io_start and
# __blk_account_io_start, are inlined in Debian's 6.1 (and the host has no
# kprobes), so the tool cannot attach as written anywhere here, under
# bpftrace either: first that, spry's warnings and error.  Then the tool
# with its two probe lines mapped to this kernel's blk_mq_start_request and
# blk_mq_end_request (the same request, arg0, at dispatch and completion;
# 6.1's blk_account_io_done is in kallsyms but the kernel refuses a kprobe
# there), whose histogram must count exactly the requests the loop device
# completed.
need_provider kprobe
[ -f /spry-vm/tools/biolatency.bt ] || skip "no bpftrace tools (Debian's bpftrace package)"
loop_disk
work='dd if=/dev/loop0 of=/dev/null bs=64k count=32 iflag=direct 2>/dev/null'

if ! grep -qw blk_account_io_start /proc/kallsyms; then
	run "$SPRY" -c "$work" /spry-vm/tools/biolatency.bt
	[ "$RC" != 0 ] || fail "biolatency attached to functions this kernel lacks"
	assert_contains 'error: none of the 2 probes of this list exists'
fi

sed -e 's/^kprobe:blk_account_io_start,$/kprobe:blk_mq_start_request,/' \
    -e 's/^kprobe:blk_account_io_done,$/kprobe:blk_mq_end_request,/' \
	/spry-vm/tools/biolatency.bt >"$CASE_DIR/biolatency.bt"
grep -q blk_mq_start_request "$CASE_DIR/biolatency.bt" ||
	fail "biolatency.bt's probe lines are not as expected"
before=$(loop_ios)
run "$SPRY" -c "$work" "$CASE_DIR/biolatency.bt"
after=$(loop_ios)
assert_ok
assert_contains 'Tracing block device I/O... Hit Ctrl-C to end.'
assert_matches '^@usecs: ?$'
assert_matches '^\[[0-9]+[KM]?, [0-9]+[KM]?\) +[0-9]+ \|@+ *\|$'
got=$(awk '/^\[/ { n += $3 } END { print n + 0 }' "$OUT")
want=$((after - before))
[ "$want" -ge 32 ] || fail "the loop device completed $want requests, expected 32 or more"
assert_eq "$got" "$want" "requests in biolatency's histogram"
