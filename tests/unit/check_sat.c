/* check_sat.c - unit tests for the SAT bookkeeping (rules/rule_sat.c, the
 * rule_match_* functions of rules/rule_eval.c) and the report escapers
 * (output/out_report.c). No pcaps: policies come from memory, flows and
 * events are built by hand.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "capture/flow.h"
#include "dissectors/dis.h"
#include "output/out_report.h"
#include "rules/rule_eval.h"
#include "rules/rule_model.h"
#include "rules/rule_run.h"
#include "rules/rule_sat.h"

static struct rule_errors err;

/* Two zones, one conduit with a read-only Modbus rule and an unused SSH
 * rule, one approved remote path. */
static const char pol_yaml[] =
	"site: t\n"
	"zones:\n"
	"  control: { networks: [10.10.1.0/24] }\n"
	"  supervisory: { networks: [10.10.2.0/24] }\n"
	"  dmz: { networks: [10.10.4.0/24] }\n"
	"conduits:\n"
	"  hmi-to-plc:\n"
	"    from: supervisory\n"
	"    to: control\n"
	"    allow:\n"
	"      - { name: mb-read, protocol: modbus, port: 502, functions: [read] }\n"
	"      - { name: never, protocol: modbus, port: 503 }\n"
	"remote_access:\n"
	"  approved:\n"
	"    - { name: vend, from: external, to: dmz, protocol: ssh }\n";

static struct rule_policy *pol;

static void setup(void)
{
	pol = rule_policy_load_mem("t.yaml", pol_yaml, sizeof(pol_yaml) - 1, NULL, NULL, &err);
	if (!pol)
		for (unsigned i = 0; i < err.n; i++)
			fprintf(stderr, "%s\n", err.msg[i]);
	ck_assert_ptr_nonnull(pol);
}

static void teardown(void)
{
	rule_policy_free(pol);
	pol = NULL;
}

static void a4(uint8_t out[16], const char *s)
{
	memset(out, 0, 16);
	out[10] = out[11] = 0xff;
	ck_assert_int_eq(inet_pton(AF_INET, s, out + 12), 1);
}

/* A TCP flow client -> server:port carried by our dissector proto (NULL:
 * none), initiator = key endpoint 0. */
static void mkflow(struct flow *f, uint64_t id, const char *cli, const char *srv, uint16_t port,
		   const char *proto, uint64_t first_s)
{
	memset(f, 0, sizeof(*f));
	a4(f->key.addr[0], cli);
	a4(f->key.addr[1], srv);
	f->key.port[0] = 40000;
	f->key.port[1] = port;
	f->key.l4_proto = 6;
	f->key.ip_ver = 4;
	f->init_is_lo = 1;
	f->id = id;
	f->first_us = first_s * 1000000u;
	f->last_us = f->first_us + 500000;
	f->pkts[0] = 5;
	f->pkts[1] = 4;
	f->bytes[0] = 500;
	f->bytes[1] = 400;
	f->ndpi.slot = FLOW_NONE;
	if (proto) {
		int i = dis_proto_index(dis_proto_by_name(proto));
		ck_assert_int_ge(i, 0);
		f->dis_proto = (uint8_t)(i + 1);
	}
}

static void mkevent(struct dis_event *ev, const struct flow *f, const char *action,
		    enum dis_fclass fc, uint64_t ts_s)
{
	memset(ev, 0, sizeof(*ev));
	ev->proto = dis_proto_by_name("modbus");
	ev->flow = f;
	ev->action = action;
	ev->fclass = (uint8_t)fc;
	ev->count = 1;
	ev->ts_us = ts_s * 1000000u;
	dis_ev_uint(ev, "unit_id", 1);
}

static void facts_of(const struct flow *f, struct rule_facts_buf *b)
{
	rule_flow_facts(pol, NULL, f, NULL, NULL, f->first_us, b);
}

/* ---- rule_match_flow / rule_match_op ---- */

