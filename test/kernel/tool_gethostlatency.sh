# tools/gethostlatency.bt as a user runs it: getent's lookup of localhost
# shows as one line with the time of day, getent's pid and comm, a latency
# in milliseconds and the name looked up (uprobes on libc's getaddrinfo).
. "$(dirname "$0")/lib.sh"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
require_cmd getent
getent ahosts localhost >/dev/null || skip "localhost does not resolve here"

spry_run 30 -c 'getent ahosts localhost' "$top_srcdir/tools/gethostlatency.bt"
assert_rc 0
assert_match '^TIME +PID +COMM +LATms HOST$'
assert_match '^[0-9]{2}:[0-9]{2}:[0-9]{2} +[0-9]+ +getent +[0-9]+\.[0-9]{3} localhost$'
# its maps are cleared at the end: nothing after the lookups
assert_not_contains '@start'
finish
