# Syntax errors from the command line: located in "<program>", exit 1.
. "$(dirname "$0")/lib.sh"
require_root

spry_run 20 'BEGIN { x = 1 +; }'
assert_rc 1
assert_err_match '^<program>:1:[0-9]+: error: '
assert_err_match '^ *\^'

spry_run 20 -e 'BEGIN { printf("%d\n", nosuch); }'
assert_rc 1
assert_err_contains nosuch
finish
