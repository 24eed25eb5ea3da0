## output/: diagnostics, JSON lines, statistics, syslog/CEF sinks
libzonewatch_a_SOURCES += \
	%reldir%/log.c %reldir%/log.h \
	%reldir%/out_json.c %reldir%/out_json.h \
	%reldir%/out_jw.c %reldir%/out_jw.h \
	%reldir%/out_stats.c \
	%reldir%/out_syslog.c %reldir%/out_syslog.h \
	%reldir%/out_sink.c %reldir%/out_sink.h \
	%reldir%/out_config.c %reldir%/out_config.h
