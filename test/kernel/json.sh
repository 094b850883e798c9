# -f json: every line of output is one JSON object, of the documented types.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_openat
require_cmd python3

spry_run 30 -f json -c 'cat /etc/hostname >/dev/null' '
BEGIN { printf("hello \"json\"\n"); print(1, "two"); }
t:syscalls/sys_enter_openat /comm == "cat"/ {
	@opens[comm] = count();
	@one = count();
	@h = quantize(100);
	@k[pid, comm] = sum(1);
}'
assert_rc 0
if ! python3 - "$OUT" <<'PY'
import json, sys
types = set()
with open(sys.argv[1]) as f:
	for n, line in enumerate(f, 1):
		# bpftrace's two newlines before the maps at exit
		if line == "\n":
			continue
		try:
			obj = json.loads(line)
		except ValueError as e:
			sys.exit("line %d is not JSON (%s): %r" % (n, e, line))
		if not isinstance(obj, dict) or "type" not in obj or "data" not in obj:
			sys.exit("line %d has no type/data: %r" % (n, line))
		types.add(obj["type"])
		if obj["type"] == "printf" and obj["data"] != 'hello "json"\n':
			sys.exit("printf data is %r" % obj["data"])
for t in ("attached_probes", "printf", "value", "map", "hist"):
	if t not in types:
		sys.exit("no %s object in the output (saw %s)" % (t, sorted(types)))
PY
then
	fail "the -f json output does not parse as one object a line"
	show_output
fi
# Each line on its own, as a consumer would read it.
while IFS= read -r line; do
	[ -n "$line" ] || continue
	printf '%s\n' "$line" | python3 -m json.tool >/dev/null 2>&1 ||
		fail "not JSON: $line"
done <"$OUT"
finish
