/* vnc.c - RFB (VNC) handshake (passive): versions, security types, authentication result.
 *
 * RFC 6143 section 7.1 (and 7.1.1-7.1.3, 7.2.2 for VNC authentication):
 *
 *   server: ProtocolVersion  "RFB 003.008\n" (12 bytes)
 *   client: ProtocolVersion  "RFB 003.008\n"
 *   3.7/3.8  server: number-of-security-types (u8), security-types (u8 each);
 *                    0 types: reason-length (u32) + reason, the end
 *            client: the chosen security-type (u8)
 *   3.3      server: security-type (u32) chosen by the server; 0 = failed
 *   VNC authentication (2): server challenge (16), client response (16)
 *   SecurityResult (u32): 0 OK, 1 failed (3.8 sends it for None too)
 *
 * The version in effect is the lower of the two (3.3 for anything below
 * 3.7, as the RFC asks of servers). Security types that negotiate further
 * (TLS, VeNCrypt, Tight, Apple ARD ...) are reported with auth_result
 * "unknown". One event "rfb_handshake" (class session), then stop.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dissectors/dis_text.h"
#include "dissectors/sess.h"

#define VNC_PORT 5900
#define VNC_VERSION_LEN 12    /* "RFB xxx.yyy\n", 7.1.1 */
#define VNC_CHALLENGE_LEN 16  /* 7.2.2 */
#define VNC_MAX_TYPES 32      /* types kept; the count is one byte */
#define VNC_MAX_PDU 512       /* 1 + 255 types, or a failure reason head */
#define VNC_SEC_INVALID 0
#define VNC_SEC_NONE 1
#define VNC_SEC_VNC_AUTH 2

enum vnc_srv_step { VS_VERSION, VS_SECURITY, VS_CHALLENGE, VS_RESULT, VS_DONE };
enum vnc_cli_step { VC_VERSION, VC_CHOICE, VC_RESPONSE, VC_DONE };

struct vnc_state {
	uint8_t done, server_dir, server_known;
	uint8_t srv_step, cli_step;
	uint8_t have_types, n_types, types_cut, have_choice, choice;
	uint8_t result; /* 0 none, 1 ok, 2 failed */
	uint8_t failed_types; /* server sent 0 types / type 0 */
	uint16_t srv_major, srv_minor, cli_major, cli_minor;
	uint8_t types[VNC_MAX_TYPES];
};

/* IANA RFB security types (RFC 6143 8.1.2 and the registry). */
static const char *vnc_type_name(unsigned t)
{
	switch (t) {
	case 0: return "invalid";
	case 1: return "none";
	case 2: return "vnc_auth";
	case 5: return "ra2";
	case 6: return "ra2ne";
	case 16: return "tight";
	case 17: return "ultra";
	case 18: return "tls";
	case 19: return "vencrypt";
	case 20: return "sasl";
	case 21: return "md5";
	case 22: return "xvp";
	case 30: return "ard";
	case 113: return "mslogon";
	default: return NULL;
	}
}

/* Parses "RFB xxx.yyy\n"; returns 1 when valid. */
static int vnc_version(const uint8_t *p, size_t n, uint16_t *major, uint16_t *minor)
{
	struct rd r = rd_init(p, n);
	uint8_t b[VNC_VERSION_LEN];
	rd_copy(&r, b, sizeof(b));
	if (!rd_ok(&r) || memcmp(b, "RFB ", 4) != 0 || b[7] != '.' || b[11] != '\n')
		return 0;
	unsigned ma = 0, mi = 0;
	for (int i = 0; i < 3; i++) {
		if (b[4 + i] < '0' || b[4 + i] > '9' || b[8 + i] < '0' || b[8 + i] > '9')
			return 0;
		ma = ma * 10 + (unsigned)(b[4 + i] - '0');
		mi = mi * 10 + (unsigned)(b[8 + i] - '0');
	}
	*major = (uint16_t)ma;
	*minor = (uint16_t)mi;
	return 1;
}

enum dis_probe_result vnc_probe(const uint8_t *buf, size_t len, int dir)
{
	static const char tmpl[] = "RFB 000.000\n";
	uint16_t a, b;
	(void)dir;
	for (size_t i = 0; i < len && i < VNC_VERSION_LEN; i++) {
		int ok = tmpl[i] == '0' ? (buf[i] >= '0' && buf[i] <= '9') : buf[i] == (uint8_t)tmpl[i];
		if (!ok)
			return DIS_PROBE_NO;
	}
	if (len < VNC_VERSION_LEN)
		return DIS_PROBE_MORE;
	return vnc_version(buf, len, &a, &b) ? DIS_PROBE_YES : DIS_PROBE_NO;
}

/* The version in effect, as major * 1000 + minor: the lower of the two. */
static unsigned vnc_effective(const struct vnc_state *st)
{
	unsigned s = st->srv_major * 1000u + st->srv_minor, c = st->cli_major * 1000u + st->cli_minor;
	return s < c ? s : c;
}

