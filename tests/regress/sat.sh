#!/bin/sh
# sat.sh - `zonewatch sat`, `learn` and `inventory` end to end on the plant
# capture (pcaps/plant/zw-plant.pcap, ground truth in GROUND-TRUTH.md):
#  1. sat with pcaps/policy/plant-sat-pass.yaml: PASS (exit 0), every
#     allow-rule exercised even with --require-exercised;
#  2. sat with examples/plant-policy.yaml: FAIL (exit 1) with each expected
#     reason of the ground truth in the JSON report, the unknown asset, the
#     unapproved remote session and the unexercised rule;
#  3. the JSON report is deterministic (two runs give the same bytes), and
#     the Markdown report carries the verdict; names with markup in the
#     policy come out escaped in HTML and Markdown;
#  4. --baseline-window: only the first 10 s (the HMI poll) count: PASS;
#  5. learn -> policy check -> sat: the draft fails only on the remote
#     sessions it leaves commented out; with --approve-remote it PASSes with
#     every rule exercised;
#  6. inventory CSV and JSON against the ground truth: hosts, MACs
#     02:5a:..., zones, served protocols; read --inventory-file (the live
#     sensor's periodic dump) gives the same JSON;
#  7. exit statuses: usage errors 2, unreadable capture or policy 1.
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
cap="$srcdir/pcaps/plant/zw-plant.pcap"
pass="$srcdir/pcaps/policy/plant-sat-pass.yaml"
example="$srcdir/examples/plant-policy.yaml"
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}

# has FILE STRING: a fixed string is in the file
has() {
	grep -qF -- "$2" "$1" || bad "$1 lacks: $2"
}

# 1. the as-built policy passes
"$ZONEWATCH" sat -q --require-exercised -p "$pass" -o "$tmp/pass.json" "$cap"
rc=$?
[ $rc -eq 0 ] || bad "sat with plant-sat-pass.yaml: exit status $rc, expected 0"
has "$tmp/pass.json" '"verdict": "PASS"'
n=$(sed -n '/"reasons": \[/,/\]/p' "$tmp/pass.json" | grep -c '"ZW-')
[ "$n" -eq 0 ] || bad "pass report has $n reasons"
has "$tmp/pass.json" '"allow_rules": 10'
has "$tmp/pass.json" '"allow_rules_exercised": 10'
has "$tmp/pass.json" '"not_approved": 0'
has "$tmp/pass.json" '"unknown_assets": 0'
has "$tmp/pass.json" '"approved_by": "vendor-via-jump"'
has "$tmp/pass.json" '"sha256": "'
grep -q '"exercised": false' "$tmp/pass.json" && bad "pass report has an unexercised rule"

# 2. the example policy fails for the ground truth's reasons
"$ZONEWATCH" sat -q -p "$example" -o "$tmp/fail.json" "$cap"
rc=$?
[ $rc -eq 1 ] || bad "sat with plant-policy.yaml: exit status $rc, expected 1"
has "$tmp/fail.json" '"verdict": "FAIL"'
# one line per expected reason: rule id, then what
while IFS='|' read -r id what; do
	[ -n "$id" ] || continue
	grep -F -- "\"$id " "$tmp/fail.json" | grep -qF -- "$what" ||
		bad "reason $id ($what) missing"
