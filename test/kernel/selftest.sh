# spry -T: the host kernel has everything spry needs.
. "$(dirname "$0")/lib.sh"
require_root

spry_run 30 -T
assert_rc 0
finish