START_TEST(test_match_flow)
{
	static const struct {
		const char *cli, *srv;
		uint16_t port;
		const char *proto;
		int want;
		uint16_t conduit;
		uint32_t rule;
	} cases[] = {
		{ "10.10.2.10", "10.10.1.5", 502, "modbus", RULE_MATCH_ALLOWED, 0, 0 },
		{ "10.10.2.10", "10.10.1.5", 503, "modbus", RULE_MATCH_ALLOWED, 0, 1 },
		{ "10.10.2.10", "10.10.1.5", 5020, "modbus", RULE_MATCH_NOT_ALLOWED, 0, UINT32_MAX },
		{ "10.10.2.10", "10.10.1.5", 80, NULL, RULE_MATCH_NOT_ALLOWED, 0, UINT32_MAX },
		{ "10.10.1.5", "10.10.2.10", 502, "modbus", RULE_MATCH_NO_CONDUIT, RULE_NONE, UINT32_MAX },
		{ "10.10.1.5", "10.10.1.6", 502, "modbus", RULE_MATCH_INTRA_ZONE, RULE_NONE, UINT32_MAX },
		{ "10.99.0.7", "10.10.1.5", 502, "modbus", RULE_MATCH_NO_ZONE, RULE_NONE, UINT32_MAX },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct flow f;
		struct rule_facts_buf b;
		mkflow(&f, 1, cases[i].cli, cases[i].srv, cases[i].port, cases[i].proto, 100);
		facts_of(&f, &b);
		uint16_t c;
		uint32_t r;
		int m = rule_match_flow(pol, &b.ff, &c, &r);
		ck_assert_msg(m == cases[i].want, "case %zu: match %d, want %d", i, m, cases[i].want);
		ck_assert_uint_eq(c, cases[i].conduit);
		ck_assert_uint_eq(r, cases[i].rule);
	}
	/* remote access: approved by entry 0 when from outside to dmz */
	struct flow f;
	struct rule_facts_buf b;
	mkflow(&f, 1, "198.51.100.23", "10.10.4.5", 22, NULL, 100);
	facts_of(&f, &b);
	b.ff.names[1] = "ssh";
	uint16_t c;
	uint32_t r;
	ck_assert_int_eq(rule_match_flow(pol, &b.ff, &c, &r), RULE_MATCH_REMOTE);
	ck_assert_uint_eq(r, 0);
	mkflow(&f, 1, "198.51.100.23", "10.10.1.5", 22, NULL, 100);
	facts_of(&f, &b);
	b.ff.names[1] = "ssh";
	ck_assert_int_eq(rule_match_flow(pol, &b.ff, &c, &r), RULE_MATCH_REMOTE);
	ck_assert_uint_eq(r, UINT32_MAX);
}
END_TEST

START_TEST(test_match_op)
{
	struct flow f;
	struct dis_event ev;
	struct rule_facts_buf b;
	uint16_t c;
	uint32_t r;
	mkflow(&f, 1, "10.10.2.10", "10.10.1.5", 502, "modbus", 100);
	facts_of(&f, &b);
	mkevent(&ev, &f, "read_holding_registers", DIS_FC_READ, 100);
	ck_assert_int_eq(rule_match_op(pol, &b.ff, &ev, &c, &r), RULE_MATCH_ALLOWED);
	ck_assert_uint_eq(c, 0);
	ck_assert_uint_eq(r, 0);
	/* a write on the read-only rule: not allowed, the rule carrying it named */
	mkevent(&ev, &f, "write_single_register", DIS_FC_WRITE, 100);
	ck_assert_int_eq(rule_match_op(pol, &b.ff, &ev, &c, &r), RULE_MATCH_NOT_ALLOWED);
	ck_assert_uint_eq(c, 0);
	ck_assert_uint_eq(r, 0);
	/* the 503 rule allows any function */
	mkflow(&f, 1, "10.10.2.10", "10.10.1.5", 503, "modbus", 100);
	facts_of(&f, &b);
	ck_assert_int_eq(rule_match_op(pol, &b.ff, &ev, &c, &r), RULE_MATCH_ALLOWED);
	ck_assert_uint_eq(r, 1);
}
END_TEST

/* ---- bookkeeping ---- */

static struct json_object *jget(struct json_object *o, const char *path)
{
	/* "a.b.0.c": objects by key, arrays by index */
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf, *dot; p; p = dot ? dot + 1 : NULL) {
		dot = strchr(p, '.');
		if (dot)
			*dot = '\0';
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)strtoul(p, NULL, 10));
		else if (!json_object_object_get_ex(o, p, &o))
			return NULL;
		if (!o)
			return NULL;
	}
	return o;
}

static long long jint(struct json_object *r, const char *path)
{
	struct json_object *o = jget(r, path);
	ck_assert_msg(o != NULL, "%s missing", path);
	return (long long)json_object_get_int64(o);
}

static const char *jstr(struct json_object *r, const char *path)
{
	struct json_object *o = jget(r, path);
	return o ? json_object_get_string(o) : NULL;
}

static struct json_object *report(struct rule_sat *s)
{
	struct rule_sat_meta m;
	memset(&m, 0, sizeof(m));
	m.version = "test";
	m.policy_path = "t.yaml";
	struct json_object *r = rule_sat_report(s, &m);
	ck_assert_ptr_nonnull(r);
	return r;
}

