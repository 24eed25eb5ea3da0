## dissectors/: cursor, registry, stream framing, nDPI, protocol dissectors
libzonewatch_a_SOURCES += \
	%reldir%/dis_cursor.h \
	%reldir%/dis_pend.h \
	%reldir%/dis.h \
	%reldir%/dis_event.c %reldir%/dis_event.h \
	%reldir%/dis_registry.c \
	%reldir%/dis_stream.c \
	%reldir%/dis_ndpi.c %reldir%/dis_ndpi.h \
	%reldir%/mbtcp.c %reldir%/mbtcp.h \
	%reldir%/opcua.c %reldir%/opcua.h \
	%reldir%/s7comm.c %reldir%/s7comm.h \
	%reldir%/tpkt.c %reldir%/tpkt.h \
	%reldir%/dis_text.h %reldir%/sess.h \
	%reldir%/ssh.c %reldir%/rdp.c %reldir%/vnc.c %reldir%/telnet.c \
	%reldir%/ftp.c %reldir%/http.c %reldir%/smtp.c \
	%reldir%/tftp.c %reldir%/tftp.h
