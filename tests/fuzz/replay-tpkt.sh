#!/bin/sh
# replay-tpkt.sh - make check: replay the TPKT/COTP stream fuzz target over its corpus.
name=tpkt
. "${srcdir:-.}/tests/fuzz/replay-corpus.sh"
