#!/bin/sh
# replay-tpkt.sh - make check: run the TPKT/COTP stream target (fuzz_tpkt.c)
# over every file of its seed corpus, tests/fuzz/corpus/tpkt/, through the plain
# main() of tests/fuzz/replay.c (any compiler, no libFuzzer). A crash,
# sanitizer report or failed invariant check fails the test.
set -u
: "${srcdir:=.}"
bin=${FUZZ_REPLAY_DIR:-./tests/fuzz}/replay_tpkt
corpus=$srcdir/tests/fuzz/corpus/tpkt
out=$("$bin" "$corpus") || {
	echo "FAIL $bin $corpus: exit status $?"
	exit 1
}
echo "$out"
case $out in
"replayed 0 inputs") echo "FAIL: no inputs in $corpus"; exit 1 ;;
esac
exit 0