static struct rule_alert mkalert(enum rule_kind k, uint8_t sev, const char *seen, uint64_t ts_s)
{
	struct rule_alert a;
	memset(&a, 0, sizeof(a));
	a.kind = k;
	a.severity = sev;
	a.phase = RULE_ALERT_FIRST;
	a.count = 1;
	a.ts_us = a.first_us = a.last_us = ts_s * 1000000u;
	snprintf(a.seen, sizeof(a.seen), "%s", seen);
	snprintf(a.allowed, sizeof(a.allowed), "nothing");
	snprintf(a.message, sizeof(a.message), "msg %s", seen);
	return a;
}

START_TEST(test_bookkeeping)
{
	struct rule_sat_config cfg = { 0, 0, 2, 0, RULE_SEV_MEDIUM };
	struct rule_sat *s = rule_sat_new(pol, NULL, &cfg);
	ck_assert_ptr_nonnull(s);
	struct flow f1, f2, f3, f4;
	struct dis_event ev;
	/* two flows on the approved rule, 3 reads */
	mkflow(&f1, 1, "10.10.2.10", "10.10.1.5", 502, "modbus", 100);
	mkflow(&f2, 2, "10.10.2.11", "10.10.1.5", 502, "modbus", 110);
	for (int i = 0; i < 2; i++) {
		mkevent(&ev, &f1, "read_coils", DIS_FC_READ, 100);
		rule_sat_event(s, &ev);
	}
	mkevent(&ev, &f2, "read_coils", DIS_FC_READ, 110);
	rule_sat_event(s, &ev);
	/* a response is not an operation */
	ev.flags = DIS_EV_RESPONSE;
	rule_sat_event(s, &ev);
	/* a write on the read-only rule: an unapproved operation entry */
	mkevent(&ev, &f2, "write_single_register", DIS_FC_WRITE, 111);
	rule_sat_event(s, &ev);
	rule_sat_flow(s, &f1);
	rule_sat_flow(s, &f2);
	/* Modbus on 5020: unapproved flow entry; an unknown host */
	mkflow(&f3, 3, "10.10.2.10", "10.10.1.6", 5020, "modbus", 120);
	rule_sat_flow(s, &f3);
	mkflow(&f4, 4, "10.99.0.7", "10.10.1.5", 502, "modbus", 130);
	rule_sat_flow(s, &f4);
	/* an unanswered flow (SYN scan) on the 503 rule does not exercise it */
	struct flow f5;
	mkflow(&f5, 5, "10.10.2.10", "10.10.1.5", 503, "modbus", 140);
	f5.pkts[1] = 0;
	f5.bytes[1] = 0;
	rule_sat_flow(s, &f5);

	ck_assert_int_eq(rule_sat_passed(s), 1); /* no alerts */
	struct json_object *r = report(s);
	ck_assert_str_eq(jstr(r, "verdict"), "PASS");
	ck_assert_str_eq(jstr(r, "conduits.0.rules.0.name"), "mb-read");
	ck_assert_int_eq(jint(r, "conduits.0.rules.0.flows"), 2);
	ck_assert_int_eq(jint(r, "conduits.0.rules.0.operations"), 3);
	ck_assert_int_eq(jint(r, "conduits.0.rules.0.operations_by_class.read"), 3);
	ck_assert_int_eq(jint(r, "conduits.0.rules.0.packets"), 18);
	ck_assert_int_eq(jint(r, "conduits.0.rules.0.bytes"), 1800);
	ck_assert_str_eq(jstr(r, "conduits.0.rules.0.first"), "1970-01-01T00:01:40.000000Z");
	ck_assert_str_eq(jstr(r, "conduits.0.rules.0.last"), "1970-01-01T00:01:50.500000Z");
	ck_assert_str_eq(jstr(r, "conduits.0.rules.0.examples.0.client"), "10.10.2.10:40000");
	ck_assert_str_eq(jstr(r, "conduits.0.rules.0.examples.1.client"), "10.10.2.11:40000");
	ck_assert_int_eq(jint(r, "conduits.0.rules.0.flows_answered"), 2);
	ck_assert_int_eq(jint(r, "conduits.0.rules.1.flows"), 1);
	ck_assert_int_eq(jint(r, "conduits.0.rules.1.flows_answered"), 0);
	ck_assert_int_eq(json_object_get_boolean(jget(r, "conduits.0.rules.1.exercised")), 0);
	/* not approved: the write (operation), 5020 (flow), the unknown host */
	ck_assert_int_eq(jint(r, "summary.not_approved"), 3);
	ck_assert_str_eq(jstr(r, "not_approved.0.function_class"), "write");
	ck_assert_str_eq(jstr(r, "not_approved.0.policy_rule"), "mb-read");
	ck_assert_int_eq(jint(r, "not_approved.0.operations"), 1);
	ck_assert_int_eq(jint(r, "not_approved.0.packets"), 9); /* f2's, at its end */
	ck_assert_int_eq(jint(r, "not_approved.1.port"), 5020);
	ck_assert_str_eq(jstr(r, "not_approved.1.status"), "not_allowed");
	ck_assert_str_eq(jstr(r, "not_approved.2.status"), "no_zone");
	ck_assert_str_eq(jstr(r, "unknown_assets.0.ip"), "10.99.0.7");
	ck_assert_str_eq(jstr(r, "warnings.0"),
			 "SAT-UNEXERCISED conduit hmi-to-plc rule never: approved but never exercised");
	json_object_put(r);

	/* a low alert warns, a medium one fails; repeats fold into one entry */
	struct rule_alert a = mkalert(RULE_TLS_RISK, RULE_SEV_LOW, "x", 120);
	rule_sat_alert(s, &a);
	ck_assert_int_eq(rule_sat_passed(s), 1);
	a = mkalert(RULE_UNAPPROVED_PROTOCOL, RULE_SEV_HIGH, "modbus 5020", 120);
	rule_sat_alert(s, &a);
	a.phase = RULE_ALERT_REPEAT;
	a.count = 4;
	a.last_us = 200000000u;
	snprintf(a.message, sizeof(a.message), "4 more: msg modbus 5020");
	rule_sat_alert(s, &a);
	a.phase = RULE_ALERT_END; /* session ends are not counted */
	rule_sat_alert(s, &a);
	ck_assert_int_eq(rule_sat_passed(s), 0);
	r = report(s);
	ck_assert_str_eq(jstr(r, "verdict"), "FAIL");
	ck_assert_int_eq(jint(r, "summary.alerts"), 2);
	ck_assert_int_eq(jint(r, "alerts.1.count"), 5);
	ck_assert_str_eq(jstr(r, "alerts.1.last"), "1970-01-01T00:03:20.000000Z");
	ck_assert_str_eq(jstr(r, "reasons.0"),
			 "ZW-103 protocol_not_allowed_on_conduit (high, x5): msg modbus 5020");
	json_object_put(r);
	rule_sat_free(s);

	/* --require-exercised: the unused rule alone fails */
	cfg.require_exercised = 1;
	s = rule_sat_new(pol, NULL, &cfg);
	rule_sat_flow(s, &f1);
	ck_assert_int_eq(rule_sat_passed(s), 0);
	r = report(s);
	ck_assert_str_eq(jstr(r, "reasons.0"),
			 "SAT-UNEXERCISED conduit hmi-to-plc rule never: approved but never exercised");
	json_object_put(r);
	rule_sat_free(s);
}
END_TEST

