# The check that a run left no BPF object behind (lib.sh) looks at spry's
# objects only.  It once looked at every object new since the run began,
# so any other BPF user on the machine made runs fail at random (three
# cases a full run); "another spry is running" was the only excuse it knew.
# Another BPF user (a copy of spry under another name: its comm is not
# "spry") starts during a run: the run passes.  And the check still catches
# a real leftover: a map pinned during the run, which no process holds.
. "$(dirname "$0")/lib.sh"
require_root
command -v bpftool >/dev/null 2>&1 || fail "needs bpftool (scripts/deps --test installs it)"

other=$T_TMP/otherbpf
cp "$SPRY" "$other"
(sleep 0.3; exec "$other" 'i:1s { @ticks = count(); }' >/dev/null 2>&1) &
other_pid=$!
spry_run 20 -c 'sleep 1.5' 'i:100ms { @ = count(); }'
assert_rc 0
# the other user was there all along, its objects loaded
kill -0 "$other_pid" 2>/dev/null || fail "the other BPF user did not run"
[ -n "$(comm -13 "$T_TMP/progs.before" <(bpf_objects))" ] ||
	fail "the other BPF user loaded nothing"
kill -INT "$other_pid" 2>/dev/null
wait "$other_pid"

# A map pinned in bpffs during the run (bpffs mounted in a namespace of
# its own, which a sleeping process keeps alive until the check is done;
# killing it unmounts bpffs and frees the map).
if mount_ns_wrap 'mount -t bpf bpf /sys/fs/bpf || exit 98
exec "$@"'; then
	(sleep 0.3; exec "${T_WRAP[@]}" sh -c "bpftool map create /sys/fs/bpf/spry_lc \
		type array key 4 value 4 entries 1 name spry_lc && exec sleep 30") \
		>/dev/null 2>&1 &
	pin_pid=$!
	T_WRAP=()
	out=$(spry_run 20 -c 'sleep 1.5' 'i:100ms { @ = count(); }'
	      echo "failed=$T_FAILED")
	case $out in
	*"BPF objects left loaded after spry exited: "*map*failed=1) ;;
	*) fail "a pinned map was not reported as left behind:"
	   echo "$out" | sed 's/^/    /' ;;
	esac
	# (one process from the subshell to the sleep: each execs the next)
	kill "$pin_pid" 2>/dev/null
	wait "$pin_pid" 2>/dev/null
else
	note "no pinned-map check: $T_WRAP_WHY"
fi
finish
