# replay-corpus.sh - sourced by tests/fuzz/replay-<name>.sh with $name set:
# make check runs the fuzz target <name> over every file of its seed corpus,
# tests/fuzz/corpus/<name>/, through the plain main() of tests/fuzz/replay.c
# (any compiler, no libFuzzer). A crash, sanitizer report or failed
# invariant check fails the test, and so does an empty corpus.
set -u
: "${srcdir:=.}"
bin=${FUZZ_REPLAY_DIR:-./tests/fuzz}/replay_$name
corpus=$srcdir/tests/fuzz/corpus/$name
out=$("$bin" "$corpus") || {
	echo "FAIL $bin $corpus: exit status $?"
	exit 1
}
echo "$out"
case $out in
"replayed 0 inputs") echo "FAIL: no inputs in $corpus"; exit 1 ;;
esac
exit 0
