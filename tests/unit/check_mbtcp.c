/* check_mbtcp.c - unit tests for the Modbus/TCP dissector (dissectors/mbtcp.c),
 * driven through the real stream framework (dissectors/dis_stream.c).
 *
 * Each test builds a dis_runtime whose emit callback copies every event into
 * an array, and a zeroed struct flow on port 502, then feeds reassembled
 * stream bytes with dis_stream_data() / dis_stream_gap() / dis_flow_end().
 * ADUs are hand-built from the examples of the Modbus Application Protocol
 * Specification V1.1b3 (section numbers in the comments), wrapped in an MBAP
 * header (Modbus Messaging on TCP/IP Implementation Guide V1.0b, 3.1.3).
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
#include "dissectors/mbtcp.h"

#define MAX_EVENTS 64
#define TS0 1700000000000000ull

#include "tests/unit/dis_fixture.h"

/* ---- ADUs ---- */

/* FC6 write single register request (spec 6.6 example): tid 1, unit 0x11,
 * register 1 <- 0x0003. */
static const uint8_t req6[] = { 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x11,
				0x06, 0x00, 0x01, 0x00, 0x03 };
/* FC6 response: an echo of the request. */
static const uint8_t resp6[] = { 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x11,
				 0x06, 0x00, 0x01, 0x00, 0x03 };
/* FC6 request tid 2, unit 0x11, register 2 <- 0x1234. */
static const uint8_t req6b[] = { 0x00, 0x02, 0x00, 0x00, 0x00, 0x06, 0x11,
				 0x06, 0x00, 0x02, 0x12, 0x34 };
/* FC6 request tid 3 to register 0x9999, which the server does not have. */
static const uint8_t req6x[] = { 0x00, 0x03, 0x00, 0x00, 0x00, 0x06, 0x11,
				 0x06, 0x99, 0x99, 0x00, 0x01 };
/* Exception response to it: function 0x86, exception code 2 (illegal data
 * address, spec 7). */
static const uint8_t resp6x[] = { 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, 0x11, 0x86, 0x02 };
/* FC3 read holding registers request (spec 6.3 example): tid 10, unit 1,
 * 3 registers from 107 (0x006b). */
static const uint8_t req3[] = { 0x00, 0x0a, 0x00, 0x00, 0x00, 0x06, 0x01,
				0x03, 0x00, 0x6b, 0x00, 0x03 };
/* FC3 response (spec 6.3 example): 6 bytes, registers 0x022b 0x0000 0x0064. */
static const uint8_t resp3[] = { 0x00, 0x0a, 0x00, 0x00, 0x00, 0x09, 0x01, 0x03,
				 0x06, 0x02, 0x2b, 0x00, 0x00, 0x00, 0x64 };
/* FC16 write multiple registers request (spec 6.12 example): tid 4, unit
 * 0x11, 2 registers from 1, 4 bytes 0x000a 0x0102. */
static const uint8_t req16[] = { 0x00, 0x04, 0x00, 0x00, 0x00, 0x0b, 0x11, 0x10, 0x00,
				 0x01, 0x00, 0x02, 0x04, 0x00, 0x0a, 0x01, 0x02 };
/* FC16 response: start address and quantity. */
static const uint8_t resp16[] = { 0x00, 0x04, 0x00, 0x00, 0x00, 0x06, 0x11,
				  0x10, 0x00, 0x01, 0x00, 0x02 };
/* Bad MBAP: protocol id 1 (not Modbus), otherwise an FC6 request, tid 5. */
static const uint8_t bad_pid[] = { 0x00, 0x05, 0x00, 0x01, 0x00, 0x06, 0x11,
				   0x06, 0x00, 0x01, 0x00, 0x03 };
/* Bad MBAP: length 255, one above the spec maximum of 254 (spec 4.1). */
static const uint8_t bad_len255[] = { 0x00, 0x06, 0x00, 0x00, 0x00, 0xff, 0x11, 0x06 };
/* Bad MBAP: length 1 (unit id only, no function code). */
static const uint8_t bad_len1[] = { 0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0x11, 0x06 };
/* Bad MBAP: length 0. */
static const uint8_t bad_len0[] = { 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x11, 0x06 };
/* Function code 0 (not a Modbus function). */
static const uint8_t bad_fc0[] = { 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x11, 0x00 };
/* The first 5 bytes of an MBAP header with protocol id 0. */
static const uint8_t short_mbap5[] = { 0x00, 0x01, 0x00, 0x00, 0x00 };
/* The first 5 bytes of an MBAP header with protocol id 5. */
static const uint8_t short_bad5[] = { 0x00, 0x01, 0x00, 0x05, 0x00 };
/* An HTTP request line. */
static const uint8_t http_get[] = { 'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T',
				    'P', '/', '1', '.', '1', '\r', '\n' };
/* Bytes no dissector's probe accepts (HTTP above is taken by the passive
 * http dissector since #9). */
static const uint8_t junk[] = { 'x', 'y', 'z', 'z', 'y', ' ', 'p', 'l', 'u', 'g', 'h', '\r', '\n' };

/* 1 when the flow has no Modbus dissector attached (another protocol's,
 * such as the passive http one, may be). */
static int not_modbus(const struct flow *f)
{
	if (f->dis)
		return f->dis->proto != &mbtcp_proto;
	return f->dis_proto == 0 || dis_protos[f->dis_proto - 1] != &mbtcp_proto;
}

/* ---- fixture ---- */

static enum dis_probe_result probe(const uint8_t *b, size_t n, int dir)
{
	return fx_probe(mbtcp_probe, b, n, dir);
}

