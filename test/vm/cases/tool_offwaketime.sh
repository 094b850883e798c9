# tools/offwaketime.bt, folded: sleep's 0.3 s off-CPU joined to its waker:
# the hrtimer interrupt's stack after the "--" frame.  The shell that
# waits in poll() on a pipe is woken by its writer's stack (pipe_write).
need_spry
need_tool offwaketime
run "$SPRY" -f folded -c 'sh -c "sleep 0.3; (usleep 200000; echo x) | read y"' \
	"$TOOLS/offwaketime.bt"
assert_ok
assert_matches '^sleep;[^;]+;.*;do_nanosleep;schedule;__schedule;--;.*hrtimer_wakeup;.*try_to_wake_up.* [0-9]+$'
assert_matches '^sh;sh;.*;do_sys_poll;.*__schedule;--;.*;pipe_write;.*try_to_wake_up.* [0-9]+$'
