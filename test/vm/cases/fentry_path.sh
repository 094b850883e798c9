# path() in fentry: bpf_d_path() of a struct path * the kernel hands the
# program (&args->filp->f_path), in a function on the kernel's allowlist
# (filp_close); in one that is not (vfs_open) the verifier refuses it at
# the call, and outside fentry, fexit and iter it is a compile error.
# bpftrace's path(args->filp->f_path) is the same as the pointer.
need_provider fentry
need_file /sys/kernel/btf/vmlinux
run "$SPRY" -e 'fentry:filp_close /comm == "cat"/ { printf("close %s\n", path(&args->filp->f_path)); }' \
	-c 'cat /etc/passwd >/dev/null'
assert_ok
assert_contains 'close /etc/passwd'
# bpftrace's form: the struct path member itself
run "$SPRY" -e 'fentry:filp_close /comm == "cat"/ { printf("close %s\n", path(args->filp->f_path)); }' \
	-c 'cat /etc/passwd >/dev/null'
assert_ok
assert_contains 'close /etc/passwd'
run "$SPRY" -e 'fentry:vfs_open { printf("%s\n", path(args->path)); }'
assert_fails
assert_contains "helper call is not allowed in probe"
run "$SPRY" -e 'kprobe:vfs_read { printf("%s\n", path(arg0)); }'
assert_fails
assert_contains "path() works in fentry, fexit and iter probes only"
