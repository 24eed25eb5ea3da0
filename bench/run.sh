#!/bin/sh
# zonewatch read-throughput benchmark.
#
# Usage: bench/run.sh ZONEWATCH_BIN PCAP_COUNT_BIN GEN_BIN [OUTDIR]
#
# Generates OUTDIR/otmix.pcap with GEN_BIN (defaults: 11 M packets, about 290 k flows: the mix of the project brief)
# unless it exists and is newer than GEN_BIN, then compares the bare libpcap
# loop (PCAP_COUNT_BIN, best of 3 after one warm-up run) with
# `ZONEWATCH_BIN read --flows --json /dev/null OUTDIR/otmix.pcap` (best of 3
# under /usr/bin/time) and prints a small table.
set -eu

prog=${0##*/}

usage() {
	cat <<EOF
Usage: $prog ZONEWATCH_BIN PCAP_COUNT_BIN GEN_BIN [OUTDIR]

  ZONEWATCH_BIN   zonewatch binary; run as: ZONEWATCH_BIN read --flows --json /dev/null PCAP
  PCAP_COUNT_BIN  bench/pcap_count (bare libpcap loop baseline)
  GEN_BIN         bench/gen_otmix (synthetic OT traffic generator)
  OUTDIR          where otmix.pcap and logs are kept (default: bench-out)

OUTDIR/otmix.pcap is (re)generated when missing or older than GEN_BIN.
Needs /usr/bin/time (apt-get install time).
EOF
}

die() {
	echo "$prog: $*" >&2
	exit 1
}

case "${1:-}" in
-h | --help)
	usage
	exit 0
	;;
