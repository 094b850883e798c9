# usdt-common.bash - build the usdt tests' target (sourced after lib.sh).
#
# build_usdt: compiles usdt-target.c into $T_TMP as
#   $UD_NOPIE  -O0 -no-pie executable     $UD_PIE  -O2 -pie executable
#   $UD_LIB    libspryu.so (both link it with an rpath to $T_TMP)
# with <sys/sdt.h> (Debian: systemtap-sdt-dev, installed by scripts/deps).
UD_SRC=$top_srcdir/test/kernel/usdt-target.c
UD_SEM=$top_srcdir/test/kernel/usdt-target-sem.c
UD_NOPIE=$T_TMP/usdt-target-nopie
UD_PIE=$T_TMP/usdt-target-pie
UD_LIB=$T_TMP/libspryu.so

build_usdt() {
	command -v cc >/dev/null 2>&1 || { fail "needs a C compiler (cc)"; finish; }
	echo '#include <sys/sdt.h>' | cc -E - >/dev/null 2>&1 ||
		{ fail "needs <sys/sdt.h> (systemtap-sdt-dev: scripts/deps)"; finish; }
	cc -O1 -fPIC -shared -DSPRYU_LIB -o "$UD_LIB" "$UD_SRC" &&
	cc -O0 -no-pie -fno-pie -o "$UD_NOPIE" "$UD_SRC" "$UD_SEM" \
		-L"$T_TMP" -lspryu -Wl,-rpath,"$T_TMP" &&
	cc -O2 -pie -fPIE -o "$UD_PIE" "$UD_SRC" "$UD_SEM" \
		-L"$T_TMP" -lspryu -Wl,-rpath,"$T_TMP" ||
		{ fail "cannot build $UD_SRC"; finish; }
}
