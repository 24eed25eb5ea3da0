#!/bin/sh
# replay-mbtcp.sh - make check: replay the Modbus/TCP stream fuzz target over its corpus.
name=mbtcp
. "${srcdir:-.}/tests/fuzz/replay-corpus.sh"
