/* check_session.c - unit tests for the passive session dissectors
 * (dissectors/ssh.c rdp.c vnc.c telnet.c ftp.c http.c smtp.c), driven through
 * the real stream framework (dissectors/dis_stream.c) with the fixture of
 * tests/unit/dis_fixture.h.
 *
 * The conversations are real byte sequences taken from the regression
 * captures with `tshark -qz follow,tcp,raw,N` (each says which), except
 * the SMTP dialogue, written after RFC 5321 appendix D.1 with the EHLO
 * and STARTTLS of RFC 3207 section 5. Each conversation is fed whole,
 * byte at a time, in two-chunks-glued feeds and cut at every prefix; the
 * events, printed one line each, must match the golden text.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/flow.h"
#include "capture/reasm.h"
#include "dissectors/dis.h"
#include "dissectors/dis_event.h"
#include "dissectors/sess.h"

#define MAX_EVENTS 64
#define TS0 1700000000000000ull

#include "tests/unit/dis_fixture.h"

struct chunk {
	int dir; /* 0 from the client (the flow initiator) */
	size_t len;
	const uint8_t *b;
};

/* ssh_conv: remote/remote-ssh.pcap (tshark -qz follow,tcp,raw,0), first 3 chunks, chunks from #2 on cut to 24 bytes */
static const struct chunk ssh_conv[] = {
	{ 1, 21, (const uint8_t *)"SSH-2.0-OpenSSH_5.3\x0d\x0a" },
	{ 0, 21, (const uint8_t *)"SSH-2.0-OpenSSH_5.6\x0d\x0a" },
	{ 0, 24, (const uint8_t *)"\x00\x00\x03\x84\x04\x14\x18\xba" "1G\x1a\xce\xf2-\x88\x89\xd6\xd1" "DP\x0d\xf4\x00\x00" },
};
/* ssh_apache_conv: remote/remote-ssh.pcap (tshark -qz follow,tcp,raw,1), first 3 chunks, chunks from #2 on cut to 24 bytes */
static const struct chunk ssh_apache_conv[] = {
	{ 0, 42, (const uint8_t *)"SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.11\x0d\x0a" },
	{ 1, 27, (const uint8_t *)"SSH-2.0-APACHE-SSHD-2.5.0\x0d\x0a" },
	{ 0, 24, (const uint8_t *)"\x00\x00\x05\xfc\x05\x14\xd1\x8d\x90(\xe6\x1b<[\xc6" "bC\xef" "7\xeb\x86-\x00\x00" },
};
/* rdp_conv: remote/remote-rdp-over-tls.pcap (tshark -qz follow,tcp,raw,0), first 3 chunks, chunks from #2 on cut to 16 bytes */
static const struct chunk rdp_conv[] = {
	{ 0, 47, (const uint8_t *)"\x03\x00\x00/*\xe0\x00\x00\x00\x00\x00" "Cookie: mstshash=WDeployAd\x0d\x0a\x01\x00\x08\x00\x03\x00\x00\x00" },
	{ 1, 19, (const uint8_t *)"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12" "4\x00\x02\x1f\x08\x00\x02\x00\x00\x00" },
	{ 0, 16, (const uint8_t *)"\x16\x03\x03\x00\x9c\x01\x00\x00\x98\x03\x03g\x12\xbc\xc5}" },
};
/* rdp_nla_conv: remote/remote-rdp.pcap (tshark -qz follow,tcp,raw,0), first 3 chunks, chunks from #2 on cut to 16 bytes */
static const struct chunk rdp_nla_conv[] = {
	{ 0, 19, (const uint8_t *)"\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x0b\x00\x00\x00" },
	{ 1, 19, (const uint8_t *)"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12" "4\x00\x02\x1f\x08\x00\x08\x00\x00\x00" },
	{ 0, 16, (const uint8_t *)"\x16\x03\x01\x00\xa8\x01\x00\x00\xa4\x03\x03\x5c\xef\x9e)\xf7" },
};
/* vnc37_conv: remote/remote-vnc-rfb-3.7.pcap (tshark -qz follow,tcp,raw,0), first 8 chunks */
static const struct chunk vnc37_conv[] = {
	{ 1, 12, (const uint8_t *)"RFB 003.007\x0a" },
	{ 0, 12, (const uint8_t *)"RFB 003.007\x0a" },
	{ 1, 3, (const uint8_t *)"\x02\x12\x02" },
	{ 0, 1, (const uint8_t *)"\x02" },
	{ 1, 16, (const uint8_t *)"\xeaQP\xa9\x9e\x0f\xeb" "cC\xc0" "E\xc6\xf9\x5c\xe4L" },
	{ 0, 16, (const uint8_t *)"\xc3\x9dZ\xd5\xc8$.\xd6\xbe\xa2\x8aw=\xbd:)" },
	{ 1, 4, (const uint8_t *)"\x00\x00\x00\x00" },
	{ 0, 1, (const uint8_t *)"\x00" },
};
/* vnc_fail_conv: remote/remote-vnc-auth-failure.pcap (tshark -qz follow,tcp,raw,0), first 3 chunks */
static const struct chunk vnc_fail_conv[] = {
	{ 1, 12, (const uint8_t *)"RFB 003.008\x0a" },
	{ 0, 12, (const uint8_t *)"RFB 003.008\x0a" },
	{ 1, 21, (const uint8_t *)"\x00\x00\x00\x00\x10" "AAAAAAAAAAAAAAAA" },
};
/* telnet_conv: remote/remote-telnet.pcap (tshark -qz follow,tcp,raw,0), first 22 chunks */
static const struct chunk telnet_conv[] = {
	{ 0, 27, (const uint8_t *)"\xff\xfd\x03\xff\xfb\x18\xff\xfb\x1f\xff\xfb \xff\xfb!\xff\xfb\x22\xff\xfb'\xff\xfd\x05\xff\xfb#" },
	{ 1, 3, (const uint8_t *)"\xff\xfd%" },
	{ 0, 3, (const uint8_t *)"\xff\xfc%" },
	{ 1, 25, (const uint8_t *)"\xff\xfb\x03\xff\xfd\x18\xff\xfd\x1f\xff\xfd \xff\xfd!\xff\xfd\x22\xff\xfa\x22\x01\x0b\xff\xf0" },
	{ 0, 64, (const uint8_t *)"\xff\xfa\x1f\x00P\x00 \xff\xf0\xff\xfa\x22\x03\x01\x00\x00\x03" "b\x03\x04\x02\x0f\x05\x00\x00\x07" "b\x1c\x08\x02\x04\x09" "B\x1a\x0a\x02\x7f\x0b\x02\x15\x0f\x02\x11\x10\x02\x13\x11\x00\x00\x12\x00\x00\xff\xf0\xff\xfd\x03\xff\xfa\x22\x01\x0f\xff\xf0" },
	{ 1, 18, (const uint8_t *)"\xff\xfd'\xff\xfb\x05\xff\xfd#\xff\xfb&\xff\xfd&\xff\xfd$" },
	{ 0, 9, (const uint8_t *)"\xff\xfe&\xff\xfc&\xff\xfc$" },
	{ 1, 24, (const uint8_t *)"\xff\xfa \x01\xff\xf0\xff\xfa#\x01\xff\xf0\xff\xfa'\x01\xff\xf0\xff\xfa\x18\x01\xff\xf0" },
	{ 0, 85, (const uint8_t *)"\xff\xfa \x00" "9600,9600\xff\xf0\xff\xfa#\x00" "bam.zing.org:0.0\xff\xf0\xff\xfa'\x00\x00" "DISPLAY\x01" "bam.zing.org:0.0\xff\xf0\xff\xfa\x18\x00xterm-color\xff\xf0" },
	{ 1, 3, (const uint8_t *)"\xff\xfd\x01" },
	{ 0, 3, (const uint8_t *)"\xff\xfc\x01" },
	{ 1, 12, (const uint8_t *)"\xff\xfb\x01\xff\xfa!\x02\xff\xf0\xff\xfc\x01" },
	{ 0, 6, (const uint8_t *)"\xff\xfd\x01\xff\xfe\x01" },
	{ 1, 15, (const uint8_t *)"\xff\xfa\x22\x03\x05\x80\x00\x11\x80\x00\x12\x80\x00\xff\xf0" },
	{ 1, 32, (const uint8_t *)"\x0d\x0aOpenBSD/i386 (oof) (ttyp2)\x0d\x0a\x0d\x0a" },
	{ 1, 7, (const uint8_t *)"login: " },
	{ 0, 6, (const uint8_t *)"fake\x0d\x0a" },
	{ 1, 3, (const uint8_t *)"\xff\xfb\x01" },
	{ 0, 3, (const uint8_t *)"\xff\xfd\x01" },
	{ 1, 9, (const uint8_t *)"Password:" },
	{ 0, 6, (const uint8_t *)"user\x0d\x0a" },
	{ 1, 2, (const uint8_t *)"\x0d\x0a" },
};
/* ftp_conv: it/it-ftp.pcap (tshark -qz follow,tcp,raw,0), first 37 chunks */
static const struct chunk ftp_conv[] = {
	{ 1, 20, (const uint8_t *)"220 (vsFTPd 3.0.3)\x0d\x0a" },
	{ 0, 16, (const uint8_t *)"USER anonymous\x0d\x0a" },
	{ 1, 34, (const uint8_t *)"331 Please specify the password.\x0d\x0a" },
	{ 0, 13, (const uint8_t *)"PASS NcFTP@\x0d\x0a" },
	{ 1, 23, (const uint8_t *)"230 Login successful.\x0d\x0a" },
	{ 0, 5, (const uint8_t *)"PWD\x0d\x0a" },
	{ 1, 34, (const uint8_t *)"257 \x22/\x22 is the current directory\x0d\x0a" },
	{ 0, 6, (const uint8_t *)"FEAT\x0d\x0a" },
	{ 1, 15, (const uint8_t *)"211-Features:\x0d\x0a" },
	{ 1, 65, (const uint8_t *)" EPRT\x0d\x0a EPSV\x0d\x0a MDTM\x0d\x0a PASV\x0d\x0a REST STREAM\x0d\x0a SIZE\x0d\x0a TVFS\x0d\x0a" "211 End\x0d\x0a" },
	{ 0, 11, (const uint8_t *)"HELP SITE\x0d\x0a" },
	{ 1, 44, (const uint8_t *)"214-The following commands are recognized.\x0d\x0a" },
	{ 1, 241, (const uint8_t *)" ABOR ACCT ALLO APPE CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM MKD\x0d\x0a MODE NLST NOOP OPTS PASS PASV PORT PWD  QUIT REIN REST RETR RMD  RNFR\x0d\x0a RNTO SITE SIZE SMNT STAT STOR STOU STRU SYST TYPE USER XCUP XCWD XMKD\x0d\x0a XPWD XRMD\x0d\x0a" "214 Help OK.\x0d\x0a" },
	{ 0, 30, (const uint8_t *)"CLNT NcFTP 3.2.6 macosx10.13\x0d\x0a" },
	{ 1, 22, (const uint8_t *)"500 Unknown command.\x0d\x0a" },
	{ 0, 5, (const uint8_t *)"PWD\x0d\x0a" },
	{ 1, 34, (const uint8_t *)"257 \x22/\x22 is the current directory\x0d\x0a" },
	{ 0, 6, (const uint8_t *)"PASV\x0d\x0a" },
	{ 1, 50, (const uint8_t *)"227 Entering Passive Mode (90,130,70,73,100,85).\x0d\x0a" },
	{ 0, 6, (const uint8_t *)"LIST\x0d\x0a" },
	{ 1, 39, (const uint8_t *)"150 Here comes the directory listing.\x0d\x0a" },
	{ 1, 24, (const uint8_t *)"226 Directory send OK.\x0d\x0a" },
	{ 0, 8, (const uint8_t *)"TYPE I\x0d\x0a" },
	{ 1, 31, (const uint8_t *)"200 Switching to Binary mode.\x0d\x0a" },
	{ 0, 14, (const uint8_t *)"MLST 1MB.zip\x0d\x0a" },
	{ 1, 22, (const uint8_t *)"500 Unknown command.\x0d\x0a" },
	{ 0, 14, (const uint8_t *)"SIZE 1MB.zip\x0d\x0a" },
	{ 1, 13, (const uint8_t *)"213 1048576\x0d\x0a" },
	{ 0, 14, (const uint8_t *)"MDTM 1MB.zip\x0d\x0a" },
	{ 1, 20, (const uint8_t *)"213 20160219164152\x0d\x0a" },
	{ 0, 6, (const uint8_t *)"PASV\x0d\x0a" },
	{ 1, 50, (const uint8_t *)"227 Entering Passive Mode (90,130,70,73,95,203).\x0d\x0a" },
	{ 0, 14, (const uint8_t *)"RETR 1MB.zip\x0d\x0a" },
	{ 1, 70, (const uint8_t *)"150 Opening BINARY mode data connection for 1MB.zip (1048576 bytes).\x0d\x0a" },
	{ 1, 24, (const uint8_t *)"226 Transfer complete.\x0d\x0a" },
	{ 0, 6, (const uint8_t *)"QUIT\x0d\x0a" },
	{ 1, 14, (const uint8_t *)"221 Goodbye.\x0d\x0a" },
};
/* http_conv: it/it-http.pcapng (tshark -qz follow,tcp,raw,0), first 2 chunks */
static const struct chunk http_conv[] = {
	{ 0, 74, (const uint8_t *)"GET / HTTP/1.1\x0d\x0aHost: google.com\x0d\x0aUser-Agent: curl/7.68.0\x0d\x0a" "Accept: */*\x0d\x0a\x0d\x0a" },
	{ 1, 528, (const uint8_t *)"HTTP/1.1 301 Moved Permanently\x0d\x0aLocation: http://www.google.com/\x0d\x0a" "Content-Type: text/html; charset=UTF-8\x0d\x0a" "Date: Tue, 25 Jan 2022 16:50:41 GMT\x0d\x0a" "Expires: Thu, 24 Feb 2022 16:50:41 GMT\x0d\x0a" "Cache-Control: public, max-age=2592000\x0d\x0aServer: gws\x0d\x0a" "Content-Length: 219\x0d\x0aX-XSS-Protection: 0\x0d\x0aX-Frame-Options: SAMEORIGIN\x0d\x0a\x0d\x0a<HTML><HEAD><meta http-equiv=\x22" "content-type\x22 content=\x22text/html;charset=utf-8\x22>\x0a<TITLE>301 Moved</TITLE></HEAD><BODY>\x0a<H1>301 Moved</H1>\x0aThe document has moved\x0a<A HREF=\x22http://www.google.com/\x22>here</A>.\x0d\x0a</BODY></HTML>\x0d\x0a" },
};
#define TXT(d, s) { (d), sizeof(s) - 1, (const uint8_t *)(s) }

