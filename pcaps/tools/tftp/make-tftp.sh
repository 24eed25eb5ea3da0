#!/bin/sh
# make-tftp.sh [OUT.pcap] - records TFTP transfers of design data between
# two network namespaces this script creates and deletes (never touches other
# interfaces): Debian's tftpd-hpa (in.tftpd) on eng-ws 10.10.3.10 serves
# firmware.bin and plc-project.zap16; Debian's tftp-hpa client on office-1
# 10.20.5.50 gets both and puts board.gbr. Needs root, tftpd-hpa, tftp-hpa,
# tcpdump. Used for pcaps/remote/tftp-design-data.pcap.
set -eu
out=${1:-pcaps/remote/tftp-design-data.pcap}
pre=zwtftp
tmp=$(mktemp -d)
cleanup() {
	for p in $(cat "$tmp/pids" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
	ip netns del ${pre}-a 2>/dev/null || true
	ip netns del ${pre}-b 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
ip netns del ${pre}-a 2>/dev/null || true
ip netns del ${pre}-b 2>/dev/null || true
ip netns add ${pre}-a
ip netns add ${pre}-b
ip link add ${pre}a type veth peer name ${pre}b
ip link set ${pre}a netns ${pre}-a
ip link set ${pre}b netns ${pre}-b
ip -n ${pre}-a link set ${pre}a address 02:5a:0a:14:05:32 name eth0
ip -n ${pre}-b link set ${pre}b address 02:5a:0a:0a:03:0a name eth0
ip -n ${pre}-a addr add 10.20.5.50/8 dev eth0
ip -n ${pre}-b addr add 10.10.3.10/8 dev eth0
for n in a b; do
	ip -n ${pre}-$n link set lo up
	ip -n ${pre}-$n link set eth0 up
done
mkdir -p "$tmp/srv" "$tmp/cli"
head -c 3000 /dev/urandom > "$tmp/srv/firmware.bin"
head -c 1500 /dev/urandom > "$tmp/srv/plc-project.zap16"
head -c 800 /dev/urandom > "$tmp/cli/board.gbr"
chmod 777 "$tmp/srv"
chmod 666 "$tmp/srv"/*
ip netns exec ${pre}-b /usr/sbin/in.tftpd --foreground --listen --address 10.10.3.10:69 \
	--secure --create --user root "$tmp/srv" &
echo $! >> "$tmp/pids"
sleep 1
ip netns exec ${pre}-a tcpdump -i eth0 -s 0 -U -w "$tmp/tftp.pcap" udp >/dev/null 2>&1 &
td=$!
echo $td >> "$tmp/pids"
sleep 1
cd "$tmp/cli"
ip netns exec ${pre}-a tftp 10.10.3.10 -m binary -c get firmware.bin
ip netns exec ${pre}-a tftp 10.10.3.10 -m binary -c get plc-project.zap16
ip netns exec ${pre}-a tftp 10.10.3.10 -m binary -c put board.gbr
cd - >/dev/null
sleep 1
kill -INT $td
wait $td 2>/dev/null || true
cmp "$tmp/cli/firmware.bin" "$tmp/srv/firmware.bin"
cmp "$tmp/cli/board.gbr" "$tmp/srv/board.gbr"
mkdir -p "$(dirname "$out")"
cp "$tmp/tftp.pcap" "$out"
echo "recorded $out: get firmware.bin, get plc-project.zap16, put board.gbr"
