#!/bin/sh
# syslog.sh - alerts to a real syslog collector (rsyslogd, run as our own
# process on 127.0.0.1 with a private work directory and free high ports)
# over UDP (RFC 5426), TCP with octet counting (RFC 6587) and TLS (RFC 5425,
# server certificate made here and checked against its CA and host name).
# What rsyslog received (template %rawmsg%) is parsed back by
# syslog_check.py: valid RFC 5424 header and structured data, SD-PARAMs equal
# to the JSON fields, MSG equal to the JSON line, CEF fields unescaped back
# to the original strings; same count, same order over TCP and TLS.
#
# The same through zonewatch itself: the alerts of a replayed capture
# (policy evaluator) to TCP and TLS, equal to its JSON alert records.
#
# Fault tests: the collector is stopped in the middle of a stream and
# started again (every alert arrives once, in order); the collector never
# comes back (spool cap kept, the oldest low-severity records dropped first,
# the drop count right, the rest delivered by the next run); the collector
# comes back during the run (a ZW-900 record announces the drops first).
#
# Skipped (exit 77) without rsyslogd with its gtls driver, openssl or python3.
set -u
: "${ALERTGEN:?ALERTGEN must name the alertgen helper}"
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
check="$srcdir/tests/regress/syslog_check.py"

skip() { echo "SKIP: $*"; exit 77; }
RSYSLOGD=$(command -v rsyslogd || ls /usr/sbin/rsyslogd 2>/dev/null || true)
[ -n "$RSYSLOGD" ] || skip "rsyslogd not installed (apt-get install rsyslog rsyslog-gnutls)"
command -v openssl > /dev/null || skip "openssl not installed"
command -v python3 > /dev/null || skip "python3 not installed"
modir=$(dirname "$(find /usr/lib -name lmnsd_gtls.so 2>/dev/null | head -1)")
[ -n "$modir" ] && [ -f "$modir/lmnsd_gtls.so" ] || skip "rsyslog TLS driver missing (apt-get install rsyslog-gnutls)"

tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2> /dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# Test CA and a server certificate for the name localhost only.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days 2 \
	-subj "/CN=zonewatch test CA" > /dev/null 2>&1 &&
openssl req -newkey rsa:2048 -nodes -keyout "$tmp/srv.key" -out "$tmp/srv.csr" \
	-subj "/CN=localhost" > /dev/null 2>&1 &&
printf 'subjectAltName=DNS:localhost\n' > "$tmp/ext.cnf" &&
openssl x509 -req -in "$tmp/srv.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
	-out "$tmp/srv.pem" -days 2 -extfile "$tmp/ext.cnf" > /dev/null 2>&1 &&
openssl req -newkey rsa:2048 -nodes -keyout "$tmp/cli.key" -out "$tmp/cli.csr" \
	-subj "/CN=zonewatch-sensor" > /dev/null 2>&1 &&
printf 'subjectAltName=DNS:zonewatch-sensor\nextendedKeyUsage=clientAuth\n' > "$tmp/cext.cnf" &&
openssl x509 -req -in "$tmp/cli.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
	-out "$tmp/cli.pem" -days 2 -extfile "$tmp/cext.cnf" > /dev/null 2>&1 ||
	skip "openssl could not make the test certificates"

# Free ports, chosen now below the kernel's ephemeral range (so that no
# outgoing connection takes one before rsyslogd binds it), at random (so
# that two runs at once rarely collide), free for TCP and UDP.
set -- $(python3 -c '
import random, socket
lo = 20000
try:
    hi = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except OSError:
    hi = 32768
hi = max(hi, lo + 2000)
ports = []
while len(ports) < 12:
    p = random.randrange(lo, hi)
    if p in ports:
        continue
    try:
        for t in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, t)
            s.bind(("127.0.0.1", p))
            s.close()
    except OSError:
        continue
    ports.append(p)
