/* check_rule_run.c - unit tests for the policy at run time (rules/rule_run.c):
 * remote-access session records with attribution and activity, repeat
 * summaries, scans. Flows are struct flow values built by hand (IPv4 in the
 * flow's ::ffff:a.b.c.d form, initiator = key endpoint 0); nDPI results are
 * set in the flow as the classifier would leave them; events are built with
 * the dissectors' field names.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <ndpi_api.h>

#include "capture/flow.h"
#include "dissectors/dis.h"
#include "dissectors/dis_ndpi.h"
#include "rules/rule_model.h"
#include "rules/rule_run.h"

#define SEC 1000000ull
#define T0 (1795219200ull * SEC) /* 2026-11-21 */

#define MAX_SEEN 64

struct seen {
	unsigned n;
	struct {
		enum rule_kind kind;
		uint8_t phase;
		uint32_t count;
		char message[384];
		char summary[320];
		unsigned nactivity;
		char user[64];
	} a[MAX_SEEN];
};

static struct seen seen;
static struct rule_errors err;

static void on_alert(void *user, const struct rule_alert *a)
{
	(void)user;
	if (seen.n >= MAX_SEEN)
		return;
	seen.a[seen.n].kind = a->kind;
	seen.a[seen.n].phase = a->phase;
	seen.a[seen.n].count = a->count;
	snprintf(seen.a[seen.n].message, sizeof(seen.a[0].message), "%s", a->message);
	if (a->session) {
		snprintf(seen.a[seen.n].summary, sizeof(seen.a[0].summary), "%s", a->session->summary);
		seen.a[seen.n].nactivity = a->session->nactivity;
		snprintf(seen.a[seen.n].user, sizeof(seen.a[0].user), "%s", a->session->user);
	}
	seen.n++;
}

static const char policy[] =
	"zones:\n"
	"  control: { networks: [10.10.1.0/24] }\n"
	"  engineering: { networks: [10.10.3.0/24] }\n"
	"  dmz: { networks: [10.10.4.0/24] }\n"
	"assets:\n"
	"  plc-2: { ip: 10.10.1.6 }\n"
	"  eng-ws: { ip: 10.10.3.10 }\n"
	"  jump-1: { ip: 10.10.4.5 }\n"
	"conduits:\n"
	"  eng-plc: { from: engineering, to: control, allow: [ { protocol: modbus, port: 502 } ] }\n"
	"  jump-eng: { from: dmz, to: engineering, allow: [ { protocol: ssh, port: 22 } ] }\n"
	"remote_access:\n"
	"  approved:\n"
	"    - { name: vendor, from: external, to: dmz, via: jump-1, protocol: ssh }\n"
	"    - { name: jump-eng, from: dmz, to: engineering, protocol: ssh }\n"
	"scans: { ports: 10 }\n";

static struct dis_ndpi *nd;
static struct rule_run *rr;

static void setup(void)
{
	memset(&seen, 0, sizeof(seen));
	char eb[256];
	nd = dis_ndpi_new(1, 0, eb, sizeof(eb));
	ck_assert_ptr_nonnull(nd);
	struct rule_policy *p = rule_policy_load_mem("t.yaml", policy, strlen(policy), NULL, NULL,
						     &err);
	for (unsigned i = 0; i < err.n; i++)
		fprintf(stderr, "%s\n", err.msg[i]);
	ck_assert_ptr_nonnull(p);
	rr = rule_run_new(p, nd, on_alert, NULL);
	ck_assert_ptr_nonnull(rr);
}

static void teardown(void)
{
	rule_run_free(rr);
	dis_ndpi_free(nd);
}

static uint64_t next_id = 1;

static void mkflow(struct flow *f, const char *cli, uint16_t cport, const char *srv, uint16_t sport,
		   uint64_t t)
{
	memset(f, 0, sizeof(*f));
	for (int d = 0; d < 2; d++) {
		f->key.addr[d][10] = f->key.addr[d][11] = 0xff;
		ck_assert_int_eq(inet_pton(AF_INET, d ? srv : cli, &f->key.addr[d][12]), 1);
	}
	f->key.port[0] = cport;
	f->key.port[1] = sport;
	f->key.ip_ver = 4;
	f->key.l4_proto = 6;
	f->init_is_lo = 1;
	f->in_use = 1;
	f->id = next_id++;
	f->first_us = f->last_us = t;
	f->pkts[0] = f->pkts[1] = 10;
	f->bytes[0] = 1000;
	f->bytes[1] = 2000;
	f->payload_bytes[0] = 500;
	f->payload_bytes[1] = 800;
	f->ndpi.slot = FLOW_NONE;
	f->ndpi.done = 1;
}

