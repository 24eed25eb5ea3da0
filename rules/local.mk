## rules/: zone/conduit policy, evaluator and alerts (issue #6)
libzonewatch_a_SOURCES += \
	%reldir%/rule.h \
	%reldir%/rule_alert.c
EXTRA_DIST += %reldir%/README.md