print(" ".join(map(str, ports)))')
P_UDP=$1 P_TCP=$2 P_TLS=$3 P_CEF=$4 P_TXT=$5 P_FTCP=$6 P_FTLS=$7 P_DOWN=$8 P_BACK=$9
shift 9
P_MTLS=$1 P_PTCP=$2 P_PTLS=$3

# conf NAME then "kind port file" triples: writes $tmp/NAME.conf
conf() {
	name=$1
	shift
	mkdir -p "$tmp/$name.work"
	{
		echo "global(workDirectory=\"$tmp/$name.work\" maxMessageSize=\"64k\""
		echo "  defaultNetstreamDriverCAFile=\"$tmp/ca.pem\""
		echo "  defaultNetstreamDriverCertFile=\"$tmp/srv.pem\""
		echo "  defaultNetstreamDriverKeyFile=\"$tmp/srv.key\")"
		echo 'module(load="imudp")'
		echo 'module(load="imtcp" maxSessions="20")'
		echo 'template(name="raw" type="string" string="%rawmsg%\n")'
		while [ $# -ge 3 ]; do
			case $1 in
			udp) echo "input(type=\"imudp\" address=\"127.0.0.1\" port=\"$2\" ruleset=\"r$2\")" ;;
			tcp) echo "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"$2\" ruleset=\"r$2\")" ;;
			tls) echo "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"$2\" ruleset=\"r$2\" streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\")" ;;
			# mutual TLS: rsyslogd wants a client certificate for this name
			mtls) echo "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"$2\" ruleset=\"r$2\" streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"x509/name\" permittedPeer=[\"zonewatch-sensor\"])" ;;
			esac
			echo "ruleset(name=\"r$2\") { action(type=\"omfile\" file=\"$tmp/$3\" template=\"raw\") }"
			shift 3
		done
	} > "$tmp/$name.conf"
}
# start NAME: runs rsyslogd on $tmp/NAME.conf, waits for its TCP port(s)
start() {
	"$RSYSLOGD" -n -f "$tmp/$1.conf" -i "$tmp/$1.pid" > "$tmp/$1.out" 2>&1 &
	eval "pid_$1=$!"
	pids="$pids $!"
	shift
	for port in "$@"; do
		python3 -c '
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)' "$port" || { echo "FAIL: rsyslogd did not listen on $port:"; cat "$tmp"/*.out; exit 1; }
	done
}
stop() {
	eval "p=\$pid_$1"
	kill -TERM "$p" 2> /dev/null
	wait "$p" 2> /dev/null
}
# wait_lines FILE N: until FILE has N lines (rsyslog writes asynchronously)
wait_lines() {
	i=0
	while [ $i -lt 100 ]; do
		[ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
checkf() { # checkf FORMAT ORDER RECEIVED JSONL DESCRIPTION
	if python3 "$check" "$1" "$2" "$3" "$4" > "$tmp/check.out" 2>&1; then
		ok "$5: $(tail -1 "$tmp/check.out")"
	else
		bad "$5"
		sed 's/^/    /' "$tmp/check.out" | head -25
	fi
}

# ---- 1. the three transports and three formats ----
conf main udp "$P_UDP" udp.log tcp "$P_TCP" tcp.log tls "$P_TLS" tls.log \
	tcp "$P_CEF" cef.log tcp "$P_TXT" txt.log mtls "$P_MTLS" mtls.log \
	tcp "$P_PTCP" ptcp.log tls "$P_PTLS" ptls.log
start main "$P_TCP" "$P_TLS" "$P_MTLS" "$P_PTCP" "$P_PTLS"
N=200
"$ALERTGEN" -n $N --json "$tmp/a.jsonl" --syslog "tcp://127.0.0.1:$P_TCP" --syslog "tls://localhost:$P_TLS" --ca "$tmp/ca.pem" \
	2> "$tmp/gen1.err" || bad "alertgen (json) failed: $(cat "$tmp/gen1.err")"
python3 -c '
import json, sys
for n, l in enumerate(open(sys.argv[1], "rb")):
    json.loads(l.decode("utf-8"))
' "$tmp/a.jsonl" && ok "JSON lines are valid UTF-8 JSON despite hostile bytes" || bad "JSON lines invalid"
wait_lines "$tmp/tcp.log" $N; wait_lines "$tmp/tls.log" $N
# UDP has no flow control: a burst can overflow the collector's socket
# buffer, so send at a pace and accept losses (each record that arrives
# must be one of ours, once, and correct).
"$ALERTGEN" -n 100 --interval-us 500 --json "$tmp/u.jsonl" --syslog "udp://127.0.0.1:$P_UDP" \
	2> "$tmp/genu.err" || bad "alertgen (udp) failed: $(cat "$tmp/genu.err")"
wait_lines "$tmp/udp.log" 100
checkf rfc5424-json subset "$tmp/udp.log" "$tmp/u.jsonl" "UDP rfc5424-json"
checkf rfc5424-json ordered "$tmp/tcp.log" "$tmp/a.jsonl" "TCP rfc5424-json"
checkf rfc5424-json ordered "$tmp/tls.log" "$tmp/a.jsonl" "TLS rfc5424-json"

"$ALERTGEN" -n 50 --format cef --json "$tmp/c.jsonl" --syslog "tcp://127.0.0.1:$P_CEF" 2> "$tmp/gen2.err"
wait_lines "$tmp/cef.log" 50
checkf cef ordered "$tmp/cef.log" "$tmp/c.jsonl" "TCP cef"
"$ALERTGEN" -n 50 --format rfc5424-text --json "$tmp/t.jsonl" --syslog "tcp://127.0.0.1:$P_TXT" 2> "$tmp/gen3.err"
wait_lines "$tmp/txt.log" 50
checkf rfc5424-text ordered "$tmp/txt.log" "$tmp/t.jsonl" "TCP rfc5424-text"

# TLS name check: the certificate names localhost, not 127.0.0.1;
# connecting by the address must fail, and nothing may be delivered.
"$ALERTGEN" -n 3 --syslog "tls://127.0.0.1:$P_TLS" --ca "$tmp/ca.pem" --drain-timeout 300 \
	2> "$tmp/gen4.err"
if grep -q "certificate not accepted" "$tmp/gen4.err" && grep -q " 0 sent" "$tmp/gen4.err"; then
	ok "TLS refuses a server whose certificate does not name the destination"
else
	bad "TLS host name check: $(cat "$tmp/gen4.err")"
fi
"$ALERTGEN" -n 3 --syslog "tls://localhost:$P_TLS" --drain-timeout 300 2> "$tmp/gen5.err"
grep -q "certificate not accepted\|certificate verify failed" "$tmp/gen5.err" &&
	ok "TLS refuses a server certificate from an unknown CA" ||
	bad "TLS CA check: $(cat "$tmp/gen5.err")"

# Alerts from a capture: the evaluator's alerts through zonewatch itself
# (the plant capture with the example policy), to TCP and TLS at once; what
# arrives equals the alert records of the JSON output.
"$ZONEWATCH" read -q --alerts-only --observer "sensor-1" \
	--policy "$srcdir/examples/plant-policy.yaml" --json "$tmp/p.jsonl" \
	--syslog "tcp://127.0.0.1:$P_PTCP" --syslog "tls://localhost:$P_PTLS" --syslog-ca "$tmp/ca.pem" \
	"$srcdir/pcaps/plant/zw-plant.pcap" 2> "$tmp/zw.err" || bad "zonewatch read with --syslog: $(cat "$tmp/zw.err")"
np=$(wc -l < "$tmp/p.jsonl")
if [ "$np" -gt 0 ]; then
	wait_lines "$tmp/ptcp.log" "$np"; wait_lines "$tmp/ptls.log" "$np"
	checkf rfc5424-json ordered "$tmp/ptcp.log" "$tmp/p.jsonl" "zonewatch read --policy: alerts over TCP"
	checkf rfc5424-json ordered "$tmp/ptls.log" "$tmp/p.jsonl" "zonewatch read --policy: alerts over TLS"
else
	bad "the plant capture gave no alerts"
fi

# Client certificate: rsyslogd (x509/name) accepts us only with it.
"$ALERTGEN" -n 20 --json "$tmp/m.jsonl" --syslog "tls://localhost:$P_MTLS" --ca "$tmp/ca.pem" \
	--cert "$tmp/cli.pem" --key "$tmp/cli.key" 2> "$tmp/gen6.err"
wait_lines "$tmp/mtls.log" 20
checkf rfc5424-json ordered "$tmp/mtls.log" "$tmp/m.jsonl" "TLS with a client certificate"
"$ALERTGEN" -n 2 --json "$tmp/m2.jsonl" --syslog "tls://localhost:$P_MTLS" --ca "$tmp/ca.pem" \
	--drain-timeout 500 2> "$tmp/gen7.err"
sleep 0.3
if [ "$(wc -l < "$tmp/mtls.log")" -eq 20 ] && grep -q " 0 sent, .* 2 lost at exit" "$tmp/gen7.err"; then
	ok "without the client certificate nothing is accepted, and the loss is reported"
else
	bad "without a client certificate: $(cat "$tmp/gen7.err")"
fi
stop main

# ---- 2. collector stopped mid-stream and started again ----
conf fault tcp "$P_FTCP" ftcp.log tls "$P_FTLS" ftls.log
start fault "$P_FTCP" "$P_FTLS"
N=400
"$ALERTGEN" -n $N --interval-us 4000 --json "$tmp/f.jsonl" --syslog "tcp://127.0.0.1:$P_FTCP" \
	--syslog "tls://localhost:$P_FTLS" --ca "$tmp/ca.pem" --spool-dir "$tmp/spool-f" \
	--drain-timeout 20000 2> "$tmp/genf.err" &
gen=$!
pids="$pids $gen"
sleep 0.6
# The sender is frozen for a moment so that rsyslogd reads what its TCP has
# already acknowledged: syslog over TCP/TLS has no application-level
# acknowledgement, so bytes a collector acknowledged but had not read when
# it died are lost on its side and no sender can know (RELP exists for
# that). What this test proves is zonewatch's part: nothing it had not seen
# acknowledged is lost, nothing is sent twice, the order is kept across the
# outage and the spool.
kill -STOP $gen
sleep 0.3
stop fault
kill -CONT $gen
sleep 0.8
start fault "$P_FTCP" "$P_FTLS"
wait $gen
wait_lines "$tmp/ftcp.log" $N; wait_lines "$tmp/ftls.log" $N
grep -q "reconnects 1\|1 reconnects" "$tmp/genf.err" && ok "the sinks reconnected" ||
	bad "no reconnect seen: $(cat "$tmp/genf.err")"
checkf rfc5424-json ordered "$tmp/ftcp.log" "$tmp/f.jsonl" "TCP collector restart: exactly once, in order"
checkf rfc5424-json ordered "$tmp/ftls.log" "$tmp/f.jsonl" "TLS collector restart: exactly once, in order"
stop fault

# ---- 3. collector never comes back: spool cap and drop order ----
# 60 alerts of about 1.8 KB: 40 info, then 20 high; 40 KiB of spool.
"$ALERTGEN" -n 60 --low-first 40 --json "$tmp/s.jsonl" --syslog "tcp://127.0.0.1:$P_DOWN" \
	--spool-dir "$tmp/spool" --spool-max-kib 40 --drain-timeout 500 2> "$tmp/gens.err"
sdir=$(ls -d "$tmp"/spool/tcp_* 2> /dev/null | head -1)
if [ -z "$sdir" ]; then
	bad "no spool directory: $(cat "$tmp/gens.err")"
else
	python3 - "$sdir" "$tmp/gens.err" > "$tmp/spool.out" 2>&1 << 'EOF'
import os, re, sys
d = sys.argv[1]
files = sorted(f for f in os.listdir(d) if f.endswith('.zws'))
size = sum(os.path.getsize(os.path.join(d, f)) for f in files)
seqs = [int(f.split('-')[0]) for f in files]
sevs = [int(f.split('-')[1].split('.')[0]) for f in files]
err = open(sys.argv[2]).read()
m = re.search(r'(\d+) dropped, (\d+) left in the spool', err)
dropped, left = int(m.group(1)), int(m.group(2))
problems = []
if size > 40 * 1024: problems.append('spool holds %d bytes > 40 KiB' % size)
if dropped + len(files) != 60: problems.append('dropped %d + spooled %d != 60' % (dropped, len(files)))
if left != len(files): problems.append('reported %d left, %d files' % (left, len(files)))
if sorted(s for s, v in zip(seqs, sevs) if v == 3) != list(range(40, 60)): problems.append('high-severity records were dropped')
kept_info = [s for s, v in zip(seqs, sevs) if v == 0]
if kept_info != list(range(40 - len(kept_info), 40)): problems.append('kept info records are not the newest: %r' % kept_info)
print('spool: %d files, %d bytes, %d dropped (all info, oldest first)' % (len(files), size, dropped))
for p in problems: print(p)
sys.exit(1 if problems else 0)
EOF
	if [ $? -eq 0 ]; then ok "$(cat "$tmp/spool.out")"; else bad "spool cap/drop order"; cat "$tmp/spool.out"; fi

	# The next run delivers what was left, in order.
	ls "$sdir" | sed 's/-.*//' | awk '{ print $1 + 1 }' > "$tmp/kept.idx"
	awk 'NR == FNR { k[$1] = 1; next } (FNR in k)' "$tmp/kept.idx" "$tmp/s.jsonl" > "$tmp/kept.jsonl"
	conf back tcp "$P_DOWN" back.log
	start back "$P_DOWN"
	"$ALERTGEN" -n 0 --syslog "tcp://127.0.0.1:$P_DOWN" --spool-dir "$tmp/spool" \
		--drain-timeout 10000 2> "$tmp/genb.err"
	wait_lines "$tmp/back.log" "$(wc -l < "$tmp/kept.jsonl")"
	checkf rfc5424-json ordered "$tmp/back.log" "$tmp/kept.jsonl" "spool left by a run delivered by the next"
	[ -z "$(ls "$sdir")" ] && ok "spool empty after delivery" || bad "spool not empty: $(ls "$sdir" | head -3)"
	stop back
fi

# ---- 4. collector comes back during the run: drops announced first ----
rm -rf "$tmp/spool2"
conf back2 tcp "$P_BACK" back2.log
"$ALERTGEN" -n 60 --low-first 40 --json "$tmp/d.jsonl" --syslog "tcp://127.0.0.1:$P_BACK" \
	--spool-dir "$tmp/spool2" --spool-max-kib 40 --drain-timeout 15000 2> "$tmp/gend.err" &
gen=$!
pids="$pids $gen"
sleep 1
start back2 "$P_BACK"
wait $gen
dropped=$(sed -n 's/.* \([0-9]*\) dropped, .*/\1/p' "$tmp/gend.err")
wait_lines "$tmp/back2.log" $((60 - dropped + 1))
first=$(head -1 "$tmp/back2.log")
case $first in
*" ZW-900 "*"count=\"$dropped\""*) ok "first record after the outage announces $dropped drops" ;;
*) bad "no drop notice first: ${first%%{*}" ;;
esac
n=$(grep -vc ' ZW-900 ' "$tmp/back2.log")
[ "$n" -eq $((60 - dropped)) ] && ok "$n alerts delivered after the outage, $dropped dropped" ||
	bad "$n alerts delivered, expected $((60 - dropped))"
stop back2

exit $((fail > 0))
