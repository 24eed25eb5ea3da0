/* opcua.c - OPC UA binary over TCP: the UA Connection Protocol framing.
 *
 * OPC 10000-6 (UA Part 6: Mappings) section 7.1.2, message header:
 *
 *   0       1       2       3       4       5       6       7
 *   +-------+-------+-------+-------+-------+-------+-------+-------+
 *   |  message type (HEL ACK ERR RHE | chunk |  message size (UInt32 LE,  |
 *   |   OPN MSG CLO)                 | F C A |  header included)          |
 *   +-------+-------+-------+-------+-------+-------+-------+-------+
 *
 * HEL/ACK/ERR/RHE carry the connection parameters (7.1.2.3-7.1.2.6); OPN
 * carries the asymmetric security header with the security policy URI
 * (6.7.2.3); MSG and CLO carry the secure channel and token ids. This is the
 * framing-level dissector: it frames every chunk on the reassembled stream
 * (message bodies are skipped, never buffered), reports HEL/ACK/ERR/RHE and
 * the security policy of OPN, and counts MSG chunks by type. Decoding the
 * services inside MSG is issue #5.
 */
#include "config.h"

#include "dissectors/opcua.h"

#include <stdio.h>
#include <string.h>

#include "dissectors/dis_cursor.h"

#define OPCUA_HDR_LEN 8
#define OPCUA_MIN_MSG 8
/* Part 6 7.1.2.3: buffers are at least 8192 bytes; messages may be much
 * larger, but a chunk above 16 MiB is not a plausible stream. */
#define OPCUA_MAX_CHUNK (16u << 20)
#define OPCUA_MAX_URL 4096  /* Part 6 7.1.2.3: EndpointUrl at most 4096 bytes */
#define OPCUA_PARSE_PREFIX 8192 /* bytes of OPN/HEL/ERR read; the rest is skipped */
#define OPCUA_MAX_STR_EVENT 512

enum { T_HEL, T_ACK, T_ERR, T_RHE, T_OPN, T_MSG, T_CLO, T__COUNT };
static const char types[T__COUNT][4] = { "HEL", "ACK", "ERR", "RHE", "OPN", "MSG", "CLO" };
static const char *const type_names[T__COUNT] = { "hello", "acknowledge", "error",
						  "reverse_hello", "open_secure_channel",
						  "message", "close_secure_channel" };

static int msg_type(const uint8_t *p)
{
	for (int i = 0; i < T__COUNT; i++)
		if (memcmp(p, types[i], 3) == 0)
			return i;
	return -1;
}

static int chunk_ok(uint8_t c)
{
	return c == 'F' || c == 'C' || c == 'A';
}

/* Checks one header; returns the type or -1. */
static int header(const uint8_t *buf, size_t len, uint32_t *size)
{
	struct rd r = rd_init(buf, len);
	uint8_t t[3];
	rd_copy(&r, t, 3);
	uint8_t chunk = rd_u8(&r);
	*size = rd_le32(&r);
	if (!rd_ok(&r))
		return -1;
	int ty = msg_type(t);
	if (ty < 0 || !chunk_ok(chunk) || *size < OPCUA_MIN_MSG || *size > OPCUA_MAX_CHUNK)
		return -1;
	/* Only MSG (and, rarely, OPN/CLO) are chunked; the others are final. */
	if (chunk != 'F' && ty != T_MSG && ty != T_OPN && ty != T_CLO)
		return -1;
	return ty;
}

enum dis_probe_result opcua_probe(const uint8_t *buf, size_t len, int dir)
{
	if (len < OPCUA_HDR_LEN) {
		if (len >= 3 && msg_type(buf) < 0)
			return DIS_PROBE_NO;
		return DIS_PROBE_MORE;
	}
	uint32_t size;
	int ty = header(buf, len, &size);
	if (ty < 0)
		return DIS_PROBE_NO;
	/* A connection starts with HEL from the client (or RHE from the server,
	 * reverse connect); a capture that starts mid-session may start with
	 * any chunk. HEL must carry its fixed fields and a sane URL length. */
	if (ty == T_HEL) {
		if (dir != 0 || size < 32)
			return DIS_PROBE_NO;
		if (len >= 32) {
			struct rd r = rd_init(buf + 28, len - 28);
			int32_t ulen = (int32_t)rd_le32(&r);
			if (ulen < -1 || ulen > OPCUA_MAX_URL || (uint32_t)(ulen > 0 ? ulen : 0) + 32 > size)
				return DIS_PROBE_NO;
		}
		return DIS_PROBE_YES;
	}
	if (ty == T_ACK || ty == T_ERR)
		return dir == 1 ? DIS_PROBE_YES : DIS_PROBE_NO;
	/* Midstream: accept a secure-channel chunk only if the next header (when
	 * present in this chunk) is valid too, or the chunk fills the data. */
	if (ty == T_MSG || ty == T_OPN || ty == T_CLO || ty == T_RHE) {
		if (size < 16)
			return DIS_PROBE_NO;
		if (size < len) {
			uint32_t s2;
			if (len - size >= OPCUA_HDR_LEN && header(buf + size, len - size, &s2) < 0)
				return DIS_PROBE_NO;
		}
		return DIS_PROBE_YES;
	}
	return DIS_PROBE_NO;
}