/* One line per event, every field, for comparing feeds. */
static void summarize(const struct dis_fixture *m, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < m->n_ev; i++) {
		const struct dis_event *ev = &m->ev[i];
		int n = snprintf(out + len, cap - len, "[%u %s c%u n%u f%u t%llu", ev->dir, ev->action,
				 ev->fclass, ev->count, ev->flags, (unsigned long long)ev->ts_us);
		ck_assert(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
		for (unsigned j = 0; j < ev->nfields; j++) {
			const struct dis_field *f = &ev->f[j];
			if (f->type == DIS_F_STR)
				n = snprintf(out + len, cap - len, " %s=%.*s", f->key, (int)f->str_len,
					     ev->str + f->str_off);
			else
				n = snprintf(out + len, cap - len, " %s=%llu", f->key,
					     (unsigned long long)f->v.u);
			ck_assert(n > 0 && (size_t)n < cap - len);
			len += (size_t)n;
		}
		n = snprintf(out + len, cap - len, "]\n");
		ck_assert(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
	}
}

/* ---- probe ---- */

START_TEST(test_probe_yes)
{
	ck_assert_int_eq(probe(req6, sizeof(req6), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(resp3, sizeof(resp3), 1), DIS_PROBE_YES);
	/* a whole MBAP header and function code is enough */
	ck_assert_int_eq(probe(req16, 8, 0), DIS_PROBE_YES);
	/* exception responses come from the responder */
	ck_assert_int_eq(probe(resp6x, sizeof(resp6x), 1), DIS_PROBE_YES);
	/* two ADUs back to back */
	uint8_t two[sizeof(req6) + sizeof(req3)];
	memcpy(two, req6, sizeof(req6));
	memcpy(two + sizeof(req6), req3, sizeof(req3));
	ck_assert_int_eq(probe(two, sizeof(two), 0), DIS_PROBE_YES);
}
END_TEST

START_TEST(test_probe_no)
{
	ck_assert_int_eq(probe(bad_pid, sizeof(bad_pid), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(bad_len0, sizeof(bad_len0), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(bad_len1, sizeof(bad_len1), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(bad_len255, sizeof(bad_len255), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(bad_fc0, sizeof(bad_fc0), 0), DIS_PROBE_NO);
	/* the exception bit from the initiator: not a Modbus client */
	ck_assert_int_eq(probe(resp6x, sizeof(resp6x), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(http_get, sizeof(http_get), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(http_get, 4, 0), DIS_PROBE_NO);
	/* short, but the protocol id already shows it is not Modbus */
	ck_assert_int_eq(probe(short_bad5, sizeof(short_bad5), 0), DIS_PROBE_NO);
	/* a good ADU followed by a bad one */
	uint8_t two[sizeof(req6) + sizeof(bad_pid)];
	memcpy(two, req6, sizeof(req6));
	memcpy(two + sizeof(req6), bad_pid, sizeof(bad_pid));
	ck_assert_int_eq(probe(two, sizeof(two), 0), DIS_PROBE_NO);
}
END_TEST

START_TEST(test_probe_more)
{
	ck_assert_int_eq(probe(short_mbap5, sizeof(short_mbap5), 0), DIS_PROBE_MORE);
	ck_assert_int_eq(probe(req6, 7, 0), DIS_PROBE_MORE);
	ck_assert_int_eq(probe(req6, 4, 0), DIS_PROBE_MORE);
	ck_assert_int_eq(probe(req6, 2, 0), DIS_PROBE_MORE);
	ck_assert_int_eq(probe(req6, 1, 1), DIS_PROBE_MORE);
	ck_assert_int_eq(probe(req6, 0, 0), DIS_PROBE_MORE);
}
END_TEST

START_TEST(test_registry_and_counter_names)
{
	char buf[96];
	ck_assert_ptr_eq(dis_proto_by_name("modbus"), &mbtcp_proto);
	ck_assert_int_eq(dis_proto_index(&mbtcp_proto), 0);
	ck_assert_uint_eq(mbtcp_proto.tcp_port, 502);
	ck_assert_int_eq(mbtcp_proto.counter_name(3, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "requests.fc3_read_holding_registers");
	ck_assert_int_eq(mbtcp_proto.counter_name(256 + 0x86, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "responses.fc6_write_single_register_exception");
	ck_assert_int_eq(mbtcp_proto.counter_name(3, buf, 8), -1); /* does not fit */
}
END_TEST

/* ---- requests and responses ---- */

START_TEST(test_write_single_register)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req6, sizeof(req6), TS0 + 1000);
	ck_assert_ptr_nonnull(m.f.dis);
	ck_assert_uint_eq(m.f.dis_proto, 1);
	ck_assert_uint_eq(m.n_ev, 0); /* the request waits for its response */
	feed(&m, 1, resp6, sizeof(resp6), TS0 + 2000);
	ck_assert_uint_eq(m.n_ev, 1); /* one event per transaction */

	const struct dis_event *ev = &m.ev[0];
	ck_assert_ptr_eq(ev->proto, &mbtcp_proto);
	ck_assert_str_eq(ev->action, "write_single_register");
	ck_assert_uint_eq(ev->fclass, DIS_FC_WRITE);
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->flags, 0);
	ck_assert_uint_eq(ev->count, 1);
	ck_assert_uint_eq(ev->ts_us, TS0 + 1000); /* the request's time */
	ck_assert_uint_eq(ev_u(ev, "transaction_id"), 1);
	ck_assert_uint_eq(ev_u(ev, "unit_id"), 0x11);
	ck_assert_uint_eq(ev_u(ev, "function_code"), 6);
	ck_assert_uint_eq(ev_u(ev, "pdu_length"), 5);
	ck_assert_uint_eq(ev_u(ev, "address"), 1);
	ck_assert_uint_eq(ev_u(ev, "value"), 3);
	ck_assert_int_eq(ev_b(ev, "matched"), 1);
	ck_ev_str(ev, "outcome", "acknowledged");
	ck_assert_uint_eq(ev_u(ev, "response_time_us"), 1000);
	ck_ev_str(ev, "function", "write_single_register");
	ck_assert_ptr_null(ev_field(ev, "exception_code"));
	ck_assert_uint_eq(m.f.dis_confirmed, 1);
	ck_assert_uint_eq(m.rt.proto[0].flows, 1);
	ck_assert_uint_eq(m.rt.proto[0].confirmed, 1);
	ck_assert_uint_eq(m.rt.proto[0].pdus, 2);
	ck_assert_uint_eq(m.rt.proto[0].bytes, sizeof(req6) + sizeof(resp6));
	ck_assert_uint_eq(m.rt.proto[0].events, 1);
	ck_assert_uint_eq(m.rt.proto[0].malformed, 0);
	ck_assert_uint_eq(m.rt.proto[0].counters[6], 1);
	ck_assert_uint_eq(m.rt.proto[0].counters[256 + 6], 1);
	fx_done(&m);
	ck_assert_uint_eq(m.n_ev, 1); /* nothing folded, nothing flushed */
}
END_TEST

START_TEST(test_exception_response)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req6x, sizeof(req6x), TS0);
	feed(&m, 1, resp6x, sizeof(resp6x), TS0 + 10);
	ck_assert_uint_eq(m.n_ev, 1);
	const struct dis_event *ev = &m.ev[0];
	ck_assert_str_eq(ev->action, "write_single_register");
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->flags, 0);
	ck_assert_uint_eq(ev->fclass, DIS_FC_WRITE); /* the class of the failed function */
	ck_assert_uint_eq(ev_u(ev, "exception_code"), 2);
	ck_ev_str(ev, "exception", "illegal_data_address");
	ck_ev_str(ev, "outcome", "exception");
	ck_assert_int_eq(ev_b(ev, "matched"), 1);
	ck_assert_uint_eq(ev_u(ev, "function_code"), 6);
	ck_assert_uint_eq(ev_u(ev, "transaction_id"), 3);
	ck_assert_uint_eq(ev_u(ev, "unit_id"), 0x11);
	ck_assert_uint_eq(ev_u(ev, "address"), 0x9999);
	ck_assert_uint_eq(ev_u(ev, "pdu_length"), 5); /* the request's */
	ck_ev_str(ev, "function", "write_single_register");
	ck_assert_uint_eq(m.rt.proto[0].counters[256 + 0x86], 1);
	ck_assert_uint_eq(m.rt.proto[0].counters[256 + 6], 0);
	fx_done(&m);
}
END_TEST

START_TEST(test_fc3_reads_folded)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	for (unsigned i = 0; i < 3; i++) {
		feed(&m, 0, req3, sizeof(req3), TS0 + 100 * i);
		feed(&m, 1, resp3, sizeof(resp3), TS0 + 100 * i + 5);
	}
	ck_assert_uint_eq(m.n_ev, 0);
	ck_assert_uint_eq(m.rt.proto[0].pdus, 6);
	ck_assert_uint_eq(m.rt.proto[0].counters[3], 3);
	ck_assert_uint_eq(m.rt.proto[0].counters[256 + 3], 3);
	ck_assert_uint_eq(m.f.dis_confirmed, 1);
	dis_flow_end(&m.rt, &m.f, TS0 + 5000);
	ck_assert_ptr_null(m.f.dis);
	/* one event per (unit id, function), whatever the direction */
	ck_assert_uint_eq(m.n_ev, 1);
	const struct dis_event *ev = &m.ev[0];
	ck_assert_str_eq(ev->action, "read_holding_registers");
	ck_assert_uint_eq(ev->fclass, DIS_FC_READ);
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->flags, 0);
	ck_assert_uint_eq(ev->count, 3);
	ck_assert_uint_eq(ev_u(ev, "function_code"), 3);
	ck_assert_uint_eq(ev_u(ev, "unit_id"), 1);
	ck_assert_uint_eq(ev_u(ev, "responses"), 3);
	ck_assert_uint_eq(ev_u(ev, "first_seen_us"), TS0);
	ck_assert_uint_eq(ev_u(ev, "last_seen_us"), TS0 + 205);
	ck_assert_uint_eq(ev->ts_us, TS0 + 205);
	ck_assert_uint_eq(m.rt.proto[0].anomalies, 0);
	fx_done(&m);
	ck_assert_uint_eq(m.n_ev, 1);
}
END_TEST

/* A protocol found by its probe on another port than 502. */
START_TEST(test_non_standard_port)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	flow_reset(&m, 5020);
	feed(&m, 0, req6, sizeof(req6), TS0);
	ck_assert_ptr_nonnull(m.f.dis);
	feed(&m, 1, resp6, sizeof(resp6), TS0 + 1);
	ck_assert_uint_eq(m.n_ev, 1);
	ck_assert_str_eq(m.ev[0].action, "write_single_register");
	fx_done(&m);
}
END_TEST

START_TEST(test_not_modbus_gives_up)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	flow_reset(&m, 80);
	for (int i = 0; i < 2 * DIS_PROBE_TRIES; i++) {
		feed(&m, 0, junk, sizeof(junk), TS0);
		feed(&m, 1, junk, sizeof(junk), TS0);
	}
	ck_assert_ptr_null(m.f.dis);
	ck_assert_uint_eq(m.f.dis_gave_up, 1);
	ck_assert_uint_eq(m.rt.st.no_dissector, 1);
	ck_assert_uint_eq(m.n_ev, 0);
	feed(&m, 0, req6, sizeof(req6), TS0); /* too late: not probed again */
	ck_assert_ptr_null(m.f.dis);
	ck_assert_uint_eq(m.n_ev, 0);
	fx_done(&m);
}
END_TEST


/* ---- every public function: golden request/response pairs ---- */

/* Wraps a PDU (function code + data) in an MBAP header: tid, unit. */
static size_t adu(uint8_t *out, size_t cap, uint16_t tid, uint8_t unit, const uint8_t *pdu,
		  size_t n)
{
	ck_assert_uint_le(n + 7, cap);
	out[0] = (uint8_t)(tid >> 8);
	out[1] = (uint8_t)tid;
	out[2] = 0;
	out[3] = 0;
	out[4] = (uint8_t)((n + 1) >> 8);
	out[5] = (uint8_t)(n + 1);
	out[6] = unit;
	memcpy(out + 7, pdu, n);
	return n + 7;
}

