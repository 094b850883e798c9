# Tests in a restricted setup: a chroot, whose / is not a mount point (as in
# some containers), with no /etc/hosts and no DNS.  Where a test needs what
# such a place lacks, it makes it in a namespace of its own or skips with
# the reason; it must not fail.  Two once did: the tracefs cases of the
# errors catalogue (`unshare -m --propagation private` cannot work when / is
# no mount point) and gethostlatency (localhost did not resolve).
#
# The chroot: an empty directory with the system's directories bind-mounted
# in (and the source and build trees at their own paths), /etc/hosts and
# /etc/resolv.conf empty, all in a mount namespace of this test's own.
. "$(dirname "$0")/lib.sh"
require_root
command -v chroot >/dev/null 2>&1 || fail "needs chroot (coreutils)"

root=$T_TMP/root
mkdir -p "$root"
spry_dir=$(cd "$(dirname "$SPRY")" && pwd)
cat >"$T_TMP/setup.sh" <<SH
set -e
for d in usr etc var lib lib32 lib64 libx32 bin sbin; do
	[ -e "/\$d" ] || continue
	if [ -L "/\$d" ]; then
		ln -s "\$(readlink "/\$d")" "$root/\$d"
	else
		mkdir -p "$root/\$d"
		mount --rbind "/\$d" "$root/\$d"
	fi
done
for d in proc sys dev; do
	mkdir -p "$root/\$d"
	mount --rbind "/\$d" "$root/\$d"
done
mkdir -p "$root/tmp"
mount -t tmpfs none "$root/tmp"
mkdir -p "$root$top_srcdir" "$root$spry_dir"
mount --bind "$top_srcdir" "$root$top_srcdir"
mount --bind "$spry_dir" "$root$spry_dir"
# no name resolution at all
: >"$T_TMP/empty"
mount --bind "$T_TMP/empty" "$root/etc/hosts"
[ -e /etc/resolv.conf ] && mount --bind "$T_TMP/empty" "$root/etc/resolv.conf"
exec chroot "$root" /bin/sh -c "\$1"
SH

inner="cd '$top_srcdir' &&
mountpoint -q / && echo 'restricted.sh: / is a mount point in the chroot' >&2
getent hosts localhost >/dev/null && echo 'restricted.sh: localhost resolves' >&2
export SPRY='$SPRY' top_srcdir='$top_srcdir' TMPDIR=/tmp
bash test/errors/run tracefs; echo errors-rc=\$?
bash test/kernel/run uprobe_gethostlatency.sh; echo kernel-rc=\$?"

if ! mount_ns_wrap 'exec "$@"'; then
	skip "$T_WRAP_WHY"
fi
"${T_WRAP[@]}" sh "$T_TMP/setup.sh" "$inner" >"$OUT" 2>"$ERR"
RC=$?
T_WRAP=()

grep -q 'is a mount point\|localhost resolves' "$ERR" &&
	{ fail "the chroot is not restricted as meant"; show_output; }
assert_contains "errors-rc=0"
assert_contains "kernel-rc=0"
assert_match '^errors: [0-9]+ passed, 0 failed'
assert_match '^kernel: [0-9]+ passed, 0 failed'
# they ran, rather than skipped: each made what it lacked
assert_match '^PASS: tracefs-automount$'
assert_match '^PASS: tracefs-missing$'
assert_match '^PASS: uprobe_gethostlatency'
[ "$T_FAILED" = 0 ] || show_output
finish
