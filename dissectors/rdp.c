/* rdp.c - RDP connection negotiation (passive): user cookie, requested and selected security.
 *
 * [MS-RDPBCGR] 2.2.1.1 and 2.2.1.2: the client opens with an X.224
 * Connection Request TPDU in a TPKT (RFC 1006 section 6, ITU-T X.224
 * 13.3), the server answers with a Connection Confirm:
 *
 *   TPKT   | 03 | 00 | length (16 bits, big-endian, whole TPKT)     |
 *   X.224  | LI | E0 (CR) / D0 (CC) | dst-ref (2) | src-ref (2) | class |
 *   CR:    routingToken or cookie "Cookie: mstshash=USER\r\n" (optional)
 *          RDP_NEG_REQ  | 01 | flags | length 8 (LE16) | requestedProtocols (LE32) |
 *   CC:    RDP_NEG_RSP  | 02 | flags | length 8 | selectedProtocol (LE32) |
 *      or  RDP_NEG_FAILURE | 03 | flags | length 8 | failureCode (LE32) |
 *
 * Everything after (MCS, or TLS/CredSSP) is not looked at: once the
 * confirm is seen, one event "rdp_negotiation" (class session) is emitted
 * and the dissector stops. A CC without negotiation data selects standard
 * RDP security (2.2.1.2).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dissectors/dis_text.h"
#include "dissectors/sess.h"

#define RDP_PORT 3389
#define RDP_TPKT_VERSION 3
#define RDP_TPKT_HDR 4
#define RDP_X224_FIXED 7     /* LI, type, dst-ref, src-ref, class */
#define RDP_MIN_TPKT (RDP_TPKT_HDR + RDP_X224_FIXED)
#define RDP_MAX_PDU 2048     /* a CR with a long routing token still fits */
#define RDP_X224_CR 0xe0
#define RDP_X224_CC 0xd0
#define RDP_NEG_REQ 0x01     /* 2.2.1.1.1 */
#define RDP_NEG_RSP 0x02     /* 2.2.1.2.1 */
#define RDP_NEG_FAILURE 0x03 /* 2.2.1.2.2 */
#define RDP_NEG_LEN 8
#define RDP_COOKIE_MAX 128

struct rdp_state {
	uint8_t done, have_cr, have_cc, have_req, neg_kind; /* neg_kind: 0 none, 2 rsp, 3 failure */
	uint8_t is_user;
	uint8_t client_dir;
	uint32_t requested, neg_value;
	TXT_STR(RDP_COOKIE_MAX) cookie;
};

/* requestedProtocols / selectedProtocol flags, 2.2.1.1.1 */
static const struct {
	uint32_t bit;
	const char *name;
} rdp_protocols[] = {
	{ 0x1, "ssl" }, { 0x2, "hybrid" }, { 0x4, "rdstls" }, { 0x8, "hybrid_ex" }, { 0x10, "rdsaad" },
};

/* failureCode, 2.2.1.2.2 */
static const char *const rdp_failures[] = {
	[1] = "ssl_required_by_server",
	[2] = "ssl_not_allowed_by_server",
	[3] = "ssl_cert_not_on_server",
	[4] = "inconsistent_flags",
	[5] = "hybrid_required_by_server",
	[6] = "ssl_with_user_auth_required_by_server",
};

/* The TPKT length when buf starts with a plausible TPKT + X.224 CR or CC. */
static unsigned rdp_header(const uint8_t *buf, size_t len, uint8_t *type)
{
	struct rd r = rd_init(buf, len);
	uint8_t v = rd_u8(&r), res = rd_u8(&r);
	uint16_t tl = rd_be16(&r);
	uint8_t li = rd_u8(&r), t = rd_u8(&r);
	if (!rd_ok(&r) || v != RDP_TPKT_VERSION || res != 0 || tl < RDP_MIN_TPKT)
		return 0;
	if (li < RDP_X224_FIXED - 1 || (unsigned)li > (unsigned)tl - RDP_TPKT_HDR - 1)
		return 0;
	*type = t & 0xf0;
	return tl;
}

/* The variable part after the fixed X.224 header of a whole TPKT. */
static struct rd rdp_variable(const uint8_t *buf, unsigned tl)
{
	struct rd r = rd_init(buf, tl);
	rd_skip(&r, RDP_TPKT_HDR + RDP_X224_FIXED);
	return rd_sub(&r, rd_left(&r));
}