static void opcua_init(void *state)
{
	(void)state;
}

/* OPC UA String / ByteString: Int32 length (-1 = null) then bytes.
 * Returns the declared length (-1 for null, and -1 when even the length
 * could not be read); *p points at the bytes when all of them are in r,
 * else NULL (and r fails: the value ran past what we hold). */
static int32_t ua_string(struct rd *r, const uint8_t **p)
{
	int32_t n = (int32_t)rd_le32(r);
	*p = NULL;
	if (!rd_ok(r))
		return -1;
	if (n <= 0)
		return n < 0 ? -1 : 0;
	if ((size_t)n > rd_left(r)) {
		rd_skip(r, (size_t)n); /* fails and parks the cursor */
		return n;
	}
	*p = rd_ptr(r);
	rd_skip(r, (size_t)n);
	return n;
}

static const char *policy_name(const uint8_t *uri, int32_t n)
{
	static const char prefix[] = "http://opcfoundation.org/UA/SecurityPolicy#";
	static const char *const known[] = { "None", "Basic128Rsa15", "Basic256", "Basic256Sha256",
					     "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss", NULL };
	size_t pl = sizeof(prefix) - 1;
	if (!uri || n <= 0 || (size_t)n <= pl || memcmp(uri, prefix, pl) != 0)
		return "unknown";
	for (unsigned i = 0; known[i]; i++)
		if ((size_t)n - pl == strlen(known[i]) && memcmp(uri + pl, known[i], (size_t)n - pl) == 0)
			return known[i];
	return "unknown";
}

static void add_str(struct dis_event *ev, const char *key, const uint8_t *p, int32_t n)
{
	if (n < 0 || (n > 0 && !p))
		return; /* null, or longer than the bytes we hold */
	size_t len = (size_t)n;
	if (len > OPCUA_MAX_STR_EVENT) {
		len = OPCUA_MAX_STR_EVENT;
		ev->flags |= DIS_EV_TRUNCATED;
	}
	dis_ev_str(ev, key, (const char *)p, len);
}

/* Decodes the body of a HEL/ACK/ERR/RHE/OPN held in body (prefix of the
 * message after the 8-byte header) and emits its event. */
static void emit_message(struct opcua_state *s, struct dis_ctx *ctx, int dir, int ty,
			 uint8_t chunk, uint32_t size, struct rd *body)
{
	struct dis_event ev;
	const uint8_t *p;
	int32_t n;
	enum dis_fclass fc = ty == T_ERR ? DIS_FC_DIAGNOSTIC : DIS_FC_SESSION;
	dis_ev_init(&ev, ctx, dir, type_names[ty], fc);
	if (dir)
		ev.flags |= DIS_EV_RESPONSE;
	dis_ev_uint(&ev, "message_size", size);
	switch (ty) {
	case T_HEL:
	case T_ACK:
		dis_ev_uint(&ev, "protocol_version", rd_le32(body));
		dis_ev_uint(&ev, "receive_buffer_size", rd_le32(body));
		dis_ev_uint(&ev, "send_buffer_size", rd_le32(body));
		dis_ev_uint(&ev, "max_message_size", rd_le32(body));
		dis_ev_uint(&ev, "max_chunk_count", rd_le32(body));
		if (ty == T_HEL) {
			n = ua_string(body, &p);
			add_str(&ev, "endpoint_url", p, n);
		}
		break;
	case T_ERR: {
		uint32_t code = rd_le32(body);
		dis_ev_uint(&ev, "status_code", code);
		n = ua_string(body, &p);
		add_str(&ev, "reason", p, n);
		break;
	}
	case T_RHE:
		n = ua_string(body, &p);
		add_str(&ev, "server_uri", p, n);
		n = ua_string(body, &p);
		add_str(&ev, "endpoint_url", p, n);
		break;
	case T_OPN: {
		uint32_t chan = rd_le32(body);
		dis_ev_uint(&ev, "secure_channel_id", chan);
		n = ua_string(body, &p);
		add_str(&ev, "security_policy_uri", p, n);
		dis_ev_cstr(&ev, "security_policy", policy_name(p, n));
		const uint8_t *cert;
		int32_t cn = ua_string(body, &cert);
		dis_ev_int(&ev, "sender_certificate_length", cn);
		const uint8_t *thumb;
		int32_t tn = ua_string(body, &thumb);
		dis_ev_int(&ev, "receiver_thumbprint_length", tn);
		if (chunk != 'F')
			dis_ev_str(&ev, "chunk_type", (const char *)&chunk, 1);
		break;
	}
	default:
		break;
	}
	if (!rd_ok(body)) {
		s->truncated_bodies++;
		dis_ev_bool(&ev, "body_truncated", 1);
	}
	dis_emit(ctx, &ev);
}

