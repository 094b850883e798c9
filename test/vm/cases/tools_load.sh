# bpftrace's tools that need kprobes (the host has none) or what the host's
# 6.18 lacks (cfs_rq's nr_running, avenrun in kallsyms, swap_readpage),
# loaded unchanged on Debian's kernel: each one compiles and every program
# passes the verifier (--load-only).  The rest fail as bpftrace's own
# would, the error naming the function: mdflush and xfsdist probe modules
# this VM does not load (md_mod, xfs); biolatency, biosnoop and biostacks
# probe blk_account_io_start/done, which Debian's 6.1 inlines (the host's
# kernel has them: there they load).
need_provider kprobe
[ -d /spry-vm/tools ] || skip "no bpftrace tools (Debian's bpftrace package)"
bad=
for t in capable dcsnoop oomkill swapin tcpaccept tcpconnect tcplife \
	tcpretrans tcpsynbl undump vfscount vfsstat loads runqlen; do
	run "$SPRY" --load-only /spry-vm/tools/$t.bt
	[ "$RC" -eq 0 ] || bad="$bad $t"
done
[ -z "$bad" ] || fail "tools that did not load:$bad"
# expect_fail TOOL TEXT
expect_fail()
{
	run "$SPRY" --load-only /spry-vm/tools/$1.bt
	assert_fails
	assert_contains "$2"
}
expect_fail mdflush "unknown kernel function 'md_flush_request'"
expect_fail xfsdist "unknown kernel function 'xfs_file_read_iter'"
for t in biolatency biosnoop biostacks; do
	expect_fail $t "unknown kernel function 'blk_account_io_start'"
done
