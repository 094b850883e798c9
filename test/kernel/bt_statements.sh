# bpftrace's statements in a real probe: a positional parameter names the
# tracepoint (and the list's other, missing, one is skipped with a warning),
# a string and a tuple in scratch variables, ++ and += on map values.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_openat

spry_run 30 -c 'cat /etc/hostname' '
tracepoint:syscalls:sys_enter_nosuchcall,
tracepoint:syscalls:sys_enter_$1
/comm == str($2)/
{
	$f = str(args->filename);
	$t = ($f, pid, 7);
	if ($f == "/etc/hostname") {
		@hit++;
		@sum += $t.2;
		printf("opened %s %d\n", $t.0, $# );
	}
}' openat cat
assert_rc 0
assert_contains 'opened /etc/hostname 2'
assert_match '^@hit: 1$'
assert_match '^@sum: 7$'
assert_err_contains "tracepoint 'syscalls/sys_enter_nosuchcall' not found: skipping this probe of the list"
finish
