## rules/: zone/conduit policy, evaluator and alerts (issue #6)
libzonewatch_a_SOURCES += \
	%reldir%/rule.h \
	%reldir%/rule_alert.c \
	%reldir%/rule_model.h \
	%reldir%/rule_load.c \
	%reldir%/rule_lpm.c \
	%reldir%/rule_eval.h \
	%reldir%/rule_eval.c \
	%reldir%/rule_run.h \
	%reldir%/rule_run.c
EXTRA_DIST += %reldir%/README.md
## rules/: site acceptance test bookkeeping and policy learning (issue #8)
libzonewatch_a_SOURCES += \
	%reldir%/rule_sat.h \
	%reldir%/rule_sat.c \
	%reldir%/rule_learn.h \
	%reldir%/rule_learn.c
