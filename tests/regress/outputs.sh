#!/bin/sh
# outputs.sh - output options of the zonewatch command line and of the
# outputs: section of a configuration file: --alerts-only, JSON size
# rotation, strict configuration errors with file:line:column, syslog sinks
# set up and drained at exit with their statistics (text and metric record),
# a spool left for the next run when the collector is down, SIGHUP reopening
# the JSON file (live capture on lo; skipped without capture rights).
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${MBLOOP:?MBLOOP must name the mbloop helper}"
: "${srcdir:=.}"
tmp=$(mktemp -d)
zw=""
trap '[ -n "$zw" ] && kill $zw 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
mb="$srcdir/pcaps/modbus/modbus-digitalbond-part2-many-fcs-exceptions-malformed.pcap"

# --alerts-only: only the alert records (the default policy finds some here)
"$ZONEWATCH" read -q --json "$tmp/all.json" "$mb"
"$ZONEWATCH" read -q --alerts-only --flows --json "$tmp/alerts.json" "$mb"
na=$(grep -c '"kind":"alert"' "$tmp/all.json")
if [ "$(wc -l < "$tmp/all.json")" -gt "$na" ] && [ "$(wc -l < "$tmp/alerts.json")" -eq "$na" ] &&
	[ "$(grep -c '"kind":"alert"' "$tmp/alerts.json")" -eq "$na" ]; then
	ok "--alerts-only writes the $na alerts and nothing else"
else
	bad "--alerts-only: $(wc -l < "$tmp/alerts.json") records, $na alerts"
fi

