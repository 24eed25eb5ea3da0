/* mbtcp.c - Modbus/TCP: MBAP framing, every public function, request/response pairing.
 *
 * Modbus Application Protocol Specification V1.1b3 and Modbus Messaging on
 * TCP/IP Implementation Guide V1.0b, section 3.1.3 (MBAP header):
 *
 *   0               1               2               3
 *   +---------------+---------------+---------------+---------------+
 *   |        transaction id         |   protocol id (0 = Modbus)    |
 *   +---------------+---------------+---------------+---------------+
 *   |   length (unit id + PDU)      |    unit id    | function code | data...
 *   +---------------+---------------+---------------+---------------+
 *
 * ADUs are framed on the reassembled stream (several per segment, one over
 * many segments). Bytes from the flow initiator are requests, bytes from the
 * responder are responses, unless the initiator's port is 502 and the
 * responder's is not (a capture that starts mid-connection, without the
 * SYN, takes the first sender as the initiator). Every public function code is decoded through the
 * cursor (spec section 6), with the spec's quantity limits checked.
 *
 * Pairing: a request waits in a bounded per-flow table (MBTCP_PENDING
 * entries, keyed by transaction id and unit id); folded reads keep their
 * start address and quantity, other requests the first bytes of their PDU
 * (MBTCP_PEND_COPIES copies, so the per-flow state stays near 1 KiB). When its response arrives, ONE event is emitted carrying the request
 * fields, the response fields, "matched" and the "outcome" (acknowledged or
 * exception). Requests that never get an answer are emitted with outcome
 * "unanswered" when the table is full (oldest first), when they are older
 * than MBTCP_PENDING_TIMEOUT_US at the next request, or at flow end.
 *
 * Reads (FC1-4) are folded by default: one event per (unit id, function) per
 * flow with count and first/last time, written at flow end; a folded read
 * costs a table slot and a few comparisons, never an event. With
 * rt->aggregate off every read is a transaction event like the others.
 * Exceptions are always events.
 */
#include "config.h"

#include "dissectors/mbtcp.h"

#include <stdio.h>
#include <string.h>

#include "capture/flow.h"
#include "dissectors/dis_cursor.h"
#include "dissectors/dis_pend.h"

#define MBTCP_MBAP_LEN 7     /* transaction, protocol, length, unit id */
#define MBTCP_MIN_LEN 2      /* length field: unit id + function code */
#define MBTCP_MAX_LEN 254    /* unit id + 253-byte PDU, spec 4.1 */
#define MBTCP_MAX_ADU (6 + MBTCP_MAX_LEN)
#define MBTCP_EXCEPTION_BIT 0x80

#define MBTCP_MAX_READ_BITS 2000    /* FC1/FC2 quantity, spec 6.1, 6.2 */
#define MBTCP_MAX_READ_REGS 125     /* FC3/FC4 quantity, spec 6.3, 6.4 */
#define MBTCP_MAX_WRITE_BITS 1968   /* FC15 quantity, spec 6.11 */
#define MBTCP_MAX_WRITE_REGS 123    /* FC16 quantity, spec 6.12 */
#define MBTCP_MAX_RW_READ_REGS 125  /* FC23 read quantity, spec 6.17 */
#define MBTCP_MAX_RW_WRITE_REGS 121 /* FC23 write quantity, spec 6.17 */
#define MBTCP_COIL_ON 0xff00        /* FC5 output value, spec 6.5 */
#define MBTCP_COIL_OFF 0x0000
#define MBTCP_FILE_REF_TYPE 6       /* FC20/FC21 reference type, spec 6.14 */
#define MBTCP_FILE_SUBREQ_LEN 7     /* FC20 sub-request bytes, spec 6.14 */
#define MBTCP_MAX_FIFO_COUNT 31     /* FC24, spec 6.18 */
#define MBTCP_MEI_CANOPEN 13        /* FC43 MEI types, spec 6.19, 6.20, 6.21 */
#define MBTCP_MEI_DEVICE_ID 14
#define MBTCP_MAX_DEVID_OBJECTS 255 /* number of objects is one byte, spec 6.21 */

#define MBTCP_MAX_VALUES 16         /* FC16/FC23 register values kept in an event */
#define MBTCP_MAX_COIL_BYTES 16     /* FC15 coil bytes kept in an event (128 coils) */
#define MBTCP_MAX_HEX_BYTES 32      /* other opaque data shown as hex */
#define MBTCP_PENDING_TIMEOUT_US (30ull * 1000000ull) /* a request older is unanswered */
#define MBTCP_EXC_BURST 10          /* exceptions within ... */
#define MBTCP_EXC_BURST_WINDOW_US 1000000ull /* ... one second: exception_burst */

/* Counters after the per-function ones: dir * 256 + function code. */
enum {
	MBTCP_CNT_PENDING_EVICTED = 512, /* pending table full: oldest emitted as unanswered */
	MBTCP_CNT_PENDING_TIMED_OUT,     /* request unanswered after the timeout */
	MBTCP_CNT_FOLD_EVICTED,          /* fold table full: oldest fold emitted early */
	MBTCP_CNT_UNMATCHED,             /* responses without a request */
	MBTCP_CNT__END
};

