# test/graph/chromium.sh - headless Chromium for the picture tests (sourced).
#
#   chromium_render SVG PNG [SCALE]   the SVG as a browser draws it, to PNG,
#                                     in a window of the picture's own size
#   chromium_dom SVG QUERY OUT        the document after its script ran with
#                                     ?QUERY in the URL (--dump-dom)
#
# As root Chromium needs --no-sandbox; each call gets a fresh profile and
# nothing that talks to the network.  Set CHROMIUM to use another binary.

: "${CHROMIUM:=chromium}"

chromium_available() {
	command -v "$CHROMIUM" >/dev/null 2>&1
}

chromium_run() {
	local profile rc
	profile=$(mktemp -d "${TMPDIR:-/tmp}/spry-chromium.XXXXXX")
	timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --hide-scrollbars \
		--user-data-dir="$profile" "$@" 2>"$profile.log"
	rc=$?
	[ $rc -eq 0 ] || sed 's/^/  chromium: /' "$profile.log" | tail -n 5 >&2
	rm -rf "$profile" "$profile.log"
	return $rc
}

chromium_render() {
	local svg=$1 png=$2 scale=${3:-1} h
	h=$(sed -n 's/^<svg [^>]* height="\([0-9]*\)".*/\1/p' "$svg" | head -n 1)
	[ -n "$h" ] || { echo "  no height in $svg" >&2; return 1; }
	rm -f "$png"
	chromium_run --force-device-scale-factor="$scale" \
		--window-size=1200,"$h" --screenshot="$png" \
		"file://$(realpath "$svg")" >/dev/null && [ -s "$png" ]
}

chromium_dom() {
	chromium_run --dump-dom "file://$(realpath "$1")?$2" >"$3" && [ -s "$3" ]
}