START_TEST(test_window_and_bounds)
{
	struct rule_sat_config cfg = { 105000000u, 125000000u, 1, 0, RULE_SEV_MEDIUM };
	struct rule_sat *s = rule_sat_new(pol, NULL, &cfg);
	struct flow f;
	/* [100, 100.5] ends before the window; [110, 110.5] inside */
	mkflow(&f, 1, "10.10.2.10", "10.10.1.5", 502, "modbus", 100);
	rule_sat_flow(s, &f);
	struct rule_alert a = mkalert(RULE_NO_CONDUIT, RULE_SEV_HIGH, "before", 100);
	rule_sat_alert(s, &a);
	mkflow(&f, 2, "10.10.2.10", "10.10.1.5", 502, "modbus", 110);
	rule_sat_flow(s, &f);
	ck_assert_int_eq(rule_sat_passed(s), 1);
	/* bounded: more distinct unapproved ports than entries */
	for (unsigned i = 0; i < RULE_SAT_OBS_ENTRIES + 10; i++) {
		mkflow(&f, 10 + i, "10.10.2.10", "10.10.1.5", (uint16_t)(10000 + i), NULL, 110);
		rule_sat_flow(s, &f);
	}
	struct json_object *r = report(s);
	ck_assert_int_eq(jint(r, "summary.flows"), 1 + RULE_SAT_OBS_ENTRIES + 10);
	ck_assert_int_eq(jint(r, "summary.flows_outside_window"), 1);
	ck_assert_int_eq(jint(r, "conduits.0.rules.0.flows"), 1);
	ck_assert_int_eq(jint(r, "summary.not_approved"), RULE_SAT_OBS_ENTRIES);
	ck_assert_ptr_nonnull(strstr(jstr(r, "warnings.1"), "SAT-TABLE-FULL entries not kept: 10 "));
	json_object_put(r);
	rule_sat_free(s);
}
END_TEST

