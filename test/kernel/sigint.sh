# SIGINT and SIGTERM stop tracing cleanly: END runs, maps print, exit 0.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint raw_syscalls/sys_enter

for sig in INT TERM; do
	spry_start 't:raw_syscalls/sys_enter { @calls = count(); }
	END { printf("end\n"); }'
	sleep 2
	spry_stop $sig 10
	assert_rc 0
	assert_match '^end$'
	assert_match '^@calls: [1-9][0-9]*$'
done
finish