/* smtp_conv: RFC 5321 appendix D.1 (a typical SMTP transaction) with the
 * EHLO reply of RFC 3207 section 5 offering STARTTLS, an AUTH PLAIN in
 * clear text (RFC 4954 section 4) and a MIME attachment named
 * firmware.bin; the client quits. */
static const struct chunk smtp_conv[] = {
	TXT(1, "220 foo.com ESMTP Simple Mail Transfer Service Ready\r\n"), /* + ESMTP */
	TXT(0, "EHLO bar.com\r\n"),
	TXT(1, "250-foo.com greets bar.com\r\n250-8BITMIME\r\n250-STARTTLS\r\n250 HELP\r\n"),
	TXT(0, "AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=\r\n"),
	TXT(1, "235 2.7.0 Authentication successful\r\n"),
	TXT(0, "MAIL FROM:<Smith@bar.com>\r\n"),
	TXT(1, "250 OK\r\n"),
	TXT(0, "RCPT TO:<Jones@foo.com>\r\n"),
	TXT(1, "250 OK\r\n"),
	TXT(0, "RCPT TO:<Green@foo.com>\r\n"),
	TXT(1, "550 No such user here\r\n"),
	TXT(0, "DATA\r\n"),
	TXT(1, "354 Start mail input; end with <CRLF>.<CRLF>\r\n"),
	TXT(0, "Subject: firmware\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
	       "--b\r\nContent-Type: application/octet-stream\r\n"
	       "Content-Disposition: attachment; filename=\"firmware.bin\"\r\n\r\nAAAA\r\n--b--\r\n.\r\n"),
	TXT(1, "250 OK\r\n"),
	TXT(0, "QUIT\r\n"),
	TXT(1, "221 foo.com Service closing transmission channel\r\n"),
};

