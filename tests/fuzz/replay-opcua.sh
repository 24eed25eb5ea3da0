#!/bin/sh
# replay-opcua.sh - make check: replay the OPC UA stream fuzz target over its corpus.
name=opcua
. "${srcdir:-.}/tests/fuzz/replay-corpus.sh"