static void feed_pdu(struct dis_fixture *m, int dir, uint16_t tid, uint8_t unit, const uint8_t *pdu,
		     size_t n, uint64_t ts)
{
	uint8_t b[6 + 256];
	feed(m, dir, b, adu(b, sizeof(b), tid, unit, pdu, n), ts);
}

/* Checks "key=value key=value ..." against the event: numbers in decimal,
 * booleans as true/false, strings as they are (no spaces in them here). */
static void ck_fields(const struct dis_event *ev, const char *want)
{
	char buf[512];
	ck_assert_uint_lt(strlen(want), sizeof(buf));
	memcpy(buf, want, strlen(want) + 1);
	for (char *kv = buf, *next; kv && *kv; kv = next) {
		next = strchr(kv, ' ');
		if (next)
			*next++ = '\0';
		char *eq = strchr(kv, '=');
		ck_assert_ptr_nonnull(eq);
		*eq = '\0';
		const struct dis_field *f = ev_field(ev, kv);
		ck_assert_msg(f != NULL, "event %s has no field %s", ev->action, kv);
		char got[256];
		if (f->type == DIS_F_STR)
			snprintf(got, sizeof(got), "%.*s", (int)f->str_len, ev->str + f->str_off);
		else if (f->type == DIS_F_BOOL)
			snprintf(got, sizeof(got), "%s", f->v.u ? "true" : "false");
		else
			snprintf(got, sizeof(got), "%llu", (unsigned long long)f->v.u);
		ck_assert_msg(strcmp(got, eq + 1) == 0, "event %s field %s: got %s, want %s",
			      ev->action, kv, got, eq + 1);
	}
}

struct golden {
	const char *action;
	uint8_t fclass;
	const uint8_t *req; /* PDUs; resp NULL: no response (flow end) */
	size_t req_len;
	const uint8_t *resp;
	size_t resp_len;
	const char *fields;
};

#define PDU(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

/* Spec V1.1b3 section 6 examples where the spec has one, otherwise built
 * from the section's request/response layout (marked "built"). */
static const struct golden goldens[] = {
	/* 6.1 read coils 20-38 */
	{ "read_coils", DIS_FC_READ, PDU(0x01, 0x00, 0x13, 0x00, 0x13), PDU(0x01, 0x03, 0xcd, 0x6b, 0x05),
	  "start_address=19 quantity=19 response.byte_count=3 matched=true outcome=acknowledged" },
	/* 6.2 read discrete inputs 197-218 */
	{ "read_discrete_inputs", DIS_FC_READ, PDU(0x02, 0x00, 0xc4, 0x00, 0x16),
	  PDU(0x02, 0x03, 0xac, 0xdb, 0x35), "start_address=196 quantity=22 response.byte_count=3" },
	/* 6.3 read holding registers 108-110 */
	{ "read_holding_registers", DIS_FC_READ, PDU(0x03, 0x00, 0x6b, 0x00, 0x03),
	  PDU(0x03, 0x06, 0x02, 0x2b, 0x00, 0x00, 0x00, 0x64),
	  "start_address=107 quantity=3 response.byte_count=6 pdu_length=5" },
	/* 6.4 read input register 9 */
	{ "read_input_registers", DIS_FC_READ, PDU(0x04, 0x00, 0x08, 0x00, 0x01),
	  PDU(0x04, 0x02, 0x00, 0x0a), "start_address=8 quantity=1 response.byte_count=2" },
	/* 6.5 write single coil 173 ON */
	{ "write_single_coil", DIS_FC_WRITE, PDU(0x05, 0x00, 0xac, 0xff, 0x00),
	  PDU(0x05, 0x00, 0xac, 0xff, 0x00), "address=172 value=65280 outcome=acknowledged" },
	/* 6.6 write single register 2 <- 3 */
	{ "write_single_register", DIS_FC_WRITE, PDU(0x06, 0x00, 0x01, 0x00, 0x03),
	  PDU(0x06, 0x00, 0x01, 0x00, 0x03), "address=1 value=3" },
	/* 6.7 read exception status */
	{ "read_exception_status", DIS_FC_DIAGNOSTIC, PDU(0x07), PDU(0x07, 0x6d),
	  "response.status=109 pdu_length=1" },
	/* 6.8.1 sub 0 return query data */
	{ "diagnostics", DIS_FC_DIAGNOSTIC, PDU(0x08, 0x00, 0x00, 0xa5, 0x37),
	  PDU(0x08, 0x00, 0x00, 0xa5, 0x37),
	  "sub_function=0 sub_function_name=return_query_data data=42295 response.sub_function=0 "
	  "response.data=42295" },
	/* 6.8.1 sub 1 restart communications option (built): control */
	{ "diagnostics", DIS_FC_CONTROL, PDU(0x08, 0x00, 0x01, 0x00, 0x00),
	  PDU(0x08, 0x00, 0x01, 0x00, 0x00), "sub_function=1 sub_function_name=restart_communications_option" },
	/* 6.8.1 sub 4 force listen only mode (built): control, and no response by design */
	{ "diagnostics", DIS_FC_CONTROL, PDU(0x08, 0x00, 0x04, 0x00, 0x00), NULL, 0,
	  "sub_function=4 sub_function_name=force_listen_only_mode matched=false outcome=unanswered" },
	/* 6.8.1 sub 11 return bus message count (built) */
	{ "diagnostics", DIS_FC_DIAGNOSTIC, PDU(0x08, 0x00, 0x0b, 0x00, 0x00),
	  PDU(0x08, 0x00, 0x0b, 0x01, 0x02), "sub_function_name=return_bus_message_count response.data=258" },
	/* 6.9 get comm event counter */
	{ "get_comm_event_counter", DIS_FC_DIAGNOSTIC, PDU(0x0b), PDU(0x0b, 0xff, 0xff, 0x01, 0x08),
	  "response.status=65535 response.event_count=264" },
	/* 6.10 get comm event log */
	{ "get_comm_event_log", DIS_FC_DIAGNOSTIC, PDU(0x0c),
	  PDU(0x0c, 0x08, 0x00, 0x00, 0x01, 0x08, 0x01, 0x21, 0x20, 0x00),
	  "response.byte_count=8 response.status=0 response.event_count=264 response.message_count=289" },
	/* 6.11 write multiple coils 20-29 */
	{ "write_multiple_coils", DIS_FC_WRITE, PDU(0x0f, 0x00, 0x13, 0x00, 0x0a, 0x02, 0xcd, 0x01),
	  PDU(0x0f, 0x00, 0x13, 0x00, 0x0a), "start_address=19 quantity=10 byte_count=2 values=cd01" },
	/* 6.12 write multiple registers 2-3 */
	{ "write_multiple_registers", DIS_FC_WRITE,
	  PDU(0x10, 0x00, 0x01, 0x00, 0x02, 0x04, 0x00, 0x0a, 0x01, 0x02),
	  PDU(0x10, 0x00, 0x01, 0x00, 0x02),
	  "start_address=1 quantity=2 byte_count=4 values.0=10 values.1=258" },
	/* 6.13 report server id (built): id 0a0b, run indicator ON */
	{ "report_server_id", DIS_FC_DIAGNOSTIC, PDU(0x11), PDU(0x11, 0x03, 0x0a, 0x0b, 0xff),
	  "response.byte_count=3 response.server_id=0a0b response.run_indicator=true" },
	/* 6.14 read file record: file 4 record 1 len 2, file 3 record 9 len 2 */
	{ "read_file_record", DIS_FC_READ,
	  PDU(0x14, 0x0e, 0x06, 0x00, 0x04, 0x00, 0x01, 0x00, 0x02, 0x06, 0x00, 0x03, 0x00, 0x09,
	      0x00, 0x02),
	  PDU(0x14, 0x0c, 0x05, 0x06, 0x0d, 0xfe, 0x00, 0x20, 0x05, 0x06, 0x33, 0xcd, 0x00, 0x40),
	  "byte_count=14 record_count=2 reference_type=6 file_number=4 record_number=1 "
	  "record_length=2 response.byte_count=12" },
	/* 6.15 write file record: file 4 record 7, 3 registers */
	{ "write_file_record", DIS_FC_PROGRAM,
	  PDU(0x15, 0x0d, 0x06, 0x00, 0x04, 0x00, 0x07, 0x00, 0x03, 0x06, 0xaf, 0x04, 0xbe, 0x10,
	      0x0d),
	  PDU(0x15, 0x0d, 0x06, 0x00, 0x04, 0x00, 0x07, 0x00, 0x03, 0x06, 0xaf, 0x04, 0xbe, 0x10,
	      0x0d),
	  "byte_count=13 reference_type=6 file_number=4 record_number=7 record_length=3" },
	/* 6.16 mask write register 4 */
	{ "mask_write_register", DIS_FC_WRITE, PDU(0x16, 0x00, 0x04, 0x00, 0xf2, 0x00, 0x25),
	  PDU(0x16, 0x00, 0x04, 0x00, 0xf2, 0x00, 0x25), "address=4 and_mask=242 or_mask=37" },
	/* 6.17 read/write multiple registers */
	{ "read_write_multiple_registers", DIS_FC_WRITE,
	  PDU(0x17, 0x00, 0x03, 0x00, 0x06, 0x00, 0x0e, 0x00, 0x03, 0x06, 0x00, 0xff, 0x00, 0xff,
	      0x00, 0xff),
	  PDU(0x17, 0x0c, 0x00, 0xfe, 0x0a, 0xcd, 0x00, 0x01, 0x00, 0x03, 0x00, 0x0d, 0x00, 0xff),
	  "read.start_address=3 read.quantity=6 write.start_address=14 write.quantity=3 "
	  "write.byte_count=6 values.0=255 values.2=255 response.byte_count=12" },
	/* 6.18 read FIFO queue at 1246 */
	{ "read_fifo_queue", DIS_FC_READ, PDU(0x18, 0x04, 0xde),
	  PDU(0x18, 0x00, 0x06, 0x00, 0x02, 0x01, 0xb8, 0x12, 0x84),
	  "fifo_pointer_address=1246 response.byte_count=6 response.fifo_count=2" },
	/* 6.21 read device identification, basic stream (built): vendor "Acme",
	 * product code "P90" and private object 0x80 "x" */
	{ "encapsulated_interface_transport", DIS_FC_DIAGNOSTIC, PDU(0x2b, 0x0e, 0x01, 0x00),
	  PDU(0x2b, 0x0e, 0x01, 0x83, 0x00, 0x00, 0x03, 0x00, 0x04, 'A', 'c', 'm', 'e', 0x01, 0x03,
	      'P', '9', '0', 0x80, 0x01, 'x'),
	  "mei_type=14 mei=read_device_identification read_device_id_code=1 object_id=0 "
	  "response.conformity_level=131 response.more_follows=false response.next_object_id=0 "
	  "response.number_of_objects=3 device.vendor_name=Acme device.product_code=P90 "
	  "device.object_80=x" },
	/* 6.20 CANopen general reference (built) */
	{ "encapsulated_interface_transport", DIS_FC_OTHER, PDU(0x2b, 0x0d, 0x00, 0x01),
	  PDU(0x2b, 0x0d, 0x00, 0x01), "mei_type=13 mei=canopen_general_reference data=0001" },
	/* Schneider UMAS (built): session 0, UMAS function 0x02, answered 0xfe */
	{ "schneider_umas", DIS_FC_PROGRAM, PDU(0x5a, 0x00, 0x02), PDU(0x5a, 0x00, 0xfe, 0x01),
	  "umas_session=0 umas_function=2 response.umas_status=254" },
	/* user-defined function 65 (built) */
	{ "user_defined", DIS_FC_OTHER, PDU(0x41, 0x01, 0x02), PDU(0x41, 0x00),
	  "function_code=65 function=user_defined pdu_length=3" },
	/* unknown function 9, refused: illegal function (spec 7) */
	{ "unknown", DIS_FC_OTHER, PDU(0x09, 0x00), PDU(0x89, 0x01),
	  "function_code=9 function=unknown exception_code=1 exception=illegal_function "
	  "outcome=exception matched=true" },
	/* FC3 through a gateway whose target does not answer (spec 7, code 11) */
	{ "read_holding_registers", DIS_FC_READ, PDU(0x03, 0x00, 0x00, 0x00, 0x01), PDU(0x83, 0x0b),
	  "exception_code=11 exception=gateway_target_device_failed_to_respond outcome=exception" },
};

