## tests/: Check unit tests, pcap regression scripts, fuzz corpus replay
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = ZONEWATCH='$(abs_top_builddir)/zonewatch'; export ZONEWATCH;

TESTS += \
	%reldir%/regress/cli.sh \
	%reldir%/regress/conversations.sh \
	%reldir%/regress/corrupt.sh \
	%reldir%/regress/expected.sh

EXTRA_DIST += \
	%reldir%/regress/cli.sh \
	%reldir%/regress/conversations.sh \
	%reldir%/regress/corrupt.sh \
	%reldir%/regress/expected.sh \
	%reldir%/regress/gen-conversations.sh \
	%reldir%/regress/update-expected.sh \
	%reldir%/regress/regress.conf
AM_TESTS_ENVIRONMENT += FUZZ_REPLAY_DIR='$(abs_top_builddir)/%reldir%/fuzz'; export FUZZ_REPLAY_DIR;

check_PROGRAMS += \
	%reldir%/fuzz/replay_mbtcp \
	%reldir%/fuzz/replay_decode
%canon_reldir%_fuzz_replay_mbtcp_SOURCES = %reldir%/fuzz/replay.c %reldir%/fuzz/fuzz_mbtcp.c
%canon_reldir%_fuzz_replay_mbtcp_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_replay_decode_SOURCES = %reldir%/fuzz/replay.c %reldir%/fuzz/fuzz_decode.c
%canon_reldir%_fuzz_replay_decode_LDADD = libzonewatch.a $(ZW_LIBS)

TESTS += \
	%reldir%/fuzz/replay-mbtcp.sh \
	%reldir%/fuzz/replay-decode.sh

# A directory in EXTRA_DIST is copied whole (automake does not expand wildcards).
EXTRA_DIST += \
	%reldir%/fuzz/replay-mbtcp.sh \
	%reldir%/fuzz/replay-decode.sh \
	%reldir%/fuzz/corpus

if ENABLE_FUZZ
check_PROGRAMS += \
	%reldir%/fuzz/fuzz_mbtcp \
	%reldir%/fuzz/fuzz_decode
%canon_reldir%_fuzz_fuzz_mbtcp_SOURCES = %reldir%/fuzz/fuzz_mbtcp.c
%canon_reldir%_fuzz_fuzz_mbtcp_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_fuzz_mbtcp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
%canon_reldir%_fuzz_fuzz_decode_SOURCES = %reldir%/fuzz/fuzz_decode.c
%canon_reldir%_fuzz_fuzz_decode_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_fuzz_decode_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
fuzz-targets: %reldir%/fuzz/fuzz_mbtcp$(EXEEXT) %reldir%/fuzz/fuzz_decode$(EXEEXT)
else
fuzz-targets:
	@echo "fuzz targets are not configured: CC=clang ./configure --enable-fuzz" >&2; exit 1
endif
.PHONY: fuzz-targets