done <<'EOF'
ZW-103 protocol_not_allowed_on_conduit|Modbus/TCP on tcp/5020 from hmi-1 10.10.2.10 (supervisory) to plc-2
ZW-103 protocol_not_allowed_on_conduit|HTTP on tcp/80 from hmi-1 10.10.2.10 (supervisory) to plc-1
ZW-201 operation_not_allowed|write_multiple_registers (write) unit 1 addresses 20-23 from eng-ws
ZW-404 opcua_security_below_required|engineering-to-control
ZW-301 remote_access_not_approved|(critical, x1): Vendor remote access (SSH) not on an approved path: SSH on tcp/22 from 198.51.100.23 (no zone) to eng-ws
ZW-301 remote_access_not_approved|Telnet on tcp/23 from office-1 10.20.5.50 (enterprise) to plc-1
ZW-101 zone_pair_without_conduit|FTP on tcp/21 from office-1
ZW-101 zone_pair_without_conduit|FTP_DATA on tcp/60003
ZW-101 zone_pair_without_conduit|TLS on tcp/443 from office-1
ZW-403 cleartext_across_conduit|Cleartext ftp
ZW-403 cleartext_across_conduit|Cleartext telnet
ZW-401 tls_version_below_minimum|TLS 1.0
ZW-102 address_in_no_zone|Address 10.99.0.7 is in no zone
ZW-201 operation_not_allowed|OPC UA binary call (control) from eng-ws
ZW-405 opcua_anonymous_write|OPC UA binary write (write) from eng-ws
ZW-406 cleartext_file_transfer|FTP download of 'plc-project.zap16'
ZW-406 cleartext_file_transfer|FTP download of 'bom.xlsx'
EOF
n=$(sed -n '/"reasons": \[/,/\]/p' "$tmp/fail.json" | grep -c '"ZW-')
[ "$n" -eq 17 ] || bad "expected 17 reasons, got $n"
# vendor-1 -> jump-1 is approved: never a reason
sed -n '/"reasons": \[/,/\]/p' "$tmp/fail.json" | grep -q '10.10.4.5' &&
	bad "approved vendor-via-jump session listed as a reason"
has "$tmp/fail.json" 'SAT-UNEXERCISED conduit dmz-to-engineering rule dmz-to-engineering#1'
has "$tmp/fail.json" '"hygiene_findings": 8'
has "$tmp/fail.json" '"ip": "10.99.0.7"'
has "$tmp/fail.json" '"status": "no_conduit"'
has "$tmp/fail.json" '"status": "not_allowed"'
has "$tmp/fail.json" '"client": "10.10.2.10:41890"'
# 3. deterministic; Markdown
# (the same command line: it is in the report)
cp "$tmp/fail.json" "$tmp/fail1.json"
"$ZONEWATCH" sat -q -p "$example" -o "$tmp/fail.json" "$cap"
cmp -s "$tmp/fail.json" "$tmp/fail1.json" || bad "two runs gave different JSON reports"
"$ZONEWATCH" sat -q -f markdown -p "$example" "$cap" > "$tmp/fail.md"
has "$tmp/fail.md" '**Verdict: FAIL**'
has "$tmp/fail.md" '| dmz-to-engineering | dmz | engineering |'

# names from the policy cannot inject markup into the HTML or Markdown
cat > "$tmp/evil.yaml" <<'EOF'
site: "<script>alert(1)</script> & co"
zones:
  "<b>ctl</b>": { networks: [10.10.1.0/24] }
  'sup\erv"x': { networks: [10.10.2.0/24] }
conduits:
  "c<i>1</i>|x":
    from: 'sup\erv"x'
    to: "<b>ctl</b>"
    allow:
      - { name: "r*1_[x](y)", protocol: modbus, port: 502 }
EOF
for f in html markdown; do
	"$ZONEWATCH" sat -q -f $f -p "$tmp/evil.yaml" -o "$tmp/evil.$f" "$cap"
	[ $? -eq 1 ] || bad "sat -f $f with the evil policy: exit status"
	if grep -q '<script>alert\|<b>ctl\|<i>1' "$tmp/evil.$f"; then
		bad "sat -f $f: policy names not escaped"
		grep -n '<script>alert\|<b>ctl\|<i>1' "$tmp/evil.$f" | head -3
	fi
done
has "$tmp/evil.html" '&lt;b&gt;ctl&lt;/b&gt;'
has "$tmp/evil.markdown" 'c&lt;i&gt;1&lt;/i&gt;\|x'

# 4. baseline window: the HMI poll only
for w in 2026-11-23T16:12:00Z/2026-11-23T16:12:15Z 10s 2026-11-23T16:12:00Z/15s; do
	"$ZONEWATCH" sat -q -p "$example" --baseline-window "$w" -o "$tmp/win.json" "$cap"
	rc=$?
	[ $rc -eq 0 ] || bad "sat --baseline-window $w: exit status $rc, expected 0"
	has "$tmp/win.json" '"flows": 1,'
	has "$tmp/win.json" '"flows_outside_window": 13'
done

# 5. learn round trip
"$ZONEWATCH" learn -o "$tmp/draft.yaml" "$cap" || bad "learn: exit status $?"
"$ZONEWATCH" policy check "$tmp/draft.yaml" > "$tmp/check.out" 2>&1 ||
	{ bad "learned policy does not load"; cat "$tmp/check.out"; }