/* Function codes of the public range, spec section 5.1 and 6. */
static const char *const fc_names[128] = {
	[1] = "read_coils",
	[2] = "read_discrete_inputs",
	[3] = "read_holding_registers",
	[4] = "read_input_registers",
	[5] = "write_single_coil",
	[6] = "write_single_register",
	[7] = "read_exception_status",
	[8] = "diagnostics",
	[11] = "get_comm_event_counter",
	[12] = "get_comm_event_log",
	[15] = "write_multiple_coils",
	[16] = "write_multiple_registers",
	[17] = "report_server_id",
	[20] = "read_file_record",
	[21] = "write_file_record",
	[22] = "mask_write_register",
	[23] = "read_write_multiple_registers",
	[24] = "read_fifo_queue",
	[43] = "encapsulated_interface_transport",
	[90] = "schneider_umas",
};

/* FC8 sub-function codes, spec 6.8.1. */
static const char *const diag_names[21] = {
	[0] = "return_query_data",
	[1] = "restart_communications_option",
	[2] = "return_diagnostic_register",
	[3] = "change_ascii_input_delimiter",
	[4] = "force_listen_only_mode",
	[10] = "clear_counters_and_diagnostic_register",
	[11] = "return_bus_message_count",
	[12] = "return_bus_communication_error_count",
	[13] = "return_bus_exception_error_count",
	[14] = "return_server_message_count",
	[15] = "return_server_no_response_count",
	[16] = "return_server_nak_count",
	[17] = "return_server_busy_count",
	[18] = "return_bus_character_overrun_count",
	[20] = "clear_overrun_counter_and_flag",
};

/* Exception codes, spec section 7. */
static const char *const exc_names[12] = {
	[1] = "illegal_function",
	[2] = "illegal_data_address",
	[3] = "illegal_data_value",
	[4] = "server_device_failure",
	[5] = "acknowledge",
	[6] = "server_device_busy",
	[8] = "memory_parity_error",
	[10] = "gateway_path_unavailable",
	[11] = "gateway_target_device_failed_to_respond",
};

/* FC43/14 object ids, spec 6.21 table "Basic" and "Regular" categories. */
static const char *const devid_keys_named[7] = {
	"device.vendor_name",	"device.product_code",	"device.major_minor_revision",
	"device.vendor_url",	"device.product_name",	"device.model_name",
	"device.user_application_name",
};

/* Other object ids (reserved 0x07-0x7f, private 0x80-0xff): device.object_XX. */
#define MBTCP_K1(h, l) "device.object_" #h #l
#define MBTCP_K16(h)                                                                        \
	MBTCP_K1(h, 0), MBTCP_K1(h, 1), MBTCP_K1(h, 2), MBTCP_K1(h, 3), MBTCP_K1(h, 4),     \
		MBTCP_K1(h, 5), MBTCP_K1(h, 6), MBTCP_K1(h, 7), MBTCP_K1(h, 8), MBTCP_K1(h, 9), \
		MBTCP_K1(h, a), MBTCP_K1(h, b), MBTCP_K1(h, c), MBTCP_K1(h, d), MBTCP_K1(h, e), \
		MBTCP_K1(h, f)
static const char *const devid_keys[256] = {
	MBTCP_K16(0), MBTCP_K16(1), MBTCP_K16(2), MBTCP_K16(3), MBTCP_K16(4), MBTCP_K16(5),
	MBTCP_K16(6), MBTCP_K16(7), MBTCP_K16(8), MBTCP_K16(9), MBTCP_K16(a), MBTCP_K16(b),
	MBTCP_K16(c), MBTCP_K16(d), MBTCP_K16(e), MBTCP_K16(f),
};

static const char *const value_keys[MBTCP_MAX_VALUES] = {
	"values.0", "values.1", "values.2",  "values.3",  "values.4",  "values.5",
	"values.6", "values.7", "values.8",  "values.9",  "values.10", "values.11",
	"values.12", "values.13", "values.14", "values.15",
};

static int is_user_defined(uint8_t fc)
{
	return (fc >= 65 && fc <= 72) || (fc >= 100 && fc <= 110);
}

static const char *fc_name(uint8_t fc)
{
	fc &= 0x7f;
	if (fc_names[fc])
		return fc_names[fc];
	if (is_user_defined(fc))
		return "user_defined";
	return "unknown";
}

static const char *diag_name(uint16_t sub)
{
	if (sub < sizeof(diag_names) / sizeof(diag_names[0]) && diag_names[sub])
		return diag_names[sub];
	return "unknown";
}

static const char *exc_name(uint8_t code)
{
	if (code < sizeof(exc_names) / sizeof(exc_names[0]) && exc_names[code])
		return exc_names[code];
	return "unknown";
}

/* The class of an operation: by function, refined by the first data bytes
 * (FC8 sub-function, FC43 MEI type), read through a cursor over the PDU data. */
static enum dis_fclass fc_class(uint8_t fc, struct rd d)
{
	switch (fc) {
	case 1: case 2: case 3: case 4: case 20: case 24:
		return DIS_FC_READ;
	case 5: case 6: case 15: case 16: case 22: case 23:
		return DIS_FC_WRITE;
	case 21: case 90:
		return DIS_FC_PROGRAM;
	case 8: {
		uint16_t sub = rd_be16(&d);
		if (rd_ok(&d) && (sub == 1 || sub == 4))
			return DIS_FC_CONTROL; /* restart, force listen only mode */
		return DIS_FC_DIAGNOSTIC;
	}
	case 43: {
		uint8_t mei = rd_u8(&d);
		if (rd_ok(&d) && mei == MBTCP_MEI_CANOPEN)
			return DIS_FC_OTHER;
		return DIS_FC_DIAGNOSTIC;
	}
	case 7: case 11: case 12: case 17:
		return DIS_FC_DIAGNOSTIC;
	default:
		return DIS_FC_OTHER;
	}
}

