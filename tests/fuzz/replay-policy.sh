#!/bin/sh
# replay-policy.sh - make check: replay the policy loader fuzz target over its corpus.
name=policy
. "${srcdir:-.}/tests/fuzz/replay-corpus.sh"