/* smtp_tls_conv: the same server, the client starts TLS at once (RFC 3207
 * section 5); what follows is a TLS ClientHello, not looked at. */
static const struct chunk smtp_tls_conv[] = {
	TXT(1, "220 foo.com ESMTP Ready\r\n"),
	TXT(0, "EHLO bar.com\r\n"),
	TXT(1, "250-foo.com greets bar.com\r\n250 STARTTLS\r\n"),
	TXT(0, "STARTTLS\r\n"),
	TXT(1, "220 Go ahead\r\n"),
	TXT(0, "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"),
};

/* ftp_tls_conv: AUTH TLS accepted (RFC 4217 section 4), then TLS. */
static const struct chunk ftp_tls_conv[] = {
	TXT(1, "220 (vsFTPd 3.0.3)\r\n"),
	TXT(0, "AUTH TLS\r\n"),
	TXT(1, "234 Proceed with negotiation.\r\n"),
	TXT(0, "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"),
};

/* ftp_fail_conv: a failed login, then a refused upload and a delete, and a
 * download the capture ends before the reply of (written after RFC 959
 * section 5.2 and the vsftpd replies of it_ftp). */
static const struct chunk ftp_fail_conv[] = {
	TXT(1, "220 (vsFTPd 3.0.3)\r\n"),
	TXT(0, "USER vendor1\r\n"),
	TXT(1, "331 Please specify the password.\r\n"),
	TXT(0, "PASS wrong\r\n"),
	TXT(1, "530 Login incorrect.\r\n"),
	TXT(0, "USER engineer\r\n"),
	TXT(1, "331 Please specify the password.\r\n"),
	TXT(0, "PASS ftp-engineer\r\n"),
	TXT(1, "230 Login successful.\r\n"),
	TXT(0, "STOR board.gbr\r\n"),
	TXT(1, "553 Could not create file.\r\n"),
	TXT(0, "DELE bom.xlsx\r\n"),
	TXT(1, "250 Delete operation successful.\r\n"),
	TXT(0, "RETR firmware.bin\r\n"),
	TXT(1, "150 Opening BINARY mode data connection for firmware.bin (4096 bytes).\r\n"),
};

