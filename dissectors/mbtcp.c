/* mbtcp.c - Modbus/TCP: MBAP framing and function codes.
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
 * This is the walking-skeleton dissector: it frames ADUs on the reassembled
 * stream (several per segment, one over many segments), validates the MBAP
 * header, names the function code, marks exception responses, classifies the
 * operation for the policy and folds cyclic reads into one event per flow and
 * function. Field-level decoding of every function is issue #3.
 */
#include "config.h"

#include "dissectors/mbtcp.h"

#include <stdio.h>
#include <string.h>

#include "dissectors/dis_cursor.h"

#define MBTCP_MBAP_LEN 7     /* transaction, protocol, length, unit id */
#define MBTCP_MIN_LEN 2      /* length field: unit id + function code */
#define MBTCP_MAX_LEN 254    /* unit id + 253-byte PDU, spec 4.1 */
#define MBTCP_MAX_ADU (6 + MBTCP_MAX_LEN)
#define MBTCP_EXCEPTION_BIT 0x80

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

static enum dis_fclass fc_class(uint8_t fc)
{
	switch (fc) {
	case 1: case 2: case 3: case 4: case 20: case 24:
		return DIS_FC_READ;
	case 5: case 6: case 15: case 16: case 22: case 23:
		return DIS_FC_WRITE;
	case 21: case 90:
		return DIS_FC_PROGRAM;
	case 7: case 8: case 11: case 12: case 17: case 43:
		return DIS_FC_DIAGNOSTIC;
	default:
		return DIS_FC_OTHER;
	}
}

static const char *fc_name(uint8_t fc)
{
	fc &= 0x7f;
	if (fc_names[fc])
		return fc_names[fc];
	if ((fc >= 65 && fc <= 72) || (fc >= 100 && fc <= 110))
		return "user_defined";
	return "unknown";
}

/* Cyclic reads are folded: one record per function per flow direction. */
static int is_folded(uint8_t fc)
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

static void emit_folded(struct mbtcp_state *s, struct dis_ctx *ctx, int dir, uint8_t fc)
{
	struct mbtcp_fold *fo = &s->fold[dir][fc];
	if (!fo->count)
		return;
	struct dis_event ev;
	dis_ev_init(&ev, ctx, dir, fc_name(fc), fc_class(fc));
	if (dir)
		ev.flags |= DIS_EV_RESPONSE;
	ev.count = fo->count;
	ev.ts_us = fo->last_us;
	dis_ev_uint(&ev, "function_code", fc);
	dis_ev_uint(&ev, "unit_id", fo->unit_id);
	dis_ev_uint(&ev, "first_seen_us", fo->first_us);
	dis_ev_uint(&ev, "last_seen_us", fo->last_us);
	dis_emit(ctx, &ev);
	fo->count = 0;
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
	uint8_t fc = rd_u8(&r);
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

	uint8_t base = fc & 0x7f;
	int is_exc = (fc & MBTCP_EXCEPTION_BIT) != 0;
	dis_count(ctx, (unsigned)dir * 256u + fc);

	if (!is_exc && is_folded(base)) {
		struct mbtcp_fold *fo = &s->fold[dir][base];
		if (fo->count == 0) {
			fo->first_us = ctx->ts_us;
			fo->unit_id = unit;
		}
		fo->count++;
		fo->last_us = ctx->ts_us;
		return DIS_OK;
	}

	struct dis_event ev;
	dis_ev_init(&ev, ctx, dir, is_exc ? "exception" : fc_name(fc), fc_class(base));
	if (dir)
		ev.flags |= DIS_EV_RESPONSE;
	dis_ev_uint(&ev, "transaction_id", tid);
	dis_ev_uint(&ev, "unit_id", unit);
	dis_ev_uint(&ev, "function_code", base);
	dis_ev_cstr(&ev, "function", fc_name(base));
	if (is_exc) {
		struct rd pdu = rd_sub(&r, mlen - 2u);
		uint8_t code = rd_u8(&pdu);
		if (rd_ok(&pdu))
			dis_ev_uint(&ev, "exception_code", code);
	}
	dis_ev_uint(&ev, "pdu_length", mlen - 1u);
	dis_emit(ctx, &ev);
	return DIS_OK;
}

static void mbtcp_gap(void *state, int dir, uint32_t len, struct dis_ctx *ctx)
{
	(void)state;
	(void)len;
	dis_anomaly(ctx, dir, "stream_gap");
}

static void mbtcp_close(void *state, struct dis_ctx *ctx)
{
	struct mbtcp_state *s = state;
	for (int dir = 0; dir < 2; dir++)
		for (unsigned fc = 1; fc <= 4; fc++)
			emit_folded(s, ctx, dir, (uint8_t)fc);
}

static int mbtcp_counter_name(unsigned idx, char *buf, size_t len)
{
	unsigned dir = idx / 256, fc = idx % 256;
	const char *kind = dir ? "responses" : "requests";
	int n;
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
	.n_counters = 512,
	.counter_name = mbtcp_counter_name,
};
