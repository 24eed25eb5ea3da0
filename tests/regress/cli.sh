#!/bin/sh
# cli.sh - command line behaviour: help, version, usage errors, exit codes,
# several files in one run, standard input, deterministic output.
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expect() { # expect STATUS DESCRIPTION -- command...
	want=$1 what=$2
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL $what: exit $got, expected $want"
		sed 's/^/    /' "$tmp/err" | head -5
		fail=$((fail + 1))
	else
		echo "ok   $what"
	fi
}
grep_out() { # grep_out FILE PATTERN DESCRIPTION
	if grep -q -- "$2" "$1"; then echo "ok   $3"; else echo "FAIL $3"; fail=$((fail + 1)); fi
}
mb="$srcdir/pcaps/modbus/modbus-fc43-read-device-id-exception.pcap"
tls="$srcdir/pcaps/it/it-tls12-dhe.pcap"

expect 0 "--help" -- "$ZONEWATCH" --help
grep_out "$tmp/out" "read FILE" "--help lists the read command"
expect 0 "--version" -- "$ZONEWATCH" --version
grep_out "$tmp/out" "nDPI" "--version names the libraries"
expect 0 "read --help" -- "$ZONEWATCH" read --help
grep_out "$tmp/out" "--max-flows" "read --help lists options"
expect 0 "live --help" -- "$ZONEWATCH" live --help
grep_out "$tmp/out" "--interface" "live --help lists the interface option"
expect 2 "no command" -- "$ZONEWATCH"
expect 2 "unknown command" -- "$ZONEWATCH" frobnicate
grep_out "$tmp/err" "unknown command" "unknown command is named"
expect 2 "read without files" -- "$ZONEWATCH" read
expect 2 "live without interface" -- "$ZONEWATCH" live
expect 2 "bad --max-flows" -- "$ZONEWATCH" read --max-flows 0 "$mb"
grep_out "$tmp/err" "max-flows" "bad option value is named"
expect 2 "unknown option" -- "$ZONEWATCH" read --no-such-option "$mb"
expect 1 "missing file" -- "$ZONEWATCH" read -q "$tmp/does-not-exist.pcap"
grep_out "$tmp/err" "does-not-exist.pcap" "missing file is named"
printf 'this is not a capture\n' > "$tmp/garbage.pcap"
expect 1 "garbage file" -- "$ZONEWATCH" read -q "$tmp/garbage.pcap"
grep_out "$tmp/err" "not a pcap" "garbage file is explained"
expect 1 "bad BPF filter" -- "$ZONEWATCH" read -q -f "tcp port" "$mb"
grep_out "$tmp/err" "BPF filter" "bad filter is explained"
expect 1 "unwritable JSON output" -- "$ZONEWATCH" read -q --json "$tmp/no/such/dir/x.json" "$mb"

# Several files in one run, in order: the Modbus capture holds 2 flows, the
# TLS one 1.
expect 0 "two files" -- "$ZONEWATCH" read -q --flows --json "$tmp/two.json" "$mb" "$tls"
n=$(grep -c '"action":"flow"' "$tmp/two.json")
[ "$n" -eq 3 ] && echo "ok   two files give 3 flows" || { echo "FAIL two files give $n flows"; fail=$((fail + 1)); }
first=$(grep -m1 -o '"@timestamp":"[^"]*"' "$tmp/two.json")
case $first in *2016*|*2017*|*2018*|*2019*|*2020*|*2021*|*2022*|*2023*|*201*) echo "ok   timestamps come from the capture" ;;
*) echo "FAIL first timestamp $first"; fail=$((fail + 1)) ;; esac

# Standard input.
"$ZONEWATCH" read -q --flows --json "$tmp/stdin.json" - < "$mb"
"$ZONEWATCH" read -q --flows --json "$tmp/file.json" "$mb"
if cmp -s "$tmp/stdin.json" "$tmp/file.json"; then echo "ok   stdin equals file"; else echo "FAIL stdin differs"; fail=$((fail + 1)); fi

# BPF filter: only the Modbus flow.
"$ZONEWATCH" read -q --flows --no-events -f "tcp port 502" --json "$tmp/f.json" "$mb" "$tls"
n=$(grep -c '"action":"flow"' "$tmp/f.json")
[ "$n" -eq 2 ] && echo "ok   BPF filter" || { echo "FAIL BPF filter kept $n flows"; fail=$((fail + 1)); }

# Deterministic output: same bytes on a second run.
"$ZONEWATCH" read -q --flows --metrics --json "$tmp/a.json" "$srcdir/pcaps/modbus/modbus-digitalbond-part2-many-fcs-exceptions-malformed.pcap"
"$ZONEWATCH" read -q --flows --metrics --json "$tmp/b.json" "$srcdir/pcaps/modbus/modbus-digitalbond-part2-many-fcs-exceptions-malformed.pcap"
if cmp -s "$tmp/a.json" "$tmp/b.json"; then echo "ok   deterministic"; else echo "FAIL output differs between runs"; fail=$((fail + 1)); fi

# Statistics on stderr by default, including per-function Modbus counters.
"$ZONEWATCH" read --no-progress --json /dev/null "$mb" 2> "$tmp/stats"
grep_out "$tmp/stats" "requests.fc43_encapsulated_interface_transport" "statistics count Modbus functions"

# The man page exists and names the commands.
if [ -f "$srcdir/doc/zonewatch.8" ] && grep -q "zonewatch read" "$srcdir/doc/zonewatch.8"; then
	echo "ok   man page"
else
	echo "FAIL man page"; fail=$((fail + 1))
fi
echo "cli: $fail failed"
[ $fail -eq 0 ]