START_TEST(test_golden)
{
	const struct golden *g = &goldens[_i];
	struct dis_fixture m;
	fx_init(&m, 502);
	m.rt.aggregate = 0; /* reads as transactions too */
	feed_pdu(&m, 0, 0x1234, 0x11, g->req, g->req_len, TS0);
	ck_assert_uint_eq(m.n_ev, 0);
	if (g->resp)
		feed_pdu(&m, 1, 0x1234, 0x11, g->resp, g->resp_len, TS0 + 7);
	else
		dis_flow_end(&m.rt, &m.f, TS0 + 7);
	ck_assert_msg(m.n_ev == 1, "%s: %u events, first %s", g->action, m.n_ev,
		      m.n_ev ? m.ev[0].action : "-");
	const struct dis_event *ev = &m.ev[0];
	ck_assert_str_eq(ev->action, g->action);
	ck_assert_uint_eq(ev->fclass, g->fclass);
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->ts_us, TS0);
	ck_assert_uint_eq(ev->flags & DIS_EV_TRUNCATED, 0);
	ck_assert_uint_eq(ev_u(ev, "transaction_id"), 0x1234);
	ck_assert_uint_eq(ev_u(ev, "unit_id"), 0x11);
	ck_assert_uint_eq(ev_u(ev, "function_code"), g->req[0]);
	if (g->resp)
		ck_assert_uint_eq(ev_u(ev, "response_time_us"), 7);
	ck_fields(ev, g->fields);
	ck_assert_uint_eq(m.rt.proto[0].anomalies, 0);
	ck_assert_uint_eq(m.rt.proto[0].counters[g->req[0]], 1);
	if (g->resp)
		ck_assert_uint_eq(m.rt.proto[0].counters[256 + g->resp[0]], 1);
	fx_done(&m);
	ck_assert_uint_eq(m.n_ev, 1);
}
END_TEST

/* The same goldens, response first and alone: an unmatched response event
 * plus the anomaly (reads are events here, aggregation off). */
START_TEST(test_golden_response_without_request)
{
	const struct golden *g = &goldens[_i];
	struct dis_fixture m;
	if (!g->resp)
		return;
	fx_init(&m, 502);
	m.rt.aggregate = 0;
	/* attach on a first good exchange with another tid */
	feed(&m, 0, req6, sizeof(req6), TS0);
	feed(&m, 1, resp6, sizeof(resp6), TS0);
	ck_assert_uint_eq(m.n_ev, 1);
	feed_pdu(&m, 1, 0x1234, 0x11, g->resp, g->resp_len, TS0 + 1);
	ck_assert_uint_eq(m.n_ev, 3);
	ck_assert_str_eq(m.ev[1].action, "response_without_request");
	ck_assert_uint_eq(m.ev[1].flags & DIS_EV_ANOMALY, DIS_EV_ANOMALY);
	const struct dis_event *ev = &m.ev[2];
	ck_assert_str_eq(ev->action, g->action);
	ck_assert_uint_eq(ev->dir, 1);
	ck_assert_uint_eq(ev->flags & DIS_EV_RESPONSE, DIS_EV_RESPONSE);
	ck_assert_int_eq(ev_b(ev, "matched"), 0);
	ck_assert_ptr_null(ev_field(ev, "response_time_us"));
	fx_done(&m);
}
END_TEST

/* ---- pairing ---- */

/* Full tables: a request that is not a folded read needs one of the
 * MBTCP_PEND_COPIES copies; when they are all taken, the oldest such request
 * is given up as unanswered and counted. */
START_TEST(test_pending_eviction)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req6, sizeof(req6), TS0);
	feed(&m, 1, resp6, sizeof(resp6), TS0);
	static const uint8_t w[] = { 0x06, 0x00, 0x01, 0x00, 0x03 }; /* FC6 reg 2 <- 3 */
	for (unsigned i = 0; i < MBTCP_PEND_COPIES; i++)
		feed_pdu(&m, 0, (uint16_t)(100 + i), 1, w, sizeof(w), TS0 + 1 + i);
	ck_assert_uint_eq(m.n_ev, 1);
	feed_pdu(&m, 0, 999, 1, w, sizeof(w), TS0 + 100);
	ck_assert_uint_eq(m.n_ev, 2);
	ck_assert_uint_eq(ev_u(&m.ev[1], "transaction_id"), 100);
	ck_ev_str(&m.ev[1], "outcome", "unanswered");
	ck_fields(&m.ev[1], "address=1 value=3 matched=false");
	ck_assert_uint_eq(m.ev[1].ts_us, TS0 + 1);
	ck_assert_uint_eq(m.rt.proto[0].counters[512], 1); /* table.pending_evicted */
	char name[64];
	ck_assert_int_eq(mbtcp_proto.counter_name(512, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "table.pending_evicted");
	/* the newest is still paired */
	feed_pdu(&m, 1, 999, 1, w, sizeof(w), TS0 + 101);
	ck_assert_uint_eq(m.n_ev, 3);
	ck_assert_int_eq(ev_b(&m.ev[2], "matched"), 1);
	dis_flow_end(&m.rt, &m.f, TS0 + 200);
	ck_assert_uint_eq(m.n_ev, 3 + MBTCP_PEND_COPIES - 1); /* tids 101..107 */
	ck_assert_uint_eq(ev_u(&m.ev[3], "transaction_id"), 101);
	fx_done(&m);
}
END_TEST

