# dyn(data->filename) reads sched_process_exec's __data_loc string.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint sched/sched_process_exec

spry_run 30 -c '/bin/true; /bin/echo hi >/dev/null' \
	't:sched/sched_process_exec { printf("exec %s\n", dyn(data->filename)); }'
assert_rc 0
assert_match '^exec /bin/true$'
assert_match '^exec /bin/echo$'
finish
