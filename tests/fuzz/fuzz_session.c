/* fuzz_session.c - libFuzzer target: the passive session dissectors (ssh,
 * rdp, vnc, telnet, ftp, http, smtp) through the stream framework.
 *
 * Input format:
 *   byte 0     which flow: (byte % 7) picks the service port, 22, 3389,
 *              5900, 23, 21, 80 or 25; bit 7 set puts the flow on port 8000
 *              instead, so only the probes by content can pick a dissector
 *   bytes 1..  the fuzz_stream.h format (chunking mode byte, then the TCP
 *              payload; units are lines for the text protocols, TPKTs for
 *              RDP and the whole payload for VNC)
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dissectors/dis_cursor.h"
#include "tests/fuzz/fuzz_stream.h"

/* One line, with its LF; the rest when there is none. */
static size_t line_len(const uint8_t *p, size_t left)
{
	const uint8_t *lf = memchr(p, '\n', left);
	return lf ? (size_t)(lf - p) + 1 : left;
}

/* One TPKT (RFC 1006 section 6), clipped to left. */
static size_t tpkt_len(const uint8_t *p, size_t left)
{
	struct rd r = rd_init(p, left);
	rd_skip(&r, 2);
	uint16_t tl = rd_be16(&r);
	if (!rd_ok(&r) || tl < 4)
		return left;
	return tl < left ? tl : left;
}

/* The RFB version (12 bytes), then the rest. */
static size_t rfb_len(const uint8_t *p, size_t left)
{
	(void)p;
	return left > 12 ? 12 : left;
}

#define T(nm, port, fn) { "fuzz_session_" nm, port, fn, 0 }
static const struct fuzz_stream_target targets[2][7] = {
	{ T("ssh", 22, line_len), T("rdp", 3389, tpkt_len), T("vnc", 5900, rfb_len),
	  T("telnet", 23, line_len), T("ftp", 21, line_len), T("http", 80, line_len),
	  T("smtp", 25, line_len) },
	{ T("ssh", 8000, line_len), T("rdp", 8000, tpkt_len), T("vnc", 8000, rfb_len),
	  T("telnet", 8000, line_len), T("ftp", 8000, line_len), T("http", 8000, line_len),
	  T("smtp", 8000, line_len) },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	const struct fuzz_stream_target *t = &targets[data[0] >> 7][data[0] % 7];
	return fuzz_stream_run(t, data + 1, size - 1);
}
