# bpftrace's kprobe tools and those the host's kernel cannot take, run
# unchanged over a workload on Debian's kernel (-c ends them as Ctrl-C
# would): what each prints for that workload.  bpftrace cannot run here
# (no LLVM in the guest), so these assert on the output rather than diff.
need_provider kprobe
[ -d /spry-vm/tools ] || skip "no bpftrace tools (Debian's bpftrace package)"
T=/spry-vm/tools

# vfscount: kprobe:vfs_* counted by function name (func as a map key)
run "$SPRY" -c 'cat /etc/passwd' $T/vfscount.bt
assert_ok
assert_contains 'Tracing VFS calls... Hit Ctrl-C to end.'
assert_matches '^@\[vfs_read\]: [0-9]+$'
assert_matches '^@\[vfs_open\]: [0-9]+$'

# vfsstat: counts printed each second with time(), then cleared
run "$SPRY" -c 'sleep 1.5' $T/vfsstat.bt
assert_ok
assert_contains 'Tracing key VFS calls... Hit Ctrl-C to end.'
assert_matches '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$'

# dcsnoop: dcache lookups by cat, its file's name among them
run "$SPRY" -c 'cat /etc/group' $T/dcsnoop.bt
assert_ok
assert_matches '^TIME +PID +COMM +T FILE$'
assert_matches '^[0-9]+ +[0-9]+ +cat +[RM] group$'

# runqlen: profile:hz:99 sampling curtask's cfs_rq (the field 6.18
# renamed), a power-of-2 histogram at exit
run "$SPRY" -c 'sleep 1' $T/runqlen.bt
assert_ok
assert_contains 'Sampling run queue length at 99 Hertz... Hit Ctrl-C to end.'
assert_matches '^@runqlen: $'
assert_matches '^\[0, 1\) +[0-9]+ \|@+ *\|$'

# loads: avenrun, found through kallsyms (CONFIG_KALLSYMS_ALL), read with
# kaddr() every second
run "$SPRY" -c 'sleep 1.3' $T/loads.bt
assert_ok
assert_matches '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] load averages: [0-9]+\.[0-9]{3} [0-9]+\.[0-9]{3} [0-9]+\.[0-9]{3}$'