/* Cyclic reads are folded when the runtime aggregates. */
static int is_foldable(uint8_t fc)
{
	return fc >= 1 && fc <= 4;
}

enum dis_probe_result mbtcp_probe(const uint8_t *buf, size_t len, int dir)
{
	struct rd r = rd_init(buf, len);
	if (len < MBTCP_MBAP_LEN + 1) {
		/* Judge what is there: the protocol id must be zero. */
		if (len >= 4 && (buf[2] != 0 || buf[3] != 0))
			return DIS_PROBE_NO;
		return DIS_PROBE_MORE;
	}
	unsigned adus = 0;
	while (rd_left(&r) >= MBTCP_MBAP_LEN + 1 && adus < 4) {
		rd_skip(&r, 2);
		uint16_t pid = rd_be16(&r);
		uint16_t mlen = rd_be16(&r);
		rd_skip(&r, 1);
		uint8_t fc = rd_u8(&r);
		if (!rd_ok(&r) || pid != 0 || mlen < MBTCP_MIN_LEN || mlen > MBTCP_MAX_LEN)
			return DIS_PROBE_NO;
		if ((fc & 0x7f) == 0 || (dir == 0 && (fc & MBTCP_EXCEPTION_BIT)))
			return DIS_PROBE_NO;
		adus++;
		if ((size_t)mlen - 2 > rd_left(&r))
			break; /* the rest of the ADU is in a later segment */
		rd_skip(&r, mlen - 2u);
	}
	return DIS_PROBE_YES;
}

static void mbtcp_init(void *state)
{
	(void)state;
}

/* ---- field helpers: ev may be NULL (validation pass, no event) ---- */

struct dec {
	struct dis_event *ev; /* NULL: only validate */
	struct dis_ctx *ctx;
	int dir;
	int live; /* the bytes are on the wire now: report anomalies */
};

static void put_u(struct dec *d, const char *key, uint64_t v)
{
	if (d->ev)
		dis_ev_uint(d->ev, key, v);
}

static void put_s(struct dec *d, const char *key, const char *s)
{
	if (d->ev)
		dis_ev_cstr(d->ev, key, s);
}

static void put_b(struct dec *d, const char *key, int v)
{
	if (d->ev)
		dis_ev_bool(d->ev, key, v);
}

/* Up to max bytes of the cursor as lower-case hex; the rest is skipped. */
static void put_hex(struct dec *d, const char *key, struct rd *p, size_t n, size_t max)
{
	static const char digits[] = "0123456789abcdef";
	char hex[2 * MBTCP_MAX_HEX_BYTES];
	size_t show = n < max ? n : max;
	if (show > MBTCP_MAX_HEX_BYTES)
		show = MBTCP_MAX_HEX_BYTES;
	size_t i;
	for (i = 0; i < show; i++) {
		uint8_t b = rd_u8(p);
		if (!rd_ok(p))
			break;
		hex[2 * i] = digits[b >> 4];
		hex[2 * i + 1] = digits[b & 15];
	}
	if (d->ev && i)
		dis_ev_str(d->ev, key, hex, 2 * i);
	if (n > show)
		rd_skip(p, n - show);
}

static void anomaly(struct dec *d, const char *what)
{
	if (d->live)
		dis_anomaly(d->ctx, d->dir, what);
}

static void check_quantity(struct dec *d, uint16_t q, uint16_t max)
{
	if (q < 1 || q > max)
		anomaly(d, "quantity_out_of_range");
}

static void check_count(struct dec *d, int is_consistent)
{
	if (!is_consistent)
		anomaly(d, "byte_count_inconsistent");
}

/* ---- requests (p: the PDU after the function code) ---- */

static void dec_file_records(struct dec *d, struct rd *p, int is_write)
{
	uint8_t bc = rd_u8(p);
	if (!rd_ok(p))
		return;
	put_u(d, "byte_count", bc);
	/* FC20: 7..245 in steps of 7; FC21: 9..251 (spec 6.14, 6.15) */
	if (d->live)
		check_count(d, bc == rd_left(p) &&
				       (is_write ? bc >= 9 : bc >= 7 && bc % MBTCP_FILE_SUBREQ_LEN == 0));
	if (!is_write)
		put_u(d, "record_count", bc / MBTCP_FILE_SUBREQ_LEN);
	/* The first sub-request describes the transfer; the rest is counted. */
	uint8_t ref = rd_u8(p);
	uint16_t file = rd_be16(p);
	uint16_t rec = rd_be16(p);
	uint16_t rlen = rd_be16(p);
	if (!rd_ok(p))
		return;
	if (ref != MBTCP_FILE_REF_TYPE)
		anomaly(d, "file_reference_type_invalid");
	put_u(d, "reference_type", ref);
	put_u(d, "file_number", file);
	put_u(d, "record_number", rec);
	put_u(d, "record_length", rlen);
}