/* Folded reads keep no copy: MBTCP_PENDING of them wait at once; one more
 * gives the oldest up (counted, no event: it is in the fold). */
START_TEST(test_pending_eviction_folded)
{
	struct dis_fixture m;
	static const uint8_t rd[] = { 0x03, 0x00, 0x00, 0x00, 0x01 }; /* FC3 1 reg at 0 */
	static const uint8_t ans[] = { 0x03, 0x02, 0x00, 0x2a };      /* its answer */
	fx_init(&m, 502);
	for (unsigned i = 0; i <= MBTCP_PENDING; i++)
		feed_pdu(&m, 0, (uint16_t)(200 + i), 1, rd, sizeof(rd), TS0 + i);
	ck_assert_uint_eq(m.n_ev, 0);
	ck_assert_uint_eq(m.rt.proto[0].counters[512], 1);
	for (unsigned i = 1; i <= MBTCP_PENDING; i++)
		feed_pdu(&m, 1, (uint16_t)(200 + i), 1, ans, sizeof(ans), TS0 + 100 + i);
	ck_assert_uint_eq(m.rt.proto[0].anomalies, 0);
	feed_pdu(&m, 1, 200, 1, ans, sizeof(ans), TS0 + 200); /* given up already */
	ck_assert_uint_eq(m.n_ev, 1);
	ck_assert_str_eq(m.ev[0].action, "response_without_request");
	dis_flow_end(&m.rt, &m.f, TS0 + 300);
	ck_assert_uint_eq(m.n_ev, 2);
	ck_assert_uint_eq(m.ev[1].count, MBTCP_PENDING + 1);
	/* the late answer is folded too: every PDU is accounted for */
	ck_fields(&m.ev[1], "function_code=3 unit_id=1 requests=17 responses=17");
	fx_done(&m);
}
END_TEST

/* A request older than the timeout is unanswered; a reused id is answered
 * in request order. */
START_TEST(test_pending_timeout_and_reuse)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req6, sizeof(req6), TS0);
	feed(&m, 1, resp6, sizeof(resp6), TS0);
	feed(&m, 0, req6b, sizeof(req6b), TS0 + 10);
	feed(&m, 0, req16, sizeof(req16), TS0 + 10 + 31000000ull);
	ck_assert_uint_eq(m.n_ev, 2);
	ck_assert_uint_eq(ev_u(&m.ev[1], "transaction_id"), 2);
	ck_ev_str(&m.ev[1], "outcome", "unanswered");
	ck_assert_uint_eq(m.rt.proto[0].counters[513], 1); /* table.pending_timed_out */
	feed(&m, 0, req16, sizeof(req16), TS0 + 11 + 31000000ull); /* tid 4 again */
	ck_assert_uint_eq(m.n_ev, 2);
	feed(&m, 1, resp16, sizeof(resp16), TS0 + 12 + 31000000ull);
	ck_assert_uint_eq(m.n_ev, 3);
	ck_ev_str(&m.ev[2], "outcome", "acknowledged");
	ck_assert_uint_eq(ev_u(&m.ev[2], "response_time_us"), 2); /* the older one */
	feed(&m, 1, resp16, sizeof(resp16), TS0 + 13 + 31000000ull);
	ck_assert_uint_eq(m.n_ev, 4);
	ck_ev_str(&m.ev[3], "outcome", "acknowledged");
	ck_assert_uint_eq(ev_u(&m.ev[3], "response_time_us"), 2);
	ck_assert_uint_eq(m.rt.proto[0].anomalies, 0);
	fx_done(&m);
}
END_TEST

/* --no-aggregate: each read is a transaction event; folding is per
 * (unit id, function) otherwise. */
START_TEST(test_no_aggregate)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	m.rt.aggregate = 0;
	for (unsigned i = 0; i < 3; i++) {
		feed(&m, 0, req3, sizeof(req3), TS0 + 100 * i);
		feed(&m, 1, resp3, sizeof(resp3), TS0 + 100 * i + 5);
	}
	ck_assert_uint_eq(m.n_ev, 3);
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_str_eq(m.ev[i].action, "read_holding_registers");
		ck_assert_uint_eq(m.ev[i].count, 1);
		ck_assert_uint_eq(m.ev[i].ts_us, TS0 + 100 * i);
		ck_fields(&m.ev[i], "transaction_id=10 unit_id=1 start_address=107 quantity=3 "
				    "response.byte_count=6 matched=true outcome=acknowledged");
	}
	ck_assert_uint_eq(m.rt.proto[0].counters[3], 3);
	ck_assert_uint_eq(m.rt.proto[0].counters[256 + 3], 3);
	fx_done(&m);
	ck_assert_uint_eq(m.n_ev, 3);
}
END_TEST

START_TEST(test_fold_per_unit)
{
	struct dis_fixture m;
	static const uint8_t rd[] = { 0x03, 0x00, 0x00, 0x00, 0x01 };   /* FC3 1 reg at 0 */
	static const uint8_t ans[] = { 0x03, 0x02, 0x00, 0x2a };        /* its answer */
	fx_init(&m, 502);
	for (unsigned i = 0; i < 4; i++) {
		feed_pdu(&m, 0, (uint16_t)i, (uint8_t)(1 + i % 2), rd, sizeof(rd), TS0 + i);
		feed_pdu(&m, 1, (uint16_t)i, (uint8_t)(1 + i % 2), ans, sizeof(ans), TS0 + i);
	}
	ck_assert_uint_eq(m.n_ev, 0);
	dis_flow_end(&m.rt, &m.f, TS0 + 10);
	ck_assert_uint_eq(m.n_ev, 2);
	ck_fields(&m.ev[0], "unit_id=1 function_code=3 responses=2");
	ck_fields(&m.ev[1], "unit_id=2 function_code=3 responses=2");
	ck_assert_uint_eq(m.ev[0].count, 2);
	ck_assert_uint_eq(m.rt.proto[0].anomalies, 0);
	fx_done(&m);
}
END_TEST

/* ---- anomalies ---- */

static unsigned count_action(const struct dis_fixture *m, const char *action)
{
	unsigned n = 0;
	for (unsigned i = 0; i < m->n_ev; i++)
		n += strcmp(m->ev[i].action, action) == 0;
	return n;
}

START_TEST(test_anomalies)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req6, sizeof(req6), TS0);
	feed(&m, 1, resp6, sizeof(resp6), TS0);
	/* FC3 126 registers: one above the limit of 6.3 */
	static const uint8_t q126[] = { 0x03, 0x00, 0x00, 0x00, 0x7e };
	/* FC1 0 coils */
	static const uint8_t q0[] = { 0x01, 0x00, 0x00, 0x00, 0x00 };
	/* FC1 2000 coils: at the limit, fine */
	static const uint8_t q2000[] = { 0x01, 0x00, 0x00, 0x07, 0xd0 };
	/* FC5 value 0x1234: neither ON nor OFF */
	static const uint8_t coil[] = { 0x05, 0x00, 0x01, 0x12, 0x34 };
	/* FC16 2 registers with byte count 3 */
	static const uint8_t bc3[] = { 0x10, 0x00, 0x01, 0x00, 0x02, 0x03, 0x00, 0x0a, 0x01 };
	feed_pdu(&m, 0, 20, 1, q126, sizeof(q126), TS0 + 1);
	ck_assert_uint_eq(count_action(&m, "quantity_out_of_range"), 1);
	feed_pdu(&m, 0, 21, 1, q0, sizeof(q0), TS0 + 2);
	ck_assert_uint_eq(count_action(&m, "quantity_out_of_range"), 2);
	feed_pdu(&m, 0, 22, 1, q2000, sizeof(q2000), TS0 + 3);
	ck_assert_uint_eq(count_action(&m, "quantity_out_of_range"), 2);
	feed_pdu(&m, 0, 23, 1, coil, sizeof(coil), TS0 + 4);
	ck_assert_uint_eq(count_action(&m, "coil_value_invalid"), 1);
	feed_pdu(&m, 0, 24, 1, bc3, sizeof(bc3), TS0 + 5);
	ck_assert_uint_eq(count_action(&m, "byte_count_inconsistent"), 1);
	/* the FC1 2000-coil read answered with 4 bytes instead of 250 */
	static const uint8_t short_ans[] = { 0x01, 0x04, 0x00, 0x00, 0x00, 0x00 };
	feed_pdu(&m, 1, 22, 1, short_ans, sizeof(short_ans), TS0 + 6);
	ck_assert_uint_eq(count_action(&m, "byte_count_inconsistent"), 2);
	/* a folded read answer without its request */
	feed_pdu(&m, 1, 77, 1, short_ans, sizeof(short_ans), TS0 + 7);
	ck_assert_uint_eq(count_action(&m, "response_without_request"), 1);
	ck_assert_uint_eq(m.rt.proto[0].anomalies, 6);
	fx_done(&m);
}
END_TEST

