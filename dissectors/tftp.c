/* tftp.c - TFTP read/write requests (RFC 1350 section 5, RFC 2347 options).
 *
 *   2 bytes   string    1 byte   string   1 byte   [ option 0 value 0 ]...
 *   opcode    filename  0        mode     0
 *
 * See tftp.h. The dissector is in the registry for its statistics and its
 * name only: it has no probe (TCP never reaches it).
 */
#include "config.h"

#include "dissectors/tftp.h"

#include <string.h>

#include "capture/flow.h"
#include "dissectors/dis_cursor.h"

#define TFTP_MAX_NAME 255

/* Length of the NUL-terminated string at the cursor (the NUL consumed), or
 * -1 if there is no NUL within the bytes left. */
static long cstr(struct rd *r, const uint8_t **s)
{
	size_t left = rd_left(r);
	const uint8_t *p = rd_ptr(r);
	const uint8_t *z = left ? memchr(p, 0, left) : NULL;
	if (!z)
		return -1;
	*s = p;
	size_t n = (size_t)(z - p);
	rd_skip(r, n + 1);
	return (long)n;
}

int tftp_parse_request(const uint8_t *p, size_t len, struct tftp_req *q)
{
	struct rd r = rd_init(p, len);
	memset(q, 0, sizeof(*q));
	uint16_t op = rd_be16(&r);
	if (!rd_ok(&r) || (op != TFTP_RRQ && op != TFTP_WRQ))
		return -1;
	long fl = cstr(&r, &q->file);
	if (fl <= 0 || fl > TFTP_MAX_NAME)
		return -1;
	long ml = cstr(&r, &q->mode);
	if (ml <= 0 || ml > 16)
		return -1;
	q->opcode = op;
	q->file_len = (size_t)fl;
	q->mode_len = (size_t)ml;
	/* options: name NUL value NUL pairs; a trailing partial pair is ignored */
	while (rd_left(&r)) {
		const uint8_t *n, *v;
		if (cstr(&r, &n) < 0 || cstr(&r, &v) < 0)
			break;
		q->options++;
	}
	return 0;
}

static enum dis_probe_result tftp_probe(const uint8_t *buf, size_t len, int dir)
{
	(void)buf;
	(void)len;
	(void)dir;
	return DIS_PROBE_NO;
}

const struct dis_proto tftp_proto = {
	.name = "tftp",
	.label = "TFTP",
	.passive = 1,
	.probe = tftp_probe,
};

void dis_tftp_datagram(struct dis_runtime *rt, struct flow *f, int dir, const uint8_t *p,
		       size_t len, uint64_t ts_us)
{
	/* Only a client's datagram to port 69 is a request. */
	if (dir != 0 || flow_port(f, 1) != TFTP_PORT)
		return;
	int pidx = dis_proto_index(&tftp_proto);
	if (pidx < 0)
		return;
	struct dis_flow df;
	memset(&df, 0, sizeof(df));
	df.proto = &tftp_proto;
	df.pidx = (uint8_t)pidx;
	struct dis_ctx ctx = { rt, f, &df, ts_us };
	struct dis_proto_stats *ps = &rt->proto[pidx];
	ps->pdus++;
	ps->bytes += len;
	struct tftp_req q;
	if (tftp_parse_request(p, len, &q) < 0) {
		ps->malformed++;
		return;
	}
	ps->flows++;
	ps->confirmed++;
	static struct dis_event ev; /* large: not on the stack of the packet path */
	dis_ev_init(&ev, &ctx, 0, q.opcode == TFTP_RRQ ? "tftp_read" : "tftp_write",
		    DIS_FC_OTHER);
	dis_ev_str(&ev, "file.name", (const char *)q.file, q.file_len);
	dis_ev_str(&ev, "mode", (const char *)q.mode, q.mode_len);
	if (q.options)
		dis_ev_uint(&ev, "options", q.options);
	dis_emit(&ctx, &ev);
}