static void dec_request(struct dec *d, uint8_t fc, struct rd *p)
{
	switch (fc) {
	case 1: case 2: case 3: case 4: {
		uint16_t start = rd_be16(p), q = rd_be16(p);
		if (!rd_ok(p))
			return;
		put_u(d, "start_address", start);
		put_u(d, "quantity", q);
		check_quantity(d, q, fc <= 2 ? MBTCP_MAX_READ_BITS : MBTCP_MAX_READ_REGS);
		return;
	}
	case 5: case 6: {
		uint16_t addr = rd_be16(p), v = rd_be16(p);
		if (!rd_ok(p))
			return;
		put_u(d, "address", addr);
		put_u(d, "value", v);
		if (fc == 5 && v != MBTCP_COIL_ON && v != MBTCP_COIL_OFF)
			anomaly(d, "coil_value_invalid");
		return;
	}
	case 8: {
		uint16_t sub = rd_be16(p);
		if (!rd_ok(p))
			return;
		put_u(d, "sub_function", sub);
		put_s(d, "sub_function_name", diag_name(sub));
		uint16_t data = rd_be16(p);
		if (rd_ok(p))
			put_u(d, "data", data);
		return;
	}
	case 15: case 16: {
		uint16_t start = rd_be16(p), q = rd_be16(p);
		uint8_t bc = rd_u8(p);
		if (!rd_ok(p))
			return;
		put_u(d, "start_address", start);
		put_u(d, "quantity", q);
		put_u(d, "byte_count", bc);
		check_quantity(d, q, fc == 15 ? MBTCP_MAX_WRITE_BITS : MBTCP_MAX_WRITE_REGS);
		size_t want = fc == 15 ? ((size_t)q + 7) / 8 : 2u * q;
		if (d->live)
			check_count(d, bc == want && bc == rd_left(p));
		if (fc == 15) {
			put_hex(d, "values", p, bc, MBTCP_MAX_COIL_BYTES);
			return;
		}
		for (unsigned i = 0; i < q && i < MBTCP_MAX_VALUES && i < bc / 2u; i++) {
			uint16_t v = rd_be16(p);
			if (!rd_ok(p))
				break;
			put_u(d, value_keys[i], v);
		}
		return;
	}
	case 20: case 21:
		dec_file_records(d, p, fc == 21);
		return;
	case 22: {
		uint16_t addr = rd_be16(p), and_mask = rd_be16(p), or_mask = rd_be16(p);
		if (!rd_ok(p))
			return;
		put_u(d, "address", addr);
		put_u(d, "and_mask", and_mask);
		put_u(d, "or_mask", or_mask);
		return;
	}
	case 23: {
		uint16_t rs = rd_be16(p), rq = rd_be16(p), ws = rd_be16(p), wq = rd_be16(p);
		uint8_t bc = rd_u8(p);
		if (!rd_ok(p))
			return;
		put_u(d, "read.start_address", rs);
		put_u(d, "read.quantity", rq);
		put_u(d, "write.start_address", ws);
		put_u(d, "write.quantity", wq);
		put_u(d, "write.byte_count", bc);
		check_quantity(d, rq, MBTCP_MAX_RW_READ_REGS);
		check_quantity(d, wq, MBTCP_MAX_RW_WRITE_REGS);
		if (d->live)
			check_count(d, bc == 2u * wq && bc == rd_left(p));
		for (unsigned i = 0; i < wq && i < MBTCP_MAX_VALUES && i < bc / 2u; i++) {
			uint16_t v = rd_be16(p);
			if (!rd_ok(p))
				break;
			put_u(d, value_keys[i], v);
		}
		return;
	}
	case 24: {
		uint16_t addr = rd_be16(p);
		if (rd_ok(p))
			put_u(d, "fifo_pointer_address", addr);
		return;
	}
	case 43: {
		uint8_t mei = rd_u8(p);
		if (!rd_ok(p))
			return;
		put_u(d, "mei_type", mei);
		if (mei == MBTCP_MEI_DEVICE_ID) {
			put_s(d, "mei", "read_device_identification");
			uint8_t code = rd_u8(p), obj = rd_u8(p);
			if (!rd_ok(p))
				return;
			put_u(d, "read_device_id_code", code);
			put_u(d, "object_id", obj);
		} else if (mei == MBTCP_MEI_CANOPEN) {
			put_s(d, "mei", "canopen_general_reference");
			put_hex(d, "data", p, rd_left(p), MBTCP_MAX_HEX_BYTES);
		} else {
			put_s(d, "mei", "unknown");
		}
		return;
	}
	case 90: {
		/* UMAS: session byte, UMAS function code, data (Schneider, not public) */
		uint8_t session = rd_u8(p);
		if (!rd_ok(p))
			return;
		put_u(d, "umas_session", session);
		uint8_t ufc = rd_u8(p);
		if (rd_ok(p))
			put_u(d, "umas_function", ufc);
		return;
	}
	default:
		return; /* FC7, 11, 12, 17: no data; user-defined and unknown: opaque */
	}
}

/* ---- responses (p: the PDU after the function code). expect: the byte
 * count the request asked for, 0 if unknown. Keys are response.* (and
 * device.* for FC43/14), each group added consecutively. ---- */

static void dec_devid(struct dec *d, struct rd *p)
{
	uint8_t code = rd_u8(p), conf = rd_u8(p), more = rd_u8(p), next = rd_u8(p), n = rd_u8(p);
	if (!rd_ok(p))
		return;
	put_u(d, "response.read_device_id_code", code);
	put_u(d, "response.conformity_level", conf);
	put_b(d, "response.more_follows", more == 0xff);
	put_u(d, "response.next_object_id", next);
	put_u(d, "response.number_of_objects", n);
	for (unsigned i = 0; i < n && i < MBTCP_MAX_DEVID_OBJECTS; i++) {
		uint8_t id = rd_u8(p), olen = rd_u8(p);
		if (!rd_ok(p))
			break;
		struct rd o = rd_sub(p, olen);
		if (!rd_ok(&o))
			break;
		if (d->ev)
			dis_ev_str(d->ev, id < 7 ? devid_keys_named[id] : devid_keys[id],
				   (const char *)rd_ptr(&o), olen);
	}
	if (!rd_ok(p))
		check_count(d, 0); /* an object runs past the PDU */
}

