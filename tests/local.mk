## tests/: Check unit tests, pcap regression scripts, fuzz corpus replay
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = ZONEWATCH='$(abs_top_builddir)/zonewatch'; export ZONEWATCH; \
	MBLOOP='$(abs_top_builddir)/%reldir%/regress/mbloop'; export MBLOOP; \
	ALERTGEN='$(abs_top_builddir)/%reldir%/regress/alertgen'; export ALERTGEN;

check_PROGRAMS += %reldir%/regress/mbloop %reldir%/regress/alertgen
%canon_reldir%_regress_mbloop_SOURCES = %reldir%/regress/mbloop.c
%canon_reldir%_regress_alertgen_SOURCES = %reldir%/regress/alertgen.c
%canon_reldir%_regress_alertgen_LDADD = libzonewatch.a $(ZW_LIBS)

# Check kills a test after 4 s by default; sanitizer builds on a busy
# 2-core runner can come close, so allow 30.
AM_TESTS_ENVIRONMENT += CK_DEFAULT_TIMEOUT=30; export CK_DEFAULT_TIMEOUT;
# Leaks inside Graphviz/fontconfig (sat HTML report) are theirs: tests/lsan.supp.
AM_TESTS_ENVIRONMENT += LSAN_OPTIONS="suppressions=$(abs_top_srcdir)/%reldir%/lsan.supp:print_suppressions=0$${LSAN_OPTIONS:+:$$LSAN_OPTIONS}"; export LSAN_OPTIONS;

if HAVE_CHECK
check_PROGRAMS += \
	%reldir%/unit/check_cursor \
	%reldir%/unit/check_decode \
	%reldir%/unit/check_flow \
	%reldir%/unit/check_reasm \
	%reldir%/unit/check_mbtcp \
	%reldir%/unit/check_tpkt \
	%reldir%/unit/check_s7comm \
	%reldir%/unit/check_opcua \
	%reldir%/unit/check_session \
	%reldir%/unit/check_rule \
	%reldir%/unit/check_rule_run \
	%reldir%/unit/check_syslog \
	%reldir%/unit/check_sat \
	%reldir%/unit/check_tftp
TESTS += \
	%reldir%/unit/check_cursor \
	%reldir%/unit/check_decode \
	%reldir%/unit/check_flow \
	%reldir%/unit/check_reasm \
	%reldir%/unit/check_mbtcp \
	%reldir%/unit/check_tpkt \
	%reldir%/unit/check_s7comm \
	%reldir%/unit/check_opcua \
	%reldir%/unit/check_session \
	%reldir%/unit/check_rule \
	%reldir%/unit/check_rule_run \
	%reldir%/unit/check_syslog \
	%reldir%/unit/check_sat \
	%reldir%/unit/check_tftp

%canon_reldir%_unit_check_cursor_SOURCES = %reldir%/unit/check_cursor.c
%canon_reldir%_unit_check_cursor_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_cursor_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_decode_SOURCES = %reldir%/unit/check_decode.c
%canon_reldir%_unit_check_decode_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_decode_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_flow_SOURCES = %reldir%/unit/check_flow.c
%canon_reldir%_unit_check_flow_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_flow_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_reasm_SOURCES = %reldir%/unit/check_reasm.c
%canon_reldir%_unit_check_reasm_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_reasm_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_mbtcp_SOURCES = %reldir%/unit/check_mbtcp.c %reldir%/unit/dis_fixture.h
%canon_reldir%_unit_check_mbtcp_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_mbtcp_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_tpkt_SOURCES = %reldir%/unit/check_tpkt.c %reldir%/unit/dis_fixture.h
%canon_reldir%_unit_check_tpkt_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_tpkt_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_s7comm_SOURCES = %reldir%/unit/check_s7comm.c %reldir%/unit/dis_fixture.h
%canon_reldir%_unit_check_s7comm_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_s7comm_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_opcua_SOURCES = %reldir%/unit/check_opcua.c %reldir%/unit/dis_fixture.h
%canon_reldir%_unit_check_opcua_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_opcua_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_session_SOURCES = %reldir%/unit/check_session.c %reldir%/unit/dis_fixture.h
%canon_reldir%_unit_check_session_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_session_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_rule_SOURCES = %reldir%/unit/check_rule.c
%canon_reldir%_unit_check_rule_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_rule_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_rule_run_SOURCES = %reldir%/unit/check_rule_run.c
%canon_reldir%_unit_check_rule_run_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_rule_run_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_syslog_SOURCES = %reldir%/unit/check_syslog.c
%canon_reldir%_unit_check_syslog_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_syslog_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_tftp_SOURCES = %reldir%/unit/check_tftp.c
%canon_reldir%_unit_check_tftp_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_tftp_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)