/* 12 exceptions within one second: one exception_burst; 12 more a second
 * later: another. */
START_TEST(test_exception_burst)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	static const uint8_t rd[] = { 0x03, 0x99, 0x99, 0x00, 0x01 }; /* FC3, bad address */
	static const uint8_t exc[] = { 0x83, 0x02 };                  /* illegal data address */
	for (unsigned i = 0; i < 24; i++) {
		uint64_t t = TS0 + (i < 12 ? 0 : 2000000ull) + 50000ull * (i % 12);
		feed_pdu(&m, 0, (uint16_t)i, 1, rd, sizeof(rd), t);
		feed_pdu(&m, 1, (uint16_t)i, 1, exc, sizeof(exc), t + 10);
		if (i == 8)
			ck_assert_uint_eq(count_action(&m, "exception_burst"), 0);
		if (i == 9)
			ck_assert_uint_eq(count_action(&m, "exception_burst"), 1);
	}
	ck_assert_uint_eq(count_action(&m, "exception_burst"), 2);
	/* exceptions are events even for folded reads */
	ck_assert_uint_eq(count_action(&m, "read_holding_registers"), 24);
	fx_done(&m);
}
END_TEST

/* ---- framing: the same events however the bytes are cut ---- */

/* The reference conversation: three requests from the initiator, then their
 * responses, ending with the flow. */
static const uint8_t *const conv_req[] = { req6, req3, req16 };
static const size_t conv_req_len[] = { sizeof(req6), sizeof(req3), sizeof(req16) };
static const uint8_t *const conv_resp[] = { resp6, resp3, resp16 };
static const size_t conv_resp_len[] = { sizeof(resp6), sizeof(resp3), sizeof(resp16) };
#define CONV_N 3
#define CONV_MAX 128

/* Concatenates one direction of the conversation. */
static size_t conv_stream(int dir, uint8_t *out)
{
	size_t n = 0;
	for (unsigned i = 0; i < CONV_N; i++) {
		const uint8_t *a = dir ? conv_resp[i] : conv_req[i];
		size_t l = dir ? conv_resp_len[i] : conv_req_len[i];
		ck_assert_uint_le(l, CONV_MAX - n);
		memcpy(out + n, a, l);
		n += l;
	}
	return n;
}

/* Whole-ADU feed: the expected summary. */
static void conv_whole(char *out, size_t cap)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	for (unsigned i = 0; i < CONV_N; i++)
		feed(&m, 0, conv_req[i], conv_req_len[i], TS0);
	for (unsigned i = 0; i < CONV_N; i++)
		feed(&m, 1, conv_resp[i], conv_resp_len[i], TS0);
	dis_flow_end(&m.rt, &m.f, TS0);
	ck_assert_uint_eq(m.n_ev, 3); /* FC6 and FC16 transactions + FC3 folded */
	summarize(&m, out, cap);
	fx_done(&m);
}

/* Feeds a direction's stream in chunks of the given sizes (0-terminated;
 * the last size repeats until the stream is used up). */
static void feed_chunks(struct dis_fixture *m, int dir, const uint8_t *s, size_t len, const size_t *sizes)
{
	size_t off = 0;
	unsigned k = 0;
	while (off < len) {
		size_t c = sizes[k];
		if (sizes[k + 1])
			k++;
		if (c > len - off)
			c = len - off;
		feed(m, dir, s + off, c, TS0);
		off += c;
	}
}

static void conv_chunked_port(uint16_t port, const size_t *sz0, const size_t *sz1, char *out,
			      size_t cap)
{
	struct dis_fixture m;
	uint8_t s0[CONV_MAX], s1[CONV_MAX];
	size_t l0 = conv_stream(0, s0), l1 = conv_stream(1, s1);
	fx_init(&m, 502);
	flow_reset(&m, port);
	feed_chunks(&m, 0, s0, l0, sz0);
	feed_chunks(&m, 1, s1, l1, sz1);
	dis_flow_end(&m.rt, &m.f, TS0);
	summarize(&m, out, cap);
	fx_done(&m);
}

static void conv_chunked(const size_t *sz0, const size_t *sz1, char *out, size_t cap)
{
	conv_chunked_port(502, sz0, sz1, out, cap);
}

#define SUM_BYTES 4096

START_TEST(test_two_adus_per_chunk)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(want, sizeof(want));
	/* requests: FC6+FC3 in one chunk, then FC16; responses: FC6, then FC3+FC16 */
	const size_t sz0[] = { sizeof(req6) + sizeof(req3), sizeof(req16), 0 };
	const size_t sz1[] = { sizeof(resp6), sizeof(resp3) + sizeof(resp16), 0 };
	conv_chunked(sz0, sz1, got, sizeof(got));
	ck_assert_str_eq(got, want);
	/* everything of a direction in one chunk */
	const size_t all[] = { CONV_MAX, 0 };
	conv_chunked(all, all, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

/* Byte-at-a-time once the dissector is attached: the first ADU whole (the
 * probe sees a full MBAP header), every later byte on its own. */
START_TEST(test_byte_at_a_time_after_attach)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(want, sizeof(want));
	const size_t sz0[] = { sizeof(req6), 1, 0 };
	const size_t sz1[] = { 1, 0 };
	conv_chunked(sz0, sz1, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

/* Byte-at-a-time from the first byte of the flow: STYLE 10 (3) says this must
 * give the same events as the whole-ADU feed. */
START_TEST(test_byte_at_a_time_from_start)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(want, sizeof(want));
	const size_t one[] = { 1, 0 };
	conv_chunked(one, one, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

/* The same on a non-standard port, where the protocol is found by its
 * probe alone (dis.h: "so an OT protocol on a non-standard port is still
 * found"): the bytes offered while the probe answers "need more" must not
 * be lost either. */
START_TEST(test_byte_at_a_time_from_start_other_port)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(want, sizeof(want));
	const size_t one[] = { 1, 0 };
	conv_chunked_port(5020, one, one, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

/* Random chunk sizes 1..20 (fixed seeds), the first chunk at least a full
 * MBAP header + function code so the probe can judge it. */
START_TEST(test_random_chunks_after_attach)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	uint64_t s = 0x2545f4914f6cdd1dull + (uint64_t)_i;
	size_t sz0[40], sz1[40];
	conv_whole(want, sizeof(want));
	for (unsigned k = 0; k < 39; k++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		sz0[k] = 1 + (size_t)(s >> 33) % 20;
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		sz1[k] = 1 + (size_t)(s >> 33) % 20;
	}
	if (sz0[0] < 8)
		sz0[0] = 8;
	sz0[39] = sz1[39] = 0;
	conv_chunked(sz0, sz1, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

/* An ADU split across two chunks at every point, after the dissector is
 * attached (loop index = split point in the FC16 request). */
START_TEST(test_adu_split_two_chunks)
{
	struct dis_fixture m;
	size_t k = (size_t)_i;
	fx_init(&m, 502);
	feed(&m, 0, req6, sizeof(req6), TS0);
	feed(&m, 0, req16, k, TS0 + 1);
	feed(&m, 0, req16 + k, sizeof(req16) - k, TS0 + 2);
	ck_assert_uint_eq(m.n_ev, 0);
	ck_assert_uint_eq(m.rt.proto[0].pdus, 2);
	dis_flow_end(&m.rt, &m.f, TS0 + 3); /* both unanswered, in request order */
	ck_assert_uint_eq(m.n_ev, 2);
	const struct dis_event *ev = &m.ev[1];
	ck_ev_str(ev, "outcome", "unanswered");
	ck_assert_int_eq(ev_b(ev, "matched"), 0);
	ck_assert_str_eq(ev->action, "write_multiple_registers");
	ck_assert_uint_eq(ev->fclass, DIS_FC_WRITE);
	ck_assert_uint_eq(ev->ts_us, TS0 + 2); /* the chunk that completed it */
	ck_assert_uint_eq(ev_u(ev, "transaction_id"), 4);
	ck_assert_uint_eq(ev_u(ev, "function_code"), 16);
	ck_assert_uint_eq(ev_u(ev, "pdu_length"), 10);
	ck_assert_uint_eq(m.rt.proto[0].malformed, 0);
	fx_done(&m);
}
END_TEST

/* The first ADU of the flow split after its full MBAP header + function
 * code: the probe accepts, the rest is buffered. */
START_TEST(test_first_adu_split_after_header)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req16, 9, TS0);
	ck_assert_ptr_nonnull(m.f.dis);
	ck_assert_uint_eq(m.n_ev, 0);
	feed(&m, 0, req16 + 9, sizeof(req16) - 9, TS0 + 1);
	ck_assert_uint_eq(m.n_ev, 0);
	feed(&m, 1, resp16, sizeof(resp16), TS0 + 2);
	ck_assert_uint_eq(m.n_ev, 1);
	ck_assert_str_eq(m.ev[0].action, "write_multiple_registers");
	ck_assert_uint_eq(ev_u(&m.ev[0], "transaction_id"), 4);
	fx_done(&m);
}
END_TEST

/* The first ADU of the flow split inside the MBAP header (a client that
 * writes the 7-byte header and the PDU with two send() calls). The probe
 * answers "need more" for the first chunk; those bytes must not be lost. */
START_TEST(test_first_adu_split_in_mbap)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req16, 7, TS0);
	feed(&m, 0, req16 + 7, sizeof(req16) - 7, TS0 + 1);
	feed(&m, 1, resp16, sizeof(resp16), TS0 + 2);
	ck_assert_uint_eq(m.n_ev, 1);
	ck_assert_str_eq(m.ev[0].action, "write_multiple_registers");
	ck_assert_uint_eq(m.ev[0].dir, 0);
	ck_assert_uint_eq(ev_u(&m.ev[0], "transaction_id"), 4);
	fx_done(&m);
}
END_TEST

/* The same split on a non-standard port. */
START_TEST(test_first_adu_split_in_mbap_other_port)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	flow_reset(&m, 5020);
	feed(&m, 0, req16, 7, TS0);
	feed(&m, 0, req16 + 7, sizeof(req16) - 7, TS0 + 1);
	feed(&m, 1, resp16, sizeof(resp16), TS0 + 2);
	ck_assert_uint_eq(m.n_ev, 1);
	ck_assert_str_eq(m.ev[0].action, "write_multiple_registers");
	ck_assert_uint_eq(m.ev[0].dir, 0);
	ck_assert_uint_eq(ev_u(&m.ev[0], "transaction_id"), 4);
	fx_done(&m);
}
END_TEST