/* http_post_conv: a POST with a body and a Content-Disposition, and a
 * pipelined GET of a file the server answers with 404 (RFC 9112 examples). */
static const struct chunk http_post_conv[] = {
	TXT(0, "POST /upload HTTP/1.1\r\nHost: 10.10.3.10\r\nContent-Type: application/octet-stream\r\n"
	       "Content-Disposition: attachment; filename=\"plc-project.zap16\"\r\nContent-Length: 5\r\n\r\nABCDE"
	       "GET /fw/firmware.bin?v=2 HTTP/1.1\r\nHost: 10.10.3.10\r\n\r\n"),
	TXT(1, "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
	       "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot found"),
};

/* vnc33_conv: RFB 3.3 (RFC 6143 appendix A): the server chooses VNC
 * authentication, and it succeeds. */
static const struct chunk vnc33_conv[] = {
	TXT(1, "RFB 003.003\n"),
	TXT(0, "RFB 003.003\n"),
	TXT(1, "\x00\x00\x00\x02" "0123456789abcdef"),
	TXT(0, "fedcba9876543210"),
	TXT(1, "\x00\x00\x00\x00"),
	TXT(0, "\x01"),
};

/* vnc38_none_conv: RFB 3.8, security type None, SecurityResult OK. */
static const struct chunk vnc38_none_conv[] = {
	TXT(1, "RFB 003.008\n"),
	TXT(0, "RFB 003.008\n"),
	TXT(1, "\x02\x01\x02"),
	TXT(0, "\x01"),
	TXT(1, "\x00\x00\x00\x00"),
};

struct conv {
	const char *name;
	uint16_t port;
	const struct chunk *c;
	size_t n;
	const char *golden; /* the events, see ev_text() */
};

#define CONV(name, port, arr, golden) { name, port, arr, sizeof(arr) / sizeof(arr[0]), golden }

static const struct conv convs[] = {
	CONV("ssh", 22, ssh_conv,
	     "ssh_session 0 client.protocol_version=2.0 client.software=OpenSSH_5.6 "
	     "server.protocol_version=2.0 server.software=OpenSSH_5.3\n"),
	CONV("ssh-comments", 8000, ssh_apache_conv,
	     "ssh_session 0 client.protocol_version=2.0 client.software=OpenSSH_8.2p1 "
	     "client.comments=Ubuntu-4ubuntu0.11 server.protocol_version=2.0 "
	     "server.software=APACHE-SSHD-2.5.0\n"),
	CONV("rdp-cookie", 3389, rdp_conv,
	     "rdp_negotiation 0 user=WDeployAd requested_protocols=rdp,ssl,hybrid "
	     "selected_protocol=hybrid outcome=acknowledged\n"),
	CONV("rdp-nla", 3389, rdp_nla_conv,
	     "rdp_negotiation 0 requested_protocols=rdp,ssl,hybrid,hybrid_ex "
	     "selected_protocol=hybrid_ex outcome=acknowledged\n"),
	CONV("vnc-3.7", 5900, vnc37_conv,
	     "rfb_handshake 0 server_version=3.7 client_version=3.7 security_types=tls,vnc_auth "
	     "security_type=vnc_auth auth_result=ok outcome=acknowledged\n"),
	CONV("vnc-no-types", 5900, vnc_fail_conv,
	     "rfb_handshake 0 server_version=3.8 client_version=3.8 auth_result=unknown "
	     "outcome=failed\n"),
	CONV("vnc-3.3", 5900, vnc33_conv,
	     "rfb_handshake 0 server_version=3.3 client_version=3.3 security_types=vnc_auth "
	     "security_type=vnc_auth auth_result=ok outcome=acknowledged\n"),
	CONV("vnc-3.8-none", 5900, vnc38_none_conv,
	     "rfb_handshake 0 server_version=3.8 client_version=3.8 security_types=none,vnc_auth "
	     "security_type=none auth_result=ok outcome=acknowledged\n"),
	CONV("telnet", 23, telnet_conv, "telnet_session 0 cleartext=true user=fake\n"),
	CONV("ftp", 21, ftp_conv,
	     "ftp_login 0 user=anonymous reply_code=230 outcome=acknowledged\n"
	     "ftp_download 0 file.name=1MB.zip reply_code=226 outcome=acknowledged\n"),
	CONV("ftp-failures", 21, ftp_fail_conv,
	     "ftp_login 0 user=vendor1 reply_code=530 outcome=failed\n"
	     "ftp_login 0 user=engineer reply_code=230 outcome=acknowledged\n"
	     "ftp_upload 0 file.name=board.gbr reply_code=553 outcome=failed\n"
	     "ftp_delete 0 file.name=bom.xlsx reply_code=250 outcome=acknowledged\n"
	     "ftp_download 0 file.name=firmware.bin outcome=unanswered\n"),
	CONV("ftp-auth-tls", 21, ftp_tls_conv, "ftp_auth_tls 0 reply_code=234 outcome=acknowledged\n"),
	CONV("http", 80, http_conv,
	     "http_request 0 method=GET uri=/ host=google.com user_agent=curl/7.68.0 "
	     "response.status_code=301 response.content_type=text/html; charset=UTF-8 "
	     "outcome=failed\n"),
	CONV("http-post-pipelined", 8080, http_post_conv,
	     "http_request 0 method=POST uri=/upload host=10.10.3.10 "
	     "request.content_type=application/octet-stream response.status_code=201 "
	     "file.name=plc-project.zap16 outcome=acknowledged\n"
	     "http_request 0 method=GET uri=/fw/firmware.bin?v=2 host=10.10.3.10 "
	     "response.status_code=404 response.content_type=text/plain file.name=firmware.bin "
	     "outcome=failed\n"),
	CONV("smtp", 25, smtp_conv,
	     "smtp_session 0 ehlo=bar.com starttls_offered=true starttls=false auth=true "
	     "mail_from=Smith@bar.com recipients=2 messages=1 attachments=firmware.bin\n"),
	CONV("smtp-starttls", 587, smtp_tls_conv,
	     "smtp_session 0 ehlo=bar.com starttls_offered=true starttls=true auth=false "
	     "recipients=0 messages=0\n"),
};
#define N_CONVS (sizeof(convs) / sizeof(convs[0]))

