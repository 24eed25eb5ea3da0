#!/bin/sh
# opcua-accounting.sh - issue #5: on every OPC UA capture, the message-type
# and service counters of zonewatch's statistics record equal the counts in
# pcaps/opcua/tshark-counts.tsv (tshark's, one per message; regenerate with
# tests/regress/gen-opcua-groundtruth.sh, which needs tshark; this test
# does not). The counters must not depend on --no-aggregate. And every
# service request on the wire stands in exactly one event: a folded event
# for its "requests", a matched or unanswered operation for 1 (a response
# whose request was not seen stands for none).
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
gt="$srcdir/pcaps/opcua/tshark-counts.tsv"
fail=0 n=0
cols=
while IFS='	' read -r cap rest; do
	case $cap in '#'*) continue ;; capture) cols=$rest; continue ;; esac
	for agg in "" "--no-aggregate"; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		got=$("$ZONEWATCH" read -q --no-progress $agg --metrics --json - \
			"$srcdir/pcaps/opcua/$cap" 2>/dev/null | awk -v cols="$cols" '
		/"dataset":"zonewatch.opcua"/ && /"service":"/ {
			if (match($0, /"requests":[0-9]+/)) {
				m = substr($0, RSTART, RLENGTH); sub(/.*:/, "", m); evreq += m
			} else if (/"matched":true/ || /"outcome":"unanswered"/) {
				evreq++
			}
			next
		}
		/"kind":"metric"/ {
			s = $0
			sub(/.*"opcua":\{/, "", s)
			sub(/"operations":\{/, "", s)
			sub(/\}.*/, "", s)
			n = split(s, kv, ",")
			for (i = 1; i <= n; i++) {
				split(kv[i], p, ":"); k = p[1]; gsub(/"/, "", k); ops[k] = p[2] + 0
			}
		}
		END {
			for (k in ops) {
				split(k, w, ".")
				if (w[1] == "from_client" || w[1] == "from_server") {
					t = w[2]
					if (t == "hello") c["hel"] += ops[k]
					else if (t == "acknowledge") c["ack"] += ops[k]
					else if (t == "open_secure_channel") c["opn"] += ops[k]
					else if (t == "message") c["msg"] += ops[k]
					else if (t == "close_secure_channel") c["clo"] += ops[k]
					else if (t == "error") c["err"] += ops[k]
				} else if (w[1] == "requests") {
					c[w[2]] += ops[k]
					wire += ops[k]
				}
			}
			c["opn_policy_none"] = ops["open_secure_channel.policy_none"]
			c["opn_policy_secured"] = ops["open_secure_channel.policy_secured"]
			c["service_fault"] = ops["responses.service_fault"]
			m = split(cols, cn, "\t")
			for (i = 1; i <= m; i++) printf "%s%d", (i > 1 ? "\t" : ""), c[cn[i]]
			if (wire != evreq) printf "\t(requests on the wire %d, in events %d)", wire, evreq
			printf "\n"
		}')
		if [ "$got" != "$rest" ]; then
			echo "FAIL $cap ${agg:-aggregated}"
			echo "  columns   $cols"
			echo "  expected  $rest"
			echo "  zonewatch $got"
			fail=$((fail + 1))
		else
			echo "ok   $cap ${agg:-aggregated}"
		fi
	done
done < "$gt"
echo "opcua accounting: $n runs, $fail failed"
[ "$n" -gt 0 ] && [ $fail -eq 0 ]
