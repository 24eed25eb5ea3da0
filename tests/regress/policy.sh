#!/bin/sh
# policy.sh - the policy end to end with the real binary:
#  1. `zonewatch policy check` accepts the example policies (exit 0) and
#     rejects every bad policy of the fuzz corpus with file:line:col messages
#     (exit 1); `read` with a bad policy exits 1 before reading anything;
#  2. every case of tests/regress/policy-cases.tsv: the capture replayed with
#     the policy, alerts compared byte for byte with
#     pcaps/policy/<case>.alerts.jsonl, and a second run must give the same
#     bytes (determinism). Options: GEO adds --geoip-db/--asn-db with a test
#     database built now by make-mmdb.pl (skipped, visibly, without
#     libmaxmind-db-writer-perl).
#   tests/regress/policy.sh --update    rewrites the expected files
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
update=0
[ "${1:-}" = --update ] && update=1
fail=0 n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. policy check
for f in "$srcdir"/examples/*.yaml; do
	if ! "$ZONEWATCH" policy check "$f" > "$tmp/out" 2>&1; then
		echo "FAIL policy check $f: exit status $?"
		cat "$tmp/out"
		fail=$((fail + 1))
	fi
done
nbad=0
for f in "$srcdir"/tests/fuzz/corpus/policy/bad-*.yaml; do
	nbad=$((nbad + 1))
	"$ZONEWATCH" policy check "$f" > "$tmp/out" 2>&1
	rc=$?
	if [ $rc -ne 1 ] || ! grep -q ":[0-9]*:[0-9]*: " "$tmp/out"; then
		echo "FAIL policy check $f: exit status $rc, messages:"
		cat "$tmp/out"
		fail=$((fail + 1))
	fi
done
[ $nbad -ge 20 ] || { echo "FAIL: only $nbad bad policies"; fail=$((fail + 1)); }
"$ZONEWATCH" read -q -p "$srcdir/tests/fuzz/corpus/policy/bad-05.yaml" \
	"$srcdir/pcaps/it/it-ftp.pcap" > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc -ne 1 ] || [ -s "$tmp/out" ] || ! grep -q "not loaded" "$tmp/err"; then
	echo "FAIL read with a bad policy: exit status $rc"
	fail=$((fail + 1))
fi

# 2. captures with policies
geo=
if perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null &&
	perl "$srcdir/tests/regress/make-mmdb.pl" "$tmp/test.mmdb"; then
	geo="--geoip-db $tmp/test.mmdb --asn-db $tmp/test.mmdb"
else
	echo "SKIP GeoIP cases: libmaxmind-db-writer-perl is not installed"
fi
tab=$(printf '\t')
while IFS="$tab" read -r name pol cap opts; do
	case $name in ''|'#'*) continue ;; esac
	args=
	[ "$pol" != - ] && args="-p $srcdir/$pol"
	for o in $opts; do
		if [ "$o" = GEO ]; then
			[ -n "$geo" ] || continue 2
			args="$args $geo"
		else
			args="$args $o"
		fi
	done
	n=$((n + 1))
	exp="$srcdir/pcaps/policy/$name.alerts.jsonl"
	# shellcheck disable=SC2086
	if ! "$ZONEWATCH" read -q --no-progress --no-events $args --json "$tmp/a" "$srcdir/$cap" 2>"$tmp/err"; then
		echo "FAIL $name: exit status"; cat "$tmp/err"
		fail=$((fail + 1))
		continue
	fi
	# shellcheck disable=SC2086
	"$ZONEWATCH" read -q --no-progress --no-events $args --json "$tmp/b" "$srcdir/$cap" 2>/dev/null
	if ! cmp -s "$tmp/a" "$tmp/b"; then
		echo "FAIL $name: two runs gave different alerts"
		fail=$((fail + 1))
	fi
	if [ $update -eq 1 ]; then
		cp "$tmp/a" "$exp"
		echo "updated $exp ($(wc -l < "$exp") alerts)"
	elif ! diff -u "$exp" "$tmp/a" > "$tmp/diff"; then
		echo "FAIL $name: alerts differ from $exp"
		head -40 "$tmp/diff"
		fail=$((fail + 1))
	fi
done < "$srcdir/tests/regress/policy-cases.tsv"
[ $n -ge 5 ] || { echo "FAIL: only $n policy cases ran"; fail=$((fail + 1)); }
echo "$n policy cases, $nbad bad policies, $fail failed"
[ $fail -eq 0 ]
