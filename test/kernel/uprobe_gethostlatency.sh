# What bcc's gethostlatency does: libc's getaddrinfo() latency by comm, a
# uprobe and a uretprobe sharing a map keyed by thread; libc by short name.
# The name looked up is a numeric address, which resolves without
# /etc/hosts or DNS: a chroot or container may have neither ("localhost"
# once failed there; restricted.sh runs this test in such a place).
. "$(dirname "$0")/lib.sh"
require_root
[ -e /sys/bus/event_source/devices/uprobe/type ] || skip "no uprobe PMU"
require_cmd getent

spry_run 30 -c 'getent ahosts 127.0.0.1' '
uprobe:libc:getaddrinfo { start[kpid] = nsecs; @names[str(arg0)] = count(); }
uretprobe:libc:getaddrinfo /start[kpid]/ {
	@lat[comm] = quantize(nsecs - start[kpid]);
	delete start[kpid];
}'
assert_rc 0
assert_contains "@lat[getent]: "
assert_match '^\[[0-9]+[KMG]?, [0-9]+[KMG]?\) +[0-9]+ \|@+ *\|$'
# str(arg0) read user memory
assert_contains "@names[127.0.0.1]: "

# the same library by path and with a versioned name
libc=$(awk '$NF ~ /\/libc\.so\.6$/ { print $NF; exit }' /proc/self/maps)
spry_run 30 -c 'getent ahosts 127.0.0.1' \
	"ur:$libc:getaddrinfo@@GLIBC_2.2.5 { @[retval] = count(); }"
assert_rc 0
assert_contains "@[0]: "
finish