static void dec_response(struct dec *d, uint8_t fc, struct rd *p, size_t expect)
{
	switch (fc) {
	case 1: case 2: case 3: case 4: case 12: case 17: case 20: {
		uint8_t bc = rd_u8(p);
		if (!rd_ok(p))
			return;
		put_u(d, "response.byte_count", bc);
		int is_ok = bc == rd_left(p) && (!expect || bc == expect);
		if (fc == 3 || fc == 4)
			is_ok = is_ok && bc % 2 == 0;
		check_count(d, is_ok);
		if (fc == 12) {
			uint16_t st = rd_be16(p), evc = rd_be16(p), msgc = rd_be16(p);
			if (!rd_ok(p))
				return;
			put_u(d, "response.status", st);
			put_u(d, "response.event_count", evc);
			put_u(d, "response.message_count", msgc);
		} else if (fc == 17 && bc >= 1) {
			/* server id (device specific), then the run indicator status */
			put_hex(d, "response.server_id", p, bc - 1u, MBTCP_MAX_HEX_BYTES);
			uint8_t run = rd_u8(p);
			if (rd_ok(p))
				put_b(d, "response.run_indicator", run == 0xff);
		}
		return;
	}
	case 7: {
		uint8_t st = rd_u8(p);
		if (rd_ok(p))
			put_u(d, "response.status", st);
		return;
	}
	case 8: {
		uint16_t sub = rd_be16(p), data = rd_be16(p);
		if (rd_ok(p)) {
			put_u(d, "response.sub_function", sub);
			put_u(d, "response.data", data);
		}
		return;
	}
	case 11: {
		uint16_t st = rd_be16(p), evc = rd_be16(p);
		if (rd_ok(p)) {
			put_u(d, "response.status", st);
			put_u(d, "response.event_count", evc);
		}
		return;
	}
	case 23: {
		uint8_t bc = rd_u8(p);
		if (!rd_ok(p))
			return;
		put_u(d, "response.byte_count", bc);
		check_count(d, bc == rd_left(p) && bc % 2 == 0 && (!expect || bc == expect));
		return;
	}
	case 24: {
		uint16_t bc = rd_be16(p), n = rd_be16(p);
		if (!rd_ok(p))
			return;
		put_u(d, "response.byte_count", bc);
		put_u(d, "response.fifo_count", n);
		check_count(d, bc == rd_left(p) + 2u && n <= MBTCP_MAX_FIFO_COUNT && bc == 2u + 2u * n);
		return;
	}
	case 43: {
		uint8_t mei = rd_u8(p);
		if (!rd_ok(p))
			return;
		if (mei == MBTCP_MEI_DEVICE_ID)
			dec_devid(d, p);
		return;
	}
	case 90: {
		uint8_t session = rd_u8(p), status = rd_u8(p);
		if (rd_ok(p)) {
			put_u(d, "response.umas_session", session);
			put_u(d, "response.umas_status", status);
		}
		return;
	}
	default:
		return; /* FC5, 6, 15, 16, 21, 22 echo the request */
	}
}

/* The byte count a read response must carry for the request in pdu. */
static size_t expected_bytes(uint8_t fc, const uint8_t *pdu, size_t n)
{
	struct rd r = rd_init(pdu, n);
	if (!is_foldable(fc) && fc != 23)
		return 0;
	rd_skip(&r, 2); /* start address; FC23: read start address, spec 6.17 */
	uint16_t q = rd_be16(&r);
	if (!rd_ok(&r))
		return 0;
	return fc == 1 || fc == 2 ? ((size_t)q + 7) / 8 : 2u * q;
}

/* ---- folds ---- */

static void emit_fold(struct dis_ctx *ctx, struct mbtcp_fold *fo)
{
	if (!fo->fc)
		return;
	if (!fo->count && !fo->responses) {
		/* its only request was answered by an exception, which is an
		 * event of its own */
		memset(fo, 0, sizeof(*fo));
		return;
	}
	struct dis_event ev;
	dis_ev_init(&ev, ctx, 0, fc_name(fo->fc), DIS_FC_READ);
	ev.count = fo->count ? fo->count : 1;
	ev.ts_us = fo->last_us;
	dis_ev_uint(&ev, "unit_id", fo->unit_id);
	dis_ev_uint(&ev, "function_code", fo->fc);
	dis_ev_cstr(&ev, "function", fc_name(fo->fc));
	dis_ev_uint(&ev, "requests", fo->count);
	dis_ev_uint(&ev, "responses", fo->responses);
	dis_ev_uint(&ev, "first_seen_us", fo->first_us);
	dis_ev_uint(&ev, "last_seen_us", fo->last_us);
	dis_emit(ctx, &ev);
	memset(fo, 0, sizeof(*fo));
}

static struct mbtcp_fold *fold_get(struct mbtcp_state *s, struct dis_ctx *ctx, uint8_t unit,
				   uint8_t fc)
{
	struct mbtcp_fold *free_slot = NULL, *oldest = &s->fold[0];
	for (unsigned i = 0; i < MBTCP_FOLDS; i++) {
		struct mbtcp_fold *fo = &s->fold[i];
		if (fo->fc == fc && fo->unit_id == unit)
			return fo;
		if (!fo->fc && !free_slot)
			free_slot = fo;
		if (fo->first_us < oldest->first_us)
			oldest = fo;
	}
	if (!free_slot) {
		dis_count(ctx, MBTCP_CNT_FOLD_EVICTED);
		emit_fold(ctx, oldest);
		free_slot = oldest;
	}
	free_slot->fc = fc;
	free_slot->unit_id = unit;
	free_slot->first_us = ctx->ts_us;
	return free_slot;
}

