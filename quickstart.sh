#!/bin/sh
# quickstart.sh - from a fresh Debian 12 clone to a running zonewatch.
#
#   ./quickstart.sh                  install build dependencies, build, and replay
#                                    a bundled capture, printing what was found
#   ./quickstart.sh test             the same set-up, then `make check`
#   ./quickstart.sh test --sanitize  AddressSanitizer + UBSan build, then `make check`
#
# Missing Debian packages are installed with apt-get when run as root or
# through sudo without a password; otherwise the exact apt-get command is
# printed and the script stops. Builds happen out of tree, in build/ (or
# build-sanitize/), so the source tree stays clean.
set -eu

mode=run
sanitize=no
for arg in "$@"; do
	case $arg in
	run) mode=run ;;
	test) mode=test ;;
	--sanitize) sanitize=yes ;;
	-h | --help)
		sed -n '2,12s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*)
		echo "quickstart.sh: unknown argument '$arg' (try --help)" >&2
		exit 2
		;;
	esac
done

top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

# Build dependencies, by Debian 12 package name.
PKGS="gcc make autoconf automake autoconf-archive pkg-config libpcap-dev libndpi-dev \
libmaxminddb-dev libjson-c-dev libyaml-dev libssl-dev check"
# sat report and inventory: Graphviz (zone drawing), the IEEE OUI list (MAC
# vendors; optional at run time).
PKGS="$PKGS libgraphviz-dev ieee-data"
# What only the tests need: a MaxMind database writer (the GeoIP test builds
# its own small database), and a real syslog collector (UDP, TCP, TLS) for
# tests/regress/syslog.sh with the tools that make its certificates and
# parse what it received.
if [ "$mode" = test ]; then
	PKGS="$PKGS libmaxmind-db-writer-perl rsyslog rsyslog-gnutls openssl python3"
	# headless browser for the HTML SAT report test (tests/regress/sat-html.sh)
	PKGS="$PKGS chromium"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "quickstart: installing build dependencies:$missing"
	if [ "$(id -u)" = 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		SUDO="sudo"
	else
		echo "quickstart: these Debian packages are missing:$missing" >&2
		echo "quickstart: install them as root, then run this script again:" >&2
		echo "    sudo apt-get install -y --no-install-recommends$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $missing
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	echo "quickstart: bootstrapping (autoreconf -fi)"
	autoreconf -fi
fi
if [ -f config.status ]; then
	echo "quickstart: the source tree is configured in place; run 'make distclean' first" >&2
	exit 1
fi

if [ "$sanitize" = yes ]; then
	builddir=build-sanitize
	confopts="--enable-asan --enable-ubsan --enable-werror"
else
	builddir=build
	confopts="--enable-werror"
fi
mkdir -p "$builddir"
cd "$builddir"
if [ ! -f config.status ] || [ ../configure -nt config.status ]; then
	# shellcheck disable=SC2086
	../configure $confopts
fi
jobs=$(nproc 2>/dev/null || echo 2)
make -j"$jobs"

if [ "$mode" = test ]; then
	if ! make -j"$jobs" check; then
		for log in test-suite.log; do
			[ -f "$log" ] && cat "$log"
		done
		exit 1
	fi
	echo "quickstart: all tests passed ($builddir)"
	exit 0
fi

cap="$top/pcaps/plant/zw-plant.pcap"
policy="$top/examples/plant-policy.yaml"
out="$top/$builddir/quickstart-alerts.jsonl"
echo
echo "quickstart: the example policy (examples/plant-policy.yaml):"
./zonewatch policy check "$policy"
echo
echo "quickstart: replaying $(basename "$cap") (a small plant recorded from real Modbus,"
echo "  OPC UA, SSH, telnet, FTP, HTTP and TLS software; pcaps/plant/GROUND-TRUTH.md)"
./zonewatch read -p "$policy" --flows --json "$out" "$cap"
echo
echo "quickstart: $(grep -c '"kind":"alert"' "$out") alert records in $out:"
sed -n 's/.*"rule":{"id":"\(ZW-[0-9]*\)".*"message":"\(.*\)","source".*"severity":"\([a-z]*\)","phase":"\([a-z]*\)".*/  \3	\1 \4	\2/p' "$out" |
	cut -c1-200
echo
echo "quickstart: operations the dissectors decoded:"
sed -n 's/.*"kind":"event".*"action":"\([a-z_0-9]*\)".*"function_class":"\([a-z]*\)".*/\2 \1/p' "$out" |
	sort | uniq -c | sort -rn
echo
echo "Next: ./$builddir/zonewatch read --help    (man: doc/zonewatch.8; policy: docs/policy.md)"