static enum dis_status opcua_parse(void *state, int dir, const uint8_t *buf, size_t len,
				   size_t *used, struct dis_ctx *ctx)
{
	struct opcua_state *s = state;
	if (len < OPCUA_HDR_LEN) {
		*used = OPCUA_HDR_LEN;
		return DIS_NEED_MORE;
	}
	uint32_t size;
	int ty = header(buf, len, &size);
	if (ty < 0) {
		dis_anomaly(ctx, dir, "opcua_bad_header");
		*used = len;
		return DIS_MALFORMED;
	}
	uint8_t chunk = buf[3];
	unsigned counter = (unsigned)dir * OPCUA_COUNTERS_PER_DIR + (unsigned)ty * 3u +
			   (chunk == 'F' ? 0u : chunk == 'C' ? 1u : 2u);

	if (ty == T_MSG) {
		dis_count(ctx, counter);
		if (chunk == 'A')
			s->aborted_chunks++;
		*used = size; /* the framework skips the body without buffering it */
		return DIS_OK;
	}

	/* The others: decode a bounded prefix (CLO: just its channel id,
	 * the rest may be encrypted), skip the rest. Counted once complete. */
	size_t prefix = ty == T_CLO ? OPCUA_HDR_LEN + 4 : OPCUA_PARSE_PREFIX;
	size_t want = size < prefix ? size : prefix;
	if (len < want) {
		*used = want;
		return DIS_NEED_MORE;
	}
	dis_count(ctx, counter);
	if (ty == T_CLO) {
		struct rd r = rd_init(buf + OPCUA_HDR_LEN, want - OPCUA_HDR_LEN);
		struct dis_event ev;
		dis_ev_init(&ev, ctx, dir, type_names[ty], DIS_FC_SESSION);
		uint32_t chan = rd_le32(&r);
		if (rd_ok(&r))
			dis_ev_uint(&ev, "secure_channel_id", chan);
		dis_emit(ctx, &ev);
		*used = size;
		return DIS_OK;
	}
	struct rd body = rd_init(buf + OPCUA_HDR_LEN, want - OPCUA_HDR_LEN);
	emit_message(s, ctx, dir, ty, chunk, size, &body);
	*used = size;
	return DIS_OK;
}

static void opcua_gap(void *state, int dir, uint32_t len, struct dis_ctx *ctx)
{
	(void)state;
	(void)len;
	dis_anomaly(ctx, dir, "stream_gap");
}

static int opcua_counter_name(unsigned idx, char *buf, size_t len)
{
	static const char *const chunk_names[3] = { "final", "intermediate", "abort" };
	unsigned dir = idx / OPCUA_COUNTERS_PER_DIR, rest = idx % OPCUA_COUNTERS_PER_DIR;
	unsigned ty = rest / 3, ch = rest % 3;
	if (ty >= T__COUNT)
		return -1;
	int n = snprintf(buf, len, "%s.%s.%s", dir ? "from_server" : "from_client", type_names[ty],
			 chunk_names[ch]);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

const struct dis_proto opcua_proto = {
	.name = "opcua",
	.label = "OPC UA binary",
	.tcp_port = 4840,
	.state_size = sizeof(struct opcua_state),
	.max_pdu = OPCUA_PARSE_PREFIX,
	.probe = opcua_probe,
	.init = opcua_init,
	.parse = opcua_parse,
	.gap = opcua_gap,
	.n_counters = 2 * OPCUA_COUNTERS_PER_DIR,
	.counter_name = opcua_counter_name,
};
