# kretprobe: retval is vfs_read's return value; ten 10240-byte reads from
# /dev/zero land in the [8k, 16k) bucket.
need_provider kretprobe
run "$SPRY" -e 'kretprobe:vfs_read /comm == "dd"/ { @ = quantize(retval); }' \
	-c 'dd if=/dev/zero of=/dev/null bs=10240 count=10'
assert_ok
assert_matches '^\[8K, 16K\) +10 \|@+ *\|$'
# the alias, and retval used in a predicate
run "$SPRY" -e 'kr:vfs_read /comm == "dd" && retval == 10240/ { @big = count(); }' \
	-c 'dd if=/dev/zero of=/dev/null bs=10240 count=7'
assert_ok
assert_contains '@big: 7'
