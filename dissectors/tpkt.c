/* tpkt.c - ISO transport over TCP: TPKT (RFC 1006) and COTP (ISO 8073).
 *
 * RFC 1006 section 6, TPKT:            ISO 8073 13.3, COTP header:
 *   +------+------+-------------+        +----+------+-----------------------
 *   | vrsn | rsvd | packet len  |        | LI | type | fixed part, parameters
 *   |  3   |  0   | (BE, >= 7)  |        +----+------+-----------------------
 *   +------+------+-------------+
 *
 * Siemens S7comm (protocol id 0x32) and S7comm-plus (0x72) ride in COTP data
 * TPDUs, as does MMS (IEC 61850) over the ISO session layer. This is the
 * framing layer: it frames every TPKT on the reassembled stream (data past
 * the first TPKT_PARSE_PREFIX bytes is skipped, never buffered), reports
 * connection requests and confirms with their TSAPs (which name the rack,
 * slot and connection type of an S7 CPU) and disconnects, and reassembles
 * data TPDUs into TSDUs (ISO 8073 13.7: EOT clear = more TPDUs follow), at
 * most S7_TSDU_MAX bytes per direction, the rest counted and cut. Each TSDU
 * goes to s7comm.c, which decodes S7comm and S7comm-plus (issue #4).
 */
#include "config.h"

#include "dissectors/tpkt.h"

#include <stdio.h>
#include <string.h>

#include "dissectors/dis_cursor.h"

#define TPKT_HDR_LEN 4
#define TPKT_VERSION 3
#define TPKT_MIN_LEN 7          /* TPKT header + smallest COTP TPDU (DT class 0) */
#define TPKT_DT_HDR_LEN 3       /* LI, type, EOT/TPDU number: class 0 DT */
/* Bytes of a TPDU decoded, the rest skipped: 1017 bytes of DT user data,
 * more than the 960-byte S7comm PDU of S7-300/400/1500 CPUs; a power of two
 * because the framework's leftover buffers come in power-of-two sizes. */
#define TPKT_PARSE_PREFIX 1024
#define COTP_CR 0xe0
#define COTP_CC 0xd0
#define COTP_DR 0x80
#define COTP_DC 0xc0
#define COTP_DT 0xf0
#define COTP_ED 0x10
#define COTP_AK 0x60
#define COTP_EA 0x20
#define COTP_RJ 0x50
#define COTP_ER 0x70
#define COTP_EOT 0x80
#define COTP_P_TPDU_SIZE 0xc0   /* ISO 8073 13.3.4 parameter codes */
#define COTP_P_CALLING_TSAP 0xc1
#define COTP_P_CALLED_TSAP 0xc2
#define COTP_MAX_TSAP 32
#define S7COMM_PROTO_ID 0x32
#define S7COMMP_PROTO_ID 0x72

static int cotp_type_ok(uint8_t t)
{
	switch (t & 0xf0) {
	case COTP_CR: case COTP_CC: case COTP_DR: case COTP_DC: case COTP_DT:
	case COTP_ED: case COTP_AK: case COTP_EA: case COTP_RJ: case COTP_ER:
		return 1;
	default:
		return 0;
	}
}

/* Validates TPKT + COTP header prefix; returns the TPKT length or 0. */
static unsigned tpkt_header(const uint8_t *buf, size_t len)
{
	/* the six bytes are fixed: one length check, then plain loads */
	if (len < 6 || buf[0] != TPKT_VERSION || buf[1] != 0)
		return 0;
	unsigned tl = (unsigned)buf[2] << 8 | buf[3];
	uint8_t li = buf[4], type = buf[5];
	if (tl < TPKT_MIN_LEN)
		return 0;
	/* The COTP header (LI + LI bytes) lies within the packet. */
	if (li < 2 || (unsigned)li + 1 > (unsigned)tl - TPKT_HDR_LEN || !cotp_type_ok(type))
		return 0;
	return tl;
}

/* 1 when a CR/CC TPDU (whole, tl bytes) carries a calling or called TSAP. */
static int cr_has_tsap(const uint8_t *buf, unsigned tl)
{
	struct rd r = rd_init(buf + TPKT_HDR_LEN, tl - TPKT_HDR_LEN);
	uint8_t li = rd_u8(&r);
	struct rd h = rd_sub(&r, li);
	rd_skip(&h, 1 + 2 + 2 + 1); /* type, dst-ref, src-ref, class */
	for (unsigned n = 0; rd_left(&h) >= 2 && n < 16; n++) {
		uint8_t code = rd_u8(&h), plen = rd_u8(&h);
		rd_skip(&h, plen);
		if (!rd_ok(&h))
			return 0;
		if (code == COTP_P_CALLING_TSAP || code == COTP_P_CALLED_TSAP)
			return 1;
	}
	return 0;
}