# Whatever bytes came off the wire, every record is valid UTF-8 JSON
# (damaged captures and IT protocols with free text: DNS, HTTP, FTP, ...).
for f in "$srcdir"/pcaps/corrupt/*.pcap* "$srcdir"/pcaps/it/*.pcap*; do
	"$ZONEWATCH" read -q --flows --metrics --no-aggregate "$f" 2> /dev/null
done > "$tmp/wire.json"
if python3 -c '
import json, sys
n = 0
for l in open(sys.argv[1], "rb"):
    json.loads(l.decode("utf-8")); n += 1
print(n)' "$tmp/wire.json" > "$tmp/wire.n" 2>&1; then
	ok "$(cat "$tmp/wire.n") records from damaged and IT captures are valid UTF-8 JSON"
else
	bad "invalid JSON or UTF-8: $(tail -1 "$tmp/wire.n")"
fi

# Size rotation: FILE.2, FILE.1, FILE in that order are the whole output.
"$ZONEWATCH" read -q --flows --json "$tmp/full.json" "$mb"
"$ZONEWATCH" read -q --flows --json "$tmp/rot.json" --json-max-size 20K --json-keep 9 "$mb"
cat $(ls -r "$tmp"/rot.json.* 2>/dev/null) "$tmp/rot.json" > "$tmp/rot.all"
n=$(ls "$tmp"/rot.json.* 2>/dev/null | wc -l)
if [ "$n" -ge 3 ] && cmp -s "$tmp/rot.all" "$tmp/full.json"; then
	ok "rotation at 20 KiB: $n rotated files, nothing lost or reordered"
else
	bad "rotation: $n files, concatenation differs"
fi
big=0
for f in "$tmp"/rot.json*; do
	[ "$(wc -c < "$f")" -gt $((20 * 1024 + 4096)) ] && big=1
done
[ $big -eq 0 ] && ok "rotated files stay near the size limit" || bad "a rotated file is too big"
"$ZONEWATCH" read -q --flows --json "$tmp/k.json" --json-max-size 20K --json-keep 1 "$mb"
[ -f "$tmp/k.json.1" ] && [ ! -f "$tmp/k.json.2" ] && ok "--json-keep 1 keeps one rotated file" ||
	bad "--json-keep 1: $(ls "$tmp" | grep k.json)"

# Configuration file errors name file:line:column.
cat > "$tmp/bad.yaml" << 'EOF'
outputs:
  json:
    path: x.json
  syslog:
    - url: tcp://127.0.0.1:9
      formatt: cef
EOF
"$ZONEWATCH" read -q --config "$tmp/bad.yaml" "$mb" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "bad.yaml:6:7: unknown key 'formatt'" "$tmp/err" &&
	ok "unknown key rejected with file:line:column" || bad "bad config: rc $rc, $(cat "$tmp/err")"
printf 'outputs:\n  syslog:\n    - url: ftp://x\n' > "$tmp/bad2.yaml"
"$ZONEWATCH" read -q --config "$tmp/bad2.yaml" "$mb" > /dev/null 2> "$tmp/err"
grep -q "bad2.yaml:3:12: syslog destination 'ftp://x'" "$tmp/err" && ok "bad URL rejected with its position" ||
	bad "bad URL: $(cat "$tmp/err")"
printf 'output:\n  json: {}\n' > "$tmp/bad3.yaml"
"$ZONEWATCH" read -q --config "$tmp/bad3.yaml" "$mb" > /dev/null 2> "$tmp/err"
grep -q "bad3.yaml:1:1: unknown top-level key 'output'" "$tmp/err" && ok "unknown section rejected" ||
	bad "unknown section: $(cat "$tmp/err")"
printf 'outputs:\n  json: { flows: maybe }\n' > "$tmp/bad4.yaml"
"$ZONEWATCH" read -q --config "$tmp/bad4.yaml" "$mb" > /dev/null 2> "$tmp/err"
grep -q "bad4.yaml:2:18: flows: expected true or false" "$tmp/err" && ok "bad boolean rejected" ||
	bad "bad boolean: $(cat "$tmp/err")"
"$ZONEWATCH" read -q --syslog-format leef "$mb" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "syslog-format" "$tmp/err" && ok "unknown --syslog-format rejected" ||
	bad "--syslog-format leef accepted"

# A good configuration: JSON path and contents from the file, a syslog sink
# whose collector is down (port 9 on loopback refuses), a spool; statistics
# name the sink; the metric record carries its counters; exit 0.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 9)
cat > "$tmp/good.yaml" << EOF
outputs:
  json:
    path: $tmp/cfg.json
    events: false
    flows: true
    metrics: true
  syslog:
    - url: tcp://127.0.0.1:$port
      format: cef
      facility: local6
  spool:
    dir: $tmp/spool
    max_mib: 1
  drain_timeout: 1
EOF
"$ZONEWATCH" read --no-progress --config "$tmp/good.yaml" "$mb" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok "configuration file accepted" || bad "good config: rc $rc: $(cat "$tmp/err")"
grep -q '"action":"flow"' "$tmp/cfg.json" && ! grep -q '"kind":"event","category":\["network"\],"type":\["protocol"\]' "$tmp/cfg.json" &&
	ok "JSON settings from the file (flows, no events)" || bad "JSON settings from the file ignored"
grep -q "sink tcp://127.0.0.1:$port: queued $na," "$tmp/err" && ok "statistics name the sink" ||
	bad "no sink statistics: $(cat "$tmp/err")"
grep -q "\"sinks\":{\"tcp://127.0.0.1:$port\":{\"queued\":$na," "$tmp/cfg.json" &&
	ok "metric record has the sink counters" || bad "metric record without sink counters"
n=$(ls "$tmp/spool/tcp_127.0.0.1_$port" 2> /dev/null | wc -l)
[ "$n" -eq "$na" ] && ok "collector down: the $na alerts wait in the spool" ||
	bad "spool holds $n files, expected $na"
# A later option overrides the file.
"$ZONEWATCH" read -q --config "$tmp/good.yaml" --json "$tmp/cli.json" "$mb" 2> /dev/null
[ -s "$tmp/cli.json" ] && ok "--json after --config wins" || bad "--json after --config ignored"

# SIGHUP reopens the JSON file (after logrotate moved it away).
"$ZONEWATCH" live -i lo -f "tcp port 1" --json "$tmp/live.json" 2> "$tmp/lerr" &
zw=$!
i=0
while [ $i -lt 50 ] && ! grep -q "capturing on lo" "$tmp/lerr"; do
	kill -0 $zw 2> /dev/null || break
	sleep 0.1
	i=$((i + 1))
done
if grep -q "capturing on lo" "$tmp/lerr"; then
	mv "$tmp/live.json" "$tmp/live.json.1"
	kill -HUP $zw
	sleep 1.5
	kill -USR1 $zw
	sleep 1.5
	kill -TERM $zw
	wait $zw
	zw=""
	[ -f "$tmp/live.json" ] && grep -q '"kind":"metric"' "$tmp/live.json" &&
		ok "SIGHUP reopened the JSON file" || bad "SIGHUP: no new JSON file: $(cat "$tmp/lerr")"
else
	echo "skip SIGHUP test: cannot capture on lo ($(head -1 "$tmp/lerr"))"
	kill $zw 2> /dev/null
	zw=""
fi

exit $((fail > 0))
