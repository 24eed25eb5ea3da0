#!/bin/sh
# replay-session.sh - make check: replay the session dissectors' stream fuzz target over its corpus.
name=session
. "${srcdir:-.}/tests/fuzz/replay-corpus.sh"
