#!/bin/sh
# live.sh - live capture on the loopback interface: a Modbus/TCP client and
# server (mbloop) talk over 127.0.0.1 while `zonewatch live -i lo` watches;
# SIGUSR1 must produce a statistics record, SIGTERM must end the capture with
# the flow's record, and the writes must appear as events - the same code
# path as offline replay. Needs the right to capture (root or CAP_NET_RAW):
# skipped (exit 77) otherwise. Traffic never leaves 127.0.0.1.
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${MBLOOP:?MBLOOP must name the mbloop helper}"
tmp=$(mktemp -d)
trap 'kill $zw 2>/dev/null; rm -rf "$tmp"' EXIT
port=$((20000 + $$ % 20000))

"$ZONEWATCH" live -i lo -f "tcp port $port" --flows --json "$tmp/out.json" 2> "$tmp/err" &
zw=$!
# Wait until the capture is running (or has failed).
i=0
while [ $i -lt 50 ]; do
	grep -q "capturing on lo" "$tmp/err" && break
	if ! kill -0 $zw 2>/dev/null; then
		if grep -qi "permission\|not permitted\|root" "$tmp/err"; then
			echo "SKIP: no permission to capture on lo: $(cat "$tmp/err")"
			exit 77
		fi
		echo "FAIL: zonewatch live exited: $(cat "$tmp/err")"
		exit 1
	fi
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
"$MBLOOP" "$port" 40 || { echo "FAIL: mbloop"; exit 1; }
sleep 0.7
kill -USR1 $zw
sleep 0.7
kill -TERM $zw
wait $zw
rc=$?
fail=0
[ $rc -eq 0 ] || { echo "FAIL: zonewatch live exit status $rc"; fail=1; }
n=$(grep -c '"action":"write_single_register"' "$tmp/out.json")
# 20 FC6 requests, each paired with its echo into one event.
[ "$n" -eq 20 ] && echo "ok   20 write events" || { echo "FAIL: $n write events, expected 20"; fail=1; }
a=$(grep -c '"outcome":"acknowledged"' "$tmp/out.json")
[ "$a" -eq 20 ] && echo "ok   20 acknowledged" || { echo "FAIL: $a acknowledged, expected 20"; fail=1; }
grep -q '"kind":"metric"' "$tmp/out.json" && echo "ok   SIGUSR1 statistics record" || { echo "FAIL: no metric record after SIGUSR1"; fail=1; }
f=$(grep -c '"action":"flow"' "$tmp/out.json")
[ "$f" -eq 1 ] && echo "ok   one flow record" || { echo "FAIL: $f flow records"; fail=1; }
grep -q '"count":20' "$tmp/out.json" && echo "ok   20 folded reads" || { echo "FAIL: folded reads"; fail=1; }
grep -q "zonewatch statistics" "$tmp/err" && echo "ok   statistics on stderr" || { echo "FAIL: no statistics on stderr"; fail=1; }
[ $fail -eq 0 ] || { echo "--- output"; cat "$tmp/out.json"; echo "--- stderr"; cat "$tmp/err"; }
exit $fail
