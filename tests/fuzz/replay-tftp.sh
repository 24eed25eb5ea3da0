#!/bin/sh
# replay-tftp.sh - make check: replay the TFTP request fuzz target over its corpus.
name=tftp
. "${srcdir:-.}/tests/fuzz/replay-corpus.sh"
