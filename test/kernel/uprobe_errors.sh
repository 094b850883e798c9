# uprobe mistakes are errors at the specifier: a missing file, a missing
# function (with a suggestion), a stripped program, an offset on a
# uretprobe, an address outside the file, a malformed target.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/uprobe-common.bash"
require_root
build_target

spry_run 10 'uprobe:/nonexistent/prog:main { @ = count(); }'
assert_rc_nonzero
assert_diag "no such file '/nonexistent/prog'"

spry_run 10 'uprobe:libspry-no-such:f { @ = count(); }'
assert_rc_nonzero
assert_diag "cannot find 'libspry-no-such'"

spry_run 10 "uprobe:$UT_NOPIE:spry_lef { @ = count(); }"
assert_rc_nonzero
assert_diag "no function 'spry_lef' in $UT_NOPIE"
assert_err_contains "did you mean 'spry_leaf'?"

spry_run 10 'uprobe:libc:mallco { @ = count(); }'
assert_rc_nonzero
assert_diag "no function 'mallco' in .*libc"
assert_err_contains "did you mean 'malloc'?"

cp "$UT_NOPIE" "$T_TMP/stripped" && strip "$T_TMP/stripped"
spry_run 10 "uprobe:$T_TMP/stripped:spry_leaf { @ = count(); }"
assert_rc_nonzero
assert_diag "no function 'spry_leaf'"
assert_err_contains "is stripped (no .symtab)"

spry_run 10 "uretprobe:$UT_NOPIE:spry_leaf+4 { @ = count(); }"
assert_rc_nonzero
assert_diag "uretprobe takes no offset"

spry_run 10 "uprobe:$UT_NOPIE:0x10 { @ = count(); }"
assert_rc_nonzero
assert_diag "address 0x10 is not in any loaded segment"

spry_run 10 "uprobe:$UT_NOPIE:spry_nomatch* { @ = count(); }"
assert_rc_nonzero
assert_diag "no function in $UT_NOPIE matches 'spry_nomatch\*'"

spry_run 10 "uprobe:$UT_NOPIE { @ = count(); }"
assert_rc_nonzero
assert_diag "expected PATH:FUNCTION"

spry_run 10 "uretprobe:$UT_NOPIE:spry_leaf { @ = arg0; }"
assert_rc_nonzero
finish