/* ---- transactions ---- */

/* The request data bytes kept for e. */
static struct rd req_bytes(const struct mbtcp_state *s, const struct mbtcp_pending *e)
{
	if (e->copy)
		return rd_init(s->copy[e->copy - 1].pdu, s->copy[e->copy - 1].kept);
	return rd_init(e->head, e->head_len);
}

/* One event for a transaction. e: the request (NULL for a response without
 * one); resp: the response PDU after its function code (NULL if unanswered). */
static void emit_txn(const struct mbtcp_state *s, struct dis_ctx *ctx,
		     const struct mbtcp_pending *e, int resp_dir, uint16_t tid, uint8_t unit,
		     uint8_t fc, struct rd *resp, int is_exc)
{
	struct dis_event ev;
	struct rd req = e ? req_bytes(s, e) : rd_init(NULL, 0);
	/* The class comes from the request, else from a normal response (the
	 * FC8 sub-function and FC43 MEI type are echoed), else from fc alone. */
	struct rd cls_src = e || is_exc ? req : *resp;
	int dir = e ? e->dir : resp_dir;
	dis_ev_init(&ev, ctx, dir, fc_name(fc), fc_class(fc, cls_src));
	if (e)
		ev.ts_us = e->ts_us; /* the time of the operation: its request */
	else
		ev.flags |= DIS_EV_RESPONSE;
	dis_ev_uint(&ev, "transaction_id", tid);
	dis_ev_uint(&ev, "unit_id", unit);
	dis_ev_uint(&ev, "function_code", fc);
	dis_ev_cstr(&ev, "function", fc_name(fc));
	if (e) {
		struct dec d = { &ev, ctx, e->dir, 0 };
		size_t kept = rd_left(&req);
		dec_request(&d, fc, &req);
		if (kept < e->pdu_len)
			dis_ev_bool(&ev, "request_truncated", 1);
		dis_ev_uint(&ev, "pdu_length", 1u + e->pdu_len);
	}
	if (resp && is_exc) {
		uint8_t code = rd_u8(resp);
		if (rd_ok(resp)) {
			dis_ev_uint(&ev, "exception_code", code);
			dis_ev_cstr(&ev, "exception", exc_name(code));
		}
	} else if (resp) {
		size_t expect = e ? expected_bytes(fc, e->head, e->head_len) : 0;
		struct dec d = { &ev, ctx, resp_dir, 1 };
		if (!e)
			dis_ev_uint(&ev, "pdu_length", 1u + rd_left(resp));
		dec_response(&d, fc, resp, expect);
	}
	dis_ev_bool(&ev, "matched", e && resp);
	dis_ev_cstr(&ev, "outcome", !resp ? "unanswered" : is_exc ? "exception" : "acknowledged");
	if (e && resp)
		dis_ev_uint(&ev, "response_time_us", ctx->ts_us >= e->ts_us ? ctx->ts_us - e->ts_us : 0);
	dis_emit(ctx, &ev);
}

/* Frees a pending entry and its copy. */
static void pend_free(struct mbtcp_state *s, struct mbtcp_pending *e)
{
	if (e->copy)
		s->copy[e->copy - 1].in_use = 0;
	e->copy = 0;
	e->fc = 0;
	dis_pend_release(&s->pend_used, (unsigned)(e - s->pend));
}

_Static_assert(MBTCP_PENDING <= 16, "mbtcp_state.pend_used has a bit per pending entry");

/* Gives a request up: an unanswered transaction gets its event (folded
 * reads have none). */
static void pend_drop(struct mbtcp_state *s, struct dis_ctx *ctx, struct mbtcp_pending *e)
{
	if (e->fc && e->copy)
		emit_txn(s, ctx, e, 0, e->tid, e->unit_id, e->fc, NULL, 0);
	pend_free(s, e);
}

/* The oldest pending entry; with_copy: only those holding a copy. */
static struct mbtcp_pending *pend_oldest(struct mbtcp_state *s, int with_copy)
{
	struct mbtcp_pending *oldest = NULL;
	for (unsigned m = s->pend_used; m; m &= m - 1) {
		struct mbtcp_pending *e = &s->pend[dis_pend_next(m)];
		if ((!with_copy || e->copy) && (!oldest || e->ts_us < oldest->ts_us))
			oldest = e;
	}
	return oldest;
}

/* The oldest request with this transaction id, unit id and function: a
 * client that reuses one id (always 0, or pipelined writes with the same id)
 * is answered in order. */
static struct mbtcp_pending *pend_find(struct mbtcp_state *s, uint16_t tid, uint8_t unit,
				       uint8_t fc)
{
	struct mbtcp_pending *found = NULL;
	for (unsigned m = s->pend_used; m; m &= m - 1) {
		struct mbtcp_pending *e = &s->pend[dis_pend_next(m)];
		if (e->fc == fc && e->tid == tid && e->unit_id == unit &&
		    (!found || e->ts_us < found->ts_us))
			found = e;
	}
	return found;
}

