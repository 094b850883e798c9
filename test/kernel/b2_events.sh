# bpftrace's event calls in the kernel: join() of execve's argv (built in
# the per-CPU scratch map, sent at its length), time(), strftime(), cat()
# of a file named by a format (read when the record arrives: not the
# command's /proc files, which are gone by then); system() and signal() under --unsafe, and
# their refusal without it.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_execve

long=$(printf 'x%.0s' $(seq 1 1500))
spry_run 30 -c "/bin/echo spry-join a '' b $long" '
t:syscalls/sys_enter_execve /str(args->filename) == "/bin/echo"/ {
	join(args->argv);
	join(args->argv, ",");
	time("time %H:%M:%S\n");
	printf("now %s\n", strftime("%Y-%m-%d %f", nsecs));
	cat("/proc/sys/kernel/%s", "ostype");
}'
assert_rc 0
# (the command's shell execs /bin/echo: filtered by its path, not cpid)
# the strings and the empty one, each cut at 1023 bytes as bpftrace's
assert_match "^/bin/echo spry-join a  b x{1023}\$"
assert_match "^/bin/echo,spry-join,a,,b,x{1023}\$"
assert_match '^time [0-9]{2}:[0-9]{2}:[0-9]{2}$'
assert_match "^now $(date +%Y)-[0-9]{2}-[0-9]{2} [0-9]{6}\$"
assert_match '^Linux$'

# system() runs the formatted command; its output keeps its place
spry_run 30 --unsafe 'BEGIN { printf("before\n"); system("echo sys %d %s", 42, "ok"); printf("after\n"); exit(); }'
assert_rc 0
assert_stdout_equals "Attaching 1 probe...
before
sys 42 ok
after"

# signal() kills the -c command at its first sleep: spry ends at once
start=$(date +%s)
spry_run 30 --unsafe -c '/bin/sleep 20' '
t:syscalls/sys_enter_clock_nanosleep /pid == cpid/ { signal("SIGKILL"); }'
[ $(( $(date +%s) - start )) -lt 10 ] || fail "signal(SIGKILL) did not end the command"

# without --unsafe: refused, with the option named
spry_run 30 'BEGIN { system("true"); }'
assert_rc_nonzero
assert_diag "system\(\) is unsafe.*--unsafe"
finish
