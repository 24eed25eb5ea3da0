## capture/: libpcap sources, decoding, flow table, TCP reassembly
libzonewatch_a_SOURCES += \
	%reldir%/cap.c %reldir%/cap.h \
	%reldir%/cap_mem.c %reldir%/cap_mem.h \
	%reldir%/dec.c %reldir%/dec.h \
	%reldir%/flow.c %reldir%/flow.h \
	%reldir%/reasm.c %reldir%/reasm.h