static void pend_add(struct mbtcp_state *s, struct dis_ctx *ctx, int dir, uint16_t tid,
		     uint8_t unit, uint8_t fc, int is_folded, struct rd pdu)
{
	struct mbtcp_pending *slot = NULL;
	if (!(fc & 0x7f))
		return; /* function code 0 does not exist: nothing will answer it */
	if (dis_pend_may_expire(s->pend_used, s->pend_min_us, ctx->ts_us,
				MBTCP_PENDING_TIMEOUT_US)) {
		/* some request may have timed out: drop those, in table order */
		uint64_t min = UINT64_MAX;
		for (unsigned m = s->pend_used; m; m &= m - 1) {
			struct mbtcp_pending *e = &s->pend[dis_pend_next(m)];
			if (dis_pend_expired(e->ts_us, ctx->ts_us, MBTCP_PENDING_TIMEOUT_US)) {
				dis_count(ctx, MBTCP_CNT_PENDING_TIMED_OUT);
				pend_drop(s, ctx, e);
			} else if (e->ts_us < min) {
				min = e->ts_us;
			}
		}
		s->pend_min_us = min;
	}
	int free_i = dis_pend_free(s->pend_used, MBTCP_PENDING);
	if (free_i >= 0)
		slot = &s->pend[free_i];
	if (!slot) {
		dis_count(ctx, MBTCP_CNT_PENDING_EVICTED);
		slot = pend_oldest(s, 0);
		pend_drop(s, ctx, slot);
	}
	uint8_t copy = 0;
	if (!is_folded) {
		for (unsigned i = 0; i < MBTCP_PEND_COPIES && !copy; i++)
			if (!s->copy[i].in_use)
				copy = (uint8_t)(i + 1);
		if (!copy) {
			/* every copy taken: the oldest request holding one gives way */
			struct mbtcp_pending *old = pend_oldest(s, 1);
			copy = old->copy;
			dis_count(ctx, MBTCP_CNT_PENDING_EVICTED);
			pend_drop(s, ctx, old);
		}
	}
	slot->ts_us = ctx->ts_us;
	dis_pend_take(&s->pend_used, &s->pend_min_us, (unsigned)(slot - s->pend), ctx->ts_us);
	slot->tid = tid;
	slot->unit_id = unit;
	slot->fc = fc & 0x7f; /* a request with the exception bit is answered without it */
	slot->dir = (uint8_t)dir;
	size_t n = rd_left(&pdu);
	slot->pdu_len = (uint8_t)n; /* at most 252: MBTCP_MAX_LEN - 2 */
	struct rd head = pdu;
	slot->head_len = (uint8_t)(n < MBTCP_PEND_HEAD ? n : MBTCP_PEND_HEAD);
	rd_copy(&head, slot->head, slot->head_len);
	slot->copy = copy;
	if (copy) {
		struct mbtcp_req_copy *c = &s->copy[copy - 1];
		c->in_use = 1;
		c->kept = (uint8_t)(n < MBTCP_PEND_PDU_BYTES ? n : MBTCP_PEND_PDU_BYTES);
		rd_copy(&pdu, c->pdu, c->kept);
	}
}

static void exception_seen(struct mbtcp_state *s, struct dis_ctx *ctx, int dir)
{
	if (!s->exc_in_window || ctx->ts_us - s->exc_window_us > MBTCP_EXC_BURST_WINDOW_US) {
		s->exc_window_us = ctx->ts_us;
		s->exc_in_window = 0;
		s->exc_burst_reported = 0;
	}
	s->exc_in_window++;
	if (s->exc_in_window >= MBTCP_EXC_BURST && !s->exc_burst_reported) {
		s->exc_burst_reported = 1;
		dis_anomaly(ctx, dir, "exception_burst");
	}
}

static void on_request(struct mbtcp_state *s, struct dis_ctx *ctx, int dir, uint16_t tid,
		       uint8_t unit, uint8_t fc, struct rd pdu)
{
	/* Validation pass: anomalies now, while the bytes are on the wire. */
	struct rd v = pdu;
	struct dec d = { NULL, ctx, dir, 1 };
	dec_request(&d, fc & 0x7f, &v);
	int is_folded = ctx->rt->aggregate && is_foldable(fc);
	if (is_folded) {
		struct mbtcp_fold *fo = fold_get(s, ctx, unit, fc);
		fo->count++;
		fo->last_us = ctx->ts_us;
	}
	pend_add(s, ctx, dir, tid, unit, fc, is_folded, pdu);
}

static void on_response(struct mbtcp_state *s, struct dis_ctx *ctx, int dir, uint16_t tid,
			uint8_t unit, uint8_t fc, struct rd pdu)
{
	uint8_t base = fc & 0x7f;
	int is_exc = (fc & MBTCP_EXCEPTION_BIT) != 0;
	struct mbtcp_pending *e = pend_find(s, tid, unit, base);
	if (is_exc)
		exception_seen(s, ctx, dir);
	if (!e) {
		dis_count(ctx, MBTCP_CNT_UNMATCHED);
		dis_anomaly(ctx, dir, "response_without_request");
		if (!is_exc && ctx->rt->aggregate && is_foldable(base)) {
			struct rd v = pdu;
			struct dec d = { NULL, ctx, dir, 1 };
			dec_response(&d, base, &v, 0);
			/* folded with the other reads of its kind, so every
			 * PDU on the wire is accounted for in some event */
			struct mbtcp_fold *fo = fold_get(s, ctx, unit, base);
			fo->responses++;
			fo->last_us = ctx->ts_us;
			return;
		}
		emit_txn(s, ctx, NULL, dir, tid, unit, base, &pdu, is_exc);
		return;
	}
	if (!e->copy && !is_exc) {
		/* the common path: a folded read answered */
		struct rd v = pdu;
		struct dec d = { NULL, ctx, dir, 1 };
		dec_response(&d, base, &v, expected_bytes(base, e->head, e->head_len));
		for (unsigned i = 0; i < MBTCP_FOLDS; i++)
			if (s->fold[i].fc == base && s->fold[i].unit_id == unit) {
				s->fold[i].responses++;
				s->fold[i].last_us = ctx->ts_us;
				break; /* fold_get keeps one fold per kind */
			}
		pend_free(s, e);
		return;
	}
	if (!e->copy) {
		/* A folded read answered by an exception: the request leaves
		 * its fold and is reported in the exception's own event. */
		for (unsigned i = 0; i < MBTCP_FOLDS; i++)
			if (s->fold[i].fc == base && s->fold[i].unit_id == unit &&
			    s->fold[i].count)
				s->fold[i].count--;
	}
	emit_txn(s, ctx, e, dir, tid, unit, base, &pdu, is_exc);
	pend_free(s, e);
}

