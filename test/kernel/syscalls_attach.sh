# syscalls/ probes whatever way they attach: spry tries fentry on the
# syscall's function first and, where the kernel refuses it (this host:
# EPERM for any tracing program), takes the tracepoints without a word;
# the values are the same either way.  SPRY_SYSCALLS=fentry forces fentry,
# which fails cleanly where the kernel refuses it (test/vm's
# syscalls_fentry case runs it where the kernel allows it).
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_openat
require_tracepoint syscalls/sys_exit_openat

# the -c shell's own opens: three of a file that is not there (ENOENT, -2;
# `true` is no special builtin, so the shell goes on), one that is
prog='tracepoint:syscalls:sys_enter_openat /pid == cpid/ { @f[str(args->filename)] = count(); }
tracepoint:syscalls:sys_exit_openat /pid == cpid/ { @r[args->ret] = count(); }'
cmd='for i in 1 2 3; do true </nonexistent-spry; done 2>/dev/null; true </etc/hostname'
for how in "" perf raw; do
	SPRY_SYSCALLS=$how spry_run 30 -c "$cmd" "$prog"
	assert_rc 0
	assert_match '^@f\[/nonexistent-spry\]: 3$'
	assert_match '^@r\[-2\]: 3$'
	assert_match '^@f\[/etc/hostname\]: 1$'
	# nothing said about the way it chose
	[ -s "$ERR" ] && fail "SPRY_SYSCALLS='$how': stderr not empty"
done

# Does this kernel run fentry programs at all?
spry_run 30 'fentry:vfs_read { exit(); }'
if [ "$RC" -ne 0 ] && grep -q 'refuses' "$ERR"; then
	note "this kernel refuses fentry: forcing it must fail cleanly"
	SPRY_SYSCALLS=fentry spry_run 30 -c true "$prog"
	assert_rc_nonzero
	assert_err_contains "cannot load tracepoint:syscalls/sys_"
else
	SPRY_SYSCALLS=fentry spry_run 30 -c "$cmd" "$prog"
	assert_rc 0
	assert_match '^@r\[-2\]: 3$'
fi
finish
