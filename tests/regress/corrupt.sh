#!/bin/sh
# corrupt.sh - damaged captures are processed to the end without a crash and
# the damage is counted in the statistics record (event.kind = metric).
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
fail=0
# capture<TAB>text that must appear in the metric record
check() {
	cap=$1 want=$2
	out=$("$ZONEWATCH" read -q --no-progress --no-events --metrics --json - "$srcdir/pcaps/corrupt/$cap" 2>/dev/null)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL $cap: exit status $rc"
		fail=$((fail + 1))
		return
	fi
	metric=$(printf '%s\n' "$out" | grep '"kind":"metric"')
	case $metric in
	*"$want"*) echo "ok   $cap: $want" ;;
	*) echo "FAIL $cap: metric record lacks $want"; fail=$((fail + 1)) ;;
	esac
}
# Record header cut short after the first packet: a read error, one packet.
check corrupt-fuzz-unreadable-record.pcap '"read_errors":1'
check corrupt-fuzz-unreadable-record.pcap '"packets":1,'
# Its only record claims a TCP header longer than the packet.
check corrupt-fuzz-unreadable-record.pcap '"tcp_bad_header":1'
# PPP frame whose protocol field is not IP.
check corrupt-truncated-ppp.pcap '"ppp_unsupported_protocol":1'
# A RST whose data was cut by the snaplen.
check corrupt-tcp-rst-data-truncated.pcap '"snaplen_truncated":1'
check corrupt-quic-handshake-truncated.pcap '"snaplen_truncated":4'
# ICMP with a broken body: counted as other IP traffic.
check corrupt-malformed-icmp.pcap '"icmp":1'
# A 65535-byte frame is decoded, not rejected.
check corrupt-telnet-65535-byte-frame.pcap '"tcp":1,'
check corrupt-malformed-dns.pcap '"udp":6,'
echo "corrupt captures: $fail failed"
[ $fail -eq 0 ]
