#!/bin/sh
# replay-decode.sh - make check: replay the packet pipeline fuzz target over its corpus.
name=decode
. "${srcdir:-.}/tests/fuzz/replay-corpus.sh"
