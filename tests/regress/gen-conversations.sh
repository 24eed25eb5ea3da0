#!/bin/sh
# gen-conversations.sh - maintainer script: regenerate pcaps/conversations.tsv,
# the tshark ground truth for flow counts, from the captures in pcaps/.
#
#   tests/regress/gen-conversations.sh [PCAPS_DIR] > pcaps/conversations.tsv
#
# Columns: capture path (relative to pcaps/), TCP and UDP conversation counts
# from `tshark -q -z conv,tcp` / `conv,udp` (Debian 12 tshark 4.0, default
# preferences), then the counts zonewatch must produce and a note. The
# zonewatch columns equal tshark's unless a known, principled difference is
# listed in KNOWN below; the note then says why.
set -eu
dir=${1:-pcaps}
command -v tshark >/dev/null || { echo "gen-conversations.sh: tshark is needed (apt-get install tshark)" >&2; exit 2; }

# path<TAB>zw_tcp<TAB>zw_udp<TAB>note
KNOWN='remote/remote-vnc-port-6900.pcap	2	0	tshark 4.0 splits each session in two where its VNC dissector creates a new conversation at the first RFB message (no new SYN; `tshark --disable-protocol vnc` also counts 2)'

printf 'capture\ttshark_tcp\ttshark_udp\tzonewatch_tcp\tzonewatch_udp\tnote\n'
(cd "$dir" && find . -name '*.pcap' -o -name '*.pcapng') | sed 's|^\./||' | LC_ALL=C sort |
while read -r f; do
	t=$(tshark -n -q -r "$dir/$f" -z conv,tcp 2>/dev/null | grep -c '<->' || true)
	u=$(tshark -n -q -r "$dir/$f" -z conv,udp 2>/dev/null | grep -c '<->' || true)
	known=$(printf '%s\n' "$KNOWN" | awk -F '\t' -v f="$f" '$1 == f')
	if [ -n "$known" ]; then
		printf '%s\t%s\t%s\t%s\n' "$f" "$t" "$u" "$(printf '%s' "$known" | cut -f2-)"
	else
		printf '%s\t%s\t%s\t%s\t%s\t-\n' "$f" "$t" "$u" "$t" "$u"
	fi
done
