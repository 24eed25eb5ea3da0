## output/: diagnostics, JSON lines, statistics
libzonewatch_a_SOURCES += \
	%reldir%/log.c %reldir%/log.h \
	%reldir%/out_json.c %reldir%/out_json.h \
	%reldir%/out_jw.c %reldir%/out_jw.h \
	%reldir%/out_stats.c
