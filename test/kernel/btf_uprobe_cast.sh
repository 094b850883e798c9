# Casts in uprobes point into the probed process: a script struct laid
# over main's argv walks user memory, and a pointer read there (argv[1])
# is a user pointer too; libc's nanosleep request read as the script's
# struct timespec.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/uprobe-common.bash"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
build_target

spry_run 30 -c "$UT_NOPIE 6" "
struct args { char *v[2]; };
uprobe:$UT_NOPIE:main {
	printf(\"argc %d argv1 %s first %c\\n\", arg0,
	       str(((struct args *)arg1)->v[1]), *((struct args *)arg1)->v[1]);
}"
assert_rc 0
assert_match '^argc 2 argv1 6 first 6$'

spry_run 30 -c 'sleep 0.25' '
struct ts { long sec; long nsec; };
u:libc:nanosleep, u:libc:clock_nanosleep /comm == "sleep"/ {
	@[((struct ts *)(arg0 > 16 ? arg0 : arg2))->sec,
	  ((struct ts *)(arg0 > 16 ? arg0 : arg2))->nsec] = count();
}'
assert_rc 0
assert_match '0, 250000000\]?: [12]$'
finish
