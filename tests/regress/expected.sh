#!/bin/sh
# expected.sh - pcap regression: replay each capture that has a
# <case>.expected.jsonl beside it with a fixed configuration and compare the
# JSON lines (events and flow records) byte for byte. Regenerate with
# tests/regress/update-expected.sh and review the diff in the same commit.
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
. "$srcdir/tests/regress/regress.conf"
fail=0 n=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for exp in $(cd "$srcdir" && find pcaps -name '*.expected.jsonl' | LC_ALL=C sort); do
	base=${exp%.expected.jsonl}
	cap=
	for ext in pcap pcapng; do
		[ -f "$srcdir/$base.$ext" ] && cap="$srcdir/$base.$ext"
	done
	if [ -z "$cap" ]; then
		echo "FAIL $exp: no capture beside it"
		fail=$((fail + 1))
		continue
	fi
	n=$((n + 1))
	# shellcheck disable=SC2086
	if ! "$ZONEWATCH" read $REGRESS_OPTS --json "$tmp" "$cap" 2>/dev/null; then
		echo "FAIL $cap: non-zero exit status"
		fail=$((fail + 1))
	elif ! diff -u "$srcdir/$exp" "$tmp" > "$tmp.diff"; then
		echo "FAIL $cap: output differs from $exp"
		head -40 "$tmp.diff"
		fail=$((fail + 1))
	fi
	rm -f "$tmp.diff"
done
if [ "$n" -lt 1 ]; then
	echo "FAIL: no expected outputs found under $srcdir/pcaps"
	exit 1
fi
echo "$n captures compared, $fail failed"
[ $fail -eq 0 ]
