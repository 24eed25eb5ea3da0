#!/bin/sh
# update-expected.sh - regenerate pcaps/*/<case>.expected.jsonl with the
# current binary. Run from the source tree after `make`:
#   tests/regress/update-expected.sh [./zonewatch]
# Then read `git diff pcaps/` and commit it with the change that caused it.
set -eu
zw=${1:-./zonewatch}
. tests/regress/regress.conf
for cap in $(find pcaps -name '*.pcap' -o -name '*.pcapng' | LC_ALL=C sort); do
	base=${cap%.*}
	case " $REGRESS_SKIP " in *" $base "*) continue ;; esac
	# shellcheck disable=SC2086
	"$zw" read $REGRESS_OPTS --json "$base.expected.jsonl" "$cap"
done
echo "updated $(find pcaps -name '*.expected.jsonl' | wc -l) expected outputs"