/* The events as text: "action dir key=value ..." per line. */
static void ev_text(const struct dis_fixture *x, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = 0;
	for (unsigned i = 0; i < x->n_ev && n < cap; i++) {
		const struct dis_event *ev = &x->ev[i];
		n += (size_t)snprintf(out + n, cap - n, "%s %u", ev->action, ev->dir);
		for (unsigned j = 0; j < ev->nfields && n < cap; j++) {
			const struct dis_field *f = &ev->f[j];
			if (f->type == DIS_F_STR)
				n += (size_t)snprintf(out + n, cap - n, " %s=%.*s", f->key, (int)f->str_len,
						      ev->str + f->str_off);
			else if (f->type == DIS_F_BOOL)
				n += (size_t)snprintf(out + n, cap - n, " %s=%s", f->key,
						      f->v.u ? "true" : "false");
			else
				n += (size_t)snprintf(out + n, cap - n, " %s=%llu", f->key,
						      (unsigned long long)f->v.u);
		}
		if (n < cap)
			n += (size_t)snprintf(out + n, cap - n, "\n");
	}
	ck_assert_uint_lt(n, cap);
}

static size_t conv_bytes(const struct conv *c)
{
	size_t t = 0;
	for (size_t i = 0; i < c->n; i++)
		t += c->c[i].len;
	return t;
}

enum feed_mode { WHOLE, BYTEWISE, GLUED };

/* Feeds the first limit bytes of the conversation, ends the flow, and
 * returns the events as text in out. */
static void run(const struct conv *c, enum feed_mode mode, size_t limit, char *out, size_t cap)
{
	struct dis_fixture x;
	fx_init(&x, c->port);
	uint64_t ts = TS0;
	size_t done = 0;
	for (size_t i = 0; i < c->n && done < limit; i++) {
		size_t len = c->c[i].len;
		if (len > limit - done)
			len = limit - done;
		if (mode == BYTEWISE) {
			for (size_t k = 0; k < len; k++)
				feed(&x, c->c[i].dir, c->c[i].b + k, 1, ts++);
		} else if (mode == GLUED && i + 1 < c->n && c->c[i + 1].dir == c->c[i].dir &&
			   len == c->c[i].len && done + len + c->c[i + 1].len <= limit) {
			/* two chunks of one direction in one feed */
			uint8_t *two = malloc(len + c->c[i + 1].len);
			ck_assert_ptr_nonnull(two);
			size_t tl = cat2(two, len + c->c[i + 1].len, c->c[i].b, len, c->c[i + 1].b,
					 c->c[i + 1].len);
			feed(&x, c->c[i].dir, two, tl, ts++);
			free(two);
			done += c->c[i + 1].len;
			i++;
		} else {
			feed(&x, c->c[i].dir, c->c[i].b, len, ts++);
		}
		done += len;
	}
	dis_flow_end(&x.rt, &x.f, ts);
	ev_text(&x, out, cap);
	fx_done(&x);
}

static char got[8192];

START_TEST(test_golden)
{
	const struct conv *c = &convs[_i];
	run(c, WHOLE, SIZE_MAX, got, sizeof(got));
	ck_assert_msg(strcmp(got, c->golden) == 0, "%s:\n got: %s want: %s", c->name, got, c->golden);
}
END_TEST

START_TEST(test_bytewise)
{
	const struct conv *c = &convs[_i];
	run(c, BYTEWISE, SIZE_MAX, got, sizeof(got));
	ck_assert_msg(strcmp(got, c->golden) == 0, "%s byte at a time:\n got: %s want: %s", c->name,
		      got, c->golden);
}
END_TEST

START_TEST(test_glued)
{
	const struct conv *c = &convs[_i];
	run(c, GLUED, SIZE_MAX, got, sizeof(got));
	ck_assert_msg(strcmp(got, c->golden) == 0, "%s glued:\n got: %s want: %s", c->name, got,
		      c->golden);
}
END_TEST

/* Every prefix of every conversation, then the flow ends: no over-read
 * (exact-size copies under ASan), every buffer returned (fx_done), and at
 * most as many events as the whole conversation gives, each one of its
 * actions. */
START_TEST(test_every_prefix)
{
	const struct conv *c = &convs[_i];
	size_t total = conv_bytes(c);
	for (size_t k = 0; k <= total; k++) {
		run(c, WHOLE, k, got, sizeof(got));
		size_t lines = 0;
		for (const char *p = got; *p; p++) {
			if (*p == '\n')
				lines++;
		}
		size_t want = 0;
		for (const char *p = c->golden; *p; p++)
			want += *p == '\n';
		ck_assert_msg(lines <= want, "%s cut at %zu: %zu events", c->name, k, lines);
		for (const char *p = got; *p;) {
			const char *sp = strchr(p, ' ');
			ck_assert_ptr_nonnull(sp);
			char action[32];
			size_t al = (size_t)(sp - p);
			ck_assert_uint_lt(al, sizeof(action));
			memcpy(action, p, al);
			action[al] = 0;
			ck_assert_msg(strstr(c->golden, action) != NULL, "%s cut at %zu: %s", c->name, k,
				      action);
			p = strchr(p, '\n');
			ck_assert_ptr_nonnull(p);
			p++;
		}
	}
}
END_TEST