esac
if [ $# -lt 3 ] || [ $# -gt 4 ]; then
	usage >&2
	exit 2
fi

# Resolve a program argument: a path, or a command name found in PATH.
resolve() {
	case "$1" in
	*/*) p=$1 ;;
	*) p=$(command -v -- "$1" 2>/dev/null) || p=./$1 ;;
	esac
	if [ ! -f "$p" ] || [ ! -x "$p" ]; then
		echo "$prog: $2: '$1' is not an executable file" >&2
		exit 2
	fi
	printf '%s\n' "$p"
}

ZW=$(resolve "$1" ZONEWATCH_BIN)
PC=$(resolve "$2" PCAP_COUNT_BIN)
GEN=$(resolve "$3" GEN_BIN)
OUTDIR=${4:-bench-out}

TIME=/usr/bin/time
if [ ! -x "$TIME" ]; then
	die "$TIME not found; install it with: apt-get install time"
fi

mkdir -p -- "$OUTDIR" || die "cannot create output directory $OUTDIR"
PCAP=$OUTDIR/otmix.pcap
GENLOG=$OUTDIR/otmix.gen.log
TIMEOUT=$OUTDIR/.time.$$
ZWLOG=$OUTDIR/zonewatch.log
trap 'rm -f -- "$TIMEOUT" "$PCAP.tmp.$$"' EXIT INT TERM

# ---------------------------------------------------------------- input
if [ ! -f "$PCAP" ] || [ -n "$(find "$GEN" -newer "$PCAP" 2>/dev/null)" ]; then
	echo "$prog: generating $PCAP (this takes a few seconds)..." >&2
	if ! "$GEN" -o "$PCAP.tmp.$$" 2>"$GENLOG"; then
		cat "$GENLOG" >&2
		die "generator failed"
	fi
	cat "$GENLOG" >&2
	mv -f -- "$PCAP.tmp.$$" "$PCAP"
fi

# min of two decimal numbers (empty first argument = none yet)
fmin() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b + 0 < a + 0) print b; else print a }'
}

# ---------------------------------------------------------------- bare loop
echo "$prog: bare libpcap loop (1 warm-up + 3 runs)..." >&2
"$PC" "$PCAP" >/dev/null || die "$PC failed"
best_pc=
packets=
bytes=
for i in 1 2 3; do
	line=$("$PC" "$PCAP") || die "$PC failed"
	secs=$(printf '%s\n' "$line" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
	packets=$(printf '%s\n' "$line" | sed -n 's/.*packets=\([0-9]*\).*/\1/p')
	bytes=$(printf '%s\n' "$line" | sed -n 's/.*bytes=\([0-9]*\).*/\1/p')
	[ -n "$secs" ] && [ -n "$packets" ] || die "cannot parse pcap_count output: $line"
	echo "  run $i: $line" >&2
	best_pc=$(fmin "$best_pc" "$secs")
done

# ---------------------------------------------------------------- zonewatch
echo "$prog: zonewatch read --flows --json /dev/null (3 runs)..." >&2
best_zw=
peak_rss=0
for i in 1 2 3; do
	if ! "$TIME" -f '%e %M' -o "$TIMEOUT" \
		"$ZW" read --flows --json /dev/null "$PCAP" >"$ZWLOG" 2>&1; then
		echo "$prog: zonewatch failed on run $i; last lines of $ZWLOG:" >&2
		tail -n 20 -- "$ZWLOG" >&2
		exit 1
	fi
	res=$(tail -n 1 -- "$TIMEOUT")
	wall=${res% *}
	rss=${res#* }
	echo "  run $i: ${wall} s, max RSS ${rss} KiB" >&2
	best_zw=$(fmin "$best_zw" "$wall")
	if [ "$rss" -gt "$peak_rss" ]; then
		peak_rss=$rss
	fi
done

# The same without nDPI and without output: what decode, flow table,
# reassembly and our dissectors cost on their own (for diagnosis).
best_core=
for i in 1 2 3; do
	if ! "$TIME" -f '%e %M' -o "$TIMEOUT" \
		"$ZW" read --no-ndpi --no-events --json /dev/null "$PCAP" >"$ZWLOG" 2>&1; then
		echo "$prog: zonewatch --no-ndpi failed on run $i" >&2
		exit 1
	fi
	res=$(tail -n 1 -- "$TIMEOUT")
	echo "  core run $i: ${res% *} s" >&2
	best_core=$(fmin "$best_core" "${res% *}")
done

# ---------------------------------------------------------------- report
flows=$(sed -n 's/.* \([0-9][0-9]*\) flows started.*/\1/p' "$GENLOG" 2>/dev/null | tail -n 1)
[ -n "$flows" ] || flows="?"
cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(sed -n 's/^Hardware[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(uname -m)
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo "?")
kernel=$(uname -sr)
fsize=$(wc -c <"$PCAP" | tr -d ' ')

awk -v pcap="$PCAP" -v packets="$packets" -v bytes="$bytes" -v fsize="$fsize" \
	-v flows="$flows" -v pc="$best_pc" -v zw="$best_zw" -v rss="$peak_rss" -v core="$best_core" \
	-v cpu="$cpu" -v ncpu="$ncpu" -v kernel="$kernel" 'BEGIN {
	bare = (pc > 0) ? packets / pc / 1e6 : 0
	zwm = (zw > 0) ? packets / zw / 1e6 : 0
	printf "\nzonewatch benchmark: %s\n", pcap
	printf "  %-26s %s\n", "packets", packets
	printf "  %-26s %s\n", "flows (generator)", flows
	printf "  %-26s %.1f MB (%.1f MB captured data)\n", "file size", fsize / 1e6, bytes / 1e6
	printf "  %-26s %.3f s  %8.2f Mpps\n", "bare libpcap loop (best)", pc, bare
	printf "  %-26s %.3f s  %8.2f Mpps\n", "zonewatch read (best)", zw, zwm
	if (core > 0)
		printf "  %-26s %.3f s  %8.2f Mpps\n", "  without nDPI and events", core, packets / core / 1e6
	if (zwm > 0)
		printf "  %-26s %.2f\n", "ratio bare/zonewatch", bare / zwm
	else
		printf "  %-26s %s\n", "ratio bare/zonewatch", "n/a"
	printf "  %-26s %.1f MiB\n", "zonewatch peak RSS", rss / 1024
	printf "  %-26s %s (%s CPUs)\n", "CPU", cpu, ncpu
	printf "  %-26s %s\n", "kernel", kernel
}'
