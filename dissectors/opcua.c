/* opcua.c - OPC UA binary over TCP: connection protocol, secure channels and services.
 *
 * OPC 10000-6 (UA Part 6: Mappings) section 7.1.2, message header:
 *
 *   0       1       2       3       4       5       6       7
 *   +-------+-------+-------+-------+-------+-------+-------+-------+
 *   |  message type (HEL ACK ERR RHE | chunk |  message size (UInt32 LE,  |
 *   |   OPN MSG CLO)                 | F C A |  header included)          |
 *   +-------+-------+-------+-------+-------+-------+-------+-------+
 *   OPN/MSG/CLO go on with the secure channel id (UInt32), then the security
 *   header (6.7.2.3 asymmetric for OPN: policy URI, sender certificate,
 *   receiver thumbprint; 6.7.2.4 symmetric for MSG/CLO: token id), the
 *   sequence header (6.7.2.5: sequence number, request id) and the body: an
 *   encoding NodeId (5.2.2.9) and the service request or response (Part 4,
 *   encoded per Part 6 5.2), each starting with a RequestHeader or
 *   ResponseHeader (Part 4 7.28, 7.29).
 *
 * Framing: every chunk is framed on the reassembled stream; only a bounded
 * prefix of a chunk (OPCUA_PARSE_PREFIX) is ever buffered, the rest is
 * skipped by the framework. Chunks C of one message have their body prefix
 * appended to a per-direction buffer (OPCUA_ASM_BYTES) until the final chunk
 * F; an abort chunk A drops it. Chunk and message sizes are checked against
 * the limits negotiated by HEL/ACK (7.1.2.3, 7.1.2.4).
 *
 * Secure channels: the OPN request gives the policy and, when its body is
 * readable (policy None), the security mode; the OPN response gives the
 * channel id and token id. With any other policy the OPN body is encrypted
 * (Part 6 6.7.4), so the mode is learnt from the first message on the
 * channel: if it parses as a plain service request (known encoding NodeId and
 * a well-formed RequestHeader) the channel is Sign, else SignAndEncrypt, and
 * its messages are only counted. A channel first seen in a MSG (capture
 * started after OPN) has policy and mode "unknown"; each of its messages is
 * decoded only if it parses as a plain request or response.
 *
 * Services: a request waits in a bounded per-flow table keyed by request
 * handle; its response (or a ServiceFault) completes ONE event with the
 * request fields, the service result and the outcome. Read-class services
 * (Read, Browse, subscriptions, Publish) are folded per flow when
 * rt->aggregate is set; bad results are always events. Every service event
 * carries the channel's security mode and policy and the session's identity
 * token type.
 */
#include "config.h"

#include "dissectors/opcua.h"

#include <stddef.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "dissectors/dis_cursor.h"
#include "dissectors/dis_pend.h"

#define OPCUA_HDR_LEN 8
#define OPCUA_MIN_MSG 8
#define OPCUA_SECURE_HDR 16 /* header, channel id, token id (MSG, CLO) */
#define OPCUA_SEQ_HDR 8     /* Part 6 6.7.2.5: sequence number, request id */
/* Part 6 7.1.2.3: buffers are at least 8192 bytes; messages may be much
 * larger, but a chunk above 16 MiB is not a plausible stream. */
#define OPCUA_MAX_CHUNK (16u << 20)
#define OPCUA_MIN_BUFFER 8192 /* Part 6 7.1.2.3: smallest receive/send buffer */
#define OPCUA_MAX_URL 4096  /* Part 6 7.1.2.3: EndpointUrl at most 4096 bytes */
#define OPCUA_PARSE_PREFIX 8192 /* bytes of a chunk read; the rest is skipped */
#define OPCUA_MAX_STR_EVENT 512
#define OPCUA_MAX_VALUE_STR 64  /* a written value rendered in an event */
/* written values described in one event: 4 fields each, and the event has
 * room for 32 fields with the security context and the outcome */
#define OPCUA_MAX_WRITE_VALUES 3
#define OPCUA_MAX_ENDPOINTS 8   /* endpoints listed from GetEndpoints */
#define OPCUA_MAX_NEST 4        /* Variant/DataValue/DiagnosticInfo nesting decoded */
#define OPCUA_SHA1_LEN 20       /* Part 6 6.7.2.3: thumbprints are SHA-1 */
#define OPCUA_PENDING_TIMEOUT_US (600ull * 1000000ull) /* Publish may wait minutes */

enum { T_HEL, T_ACK, T_ERR, T_RHE, T_OPN, T_MSG, T_CLO, T__COUNT };
static const char *const type_names[T__COUNT] = { "hello", "acknowledge", "error",
						  "reverse_hello", "open_secure_channel",
						  "message", "close_secure_channel" };

/* Security policies (Part 7 profiles), index 0 = unknown. */
enum { POL_UNKNOWN, POL_NONE };
static const char *const policy_names[] = { "unknown", "None", "Basic128Rsa15", "Basic256",
					    "Basic256Sha256", "Aes128_Sha256_RsaOaep",
					    "Aes256_Sha256_RsaPss", NULL };

/* MessageSecurityMode (Part 4 7.15): 1 None, 2 Sign, 3 SignAndEncrypt. */
enum { MODE_UNKNOWN, MODE_NONE, MODE_SIGN, MODE_SIGN_ENCRYPT, MODE__COUNT };
static const char *const mode_names[MODE__COUNT] = { "unknown", "none", "sign",
						     "sign_and_encrypt" };

/* User identity token types (Part 4 7.36), by encoding NodeId. */
enum { ID_NONE, ID_ANONYMOUS, ID_USER_NAME, ID_CERTIFICATE, ID_ISSUED, ID_OTHER, ID__COUNT };
static const char *const identity_names[ID__COUNT] = { "none", "anonymous", "user_name",
						       "certificate", "issued_token", "unknown" };

#define UA_ANONYMOUS_TOKEN 321 /* AnonymousIdentityToken_Encoding_DefaultBinary */
#define UA_USER_NAME_TOKEN 324
#define UA_X509_TOKEN 327
#define UA_ISSUED_TOKEN 940
#define UA_SERVICE_FAULT 397
#define UA_OPN_REQUEST 446
#define UA_OPN_RESPONSE 449

/* Services by the numeric id (namespace 0) of the request's binary encoding;
 * the response's is request + 3 in the standard NodeIds (Part 6 annex A). */
enum svc_id {
	S_FIND_SERVERS, S_GET_ENDPOINTS, S_REGISTER_SERVER, S_CLOSE_SECURE_CHANNEL,
	S_CREATE_SESSION, S_ACTIVATE_SESSION, S_CLOSE_SESSION, S_CANCEL,
	S_ADD_NODES, S_ADD_REFERENCES, S_DELETE_NODES, S_DELETE_REFERENCES,
	S_BROWSE, S_BROWSE_NEXT, S_TRANSLATE, S_REGISTER_NODES, S_UNREGISTER_NODES,
	S_QUERY_FIRST, S_QUERY_NEXT, S_READ, S_HISTORY_READ, S_WRITE, S_HISTORY_UPDATE,
	S_CALL, S_CREATE_MONITORED_ITEMS, S_MODIFY_MONITORED_ITEMS, S_SET_MONITORING_MODE,
	S_SET_TRIGGERING, S_DELETE_MONITORED_ITEMS, S_CREATE_SUBSCRIPTION,
	S_MODIFY_SUBSCRIPTION, S_SET_PUBLISHING_MODE, S_PUBLISH, S_REPUBLISH,
	S_TRANSFER_SUBSCRIPTIONS, S_DELETE_SUBSCRIPTIONS, S_FIND_SERVERS_ON_NETWORK,
	S_REGISTER_SERVER2, S__COUNT
};

struct svc_def {
	uint32_t req_id;
	const char *name;
	uint8_t fclass;
};

static const struct svc_def svcs[S__COUNT] = {
	[S_FIND_SERVERS] = { 422, "find_servers", DIS_FC_OTHER },
	[S_GET_ENDPOINTS] = { 428, "get_endpoints", DIS_FC_OTHER },
	[S_REGISTER_SERVER] = { 437, "register_server", DIS_FC_OTHER },
	[S_CLOSE_SECURE_CHANNEL] = { 452, "close_secure_channel_request", DIS_FC_SESSION },
	[S_CREATE_SESSION] = { 461, "create_session", DIS_FC_SESSION },
	[S_ACTIVATE_SESSION] = { 467, "activate_session", DIS_FC_SESSION },
	[S_CLOSE_SESSION] = { 473, "close_session", DIS_FC_SESSION },
	[S_CANCEL] = { 479, "cancel", DIS_FC_OTHER },
	[S_ADD_NODES] = { 488, "add_nodes", DIS_FC_PROGRAM },
	[S_ADD_REFERENCES] = { 494, "add_references", DIS_FC_PROGRAM },
	[S_DELETE_NODES] = { 500, "delete_nodes", DIS_FC_PROGRAM },
	[S_DELETE_REFERENCES] = { 506, "delete_references", DIS_FC_PROGRAM },
	[S_BROWSE] = { 527, "browse", DIS_FC_READ },
	[S_BROWSE_NEXT] = { 533, "browse_next", DIS_FC_READ },
	[S_TRANSLATE] = { 554, "translate_browse_paths", DIS_FC_READ },
	[S_REGISTER_NODES] = { 560, "register_nodes", DIS_FC_READ },
	[S_UNREGISTER_NODES] = { 566, "unregister_nodes", DIS_FC_READ },
	[S_QUERY_FIRST] = { 615, "query_first", DIS_FC_READ },
	[S_QUERY_NEXT] = { 621, "query_next", DIS_FC_READ },
	[S_READ] = { 631, "read", DIS_FC_READ },
	[S_HISTORY_READ] = { 664, "history_read", DIS_FC_READ },
	[S_WRITE] = { 673, "write", DIS_FC_WRITE },
	[S_HISTORY_UPDATE] = { 700, "history_update", DIS_FC_WRITE },
	[S_CALL] = { 712, "call", DIS_FC_CONTROL },
	[S_CREATE_MONITORED_ITEMS] = { 751, "create_monitored_items", DIS_FC_READ },
	[S_MODIFY_MONITORED_ITEMS] = { 763, "modify_monitored_items", DIS_FC_READ },
	[S_SET_MONITORING_MODE] = { 769, "set_monitoring_mode", DIS_FC_READ },
	[S_SET_TRIGGERING] = { 775, "set_triggering", DIS_FC_READ },
	[S_DELETE_MONITORED_ITEMS] = { 781, "delete_monitored_items", DIS_FC_READ },
	[S_CREATE_SUBSCRIPTION] = { 787, "create_subscription", DIS_FC_READ },
	[S_MODIFY_SUBSCRIPTION] = { 793, "modify_subscription", DIS_FC_READ },
	[S_SET_PUBLISHING_MODE] = { 799, "set_publishing_mode", DIS_FC_READ },
	[S_PUBLISH] = { 826, "publish", DIS_FC_READ },
	[S_REPUBLISH] = { 832, "republish", DIS_FC_READ },
	[S_TRANSFER_SUBSCRIPTIONS] = { 841, "transfer_subscriptions", DIS_FC_READ },
	[S_DELETE_SUBSCRIPTIONS] = { 847, "delete_subscriptions", DIS_FC_READ },
	[S_FIND_SERVERS_ON_NETWORK] = { 12208, "find_servers_on_network", DIS_FC_OTHER },
	[S_REGISTER_SERVER2] = { 12211, "register_server2", DIS_FC_OTHER },
};

