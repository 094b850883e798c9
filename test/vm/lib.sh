# lib.sh - assertions for the VM cases (busybox ash; sourced before each case).
#
# A case is a shell script that exits 0 (pass), 77 (skip: the feature is
# truly absent) or anything else (fail).  Typical use:
#
#	need_spry
#	run "$SPRY" -e 'kprobe:vfs_read { @[comm] = count(); }' -c 'cat /etc/hostname >/dev/null'
#	assert_ok
#	assert_contains cat
#
# `run` keeps the command's stdout and stderr in $OUT (a file) and its status
# in $RC, and echoes both into the log so a failure shows what happened.
# Every assert_* exits the case with a message on failure.

TRACEFS=/sys/kernel/tracing
SPRY=${SPRY-}
OUT=${CASE_DIR:-/tmp}/out
RC=0
: >"$OUT"

fail()
{
	echo "FAIL: $*"
	exit 1
}

skip()
{
	echo "SKIP: $*"
	exit 77
}

# need_spry: skip unless the VM has a spry binary.
need_spry()
{
	[ -n "$SPRY" ] && [ -x "$SPRY" ] || skip "no spry binary in the VM"
}

# need_provider NAME: skip unless spry lists provider NAME in --help.  Lets a
# case for a provider that is not written yet land before the provider does.
need_provider()
{
	need_spry
	"$SPRY" --help 2>/dev/null | grep -Eq "^  ($1|[a-z_]+, ([a-z_]+, )*$1)(,| |\$)" ||
		skip "spry has no '$1' provider yet"
}

# need_file PATH: skip unless PATH exists (a kernel feature's file).
need_file()
{
	[ -e "$1" ] || skip "$1 does not exist"
}

# kconfig NAME: print the guest kernel's CONFIG_NAME value (y, m, a string) or
# nothing when it is not set.  The Debian kernel has no /proc/config.gz, so
# the host ships the package's config file as /spry-vm/kconfig.
kconfig()
{
	sed -n "s/^CONFIG_$1=//p" /spry-vm/kconfig 2>/dev/null
}

# need_kconfig NAME: skip unless CONFIG_NAME is y.
need_kconfig()
{
	[ "$(kconfig "$1")" = y ] || skip "CONFIG_$1 is not set in this kernel"
}

# need_module NAME: load kernel module NAME (kernel/.../NAME.ko of the
# guest kernel's package, which test/vm/run copies to /spry-vm/modules) if
# the kernel has not got it yet; skip when test/vm/run had no modules (a
# kernel from SPRY_VM_KERNEL).
need_module()
{
	[ -d "/sys/module/$1" ] && return 0
	[ -f "/spry-vm/modules/$1.ko" ] ||
		skip "no $1.ko in /spry-vm/modules (SPRY_VM_KERNEL without modules?)"
	insmod "/spry-vm/modules/$1.ko" || fail "insmod $1.ko failed"
}

# loop_disk: /dev/loop0 on a 4 MiB file of the case's (loop.ko), detached
# when the case ends; loop_ios prints the requests it has completed (reads
# and writes, as /sys/block/loop0/stat counts them).
loop_disk()
{
	need_module loop
	dd if=/dev/urandom of="$CASE_DIR/disk" bs=1M count=4 2>/dev/null ||
		fail "cannot write the disk file"
	losetup /dev/loop0 "$CASE_DIR/disk" || fail "losetup /dev/loop0 failed"
	trap 'losetup -d /dev/loop0' EXIT
}

loop_ios() { awk '{ print $1 + $5 }' /sys/block/loop0/stat; }

# run CMD ARGS...: run a command, output in $OUT, status in $RC.
run()
{
	echo "+ $*"
	"$@" >"$OUT" 2>&1
	RC=$?
	sed 's/^/  /' "$OUT"
	echo "  (exit $RC)"
	return 0
}

# run_bg CMD ARGS...: start a command in the background, output in $OUT; its
# pid is in $BG.  Stop it with stop_bg (SIGINT, as a user's ^C), which sets $RC.
run_bg()
{
	echo "+ $* &"
	"$@" >"$OUT" 2>&1 &
	BG=$!
}

stop_bg()
{
	kill -INT "$BG" 2>/dev/null
	wait "$BG"
	RC=$?
	sed 's/^/  /' "$OUT"
	echo "  (exit $RC)"
}

# wait_for TEXT [SECONDS]: wait until $OUT contains TEXT (default 10 s).
wait_for()
{
	_n=$(( ${2:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		grep -qF -- "$1" "$OUT" && return 0
		usleep 100000
		_n=$((_n - 1))
	done
	fail "'$1' did not appear in the output within ${2:-10}s"
}

assert_ok()
{
	[ "$RC" -eq 0 ] || fail "exit status $RC, expected 0"
}

# assert_rc N
assert_rc()
{
	[ "$RC" -eq "$1" ] || fail "exit status $RC, expected $1"
}

# assert_fails: any non-zero status.
assert_fails()
{
	[ "$RC" -ne 0 ] || fail "exit status 0, expected a failure"
}

# assert_contains TEXT: $OUT has TEXT (fixed string) somewhere.
assert_contains()
{
	grep -qF -- "$1" "$OUT" || fail "output lacks '$1'"
}

assert_not_contains()
{
	! grep -qF -- "$1" "$OUT" || fail "output has '$1'"
}

# assert_matches ERE: some line of $OUT matches the extended regex.
assert_matches()
{
	grep -qE -- "$1" "$OUT" || fail "no output line matches /$1/"
}

# count ERE: print how many lines of $OUT match.
count()
{
	grep -cE -- "$1" "$OUT"
}

# assert_count N ERE: exactly N lines match.
assert_count()
{
	_c=$(count "$2")
	[ "$_c" -eq "$1" ] || fail "$_c lines match /$2/, expected $1"
}

# assert_count_ge N ERE: at least N lines match.
assert_count_ge()
{
	_c=$(count "$2")
	[ "$_c" -ge "$1" ] || fail "$_c lines match /$2/, expected at least $1"
}

# assert_eq GOT WANT [WHAT]
assert_eq()
{
	[ "$1" = "$2" ] || fail "${3:-value} is '$1', expected '$2'"
}

# spry's tools (tools/*.bt), as test/vm/run copies them (bpftrace's are in
# /spry-vm/tools).
TOOLS=/spry-vm/sprytools

# need_tool NAME: skip when tools/NAME.bt did not come along.
need_tool()
{
	[ -f "$TOOLS/$1.bt" ] || skip "no $TOOLS/$1.bt"
}

# httpd_up PORT: a busybox httpd on 127.0.0.1 and ::1 port PORT serving
# $CASE_DIR/www, with a file "big" of 200 KiB in it (pid in $HTTPD; the case's
# end kills it with everything else).
httpd_up()
{
	mkdir -p "$CASE_DIR/www"
	dd if=/dev/zero of="$CASE_DIR/www/big" bs=1k count=200 2>/dev/null ||
		fail "cannot write $CASE_DIR/www/big"
	httpd -f -p "$1" -h "$CASE_DIR/www" &
	HTTPD=$!
	_n=50
	until wget -q -O /dev/null "http://127.0.0.1:$1/big" 2>/dev/null; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || fail "busybox httpd did not come up on port $1"
		usleep 100000
	done
}