/* 1 when the version in effect is 3.7 or later (Apple Remote Desktop
 * announces 3.889 and speaks 3.8). */
static int vnc_is37(const struct vnc_state *st)
{
	return vnc_effective(st) >= 3007;
}

static void vnc_ver_str(uint16_t ma, uint16_t mi, char *out, size_t cap)
{
	snprintf(out, cap, "%u.%u", (unsigned)ma, (unsigned)mi);
}

static void vnc_emit(struct vnc_state *st, struct dis_ctx *ctx)
{
	char buf[VNC_MAX_TYPES * 10 + 8];
	if (st->done)
		return;
	st->done = 1;
	if (st->srv_step == VS_VERSION && st->cli_step == VC_VERSION)
		return;
	struct dis_event ev;
	dis_ev_init(&ev, ctx, st->server_known ? !st->server_dir : txt_client_dir(ctx, VNC_PORT),
		    "rfb_handshake", DIS_FC_SESSION);
	if (st->srv_step > VS_VERSION) {
		vnc_ver_str(st->srv_major, st->srv_minor, buf, sizeof(buf));
		dis_ev_cstr(&ev, "server_version", buf);
	}
	if (st->cli_step > VC_VERSION) {
		vnc_ver_str(st->cli_major, st->cli_minor, buf, sizeof(buf));
		dis_ev_cstr(&ev, "client_version", buf);
	}
	if (st->have_types && st->n_types) {
		size_t n = 0;
		buf[0] = 0;
		for (unsigned i = 0; i < st->n_types && n < sizeof(buf); i++) {
			const char *nm = vnc_type_name(st->types[i]);
			int k = nm ? snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "," : "", nm)
				   : snprintf(buf + n, sizeof(buf) - n, "%s%u", n ? "," : "",
					      (unsigned)st->types[i]);
			if (k < 0)
				break;
			n += (size_t)k;
		}
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		dis_ev_str(&ev, "security_types", buf, n);
		if (st->types_cut)
			ev.flags |= DIS_EV_TRUNCATED;
	}
	if (st->have_choice) {
		const char *nm = vnc_type_name(st->choice);
		if (!nm) {
			snprintf(buf, sizeof(buf), "%u", (unsigned)st->choice);
			nm = buf;
		}
		dis_ev_cstr(&ev, "security_type", nm);
	}
	const char *res = st->result == 1 ? "ok" : st->result == 2 ? "failed" : "unknown";
	dis_ev_cstr(&ev, "auth_result", res);
	const char *outcome;
	if (st->result == 1)
		outcome = "acknowledged";
	else if (st->result == 2 || st->failed_types)
		outcome = "failed";
	else if (st->have_choice && st->choice != VNC_SEC_NONE && st->choice != VNC_SEC_VNC_AUTH)
		outcome = "unknown"; /* the security type negotiates further */
	else
		outcome = "unanswered";
	dis_ev_cstr(&ev, "outcome", outcome);
	dis_emit(ctx, &ev);
}

/* After the client's choice (or the 3.3 server's type): what follows. */
static void vnc_after_choice(struct vnc_state *st, struct dis_ctx *ctx)
{
	if (st->choice == VNC_SEC_VNC_AUTH)
		return; /* challenge, response, result */
	if (st->choice == VNC_SEC_NONE && vnc_effective(st) >= 3008) {
		st->srv_step = VS_RESULT; /* 3.8 sends a SecurityResult for None */
		st->cli_step = VC_DONE;
		return;
	}
	if (st->choice == VNC_SEC_NONE)
		st->result = 1;
	vnc_emit(st, ctx);
	txt_stop(ctx);
}

