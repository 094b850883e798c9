#!/bin/bash
# spry reads its event buffers itself (src/kbpf.c): the BPF ring buffer,
# and on kernels before 5.8 (SPRY_NO_RINGBUF here) one perf ring per CPU.
# 10,000 records of 80 bytes are several times either buffer (256 KiB), so
# the readers go round their rings many times, and perf records that wrap
# around a ring's end are put together: every record must arrive, whole,
# exactly once.
. "$(dirname "$0")/lib.sh"
require_root
require_tracepoint syscalls/sys_enter_write

sh=$(tool_copy dash) || sh=$(tool_copy sh)
name=${sh##*/}
cmd="$sh -c 'i=0; while [ \$i -lt 10000 ]; do printf \"%05d\\n\" \$i; i=\$((i+1)); done >/dev/null'"
prog='t:syscalls/sys_enter_write /comm == "'"$name"'"/ {
	printf("%s\n", str(uptr(data->buf), 6));
}'

for ringbuf in yes no; do
	if [ $ringbuf = no ]; then
		export SPRY_NO_RINGBUF=1
	fi
	spry_run 60 -c "$cmd" "$prog"
	assert_rc 0
	# the records, less bpftrace's "Attaching" line and blank lines
	lines=$(grep -vcE '^(Attaching [0-9]+ probes?\.\.\.)?$' "$OUT")
	uniq=$(grep -E '^[0-9]{5}$' "$OUT" | sort -u | wc -l)
	if [ "$lines" != 10000 ] || [ "$uniq" != 10000 ]; then
		fail "ring buffer $ringbuf: $lines lines, $uniq distinct records, expected 10000"
		show_output
	fi
	unset SPRY_NO_RINGBUF
done

finish
