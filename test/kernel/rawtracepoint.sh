# rawtracepoint: the raw arguments of kernel tracepoints: sys_enter's
# syscall number for a dd that reads and writes one byte at a time, and
# sched_process_exec's old pid, which is the new program's pid.
. "$(dirname "$0")/lib.sh"
require_root
dd=$(tool_copy dd) || finish
name=$(basename "$dd")

spry_run 30 -c "$dd if=/dev/zero of=/dev/null bs=1 count=100" \
	"rawtracepoint:sys_enter /comm == \"$name\"/ { @[arg1] = count(); }
	 rt:sched:sched_process_exec /comm == \"$name\"/ { printf(\"exec %d %d\\n\", pid, arg1); }"
assert_rc 0
# x86_64 read is 0, write 1; aarch64 read 63, write 64
case $(uname -m) in
x86_64) rd=0 wr=1 ;;
aarch64) rd=63 wr=64 ;;
esac
n=$(sed -n "s/^@\[$rd\]: \([0-9]*\)\$/\1/p" "$OUT")
[ "${n:-0}" -ge 100 ] || { fail "read: ${n:-0}, expected >= 100"; show_output; }
n=$(sed -n "s/^@\[$wr\]: \([0-9]*\)\$/\1/p" "$OUT")
[ "${n:-0}" -ge 100 ] || { fail "write: ${n:-0}, expected >= 100"; show_output; }
read -r _ p a < <(grep '^exec ' "$OUT")
[ -n "$p" ] && [ "$p" = "$a" ] || { fail "exec: pid $p, old pid $a"; show_output; }

# arguments beyond the tracepoint's (from BTF) are unknown names
spry_run 30 -n 'rawtracepoint:sched_switch { print(arg4); }'
assert_rc 1
assert_diag "unknown identifier 'arg4'"
finish
