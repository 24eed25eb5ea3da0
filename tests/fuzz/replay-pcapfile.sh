#!/bin/sh
# replay-pcapfile.sh - make check: replay the capture-file reader fuzz target over its corpus.
name=pcapfile
. "${srcdir:-.}/tests/fuzz/replay-corpus.sh"