/* Counters after the per-chunk-type ones (2 * OPCUA_COUNTERS_PER_DIR). */
enum {
	C_SVC_REQ = 2 * OPCUA_COUNTERS_PER_DIR, /* + service index */
	C_SVC_RESP = C_SVC_REQ + S__COUNT,      /* + service index */
	C_SERVICE_FAULT = C_SVC_RESP + S__COUNT,
	C_UNKNOWN_SERVICE,      /* a plain body with an encoding id we do not know */
	C_UNDECODED,            /* MSG bodies not decoded (encrypted or not plain) */
	C_ABORTED,              /* messages aborted by an A chunk */
	C_OVERSIZED,            /* messages above the negotiated or our size limit */
	C_CHUNK_TOO_LARGE,      /* chunks above the negotiated buffer size */
	C_REASSEMBLED,          /* messages that came in more than one chunk */
	C_PENDING_EVICTED,
	C_UNMATCHED,            /* responses without a request */
	C_OPN_POLICY_NONE,      /* OPN messages with SecurityPolicy#None */
	C_OPN_POLICY_SECURED,   /* OPN messages with any other policy URI */
	C__END
};

/* Common status codes (Part 4 7.34, Part 6 annex A StatusCode.csv). */
static const struct {
	uint32_t code;
	const char *name;
} status_names[] = {
	{ 0x00000000, "Good" },
	{ 0x80010000, "BadUnexpectedError" },
	{ 0x80020000, "BadInternalError" },
	{ 0x80030000, "BadOutOfMemory" },
	{ 0x80040000, "BadResourceUnavailable" },
	{ 0x80050000, "BadCommunicationError" },
	{ 0x80060000, "BadEncodingError" },
	{ 0x80070000, "BadDecodingError" },
	{ 0x80080000, "BadEncodingLimitsExceeded" },
	{ 0x800a0000, "BadTimeout" },
	{ 0x800b0000, "BadServiceUnsupported" },
	{ 0x800c0000, "BadShutdown" },
	{ 0x800d0000, "BadServerNotConnected" },
	{ 0x800e0000, "BadServerHalted" },
	{ 0x800f0000, "BadNothingToDo" },
	{ 0x80100000, "BadTooManyOperations" },
	{ 0x80120000, "BadCertificateInvalid" },
	{ 0x80130000, "BadSecurityChecksFailed" },
	{ 0x801f0000, "BadUserAccessDenied" },
	{ 0x80200000, "BadIdentityTokenInvalid" },
	{ 0x80210000, "BadIdentityTokenRejected" },
	{ 0x80220000, "BadSecureChannelIdInvalid" },
	{ 0x80250000, "BadSessionIdInvalid" },
	{ 0x80260000, "BadSessionClosed" },
	{ 0x80270000, "BadSessionNotActivated" },
	{ 0x80280000, "BadSubscriptionIdInvalid" },
	{ 0x802a0000, "BadRequestHeaderInvalid" },
	{ 0x80330000, "BadNodeIdInvalid" },
	{ 0x80340000, "BadNodeIdUnknown" },
	{ 0x80350000, "BadAttributeIdInvalid" },
	{ 0x803a0000, "BadNotReadable" },
	{ 0x803b0000, "BadNotWritable" },
	{ 0x803c0000, "BadOutOfRange" },
	{ 0x803d0000, "BadNotSupported" },
	{ 0x803e0000, "BadNotFound" },
	{ 0x80740000, "BadTypeMismatch" },
	{ 0x80750000, "BadMethodInvalid" },
	{ 0x80760000, "BadArgumentsMissing" },
	{ 0x80730000, "BadWriteNotSupported" },
	{ 0x80780000, "BadTooManyPublishRequests" },
	{ 0x80790000, "BadNoSubscription" },
	{ 0x807a0000, "BadSequenceNumberUnknown" },
	{ 0x807d0000, "BadTcpServerTooBusy" },
	{ 0x807e0000, "BadTcpMessageTypeInvalid" },
	{ 0x807f0000, "BadTcpSecureChannelUnknown" },
	{ 0x80800000, "BadTcpMessageTooLarge" },
	{ 0x80830000, "BadTcpEndpointUrlInvalid" },
	{ 0x80860000, "BadSecureChannelClosed" },
	{ 0x80870000, "BadSecureChannelTokenUnknown" },
	{ 0x80540000, "BadSecurityModeRejected" },
	{ 0x80550000, "BadSecurityPolicyRejected" },
	{ 0x80570000, "BadUserSignatureInvalid" },
	{ 0x80ab0000, "BadInvalidArgument" },
	{ 0x80ac0000, "BadConnectionRejected" },
	{ 0x80ad0000, "BadDisconnect" },
	{ 0x80ae0000, "BadConnectionClosed" },
	{ 0x80af0000, "BadInvalidState" },
	{ 0x80b80000, "BadRequestTooLarge" },
	{ 0x80b90000, "BadResponseTooLarge" },
};

/* Variant built-in types (Part 6 5.1.2), index = type id. */
static const char *const variant_types[26] = {
	"null", "boolean", "sbyte", "byte", "int16", "uint16", "int32", "uint32", "int64",
	"uint64", "float", "double", "string", "datetime", "guid", "bytestring",
	"xml_element", "node_id", "expanded_node_id", "status_code", "qualified_name",
	"localized_text", "extension_object", "data_value", "variant", "diagnostic_info",
};

static const char *const wv_keys[OPCUA_MAX_WRITE_VALUES][4] = {
	{ "values.0.node_id", "values.0.attribute_id", "values.0.type", "values.0.value" },
	{ "values.1.node_id", "values.1.attribute_id", "values.1.type", "values.1.value" },
	{ "values.2.node_id", "values.2.attribute_id", "values.2.type", "values.2.value" },
};

/* The message type of a header (enum above), from its first three bytes. */
static int msg_type(const uint8_t *p)
{
#define UA_MT(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
	switch (UA_MT(p[0], p[1], p[2])) {
	case UA_MT('H', 'E', 'L'): return T_HEL;
	case UA_MT('A', 'C', 'K'): return T_ACK;
	case UA_MT('E', 'R', 'R'): return T_ERR;
	case UA_MT('R', 'H', 'E'): return T_RHE;
	case UA_MT('O', 'P', 'N'): return T_OPN;
	case UA_MT('M', 'S', 'G'): return T_MSG;
	case UA_MT('C', 'L', 'O'): return T_CLO;
	default: return -1;
	}
#undef UA_MT
}

static int chunk_ok(uint8_t c)
{
	return c == 'F' || c == 'C' || c == 'A';
}