/* The passive dissector is gone (closed and detached) once it has what it
 * wants, and the flow is no longer reassembled for it. */
START_TEST(test_stops_when_done)
{
	static const size_t which[] = { 0, 2, 4, 8, 11, 15 }; /* ssh rdp vnc telnet ftp-tls smtp-tls */
	for (size_t w = 0; w < sizeof(which) / sizeof(which[0]); w++) {
		const struct conv *c = &convs[which[w]];
		struct dis_fixture x;
		fx_init(&x, c->port);
		for (size_t i = 0; i < c->n; i++)
			feed(&x, c->c[i].dir, c->c[i].b, c->c[i].len, TS0 + i);
		ck_assert_msg(x.f.dis == NULL, "%s still attached", c->name);
		ck_assert_uint_eq(x.f.dis_gave_up, 1);
		ck_assert_uint_eq(x.n_ev, 1);
		fx_done(&x);
	}
}
END_TEST

/* ---- probes ---- */

static enum dis_probe_result (*const probes[])(const uint8_t *, size_t, int) = {
	ssh_probe, rdp_probe, vnc_probe, telnet_probe, ftp_probe, http_probe, smtp_probe,
};

START_TEST(test_probes)
{
	/* each probe takes the first chunk of its own conversations */
	static const struct {
		size_t conv;
		unsigned probe;
	} own[] = { { 0, 0 }, { 1, 0 }, { 2, 1 }, { 3, 1 }, { 4, 2 },  { 6, 2 },  { 8, 3 },
		    { 9, 4 }, { 12, 5 }, { 13, 5 }, { 14, 6 }, { 15, 6 } };
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		const struct chunk *ch = &convs[own[i].conv].c[0];
		ck_assert_msg(fx_probe(probes[own[i].probe], ch->b, ch->len, ch->dir) == DIS_PROBE_YES,
			      "%s", convs[own[i].conv].name);
		/* and no other probe takes it, except SMTP/FTP greetings naming neither */
		for (unsigned p = 0; p < sizeof(probes) / sizeof(probes[0]); p++)
			if (p != own[i].probe)
				ck_assert_msg(fx_probe(probes[p], ch->b, ch->len, ch->dir) != DIS_PROBE_YES,
					      "%s taken by probe %u", convs[own[i].conv].name, p);
	}
	/* an S7 COTP CR with TSAPs (tests/unit/check_tpkt.c) is not RDP */
	/* cr_pg of check_tpkt.c (s7comm-blocklist-online-view.pcap) */
	static const uint8_t s7_cr[] = { 0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00,
					 0x00, 0x0a, 0x00, 0xc1, 0x02, 0x01, 0x00, 0xc2,
					 0x02, 0x01, 0x02, 0xc0, 0x01, 0x0a };
	ck_assert_int_eq(fx_probe(rdp_probe, s7_cr, sizeof(s7_cr), 0), DIS_PROBE_NO);
	/* a Modbus request is nobody's */
	static const uint8_t mb[] = { 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x11, 0x06, 0x00, 0x01, 0x00, 0x03 };
	for (unsigned p = 0; p < sizeof(probes) / sizeof(probes[0]); p++)
		ck_assert_int_eq(fx_probe(probes[p], mb, sizeof(mb), 0), DIS_PROBE_NO);
	/* short prefixes ask for more */
	ck_assert_int_eq(fx_probe(ssh_probe, (const uint8_t *)"SS", 2, 1), DIS_PROBE_MORE);
	ck_assert_int_eq(fx_probe(vnc_probe, (const uint8_t *)"RFB 00", 6, 1), DIS_PROBE_MORE);
	ck_assert_int_eq(fx_probe(http_probe, (const uint8_t *)"GET /x", 6, 0), DIS_PROBE_MORE);
	ck_assert_int_eq(fx_probe(ftp_probe, (const uint8_t *)"22", 2, 1), DIS_PROBE_MORE);
	ck_assert_int_eq(fx_probe(vnc_probe, (const uint8_t *)"RFB 0x3.008\n", 12, 1), DIS_PROBE_NO);
	ck_assert_int_eq(fx_probe(http_probe, (const uint8_t *)"GET x\r\n", 7, 0), DIS_PROBE_NO);
}
END_TEST

/* An S7 connection on port 102 still goes to cotp, and HTTP on 502 does
 * not keep a Modbus flow from being Modbus. */
START_TEST(test_ot_ports_kept)
{
	/* cr_pg of check_tpkt.c (s7comm-blocklist-online-view.pcap) */
	static const uint8_t s7_cr[] = { 0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00,
					 0x00, 0x0a, 0x00, 0xc1, 0x02, 0x01, 0x00, 0xc2,
					 0x02, 0x01, 0x02, 0xc0, 0x01, 0x0a };
	struct dis_fixture x;
	fx_init(&x, 102);
	feed(&x, 0, s7_cr, sizeof(s7_cr), TS0);
	ck_assert_ptr_nonnull(x.f.dis);
	ck_assert_str_eq(x.f.dis->proto->name, "cotp");
	fx_done(&x);
	/* RDP's CR on port 102 is not cotp's but rdp's */
	fx_init(&x, 102);
	feed(&x, 0, rdp_conv[0].b, rdp_conv[0].len, TS0);
	ck_assert_ptr_nonnull(x.f.dis);
	ck_assert_str_eq(x.f.dis->proto->name, "rdp");
	fx_done(&x);
	static const uint8_t mb[] = { 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x11, 0x06, 0x00, 0x01, 0x00, 0x03 };
	fx_init(&x, 502);
	feed(&x, 0, mb, sizeof(mb), TS0);
	ck_assert_ptr_nonnull(x.f.dis);
	ck_assert_str_eq(x.f.dis->proto->name, "modbus");
	fx_done(&x);
}
END_TEST

/* ---- lying lengths ---- */