static enum dis_probe_result probe_dt(const uint8_t *buf, size_t len)
{
	struct rd r = rd_init(buf, len);
	for (unsigned n = 0; n < 5; n++) {
		size_t at = r.off;
		if (rd_left(&r) < TPKT_MIN_LEN + 1)
			return DIS_PROBE_MORE;
		unsigned tl = tpkt_header(rd_ptr(&r), rd_left(&r));
		rd_skip(&r, 4);
		uint8_t li = rd_u8(&r), type = rd_u8(&r);
		rd_skip(&r, 1); /* EOT / TPDU number */
		if (!tl || (type & 0xf0) != COTP_DT || li != 2) /* class 0/1 DT: LI = 2 */
			return DIS_PROBE_NO;
		if (tl == TPKT_MIN_LEN)
			continue; /* empty DT: r is at the next TPKT */
		int id = rd_peek(&r, 0);
		if (id != S7COMM_PROTO_ID && id != S7COMMP_PROTO_ID)
			return DIS_PROBE_NO;
		/* A following TPKT in the same bytes must be valid too. */
		r.off = at;
		if ((size_t)tl < rd_left(&r) && rd_left(&r) - tl >= 6 &&
		    !tpkt_header(rd_ptr(&r) + tl, rd_left(&r) - tl))
			return DIS_PROBE_NO;
		return DIS_PROBE_YES;
	}
	return DIS_PROBE_NO;
}

enum dis_probe_result tpkt_probe(const uint8_t *buf, size_t len, int dir)
{
	if (len < 6) {
		if ((len >= 1 && buf[0] != TPKT_VERSION) || (len >= 2 && buf[1] != 0))
			return DIS_PROBE_NO;
		return DIS_PROBE_MORE;
	}
	unsigned tl = tpkt_header(buf, len);
	if (!tl)
		return DIS_PROBE_NO;
	uint8_t type = buf[5] & 0xf0;
	/* A connection starts with CR from the client and CC from the server.
	 * RDP also opens with an X.224 (COTP) CR, but carries a cookie or an
	 * RDP negotiation request instead of TSAP parameters: only a CR/CC
	 * naming TSAPs (S7, MMS, other ISO applications) is ours, so remote
	 * desktop sessions stay with nDPI. */
	if (type == COTP_CR || type == COTP_CC) {
		if ((type == COTP_CR) != (dir == 0))
			return DIS_PROBE_NO;
		if (len < tl)
			return DIS_PROBE_MORE;
		return cr_has_tsap(buf, tl) ? DIS_PROBE_YES : DIS_PROBE_NO;
	}
	/* Midstream: a data TPDU carrying S7comm or S7comm-plus. STEP 7 sends
	 * an empty DT before each request: look past up to four of those. */
	if (type == COTP_DT)
		return probe_dt(buf, len);
	return DIS_PROBE_NO;
}