static enum dis_status mbtcp_parse(void *state, int dir, const uint8_t *buf, size_t len,
				   size_t *used, struct dis_ctx *ctx)
{
	struct mbtcp_state *s = state;
	struct rd r = rd_init(buf, len);
	if (len < MBTCP_MBAP_LEN + 1) {
		*used = MBTCP_MBAP_LEN + 1;
		return DIS_NEED_MORE;
	}
	uint16_t tid = rd_be16(&r);
	uint16_t pid = rd_be16(&r);
	uint16_t mlen = rd_be16(&r);
	uint8_t unit = rd_u8(&r);
	if (!rd_ok(&r))
		return DIS_MALFORMED;
	if (pid != 0 || mlen < MBTCP_MIN_LEN || mlen > MBTCP_MAX_LEN) {
		/* The framing is lost: drop what we have and wait for a gap or the
		 * next segment boundary. */
		s->malformed[dir]++;
		dis_anomaly(ctx, dir, pid != 0 ? "mbap_bad_protocol_id" : "mbap_bad_length");
		*used = len;
		return DIS_MALFORMED;
	}
	size_t adu = 6u + mlen;
	if (len < adu) {
		*used = adu;
		return DIS_NEED_MORE;
	}
	*used = adu;
	struct rd pdu = rd_sub(&r, mlen - 1u); /* function code + data */
	uint8_t fc = rd_u8(&pdu);
	if (!rd_ok(&pdu))
		return DIS_MALFORMED;
	int req_dir = flow_port(ctx->flow, 0) == mbtcp_proto.tcp_port &&
		      flow_port(ctx->flow, 1) != mbtcp_proto.tcp_port;
	dis_count(ctx, (dir == req_dir ? 0u : 256u) + fc);
	if (dir == req_dir)
		on_request(s, ctx, dir, tid, unit, fc, pdu);
	else
		on_response(s, ctx, dir, tid, unit, fc, pdu);
	return DIS_OK;
}

static void mbtcp_gap(void *state, int dir, uint32_t len, struct dis_ctx *ctx)
{
	(void)state;
	(void)len;
	dis_anomaly(ctx, dir, "stream_gap");
}

/* Flow end: unanswered requests in arrival order, then the folds. */
static void mbtcp_close(void *state, struct dis_ctx *ctx)
{
	struct mbtcp_state *s = state;
	struct mbtcp_pending *oldest;
	while ((oldest = pend_oldest(s, 0)) != NULL)
		pend_drop(s, ctx, oldest);
	for (;;) {
		struct mbtcp_fold *first = NULL;
		for (unsigned i = 0; i < MBTCP_FOLDS; i++) {
			struct mbtcp_fold *fo = &s->fold[i];
			if (fo->fc && (!first || fo->first_us < first->first_us))
				first = fo;
		}
		if (!first)
			break;
		emit_fold(ctx, first);
	}
}

static int mbtcp_counter_name(unsigned idx, char *buf, size_t len)
{
	static const char *const table_names[] = { "table.pending_evicted",
						   "table.pending_timed_out",
						   "table.fold_evicted",
						   "table.responses_without_request" };
	int n;
	if (idx >= MBTCP_CNT__END)
		return -1;
	if (idx >= MBTCP_CNT_PENDING_EVICTED) {
		n = snprintf(buf, len, "%s", table_names[idx - MBTCP_CNT_PENDING_EVICTED]);
		return n > 0 && (size_t)n < len ? 0 : -1;
	}
	unsigned dir = idx / 256, fc = idx % 256;
	const char *kind = dir ? "responses" : "requests";
	if (fc & MBTCP_EXCEPTION_BIT)
		n = snprintf(buf, len, "%s.fc%u_%s_exception", kind, fc & 0x7f, fc_name((uint8_t)fc));
	else
		n = snprintf(buf, len, "%s.fc%u_%s", kind, fc, fc_name((uint8_t)fc));
	return n > 0 && (size_t)n < len ? 0 : -1;
}

const struct dis_proto mbtcp_proto = {
	.name = "modbus",
	.label = "Modbus/TCP",
	.tcp_port = 502,
	.state_size = sizeof(struct mbtcp_state),
	.max_pdu = MBTCP_MAX_ADU,
	.probe = mbtcp_probe,
	.init = mbtcp_init,
	.parse = mbtcp_parse,
	.gap = mbtcp_gap,
	.close = mbtcp_close,
	.n_counters = MBTCP_CNT__END,
	.counter_name = mbtcp_counter_name,
};
