#!/bin/sh
# gen-opcua-groundtruth.sh - maintainer script (needs tshark, not run by make
# check): count the OPC UA messages of every capture in pcaps/opcua/ with
# tshark and write pcaps/opcua/tshark-counts.tsv, which
# tests/regress/opcua-accounting.sh compares with zonewatch's counters.
#
# tshark's own frame counts (the ua_* columns of the shared MANIFEST.tsv)
# count a frame once however many messages it carries; here every message is
# counted: a frame with three MSG chunks counts 3. Corrections for messages
# tshark does not see are listed below with their reason and applied last.
#   ./tests/regress/gen-opcua-groundtruth.sh   (from the source tree)
set -eu
out=pcaps/opcua/tshark-counts.tsv
TSHARK=${TSHARK:-tshark}
# file column value reason (value replaces tshark's count)
corrections='opcua-subscription-publish-with-gap.pcap msg 168 tshark 4.0 does not reassemble the 13.7 KB CreateSessionResponse whose segments it marks as spurious retransmissions; its MSG header is on the wire (83 server MSG headers in the TCP payload, tshark shows 82)'
{
	echo "# OPC UA messages per capture, counted with $($TSHARK --version | head -1)"
	echo "# by tests/regress/gen-opcua-groundtruth.sh; every message counted, not every frame."
	printf '%s\n' "$corrections" | while read -r f c v why; do
		echo "# correction: $f $c = $v: $why"
	done
	printf 'capture\thel\tack\topn\tmsg\tclo\terr\topn_policy_none\topn_policy_secured'
	printf '\tget_endpoints\tcreate_session\tactivate_session\tbrowse\tbrowse_next\tread'
	printf '\twrite\tcall\tcreate_monitored_items\tcreate_subscription\tpublish\tservice_fault\n'
	for cap in $(find pcaps/opcua -name '*.pcap' | LC_ALL=C sort); do
		f=$(basename "$cap")
		opts=
		case $f in
		*port-12001*) opts="-d tcp.port==12001,opcua" ;;
		*node-opcua*) opts="-d tcp.port==48484,opcua" ;;
		esac
		# shellcheck disable=SC2086
		$TSHARK -r "$cap" $opts -Y opcua -T fields -E separator=/t \
			-e opcua.transport.type -e opcua.security.spu -e opcua.servicenodeid.numeric \
			2>/dev/null | awk -F'\t' -v f="$f" -v corr="$corrections" '
		BEGIN {
			split("HEL ACK OPN MSG CLO ERR", tn, " ")
			split("428 461 467 527 533 631 673 712 751 787 826 397", sn, " ")
		}
		{
			n = split($1, t, ","); for (i = 1; i <= n; i++) ty[t[i]]++
			n = split($2, p, ","); for (i = 1; i <= n; i++) if (p[i] != "") { if (p[i] ~ /#None$/) pn++; else ps++ }
			n = split($3, s, ","); for (i = 1; i <= n; i++) sv[s[i]]++
		}
		END {
			split("hel ack opn msg clo err", cn, " ")
			for (i = 1; i <= 6; i++) v[cn[i]] = ty[tn[i]] + 0
			n = split(corr, lines, "\n")
			for (i = 1; i <= n; i++) { split(lines[i], w, " "); if (w[1] == f) v[w[2]] = w[3] }
			printf "%s", f
			for (i = 1; i <= 6; i++) printf "\t%d", v[cn[i]]
			printf "\t%d\t%d", pn, ps
			for (i = 1; i <= 12; i++) printf "\t%d", sv[sn[i]]
			printf "\n"
		}'
	done
} > "$out"
echo "wrote $out"