/* ---- malformed input ---- */

/* Before confirmation a malformed MBAP means "not Modbus": detach. */
START_TEST(test_malformed_before_confirmation)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req6, sizeof(req6), TS0);
	ck_assert_ptr_nonnull(m.f.dis);
	ck_assert_uint_eq(m.n_ev, 0);
	feed(&m, 0, bad_pid, sizeof(bad_pid), TS0 + 1);
	ck_assert_ptr_null(m.f.dis);
	ck_assert_uint_eq(m.f.dis_proto, 0);
	ck_assert_uint_eq(m.f.dis_gave_up, 1);
	ck_assert_uint_eq(m.rt.proto[0].rejected, 1);
	ck_assert_uint_eq(m.rt.proto[0].malformed, 1);
	ck_assert_uint_eq(m.rt.proto[0].confirmed, 0);
	ck_assert_uint_eq(m.rt.st.buf_bytes, 0);
	/* the anomaly only: the pending request goes with the state, unreported */
	unsigned n = m.n_ev;
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(m.ev[0].action, "mbap_bad_protocol_id");
	/* nothing more is parsed on this flow */
	feed(&m, 1, resp6, sizeof(resp6), TS0 + 2);
	feed(&m, 0, req6b, sizeof(req6b), TS0 + 3);
	ck_assert_ptr_null(m.f.dis);
	ck_assert_uint_eq(m.n_ev, n);
	fx_done(&m);
}
END_TEST

/* After confirmation a malformed MBAP is counted and parsing goes on. */
START_TEST(test_malformed_after_confirmation)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req6, sizeof(req6), TS0);
	feed(&m, 1, resp6, sizeof(resp6), TS0 + 1);
	ck_assert_uint_eq(m.f.dis_confirmed, 1);
	feed(&m, 0, bad_pid, sizeof(bad_pid), TS0 + 2);
	ck_assert_ptr_nonnull(m.f.dis);
	ck_assert_uint_eq(m.rt.proto[0].malformed, 1);
	ck_assert_uint_eq(m.rt.proto[0].rejected, 0);
	ck_assert_uint_eq(m.rt.proto[0].anomalies, 1);
	ck_assert_uint_eq(m.n_ev, 2);
	ck_assert_str_eq(m.ev[1].action, "mbap_bad_protocol_id");
	ck_assert_uint_eq(m.ev[1].flags & DIS_EV_ANOMALY, DIS_EV_ANOMALY);
	ck_assert_uint_eq(m.ev[1].dir, 0);
	feed(&m, 0, req6b, sizeof(req6b), TS0 + 3);
	dis_flow_end(&m.rt, &m.f, TS0 + 4);
	ck_assert_uint_eq(m.n_ev, 3);
	ck_assert_str_eq(m.ev[2].action, "write_single_register");
	ck_assert_uint_eq(ev_u(&m.ev[2], "transaction_id"), 2);
	ck_assert_uint_eq(m.rt.proto[0].pdus, 3);
	fx_done(&m);
}
END_TEST

/* Not Modbus at all, on port 502, with a first chunk too short for the
 * probe to judge (the framework attaches provisionally on the protocol's own
 * port). Once the bytes show it is not Modbus the dissector is detached as
 * "not this protocol"; a flow that never carried a Modbus PDU must not
 * produce Modbus events (not even an anomaly). */
START_TEST(test_not_modbus_short_first_chunk)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, http_get, 2, TS0);
	feed(&m, 0, http_get + 2, sizeof(http_get) - 2, TS0 + 1);
	ck_assert(not_modbus(&m.f));
	ck_assert_uint_eq(m.rt.proto[0].pdus, 0);
	ck_assert_uint_eq(m.rt.st.buf_bytes, 0);
	ck_assert_msg(m.n_ev == 0, "%u event(s) on a non-Modbus flow, first: %s", m.n_ev,
		      m.n_ev ? m.ev[0].action : "");
	fx_done(&m);
}
END_TEST

/* Length fields that lie: under the minimum, past the spec maximum, and at
 * the maximum (254: unit id + 253-byte PDU). */
START_TEST(test_length_fields)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req6, sizeof(req6), TS0);
	feed(&m, 1, resp6, sizeof(resp6), TS0);
	feed(&m, 0, bad_len255, sizeof(bad_len255), TS0);
	feed(&m, 0, bad_len1, sizeof(bad_len1), TS0);
	feed(&m, 0, bad_len0, sizeof(bad_len0), TS0);
	ck_assert_uint_eq(m.rt.proto[0].malformed, 3);
	ck_assert_uint_eq(m.n_ev, 4);
	ck_assert_str_eq(m.ev[1].action, "mbap_bad_length");
	ck_assert_str_eq(m.ev[2].action, "mbap_bad_length");
	ck_assert_str_eq(m.ev[3].action, "mbap_bad_length");

	/* A user-defined function at the spec maximum: length 254 = unit + fc
	 * + 252 opaque bytes (no public function fills exactly 253 PDU bytes
	 * consistently: FC16 tops out at 123 registers, 252 bytes). */
	uint8_t *max = calloc(1, 6 + 254);
	ck_assert_ptr_nonnull(max);
	static const uint8_t max_hdr[] = { /* tid 7, length 254, unit 0x11, FC100 */
					   0x00, 0x07, 0x00, 0x00, 0x00, 0xfe, 0x11, 0x64 };
	/* its response: tid 7, FC100, one data byte */
	static const uint8_t max_resp[] = { 0x00, 0x07, 0x00, 0x00, 0x00, 0x03, 0x11, 0x64, 0x00 };
	memcpy(max, max_hdr, sizeof(max_hdr));
	feed(&m, 0, max, 6 + 254, TS0 + 5);
	feed(&m, 1, max_resp, sizeof(max_resp), TS0 + 5);
	ck_assert_uint_eq(m.n_ev, 5);
	ck_assert_str_eq(m.ev[4].action, "user_defined");
	ck_assert_uint_eq(m.ev[4].fclass, DIS_FC_OTHER);
	ck_assert_uint_eq(ev_u(&m.ev[4], "pdu_length"), 253);
	ck_assert_int_eq(ev_b(&m.ev[4], "request_truncated"), 1); /* only the head is kept */
	/* the same cut in two, across the leftover buffer */
	feed(&m, 0, max, 100, TS0 + 6);
	feed(&m, 0, max + 100, 6 + 254 - 100, TS0 + 7);
	feed(&m, 1, max_resp, sizeof(max_resp), TS0 + 8);
	ck_assert_uint_eq(m.n_ev, 6);
	ck_assert_uint_eq(ev_u(&m.ev[5], "pdu_length"), 253);
	ck_assert_uint_eq(m.rt.proto[0].anomalies, 3);
	free(max);

	/* a length longer than the data that follows: waits, never emits */
	static const uint8_t long_len[] = { /* tid 8, length 32, FC6, only 5 PDU bytes */
					    0x00, 0x08, 0x00, 0x00, 0x00, 0x20, 0x11, 0x06,
					    0x00, 0x01, 0x00, 0x03 };
	feed(&m, 0, long_len, sizeof(long_len), TS0 + 8);
	ck_assert_uint_eq(m.n_ev, 6);
	ck_assert_uint_eq(m.rt.proto[0].malformed, 3);
	dis_flow_end(&m.rt, &m.f, TS0 + 9);
	ck_assert_uint_eq(m.n_ev, 6);
	fx_done(&m);
}
END_TEST