enum dis_probe_result rdp_probe(const uint8_t *buf, size_t len, int dir)
{
	(void)dir;
	if (len < 6) {
		if ((len >= 1 && buf[0] != RDP_TPKT_VERSION) || (len >= 2 && buf[1] != 0))
			return DIS_PROBE_NO;
		return DIS_PROBE_MORE;
	}
	uint8_t type = 0;
	unsigned tl = rdp_header(buf, len, &type);
	if (!tl || (type != RDP_X224_CR && type != RDP_X224_CC) || tl > RDP_MAX_PDU)
		return DIS_PROBE_NO;
	if (len < tl)
		return DIS_PROBE_MORE;
	struct rd v = rdp_variable(buf, tl);
	int c = rd_peek(&v, 0);
	/* ISO transport parameters (TPDU size C0, TSAPs C1/C2) are S7/MMS
	 * (tpkt.c); RDP has none, but a cookie, a negotiation or nothing. */
	if (c < 0)
		return DIS_PROBE_YES;
	if (c == 'C' && txt_prefix(rd_ptr(&v), rd_left(&v), "Cookie: "))
		return DIS_PROBE_YES;
	if ((c == RDP_NEG_REQ || c == RDP_NEG_RSP || c == RDP_NEG_FAILURE) && rd_left(&v) >= RDP_NEG_LEN &&
	    rd_peek(&v, 2) == RDP_NEG_LEN && rd_peek(&v, 3) == 0)
		return DIS_PROBE_YES;
	return DIS_PROBE_NO;
}

static void rdp_protocol_names(uint32_t v, int is_request, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = 0;
	if (is_request || v == 0) {
		/* PROTOCOL_RDP is 0: always requested, the only one when v is 0 */
		n = (size_t)snprintf(out, cap, "rdp");
	}
	for (size_t i = 0; i < sizeof(rdp_protocols) / sizeof(rdp_protocols[0]) && n < cap; i++) {
		if (!(v & rdp_protocols[i].bit))
			continue;
		int k = snprintf(out + n, cap - n, "%s%s", n ? "," : "", rdp_protocols[i].name);
		if (k < 0)
			break;
		n += (size_t)k;
		v &= ~rdp_protocols[i].bit;
	}
	if (!is_request && v && n < cap) {
		/* an unknown selected protocol: the number */
		snprintf(out + n, cap - n, "%s%u", n ? "," : "", (unsigned)v);
	}
}

static void rdp_emit(struct rdp_state *st, struct dis_ctx *ctx)
{
	char names[96];
	if (st->done)
		return;
	st->done = 1;
	if (!st->have_cr && !st->have_cc)
		return;
	struct dis_event ev;
	dis_ev_init(&ev, ctx, st->have_cr ? st->client_dir : txt_client_dir(ctx, RDP_PORT),
		    "rdp_negotiation", DIS_FC_SESSION);
	TXT_EMIT(&ev, st->is_user ? "user" : "cookie", st->cookie);
	if (st->cookie.cut)
		ev.flags |= DIS_EV_TRUNCATED;
	if (st->have_cr) {
		rdp_protocol_names(st->have_req ? st->requested : 0, 1, names, sizeof(names));
		dis_ev_cstr(&ev, "requested_protocols", names);
	}
	if (st->have_cc && st->neg_kind == RDP_NEG_FAILURE) {
		const char *f = st->neg_value < sizeof(rdp_failures) / sizeof(rdp_failures[0])
					? rdp_failures[st->neg_value]
					: NULL;
		if (f) {
			dis_ev_cstr(&ev, "failure", f);
		} else {
			snprintf(names, sizeof(names), "%u", (unsigned)st->neg_value);
			dis_ev_cstr(&ev, "failure", names);
		}
		dis_ev_cstr(&ev, "outcome", "failed");
	} else if (st->have_cc) {
		rdp_protocol_names(st->neg_kind == RDP_NEG_RSP ? st->neg_value : 0, 0, names,
				   sizeof(names));
		dis_ev_cstr(&ev, "selected_protocol", names);
		dis_ev_cstr(&ev, "outcome", "acknowledged");
	} else {
		dis_ev_cstr(&ev, "outcome", "unanswered");
	}
	dis_emit(ctx, &ev);
}

