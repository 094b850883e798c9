# arg1 of do_sys_openat2 is the user's path: str(uptr(arg1)) reads it.
need_provider kprobe
# cat's output goes elsewhere: busybox cat writes with sendfile(2), which
# ignores the shared file position and can overwrite spry's line
run "$SPRY" -e 'kprobe:do_sys_openat2 /comm == "cat"/ { printf("open %s dfd %x\n", str(uptr(arg1)), arg0 & 0xffffffff); }' \
	-c 'cat /etc/passwd >/dev/null'
assert_ok
# arg0 is the int dirfd AT_FDCWD (-100); the upper half of the register is
# not part of an int argument
assert_contains 'open /etc/passwd dfd ffffff9c'
# kprobe:FUNC+OFFSET and kprobe:0xADDRESS attach too
addr=$(sed -n 's/^\([0-9a-f]*\) [tT] do_sys_openat2$/\1/p' /proc/kallsyms)
[ -n "$addr" ] || fail "do_sys_openat2 is not in /proc/kallsyms"
run "$SPRY" -e "kprobe:0x$addr /comm == \"cat\"/ { @a = count(); } kprobe:do_sys_openat2 /comm == \"cat\"/ { @n = count(); }" \
	-c 'cat /etc/passwd >/dev/null'
assert_ok
assert_matches '^@a: [1-9]'
assert_matches '^@n: [1-9]'
# FUNC+OFFSET: vfs_read+5 is the instruction after the 5-byte fentry call;
# there caller is the saved pc, one byte past the breakpoint on x86 (the
# kernel names only entry probes' functions).  regs is the pt_regs the
# argument variables read.
run "$SPRY" -e 'kprobe:vfs_read+5 /comm == "dd"/ { @[caller] = count(); }
kprobe:vfs_read /comm == "dd"/ { @regs[regs->di == arg0, regs->si == arg1] = count(); }' \
	-c 'dd if=/dev/zero of=/dev/null bs=1 count=10'
assert_ok
assert_matches '^@\[vfs_read\+0x6\]: 1[0-9]$'
assert_matches '^@regs\[1, 1\]: 1[0-9]$'
