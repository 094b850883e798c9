# Bad kprobe specifiers are errors at the specifier, before anything loads.
need_provider kprobe
run "$SPRY" -e 'kprobe:vfs_raed { @ = count(); }'
assert_rc 1
assert_contains "<program>:1:1: error: unknown kernel function 'vfs_raed'"
assert_contains "did you mean 'vfs_read'?"
run "$SPRY" -e 'kprobe:vfs_read { @ = count(); } kretprobe:vfs_read+4 { @ = count(); }'
assert_rc 1
assert_contains '<program>:1:34: error: kretprobe takes no offset'
run "$SPRY" -e 'kprobe:no_such_fn_* { @ = count(); }'
assert_rc 1
assert_contains "no kernel function matches 'no_such_fn_*'"
run "$SPRY" -e 'kretprobe:vfs_read { print(arg0); }'
assert_rc 1
assert_contains "unknown identifier 'arg0'"
# an offset inside an instruction: the kernel's EILSEQ, said plainly
run "$SPRY" -e 'kprobe:vfs_read+1 { @ = count(); }'
assert_rc 1
assert_contains '<program>:1:1: error: cannot attach to kprobe:vfs_read+1: not at an instruction boundary'
# nothing was attached by any of them
grep -q . "$TRACEFS/kprobe_events" && fail "kprobe_events is not empty"
grep -q 'vfs_read' /sys/kernel/debug/kprobes/list 2>/dev/null &&
	fail "a kprobe on vfs_read is still registered"
exit 0
