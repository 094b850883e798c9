# exit(n) ends tracing and spry exits with n, from BEGIN and from a probe.
. "$(dirname "$0")/lib.sh"
require_root

spry_run 20 'BEGIN { exit(42); }'
assert_rc 42

spry_run 20 'interval:100ms { exit(7); }'
assert_rc 7

spry_run 20 -e 'BEGIN { exit(0); }'
assert_rc 0
finish
