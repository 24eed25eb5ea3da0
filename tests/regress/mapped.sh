#!/bin/sh
# mapped.sh - classic pcap files are read in place (mapped, no libpcap copy);
# everything else goes through libpcap. Both readers must give the same
# records, statistics and diagnostics: a file read from its path (mapped)
# is compared with the same bytes on standard input (libpcap), including
# big-endian and nanosecond files, a file larger than one mapping window,
# a record cut by the end of the file and a record above the snapshot length.
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
	grep -o '"files_mapped":[0-9]*' "$3.json" >"$3.mapped"
	sed -i 's/"files_mapped":[0-9]*,//' "$3.json"
}
same() { # NAME FILE [MAPPED]  MAPPED: 1 (default) the path run must be mapped, 0 not
	want=${3:-1}
	run "$2" "$2" "$tmp/m"
	run - "$2" "$tmp/s"
	if cmp -s "$tmp/m.json" "$tmp/s.json" && cmp -s "$tmp/m.e2" "$tmp/s.e2" &&
		cmp -s "$tmp/m.rc" "$tmp/s.rc" && [ "$(cat "$tmp/m.mapped")" = "\"files_mapped\":$want" ] &&
		[ "$(cat "$tmp/s.mapped")" = '"files_mapped":0' ]; then
		echo "ok   $1 ($(grep -c . "$tmp/m.json") records, exit $(cat "$tmp/m.rc"))"
	else
		echo "FAIL $1: mapped and libpcap readers differ (mapped run: $(cat "$tmp/m.mapped"), stdin run: $(cat "$tmp/s.mapped"))"
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
py repeat "$plant" "$tmp/big.pcap" 40 && same "40 MiB file (crosses mapping windows)" "$tmp/big.pcap"
py cut "$plant" "$tmp/cut.pcap" 30 && same "record cut by the end of the file" "$tmp/cut.pcap"
if ! grep -q "read error" "$tmp/m.err"; then
	echo "FAIL cut record: no read error reported"
	fail=$((fail + 1))
fi
py bigcap "$plant" "$tmp/bigcap.pcap" && same "record above the snapshot length" "$tmp/bigcap.pcap"
echo "mapped reader: $fail failed"
[ $fail -eq 0 ]
