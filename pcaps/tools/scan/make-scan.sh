#!/bin/sh
# make-scan.sh [OUT.pcap] - records a TCP connect port scan and a Modbus
# server on the control network, in two network namespaces this script
# creates and deletes (never touches other interfaces): the "laptop"
# 10.99.0.7 runs `nmap -sT` over ports 1-120 and 502 of plc-1 10.10.1.5, where a
# pymodbus server listens on 502 (so 120 ports answer with a reset and one
# accepts). Needs root, nmap, python3-pymodbus,
# tcpdump. Used for pcaps/scan/scan-nmap-connect.pcap.
set -eu
out=${1:-pcaps/scan/scan-nmap-connect.pcap}
pre=zwscan
cleanup() {
	for p in $(cat "$tmp/pids" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
	ip netns del ${pre}-a 2>/dev/null || true
	ip netns del ${pre}-b 2>/dev/null || true
	rm -rf "$tmp"
}
tmp=$(mktemp -d)
trap cleanup EXIT INT TERM
ip netns del ${pre}-a 2>/dev/null || true
ip netns del ${pre}-b 2>/dev/null || true
ip netns add ${pre}-a
ip netns add ${pre}-b
ip link add ${pre}a type veth peer name ${pre}b
ip link set ${pre}a netns ${pre}-a
ip link set ${pre}b netns ${pre}-b
ip -n ${pre}-a link set ${pre}a address 02:5a:0a:63:00:07 name eth0
ip -n ${pre}-b link set ${pre}b address 02:5a:0a:0a:01:05 name eth0
ip -n ${pre}-a addr add 10.99.0.7/8 dev eth0
ip -n ${pre}-b addr add 10.10.1.5/8 dev eth0
for n in a b; do
	ip -n ${pre}-$n link set lo up
	ip -n ${pre}-$n link set eth0 up
done
ip netns exec ${pre}-b /usr/bin/python3 -c '
from pymodbus.server import StartTcpServer
from pymodbus.datastore import ModbusSlaveContext, ModbusServerContext
StartTcpServer(context=ModbusServerContext(slaves=ModbusSlaveContext(), single=True), address=("10.10.1.5", 502))
' >"$tmp/modbus.log" 2>&1 &
echo $! >> "$tmp/pids"
sleep 2
ip netns exec ${pre}-a tcpdump -i eth0 -s 0 -U -w "$tmp/scan.pcap" tcp >/dev/null 2>&1 &
td=$!
echo $td >> "$tmp/pids"
sleep 1
ip netns exec ${pre}-a nmap -n -Pn -sT -p 1-120,502 --max-retries 0 -T4 10.10.1.5 > "$tmp/nmap.txt"
sleep 1
kill -INT $td
wait $td 2>/dev/null || true
mkdir -p "$(dirname "$out")"
cp "$tmp/scan.pcap" "$out"
cat "$tmp/nmap.txt"