%canon_reldir%_unit_check_sat_SOURCES = %reldir%/unit/check_sat.c
%canon_reldir%_unit_check_sat_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
%canon_reldir%_unit_check_sat_LDADD = libzonewatch.a $(ZW_LIBS) $(CHECK_LIBS)
endif
if !HAVE_CHECK
check-local:
	@echo "tests/unit: Check not found, unit tests SKIPPED (apt-get install check)"
endif

TESTS += \
	%reldir%/regress/cli.sh \
	%reldir%/regress/conversations.sh \
	%reldir%/regress/corrupt.sh \
	%reldir%/regress/expected.sh \
	%reldir%/regress/direct-read.sh \
	%reldir%/regress/modbus-accounting.sh \
	%reldir%/regress/policy.sh \
	%reldir%/regress/s7comm-accounting.sh \
	%reldir%/regress/opcua-accounting.sh \
	%reldir%/regress/live.sh \
	%reldir%/regress/syslog.sh \
	%reldir%/regress/outputs.sh \
	%reldir%/regress/sat.sh \
	%reldir%/regress/sat-html.sh

EXTRA_DIST += \
	%reldir%/regress/syslog.sh \
	%reldir%/regress/outputs.sh \
	%reldir%/regress/syslog_check.py \
	%reldir%/regress/cli.sh \
	%reldir%/regress/conversations.sh \
	%reldir%/regress/corrupt.sh \
	%reldir%/regress/expected.sh \
	%reldir%/regress/live.sh \
	%reldir%/regress/direct-read.sh \
	%reldir%/regress/pcapvariant.py \
	%reldir%/regress/modbus-accounting.sh \
	%reldir%/regress/policy.sh \
	%reldir%/regress/policy-cases.tsv \
	%reldir%/regress/sat.sh \
	%reldir%/regress/sat-html.sh \
	%reldir%/lsan.supp \
	%reldir%/regress/make-mmdb.pl \
	%reldir%/regress/s7comm-accounting.sh \
	%reldir%/regress/s7comm-groundtruth.tsv \
	%reldir%/regress/opcua-accounting.sh \
	%reldir%/regress/gen-opcua-groundtruth.sh \
	%reldir%/regress/gen-conversations.sh \
	%reldir%/regress/update-expected.sh \
	%reldir%/regress/regress.conf
AM_TESTS_ENVIRONMENT += FUZZ_REPLAY_DIR='$(abs_top_builddir)/%reldir%/fuzz'; export FUZZ_REPLAY_DIR;

check_PROGRAMS += \
	%reldir%/fuzz/replay_mbtcp \
	%reldir%/fuzz/replay_tpkt \
	%reldir%/fuzz/replay_opcua \
	%reldir%/fuzz/replay_session \
	%reldir%/fuzz/replay_decode \
	%reldir%/fuzz/replay_policy \
	%reldir%/fuzz/replay_tftp \
	%reldir%/fuzz/replay_pcapfile
%canon_reldir%_fuzz_replay_mbtcp_SOURCES = %reldir%/fuzz/replay.c %reldir%/fuzz/fuzz_mbtcp.c \
	%reldir%/fuzz/fuzz_stream.c %reldir%/fuzz/fuzz_stream.h
%canon_reldir%_fuzz_replay_mbtcp_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_replay_tpkt_SOURCES = %reldir%/fuzz/replay.c %reldir%/fuzz/fuzz_tpkt.c \
	%reldir%/fuzz/fuzz_stream.c %reldir%/fuzz/fuzz_stream.h
%canon_reldir%_fuzz_replay_tpkt_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_replay_opcua_SOURCES = %reldir%/fuzz/replay.c %reldir%/fuzz/fuzz_opcua.c \
	%reldir%/fuzz/fuzz_stream.c %reldir%/fuzz/fuzz_stream.h
%canon_reldir%_fuzz_replay_opcua_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_replay_session_SOURCES = %reldir%/fuzz/replay.c %reldir%/fuzz/fuzz_session.c \
	%reldir%/fuzz/fuzz_stream.c %reldir%/fuzz/fuzz_stream.h
%canon_reldir%_fuzz_replay_session_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_replay_decode_SOURCES = %reldir%/fuzz/replay.c %reldir%/fuzz/fuzz_decode.c
%canon_reldir%_fuzz_replay_decode_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_replay_policy_SOURCES = %reldir%/fuzz/replay.c %reldir%/fuzz/fuzz_policy.c
%canon_reldir%_fuzz_replay_policy_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_replay_tftp_SOURCES = %reldir%/fuzz/replay.c %reldir%/fuzz/fuzz_tftp.c
%canon_reldir%_fuzz_replay_tftp_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_replay_pcapfile_SOURCES = %reldir%/fuzz/replay.c %reldir%/fuzz/fuzz_pcapfile.c
%canon_reldir%_fuzz_replay_pcapfile_LDADD = libzonewatch.a $(ZW_LIBS)

