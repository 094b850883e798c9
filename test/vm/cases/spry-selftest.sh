# spry's own check of the kernel features it needs, on Debian's 6.1.
need_spry
run "$SPRY" -V
assert_ok
run "$SPRY" -T
assert_ok
