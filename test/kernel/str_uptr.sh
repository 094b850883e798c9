# str(uptr(data->filename)) reads the path a syscall was given.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_openat

cat=$(tool_copy cat)
spry_run 30 -c "$cat /etc/hostname >/dev/null" \
	't:syscalls/sys_enter_openat /comm == "'"${cat##*/}"'"/ { printf("open %s\n", str(uptr(data->filename))); }'
assert_rc 0
assert_match '^open /etc/hostname$'

# A short str() buffer truncates (and still ends in a NUL).
spry_run 30 -c "$cat /etc/hostname >/dev/null" \
	't:syscalls/sys_enter_openat /comm == "'"${cat##*/}"'"/ { printf("open %s\n", str(uptr(data->filename), 5)); }'
assert_rc 0
assert_match '^open /etc$'
finish