START_TEST(test_times)
{
	uint64_t us;
	char b[40];
	ck_assert_int_eq(rule_sat_parse_time("2026-11-23T16:12:00Z", &us), 0);
	rule_sat_time(us, b, sizeof(b));
	ck_assert_str_eq(b, "2026-11-23T16:12:00.000000Z");
	ck_assert_int_eq(rule_sat_parse_time("2026-11-23T17:12:00.25+01:00", &us), 0);
	rule_sat_time(us, b, sizeof(b));
	ck_assert_str_eq(b, "2026-11-23T16:12:00.250000Z");
	ck_assert_int_eq(rule_sat_parse_time("2026-11-23", &us), -1);
	ck_assert_int_eq(rule_sat_parse_time("2026-13-23T16:12:00Z", &us), -1);
	ck_assert_int_eq(rule_sat_parse_time("2026-11-23T16:12:00", &us), -1);
	ck_assert_int_eq(rule_sat_parse_duration("90", &us), 0);
	ck_assert_uint_eq(us, 90000000u);
	ck_assert_int_eq(rule_sat_parse_duration("15m", &us), 0);
	ck_assert_uint_eq(us, 900000000u);
	ck_assert_int_eq(rule_sat_parse_duration("2h", &us), 0);
	ck_assert_uint_eq(us, 7200000000u);
	ck_assert_int_eq(rule_sat_parse_duration("-5s", &us), -1);
	ck_assert_int_eq(rule_sat_parse_duration("5x", &us), -1);
	ck_assert_int_eq(rule_sat_parse_duration("0", &us), -1);
}
END_TEST

/* ---- escaping ---- */

typedef void (*put_fn)(FILE *fp, const char *s);

static char *render(put_fn fn, const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	fn(fp, s);
	fclose(fp);
	return buf;
}

static void check_esc(put_fn fn, const char *in, const char *want)
{
	char *got = render(fn, in);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_escape_html)
{
	check_esc(out_html_puts, "plain 10.10.1.5", "plain 10.10.1.5");
	check_esc(out_html_puts, "<script>alert('x')</script>",
		  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	check_esc(out_html_puts, "a&b \"q\"", "a&amp;b &quot;q&quot;");
	check_esc(out_html_puts, "line\nbreak\x01\x7f", "line\\x0abreak\\x01\\x7f");
	check_esc(out_html_puts, "", "");
}
END_TEST

START_TEST(test_escape_md)
{
	check_esc(out_md_puts, "hmi-to-plc", "hmi-to-plc");
	check_esc(out_md_puts, "a|b", "a\\|b");
	check_esc(out_md_puts, "*bold* _it_ `code` [l](u) #h", "\\*bold\\* \\_it\\_ \\`code\\` \\[l\\](u) \\#h");
	check_esc(out_md_puts, "<b>&", "&lt;b&gt;&amp;");
	check_esc(out_md_puts, "- item", "\\- item");
	check_esc(out_md_puts, "1. item", "1\\. item");
	check_esc(out_md_puts, "0.1.0", "0.1.0");
	check_esc(out_md_puts, "new\nline", "new\\x0aline");
	check_esc(out_md_puts, "back\\slash", "back\\\\slash");
}
END_TEST

START_TEST(test_escape_csv)
{
	check_esc(out_csv_field, "plain", "plain");
	check_esc(out_csv_field, "a,b", "\"a,b\"");
	check_esc(out_csv_field, "say \"hi\"", "\"say \"\"hi\"\"\"");
	check_esc(out_csv_field, "two\nlines", "\"two\\x0alines\"");
	check_esc(out_csv_field, "=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"");
	check_esc(out_csv_field, "", "");
}
END_TEST

static Suite *sat_suite(void)
{
	Suite *s = suite_create("sat");
	TCase *tc = tcase_create("match");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_match_flow);
	tcase_add_test(tc, test_match_op);
	suite_add_tcase(s, tc);
	tc = tcase_create("bookkeeping");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bookkeeping);
	tcase_add_test(tc, test_window_and_bounds);
	tcase_add_test(tc, test_times);
	suite_add_tcase(s, tc);
	tc = tcase_create("escape");
	tcase_add_test(tc, test_escape_html);
	tcase_add_test(tc, test_escape_md);
	tcase_add_test(tc, test_escape_csv);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sat_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