static void tpkt_init(void *state)
{
	(void)state;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	static const char h[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = h[p[i] >> 4];
		out[2 * i + 1] = h[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* CR/CC: ISO 8073 13.3 and 13.4: dst-ref, src-ref, class/option, then
 * parameters (code, length, value). */
static void emit_connect(struct dis_ctx *ctx, int dir, uint8_t type, struct rd *r)
{
	struct dis_event ev;
	dis_ev_init(&ev, ctx, dir, type == COTP_CR ? "connection_request" : "connection_confirm",
		    DIS_FC_SESSION);
	if (dir)
		ev.flags |= DIS_EV_RESPONSE;
	uint16_t dref = rd_be16(r), sref = rd_be16(r);
	uint8_t cls = rd_u8(r);
	if (!rd_ok(r)) {
		dis_ev_bool(&ev, "truncated", 1);
		dis_emit(ctx, &ev);
		return;
	}
	dis_ev_uint(&ev, "dst_ref", dref);
	dis_ev_uint(&ev, "src_ref", sref);
	dis_ev_uint(&ev, "class", cls >> 4);
	unsigned nparams = 0;
	while (rd_left(r) >= 2 && nparams++ < 16) {
		uint8_t code = rd_u8(r), plen = rd_u8(r);
		struct rd v = rd_sub(r, plen);
		if (!rd_ok(r))
			break;
		if ((code == COTP_P_CALLING_TSAP || code == COTP_P_CALLED_TSAP) && plen <= COTP_MAX_TSAP) {
			char hx[2 * COTP_MAX_TSAP + 1];
			hex(rd_ptr(&v), plen, hx);
			int calling = code == COTP_P_CALLING_TSAP;
			dis_ev_cstr(&ev, calling ? "src_tsap" : "dst_tsap", hx);
			/* Siemens S7: the called TSAP is (connection type, rack/slot):
			 * type 1 PG, 2 OP, 3 S7 basic; rack in the top 3 bits, slot in the
			 * low 5 (S7 communication manuals; Wireshark s7comm). */
			if (!calling && plen == 2) {
				uint8_t ct = rd_u8(&v), rs = rd_u8(&v);
				static const char *const ctn[] = { "unknown", "pg", "op", "s7_basic" };
				dis_ev_cstr(&ev, "s7.connection_type", ct <= 3 ? ctn[ct] : "other");
				dis_ev_uint(&ev, "s7.rack", rs >> 5);
				dis_ev_uint(&ev, "s7.slot", rs & 0x1f);
			}
		} else if (code == COTP_P_TPDU_SIZE && plen == 1) {
			uint8_t e = rd_u8(&v);
			if (e >= 7 && e <= 13)
				dis_ev_uint(&ev, "tpdu_size", 1u << e);
		}
	}
	dis_emit(ctx, &ev);
}

/* A DT TPDU's user data: a whole TSDU goes to s7comm.c in place; fragments
 * are collected in the direction's reassembly buffer first. */
static void data_tpdu(struct tpkt_state *s, struct dis_ctx *ctx, int dir, uint8_t nr,
		      struct rd *r, int is_cut)
{
	unsigned base = (unsigned)dir * TPKT_COUNTERS_PER_DIR;
	size_t n = rd_left(r);
	int eot = (nr & COTP_EOT) != 0;
	/* An empty DT (STEP 7 sends them with EOT clear before a request)
	 * neither starts nor continues a TSDU. */
	if (!n && !eot)
		return;
	if (!s->continuing[dir] && eot) {
		if (n)
			s7_tsdu(&s->s7, ctx, dir, rd_ptr(r), n, is_cut, base);
		return;
	}
	if (!s->continuing[dir]) {
		s->frag_len[dir] = 0;
		s->frag_cut[dir] = 0;
		dis_count(ctx, base + TPKT_C_DT_FRAGMENTED);
	}
	size_t room = S7_TSDU_MAX - s->frag_len[dir];
	size_t take = n < room ? n : room;
	memcpy(s->frag[dir] + s->frag_len[dir], rd_ptr(r), take);
	s->frag_len[dir] = (uint16_t)(s->frag_len[dir] + take);
	if (take < n || is_cut)
		s->frag_cut[dir] = 1;
	s->continuing[dir] = !eot;
	if (eot) {
		if (s->frag_len[dir])
			s7_tsdu(&s->s7, ctx, dir, s->frag[dir], s->frag_len[dir], s->frag_cut[dir],
				base);
		s->frag_len[dir] = 0;
		s->frag_cut[dir] = 0;
	}
}

static enum dis_status tpkt_parse(void *state, int dir, const uint8_t *buf, size_t len,
				  size_t *used, struct dis_ctx *ctx)
{
	struct tpkt_state *s = state;
	if (len < 6) {
		*used = 6;
		return DIS_NEED_MORE;
	}
	unsigned tl = tpkt_header(buf, len);
	if (!tl) {
		dis_anomaly(ctx, dir, "tpkt_bad_header");
		*used = len;
		return DIS_MALFORMED;
	}
	size_t want = tl < TPKT_PARSE_PREFIX ? tl : TPKT_PARSE_PREFIX;
	if (len < want) {
		*used = want;
		return DIS_NEED_MORE;
	}
	struct rd r = rd_init(buf + TPKT_HDR_LEN, want - TPKT_HDR_LEN);
	uint8_t li = rd_u8(&r);
	struct rd hdr = rd_sub(&r, li); /* COTP header; r is now the user data */
	uint8_t type = rd_u8(&hdr) & 0xf0;
	switch (type) {
	case COTP_CR:
	case COTP_CC:
		emit_connect(ctx, dir, type, &hdr);
		break;
	case COTP_DR: {
		struct dis_event ev;
		dis_ev_init(&ev, ctx, dir, "disconnect_request", DIS_FC_SESSION);
		rd_skip(&hdr, 4);
		uint8_t reason = rd_u8(&hdr);
		if (rd_ok(&hdr))
			dis_ev_uint(&ev, "reason", reason);
		dis_emit(ctx, &ev);
		break;
	}
	case COTP_DT: {
		uint8_t nr = rd_u8(&hdr);
		dis_count(ctx, (unsigned)dir * TPKT_COUNTERS_PER_DIR + TPKT_C_DT);
		data_tpdu(s, ctx, dir, nr, &r, tl > want);
		break;
	}
	default:
		dis_count(ctx, (unsigned)dir * TPKT_COUNTERS_PER_DIR + TPKT_C_OTHER_TPDU);
		break;
	}
	*used = tl; /* the framework skips what follows the decoded prefix */
	return DIS_OK;
}

static void tpkt_gap(void *state, int dir, uint32_t len, struct dis_ctx *ctx)
{
	struct tpkt_state *s = state;
	(void)len;
	s->continuing[dir] = 0;
	s->frag_len[dir] = 0;
	s->frag_cut[dir] = 0;
	s7_gap(&s->s7, dir);
	dis_anomaly(ctx, dir, "stream_gap");
}

static void tpkt_close(void *state, struct dis_ctx *ctx)
{
	struct tpkt_state *s = state;
	s7_close(&s->s7, ctx);
}

static int tpkt_counter_name(unsigned idx, char *buf, size_t len)
{
	static const char *const rosctr[8] = { "rosctr0", "job", "ack", "ack_data",
					       "rosctr4", "rosctr5", "rosctr6", "userdata" };
	if (idx >= TPKT_N_COUNTERS)
		return -1;
	if (idx >= TPKT_C_S7_GLOBAL)
		return s7_global_counter_name(idx - TPKT_C_S7_GLOBAL, buf, len);
	unsigned dir = idx / TPKT_COUNTERS_PER_DIR, c = idx % TPKT_COUNTERS_PER_DIR;
	const char *side = dir ? "from_responder" : "from_initiator";
	int n;
	if (c == TPKT_C_DT)
		n = snprintf(buf, len, "%s.cotp_data", side);
	else if (c == TPKT_C_OTHER_TPDU)
		n = snprintf(buf, len, "%s.cotp_other_tpdu", side);
	else if (c == TPKT_C_S7COMM)
		n = snprintf(buf, len, "%s.s7comm", side);
	else if (c == TPKT_C_S7COMMP)
		n = snprintf(buf, len, "%s.s7comm_plus", side);
	else if (c == TPKT_C_OTHER)
		n = snprintf(buf, len, "%s.other_payload", side);
	else if (c >= TPKT_C_ROSCTR && c < TPKT_C_ROSCTR + 8)
		n = snprintf(buf, len, "%s.s7comm.%s", side, rosctr[c - TPKT_C_ROSCTR]);
	else if (c >= TPKT_C_JOB_FUNC && c < TPKT_C_JOB_FUNC + 256) {
		const char *fn = s7_job_func_name(c - TPKT_C_JOB_FUNC);
		if (fn)
			n = snprintf(buf, len, "%s.s7comm.job.%s", side, fn);
		else
			n = snprintf(buf, len, "%s.s7comm.job.func_0x%02x", side, c - TPKT_C_JOB_FUNC);
	} else if (c == TPKT_C_DT_FRAGMENTED)
		n = snprintf(buf, len, "%s.cotp_tsdu_reassembled", side);
	else {
		char sub[96];
		if (s7_counter_name(c - TPKT_C_S7, sub, sizeof(sub)) < 0)
			return -1;
		n = snprintf(buf, len, "%s.%s", side, sub);
	}
	return n > 0 && (size_t)n < len ? 0 : -1;
}

const struct dis_proto tpkt_proto = {
	.name = "cotp",
	.label = "ISO-on-TCP (TPKT/COTP)",
	.tcp_port = 102,
	.state_size = sizeof(struct tpkt_state),
	.state_zero = offsetof(struct tpkt_state, s7.pend_b),
	.max_pdu = TPKT_PARSE_PREFIX,
	.probe = tpkt_probe,
	.init = tpkt_init,
	.parse = tpkt_parse,
	.gap = tpkt_gap,
	.close = tpkt_close,
	.n_counters = TPKT_N_COUNTERS,
	.counter_name = tpkt_counter_name,
};