/* A gap inside an ADU: the partial ADU is dropped, the gap counted, and the
 * next whole ADU parses. */
START_TEST(test_gap_mid_adu)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req6, sizeof(req6), TS0);
	feed(&m, 0, req6b, 5, TS0 + 1); /* first 5 bytes of the tid-2 request */
	ck_assert_uint_eq(m.n_ev, 0);
	dis_stream_gap(&m.rt, &m.f, 0, sizeof(req6b) - 5, TS0 + 2);
	ck_assert_uint_eq(m.rt.proto[0].gaps, 1);
	ck_assert_uint_eq(m.rt.proto[0].anomalies, 1);
	ck_assert_uint_eq(m.n_ev, 1);
	ck_assert_str_eq(m.ev[0].action, "stream_gap");
	ck_assert_uint_eq(m.ev[0].flags & DIS_EV_ANOMALY, DIS_EV_ANOMALY);
	feed(&m, 0, req16, sizeof(req16), TS0 + 3);
	ck_assert_uint_eq(m.rt.proto[0].pdus, 2);
	ck_assert_uint_eq(m.rt.proto[0].malformed, 0);
	ck_assert_ptr_nonnull(m.f.dis);
	/* a gap after a whole MBAP header was buffered */
	feed(&m, 0, req16, 10, TS0 + 4);
	dis_stream_gap(&m.rt, &m.f, 0, 7, TS0 + 5);
	feed(&m, 0, req6b, sizeof(req6b), TS0 + 6);
	ck_assert_uint_eq(m.rt.proto[0].gaps, 2);
	ck_assert_uint_eq(m.n_ev, 2);
	ck_assert_str_eq(m.ev[1].action, "stream_gap");
	/* the other direction was not disturbed: tid 1 is answered */
	feed(&m, 1, resp6, sizeof(resp6), TS0 + 7);
	ck_assert_uint_eq(m.n_ev, 3);
	ck_assert_str_eq(m.ev[2].action, "write_single_register");
	ck_assert_uint_eq(ev_u(&m.ev[2], "transaction_id"), 1);
	ck_ev_str(&m.ev[2], "outcome", "acknowledged");
	/* at flow end, tid 4 then tid 2 were never answered */
	dis_flow_end(&m.rt, &m.f, TS0 + 8);
	ck_assert_uint_eq(m.n_ev, 5);
	ck_assert_str_eq(m.ev[3].action, "write_multiple_registers");
	ck_assert_uint_eq(ev_u(&m.ev[3], "transaction_id"), 4);
	ck_ev_str(&m.ev[3], "outcome", "unanswered");
	ck_assert_str_eq(m.ev[4].action, "write_single_register");
	ck_assert_uint_eq(ev_u(&m.ev[4], "transaction_id"), 2);
	ck_ev_str(&m.ev[4], "outcome", "unanswered");
	fx_done(&m);
}
END_TEST

/* Anomaly events are capped per flow; the counter keeps counting. */
START_TEST(test_anomaly_event_cap)
{
	struct dis_fixture m;
	fx_init(&m, 502);
	feed(&m, 0, req6, sizeof(req6), TS0);
	feed(&m, 1, resp6, sizeof(resp6), TS0);
	for (int i = 0; i < DIS_ANOMALY_EVENTS_PER_FLOW + 4; i++)
		dis_stream_gap(&m.rt, &m.f, i & 1, 3, TS0);
	ck_assert_uint_eq(m.rt.proto[0].anomalies, DIS_ANOMALY_EVENTS_PER_FLOW + 4);
	ck_assert_uint_eq(m.rt.proto[0].gaps, DIS_ANOMALY_EVENTS_PER_FLOW + 4);
	ck_assert_uint_eq(m.n_ev, 1 + DIS_ANOMALY_EVENTS_PER_FLOW);
	fx_done(&m);
}
END_TEST

/* ---- truncation loops ---- */

/* Every proper prefix of a valid request, fed alone on a fresh flow from an
 * exact-size copy: never an event (not even at flow end), never a crash. */
START_TEST(test_truncation_loop_request)
{
	struct dis_fixture m;
	size_t k = (size_t)_i;
	fx_init(&m, 502);
	feed(&m, 0, req16, k, TS0);
	ck_assert_uint_eq(m.n_ev, 0);
	ck_assert_uint_eq(m.rt.proto[0].pdus, 0);
	dis_flow_end(&m.rt, &m.f, TS0 + 1);
	ck_assert_uint_eq(m.n_ev, 0);
	fx_done(&m);
}
END_TEST

/* The same for a folded read response sent by the responder. */
START_TEST(test_truncation_loop_response)
{
	struct dis_fixture m;
	size_t k = (size_t)_i;
	fx_init(&m, 502);
	feed(&m, 1, resp3, k, TS0);
	ck_assert_uint_eq(m.n_ev, 0);
	ck_assert_uint_eq(m.rt.proto[0].pdus, 0);
	dis_flow_end(&m.rt, &m.f, TS0 + 1);
	ck_assert_uint_eq(m.n_ev, 0);
	fx_done(&m);
}
END_TEST

/* And on an attached, confirmed flow: a prefix alone waits for more. */
START_TEST(test_truncation_loop_attached)
{
	struct dis_fixture m;
	size_t k = (size_t)_i;
	fx_init(&m, 502);
	feed(&m, 0, req6, sizeof(req6), TS0);
	feed(&m, 1, resp6, sizeof(resp6), TS0);
	feed(&m, 0, resp6x, k, TS0); /* an exception ADU cut short, from the client */
	ck_assert_uint_eq(m.n_ev, 1);
	ck_assert_uint_eq(m.rt.proto[0].malformed, 0);
	dis_flow_end(&m.rt, &m.f, TS0 + 1);
	ck_assert_uint_eq(m.n_ev, 1);
	fx_done(&m);
}
END_TEST

static Suite *mbtcp_suite(void)
{
	Suite *s = suite_create("mbtcp");
	TCase *tp = tcase_create("probe");
	tcase_add_test(tp, test_probe_yes);
	tcase_add_test(tp, test_probe_no);
	tcase_add_test(tp, test_probe_more);
	tcase_add_test(tp, test_registry_and_counter_names);
	suite_add_tcase(s, tp);

	TCase *tc = tcase_create("pdus");
	tcase_add_test(tc, test_write_single_register);
	tcase_add_test(tc, test_exception_response);
	tcase_add_test(tc, test_fc3_reads_folded);
	tcase_add_test(tc, test_non_standard_port);
	tcase_add_test(tc, test_not_modbus_gives_up);
	suite_add_tcase(s, tc);

	TCase *tg = tcase_create("functions");
	int ngold = (int)(sizeof(goldens) / sizeof(goldens[0]));
	tcase_add_loop_test(tg, test_golden, 0, ngold);
	tcase_add_loop_test(tg, test_golden_response_without_request, 0, ngold);
	tcase_add_test(tg, test_pending_eviction);
	tcase_add_test(tg, test_pending_eviction_folded);
	tcase_add_test(tg, test_pending_timeout_and_reuse);
	tcase_add_test(tg, test_no_aggregate);
	tcase_add_test(tg, test_fold_per_unit);
	tcase_add_test(tg, test_anomalies);
	tcase_add_test(tg, test_exception_burst);
	suite_add_tcase(s, tg);

	TCase *tf = tcase_create("framing");
	tcase_add_test(tf, test_two_adus_per_chunk);
	tcase_add_test(tf, test_byte_at_a_time_after_attach);
	tcase_add_test(tf, test_byte_at_a_time_from_start);
	tcase_add_test(tf, test_byte_at_a_time_from_start_other_port);
	tcase_add_loop_test(tf, test_random_chunks_after_attach, 0, 16);
	tcase_add_loop_test(tf, test_adu_split_two_chunks, 1, (int)sizeof(req16));
	tcase_add_test(tf, test_first_adu_split_after_header);
	tcase_add_test(tf, test_first_adu_split_in_mbap);
	tcase_add_test(tf, test_first_adu_split_in_mbap_other_port);
	suite_add_tcase(s, tf);

	TCase *tm = tcase_create("malformed");
	tcase_add_test(tm, test_malformed_before_confirmation);
	tcase_add_test(tm, test_malformed_after_confirmation);
	tcase_add_test(tm, test_not_modbus_short_first_chunk);
	tcase_add_test(tm, test_length_fields);
	tcase_add_test(tm, test_gap_mid_adu);
	tcase_add_test(tm, test_anomaly_event_cap);
	tcase_add_loop_test(tm, test_truncation_loop_request, 1, (int)sizeof(req16));
	tcase_add_loop_test(tm, test_truncation_loop_response, 1, (int)sizeof(resp3));
	tcase_add_loop_test(tm, test_truncation_loop_attached, 1, (int)sizeof(resp6x));
	suite_add_tcase(s, tm);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mbtcp_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