"$ZONEWATCH" sat -q -p "$tmp/draft.yaml" -o "$tmp/draft.json" "$cap"
rc=$?
[ $rc -eq 1 ] || bad "sat with the draft (remote access commented out): exit $rc, expected 1"
n=$(sed -n '/"reasons": \[/,/\]/p' "$tmp/draft.json" | grep -c '"ZW-')
m=$(sed -n '/"reasons": \[/,/\]/p' "$tmp/draft.json" | grep -c '"ZW-301 ')
[ "$n" -eq 3 ] && [ "$m" -eq 3 ] || bad "draft: expected exactly the 3 remote sessions as reasons, got $n ($m)"
"$ZONEWATCH" learn --approve-remote -o "$tmp/draft2.yaml" "$cap" || bad "learn --approve-remote"
"$ZONEWATCH" policy check "$tmp/draft2.yaml" > "$tmp/check.out" 2>&1 ||
	{ bad "learned policy (--approve-remote) does not load"; cat "$tmp/check.out"; }
"$ZONEWATCH" sat -q --require-exercised -p "$tmp/draft2.yaml" -o "$tmp/draft2.json" "$cap"
rc=$?
[ $rc -eq 0 ] || { bad "learn --approve-remote -> sat: exit $rc, expected 0 (PASS)"; grep '"ZW-' "$tmp/draft2.json"; }
# learning with the zones of a policy keeps its zone names
"$ZONEWATCH" learn --approve-remote --zones "$example" -o "$tmp/draft3.yaml" "$cap" || bad "learn --zones"
has "$tmp/draft3.yaml" '"supervisory-to-control":'
has "$tmp/draft3.yaml" '"net-10-99-0":'
"$ZONEWATCH" sat -q -p "$tmp/draft3.yaml" -o /dev/null "$cap" || bad "learn --zones -> sat: not PASS"

# 6. inventory against GROUND-TRUTH.md
"$ZONEWATCH" inventory -p "$example" -o "$tmp/inv.csv" "$cap" || bad "inventory: exit status $?"
has "$tmp/inv.csv" 'ip,mac,vendor,zone,asset,first_seen,last_seen,'
n=$(($(wc -l < "$tmp/inv.csv") - 1))
[ "$n" -eq 9 ] || bad "inventory: $n hosts, expected 9"
while IFS='|' read -r ip mac zone serves; do
	line=$(grep "^$ip," "$tmp/inv.csv")
	[ -n "$line" ] || { bad "inventory: no $ip"; continue; }
	case $line in
	"$ip,$mac,"*) ;;
	*) bad "inventory: $ip has not MAC $mac: $line" ;;
	esac
	case $line in
	*",$zone,"*) ;;
	*) bad "inventory: $ip not in zone '$zone': $line" ;;
	esac
	for s in $serves; do
		case $line in
		*"$s"*) ;;
		*) bad "inventory: $ip does not serve $s: $line" ;;
		esac
	done
done <<'EOF'
10.10.1.5|02:5a:0a:0a:01:05|control|modbus/tcp/502 http/tcp/80 telnet/tcp/23
10.10.1.6|02:5a:0a:0a:01:06|control|modbus/tcp/502 modbus/tcp/5020
10.10.1.20|02:5a:0a:0a:01:14|control|opcua/tcp/4840
10.10.2.10|02:5a:0a:0a:02:0a|supervisory|
10.10.3.10|02:5a:0a:0a:03:0a|engineering|ssh/tcp/22 ftp/tcp/21 tls/tcp/443 ftp_data/tcp/60003
10.10.4.5|02:5a:0a:0a:04:05|dmz|ssh/tcp/22
10.20.5.50|02:5a:0a:14:05:32|enterprise|
198.51.100.23|02:5a:c6:33:64:17||
10.99.0.7|02:5a:0a:63:00:07||
EOF
"$ZONEWATCH" inventory -f json -p "$example" "$cap" > "$tmp/inv.json" || bad "inventory json"
has "$tmp/inv.json" '"mac": "02:5a:0a:0a:01:05"'
has "$tmp/inv.json" '"asset": "opcua-1"'
has "$tmp/inv.json" '"protocol": "opcua"'
"$ZONEWATCH" inventory -f json -p "$example" "$cap" > "$tmp/inv2.json"
cmp -s "$tmp/inv.json" "$tmp/inv2.json" || bad "two inventory runs differ"

