#!/bin/sh
# direct-read.sh - classic pcap files named on the command line are read by
# zonewatch itself in 1 MiB blocks (no libpcap copies); everything else goes
# through libpcap. Both readers must give the same records, statistics and
# diagnostics: a file read from its path (direct) is compared with the same
# bytes on standard input (libpcap), including big-endian and nanosecond
# files, a file many buffers long, a record cut by the end of the file, a
# record above the snapshot length, and a file that shrinks while it is read.
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 not found"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
run() { # FILE|- INPUT OUT
	if [ "$1" = - ]; then
		"$ZONEWATCH" read --no-progress --flows --metrics --json "$3.json" - <"$2" 2>"$3.err"
	else
		"$ZONEWATCH" read --no-progress --flows --metrics --json "$3.json" "$2" 2>"$3.err"
	fi
	echo $? >"$3.rc"
	# the file name differs between the two runs; nothing else may
	sed "s|$2|INPUT|g; s|: -:|: INPUT:|g; s|^zonewatch: -: |zonewatch: INPUT: |" "$3.err" >"$3.e2"
	# which reader ran is the one thing that must differ
	grep -o '"files_direct":[0-9]*' "$3.json" >"$3.reader"
	sed -i 's/"files_direct":[0-9]*,//' "$3.json"
}
same() { # NAME FILE [DIRECT]  DIRECT: 1 (default) the path run must read directly, 0 not
	want=${3:-1}
	run "$2" "$2" "$tmp/m"
	run - "$2" "$tmp/s"
	if cmp -s "$tmp/m.json" "$tmp/s.json" && cmp -s "$tmp/m.e2" "$tmp/s.e2" &&
		cmp -s "$tmp/m.rc" "$tmp/s.rc" && [ "$(cat "$tmp/m.reader")" = "\"files_direct\":$want" ] &&
		[ "$(cat "$tmp/s.reader")" = '"files_direct":0' ]; then
		echo "ok   $1 ($(grep -c . "$tmp/m.json") records, exit $(cat "$tmp/m.rc"))"
	else
		echo "FAIL $1: direct and libpcap readers differ (path run: $(cat "$tmp/m.reader"), stdin run: $(cat "$tmp/s.reader"))"
		diff "$tmp/m.e2" "$tmp/s.e2" | head -5
		cmp "$tmp/m.json" "$tmp/s.json"
		fail=$((fail + 1))
	fi
}
py() { python3 "$srcdir/tests/regress/pcapvariant.py" "$@" || { echo "FAIL pcapvariant.py $*"; fail=$((fail + 1)); }; }

plant=$srcdir/pcaps/plant/zw-plant.pcap
for f in "$plant" "$srcdir"/pcaps/modbus/*.pcap "$srcdir"/pcaps/corrupt/*.pcap; do
	case $f in
	# pcap version 2.0 in its header: read by libpcap (which stops after
	# the first record, 524 kB long)
	*/corrupt-fuzz-unreadable-record.pcap) same "${f##*/}" "$f" 0 ;;
	*) same "${f##*/}" "$f" ;;
	esac
done
py swap "$plant" "$tmp/swapped.pcap" && same "big-endian file" "$tmp/swapped.pcap"
py nsec "$plant" "$tmp/nsec.pcap" && same "nanosecond file" "$tmp/nsec.pcap"
# nanosecond timestamps are cut to microseconds, as libpcap does
run "$plant" "$plant" "$tmp/plant"
if cmp -s "$tmp/m.json" "$tmp/plant.json"; then
	echo "ok   nanosecond file gives the microsecond file's records"
else
	echo "FAIL nanosecond file differs from the microsecond file"
	fail=$((fail + 1))
fi
py repeat "$plant" "$tmp/big.pcap" 8 && same "8 MiB file (buffer refills)" "$tmp/big.pcap"
py cut "$plant" "$tmp/cut.pcap" 30 && same "record cut by the end of the file" "$tmp/cut.pcap"
if ! grep -q "read error" "$tmp/m.err"; then
	echo "FAIL cut record: no read error reported"
	fail=$((fail + 1))
fi
py bigcap "$plant" "$tmp/bigcap.pcap" && same "record above the snapshot length" "$tmp/bigcap.pcap"
# Every prefix of a small capture (cut in its file header, in every record
# header and in every frame): both readers give the same records,
# statistics, diagnostics and exit status; from 24 bytes on the direct
# reader is the one that runs.
small=$srcdir/pcaps/modbus/modbus-fc43-read-device-id-exception.pcap
size=$(wc -c <"$small" | tr -d ' ')
n=0
bad=0
while [ $n -le "$size" ]; do
	head -c $n "$small" >"$tmp/prefix.pcap"
	run "$tmp/prefix.pcap" "$tmp/prefix.pcap" "$tmp/m"
	run - "$tmp/prefix.pcap" "$tmp/s"
	want='"files_direct":0'
	[ $n -ge 24 ] && want='"files_direct":1'
	if ! cmp -s "$tmp/m.json" "$tmp/s.json" || ! cmp -s "$tmp/m.e2" "$tmp/s.e2" ||
		! cmp -s "$tmp/m.rc" "$tmp/s.rc" ||
		{ [ -s "$tmp/m.reader" ] && [ "$(cat "$tmp/m.reader")" != "$want" ]; } ||
		{ [ $n -ge 24 ] && [ "$(cat "$tmp/m.reader")" != "$want" ]; }; then
		echo "FAIL prefix of $n bytes: the readers differ"
		bad=$((bad + 1))
	fi
	n=$((n + 1))
done
if [ $bad -eq 0 ]; then
	echo "ok   every prefix (0..$size bytes) of ${small##*/}"
else
	fail=$((fail + bad))
fi

# A file cut short while it is read (a capture ring reusing its oldest
# file): the reader sees the end early and says so; no crash (a memory
# mapping would have raised SIGBUS here).
py repeat "$plant" "$tmp/ring.pcap" 96 || true
"$ZONEWATCH" read -q --no-progress --flows --json /dev/null "$tmp/ring.pcap" 2>"$tmp/ring.err" &
zw=$!
sleep 0.2
truncate -s 1000000 "$tmp/ring.pcap"
wait $zw
rc=$?
if [ $rc -eq 0 ] || { [ $rc -eq 1 ] && grep -q "shrank" "$tmp/ring.err"; }; then
	echo "ok   file truncated while read: exit $rc $(grep -o 'the file shrank[^(]*' "$tmp/ring.err")"
else
	echo "FAIL file truncated while read: exit status $rc"
	cat "$tmp/ring.err"
	fail=$((fail + 1))
fi
echo "direct reader: $fail failed"
[ $fail -eq 0 ]
