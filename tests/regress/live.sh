#!/bin/sh
# live.sh - live capture on the loopback interface: a Modbus/TCP client and
# server (mbloop) talk over 127.0.0.1 while `zonewatch live -i lo` watches;
# SIGUSR1 must produce a statistics record, SIGTERM must end the capture with
# the flow's record, and the writes must appear as events - the same code
# path as offline replay. Then SIGHUP policy reloads: a bad file keeps the
# running policy, a good one replaces it and its alerts follow. Needs the right to capture (root or CAP_NET_RAW):
# skipped (exit 77) otherwise. Traffic never leaves 127.0.0.1.
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${MBLOOP:?MBLOOP must name the mbloop helper}"
tmp=$(mktemp -d)
trap 'kill $zw 2>/dev/null; rm -rf "$tmp"' EXIT
port=$((20000 + $$ % 20000))

"$ZONEWATCH" live -i lo -f "tcp port $port" --flows --json "$tmp/out.json" \
	--inventory-file "$tmp/inv.json" 2> "$tmp/err" &
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
# The events reach the file while the capture runs (live mode flushes its
# output about once a second), not only at exit.
i=0
early=0
while [ $i -lt 40 ]; do
	early=$(grep -c '"action":"write_single_register"' "$tmp/out.json" 2>/dev/null)
	[ "$early" = 20 ] && break
	sleep 0.1
	i=$((i + 1))
done
sleep 0.7
kill -USR1 $zw
sleep 0.7
kill -TERM $zw
wait $zw
rc=$?
fail=0
[ $rc -eq 0 ] || { echo "FAIL: zonewatch live exit status $rc"; fail=1; }
[ "$early" = 20 ] && echo "ok   events in the file while capturing" ||
	{ echo "FAIL: $early of 20 write events in the file before exit"; fail=1; }
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
grep -q '"port": '"$port" "$tmp/inv.json" && [ ! -e "$tmp/inv.json.tmp" ] && echo "ok   inventory file" ||
	{ echo "FAIL: --inventory-file"; cat "$tmp/inv.json"; fail=1; }
[ $fail -eq 0 ] || { echo "--- output"; cat "$tmp/out.json"; echo "--- stderr"; cat "$tmp/err"; }

# Policy reload on SIGHUP. Loopback is a zone at first (no alerts); the
# replacement leaves it in no zone, so the second client's writes raise
# address_in_no_zone and operation_not_allowed.
pol="$tmp/policy.yaml"
printf 'site: lo\nzones:\n  lo: { networks: [127.0.0.0/8] }\n' > "$pol"
"$ZONEWATCH" live -i lo -f "tcp port $port" -p "$pol" --no-events --json "$tmp/hup.json" \
	--inventory-file "$tmp/hup-inv.json" --inventory-interval 1 2> "$tmp/hup.err" &
zw=$!
i=0
while [ $i -lt 50 ] && ! grep -q "capturing on lo" "$tmp/hup.err"; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
"$MBLOOP" "$port" 5 || { echo "FAIL: mbloop"; exit 1; }
sleep 0.7
printf 'zones:\n  lo: { networks: [127.0.0.0/33] }\n' > "$pol"
kill -HUP $zw
sleep 1
grep -q "not reloaded: keeping the running policy" "$tmp/hup.err" && echo "ok   bad policy not loaded on SIGHUP" || { echo "FAIL: bad policy reload not reported"; fail=1; }
printf 'site: lo2\nzones:\n  other: { networks: [10.0.0.0/8] }\n' > "$pol"
kill -HUP $zw
sleep 1
grep -q "reloaded" "$tmp/hup.err" && echo "ok   policy reloaded on SIGHUP" || { echo "FAIL: no reload message"; fail=1; }
"$MBLOOP" "$port" 5 || { echo "FAIL: mbloop"; exit 1; }
sleep 0.7
kill -TERM $zw
wait $zw
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: zonewatch live (policy) exit status $rc"; fail=1; }
a1=$(grep -c '"ruleset":"lo"' "$tmp/hup.json")
a2=$(grep -c '"ruleset":"lo2"' "$tmp/hup.json")
w=$(grep '"ruleset":"lo2"' "$tmp/hup.json" | grep -c '"name":"operation_not_allowed"')
[ "$a1" -eq 0 ] && [ "$a2" -ge 2 ] && [ "$w" -ge 1 ] && echo "ok   alerts only after the reload ($a2, $w writes)" ||
	{ echo "FAIL: alerts before/after reload: $a1/$a2 ($w writes)"; fail=1; cat "$tmp/hup.json" "$tmp/hup.err"; }
# the inventory follows the reloaded policy: 127.0.0.1 is in no zone now
grep -q '"ip": "127.0.0.1"' "$tmp/hup-inv.json" && ! grep -q '"zone": "lo"' "$tmp/hup-inv.json" &&
	echo "ok   inventory follows the reloaded policy" ||
	{ echo "FAIL: inventory after reload"; cat "$tmp/hup-inv.json"; fail=1; }
exit $fail