/* Checks one header; returns the type or -1. */
static int header(const uint8_t *buf, size_t len, uint32_t *size)
{
	/* type, chunk type, size: 8 fixed bytes, one length check */
	if (len < 8)
		return -1;
	uint8_t chunk = buf[3];
	*size = buf[4] | (uint32_t)buf[5] << 8 | (uint32_t)buf[6] << 16 | (uint32_t)buf[7] << 24;
	int ty = msg_type(buf);
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

/* ---- Part 6 5.2 built-in type decoding, all through the cursor ---- */

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

static void skip_string(struct rd *r)
{
	const uint8_t *p;
	(void)ua_string(r, &p);
}

/* An array length (Int32, -1 = null). Returns 0 for null; a count that
 * cannot fit the bytes left (every element takes at least min_elem bytes)
 * fails the cursor, so a count off the wire never drives a loop alone. */
static uint32_t ua_array_len(struct rd *r, size_t min_elem)
{
	int32_t n = (int32_t)rd_le32(r);
	if (!rd_ok(r) || n <= 0)
		return 0;
	if ((size_t)n > rd_left(r) / min_elem) {
		rd_skip(r, rd_left(r) + 1); /* fails */
		return 0;
	}
	return (uint32_t)n;
}

struct ua_node {
	uint8_t kind; /* 0 numeric, 1 string, 2 guid, 3 opaque */
	uint16_t ns;
	uint32_t num;
	const uint8_t *p; /* string / guid / opaque bytes (in the cursor's buffer) */
	int32_t n;
};

/* NodeId or ExpandedNodeId (Part 6 5.2.2.9, 5.2.2.10). Returns 0 or -1. */
static int ua_nodeid(struct rd *r, struct ua_node *o, int expanded)
{
	/* The two short numeric forms (type ids, most tokens and nodes) with
	 * one length check; the others, and any short read, below. */
	if (!r->err && r->len - r->off >= 4 && r->base[r->off] <= 0x01) {
		const uint8_t *p = r->base + r->off;
		o->kind = 0;
		o->p = NULL;
		o->n = 0;
		if (p[0] == 0x00) {
			o->ns = 0;
			o->num = p[1];
			r->off += 2;
		} else {
			o->ns = p[1];
			o->num = (uint32_t)(p[2] | p[3] << 8);
			r->off += 4;
		}
		return 0;
	}
	uint8_t enc = rd_u8(r);
	memset(o, 0, sizeof(*o));
	if (!rd_ok(r))
		return -1;
	if (!expanded && (enc & 0xc0))
		return -1;
	switch (enc & 0x0f) {
	case 0x00:
		o->num = rd_u8(r);
		break;
	case 0x01:
		o->ns = rd_u8(r);
		o->num = rd_le16(r);
		break;
	case 0x02:
		o->ns = rd_le16(r);
		o->num = rd_le32(r);
		break;
	case 0x03:
		o->kind = 1;
		o->ns = rd_le16(r);
		o->n = ua_string(r, &o->p);
		break;
	case 0x04:
		o->kind = 2;
		o->ns = rd_le16(r);
		if (rd_need(r, 16)) {
			o->p = rd_ptr(r);
			o->n = 16;
			rd_skip(r, 16);
		}
		break;
	case 0x05:
		o->kind = 3;
		o->ns = rd_le16(r);
		o->n = ua_string(r, &o->p);
		break;
	default:
		rd_skip(r, rd_left(r) + 1);
		return -1;
	}
	if (enc & 0x80)
		skip_string(r); /* namespace URI */
	if (enc & 0x40)
		rd_skip(r, 4); /* server index */
	return rd_ok(r) ? 0 : -1;
}

/* Writes prefix and the decimal form of v at buf, as snprintf(buf, cap,
 * "<prefix>%u", v) would but without the format machinery (a node id is
 * rendered for nearly every service request and response): returns the
 * length of the untruncated text; buf holds at most cap - 1 bytes of it. */
static size_t put_prefixed_u32(char *buf, size_t cap, const char *prefix, size_t plen,
			       uint32_t v)
{
	char tmp[16]; /* prefix (at most 3) and 10 digits, written from the end */
	size_t k = sizeof(tmp);
	do {
		tmp[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	k -= plen;
	memcpy(tmp + k, prefix, plen);
	size_t n = sizeof(tmp) - k;
	if (cap)
		memcpy(buf, tmp + k, n < cap ? n : cap - 1);
	return n;
}

/* Renders a node id in the text form of Part 6 5.3.1.10 ("ns=2;s=Temp"). */
static size_t render_node(const struct ua_node *o, char *buf, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t n;
	if (cap == 0)
		return 0;
	if (o->ns) {
		n = put_prefixed_u32(buf, cap, "ns=", 3, o->ns);
		if (n + 1 >= cap)
			return 0;
		buf[n++] = ';';
	} else {
		n = 0;
	}
	size_t len = n;
	switch (o->kind) {
	case 0:
		n = put_prefixed_u32(buf + len, cap - len, "i=", 2, o->num);
		len += n < cap - len ? n : cap - len - 1;
		return len;
	case 1:
		if (cap - len < 3)
			return len;
		buf[len++] = 's';
		buf[len++] = '=';
		if (o->p && o->n > 0) {
			size_t k = (size_t)o->n < cap - 1 - len ? (size_t)o->n : cap - 1 - len;
			memcpy(buf + len, o->p, k);
			len += k;
		}
		return len;
	default:
		if (cap - len < 3)
			return len;
		buf[len++] = o->kind == 2 ? 'g' : 'b';
		buf[len++] = '=';
		for (int32_t i = 0; o->p && i < o->n && len + 2 < cap; i++) {
			buf[len++] = hex[o->p[i] >> 4];
			buf[len++] = hex[o->p[i] & 15];
		}
		return len;
	}
}

static void put_node(struct dis_event *ev, const char *key, const struct ua_node *o)
{
	char buf[OPCUA_MAX_STR_EVENT / 4];
	if (!ev)
		return; /* a summary pass: nothing to render */
	size_t n = render_node(o, buf, sizeof(buf));
	dis_ev_str(ev, key, buf, n);
}

/* ExtensionObject (5.2.2.15): type NodeId, encoding byte, body. */
static int ua_extobj(struct rd *r, struct ua_node *type)
{
	if (ua_nodeid(r, type, 0) < 0)
		return -1;
	uint8_t enc = rd_u8(r);
	if (!rd_ok(r) || enc > 2)
		return -1;
	if (enc)
		skip_string(r);
	return rd_ok(r) ? 0 : -1;
}

static void skip_variant(struct rd *r, unsigned depth);

/* DiagnosticInfo (5.2.2.12). */
static void skip_diag(struct rd *r, unsigned depth)
{
	uint8_t m = rd_u8(r);
	if (!rd_ok(r))
		return;
	if (m & 0x01)
		rd_skip(r, 4);
	if (m & 0x02)
		rd_skip(r, 4);
	if (m & 0x04)
		rd_skip(r, 4);
	if (m & 0x08)
		rd_skip(r, 4);
	if (m & 0x10)
		skip_string(r);
	if (m & 0x20)
		rd_skip(r, 4);
	if (m & 0x40) {
		if (depth >= OPCUA_MAX_NEST)
			rd_skip(r, rd_left(r) + 1);
		else
			skip_diag(r, depth + 1);
	}
}

/* DataValue (5.2.2.17). */
static void skip_datavalue(struct rd *r, unsigned depth)
{
	uint8_t m = rd_u8(r);
	if (!rd_ok(r))
		return;
	if (m & 0x01)
		skip_variant(r, depth + 1);
	if (m & 0x02)
		rd_skip(r, 4);
	if (m & 0x04)
		rd_skip(r, 8);
	if (m & 0x10)
		rd_skip(r, 2);
	if (m & 0x08)
		rd_skip(r, 8);
	if (m & 0x20)
		rd_skip(r, 2);
}

/* One scalar of built-in type t. */
static void skip_scalar(struct rd *r, uint8_t t, unsigned depth)
{
	static const uint8_t fixed[26] = { 0, 1, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 0, 8, 16, 0,
					   0, 0, 0, 4 };
	struct ua_node o;
	if (depth > OPCUA_MAX_NEST || t > 25) {
		rd_skip(r, rd_left(r) + 1);
		return;
	}
	if (fixed[t]) {
		rd_skip(r, fixed[t]);
		return;
	}
	switch (t) {
	case 0:
		return;
	case 12: case 15: case 16:
		skip_string(r);
		return;
	case 17: case 18:
		(void)ua_nodeid(r, &o, t == 18);
		return;
	case 20:
		rd_skip(r, 2);
		skip_string(r);
		return;
	case 21: {
		uint8_t m = rd_u8(r);
		if (m & 0x01)
			skip_string(r);
		if (m & 0x02)
			skip_string(r);
		return;
	}
	case 22:
		(void)ua_extobj(r, &o);
		return;
	case 23:
		skip_datavalue(r, depth + 1);
		return;
	case 24:
		skip_variant(r, depth + 1);
		return;
	case 25:
		skip_diag(r, depth + 1);
		return;
	default:
		rd_skip(r, rd_left(r) + 1);
	}
}

/* Variant (5.2.2.16): encoding mask (type id, 0x80 array, 0x40 dimensions). */
static void skip_variant(struct rd *r, unsigned depth)
{
	uint8_t m = rd_u8(r);
	if (!rd_ok(r))
		return;
	uint8_t t = m & 0x3f;
	if (m & 0x80) {
		uint32_t n = ua_array_len(r, 1);
		for (uint32_t i = 0; i < n && rd_ok(r); i++)
			skip_scalar(r, t, depth);
		if (m & 0x40) {
			uint32_t d = ua_array_len(r, 4);
			rd_skip(r, (size_t)d * 4u);
		}
		return;
	}
	skip_scalar(r, t, depth);
}

/* Renders a Variant's value (bounded) into buf; *type gets its type name. */
static size_t render_variant(struct rd *r, const char **type, char *buf, size_t cap)
{
	struct rd start = *r;
	uint8_t m = rd_u8(r);
	int n = 0;
	*type = "invalid";
	if (!rd_ok(r) || cap == 0)
		return 0;
	uint8_t t = m & 0x3f;
	*type = t <= 25 ? variant_types[t] : "unknown";
	if (m & 0x80) {
		struct rd cnt_r = *r;
		int32_t cnt = (int32_t)rd_le32(&cnt_r);
		*r = start; /* skip the whole array from its mask */
		skip_variant(r, 0);
		if (!rd_ok(r))
			return 0;
		n = snprintf(buf, cap, "array[%d]", cnt);
		return n > 0 && (size_t)n < cap ? (size_t)n : 0;
	}
	switch (t) {
	case 0:
		n = snprintf(buf, cap, "null");
		break;
	case 1: {
		uint8_t v = rd_u8(r);
		n = snprintf(buf, cap, "%s", v ? "true" : "false");
		break;
	}
	case 2:
		n = snprintf(buf, cap, "%d", (int8_t)rd_u8(r));
		break;
	case 3:
		n = snprintf(buf, cap, "%u", rd_u8(r));
		break;
	case 4:
		n = snprintf(buf, cap, "%d", (int16_t)rd_le16(r));
		break;
	case 5:
		n = snprintf(buf, cap, "%u", rd_le16(r));
		break;
	case 6:
		n = snprintf(buf, cap, "%d", (int32_t)rd_le32(r));
		break;
	case 7:
		n = snprintf(buf, cap, "%u", rd_le32(r));
		break;
	case 8:
		n = snprintf(buf, cap, "%lld", (long long)(int64_t)rd_le64(r));
		break;
	case 9: case 13:
		n = snprintf(buf, cap, "%llu", (unsigned long long)rd_le64(r));
		break;
	case 10: {
		uint32_t bits = rd_le32(r);
		float f;
		memcpy(&f, &bits, sizeof(f));
		n = snprintf(buf, cap, "%.9g", (double)f);
		break;
	}
	case 11: {
		uint64_t bits = rd_le64(r);
		double d;
		memcpy(&d, &bits, sizeof(d));
		n = snprintf(buf, cap, "%.17g", d);
		break;
	}
	case 19:
		n = snprintf(buf, cap, "0x%08x", rd_le32(r));
		break;
	case 12: case 16: {
		const uint8_t *p;
		int32_t sl = ua_string(r, &p);
		if (sl < 0 || !p)
			return 0;
		size_t k = (size_t)sl < cap ? (size_t)sl : cap;
		if (k > OPCUA_MAX_VALUE_STR)
			k = OPCUA_MAX_VALUE_STR;
		memcpy(buf, p, k);
		return k;
	}
	case 15: {
		static const char hex[] = "0123456789abcdef";
		const uint8_t *p;
		int32_t sl = ua_string(r, &p);
		if (sl < 0 || !p)
			return 0;
		size_t k = 0;
		for (int32_t i = 0; i < sl && k + 2 <= cap && k < OPCUA_MAX_VALUE_STR; i++) {
			buf[k++] = hex[p[i] >> 4];
			buf[k++] = hex[p[i] & 15];
		}
		return k;
	}
	case 17: case 18: {
		struct ua_node o;
		if (ua_nodeid(r, &o, t == 18) < 0)
			return 0;
		return render_node(&o, buf, cap);
	}
	case 21: {
		uint8_t lm = rd_u8(r);
		const uint8_t *p = NULL;
		int32_t sl = -1;
		if (lm & 0x01)
			skip_string(r);
		if (lm & 0x02)
			sl = ua_string(r, &p);
		if (sl <= 0 || !p)
			return 0;
		size_t k = (size_t)sl < cap ? (size_t)sl : cap;
		if (k > OPCUA_MAX_VALUE_STR)
			k = OPCUA_MAX_VALUE_STR;
		memcpy(buf, p, k);
		return k;
	}
	default:
		skip_scalar(r, t, 0);
		return 0;
	}
	if (!rd_ok(r))
		return 0;
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* RequestHeader (Part 4 7.28). Strict: any malformed field returns -1, so a
 * body that is not plain text (encrypted) is not taken for a request. */
static int ua_request_header(struct rd *r, uint32_t *handle)
{
	struct ua_node o;
	if (ua_nodeid(r, &o, 0) < 0) /* authentication token */
		return -1;
	rd_skip(r, 8);               /* timestamp */
	*handle = rd_le32(r);
	rd_skip(r, 4);               /* return diagnostics */
	int32_t audit = (int32_t)rd_le32(r);
	if (!rd_ok(r) || audit < -1)
		return -1;
	if (audit > 0)
		rd_skip(r, (size_t)audit);
	rd_skip(r, 4);               /* timeout hint */
	return ua_extobj(r, &o);     /* additional header */
}

/* ResponseHeader (Part 4 7.29). */
static int ua_response_header(struct rd *r, uint32_t *handle, uint32_t *result)
{
	struct ua_node o;
	rd_skip(r, 8); /* timestamp */
	*handle = rd_le32(r);
	*result = rd_le32(r);
	skip_diag(r, 0);
	uint32_t n = ua_array_len(r, 4); /* string table */
	for (uint32_t i = 0; i < n && rd_ok(r); i++)
		skip_string(r);
	if (!rd_ok(r))
		return -1;
	return ua_extobj(r, &o);
}

static const char *status_name(uint32_t code, char *buf, size_t cap)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (status_names[i].code == (code & 0xffff0000u))
			return status_names[i].name;
	snprintf(buf, cap, "0x%08x", code);
	return buf;
}

static int status_is_bad(uint32_t code)
{
	return (code & 0xc0000000u) == 0x80000000u;
}

static const char *policy_name_of(uint8_t p)
{
	return p < sizeof(policy_names) / sizeof(policy_names[0]) - 1 ? policy_names[p] : "unknown";
}

static uint8_t policy_index(const uint8_t *uri, int32_t n)
{
	static const char prefix[] = "http://opcfoundation.org/UA/SecurityPolicy#";
	size_t pl = sizeof(prefix) - 1;
	if (!uri || n <= 0 || (size_t)n <= pl || memcmp(uri, prefix, pl) != 0)
		return POL_UNKNOWN;
	for (unsigned i = 1; policy_names[i]; i++)
		if ((size_t)n - pl == strlen(policy_names[i]) &&
		    memcmp(uri + pl, policy_names[i], (size_t)n - pl) == 0)
			return (uint8_t)i;
	return POL_UNKNOWN;
}

static void add_str(struct dis_event *ev, const char *key, const uint8_t *p, int32_t n)
{
	if (!ev || n < 0 || (n > 0 && !p))
		return; /* null, or longer than the bytes we hold */
	size_t len = (size_t)n;
	if (len > OPCUA_MAX_STR_EVENT) {
		len = OPCUA_MAX_STR_EVENT;
		ev->flags |= DIS_EV_TRUNCATED;
	}
	dis_ev_str(ev, key, (const char *)p, len);
}

static void put_hex(struct dis_event *ev, const char *key, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char buf[2 * 64];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 2 <= sizeof(buf); i++) {
		buf[k++] = hex[p[i] >> 4];
		buf[k++] = hex[p[i] & 15];
	}
	dis_ev_str(ev, key, buf, k);
}

/* SHA-1 of a certificate, as OPC UA thumbprints are (Part 6 6.7.2.3). */
static int sha1(const uint8_t *p, size_t n, uint8_t out[OPCUA_SHA1_LEN])
{
	unsigned int len = 0;
	if (!EVP_Digest(p, n, out, &len, EVP_sha1(), NULL) || len != OPCUA_SHA1_LEN)
		return -1;
	return 0;
}

/* ---- channels ---- */

static struct opcua_channel *chan_find(struct opcua_state *s, uint32_t id)
{
	for (unsigned i = 0; i < OPCUA_CHANNELS; i++)
		if (s->ch[i].in_use && s->ch[i].id == id)
			return &s->ch[i];
	return NULL;
}

/* The channel with this id, created (security unknown) when first seen;
 * when every slot is taken they give way in turn (pending requests and folds
 * of the channel evicted then report the new channel's security). */
static struct opcua_channel *chan_get(struct opcua_state *s, uint32_t id)
{
	struct opcua_channel *c = chan_find(s, id);
	if (c)
		return c;
	for (unsigned i = 0; i < OPCUA_CHANNELS; i++)
		if (!s->ch[i].in_use) {
			c = &s->ch[i];
			break;
		}
	if (!c)
		c = &s->ch[s->ch_evict++ % OPCUA_CHANNELS];
	memset(c, 0, sizeof(*c));
	c->in_use = 1;
	c->id = id;
	return c;
}

static uint8_t chan_slot(const struct opcua_state *s, const struct opcua_channel *c)
{
	return c ? (uint8_t)(c - s->ch + 1) : 0;
}

static const struct opcua_channel *chan_at(const struct opcua_state *s, uint8_t slot)
{
	if (slot == 0 || slot > OPCUA_CHANNELS || !s->ch[slot - 1].in_use)
		return NULL;
	return &s->ch[slot - 1];
}

/* The security context every OPN/MSG/CLO event carries. */
static void put_security(struct dis_event *ev, const struct opcua_channel *c)
{
	if (c)
		dis_ev_uint(ev, "secure_channel_id", c->id);
	dis_ev_cstr(ev, "security_mode", mode_names[c ? c->mode : MODE_UNKNOWN]);
	if (c && c->mode_src == 2)
		dis_ev_bool(ev, "security_mode_inferred", 1);
	dis_ev_cstr(ev, "security_policy", policy_name_of(c ? c->policy : POL_UNKNOWN));
	/* no ActivateSession seen: "none" only where we would have seen it */
	const char *id = "unknown";
	if (c && c->identity != ID_NONE && c->identity < ID__COUNT)
		id = identity_names[c->identity];
	else if (c && c->mode_src && (c->mode == MODE_NONE || c->mode == MODE_SIGN))
		id = identity_names[ID_NONE];
	dis_ev_cstr(ev, "identity_token", id);
	if (c && c->identity == ID_USER_NAME && c->user_len) {
		dis_ev_str(ev, "user_name", c->user, c->user_len);
		if (c->user_cut)
			ev->flags |= DIS_EV_TRUNCATED;
	}
}

/* ---- services ---- */

/* The service whose request (id) or response (id - 3) has this encoding id.
 * svcs[] is sorted by req_id, so a binary search finds the first entry
 * that can match; a request id equal to another service's response id
 * (12211) resolves as the linear scan in table order would: to the
 * earlier entry, as a response. */
static int svc_by_id(uint32_t id, int *is_resp)
{
	uint32_t lo_id = id >= 3 ? id - 3 : 0;
	int lo = 0, hi = S__COUNT;
	while (lo < hi) { /* first entry with req_id >= lo_id */
		int mid = (lo + hi) / 2;
		if (svcs[mid].req_id < lo_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int i = lo; i < S__COUNT && svcs[i].req_id <= id; i++) {
		if (svcs[i].req_id == id) {
			*is_resp = 0;
			return i;
		}
		if (svcs[i].req_id + 3 == id) {
			*is_resp = 1;
			return i;
		}
	}
	return -1;
}

/* What a plain message body starts with. */
struct body_info {
	int svc;         /* service index, -1 unknown */
	int is_resp;
	int is_fault;
	uint32_t type_id;
	uint32_t handle;
	uint32_t result; /* responses */
};

/* Parses the encoding NodeId and the request or response header of a
 * message body. Returns 0 when the body is a well-formed plain service
 * message (also for an unknown service in namespace 0: svc = -1), else -1. */
static int body_start(struct rd *b, struct body_info *bi)
{
	struct ua_node t;
	memset(bi, 0, sizeof(*bi));
	bi->svc = -1;
	if (ua_nodeid(b, &t, 0) < 0 || t.kind != 0 || t.ns != 0)
		return -1;
	bi->type_id = t.num;
	if (t.num == UA_SERVICE_FAULT) {
		bi->is_fault = bi->is_resp = 1;
	} else {
		bi->svc = svc_by_id(t.num, &bi->is_resp);
		if (bi->svc < 0)
			return -1;
	}
	if (bi->is_resp)
		return ua_response_header(b, &bi->handle, &bi->result);
	return ua_request_header(b, &bi->handle);
}

/* Decoder state: ev may be NULL (a pass that only collects the summary). */
struct sdec {
	struct dis_event *ev;
	uint32_t count;
	struct ua_node first;
	int have_first;
	uint32_t results, results_bad, first_bad;
	int cut; /* ran out of bytes */
};

static void d_u(struct sdec *d, const char *k, uint64_t v)
{
	if (d->ev)
		dis_ev_uint(d->ev, k, v);
}

static void d_b(struct sdec *d, const char *k, int v)
{
	if (d->ev)
		dis_ev_bool(d->ev, k, v);
}

static void d_s(struct sdec *d, const char *k, const uint8_t *p, int32_t n)
{
	add_str(d->ev, k, p, n);
}

static void d_node(struct sdec *d, const char *k, const struct ua_node *o)
{
	put_node(d->ev, k, o);
}

/* A Double of milliseconds read from b as an integer field, when it is one. */
static void d_ms(struct sdec *d, const char *k, struct rd *b)
{
	uint64_t bits = rd_le64(b);
	double v;
	if (!rd_ok(b))
		return;
	memcpy(&v, &bits, sizeof(v));
	if (v >= 0 && v < 1e15)
		d_u(d, k, (uint64_t)v);
}

static void first_node(struct sdec *d, const struct ua_node *o)
{
	if (!d->have_first) {
		d->first = *o;
		d->have_first = 1;
	}
}

static uint8_t identity_of(uint32_t type_id)
{
	switch (type_id) {
	case UA_ANONYMOUS_TOKEN: return ID_ANONYMOUS;
	case UA_USER_NAME_TOKEN: return ID_USER_NAME;
	case UA_X509_TOKEN: return ID_CERTIFICATE;
	case UA_ISSUED_TOKEN: return ID_ISSUED;
	default: return ID_OTHER;
	}
}

/* ActivateSession request body up to the user identity token; the token's
 * type and (user name tokens) the user name. */
static void dec_activate(struct sdec *d, struct rd *b, struct opcua_channel *ch)
{
	skip_string(b); /* client signature: algorithm */
	skip_string(b); /*                   signature */
	uint32_t n = ua_array_len(b, 8); /* client software certificates */
	for (uint32_t i = 0; i < n && rd_ok(b); i++) {
		skip_string(b);
		skip_string(b);
	}
	n = ua_array_len(b, 4); /* locale ids */
	for (uint32_t i = 0; i < n && rd_ok(b); i++)
		skip_string(b);
	struct ua_node t;
	if (ua_nodeid(b, &t, 0) < 0)
		return;
	uint8_t enc = rd_u8(b);
	if (!rd_ok(b))
		return;
	/* a null token (no type, no body) is anonymous by Part 4 5.6.3 */
	uint8_t idx = t.kind == 0 && t.ns == 0 && (t.num || enc) ? identity_of(t.num) : ID_ANONYMOUS;
	const uint8_t *user = NULL;
	int32_t ul = -1;
	if (enc == 1) {
		const uint8_t *body;
		int32_t bl = ua_string(b, &body);
		if (body && bl > 0) {
			struct rd tb = rd_init(body, (size_t)bl);
			const uint8_t *pol;
			int32_t pl = ua_string(&tb, &pol);
			d_s(d, "identity_policy_id", pol, pl);
			if (idx == ID_USER_NAME) {
				ul = ua_string(&tb, &user);
			}
		}
	}
	if (ch) {
		ch->identity = idx;
		ch->user_len = 0;
		ch->user_cut = 0;
		if (user && ul > 0) {
			size_t k = (size_t)ul < OPCUA_USER_BYTES ? (size_t)ul : OPCUA_USER_BYTES;
			memcpy(ch->user, user, k);
			ch->user_len = (uint8_t)k;
			ch->user_cut = (size_t)ul > k;
		}
	}
}

/* ApplicationDescription (Part 4 7.2), fields under prefix keys. */
static void dec_app_description(struct sdec *d, struct rd *b, const char *uri_key,
				const char *name_key)
{
	const uint8_t *p;
	int32_t n = ua_string(b, &p);
	if (uri_key)
		d_s(d, uri_key, p, n);
	skip_string(b); /* product uri */
	uint8_t m = rd_u8(b); /* application name: LocalizedText */
	if (m & 0x01)
		skip_string(b);
	if (m & 0x02) {
		n = ua_string(b, &p);
		if (name_key)
			d_s(d, name_key, p, n);
	}
	rd_skip(b, 4);  /* application type */
	skip_string(b); /* gateway server uri */
	skip_string(b); /* discovery profile uri */
	uint32_t k = ua_array_len(b, 4); /* discovery urls */
	for (uint32_t i = 0; i < k && rd_ok(b); i++)
		skip_string(b);
}

/* Write request: each WriteValue's node, attribute, value type and value. */
static void dec_write(struct sdec *d, struct rd *b)
{
	d->count = ua_array_len(b, 8);
	d_u(d, "node_count", d->count);
	for (uint32_t i = 0; i < d->count && i < OPCUA_MAX_WRITE_VALUES && rd_ok(b); i++) {
		struct ua_node o;
		if (ua_nodeid(b, &o, 0) < 0)
			return;
		first_node(d, &o);
		uint32_t attr = rd_le32(b);
		skip_string(b); /* index range */
		uint8_t m = rd_u8(b);
		if (!rd_ok(b))
			return;
		d_node(d, wv_keys[i][0], &o);
		d_u(d, wv_keys[i][1], attr);
		if (m & 0x01) {
			char buf[OPCUA_MAX_VALUE_STR + 16];
			const char *type;
			size_t n = render_variant(b, &type, buf, sizeof(buf));
			if (!rd_ok(b))
				return;
			if (d->ev) {
				dis_ev_cstr(d->ev, wv_keys[i][2], type);
				dis_ev_str(d->ev, wv_keys[i][3], buf, n);
			}
		}
		if (m & 0x02)
			rd_skip(b, 4);
		if (m & 0x04)
			rd_skip(b, 8);
		if (m & 0x10)
			rd_skip(b, 2);
		if (m & 0x08)
			rd_skip(b, 8);
		if (m & 0x20)
			rd_skip(b, 2);
	}
}

/* The request body after the RequestHeader. ch: the channel, for the side
 * effects of ActivateSession (NULL when re-decoding a kept copy). */
static void dec_request(struct sdec *d, int svc, struct rd *b, struct opcua_channel *ch)
{
	struct ua_node o;
	const uint8_t *p;
	int32_t n;
	uint32_t k;
	switch (svc) {
	case S_GET_ENDPOINTS:
	case S_FIND_SERVERS:
		n = ua_string(b, &p);
		d_s(d, "endpoint_url", p, n);
		break;
	case S_CREATE_SESSION:
		dec_app_description(d, b, "client.application_uri", "client.application_name");
		skip_string(b); /* server uri */
		n = ua_string(b, &p);
		d_s(d, "endpoint_url", p, n);
		n = ua_string(b, &p);
		d_s(d, "session_name", p, n);
		skip_string(b); /* client nonce */
		n = ua_string(b, &p);
		if (rd_ok(b) && d->ev)
			dis_ev_int(d->ev, "client_certificate_length", n);
		d_ms(d, "requested_session_timeout_ms", b);
		break;
	case S_ACTIVATE_SESSION:
		dec_activate(d, b, ch);
		break;
	case S_CLOSE_SESSION: {
		uint8_t del = rd_u8(b);
		if (rd_ok(b))
			d_b(d, "delete_subscriptions", del != 0);
		break;
	}
	case S_READ:
		rd_skip(b, 8 + 4); /* max age, timestamps to return */
		d->count = ua_array_len(b, 16);
		d_u(d, "node_count", d->count);
		if (d->count && ua_nodeid(b, &o, 0) == 0) {
			first_node(d, &o);
			d_node(d, "node_id", &o);
			uint32_t attr = rd_le32(b);
			if (rd_ok(b))
				d_u(d, "attribute_id", attr);
		}
		break;
	case S_WRITE:
		dec_write(d, b);
		break;
	case S_CALL:
		d->count = ua_array_len(b, 9);
		d_u(d, "method_count", d->count);
		if (d->count && ua_nodeid(b, &o, 0) == 0) {
			first_node(d, &o);
			d_node(d, "object_id", &o);
			if (ua_nodeid(b, &o, 0) == 0) {
				d_node(d, "method_id", &o);
				int32_t args = (int32_t)rd_le32(b);
				if (rd_ok(b))
					d_u(d, "argument_count", args > 0 ? (uint32_t)args : 0);
			}
		}
		break;
	case S_BROWSE:
		if (ua_nodeid(b, &o, 0) < 0) /* view id */
			break;
		rd_skip(b, 8 + 4 + 4); /* view timestamp, version, max references */
		/* fall through */
	case S_TRANSLATE:
	case S_REGISTER_NODES:
	case S_UNREGISTER_NODES:
		d->count = ua_array_len(b, 2);
		d_u(d, svc == S_TRANSLATE ? "path_count" : "node_count", d->count);
		if (d->count && ua_nodeid(b, &o, 0) == 0) {
			first_node(d, &o);
			d_node(d, "node_id", &o);
		}
		break;
	case S_BROWSE_NEXT:
		rd_skip(b, 1);
		d->count = ua_array_len(b, 4);
		d_u(d, "continuation_point_count", d->count);
		break;
	case S_CREATE_SUBSCRIPTION: {
		d_ms(d, "publishing_interval_ms", b);
		rd_skip(b, 12);
		uint8_t en = rd_u8(b);
		if (rd_ok(b))
			d_b(d, "publishing_enabled", en != 0);
		break;
	}
	case S_CREATE_MONITORED_ITEMS: {
		uint32_t sub = rd_le32(b);
		rd_skip(b, 4);
		d->count = ua_array_len(b, 2);
		if (!rd_ok(b))
			break;
		d_u(d, "subscription_id", sub);
		d_u(d, "item_count", d->count);
		if (d->count && ua_nodeid(b, &o, 0) == 0) {
			first_node(d, &o);
			d_node(d, "node_id", &o);
		}
		break;
	}
	case S_SET_PUBLISHING_MODE: {
		uint8_t en = rd_u8(b);
		d->count = ua_array_len(b, 4);
		if (!rd_ok(b))
			break;
		d_b(d, "publishing_enabled", en != 0);
		d_u(d, "subscription_count", d->count);
		break;
	}
	case S_PUBLISH:
		d->count = ua_array_len(b, 8);
		if (rd_ok(b))
			d_u(d, "acknowledgement_count", d->count);
		break;
	case S_DELETE_SUBSCRIPTIONS:
		d->count = ua_array_len(b, 4);
		if (rd_ok(b))
			d_u(d, "subscription_count", d->count);
		break;
	case S_DELETE_MONITORED_ITEMS: {
		uint32_t sub = rd_le32(b);
		d->count = ua_array_len(b, 4);
		if (!rd_ok(b))
			break;
		d_u(d, "subscription_id", sub);
		d_u(d, "item_count", d->count);
		break;
	}
	case S_ADD_NODES:
		d->count = ua_array_len(b, 8);
		d_u(d, "node_count", d->count);
		if (d->count && ua_nodeid(b, &o, 1) == 0) {
			first_node(d, &o);
			d_node(d, "parent_node_id", &o);
			if (ua_nodeid(b, &o, 0) < 0) /* reference type */
				break;
			d_node(d, "reference_type_id", &o);
			if (ua_nodeid(b, &o, 1) < 0)
				break;
			d_node(d, "requested_node_id", &o);
			rd_skip(b, 2); /* browse name: namespace, name */
			n = ua_string(b, &p);
			d_s(d, "browse_name", p, n);
			k = rd_le32(b);
			if (rd_ok(b))
				d_u(d, "node_class", k);
		}
		break;
	case S_DELETE_NODES:
		d->count = ua_array_len(b, 3);
		d_u(d, "node_count", d->count);
		if (d->count && ua_nodeid(b, &o, 0) == 0) {
			first_node(d, &o);
			d_node(d, "node_id", &o);
		}
		break;
	case S_ADD_REFERENCES:
	case S_DELETE_REFERENCES:
		d->count = ua_array_len(b, 8);
		d_u(d, "reference_count", d->count);
		if (d->count && ua_nodeid(b, &o, 0) == 0) {
			first_node(d, &o);
			d_node(d, "source_node_id", &o);
			if (ua_nodeid(b, &o, 0) < 0)
				break;
			d_node(d, "reference_type_id", &o);
			rd_skip(b, 1); /* is forward */
			if (svc == S_ADD_REFERENCES)
				skip_string(b); /* target server uri */
			if (ua_nodeid(b, &o, 1) == 0)
				d_node(d, "target_node_id", &o);
		}
		break;
	case S_HISTORY_UPDATE:
		d->count = ua_array_len(b, 3);
		d_u(d, "detail_count", d->count);
		if (d->count && ua_nodeid(b, &o, 0) == 0) {
			d_node(d, "details_type", &o);
			uint8_t enc = rd_u8(b);
			if (rd_ok(b) && enc == 1) {
				n = ua_string(b, &p);
				if (p && n > 0) {
					struct rd db = rd_init(p, (size_t)n);
					if (ua_nodeid(&db, &o, 0) == 0) {
						first_node(d, &o);
						d_node(d, "node_id", &o);
					}
				}
			}
		}
		break;
	default:
		break;
	}
	if (!rd_ok(b))
		d->cut = 1;
}

/* StatusCode[] results: counted, bad ones counted, the first bad kept. */
static void dec_status_array(struct sdec *d, struct rd *b)
{
	d->results = ua_array_len(b, 4);
	for (uint32_t i = 0; i < d->results && rd_ok(b); i++) {
		uint32_t st = rd_le32(b);
		if (rd_ok(b) && status_is_bad(st) && !d->results_bad++)
			d->first_bad = st;
	}
}

static void result_status(struct sdec *d, uint32_t st)
{
	if (status_is_bad(st) && !d->results_bad++)
		d->first_bad = st;
}

/* GetEndpoints response: the endpoints offered, "mode:policy" each. */
static void dec_endpoints(struct sdec *d, struct rd *b)
{
	char list[OPCUA_MAX_ENDPOINTS * 48];
	size_t len = 0;
	uint32_t n = ua_array_len(b, 24);
	d_u(d, "response.endpoint_count", n);
	uint32_t i;
	for (i = 0; i < n && i < OPCUA_MAX_ENDPOINTS && rd_ok(b); i++) {
		skip_string(b); /* endpoint url */
		dec_app_description(d, b, NULL, NULL);
		skip_string(b); /* server certificate */
		uint32_t mode = rd_le32(b);
		const uint8_t *p;
		int32_t pl = ua_string(b, &p);
		if (!rd_ok(b))
			break;
		uint8_t pol = policy_index(p, pl);
		int k = snprintf(list + len, sizeof(list) - len, "%s%s:%s", len ? "," : "",
				 mode < MODE__COUNT ? mode_names[mode] : "unknown",
				 policy_name_of(pol));
		if (k < 0 || (size_t)k >= sizeof(list) - len)
			break;
		len += (size_t)k;
		uint32_t t = ua_array_len(b, 20); /* user identity tokens */
		for (uint32_t j = 0; j < t && rd_ok(b); j++) {
			skip_string(b);
			rd_skip(b, 4);
			skip_string(b);
			skip_string(b);
			skip_string(b);
		}
		skip_string(b); /* transport profile */
		rd_skip(b, 1);  /* security level */
	}
	if (d->ev && len)
		dis_ev_str(d->ev, "response.endpoints", list, len);
	if (i < n)
		d->cut = 1;
}

/* The response body after the ResponseHeader. */
static void dec_response(struct sdec *d, int svc, struct rd *b)
{
	struct ua_node o;
	switch (svc) {
	case S_GET_ENDPOINTS:
		dec_endpoints(d, b);
		return;
	case S_FIND_SERVERS: {
		uint32_t n = ua_array_len(b, 4);
		if (rd_ok(b))
			d_u(d, "response.server_count", n);
		return;
	}
	case S_CREATE_SESSION:
		if (ua_nodeid(b, &o, 0) == 0)
			d_node(d, "response.session_id", &o);
		if (ua_nodeid(b, &o, 0) == 0) /* authentication token: not shown */
			d_ms(d, "response.revised_session_timeout_ms", b);
		return;
	case S_WRITE:
	case S_DELETE_NODES:
	case S_ADD_REFERENCES:
	case S_DELETE_REFERENCES:
	case S_SET_PUBLISHING_MODE:
	case S_DELETE_SUBSCRIPTIONS:
	case S_DELETE_MONITORED_ITEMS:
	case S_SET_MONITORING_MODE:
	case S_REGISTER_NODES:
		if (svc == S_REGISTER_NODES) {
			d->results = ua_array_len(b, 2);
			return;
		}
		dec_status_array(d, b);
		return;
	case S_CALL:
		d->results = ua_array_len(b, 16);
		for (uint32_t i = 0; i < d->results && rd_ok(b); i++) {
			uint32_t st = rd_le32(b);
			if (!rd_ok(b))
				break;
			result_status(d, st);
			uint32_t k = ua_array_len(b, 4);
			rd_skip(b, (size_t)k * 4u);
			k = ua_array_len(b, 1);
			for (uint32_t j = 0; j < k && rd_ok(b); j++)
				skip_diag(b, 0);
			k = ua_array_len(b, 1);
			if (i == 0 && rd_ok(b))
				d_u(d, "response.output_argument_count", k);
			for (uint32_t j = 0; j < k && rd_ok(b); j++)
				skip_variant(b, 0);
		}
		return;
	case S_ADD_NODES:
		d->results = ua_array_len(b, 6);
		for (uint32_t i = 0; i < d->results && rd_ok(b); i++) {
			uint32_t st = rd_le32(b);
			if (ua_nodeid(b, &o, 0) < 0)
				break;
			result_status(d, st);
			if (i == 0)
				d_node(d, "response.added_node_id", &o);
		}
		return;
	case S_HISTORY_UPDATE:
		d->results = ua_array_len(b, 12);
		for (uint32_t i = 0; i < d->results && rd_ok(b); i++) {
			uint32_t st = rd_le32(b);
			if (!rd_ok(b))
				break;
			result_status(d, st);
			uint32_t k = ua_array_len(b, 4);
			rd_skip(b, (size_t)k * 4u);
			k = ua_array_len(b, 1);
			for (uint32_t j = 0; j < k && rd_ok(b); j++)
				skip_diag(b, 0);
		}
		return;
	case S_READ:
		d->results = ua_array_len(b, 1);
		for (uint32_t i = 0; i < d->results && rd_ok(b); i++) {
			struct rd v = *b;
			uint8_t m = rd_u8(&v);
			if (m & 0x01)
				skip_variant(&v, 1);
			if (m & 0x02) {
				uint32_t st = rd_le32(&v);
				if (rd_ok(&v))
					result_status(d, st);
			}
			skip_datavalue(b, 0);
		}
		return;
	case S_BROWSE:
	case S_BROWSE_NEXT:
	case S_TRANSLATE:
	case S_CREATE_MONITORED_ITEMS:
		d->results = ua_array_len(b, 4);
		for (uint32_t i = 0; i < d->results && rd_ok(b); i++) {
			/* every result starts with its StatusCode; only the
			 * first is read without decoding the rest */
			if (i > 0)
				break;
			struct rd v = *b;
			uint32_t st = rd_le32(&v);
			if (rd_ok(&v))
				result_status(d, st);
		}
		return;
	case S_CREATE_SUBSCRIPTION:
	case S_PUBLISH: {
		uint32_t sub = rd_le32(b);
		if (rd_ok(b))
			d_u(d, "response.subscription_id", sub);
		return;
	}
	default:
		return;
	}
}

/* ---- pairing and folding ---- */

static int is_foldable(int svc)
{
	return svcs[svc].fclass == DIS_FC_READ;
}

_Static_assert(OPCUA_PENDING <= 16, "opcua_state.pend_used has a bit per pending entry");

static void pend_free(struct opcua_state *s, struct opcua_pending *e)
{
	if (e->copy)
		s->copy[e->copy - 1].in_use = 0;
	e->copy = 0;
	e->svc = 0;
	dis_pend_release(&s->pend_used, (unsigned)(e - s->pend));
}

static void outcome_fields(struct dis_event *ev, int answered, int fault, uint32_t result,
			   const struct sdec *rd_)
{
	char buf[16];
	if (!answered) {
		dis_ev_bool(ev, "matched", 0);
		dis_ev_cstr(ev, "outcome", "unanswered");
		return;
	}
	dis_ev_uint(ev, "service_result", result);
	dis_ev_cstr(ev, "status", status_name(result, buf, sizeof(buf)));
	if (fault)
		dis_ev_bool(ev, "service_fault", 1);
	if (rd_->results) {
		dis_ev_uint(ev, "response.results", rd_->results);
		dis_ev_uint(ev, "response.results_bad", rd_->results_bad);
		if (rd_->results_bad)
			dis_ev_cstr(ev, "response.first_bad_status",
				    status_name(rd_->first_bad, buf, sizeof(buf)));
	}
	const char *oc = "good";
	if (status_is_bad(result))
		oc = "bad";
	else if (rd_->results_bad)
		oc = rd_->results_bad >= rd_->results ? "bad" : "partial";
	else if (result & 0x40000000u)
		oc = "uncertain";
	dis_ev_cstr(ev, "outcome", oc);
}

/* One event for a service operation. e: the request (NULL for a response
 * without one); resp: the response body after its header (NULL when
 * unanswered). */
static void emit_op(struct opcua_state *s, struct dis_ctx *ctx, const struct opcua_pending *e,
		    int svc, int resp_dir, uint8_t resp_chan, const struct body_info *bi,
		    struct rd *resp)
{
	struct dis_event ev;
	const struct opcua_channel *ch = chan_at(s, e ? e->chan : resp_chan);
	dis_ev_init(&ev, ctx, e ? e->dir : resp_dir, svcs[svc].name,
		    (enum dis_fclass)svcs[svc].fclass);
	if (e)
		ev.ts_us = e->ts_us;
	else
		ev.flags |= DIS_EV_RESPONSE;
	dis_ev_cstr(&ev, "service", svcs[svc].name);
	dis_ev_uint(&ev, "request_handle", e ? e->handle : bi->handle);
	put_security(&ev, ch);
	if (e && e->copy) {
		const struct opcua_copy *c = &s->copy[e->copy - 1];
		struct rd b = rd_init(s->copy_b[e->copy - 1], c->kept);
		struct sdec d = { .ev = &ev };
		dec_request(&d, svc, &b, NULL);
		if (d.cut) /* ran out of bytes: of our copy, or of the message */
			dis_ev_bool(&ev, c->is_cut ? "request_truncated" : "request_malformed", 1);
	} else if (e) {
		dis_ev_uint(&ev, "item_count", e->count);
		if (e->node_numeric) {
			char nb[OPCUA_NODE_STR];
			struct ua_node o = { .kind = 0, .ns = e->node_ns, .num = e->node_num };
			size_t nl = (uint8_t)render_node(&o, nb, sizeof(nb));
			if (nl)
				dis_ev_str(&ev, "node_id", nb, nl);
		} else if (e->node_len) {
			dis_ev_str(&ev, "node_id", s->pend_node[e - s->pend], e->node_len);
		}
	}
	struct sdec r = { .ev = &ev };
	if (resp && !bi->is_fault)
		dec_response(&r, svc, resp);
	if (resp)
		outcome_fields(&ev, 1, bi->is_fault, bi->result, &r);
	else
		outcome_fields(&ev, 0, 0, 0, &r);
	if (resp)
		dis_ev_bool(&ev, "matched", e != NULL);
	if (e && resp)
		dis_ev_uint(&ev, "response_time_us",
			    ctx->ts_us >= e->ts_us ? ctx->ts_us - e->ts_us : 0);
	dis_emit(ctx, &ev);
}

static void pend_drop(struct opcua_state *s, struct dis_ctx *ctx, struct opcua_pending *e)
{
	/* a folded request's fold already counts it */
	if (e->svc && (e->copy || !ctx->rt->aggregate))
		emit_op(s, ctx, e, e->svc - 1, 0, 0, NULL, NULL);
	pend_free(s, e);
}

static struct opcua_pending *pend_oldest(struct opcua_state *s, int with_copy)
{
	struct opcua_pending *o = NULL;
	for (unsigned m = s->pend_used; m; m &= m - 1) {
		struct opcua_pending *e = &s->pend[dis_pend_next(m)];
		if ((!with_copy || e->copy) && (!o || e->ts_us < o->ts_us))
			o = e;
	}
	return o;
}

static struct opcua_pending *pend_find(struct opcua_state *s, uint32_t handle, uint32_t reqid)
{
	struct opcua_pending *found = NULL;
	for (unsigned m = s->pend_used; m; m &= m - 1) {
		struct opcua_pending *e = &s->pend[dis_pend_next(m)];
		if (e->handle != handle)
			continue;
		if (e->request_id == reqid)
			return e;
		if (!found || e->ts_us < found->ts_us)
			found = e;
	}
	return found;
}

static void emit_fold(struct opcua_state *s, struct dis_ctx *ctx, struct opcua_fold *fo)
{
	if (!fo->svc)
		return;
	if (!fo->requests && !fo->responses) {
		memset(fo, 0, sizeof(*fo));
		return;
	}
	struct dis_event ev;
	int svc = fo->svc - 1;
	dis_ev_init(&ev, ctx, 0, svcs[svc].name, (enum dis_fclass)svcs[svc].fclass);
	ev.count = fo->requests ? fo->requests : 1;
	ev.ts_us = fo->last_us;
	dis_ev_cstr(&ev, "service", svcs[svc].name);
	put_security(&ev, chan_at(s, fo->chan));
	dis_ev_uint(&ev, "requests", fo->requests);
	dis_ev_uint(&ev, "responses", fo->responses);
	dis_ev_uint(&ev, "first_seen_us", fo->first_us);
	dis_ev_uint(&ev, "last_seen_us", fo->last_us);
	dis_emit(ctx, &ev);
	memset(fo, 0, sizeof(*fo));
}

static struct opcua_fold *fold_get(struct opcua_state *s, struct dis_ctx *ctx, int svc,
				   uint8_t chan)
{
	struct opcua_fold *free_slot = NULL, *oldest = &s->fold[0];
	for (unsigned i = 0; i < OPCUA_FOLDS; i++) {
		struct opcua_fold *fo = &s->fold[i];
		if (fo->svc == svc + 1 && fo->chan == chan)
			return fo;
		if (!fo->svc && !free_slot)
			free_slot = fo;
		if (fo->first_us < oldest->first_us)
			oldest = fo;
	}
	if (!free_slot) {
		emit_fold(s, ctx, oldest);
		free_slot = oldest;
	}
	free_slot->svc = (uint16_t)(svc + 1);
	free_slot->chan = chan;
	free_slot->first_us = ctx->ts_us;
	return free_slot;
}

static void on_request(struct opcua_state *s, struct dis_ctx *ctx, int dir,
		       struct opcua_channel *ch, uint32_t reqid, const struct body_info *bi,
		       struct rd body, int body_cut)
{
	int svc = bi->svc;
	dis_count(ctx, C_SVC_REQ + (unsigned)svc);
	/* summary pass (and ActivateSession's effect on the channel) */
	struct rd v = body;
	struct sdec d = { 0 };
	dec_request(&d, svc, &v, ch);
	int folded = ctx->rt->aggregate && is_foldable(svc);
	int need_copy = !is_foldable(svc);
	uint8_t slot_chan = chan_slot(s, ch);
	if (folded) {
		struct opcua_fold *fo = fold_get(s, ctx, svc, slot_chan);
		fo->requests++;
		fo->last_us = ctx->ts_us;
	}
	struct opcua_pending *slot = NULL;
	if (dis_pend_may_expire(s->pend_used, s->pend_min_us, ctx->ts_us,
				OPCUA_PENDING_TIMEOUT_US)) {
		/* some request may have timed out: drop those, in table order */
		uint64_t min = UINT64_MAX;
		for (unsigned m = s->pend_used; m; m &= m - 1) {
			struct opcua_pending *e = &s->pend[dis_pend_next(m)];
			if (dis_pend_expired(e->ts_us, ctx->ts_us, OPCUA_PENDING_TIMEOUT_US))
				pend_drop(s, ctx, e);
			else if (e->ts_us < min)
				min = e->ts_us;
		}
		s->pend_min_us = min;
	}
	int free_i = dis_pend_free(s->pend_used, OPCUA_PENDING);
	if (free_i >= 0)
		slot = &s->pend[free_i];
	if (!slot) {
		dis_count(ctx, C_PENDING_EVICTED);
		slot = pend_oldest(s, 0);
		pend_drop(s, ctx, slot);
	}
	uint8_t copy = 0;
	if (need_copy) {
		for (unsigned i = 0; i < OPCUA_PEND_COPIES && !copy; i++)
			if (!s->copy[i].in_use)
				copy = (uint8_t)(i + 1);
		if (!copy) {
			struct opcua_pending *old = pend_oldest(s, 1);
			dis_count(ctx, C_PENDING_EVICTED);
			copy = old->copy;
			pend_drop(s, ctx, old);
		}
	}
	memset(slot, 0, sizeof(*slot));
	slot->ts_us = ctx->ts_us;
	dis_pend_take(&s->pend_used, &s->pend_min_us, (unsigned)(slot - s->pend), ctx->ts_us);
	slot->handle = bi->handle;
	slot->request_id = reqid;
	slot->count = d.count;
	slot->svc = (uint16_t)(svc + 1);
	slot->dir = (uint8_t)dir;
	slot->chan = slot_chan;
	/* the node is only reported for a request without a copy (emit_op);
	 * most are numeric, and most folded reads are answered without an
	 * event: those are rendered only when one is emitted */
	if (d.have_first && !copy) {
		if (d.first.kind == 0) {
			slot->node_numeric = 1;
			slot->node_ns = d.first.ns;
			slot->node_num = d.first.num;
		} else {
			slot->node_len = (uint8_t)render_node(&d.first, s->pend_node[slot - s->pend],
							      OPCUA_NODE_STR);
		}
	}
	slot->copy = copy;
	if (copy) {
		struct opcua_copy *c = &s->copy[copy - 1];
		size_t n = rd_left(&body);
		c->in_use = 1;
		c->kept = (uint16_t)(n < OPCUA_PEND_COPY_BYTES ? n : OPCUA_PEND_COPY_BYTES);
		c->is_cut = (uint8_t)(body_cut || n > c->kept);
		rd_copy(&body, s->copy_b[copy - 1], c->kept);
	}
}

static void on_response(struct opcua_state *s, struct dis_ctx *ctx, int dir,
			struct opcua_channel *ch, uint32_t reqid, const struct body_info *bi,
			struct rd body)
{
	if (bi->is_fault)
		dis_count(ctx, C_SERVICE_FAULT);
	else
		dis_count(ctx, C_SVC_RESP + (unsigned)bi->svc);
	struct opcua_pending *e = pend_find(s, bi->handle, reqid);
	int svc = e ? e->svc - 1 : bi->svc;
	if (e && !bi->is_fault && bi->svc != svc)
		e = NULL; /* the handle was reused by another service */
	if (!e) {
		dis_count(ctx, C_UNMATCHED);
		if (svc < 0) {
			dis_anomaly(ctx, dir, "service_fault_without_request");
			return;
		}
		if (ctx->rt->aggregate && is_foldable(svc) && !status_is_bad(bi->result)) {
			struct opcua_fold *fo = fold_get(s, ctx, svc, chan_slot(s, ch));
			fo->responses++;
			fo->last_us = ctx->ts_us;
			return;
		}
		emit_op(s, ctx, NULL, svc, dir, chan_slot(s, ch), bi, &body);
		return;
	}
	int folded = !e->copy && ctx->rt->aggregate;
	if (folded && !status_is_bad(bi->result)) {
		for (unsigned i = 0; i < OPCUA_FOLDS; i++)
			if (s->fold[i].svc == e->svc && s->fold[i].chan == e->chan) {
				s->fold[i].responses++;
				s->fold[i].last_us = ctx->ts_us;
			}
		pend_free(s, e);
		return;
	}
	if (folded) {
		/* a folded request answered with a bad result leaves its fold
		 * and is reported in an event of its own */
		for (unsigned i = 0; i < OPCUA_FOLDS; i++)
			if (s->fold[i].svc == e->svc && s->fold[i].chan == e->chan &&
			    s->fold[i].requests)
				s->fold[i].requests--;
	}
	emit_op(s, ctx, e, svc, dir, 0, bi, &body);
	pend_free(s, e);
}

/* Secured messages that are not decoded: folded per flow, or one event each. */
static void emit_secured(struct opcua_state *s, struct dis_ctx *ctx, int dir, uint32_t count0,
			 uint32_t count1, uint64_t first_us)
{
	struct dis_event ev;
	const struct opcua_channel *ch = chan_at(s, s->enc_chan);
	dis_ev_init(&ev, ctx, dir, type_names[T_MSG], DIS_FC_OTHER);
	if (count0 + count1 > 1)
		ev.count = count0 + count1;
	if (dir)
		ev.flags |= DIS_EV_RESPONSE;
	put_security(&ev, ch);
	dis_ev_bool(&ev, "encrypted", ch && ch->mode == MODE_SIGN_ENCRYPT);
	dis_ev_uint(&ev, "messages_from_client", count0);
	dis_ev_uint(&ev, "messages_from_server", count1);
	if (first_us) {
		dis_ev_uint(&ev, "first_seen_us", first_us);
		dis_ev_uint(&ev, "last_seen_us", s->enc_last_us);
	}
	dis_emit(ctx, &ev);
}

static void secured_seen(struct opcua_state *s, struct dis_ctx *ctx, int dir,
			 struct opcua_channel *ch)
{
	dis_count(ctx, C_UNDECODED);
	uint8_t slot = chan_slot(s, ch);
	if (ctx->rt->aggregate && (s->enc_msgs[0] || s->enc_msgs[1]) && slot != s->enc_chan) {
		emit_secured(s, ctx, 0, s->enc_msgs[0], s->enc_msgs[1], s->enc_first_us);
		s->enc_msgs[0] = s->enc_msgs[1] = 0;
	}
	s->enc_chan = slot;
	s->enc_last_us = ctx->ts_us;
	if (!ctx->rt->aggregate) {
		emit_secured(s, ctx, dir, dir == 0, dir == 1, 0);
		return;
	}
	if (!s->enc_msgs[0] && !s->enc_msgs[1])
		s->enc_first_us = ctx->ts_us;
	s->enc_msgs[dir]++;
}

/* A complete message body (from the sequence header on), or the prefix we
 * kept of it. Returns 0 when it was decoded as a service message. */
static int on_message(struct opcua_state *s, struct dis_ctx *ctx, int dir,
		      struct opcua_channel *ch, struct rd body, int body_cut)
{
	rd_skip(&body, 4); /* sequence number */
	uint32_t reqid = rd_le32(&body);
	struct body_info bi = { .svc = -1 };
	if (!rd_ok(&body) || body_start(&body, &bi) < 0) {
		if (bi.type_id && ch->mode != MODE_UNKNOWN) {
			dis_count(ctx, C_UNKNOWN_SERVICE);
			dis_anomaly(ctx, dir, "opcua_unknown_service");
		}
		return -1;
	}
	if (bi.is_resp)
		on_response(s, ctx, dir, ch, reqid, &bi, body);
	else
		on_request(s, ctx, dir, ch, reqid, &bi, body, body_cut);
	return 0;
}

/* Would this chunk's body parse as a plain service message? */
static int looks_plain(struct rd body)
{
	struct body_info bi;
	rd_skip(&body, OPCUA_SEQ_HDR);
	return rd_ok(&body) && body_start(&body, &bi) == 0;
}

/* ---- connection protocol messages and OPN ---- */

/* OPN: the asymmetric security header (readable with every policy) and,
 * with policy None, the OpenSecureChannel request or response body. */
static void dec_opn(struct opcua_state *s, struct dis_ctx *ctx, struct dis_event *ev, int dir,
		    uint32_t chan_id, struct rd *body)
{
	const uint8_t *p;
	int32_t n = ua_string(body, &p);
	uint8_t pol = policy_index(p, n);
	if (p && n > 0)
		dis_count(ctx, pol == POL_NONE ? C_OPN_POLICY_NONE : C_OPN_POLICY_SECURED);
	add_str(ev, "security_policy_uri", p, n);
	dis_ev_cstr(ev, "security_policy", policy_name_of(pol));
	const uint8_t *cert;
	int32_t cn = ua_string(body, &cert);
	dis_ev_int(ev, "sender_certificate_length", cn);
	uint8_t md[OPCUA_SHA1_LEN];
	if (cert && cn > 0 && sha1(cert, (size_t)cn, md) == 0)
		put_hex(ev, "sender_certificate_thumbprint", md, sizeof(md));
	const uint8_t *thumb;
	int32_t tn = ua_string(body, &thumb);
	dis_ev_int(ev, "receiver_thumbprint_length", tn);
	if (thumb && tn > 0)
		put_hex(ev, "receiver_thumbprint", thumb, (size_t)tn);
	if (!rd_ok(body))
		return;

	uint8_t mode = MODE_UNKNOWN;
	uint32_t token = 0;
	struct body_info bi;
	int plain = 0;
	if (pol == POL_NONE) {
		rd_skip(body, OPCUA_SEQ_HDR);
		struct ua_node t;
		if (ua_nodeid(body, &t, 0) == 0 && t.kind == 0 && t.ns == 0 &&
		    (t.num == UA_OPN_REQUEST || t.num == UA_OPN_RESPONSE)) {
			if (t.num == UA_OPN_REQUEST && ua_request_header(body, &bi.handle) == 0) {
				rd_skip(body, 4); /* client protocol version */
				uint32_t rt = rd_le32(body);
				uint32_t m = rd_le32(body);
				skip_string(body); /* client nonce */
				uint32_t life = rd_le32(body);
				if (rd_ok(body)) {
					plain = 1;
					dis_ev_uint(ev, "request_handle", bi.handle);
					dis_ev_cstr(ev, "request_type", rt == 0 ? "issue" :
								      rt == 1 ? "renew" : "unknown");
					mode = m < MODE__COUNT ? (uint8_t)m : MODE_UNKNOWN;
					dis_ev_cstr(ev, "security_mode", mode_names[mode]);
					dis_ev_uint(ev, "requested_lifetime_ms", life);
				}
			} else if (t.num == UA_OPN_RESPONSE &&
				   ua_response_header(body, &bi.handle, &bi.result) == 0) {
				char buf[16];
				rd_skip(body, 4); /* server protocol version */
				uint32_t cid = rd_le32(body);
				token = rd_le32(body);
				rd_skip(body, 8);
				uint32_t life = rd_le32(body);
				if (rd_ok(body)) {
					plain = 1;
					dis_ev_uint(ev, "request_handle", bi.handle);
					dis_ev_uint(ev, "service_result", bi.result);
					dis_ev_cstr(ev, "status",
						    status_name(bi.result, buf, sizeof(buf)));
					dis_ev_uint(ev, "token_id", token);
					dis_ev_uint(ev, "revised_lifetime_ms", life);
					if (cid)
						chan_id = cid;
				}
			}
		}
	}
	if (!plain && pol != POL_NONE)
		dis_ev_bool(ev, "encrypted", 1);
	int have_mode = mode != MODE_UNKNOWN; /* the request's, already in the event */
	if (pol == POL_NONE && mode == MODE_UNKNOWN)
		mode = MODE_NONE;
	if (chan_id == 0) {
		if (!have_mode)
			dis_ev_cstr(ev, "security_mode", mode_names[mode]);
		/* a request to issue a channel: remembered for the response */
		s->opn_policy = pol;
		s->opn_mode = mode;
		s->opn_pending = 1;
		return;
	}
	struct opcua_channel *c = chan_get(s, chan_id);
	if (c->policy == POL_UNKNOWN || c->policy != pol) {
		c->policy = pol;
		c->mode = MODE_UNKNOWN;
		c->mode_src = 0;
	}
	if (s->opn_pending && dir == 1) {
		if (mode == MODE_UNKNOWN && s->opn_policy == pol)
			mode = s->opn_mode;
		s->opn_pending = 0;
	}
	if (mode != MODE_UNKNOWN) {
		c->mode = mode;
		c->mode_src = 1;
	}
	if (token)
		c->token_id = token;
	if (!have_mode) /* the channel's mode as far as it is known */
		dis_ev_cstr(ev, "security_mode", mode_names[c->mode]);
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
	case T_ACK: {
		uint32_t ver = rd_le32(body), rb = rd_le32(body), sb = rd_le32(body);
		uint32_t mm = rd_le32(body), mc = rd_le32(body);
		dis_ev_uint(&ev, "protocol_version", ver);
		dis_ev_uint(&ev, "receive_buffer_size", rb);
		dis_ev_uint(&ev, "send_buffer_size", sb);
		dis_ev_uint(&ev, "max_message_size", mm);
		dis_ev_uint(&ev, "max_chunk_count", mc);
		if (rd_ok(body)) {
			/* HEL: what the client accepts in responses; ACK: the
			 * server's final buffer sizes and what it accepts */
			if (ty == T_HEL) {
				s->msg_limit[!dir] = mm;
				s->chunks_limit[!dir] = mc;
			} else {
				s->chunk_limit[!dir] = rb;
				s->chunk_limit[dir] = sb;
				s->msg_limit[!dir] = mm;
				s->chunks_limit[!dir] = mc;
				if (rb < OPCUA_MIN_BUFFER || sb < OPCUA_MIN_BUFFER)
					dis_anomaly(ctx, dir, "opcua_buffer_below_minimum");
			}
		}
		if (ty == T_HEL) {
			n = ua_string(body, &p);
			add_str(&ev, "endpoint_url", p, n);
		}
		break;
	}
	case T_ERR: {
		char buf[16];
		uint32_t code = rd_le32(body);
		dis_ev_uint(&ev, "status_code", code);
		if (rd_ok(body))
			dis_ev_cstr(&ev, "status", status_name(code, buf, sizeof(buf)));
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
		if (chunk == 'F')
			dec_opn(s, ctx, &ev, dir, chan, body);
		else
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

/* ---- MSG chunks ---- */

static void asm_reset(struct opcua_asm *a)
{
	a->active = 0;
	a->len = 0;
	a->cut = 0;
	a->chunks = 0;
	a->bytes = 0;
}

static void asm_append(struct opcua_asm *a, uint8_t *buf, struct rd body)
{
	size_t n = rd_left(&body);
	size_t room = OPCUA_ASM_BYTES - a->len;
	if (n > room) {
		n = room;
		a->cut = 1;
	}
	rd_copy(&body, buf + a->len, n);
	a->len = (uint16_t)(a->len + n);
}

/* Checks a chunk and its message against the negotiated limits. */
static void check_limits(struct opcua_state *s, struct dis_ctx *ctx, int dir, uint32_t size,
			 const struct opcua_asm *a)
{
	if (s->chunk_limit[dir] && size > s->chunk_limit[dir]) {
		dis_count(ctx, C_CHUNK_TOO_LARGE);
		dis_anomaly(ctx, dir, "opcua_chunk_exceeds_buffer_size");
	}
	uint64_t total = (a->active ? a->bytes : 0) + size;
	uint32_t chunks = (a->active ? a->chunks : 0) + 1;
	if ((s->msg_limit[dir] && total > s->msg_limit[dir] &&
	     total - size <= s->msg_limit[dir]) ||
	    (s->chunks_limit[dir] && chunks == s->chunks_limit[dir] + 1)) {
		dis_count(ctx, C_OVERSIZED);
		dis_anomaly(ctx, dir, "opcua_message_exceeds_negotiated_size");
	}
}

static enum dis_status parse_msg(struct opcua_state *s, int dir, const uint8_t *buf, size_t len,
				 uint32_t size, size_t *used, struct dis_ctx *ctx, unsigned counter)
{
	uint8_t chunk = buf[3];
	if (size < OPCUA_SECURE_HDR + OPCUA_SEQ_HDR && chunk != 'A') {
		dis_count(ctx, counter);
		dis_anomaly(ctx, dir, "opcua_message_too_short");
		*used = size;
		return DIS_OK;
	}
	if (len < OPCUA_SECURE_HDR) {
		*used = OPCUA_SECURE_HDR;
		return DIS_NEED_MORE;
	}
	struct rd r = rd_init(buf + OPCUA_HDR_LEN, len - OPCUA_HDR_LEN);
	uint32_t chan_id = rd_le32(&r);
	uint32_t token = rd_le32(&r);
	struct opcua_channel *ch = chan_find(s, chan_id);
	int readable = !ch || ch->mode != MODE_SIGN_ENCRYPT;
	size_t want = size < OPCUA_PARSE_PREFIX ? size : OPCUA_PARSE_PREFIX;
	if (readable && len < want) {
		*used = want;
		return DIS_NEED_MORE;
	}
	dis_count(ctx, counter);
	struct opcua_asm *a = &s->as[dir];
	check_limits(s, ctx, dir, size, a);
	if (!ch)
		ch = chan_get(s, chan_id);
	if (token && !ch->token_id)
		ch->token_id = token;
	*used = size;

	if (chunk == 'A') {
		s->aborted_chunks++;
		dis_count(ctx, C_ABORTED);
		asm_reset(a);
		return DIS_OK;
	}
	struct rd body = rd_init(buf + OPCUA_SECURE_HDR,
				 (readable ? want : OPCUA_SECURE_HDR) - OPCUA_SECURE_HDR);
	/* A secured channel whose OPN body we could not read: the first
	 * message tells whether bodies are plain (Sign) or not. */
	if (readable && ch->policy > POL_NONE && ch->mode == MODE_UNKNOWN && !ch->mode_src &&
	    !a->active) {
		ch->mode = looks_plain(body) ? MODE_SIGN : MODE_SIGN_ENCRYPT;
		ch->mode_src = 2;
		readable = ch->mode == MODE_SIGN;
	}
	if (!readable) {
		if (chunk == 'F')
			secured_seen(s, ctx, dir, ch);
		asm_reset(a);
		return DIS_OK;
	}
	uint32_t reqid = 0;
	{
		struct rd q = body;
		rd_skip(&q, 4);
		reqid = rd_le32(&q);
	}
	if (a->active && (a->request_id != reqid || a->channel_id != chan_id)) {
		dis_anomaly(ctx, dir, "opcua_interleaved_chunks");
		asm_reset(a);
	}
	if (chunk == 'C') {
		if (!a->active) {
			a->active = 1;
			a->request_id = reqid;
			a->channel_id = chan_id;
			asm_append(a, s->as_b[dir], body); /* with its sequence header */
		} else {
			rd_skip(&body, OPCUA_SEQ_HDR);
			asm_append(a, s->as_b[dir], body);
		}
		a->chunks++;
		a->bytes += size;
		if (size > want)
			a->cut = 1; /* the rest of this chunk is skipped */
		return DIS_OK;
	}
	int rc;
	if (a->active) {
		rd_skip(&body, OPCUA_SEQ_HDR);
		asm_append(a, s->as_b[dir], body);
		dis_count(ctx, C_REASSEMBLED);
		rc = on_message(s, ctx, dir, ch, rd_init(s->as_b[dir], a->len), a->cut || size > want);
		asm_reset(a);
	} else {
		rc = on_message(s, ctx, dir, ch, body, size > want);
	}
	if (rc < 0)
		secured_seen(s, ctx, dir, ch);
	return DIS_OK;
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

	if (ty == T_MSG)
		return parse_msg(s, dir, buf, len, size, used, ctx, counter);

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
		if (rd_ok(&r)) {
			const struct opcua_channel *ch = chan_find(s, chan);
			if (ch)
				put_security(&ev, ch);
			else
				dis_ev_uint(&ev, "secure_channel_id", chan);
		}
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
	struct opcua_state *s = state;
	(void)len;
	asm_reset(&s->as[dir]);
	dis_anomaly(ctx, dir, "stream_gap");
}

/* Flow end: unanswered requests in arrival order, then the folds. */
static void opcua_close(void *state, struct dis_ctx *ctx)
{
	struct opcua_state *s = state;
	struct opcua_pending *oldest;
	while ((oldest = pend_oldest(s, 0)) != NULL)
		pend_drop(s, ctx, oldest);
	for (;;) {
		struct opcua_fold *first = NULL;
		for (unsigned i = 0; i < OPCUA_FOLDS; i++) {
			struct opcua_fold *fo = &s->fold[i];
			if (fo->svc && (!first || fo->first_us < first->first_us))
				first = fo;
		}
		if (!first)
			break;
		emit_fold(s, ctx, first);
	}
	if (s->enc_msgs[0] || s->enc_msgs[1])
		emit_secured(s, ctx, 0, s->enc_msgs[0], s->enc_msgs[1], s->enc_first_us);
}

static int opcua_counter_name(unsigned idx, char *buf, size_t len)
{
	static const char *const chunk_names[3] = { "final", "intermediate", "abort" };
	static const char *const misc[] = { "responses.service_fault", "messages.unknown_service",
					    "messages.not_decoded", "messages.aborted",
					    "messages.oversized", "chunks.too_large",
					    "messages.reassembled", "table.pending_evicted",
					    "table.responses_without_request",
					    "open_secure_channel.policy_none",
					    "open_secure_channel.policy_secured" };
	int n;
	if (idx >= C__END)
		return -1;
	if (idx >= C_SERVICE_FAULT)
		n = snprintf(buf, len, "%s", misc[idx - C_SERVICE_FAULT]);
	else if (idx >= C_SVC_RESP)
		n = snprintf(buf, len, "responses.%s", svcs[idx - C_SVC_RESP].name);
	else if (idx >= C_SVC_REQ)
		n = snprintf(buf, len, "requests.%s", svcs[idx - C_SVC_REQ].name);
	else {
		unsigned dir = idx / OPCUA_COUNTERS_PER_DIR, rest = idx % OPCUA_COUNTERS_PER_DIR;
		unsigned ty = rest / 3, ch = rest % 3;
		n = snprintf(buf, len, "%s.%s.%s", dir ? "from_server" : "from_client",
			     type_names[ty], chunk_names[ch]);
	}
	return n > 0 && (size_t)n < len ? 0 : -1;
}

const struct dis_proto opcua_proto = {
	.name = "opcua",
	.label = "OPC UA binary",
	.tcp_port = 4840,
	.state_size = sizeof(struct opcua_state),
	.state_zero = offsetof(struct opcua_state, copy_b),
	.max_pdu = OPCUA_PARSE_PREFIX,
	.probe = opcua_probe,
	.init = opcua_init,
	.parse = opcua_parse,
	.gap = opcua_gap,
	.close = opcua_close,
	.n_counters = C__END,
	.counter_name = opcua_counter_name,
};