# the sensor's periodic inventory (read --inventory-file, as live writes it)
# ends equal to the offline one, and leaves no temporary file
"$ZONEWATCH" read -q --no-events --inventory-file "$tmp/sensor.json" --inventory-interval 5 \
	-p "$example" "$cap" > /dev/null || bad "read --inventory-file: exit status $?"
cmp -s "$tmp/inv.json" "$tmp/sensor.json" || bad "read --inventory-file differs from inventory -f json"
[ ! -e "$tmp/sensor.json.tmp" ] || bad "inventory temporary file left behind"

# identity from the wire: Modbus FC43 device identification (Zeek's test
# capture), and MAC vendors from the IEEE list when ieee-data is installed
fc43="$srcdir/pcaps/modbus/modbus-many-function-codes-fc22-fc23-fc43.pcap"
"$ZONEWATCH" inventory -o "$tmp/fc43.csv" "$fc43" 2>/dev/null || bad "inventory fc43"
grep -q '^127.0.0.1,.*device.vendor_name=Zeek Modbus Test; device.product_code=Protocol Parsing is fun!' \
	"$tmp/fc43.csv" || bad "inventory: Modbus device identification missing"
db="$srcdir/pcaps/modbus/modbus-digitalbond-part1-fc5-fc6-fc8-fc43-exceptions.pcap"
if [ -r /usr/share/ieee-data/oui.txt ]; then
	"$ZONEWATCH" inventory -o "$tmp/db.csv" "$db" || bad "inventory digitalbond"
	has "$tmp/db.csv" '10.0.0.57,00:20:78:00:62:0d,"RUNTOP, INC.",'
else
	echo "SKIP MAC vendor check: /usr/share/ieee-data/oui.txt missing (apt-get install ieee-data)"
fi
"$ZONEWATCH" inventory --oui "$tmp/no-such-oui.txt" "$db" > /dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || bad "inventory --oui missing file: exit $rc, expected 1"

# learn round trip on other captures (IT, remote access, OPC UA, S7, IPv6)
for f in "$fc43" "$srcdir/pcaps/it/it-ftp.pcap" "$srcdir/pcaps/remote/remote-anydesk.pcapng" \
	"$srcdir/pcaps/opcua/opcua-read-service.pcap" "$srcdir/pcaps/s7comm/s7comm-download-block-db1.pcap"; do
	[ -r "$f" ] || continue
	"$ZONEWATCH" learn --approve-remote -o "$tmp/l.yaml" "$f" 2>/dev/null || { bad "learn $f"; continue; }
	"$ZONEWATCH" policy check "$tmp/l.yaml" > /dev/null 2>&1 || { bad "learned policy of $f does not load"; continue; }
	"$ZONEWATCH" sat -q --require-exercised -p "$tmp/l.yaml" -o "$tmp/l.json" "$f" 2>/dev/null ||
		bad "learn -> sat on $f: not PASS"
done

# 7. exit statuses
"$ZONEWATCH" sat "$cap" > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || bad "sat without --policy: exit $rc, expected 2"
"$ZONEWATCH" sat -p "$example" --format pdf "$cap" > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || bad "sat --format pdf: exit $rc, expected 2"
"$ZONEWATCH" sat -p "$example" --baseline-window yesterday "$cap" > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || bad "sat --baseline-window yesterday: exit $rc, expected 2"
"$ZONEWATCH" sat -p "$example" "$tmp/missing.pcap" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] || bad "sat with a missing capture: exit $rc, expected 1"
"$ZONEWATCH" sat -p "$srcdir/tests/fuzz/corpus/policy/bad-05.yaml" "$cap" > "$tmp/out" 2>/dev/null; rc=$?
{ [ $rc -eq 1 ] && [ ! -s "$tmp/out" ]; } || bad "sat with a bad policy: exit $rc, expected 1 and no report"
"$ZONEWATCH" inventory > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || bad "inventory without files: exit $rc, expected 2"
"$ZONEWATCH" learn --bogus "$cap" > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || bad "learn --bogus: exit $rc, expected 2"

echo "sat.sh: $fail failed"
[ $fail -eq 0 ]
