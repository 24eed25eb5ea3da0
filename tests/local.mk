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