static void ssh_flow(struct flow *f, const char *cli, const char *srv, uint64_t t)
{
	mkflow(f, cli, 50000, srv, 22, t);
	f->ndpi.master = NDPI_PROTOCOL_SSH;
	f->ndpi.app = NDPI_PROTOCOL_SSH;
	f->ndpi.category = NDPI_PROTOCOL_CATEGORY_REMOTE_ACCESS;
}

static void modbus_flow(struct flow *f, const char *cli, const char *srv, uint64_t t)
{
	mkflow(f, cli, 40000, srv, 502, t);
	f->dis_proto = (uint8_t)(dis_proto_index(dis_proto_by_name("modbus")) + 1);
	f->dis_confirmed = 1;
}

static struct dis_event ev;

static void write_event(const struct flow *f, uint64_t t)
{
	memset(&ev, 0, sizeof(ev));
	ev.proto = dis_proto_by_name("modbus");
	ev.flow = f;
	ev.action = "write_single_register";
	ev.fclass = DIS_FC_WRITE;
	ev.count = 1;
	ev.ts_us = t;
	dis_ev_uint(&ev, "unit_id", 1);
	dis_ev_uint(&ev, "address", 10);
	dis_ev_cstr(&ev, "outcome", "acknowledged");
}

static int find(enum rule_kind k, uint8_t phase)
{
	for (unsigned i = 0; i < seen.n; i++)
		if (seen.a[i].kind == k && seen.a[i].phase == phase)
			return (int)i;
	return -1;
}

START_TEST(session_record_with_activity)
{
	struct flow vend, jump, mb;
	/* vendor -> jump host (approved), jump host -> eng-ws (approved),
	 * eng-ws writes to plc-2 while both sessions are open */
	ssh_flow(&vend, "198.51.100.23", "10.10.4.5", T0);
	rule_run_flow(rr, &vend);
	ssh_flow(&jump, "10.10.4.5", "10.10.3.10", T0 + 5 * SEC);
	rule_run_flow(rr, &jump);
	ck_assert_uint_eq(seen.n, 0); /* both approved: no alert */
	modbus_flow(&mb, "10.10.3.10", "10.10.1.6", T0 + 10 * SEC);
	rule_run_flow(rr, &mb);
	for (int i = 0; i < 3; i++) {
		write_event(&mb, T0 + (11 + (uint64_t)i) * SEC);
		rule_run_event(rr, &ev);
	}
	ck_assert_uint_eq(seen.n, 0); /* the conduit allows Modbus writes */
	/* an attribution event on the jump session (the ssh dissector's fields) */
	memset(&ev, 0, sizeof(ev));
	static struct dis_proto ssh = { .name = "ssh", .label = "SSH" };
	ev.proto = &ssh;
	ev.flow = &jump;
	ev.action = "ssh_session";
	ev.fclass = DIS_FC_SESSION;
	ev.count = 1;
	dis_ev_cstr(&ev, "client.software", "OpenSSH_9.2p1");
	dis_ev_cstr(&ev, "server.software", "OpenSSH_9.2p1");
	rule_run_event(rr, &ev);
	jump.last_us = T0 + 20 * SEC;
	rule_run_flow_end(rr, &jump);
	int i = find(RULE_REMOTE_SESSION, RULE_ALERT_END);
	ck_assert_int_ge(i, 0);
	ck_assert_uint_eq(seen.a[i].nactivity, 1);
	ck_assert_str_eq(seen.a[i].summary,
			 "jump-1 SSH to eng-ws, then 3 write_single_register to plc-2");
	/* the vendor's session: eng-ws is not the host it reached, so no
	 * activity of its own */
	vend.last_us = T0 + 30 * SEC;
	rule_run_flow_end(rr, &vend);
	ck_assert_uint_eq(seen.n, 2);
	ck_assert_str_eq(seen.a[1].summary, "vendor 198.51.100.23 SSH to jump-1");
	const struct rule_run_stats *st = rule_run_stats(rr);
	ck_assert_uint_eq(st->sessions, 2);
	ck_assert_uint_eq(st->sessions_ended, 2);
}
END_TEST

