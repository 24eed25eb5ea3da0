## output/: diagnostics, JSON lines, statistics, syslog/CEF sinks
libzonewatch_a_SOURCES += \
	%reldir%/log.c %reldir%/log.h \
	%reldir%/out_json.c %reldir%/out_json.h \
	%reldir%/out_jw.c %reldir%/out_jw.h \
	%reldir%/out_stats.c \
	%reldir%/out_syslog.c %reldir%/out_syslog.h \
	%reldir%/out_sink.c %reldir%/out_sink.h \
	%reldir%/out_config.c %reldir%/out_config.h
## sat report, inventory (issue #8): Graphviz for the zone drawing, libcrypto for SHA-256
AM_CPPFLAGS += $(GVC_CFLAGS)
ZW_LIBS += $(GVC_LIBS)
libzonewatch_a_SOURCES += \
	%reldir%/out_report.c %reldir%/out_report.h \
	%reldir%/out_inventory.c %reldir%/out_inventory.h