TESTS += \
	%reldir%/fuzz/replay-mbtcp.sh \
	%reldir%/fuzz/replay-session.sh \
	%reldir%/fuzz/replay-tpkt.sh \
	%reldir%/fuzz/replay-opcua.sh \
	%reldir%/fuzz/replay-decode.sh \
	%reldir%/fuzz/replay-policy.sh \
	%reldir%/fuzz/replay-tftp.sh \
	%reldir%/fuzz/replay-pcapfile.sh

# A directory in EXTRA_DIST is copied whole (automake does not expand wildcards).
EXTRA_DIST += \
	%reldir%/fuzz/replay-mbtcp.sh \
	%reldir%/fuzz/replay-session.sh \
	%reldir%/fuzz/replay-tpkt.sh \
	%reldir%/fuzz/replay-opcua.sh \
	%reldir%/fuzz/replay-decode.sh \
	%reldir%/fuzz/replay-policy.sh \
	%reldir%/fuzz/replay-tftp.sh \
	%reldir%/fuzz/replay-pcapfile.sh \
	%reldir%/fuzz/replay-corpus.sh \
	%reldir%/fuzz/corpus

if ENABLE_FUZZ
check_PROGRAMS += \
	%reldir%/fuzz/fuzz_mbtcp \
	%reldir%/fuzz/fuzz_tpkt \
	%reldir%/fuzz/fuzz_opcua \
	%reldir%/fuzz/fuzz_session \
	%reldir%/fuzz/fuzz_decode \
	%reldir%/fuzz/fuzz_policy \
	%reldir%/fuzz/fuzz_tftp \
	%reldir%/fuzz/fuzz_pcapfile
%canon_reldir%_fuzz_fuzz_mbtcp_SOURCES = %reldir%/fuzz/fuzz_mbtcp.c \
	%reldir%/fuzz/fuzz_stream.c %reldir%/fuzz/fuzz_stream.h
%canon_reldir%_fuzz_fuzz_mbtcp_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_fuzz_mbtcp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
%canon_reldir%_fuzz_fuzz_tpkt_SOURCES = %reldir%/fuzz/fuzz_tpkt.c \
	%reldir%/fuzz/fuzz_stream.c %reldir%/fuzz/fuzz_stream.h
%canon_reldir%_fuzz_fuzz_tpkt_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_fuzz_tpkt_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
%canon_reldir%_fuzz_fuzz_opcua_SOURCES = %reldir%/fuzz/fuzz_opcua.c \
	%reldir%/fuzz/fuzz_stream.c %reldir%/fuzz/fuzz_stream.h
%canon_reldir%_fuzz_fuzz_opcua_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_fuzz_opcua_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
%canon_reldir%_fuzz_fuzz_session_SOURCES = %reldir%/fuzz/fuzz_session.c \
	%reldir%/fuzz/fuzz_stream.c %reldir%/fuzz/fuzz_stream.h
%canon_reldir%_fuzz_fuzz_session_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_fuzz_session_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
%canon_reldir%_fuzz_fuzz_decode_SOURCES = %reldir%/fuzz/fuzz_decode.c
%canon_reldir%_fuzz_fuzz_decode_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_fuzz_decode_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
%canon_reldir%_fuzz_fuzz_policy_SOURCES = %reldir%/fuzz/fuzz_policy.c
%canon_reldir%_fuzz_fuzz_policy_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_fuzz_policy_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
%canon_reldir%_fuzz_fuzz_tftp_SOURCES = %reldir%/fuzz/fuzz_tftp.c
%canon_reldir%_fuzz_fuzz_tftp_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_fuzz_tftp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
%canon_reldir%_fuzz_fuzz_pcapfile_SOURCES = %reldir%/fuzz/fuzz_pcapfile.c
%canon_reldir%_fuzz_fuzz_pcapfile_LDADD = libzonewatch.a $(ZW_LIBS)
%canon_reldir%_fuzz_fuzz_pcapfile_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
fuzz-targets: %reldir%/fuzz/fuzz_mbtcp$(EXEEXT) %reldir%/fuzz/fuzz_decode$(EXEEXT) \
	%reldir%/fuzz/fuzz_tpkt$(EXEEXT) %reldir%/fuzz/fuzz_opcua$(EXEEXT) \
	%reldir%/fuzz/fuzz_session$(EXEEXT) \
	%reldir%/fuzz/fuzz_policy$(EXEEXT) %reldir%/fuzz/fuzz_tftp$(EXEEXT) \
	%reldir%/fuzz/fuzz_pcapfile$(EXEEXT)
else
fuzz-targets:
	@echo "fuzz targets are not configured: CC=clang ./configure --enable-fuzz" >&2; exit 1
endif
.PHONY: fuzz-targets
