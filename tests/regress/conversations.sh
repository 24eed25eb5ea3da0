#!/bin/sh
# conversations.sh - replay every capture in pcaps/ through the real binary:
# it must exit 0 (damaged files included: damage is counted, not fatal),
# and its flow records must count exactly the TCP and UDP conversations of
# the tshark ground truth in pcaps/conversations.tsv (differences there are
# explained in its note column).
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
tsv="$srcdir/pcaps/conversations.tsv"
fail=0 n=0
tab=$(printf '\t')
while IFS="$tab" read -r cap ttcp tudp ztcp zudp note; do
	[ "$cap" = capture ] && continue
	n=$((n + 1))
	out=$("$ZONEWATCH" read -q --no-progress --no-events --flows --json - "$srcdir/pcaps/$cap" 2>/dev/null)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL $cap: exit status $rc"
		fail=$((fail + 1))
		continue
	fi
	flows=$(printf '%s\n' "$out" | grep '"dataset":"zonewatch.flow"')
	gtcp=$(printf '%s\n' "$flows" | grep -c '"transport":"tcp"')
	gudp=$(printf '%s\n' "$flows" | grep -c '"transport":"udp"')
	if [ "$gtcp" != "$ztcp" ] || [ "$gudp" != "$zudp" ]; then
		echo "FAIL $cap: tcp $gtcp udp $gudp flows, expected tcp $ztcp udp $zudp (tshark: $ttcp/$tudp; $note)"
		fail=$((fail + 1))
	fi
done < "$tsv"
if [ "$n" -lt 100 ]; then
	echo "FAIL: only $n captures listed in $tsv"
	exit 1
fi
echo "$n captures, $fail failed"
[ $fail -eq 0 ]