static enum dis_status vnc_server(struct vnc_state *st, const uint8_t *buf, size_t len,
				  size_t *used, struct dis_ctx *ctx)
{
	struct rd r = rd_init(buf, len);
	switch (st->srv_step) {
	case VS_VERSION:
		if (len < VNC_VERSION_LEN)
			return DIS_NEED_MORE;
		if (!vnc_version(buf, len, &st->srv_major, &st->srv_minor))
			return DIS_UNSUPPORTED;
		st->srv_step = VS_SECURITY;
		*used = VNC_VERSION_LEN;
		return DIS_OK;
	case VS_SECURITY:
		if (st->cli_step == VC_VERSION)
			return DIS_NEED_MORE; /* the version in effect is not known yet */
		if (!vnc_is37(st)) {
			uint32_t t = rd_be32(&r);
			if (!rd_ok(&r))
				return DIS_NEED_MORE;
			*used = 4;
			st->have_types = 1;
			st->n_types = 1;
			st->types[0] = t > 255 ? 255 : (uint8_t)t;
			st->types_cut = t > 255;
			if (t == VNC_SEC_INVALID) {
				st->failed_types = 1;
				vnc_emit(st, ctx);
				txt_stop(ctx);
				return DIS_OK;
			}
			st->have_choice = 1;
			st->choice = st->types[0];
			st->cli_step = VC_RESPONSE;
			st->srv_step = VS_CHALLENGE;
			vnc_after_choice(st, ctx);
			return DIS_OK;
		}
		uint8_t n = rd_u8(&r);
		if (!rd_ok(&r))
			return DIS_NEED_MORE;
		if (n == 0) {
			st->have_types = 1;
			st->failed_types = 1;
			*used = 1;
			vnc_emit(st, ctx);
			txt_stop(ctx);
			return DIS_OK;
		}
		if (rd_left(&r) < n) {
			*used = 1u + n;
			return DIS_NEED_MORE;
		}
		st->have_types = 1;
		for (unsigned i = 0; i < n; i++) {
			uint8_t t = rd_u8(&r);
			if (st->n_types < VNC_MAX_TYPES)
				st->types[st->n_types++] = t;
			else
				st->types_cut = 1;
		}
		*used = 1u + n;
		st->srv_step = VS_CHALLENGE;
		return DIS_OK;
	case VS_CHALLENGE:
		if (!st->have_choice)
			return DIS_NEED_MORE; /* waits for the client's choice */
		if (st->choice != VNC_SEC_VNC_AUTH)
			return DIS_UNSUPPORTED;
		if (len < VNC_CHALLENGE_LEN) {
			*used = VNC_CHALLENGE_LEN;
			return DIS_NEED_MORE;
		}
		*used = VNC_CHALLENGE_LEN;
		st->srv_step = VS_RESULT;
		return DIS_OK;
	case VS_RESULT: {
		uint32_t res = rd_be32(&r);
		if (!rd_ok(&r)) {
			*used = 4;
			return DIS_NEED_MORE;
		}
		*used = 4;
		st->result = res == 0 ? 1 : 2;
		st->srv_step = VS_DONE;
		vnc_emit(st, ctx);
		txt_stop(ctx);
		return DIS_OK;
	}
	default:
		return DIS_UNSUPPORTED;
	}
}

static enum dis_status vnc_client(struct vnc_state *st, const uint8_t *buf, size_t len,
				  size_t *used, struct dis_ctx *ctx)
{
	switch (st->cli_step) {
	case VC_VERSION:
		if (len < VNC_VERSION_LEN)
			return DIS_NEED_MORE;
		if (!vnc_version(buf, len, &st->cli_major, &st->cli_minor))
			return DIS_UNSUPPORTED;
		st->cli_step = VC_CHOICE;
		*used = VNC_VERSION_LEN;
		return DIS_OK;
	case VC_CHOICE: {
		if (!st->have_types)
			return DIS_NEED_MORE; /* a 3.7+ client chooses from the list */
		struct rd r = rd_init(buf, len);
		st->choice = rd_u8(&r);
		if (!rd_ok(&r))
			return DIS_NEED_MORE;
		st->have_choice = 1;
		*used = 1;
		st->cli_step = VC_RESPONSE;
		vnc_after_choice(st, ctx);
		return DIS_OK;
	}
	case VC_RESPONSE:
		if (st->choice != VNC_SEC_VNC_AUTH)
			return DIS_UNSUPPORTED;
		if (len < VNC_CHALLENGE_LEN) {
			*used = VNC_CHALLENGE_LEN;
			return DIS_NEED_MORE;
		}
		*used = VNC_CHALLENGE_LEN;
		st->cli_step = VC_DONE;
		return DIS_OK;
	default:
		return DIS_UNSUPPORTED;
	}
}

static enum dis_status vnc_parse(void *state, int dir, const uint8_t *buf, size_t len,
				 size_t *used, struct dis_ctx *ctx)
{
	struct vnc_state *st = state;
	*used = 0;
	if (st->done)
		return DIS_UNSUPPORTED;
	if (!st->server_known) {
		/* The server speaks first (7.1.1). */
		st->server_known = 1;
		st->server_dir = (uint8_t)dir;
	}
	enum dis_status s = dir == st->server_dir ? vnc_server(st, buf, len, used, ctx)
						  : vnc_client(st, buf, len, used, ctx);
	if (s == DIS_UNSUPPORTED)
		*used = 0;
	return s;
}

/* Bytes are missing: the handshake has no framing to resync on; this
 * direction stops (the event is still written at flow end). */
static void vnc_gap(void *state, int dir, uint32_t len, struct dis_ctx *ctx)
{
	(void)state;
	(void)len;
	txt_stop_dir(ctx, dir);
}

static void vnc_close(void *state, struct dis_ctx *ctx)
{
	vnc_emit(state, ctx);
}

const struct dis_proto vnc_proto = {
	.name = "vnc",
	.label = "VNC",
	.tcp_port = VNC_PORT,
	.passive = 1,
	.state_size = sizeof(struct vnc_state),
	.max_pdu = VNC_MAX_PDU,
	.probe = vnc_probe,
	.parse = vnc_parse,
	.gap = vnc_gap,
	.close = vnc_close,
};