START_TEST(test_rdp_lying_lengths)
{
	/* TPKT lengths: 0xffff (past the dissector's limit), 5 (under the
	 * minimum), longer than the data at flow end; X.224 LI past the TPKT */
	static const uint8_t huge[] = { 0x03, 0x00, 0xff, 0xff, 0x06, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t tiny[] = { 0x03, 0x00, 0x00, 0x05, 0x06, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t longer[] = { 0x03, 0x00, 0x00, 0x40, 0x06, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t bad_li[] = { 0x03, 0x00, 0x00, 0x0b, 0x30, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00 };
	/* a cookie, then a negotiation request whose own length field says 9 */
	static const uint8_t bad_neg[] = { 0x03, 0x00, 0x00, 0x27, 0x22, 0xe0, 0x00, 0x00, 0x00, 0x00,
					   0x00, 'C',  'o',  'o',  'k',  'i',  'e',  ':',  ' ',  'm',
					   's',  't',  's',  'h',  'a',  's',  'h',  '=',  'a',  '\r',
					   '\n', 0x01, 0x00, 0x09, 0x00, 0x03, 0x00, 0x00, 0x00 };
	const struct {
		const uint8_t *b;
		size_t n;
		unsigned events;
	} cases[] = {
		{ huge, sizeof(huge), 0 }, { tiny, sizeof(tiny), 0 }, { longer, sizeof(longer), 0 },
		{ bad_li, sizeof(bad_li), 0 }, { bad_neg, sizeof(bad_neg), 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dis_fixture x;
		fx_init(&x, 3389);
		feed(&x, 0, cases[i].b, cases[i].n, TS0);
		dis_flow_end(&x.rt, &x.f, TS0 + 1);
		ck_assert_msg(x.n_ev == cases[i].events, "case %zu: %u events", i, x.n_ev);
		if (x.n_ev) {
			ck_ev_str(&x.ev[0], "requested_protocols", "rdp");
			ck_ev_str(&x.ev[0], "outcome", "unanswered");
		}
		fx_done(&x);
	}
}
END_TEST

START_TEST(test_rfb_lying_counts)
{
	/* 255 security types announced, 3 sent, then the flow ends */
	struct dis_fixture x;
	fx_init(&x, 5900);
	feed(&x, 1, (const uint8_t *)"RFB 003.008\n", 12, TS0);
	feed(&x, 0, (const uint8_t *)"RFB 003.008\n", 12, TS0 + 1);
	feed(&x, 1, (const uint8_t *)"\xff\x01\x02\x10", 4, TS0 + 2);
	dis_flow_end(&x.rt, &x.f, TS0 + 3);
	ck_assert_uint_eq(x.n_ev, 1);
	ck_ev_str(&x.ev[0], "server_version", "3.8");
	ck_assert_ptr_null(ev_field(&x.ev[0], "security_types"));
	ck_ev_str(&x.ev[0], "outcome", "unanswered");
	fx_done(&x);
	/* 255 types all sent: 32 kept, the event says truncated */
	uint8_t types[256];
	types[0] = 255;
	for (int i = 1; i < 256; i++)
		types[i] = (uint8_t)i;
	fx_init(&x, 5900);
	feed(&x, 1, (const uint8_t *)"RFB 003.008\n", 12, TS0);
	feed(&x, 0, (const uint8_t *)"RFB 003.008\n", 12, TS0 + 1);
	feed(&x, 1, types, sizeof(types), TS0 + 2);
	feed(&x, 0, (const uint8_t *)"\x02", 1, TS0 + 3);
	dis_flow_end(&x.rt, &x.f, TS0 + 4);
	ck_assert_uint_eq(x.n_ev, 1);
	ck_assert_uint_ne(x.ev[0].flags & DIS_EV_TRUNCATED, 0);
	ck_ev_str(&x.ev[0], "security_type", "vnc_auth");
	fx_done(&x);
	/* a 3.3 server type that does not fit a byte */
	fx_init(&x, 5900);
	feed(&x, 1, (const uint8_t *)"RFB 003.003\n", 12, TS0);
	feed(&x, 0, (const uint8_t *)"RFB 003.003\n", 12, TS0 + 1);
	feed(&x, 1, (const uint8_t *)"\x7f\xff\xff\xff", 4, TS0 + 2);
	dis_flow_end(&x.rt, &x.f, TS0 + 3);
	ck_assert_uint_eq(x.n_ev, 1);
	ck_ev_str(&x.ev[0], "security_type", "255");
	fx_done(&x);
}
END_TEST

/* ---- overlong lines ---- */

START_TEST(test_overlong_lines)
{
	static char big[5000];
	memset(big, 'A', sizeof(big));
	struct dis_fixture x;

	/* FTP: a 5000-byte command is skipped, the next login is seen */
	fx_init(&x, 21);
	feed(&x, 1, (const uint8_t *)"220 FTP ready\r\n", 15, TS0);
	feed(&x, 0, (const uint8_t *)"USER ", 5, TS0 + 1);
	feed(&x, 0, (const uint8_t *)big, sizeof(big), TS0 + 2);
	feed(&x, 0, (const uint8_t *)"\r\n", 2, TS0 + 3);
	feed(&x, 1, (const uint8_t *)"500 Too long.\r\n", 15, TS0 + 4);
	feed(&x, 0, (const uint8_t *)"USER vendor1\r\n", 14, TS0 + 5);
	feed(&x, 1, (const uint8_t *)"230 Logged in.\r\n", 16, TS0 + 6);
	ck_assert_uint_eq(x.n_ev, 1);
	ck_ev_str(&x.ev[0], "user", "vendor1");
	fx_done(&x);

	/* HTTP: a 5000-byte Cookie header is skipped */
	fx_init(&x, 80);
	feed(&x, 0, (const uint8_t *)"GET /a.bin HTTP/1.1\r\nCookie: ", 29, TS0);
	feed(&x, 0, (const uint8_t *)big, sizeof(big), TS0 + 1);
	feed(&x, 0, (const uint8_t *)"\r\nHost: h\r\n\r\n", 13, TS0 + 2);
	feed(&x, 1, (const uint8_t *)"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 38, TS0 + 3);
	ck_assert_uint_eq(x.n_ev, 1);
	ck_ev_str(&x.ev[0], "host", "h");
	ck_ev_str(&x.ev[0], "file.name", "a.bin");
	fx_done(&x);

	/* SSH: an identification line past 255 bytes is cut at the limit */
	fx_init(&x, 22);
	feed(&x, 1, (const uint8_t *)"SSH-2.0-", 8, TS0);
	feed(&x, 1, (const uint8_t *)big, 300, TS0 + 1);
	feed(&x, 1, (const uint8_t *)"\r\n", 2, TS0 + 2);
	dis_flow_end(&x.rt, &x.f, TS0 + 3);
	ck_assert_uint_le(x.n_ev, 1);
	fx_done(&x);

	/* Telnet: no login line within the first KBs: the event, then stop */
	fx_init(&x, 23);
	feed(&x, 1, (const uint8_t *)"\xff\xfd\x18", 3, TS0);
	feed(&x, 1, (const uint8_t *)big, sizeof(big), TS0 + 1);
	ck_assert_uint_eq(x.n_ev, 1);
	ck_assert_ptr_null(x.f.dis);
	ck_assert_ptr_null(ev_field(&x.ev[0], "user"));
	fx_done(&x);
}
END_TEST

/* HTTP bodies are skipped by Content-Length, also past a gap inside them;
 * a chunked body stops the direction. */
START_TEST(test_http_bodies)
{
	struct dis_fixture x;
	fx_init(&x, 80);
	feed(&x, 0, (const uint8_t *)"GET /firmware.bin HTTP/1.1\r\nHost: h\r\n\r\n", 39, TS0);
	feed(&x, 1, (const uint8_t *)"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", 43, TS0 + 1);
	dis_stream_gap(&x.rt, &x.f, 1, 50000, TS0 + 2);
	feed(&x, 0, (const uint8_t *)"GET /b.txt HTTP/1.1\r\n\r\n", 23, TS0 + 3);
	static uint8_t body[50000];
	feed(&x, 1, body, sizeof(body), TS0 + 4);
	feed(&x, 1, (const uint8_t *)"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n", 50, TS0 + 5);
	ck_assert_uint_eq(x.n_ev, 2);
	ck_ev_str(&x.ev[0], "file.name", "firmware.bin");
	ck_ev_str(&x.ev[1], "uri", "/b.txt");
	ck_assert_uint_eq(ev_u(&x.ev[1], "response.status_code"), 200);
	fx_done(&x);
}
END_TEST

/* A gap mid-line: FTP and SMTP resync at the next line; HTTP stops the
 * direction (its request is reported unanswered); a gap inside a typed
 * telnet user name drops the name rather than report a wrong one. */
START_TEST(test_gaps)
{
	struct dis_fixture x;
	fx_init(&x, 21);
	feed(&x, 1, (const uint8_t *)"220 FTP ready\r\n", 15, TS0);
	feed(&x, 0, (const uint8_t *)"RETR fir", 8, TS0 + 1);
	dis_stream_gap(&x.rt, &x.f, 0, 10, TS0 + 2);
	feed(&x, 0, (const uint8_t *)"e.bin\r\nUSER vendor1\r\n", 21, TS0 + 3);
	feed(&x, 1, (const uint8_t *)"230 Logged in.\r\n", 16, TS0 + 4);
	ck_assert_uint_eq(x.n_ev, 1);
	ck_assert_str_eq(x.ev[0].action, "ftp_login");
	ck_ev_str(&x.ev[0], "user", "vendor1");
	ck_assert_uint_eq(x.rt.proto[dis_proto_index(&ftp_proto)].gaps, 1);
	fx_done(&x);

	fx_init(&x, 80);
	feed(&x, 0, (const uint8_t *)"GET /a.bin HTTP/1.1\r\nHo", 23, TS0);
	dis_stream_gap(&x.rt, &x.f, 0, 10, TS0 + 1);
	feed(&x, 0, (const uint8_t *)"x\r\n\r\nGET /b HTTP/1.1\r\n\r\n", 24, TS0 + 2);
	feed(&x, 1, (const uint8_t *)"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 38, TS0 + 3);
	dis_flow_end(&x.rt, &x.f, TS0 + 4);
	ck_assert_uint_eq(x.n_ev, 0); /* the request's headers never ended */
	fx_done(&x);

	fx_init(&x, 23);
	feed(&x, 1, (const uint8_t *)"\xff\xfd\x18login: ", 10, TS0);
	feed(&x, 0, (const uint8_t *)"ven", 3, TS0 + 1);
	dis_stream_gap(&x.rt, &x.f, 0, 2, TS0 + 2);
	feed(&x, 0, (const uint8_t *)"r1\r\n", 4, TS0 + 3);
	dis_flow_end(&x.rt, &x.f, TS0 + 4);
	ck_assert_uint_eq(x.n_ev, 1);
	ck_assert_ptr_null(ev_field(&x.ev[0], "user"));
	fx_done(&x);
}
END_TEST

static Suite *session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("conversations");
	tcase_add_loop_test(tc, test_golden, 0, (int)N_CONVS);
	tcase_add_loop_test(tc, test_bytewise, 0, (int)N_CONVS);
	tcase_add_loop_test(tc, test_glued, 0, (int)N_CONVS);
	tcase_add_loop_test(tc, test_every_prefix, 0, (int)N_CONVS);
	tcase_add_test(tc, test_stops_when_done);
	suite_add_tcase(s, tc);
	TCase *tp = tcase_create("probes");
	tcase_add_test(tp, test_probes);
	tcase_add_test(tp, test_ot_ports_kept);
	suite_add_tcase(s, tp);
	TCase *tm = tcase_create("malformed");
	tcase_add_test(tm, test_rdp_lying_lengths);
	tcase_add_test(tm, test_rfb_lying_counts);
	tcase_add_test(tm, test_overlong_lines);
	tcase_add_test(tm, test_http_bodies);
	tcase_add_test(tm, test_gaps);
	suite_add_tcase(s, tm);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(session_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
