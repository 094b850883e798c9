# uprobe-common.bash - build the uprobe tests' target (sourced after lib.sh).
#
# build_target: compiles uprobe-target.c into $T_TMP as
#   $UT_NOPIE   -no-pie executable      $UT_PIE   -pie executable
#   $UT_LIB     libspryt.so (both link it with an rpath to $T_TMP)
# with symbols and frame pointers (ustack walks frame pointers).
UT_SRC=$top_srcdir/test/kernel/uprobe-target.c
UT_NOPIE=$T_TMP/uprobe-target-nopie
UT_PIE=$T_TMP/uprobe-target-pie
UT_LIB=$T_TMP/libspryt.so

build_target() {
	local cflags="-O1 -g -fno-omit-frame-pointer -fno-inline"
	command -v cc >/dev/null 2>&1 || { fail "needs a C compiler (cc)"; finish; }
	cc $cflags -fPIC -shared -DSPRYT_LIB -o "$UT_LIB" "$UT_SRC" &&
	cc $cflags -no-pie -fno-pie -o "$UT_NOPIE" "$UT_SRC" \
		-L"$T_TMP" -lspryt -Wl,-rpath,"$T_TMP" &&
	cc $cflags -pie -fPIE -o "$UT_PIE" "$UT_SRC" \
		-L"$T_TMP" -lspryt -Wl,-rpath,"$T_TMP" ||
		{ fail "cannot build $UT_SRC"; finish; }
}

# wait_mapped PID FILE: until FILE shows in PID's maps (the dynamic linker
# has loaded it), at most 5 s.
wait_mapped() {
	local i
	for ((i = 0; i < 50; i++)); do
		grep -qF "$2" "/proc/$1/maps" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# insn_after FILE FUNC PATTERN: the offset in FUNC (decimal) of the
# instruction after the first one matching PATTERN (objdump syntax), e.g.
# the one after the frame setup "mov +%rsp,%rbp".
insn_after() {
	local start at
	read -r start at < <(objdump -d --no-show-raw-insn "$1" |
		awk -v f="<$2>:" -v pat="$3" '
		$2 == f { start = $1; on = 1; next }
		on && /^$/ { exit }
		on && hit { sub(":", "", $1); print start, $1; exit }
		on && $0 ~ pat { hit = 1 }')
	[ -n "$at" ] && echo $((16#$at - 16#$start))
}