START_TEST(unapproved_session_alert_and_end)
{
	struct flow f, mb;
	/* the vendor straight to eng-ws: not via the jump host */
	ssh_flow(&f, "198.51.100.23", "10.10.3.10", T0);
	rule_run_flow(rr, &f);
	ck_assert_int_ge(find(RULE_REMOTE_ACCESS, RULE_ALERT_FIRST), 0);
	/* the vendor's own address writes to the PLC: from no zone */
	modbus_flow(&mb, "198.51.100.23", "10.10.1.6", T0 + SEC);
	rule_run_flow(rr, &mb);
	write_event(&mb, T0 + 2 * SEC);
	rule_run_event(rr, &ev);
	ck_assert_int_ge(find(RULE_UNAPPROVED_OPERATION, RULE_ALERT_FIRST), 0);
	f.last_us = T0 + 9 * SEC;
	rule_run_flow_end(rr, &f);
	int i = find(RULE_REMOTE_ACCESS, RULE_ALERT_END);
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(seen.a[i].summary,
			 "vendor 198.51.100.23 SSH to eng-ws, then 1 write_single_register to plc-2");
	ck_assert_ptr_nonnull(strstr(seen.a[i].message, "Remote session ended after 9.0 s"));
}
END_TEST

START_TEST(repeats_are_summarised)
{
	struct flow mb;
	modbus_flow(&mb, "10.10.1.6", "10.10.3.10", T0); /* control -> engineering: no conduit */
	rule_run_flow(rr, &mb);
	ck_assert_int_ge(find(RULE_NO_CONDUIT, RULE_ALERT_FIRST), 0);
	for (int k = 0; k < 5; k++) {
		struct flow again;
		modbus_flow(&again, "10.10.1.6", "10.10.3.10", T0 + (uint64_t)k * SEC);
		rule_run_flow(rr, &again);
	}
	unsigned before = seen.n;
	rule_run_finish(rr, T0 + 100 * SEC);
	ck_assert_uint_eq(seen.n, before + 1);
	ck_assert_int_eq(seen.a[before].phase, RULE_ALERT_REPEAT);
	ck_assert_uint_eq(seen.a[before].count, 5);
	ck_assert_ptr_nonnull(strstr(seen.a[before].message, "5 more: "));
}
END_TEST

START_TEST(port_scan_once_per_interval)
{
	for (uint16_t port = 1; port <= 30; port++) {
		struct flow f;
		mkflow(&f, "10.10.3.77", 40000, "10.10.1.6", port, T0 + port * 1000);
		f.pkts[1] = 0; /* unanswered */
		f.payload_bytes[0] = f.payload_bytes[1] = 0;
		rule_run_flow(rr, &f);
		rule_run_flow_end(rr, &f);
	}
	unsigned scans = 0;
	for (unsigned i = 0; i < seen.n; i++)
		if (seen.a[i].kind == RULE_SCAN) {
			scans++;
			ck_assert_uint_eq(seen.a[i].count, 10);
		}
	ck_assert_uint_eq(scans, 1);
	/* a new interval: the same scan is reported again */
	for (uint16_t port = 100; port <= 115; port++) {
		struct flow f;
		mkflow(&f, "10.10.3.77", 40000, "10.10.1.6", port, T0 + 120 * SEC + port);
		f.pkts[1] = 0;
		f.payload_bytes[0] = f.payload_bytes[1] = 0;
		rule_run_flow_end(rr, &f);
	}
	scans = 0;
	for (unsigned i = 0; i < seen.n; i++)
		scans += seen.a[i].kind == RULE_SCAN;
	ck_assert_uint_eq(scans, 2);
}
END_TEST

START_TEST(answered_flows_are_no_scan)
{
	for (uint16_t port = 1; port <= 30; port++) {
		struct flow f;
		modbus_flow(&f, "10.10.3.10", "10.10.1.6", T0 + port);
		f.key.port[1] = port;
		rule_run_flow_end(rr, &f);
	}
	ck_assert_int_lt(find(RULE_SCAN, RULE_ALERT_FIRST), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("rule_run");
	TCase *t = tcase_create("run");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, session_record_with_activity);
	tcase_add_test(t, unapproved_session_alert_and_end);
	tcase_add_test(t, repeats_are_summarised);
	tcase_add_test(t, port_scan_once_per_interval);
	tcase_add_test(t, answered_flows_are_no_scan);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
