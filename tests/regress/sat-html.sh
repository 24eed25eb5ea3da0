#!/bin/sh
# sat-html.sh - the HTML SAT report in a real browser: headless Chromium
# loads the page from the plant capture with the example policy, and the test
# checks that the DOM has the verdict, the Graphviz drawing (<svg>) and the
# sortable tables, that the page references nothing outside itself, and that
# Chromium logged no console error or uncaught exception. Skipped (exit 77,
# with a message) when chromium is not installed (Debian package chromium;
# `./quickstart.sh test` installs it). SAT_SCREENSHOT=FILE also saves a
# screenshot (1400x2000) there.
set -u
: "${ZONEWATCH:?ZONEWATCH must name the zonewatch binary}"
: "${srcdir:=.}"
browser=
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" > /dev/null 2>&1; then
		browser=$b
		break
	fi
done
if [ -z "$browser" ]; then
	echo "SKIP: chromium is not installed (apt-get install chromium): HTML report not rendered"
	exit 77
fi
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}

"$ZONEWATCH" sat -q -f html -p "$srcdir/examples/plant-policy.yaml" -o "$tmp/sat.html" \
	"$srcdir/pcaps/plant/zw-plant.pcap"
rc=$?
[ $rc -eq 1 ] || bad "sat -f html: exit status $rc, expected 1 (FAIL)"
# self-contained: no external scripts, styles, images or fonts
if grep -Eiq '<(script|link|img|iframe)[^>]*(src|href)=|@import|url\(' "$tmp/sat.html"; then
	bad "the page loads an external resource"
	grep -Eio '<(script|link|img|iframe)[^>]*(src|href)=[^>]*' "$tmp/sat.html" | head -5
fi

# A private profile directory keeps the run independent of $HOME.
run_browser() {
	timeout 120 "$browser" --headless=new --disable-gpu --no-sandbox --no-first-run \
		--user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 "$@"
}
run_browser --dump-dom "file://$tmp/sat.html" > "$tmp/dom.html" 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] || { bad "$browser --dump-dom: exit status $rc"; tail -5 "$tmp/err"; }
grep -q 'id="verdict" class="verdict FAIL">FAIL<' "$tmp/dom.html" || bad "DOM has no FAIL verdict"
grep -q '<svg' "$tmp/dom.html" || bad "DOM has no <svg> drawing"
grep -q 'class="sortable"' "$tmp/dom.html" || bad "DOM has no sortable table"
grep -q '<title>dmz&#45;&gt;engineering</title>\|dmz-to-engineering' "$tmp/dom.html" ||
	bad "drawing lacks the dmz-to-engineering conduit"
if grep -Ei 'Uncaught|CONSOLE[:(]|SyntaxError|TypeError|ReferenceError' "$tmp/err"; then
	bad "the page logged errors (above)"
fi
if [ -n "${SAT_SCREENSHOT:-}" ]; then
	run_browser --screenshot="$SAT_SCREENSHOT" --window-size=1400,2000 \
		"file://$tmp/sat.html" > /dev/null 2>&1 || bad "screenshot"
fi
echo "sat-html.sh ($browser): $fail failed"
[ $fail -eq 0 ]
