# BEGIN runs before everything, END after tracing stops, maps print last.
. "$(dirname "$0")/lib.sh"
require_root

spry_run 20 'BEGIN { printf("begin\n"); @x = 5; }
interval:200ms { printf("tick\n"); exit(0); }
END { printf("end\n"); }'
assert_rc 0
assert_stdout_equals 'Attaching 3 probes...
begin
tick
end


@x: 5'
finish
