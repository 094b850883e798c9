# The commands of the tool_*.bt cases: one program run under a name of its
# own, tooltest, so that the cases' masks keep its lines among the whole
# system's (bpftrace's tools trace everything).
set -e
d=$(mktemp -d /tmp/spry-tooltest.XXXXXX)
trap 'rm -rf "$d"' EXIT
run() {
	cp "$1" "$d/tooltest"
	shift
	"$d/tooltest" "$@"
}
case $1 in
open)	run /bin/cat /etc/hostname /nonexistent-file >/dev/null 2>&1 || : ;;
exec)	run /bin/true one two three ;;
dd)	run /bin/dd if=/dev/zero of=/dev/null bs=1 count=5000 status=none ;;
stat)	run /usr/bin/stat /etc/hostname /nonexistent-file >/dev/null 2>&1 || : ;;
kill)	run /bin/kill -0 $$ ;;
sync)	run /bin/sync ;;
setuid)	run /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups /bin/true ;;
bio)	run /bin/dd if=/dev/zero of="$d/file" bs=4096 count=8 oflag=direct status=none ;;
pace)	run /bin/sleep 1.5 ;;
spin)	timeout 1.5 /bin/sh -c 'while :; do :; done' || : ;;
*)	echo "tools.sh: unknown workload '$1'" >&2; exit 1 ;;
esac
