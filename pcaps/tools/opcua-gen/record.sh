#!/bin/sh
# record.sh - record the node-opcua loopback captures (run as root, from this
# directory, after `npm ci`): tcpdump on lo, TCP port 48484 on 127.0.0.1 only.
#   ./record.sh none   -> ../../opcua/opcua-node-opcua-none.pcap
#   ./record.sh secure -> ../../opcua/opcua-node-opcua-basic256sha256-encrypt.pcap
# The client's operations go to <capture>.ops.txt beside this script's output.
set -eu
mode=${1:?none or secure}
case $mode in
none) out=../../opcua/opcua-node-opcua-none.pcap ;;
secure) out=../../opcua/opcua-node-opcua-basic256sha256-encrypt.pcap ;;
*) echo "record.sh: none or secure" >&2; exit 2 ;;
esac
tcpdump -i lo -U -s 0 -w "$out" 'host 127.0.0.1 and tcp port 48484' 2>/dev/null &
pid=$!
sleep 1
node gen.js "$mode" 2>/dev/null | grep '^op ' > "$mode.ops.txt"
sleep 1
kill "$pid"
wait "$pid" 2>/dev/null || true
cat "$mode.ops.txt"
sha256sum "$out"