static void rdp_cr(struct rdp_state *st, struct rd *v)
{
	/* "Cookie: mstshash=IDENTIFIER\r\n" or a routing token "Cookie: msts=...\r\n" */
	if (rd_peek(v, 0) == 'C' && txt_prefix(rd_ptr(v), rd_left(v), "Cookie: ")) {
		const uint8_t *p = rd_ptr(v);
		size_t n = rd_left(v);
		const uint8_t *crlf = NULL;
		for (size_t i = 0; i + 1 < n; i++) {
			if (p[i] == '\r' && p[i + 1] == '\n') {
				crlf = p + i;
				break;
			}
		}
		size_t line = crlf ? (size_t)(crlf - p) : n;
		const uint8_t *tok = p + 8;
		size_t tl = line - 8;
		if (txt_prefix(tok, tl, "mstshash=")) {
			st->is_user = 1;
			TXT_SET(st->cookie, tok + 9, tl - 9);
		} else {
			TXT_SET(st->cookie, tok, tl);
		}
		rd_skip(v, crlf ? line + 2 : line);
	}
	if (rd_left(v) >= RDP_NEG_LEN && rd_peek(v, 0) == RDP_NEG_REQ) {
		rd_skip(v, 2); /* type, flags */
		uint16_t l = rd_le16(v);
		uint32_t req = rd_le32(v);
		if (rd_ok(v) && l == RDP_NEG_LEN) {
			st->have_req = 1;
			st->requested = req;
		}
	}
}

static void rdp_cc(struct rdp_state *st, struct rd *v)
{
	int t = rd_peek(v, 0);
	if (rd_left(v) < RDP_NEG_LEN || (t != RDP_NEG_RSP && t != RDP_NEG_FAILURE))
		return;
	rd_skip(v, 2);
	uint16_t l = rd_le16(v);
	uint32_t val = rd_le32(v);
	if (rd_ok(v) && l == RDP_NEG_LEN) {
		st->neg_kind = (uint8_t)t;
		st->neg_value = val;
	}
}

static enum dis_status rdp_parse(void *state, int dir, const uint8_t *buf, size_t len,
				 size_t *used, struct dis_ctx *ctx)
{
	struct rdp_state *st = state;
	*used = 0;
	if (st->done)
		return DIS_UNSUPPORTED;
	if (len < RDP_TPKT_HDR + 2)
		return DIS_NEED_MORE;
	uint8_t type = 0;
	unsigned tl = rdp_header(buf, len, &type);
	if (!tl || tl > RDP_MAX_PDU || (type != RDP_X224_CR && type != RDP_X224_CC))
		return DIS_UNSUPPORTED; /* not a CR/CC, or a length that lies: stop */
	if (len < tl) {
		*used = tl;
		return DIS_NEED_MORE;
	}
	struct rd v = rdp_variable(buf, tl);
	*used = tl;
	if (type == RDP_X224_CR && !st->have_cr) {
		st->have_cr = 1;
		st->client_dir = (uint8_t)dir;
		rdp_cr(st, &v);
		return DIS_OK;
	}
	if (type == RDP_X224_CC && !st->have_cc && (!st->have_cr || dir != st->client_dir)) {
		st->have_cc = 1;
		rdp_cc(st, &v);
		rdp_emit(st, ctx);
		txt_stop(ctx);
		return DIS_OK;
	}
	*used = 0;
	return DIS_UNSUPPORTED;
}

/* Bytes are missing: no TPKT boundary to resync on; this direction stops. */
static void rdp_gap(void *state, int dir, uint32_t len, struct dis_ctx *ctx)
{
	(void)state;
	(void)len;
	txt_stop_dir(ctx, dir);
}

static void rdp_close(void *state, struct dis_ctx *ctx)
{
	rdp_emit(state, ctx);
}

const struct dis_proto rdp_proto = {
	.name = "rdp",
	.label = "RDP",
	.tcp_port = RDP_PORT,
	.passive = 1,
	.state_size = sizeof(struct rdp_state),
	.max_pdu = RDP_MAX_PDU,
	.probe = rdp_probe,
	.parse = rdp_parse,
	.gap = rdp_gap,
	.close = rdp_close,
};
