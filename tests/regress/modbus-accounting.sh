#!/bin/sh
# modbus-accounting.sh - issue #3: with or without --no-aggregate, the
# Modbus PDUs accounted for by the events equal the per-function counters of
# the statistics record (the PDUs on the wire), on every Modbus capture.
# A folded read event accounts for its "requests" + "responses"; a matched
# transaction for 2 PDUs; an unanswered request or a response without a
# request for 1. Anomaly events account for none.
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
fail=0 n=0
for cap in "$srcdir"/pcaps/modbus/*.pcap; do
	for agg in "" "--no-aggregate"; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		res=$("$ZONEWATCH" read -q --no-progress $agg --metrics --json - "$cap" 2>/dev/null | awk '
		function num(key,   m) {
			if (match($0, "\"" key "\":[0-9]+")) {
				m = substr($0, RSTART, RLENGTH); sub(/.*:/, "", m); return m + 0
			}
			return -1
		}
		/"kind":"metric"/ {
			s = $0
			while (match(s, /"(requests|responses)\.fc[0-9a-z_]*":[0-9]+/)) {
				m = substr(s, RSTART, RLENGTH); sub(/.*:/, "", m); pdus += m
				s = substr(s, RSTART + RLENGTH)
			}
			next
		}
		!/"dataset":"zonewatch.modbus"/ || /"anomaly":true/ { next }
		/"requests":[0-9]/ && !/"outcome":/ { ev += num("requests") + num("responses"); next }
		/"matched":true/ { ev += 2; next }
		{ ev += 1 }
		END { print pdus + 0, ev + 0 }')
		pdus=${res% *}
		ev=${res#* }
		if [ "$pdus" != "$ev" ] || [ "$pdus" = 0 ]; then
			echo "FAIL $(basename "$cap") ${agg:-aggregated}: $pdus PDUs counted, events account for $ev"
			fail=$((fail + 1))
		else
			echo "ok   $(basename "$cap") ${agg:-aggregated}: $pdus PDUs"
		fi
	done
done
echo "modbus accounting: $n runs, $fail failed"
[ $fail -eq 0 ]
