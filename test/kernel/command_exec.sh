# -c runs a plain command directly (no shell between spry and it, as
# bpftrace does), and anything a shell must read through sh -c.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sched/sched_process_exec

prog='t:sched/sched_process_exec { printf("exec %s\n", dyn(data->filename)); }'

spry_run 30 -c "/bin/echo plain  words" "$prog"
assert_rc 0
assert_match '^plain words$'
assert_match '^exec /bin/echo$'
assert_not_contains 'exec /bin/sh'
assert_not_contains 'exec /usr/bin/sh'

spry_run 30 -c "/bin/echo piped | /usr/bin/tr a-z A-Z" "$prog"
assert_rc 0
assert_match '^PIPED$'
assert_match '^exec /(usr/)?bin/(da)?sh$'
finish
