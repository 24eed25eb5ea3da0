/* check_rule.c - unit tests for the policy (rules/): loader errors, the
 * zone lookup, maintenance windows, and the evaluator as tables of
 * (zone pair x protocol x function class -> verdict). No pcaps: flows and
 * events are built by hand.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dissectors/dis.h"
#include "rules/rule_eval.h"
#include "rules/rule_model.h"

/* ---- helpers ---- */

static struct rule_errors err;

static struct rule_policy *load(const char *yaml)
{
	return rule_policy_load_mem("t.yaml", yaml, strlen(yaml), NULL, NULL, &err);
}

static int known_proto(void *user, const char *name)
{
	(void)user;
	static const char *const names[] = { "http", "tls", "ssh", "rdp", "vnc", "telnet", "ftp", "teamviewer",
					     "dns", NULL };
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

/* The error list contains a message containing needle. */
static int has_error(const char *needle)
{
	for (unsigned i = 0; i < err.n; i++)
		if (strstr(err.msg[i], needle))
			return 1;
	return 0;
}

static void dump_errors(void)
{
	for (unsigned i = 0; i < err.n; i++)
		fprintf(stderr, "  %s\n", err.msg[i]);
}

/* Flow-form address (16 bytes, IPv4 mapped). */
static void a4(uint8_t out[16], const char *s)
{
	memset(out, 0, 16);
	out[10] = out[11] = 0xff;
	ck_assert_int_eq(inet_pton(AF_INET, s, out + 12), 1);
}

static void a6(uint8_t out[16], const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET6, s, out), 1);
}

static const char plant[] =
	"site: test plant\n"
	"zones:\n"
	"  control: { security_level: 3, networks: [10.10.1.0/24, 'fd00:1::/64'] }\n"
	"  supervisory: { security_level: 2, networks: [10.10.2.0/24] }\n"
	"  engineering: { networks: [10.10.3.0/24] }\n"
	"  dmz: { networks: [10.10.4.0/24] }\n"
	"  enterprise: { networks: [10.20.0.0/16] }\n"
	"assets:\n"
	"  plc-1: { ip: 10.10.1.5, vendor: X }\n"
	"  jump-1: { ip: 10.10.4.5 }\n"
	"  laptop: { ip: 192.168.77.7, zone: engineering }\n"
	"windows:\n"
	"  maint: { days: [sat], hours: '06:00-10:00' }\n"
	"conduits:\n"
	"  hmi-to-plc:\n"
	"    from: supervisory\n"
	"    to: control\n"
	"    allow:\n"
	"      - { name: mb-read, protocol: modbus, port: 502, functions: [read],\n"
	"          modbus: { unit_ids: [1-10] } }\n"
	"      - { name: ua, protocol: opcua, port: 4840, functions: [read, write],\n"
	"          opcua: { security_mode: sign } }\n"
	"  eng-to-plc:\n"
	"    from: engineering\n"
	"    to: control\n"
	"    allow:\n"
	"      - name: mb-eng\n"
	"        protocol: modbus\n"
	"        port: 502\n"
	"        functions: [read, write, program]\n"
	"        window: maint\n"
	"        modbus: { addresses: { write: [0-99] } }\n"
	"      - { name: s7, protocol: s7comm, port: 102, functions: [read, write],\n"
	"          s7: { areas: [db], db: [1-10] } }\n"
	"  dmz-eng:\n"
	"    from: dmz\n"
	"    to: engineering\n"
	"    bidirectional: true\n"
	"    allow: [ { protocol: ssh, port: 22 } ]\n"
	"remote_access:\n"
	"  approved:\n"
	"    - { name: vendor, from: external, to: dmz, via: jump-1, protocol: ssh,\n"
	"        valid_from: 2026-01-01, valid_until: 2026-06-01 }\n";

static struct rule_policy *plant_policy(void)
{
	struct rule_policy *p = rule_policy_load_mem("plant.yaml", plant, strlen(plant),
						     known_proto, NULL, &err);
	if (!p)
		dump_errors();
	ck_assert_ptr_nonnull(p);
	return p;
}

/* ---- loader ---- */

START_TEST(load_plant_summary)
{
	struct rule_policy *p = plant_policy();
	ck_assert_str_eq(p->site, "test plant");
	ck_assert_uint_eq(p->nzones, 5);
	ck_assert_uint_eq(p->nassets, 3);
	ck_assert_uint_eq(p->nconduits, 3);
	ck_assert_uint_eq(p->conduits[0].nallow, 2);
	ck_assert_str_eq(p->conduits[0].allow[0].label, "mb-read");
	ck_assert_uint_eq(p->conduits[0].allow[0].fclass_mask, 1u << DIS_FC_READ);
	ck_assert_uint_eq(p->conduits[1].allow[0].window, 0);
	ck_assert_uint_eq(p->conduits[1].allow[0].mb_addr_set, 1u << DIS_FC_WRITE);
	ck_assert_uint_eq(p->conduits[2].bidir, 1);
	ck_assert_uint_eq(p->nremote, 1);
	ck_assert_uint_eq(p->remote[0].via, 1);
	ck_assert_uint_eq(p->min_tls, 0x0303);
	/* the laptop outside every network takes its declared zone */
	ck_assert_uint_eq(p->assets[2].zone, 2);
	rule_policy_free(p);
}
END_TEST

START_TEST(load_json)
{
	static const char js[] =
		"{\"site\": \"j\", \"zones\": {\"a\": {\"networks\": [\"10.0.0.0/8\"]},"
		" \"b\": {\"networks\": [\"192.168.0.0/16\"]}},"
		" \"conduits\": {\"ab\": {\"from\": \"a\", \"to\": \"b\","
		" \"allow\": [{\"protocol\": \"modbus\", \"port\": 502}]}}}";
	struct rule_policy *p = load(js);
	if (!p)
		dump_errors();
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nzones, 2);
	ck_assert_uint_eq(p->conduits[0].allow[0].ports.r[0].lo, 502);
	rule_policy_free(p);
}
END_TEST

/* Each bad policy gives its error, at its line and column. */
static const struct {
	const char *yaml, *error;
} bad[] = {
	{ "", "1:1: the policy is empty" },
	{ "zones: [a\n", "YAML syntax error" },
	{ "site: x\n", "has no zones: section" },
	{ "zones: {}\nfoo: 1\n", "2:1: unknown key 'foo' in the policy" },
	{ "zones:\n  a: { networks: [10.0.0.0/8], colour: red }\n", "2:32: unknown key 'colour' in zone 'a'" },
	{ "zones:\n  a: { networks: [10.0.0.300/8] }\n", "2:19: '10.0.0.300/8' is not an IPv4 or IPv6 network" },
	{ "zones:\n  a: { networks: [10.0.0.0/33] }\n", "is not an IPv4 or IPv6 network" },
	{ "zones:\n  a: { networks: [10.0.0.1/8] }\n", "has host bits set" },
	{ "zones:\n  a: { networks: 10.0.0.0/8 }\n", "networks must be a list" },
	{ "zones:\n  a: { security_level: 5, networks: [10.0.0.0/8] }\n", "security_level: '5' is not a number in 0..4" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  b: { networks: [10.1.0.0/16] }\n",
	  "zones 'a' (10.0.0.0/8) and 'b' (10.1.0.0/16) overlap" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  a: { networks: [11.0.0.0/8] }\n",
	  "3:3: duplicate key 'a' in zones" },
	{ "zones:\n  external: { networks: [10.0.0.0/8] }\n", "'external' is a reserved name" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nconduits:\n  c: { from: a, to: b, allow: [ {port: 22} ] }\n",
	  "4:21: to: unknown zone 'b' (hint: zones are a)" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  b: { networks: [11.0.0.0/8] }\n"
	  "conduits:\n  c: { from: a, to: b }\n", "conduit 'c' has no allow rules" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  b: { networks: [11.0.0.0/8] }\n"
	  "conduits:\n  c: { from: a, to: b, allow: [ { port: 0 } ] }\n", "port: '0' is outside 1..65535" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  b: { networks: [11.0.0.0/8] }\n"
	  "conduits:\n  c: { from: a, to: b, allow: [ { ports: ['2000-1000'] } ] }\n", "is backwards" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  b: { networks: [11.0.0.0/8] }\n"
	  "conduits:\n  c: { from: a, to: b, allow: [ { port: 'http' } ] }\n", "is not a number or a range" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  b: { networks: [11.0.0.0/8] }\n"
	  "conduits:\n  c: { from: a, to: b, allow: [ { protocol: modbuz } ] }\n", "unknown protocol 'modbuz'" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  b: { networks: [11.0.0.0/8] }\n"
	  "conduits:\n  c: { from: a, to: b, allow: [ { functions: [reed] } ] }\n", "unknown function class 'reed'" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  b: { networks: [11.0.0.0/8] }\n"
	  "conduits:\n  c: { from: a, to: b, allow: [ { protocol: http, modbus: {unit_ids: [1]} } ] }\n",
	  "modbus: options need protocol: modbus" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  b: { networks: [11.0.0.0/8] }\n"
	  "conduits:\n  c: { from: a, to: b, allow: [ { protocol: opcua, opcua: {security_mode: high} } ] }\n",
	  "security_mode: 'high' is not none, sign or sign_and_encrypt" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  b: { networks: [11.0.0.0/8] }\n"
	  "conduits:\n  c: { from: a, to: b, allow: [ { window: never } ] }\n", "unknown window 'never'" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nconduits:\n  c: { from: a, to: a, allow: [ {port: 1} ] }\n",
	  "joins zone 'a' to itself" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nassets:\n  p: { ip: 11.0.0.1 }\n", "is in no zone's networks" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\n  b: { networks: [11.0.0.0/8] }\nassets:\n  p: { ip: 10.0.0.1, zone: b }\n",
	  "lies in the networks of zone 'a', not 'b'" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nassets:\n  p: { ip: 10.0.0.0/8 }\n", "is not an IPv4 or IPv6 address" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nassets:\n  p: { ip: 10.0.0.1 }\n  q: { ip: 10.0.0.1 }\n",
	  "assets 'p' and 'q' have the same address" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nwindows:\n  w: { hours: '25:00-26:00' }\n", "is not a time range" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nwindows:\n  w: { days: [funday] }\n", "'funday' is not a weekday" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nwindows:\n  w: { description: x }\n", "says neither days/hours nor from/until" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nremote_access:\n  approved: [ { from: mars } ]\n", "from: unknown zone 'mars'" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nremote_access:\n  approved: [ { via: jump } ]\n", "via: unknown asset 'jump'" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nremote_access:\n  approved: [ { valid_until: 2026-02-30x } ]\n",
	  "is not a date or time" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nhygiene: { min_tls_version: '1.5' }\n", "min_tls_version: '1.5'" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nhygiene: { cleartext: [gopher] }\n", "cleartext: 'gopher'" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nhygiene: { tls_risks: maybe }\n", "tls_risks: 'maybe' is not true or false" },
	{ "zones:\n  a: { networks: [10.0.0.0/8] }\nnew_assets: { learning_period: 3w }\n", "is not a duration" },
	{ "zones:\n  a: &x { networks: [10.0.0.0/8] }\n  b: *x\n", "aliases" },
	{ "zones: {}\n---\nzones: {}\n", "more than one YAML document" },
	{ "- a\n- b\n", "the policy must be a mapping" },
};

START_TEST(load_errors)
{
	struct rule_policy *p = rule_policy_load_mem("t.yaml", bad[_i].yaml, strlen(bad[_i].yaml),
						     known_proto, NULL, &err);
	if (p || !has_error(bad[_i].error)) {
		fprintf(stderr, "case %d: wanted '%s', got %u errors:\n", _i, bad[_i].error, err.n);
		dump_errors();
	}
	ck_assert_ptr_null(p);
	ck_assert(has_error(bad[_i].error));
	/* every message names the file and a position */
	for (unsigned i = 0; i < err.n; i++)
		ck_assert(strncmp(err.msg[i], "t.yaml:", 7) == 0);
}
END_TEST

START_TEST(load_many_errors_reported)
{
	static const char y[] = "zones:\n  a: { networks: [x, y, z], foo: 1 }\n  b: { bar: 2 }\n";
	ck_assert_ptr_null(load(y));
	ck_assert_uint_ge(err.n, 5); /* three networks, two keys, b without networks */
}
END_TEST

START_TEST(load_garbage_never_crashes)
{
	/* Every prefix of a valid policy: loads or fails with messages. */
	for (size_t n = 0; n <= strlen(plant); n++) {
		struct rule_policy *p = rule_policy_load_mem("t.yaml", plant, n, known_proto, NULL, &err);
		if (p)
			rule_policy_free(p);
		else
			ck_assert_uint_ge(err.n, 1);
	}
	static const char nul[] = "zones: {}\0";
	ck_assert_ptr_null(rule_policy_load_mem("t.yaml", nul, sizeof(nul), NULL, NULL, &err));
	ck_assert(has_error("NUL bytes"));
}
END_TEST

START_TEST(load_file_errors)
{
	ck_assert_ptr_null(rule_policy_load("/nonexistent/policy.yaml", NULL, NULL, &err));
	ck_assert(has_error("cannot open the policy"));
}
END_TEST

/* ---- lookup ---- */

START_TEST(lookup_zones_and_assets)
{
	struct rule_policy *p = plant_policy();
	uint8_t a[16];
	uint16_t z, as;
	a4(a, "10.10.1.5");
	rule_lookup(p, a, 4, 0, &z, &as);
	ck_assert_uint_eq(z, 0);
	ck_assert_uint_eq(as, 0);
	a4(a, "10.10.1.6");
	rule_lookup(p, a, 4, 0, &z, &as);
	ck_assert_uint_eq(z, 0);
	ck_assert_uint_eq(as, RULE_NONE);
	a4(a, "10.20.200.1");
	rule_lookup(p, a, 4, 0, &z, &as);
	ck_assert_uint_eq(z, 4);
	a4(a, "10.30.0.1");
	rule_lookup(p, a, 4, 0, &z, &as);
	ck_assert_uint_eq(z, RULE_NONE);
	a4(a, "192.168.77.7"); /* host route of an asset outside all networks */
	rule_lookup(p, a, 4, 0, &z, &as);
	ck_assert_uint_eq(z, 2);
	ck_assert_uint_eq(as, 2);
	a6(a, "fd00:1::42");
	rule_lookup(p, a, 6, 0, &z, &as);
	ck_assert_uint_eq(z, 0);
	a6(a, "fd00:2::42");
	rule_lookup(p, a, 6, 0, &z, &as);
	ck_assert_uint_eq(z, RULE_NONE);
	rule_policy_free(p);
}
END_TEST

START_TEST(lookup_vlans)
{
	static const char y[] = "zones:\n"
				"  a: { networks: [10.0.0.0/24], vlans: [10] }\n"
				"  b: { networks: [10.0.0.0/24], vlans: [20-29] }\n";
	struct rule_policy *p = load(y);
	if (!p)
		dump_errors();
	ck_assert_ptr_nonnull(p);
	uint8_t a[16];
	uint16_t z, as;
	a4(a, "10.0.0.1");
	rule_lookup(p, a, 4, 10, &z, &as);
	/* Same networks in two zones on different VLANs: the trie holds the
	 * first; the other VLAN's traffic is in no zone (documented limit). */
	ck_assert_uint_eq(z, 0);
	rule_lookup(p, a, 4, 5, &z, &as);
	ck_assert_uint_eq(z, RULE_NONE);
	rule_policy_free(p);
}
END_TEST

START_TEST(lpm_longest_prefix)
{
	struct rule_lpm *t = rule_lpm_new();
	uint8_t n8[4] = { 10, 0, 0, 0 }, n16[4] = { 10, 1, 0, 0 }, h[4] = { 10, 1, 2, 3 };
	uint32_t old;
	ck_assert_int_eq(rule_lpm_insert(t, n8, 8, 1, &old), 0);
	ck_assert_int_eq(rule_lpm_insert(t, n16, 16, 2, &old), 0);
	ck_assert_int_eq(rule_lpm_insert(t, h, 32, 3, &old), 0);
	ck_assert_int_eq(rule_lpm_insert(t, n16, 16, 9, &old), 1);
	ck_assert_uint_eq(old, 2);
	uint8_t q[4] = { 10, 1, 2, 3 };
	ck_assert_uint_eq(rule_lpm_find(t, q, 32), 3);
	q[3] = 4;
	ck_assert_uint_eq(rule_lpm_find(t, q, 32), 2);
	q[1] = 2;
	ck_assert_uint_eq(rule_lpm_find(t, q, 32), 1);
	q[0] = 11;
	ck_assert_uint_eq(rule_lpm_find(t, q, 32), UINT32_MAX);
	rule_lpm_free(t);
}
END_TEST

START_TEST(public_addresses)
{
	uint8_t a[16];
	static const struct {
		const char *ip;
		int v6, pub;
	} t[] = {
		{ "10.1.2.3", 0, 0 }, { "172.16.0.1", 0, 0 }, { "172.32.0.1", 0, 1 },
		{ "192.168.1.1", 0, 0 }, { "127.0.0.1", 0, 0 }, { "169.254.1.1", 0, 0 },
		{ "100.64.0.1", 0, 0 }, { "224.0.0.5", 0, 0 }, { "8.8.8.8", 0, 1 },
		{ "198.51.100.23", 0, 1 }, { "fd00::1", 1, 0 }, { "fe80::1", 1, 0 }, { "::1", 1, 0 },
		{ "2001:db8::1", 1, 1 }, { "ff02::1", 1, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].v6)
			a6(a, t[i].ip);
		else
			a4(a, t[i].ip);
		ck_assert_msg(rule_addr_is_public(a, t[i].v6 ? 6 : 4) == t[i].pub, "%s", t[i].ip);
	}
}
END_TEST

/* ---- windows ---- */

#define SEC 1000000ull
/* 2026-11-21 is a Saturday */
#define SAT_0000 (1795219200ull * SEC)

START_TEST(window_hours)
{
	struct rule_window w = { .name = "w", .days = 1u << 5, .start_min = 360, .end_min = 600,
				 .has_hours = 1 };
	ck_assert(!rule_window_contains(&w, SAT_0000 + 5 * 3600 * SEC));
	ck_assert(rule_window_contains(&w, SAT_0000 + 6 * 3600 * SEC));
	ck_assert(rule_window_contains(&w, SAT_0000 + (9 * 3600 + 3599) * SEC));
	ck_assert(!rule_window_contains(&w, SAT_0000 + 10 * 3600 * SEC));
	ck_assert(!rule_window_contains(&w, SAT_0000 + (24 + 7) * 3600 * SEC)); /* Sunday */
	/* local time one hour ahead: 05:30 UTC is 06:30 local */
	w.utc_offset_min = 60;
	ck_assert(rule_window_contains(&w, SAT_0000 + (5 * 3600 + 1800) * SEC));
	/* 22:00-02:00 wrapping: Saturday night belongs to Saturday */
	struct rule_window n = { .name = "n", .days = 1u << 5, .start_min = 1320, .end_min = 120,
				 .has_hours = 1 };
	ck_assert(rule_window_contains(&n, SAT_0000 + 23 * 3600 * SEC));
	ck_assert(rule_window_contains(&n, SAT_0000 + 25 * 3600 * SEC));
	ck_assert(!rule_window_contains(&n, SAT_0000 + 1 * 3600 * SEC)); /* Friday night */
	/* absolute period */
	struct rule_window p = { .name = "p", .from_us = SAT_0000, .until_us = SAT_0000 + 3600 * SEC };
	ck_assert(!rule_window_contains(&p, SAT_0000 - 1));
	ck_assert(rule_window_contains(&p, SAT_0000));
	ck_assert(!rule_window_contains(&p, SAT_0000 + 3600 * SEC));
}
END_TEST

/* ---- evaluator ---- */

struct fx {
	struct rule_flow_facts ff;
	uint8_t a[2][16];
};

static void facts(struct fx *x, const struct rule_policy *p, const char *cli, const char *srv,
		  uint16_t dport, const char *proto)
{
	memset(x, 0, sizeof(*x));
	a4(x->a[0], cli);
	a4(x->a[1], srv);
	x->ff.ip_ver = 4;
	x->ff.l4 = 6;
	x->ff.addr[0] = x->a[0];
	x->ff.addr[1] = x->a[1];
	x->ff.port[0] = 40000;
	x->ff.port[1] = dport;
	x->ff.names[0] = proto;
	x->ff.answered = 1;
	x->ff.ts_us = SAT_0000 + 12 * 3600 * SEC; /* outside the maintenance window */
	for (int d = 0; d < 2; d++)
		rule_lookup(p, x->a[d], 4, 0, &x->ff.zone[d], &x->ff.asset[d]);
}

/* Flow-level table: client, server, port, protocol -> verdict kind (-1 none). */
static const struct {
	const char *cli, *srv;
	uint16_t port;
	const char *proto;
	int kind;
} flow_table[] = {
	{ "10.10.2.10", "10.10.1.5", 502, "modbus", -1 },                  /* allowed */
	{ "10.10.2.10", "10.10.1.5", 5020, "modbus", RULE_UNAPPROVED_PROTOCOL }, /* wrong port */
	{ "10.10.2.10", "10.10.1.5", 80, "http", RULE_UNAPPROVED_PROTOCOL },
	{ "10.10.2.10", "10.10.1.20", 4840, "opcua", -1 },
	{ "10.10.1.5", "10.10.2.10", 502, "modbus", RULE_NO_CONDUIT },     /* wrong direction */
	{ "10.20.5.50", "10.10.1.5", 502, "modbus", RULE_NO_CONDUIT },
	{ "10.99.0.7", "10.10.1.5", 502, "modbus", RULE_UNKNOWN_ASSET },
	{ "10.10.1.5", "10.10.1.6", 502, "modbus", -1 },                   /* inside a zone */
	{ "10.10.3.10", "10.10.1.5", 102, "cotp", -1 },                    /* s7comm rule */
	/* ssh is remote access: judged by remote_access alone, which approves
	 * only the vendor path into the dmz, not the dmz-eng conduit */
	{ "10.10.3.10", "10.10.4.5", 22, "ssh", RULE_REMOTE_ACCESS },
	{ "10.10.4.5", "10.10.3.10", 22, "ssh", RULE_REMOTE_ACCESS },
	{ "10.20.5.50", "10.10.1.5", 22, "ssh", RULE_REMOTE_ACCESS },
	{ "198.51.100.23", "10.10.3.10", 22, "ssh", RULE_REMOTE_ACCESS },
	{ "198.51.100.23", "10.10.4.5", 22, "ssh", RULE_REMOTE_EXPIRED },  /* approval expired */
	{ "10.10.1.5", "10.10.1.6", 3389, "rdp", -1 },                     /* inside a zone */
};

START_TEST(eval_flow_table)
{
	struct rule_policy *p = plant_policy();
	struct fx x;
	facts(&x, p, flow_table[_i].cli, flow_table[_i].srv, flow_table[_i].port,
	      flow_table[_i].proto);
	struct rule_verdict v[RULE_MAX_VERDICTS];
	unsigned n = rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS);
	if (flow_table[_i].kind < 0) {
		if (n)
			fprintf(stderr, "case %d: %s\n", _i, v[0].message);
		ck_assert_uint_eq(n, 0);
	} else {
		if (n != 1)
			fprintf(stderr, "case %d: %u verdicts\n", _i, n);
		ck_assert_uint_eq(n, 1);
		ck_assert_int_eq(v[0].kind, flow_table[_i].kind);
		ck_assert(v[0].seen[0] && v[0].allowed[0] && v[0].message[0]);
	}
	rule_policy_free(p);
}
END_TEST

START_TEST(eval_flow_texts)
{
	struct rule_policy *p = plant_policy();
	struct fx x;
	facts(&x, p, "10.10.2.10", "10.10.1.5", 5020, "modbus");
	x.ff.label = "Modbus/TCP";
	struct rule_verdict v[RULE_MAX_VERDICTS];
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 1);
	ck_assert_str_eq(v[0].seen, "Modbus/TCP on tcp/5020 from 10.10.2.10 (supervisory) to "
				    "plc-1 10.10.1.5 (control)");
	if (!strstr(v[0].allowed, "conduit hmi-to-plc allows modbus on port 502 functions read "
				  "units 1-10"))
		fprintf(stderr, "allowed: %s\n", v[0].allowed);
	ck_assert_ptr_nonnull(strstr(v[0].allowed, "conduit hmi-to-plc allows modbus on port 502 "
						   "functions read units 1-10"));
	ck_assert_uint_eq(v[0].conduit, 0);
	rule_policy_free(p);
}
END_TEST

START_TEST(eval_remote_approved_in_period)
{
	struct rule_policy *p = plant_policy();
	struct fx x;
	facts(&x, p, "198.51.100.23", "10.10.4.5", 22, "ssh");
	x.ff.ts_us = 1775000000ull * SEC; /* 2026-03-31: inside the validity */
	struct rule_verdict v[RULE_MAX_VERDICTS];
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 0);
	/* the same session to another dmz host is not through the jump host */
	a4(x.a[1], "10.10.4.6");
	rule_lookup(p, x.a[1], 4, 0, &x.ff.zone[1], &x.ff.asset[1]);
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_REMOTE_ACCESS);
	ck_assert_uint_eq(v[0].sev, RULE_SEV_CRITICAL); /* vendor from a public address */
	rule_policy_free(p);
}
END_TEST

START_TEST(eval_hygiene)
{
	struct rule_policy *p = plant_policy();
	struct fx x;
	struct rule_verdict v[RULE_MAX_VERDICTS];
	/* TLS 1.0 inside a zone: reported (medium) */
	facts(&x, p, "10.10.1.5", "10.10.1.6", 443, "tls");
	x.ff.tls_version = 0x0301;
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_TLS_VERSION);
	ck_assert_uint_eq(v[0].sev, RULE_SEV_MEDIUM);
	ck_assert_ptr_nonnull(strstr(v[0].seen, "TLS 1.0"));
	x.ff.tls_version = 0x0303;
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 0);
	/* cleartext FTP inside a zone: not across a boundary */
	facts(&x, p, "10.10.1.5", "10.10.1.6", 21, "ftp_control");
	x.ff.cleartext = "ftp";
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 0);
	/* across zones: no conduit and cleartext */
	facts(&x, p, "10.20.5.50", "10.10.3.10", 21, "ftp_control");
	x.ff.cleartext = "ftp";
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 2);
	ck_assert_int_eq(v[0].kind, RULE_NO_CONDUIT);
	ck_assert_int_eq(v[1].kind, RULE_CLEARTEXT);
	ck_assert_uint_eq(v[1].sev, RULE_SEV_HIGH);
	/* TLS weaknesses */
	facts(&x, p, "10.10.1.5", "10.10.1.6", 443, "tls");
	x.ff.tls_risks = "Self-signed Certificate";
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_TLS_RISK);
	rule_policy_free(p);
}
END_TEST

START_TEST(eval_builtin)
{
	struct rule_policy *p = rule_policy_builtin();
	struct fx x;
	struct rule_verdict v[RULE_MAX_VERDICTS];
	facts(&x, p, "10.0.0.1", "10.0.0.2", 502, "modbus");
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 0);
	facts(&x, p, "203.0.113.9", "10.0.0.2", 3389, "rdp");
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_REMOTE_ACCESS);
	facts(&x, p, "10.0.0.3", "10.0.0.2", 3389, "rdp");
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 0);
	rule_policy_free(p);
}
END_TEST

/* Events: a Modbus or S7 or OPC UA operation with fields. */
static struct dis_event ev;

static void mkev(const char *proto, const char *action, enum dis_fclass fc)
{
	memset(&ev, 0, sizeof(ev));
	ev.proto = dis_proto_by_name(proto);
	ck_assert_ptr_nonnull(ev.proto);
	ev.action = action;
	ev.fclass = (uint8_t)fc;
	ev.count = 1;
}

/* Operation table: client, server, protocol, action, class, unit, address
 * (-1 none) -> verdict kind (-1 none). */
static const struct {
	const char *cli, *srv, *proto;
	uint16_t port;
	const char *action;
	enum dis_fclass fc;
	int unit, addr, kind;
} op_table[] = {
	{ "10.10.2.10", "10.10.1.5", "modbus", 502, "read_holding_registers", DIS_FC_READ, 1, 0, -1 },
	{ "10.10.2.10", "10.10.1.5", "modbus", 502, "read_holding_registers", DIS_FC_READ, 11, 0,
	  RULE_UNAPPROVED_OPERATION }, /* unit outside 1-10 */
	{ "10.10.2.10", "10.10.1.5", "modbus", 502, "write_single_register", DIS_FC_WRITE, 1, 5,
	  RULE_UNAPPROVED_OPERATION },
	{ "10.10.2.10", "10.10.1.5", "modbus", 502, "write_file_record", DIS_FC_PROGRAM, 1, -1,
	  RULE_UNAPPROVED_OPERATION },
	{ "10.10.2.10", "10.10.1.5", "modbus", 502, "diagnostics", DIS_FC_CONTROL, 1, -1,
	  RULE_UNAPPROVED_OPERATION },
	{ "10.10.3.10", "10.10.1.5", "modbus", 502, "write_single_register", DIS_FC_WRITE, 1, 50, -1 },
	{ "10.10.3.10", "10.10.1.5", "modbus", 502, "write_single_register", DIS_FC_WRITE, 1, 500,
	  RULE_UNAPPROVED_OPERATION }, /* outside the write addresses */
	{ "10.10.3.10", "10.10.1.5", "modbus", 502, "write_file_record", DIS_FC_PROGRAM, 1, -1,
	  RULE_OUTSIDE_WINDOW },
	{ "10.10.3.10", "10.10.1.5", "modbus", 502, "diagnostics", DIS_FC_CONTROL, 1, -1,
	  RULE_UNAPPROVED_OPERATION },
	{ "10.20.5.50", "10.10.1.5", "modbus", 502, "read_coils", DIS_FC_READ, 1, 0, -1 },
	{ "10.20.5.50", "10.10.1.5", "modbus", 502, "write_single_coil", DIS_FC_WRITE, 1, 0,
	  RULE_UNAPPROVED_OPERATION }, /* no conduit: changes alerted */
	{ "10.99.0.7", "10.10.1.5", "modbus", 502, "write_single_coil", DIS_FC_WRITE, 1, 0,
	  RULE_UNAPPROVED_OPERATION }, /* unknown client */
	{ "10.10.1.5", "10.10.1.6", "modbus", 502, "write_file_record", DIS_FC_PROGRAM, 1, -1, -1 },
	{ "10.10.2.10", "10.10.1.5", "modbus", 5020, "write_single_coil", DIS_FC_WRITE, 1, 0,
	  RULE_UNAPPROVED_OPERATION }, /* protocol not allowed on this port */
	{ "10.10.2.10", "10.10.1.5", "modbus", 5020, "read_coils", DIS_FC_READ, 1, 0, -1 },
	{ "10.10.3.10", "10.10.1.5", "cotp", 102, "setup_communication", DIS_FC_SESSION, -1, -1, -1 },
	{ "10.10.3.10", "10.10.1.5", "cotp", 102, "plc_stop", DIS_FC_CONTROL, -1, -1,
	  RULE_UNAPPROVED_OPERATION },
};

START_TEST(eval_op_table)
{
	struct rule_policy *p = plant_policy();
	struct fx x;
	facts(&x, p, op_table[_i].cli, op_table[_i].srv, op_table[_i].port, op_table[_i].proto);
	mkev(op_table[_i].proto, op_table[_i].action, op_table[_i].fc);
	if (op_table[_i].unit >= 0)
		dis_ev_uint(&ev, "unit_id", (uint64_t)op_table[_i].unit);
	if (op_table[_i].addr >= 0)
		dis_ev_uint(&ev, "address", (uint64_t)op_table[_i].addr);
	dis_ev_cstr(&ev, "outcome", "acknowledged");
	struct rule_verdict v[RULE_MAX_VERDICTS];
	unsigned n = rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS);
	if (op_table[_i].kind < 0) {
		if (n)
			fprintf(stderr, "op case %d: %s\n", _i, v[0].message);
		ck_assert_uint_eq(n, 0);
	} else {
		if (n != 1 || (int)v[0].kind != op_table[_i].kind)
			fprintf(stderr, "op case %d: %u verdicts %s\n", _i, n, n ? v[0].message : "");
		ck_assert_uint_eq(n, 1);
		ck_assert_int_eq(v[0].kind, op_table[_i].kind);
		ck_assert_str_eq(v[0].outcome, "acknowledged");
	}
	rule_policy_free(p);
}
END_TEST

START_TEST(eval_op_window_open)
{
	struct rule_policy *p = plant_policy();
	struct fx x;
	facts(&x, p, "10.10.3.10", "10.10.1.5", 502, "modbus");
	x.ff.ts_us = SAT_0000 + 7 * 3600 * SEC; /* Saturday 07:00: inside */
	mkev("modbus", "write_file_record", DIS_FC_PROGRAM);
	struct rule_verdict v[RULE_MAX_VERDICTS];
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 0);
	x.ff.ts_us = SAT_0000 + 11 * 3600 * SEC;
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_OUTSIDE_WINDOW);
	ck_assert_ptr_nonnull(strstr(v[0].allowed, "window maint"));
	ck_assert_uint_eq(v[0].sev, RULE_SEV_CRITICAL);
	rule_policy_free(p);
}
END_TEST

START_TEST(eval_op_modbus_span)
{
	struct rule_policy *p = plant_policy();
	struct fx x;
	struct rule_verdict v[RULE_MAX_VERDICTS];
	facts(&x, p, "10.10.3.10", "10.10.1.5", 502, "modbus");
	mkev("modbus", "write_multiple_registers", DIS_FC_WRITE);
	dis_ev_uint(&ev, "start_address", 90);
	dis_ev_uint(&ev, "quantity", 10); /* 90..99: inside */
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 0);
	mkev("modbus", "write_multiple_registers", DIS_FC_WRITE);
	dis_ev_uint(&ev, "start_address", 90);
	dis_ev_uint(&ev, "quantity", 11); /* 90..100: crosses the range */
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_ptr_nonnull(strstr(v[0].seen, "addresses 90-100"));
	rule_policy_free(p);
}
END_TEST

START_TEST(eval_op_s7_areas)
{
	struct rule_policy *p = plant_policy();
	struct fx x;
	struct rule_verdict v[RULE_MAX_VERDICTS];
	facts(&x, p, "10.10.3.10", "10.10.1.5", 102, "cotp");
	mkev("cotp", "write_var", DIS_FC_WRITE);
	dis_ev_cstr(&ev, "item.area", "db");
	dis_ev_uint(&ev, "item.db_number", 5);
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 0);
	mkev("cotp", "write_var", DIS_FC_WRITE);
	dis_ev_cstr(&ev, "item.area", "db");
	dis_ev_uint(&ev, "item.db_number", 50);
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	mkev("cotp", "write_var", DIS_FC_WRITE);
	dis_ev_cstr(&ev, "item.area", "flags");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	rule_policy_free(p);
}
END_TEST

START_TEST(eval_op_opcua)
{
	struct rule_policy *p = plant_policy();
	struct fx x;
	struct rule_verdict v[RULE_MAX_VERDICTS];
	facts(&x, p, "10.10.2.10", "10.10.1.20", 4840, "opcua");
	mkev("opcua", "write", DIS_FC_WRITE);
	dis_ev_cstr(&ev, "security_mode", "sign_and_encrypt");
	dis_ev_cstr(&ev, "identity_token", "username");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 0);
	mkev("opcua", "write", DIS_FC_WRITE);
	dis_ev_cstr(&ev, "security_mode", "none");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_OPCUA_SECURITY);
	mkev("opcua", "write", DIS_FC_WRITE);
	dis_ev_cstr(&ev, "security_mode", "sign");
	dis_ev_cstr(&ev, "identity_token", "anonymous");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_OPCUA_ANON_WRITE);
	mkev("opcua", "call", DIS_FC_CONTROL);
	dis_ev_cstr(&ev, "security_mode", "sign");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_UNAPPROVED_OPERATION);
	/* session set-up over a None channel where sign is required */
	mkev("opcua", "open_secure_channel", DIS_FC_SESSION);
	dis_ev_cstr(&ev, "security_mode", "none");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_OPCUA_SECURITY);
	/* a deprecated policy does not satisfy "sign" */
	mkev("opcua", "open_secure_channel", DIS_FC_SESSION);
	dis_ev_cstr(&ev, "security_policy", "Basic128Rsa15");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_OPCUA_SECURITY);
	mkev("opcua", "open_secure_channel", DIS_FC_SESSION);
	dis_ev_cstr(&ev, "security_policy", "Basic256Sha256");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 0);
	mkev("opcua", "open_secure_channel", DIS_FC_SESSION);
	dis_ev_cstr(&ev, "security_policy", "None");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	/* anomalies and responses are not operations */
	mkev("opcua", "write", DIS_FC_WRITE);
	ev.flags = DIS_EV_ANOMALY;
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 0);
	rule_policy_free(p);
}
END_TEST

START_TEST(eval_builtin_ops)
{
	struct rule_policy *p = rule_policy_builtin();
	struct fx x;
	struct rule_verdict v[RULE_MAX_VERDICTS];
	facts(&x, p, "10.0.0.1", "10.0.0.2", 502, "modbus");
	static const struct {
		enum dis_fclass fc;
		unsigned n;
	} t[] = { { DIS_FC_READ, 0 }, { DIS_FC_WRITE, 0 }, { DIS_FC_PROGRAM, 1 },
		  { DIS_FC_CONTROL, 1 }, { DIS_FC_DIAGNOSTIC, 0 }, { DIS_FC_SESSION, 0 } };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		mkev("modbus", "op", t[i].fc);
		ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), t[i].n);
	}
	mkev("opcua", "write", DIS_FC_WRITE);
	dis_ev_cstr(&ev, "identity_token", "anonymous");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_OPCUA_ANON_WRITE);
	rule_policy_free(p);
}
END_TEST

START_TEST(design_data_patterns)
{
	struct rule_policy *p = rule_policy_builtin();
	const char *pat = NULL;
	static const struct {
		const char *name;
		int match;
	} t[] = { { "plc-project.zap16", 1 }, { "/pub/board.GBR", 1 }, { "BOM_rev3.xlsx", 1 },
		  { "firmware.bin", 1 }, { "dir\\cell.step", 1 }, { "index.html", 0 },
		  { "readme.txt", 0 }, { "", 0 } };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(rule_design_data(p, t[i].name, strlen(t[i].name), &pat) == t[i].match,
			      "%s", t[i].name);
	rule_policy_free(p);
	static const char y[] = "zones: { a: { networks: [10.0.0.0/8] } }\n"
				"hygiene: { design_data: ['*.secret'] }\n";
	p = load(y);
	ck_assert_ptr_nonnull(p);
	ck_assert(rule_design_data(p, "x.SECRET", 8, &pat));
	ck_assert_str_eq(pat, "*.secret");
	ck_assert(!rule_design_data(p, "x.bin", 5, &pat));
	rule_policy_free(p);
}
END_TEST

START_TEST(eval_transfers)
{
	struct rule_policy *p = plant_policy();
	struct fx x;
	struct rule_verdict v[RULE_MAX_VERDICTS];
	/* FTP download across zones: high; design data: critical */
	facts(&x, p, "10.20.5.50", "10.10.3.10", 21, "ftp");
	mkev("modbus", "ftp_download", DIS_FC_OTHER);
	ev.proto = NULL; /* set below: no ftp dissector in the registry yet */
	static struct dis_proto ftp = { .name = "ftp", .label = "FTP" };
	static struct dis_proto http = { .name = "http", .label = "HTTP" };
	static struct dis_proto smtp = { .name = "smtp", .label = "SMTP" };
	ev.proto = &ftp;
	dis_ev_cstr(&ev, "file.name", "notes.txt");
	dis_ev_cstr(&ev, "outcome", "acknowledged");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_CLEARTEXT_FILE);
	ck_assert_uint_eq(v[0].sev, RULE_SEV_HIGH);
	memset(&ev, 0, sizeof(ev));
	ev.proto = &ftp;
	ev.action = "ftp_upload";
	ev.fclass = DIS_FC_OTHER;
	dis_ev_cstr(&ev, "file.name", "plc-project.zap16");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_uint_eq(v[0].sev, RULE_SEV_CRITICAL);
	ck_assert_ptr_nonnull(strstr(v[0].seen, "FTP upload of 'plc-project.zap16'"));
	/* inside one zone: nothing */
	facts(&x, p, "10.10.1.5", "10.10.1.6", 21, "ftp");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 0);
	/* HTTP: only design data counts */
	facts(&x, p, "10.20.5.50", "10.10.3.10", 80, "http");
	memset(&ev, 0, sizeof(ev));
	ev.proto = &http;
	ev.action = "http_request";
	dis_ev_cstr(&ev, "file.name", "index.html");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 0);
	memset(&ev, 0, sizeof(ev));
	ev.proto = &http;
	ev.action = "http_request";
	dis_ev_cstr(&ev, "file.name", "firmware.bin");
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_uint_eq(v[0].sev, RULE_SEV_CRITICAL);
	/* SMTP without STARTTLS */
	facts(&x, p, "10.20.5.50", "10.10.3.10", 25, "smtp");
	memset(&ev, 0, sizeof(ev));
	ev.proto = &smtp;
	ev.action = "smtp_session";
	dis_ev_bool(&ev, "starttls", 0);
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_CLEARTEXT);
	memset(&ev, 0, sizeof(ev));
	ev.proto = &smtp;
	ev.action = "smtp_session";
	dis_ev_bool(&ev, "starttls", 1);
	ck_assert_uint_eq(rule_eval_event(p, &x.ff, &ev, v, RULE_MAX_VERDICTS), 0);
	rule_policy_free(p);
}
END_TEST

START_TEST(eval_remote_site_initiated)
{
	static const char y[] =
		"zones:\n  eng: { networks: [10.10.3.0/24] }\n  ctl: { networks: [10.10.1.0/24] }\n"
		"remote_access:\n  approved:\n    - { name: out, from: eng, to: external, protocol: teamviewer }\n";
	struct rule_policy *p = rule_policy_load_mem("t.yaml", y, strlen(y), known_proto, NULL, &err);
	if (!p)
		dump_errors();
	ck_assert_ptr_nonnull(p);
	struct fx x;
	struct rule_verdict v[RULE_MAX_VERDICTS];
	const char *by;
	/* the site opens the session to the vendor: approved */
	facts(&x, p, "10.10.3.10", "203.0.113.5", 5938, "teamviewer");
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 0);
	ck_assert_int_eq(rule_remote_session(p, &x.ff, &by), 1);
	ck_assert_str_eq(by, "out");
	/* the vendor opens it: not approved */
	facts(&x, p, "203.0.113.5", "10.10.3.10", 5938, "teamviewer");
	ck_assert_uint_eq(rule_eval_flow(p, &x.ff, v, RULE_MAX_VERDICTS), 1);
	ck_assert_int_eq(v[0].kind, RULE_REMOTE_ACCESS);
	ck_assert_int_eq(rule_remote_session(p, &x.ff, &by), 1);
	ck_assert_ptr_null(by);
	/* inside a zone: no session record */
	facts(&x, p, "10.10.1.5", "10.10.1.6", 22, "ssh");
	ck_assert_int_eq(rule_remote_session(p, &x.ff, &by), 0);
	rule_policy_free(p);
}
END_TEST

START_TEST(load_scans)
{
	static const char y[] = "zones: { a: { networks: [10.0.0.0/8] } }\n"
				"windows: { sat: { from: 2026-11-01, until: 2026-11-30 } }\n"
				"scans: { ports: 50, interval: 2m, modbus_units: 4,\n"
				"         allowed: [ { from: a, window: sat } ] }\n";
	struct rule_policy *p = load(y);
	if (!p)
		dump_errors();
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->scans.ports, 50);
	ck_assert_uint_eq(p->scans.hosts, 20);
	ck_assert_uint_eq(p->scans.modbus_units, 4);
	ck_assert_uint_eq(p->scans.interval_us, 120ull * SEC);
	ck_assert_uint_eq(p->scans.nallow, 1);
	ck_assert_uint_eq(p->scans.allow[0].window, 0);
	rule_policy_free(p);
	ck_assert_ptr_null(load("zones: { a: { networks: [10.0.0.0/8] } }\nscans: { ports: 1 }\n"));
	ck_assert(has_error("ports: '1' is not a number in 2..65535"));
	ck_assert_ptr_null(load("zones: { a: { networks: [10.0.0.0/8] } }\nscans: { allowed: [ { from: b } ] }\n"));
	ck_assert(has_error("unknown zone 'b'"));
}
END_TEST

START_TEST(alert_names)
{
	for (int k = 0; k < RULE_KIND__COUNT; k++) {
		ck_assert(strncmp(rule_kind_id((enum rule_kind)k), "ZW-", 3) == 0);
		ck_assert_str_ne(rule_kind_name((enum rule_kind)k), "unknown");
	}
	ck_assert_int_eq(rule_sev_syslog(RULE_SEV_CRITICAL), 2);
	ck_assert_int_eq(rule_sev_syslog(RULE_SEV_INFO), 6);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("rule");
	TCase *t = tcase_create("load");
	tcase_add_test(t, load_plant_summary);
	tcase_add_test(t, load_json);
	tcase_add_loop_test(t, load_errors, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(t, load_many_errors_reported);
	tcase_add_test(t, load_garbage_never_crashes);
	tcase_add_test(t, load_file_errors);
	suite_add_tcase(s, t);
	t = tcase_create("lookup");
	tcase_add_test(t, lookup_zones_and_assets);
	tcase_add_test(t, lookup_vlans);
	tcase_add_test(t, lpm_longest_prefix);
	tcase_add_test(t, public_addresses);
	tcase_add_test(t, window_hours);
	suite_add_tcase(s, t);
	t = tcase_create("eval");
	tcase_add_loop_test(t, eval_flow_table, 0, (int)(sizeof(flow_table) / sizeof(flow_table[0])));
	tcase_add_test(t, eval_flow_texts);
	tcase_add_test(t, eval_remote_approved_in_period);
	tcase_add_test(t, eval_hygiene);
	tcase_add_test(t, eval_builtin);
	tcase_add_loop_test(t, eval_op_table, 0, (int)(sizeof(op_table) / sizeof(op_table[0])));
	tcase_add_test(t, eval_op_window_open);
	tcase_add_test(t, eval_op_modbus_span);
	tcase_add_test(t, eval_op_s7_areas);
	tcase_add_test(t, eval_op_opcua);
	tcase_add_test(t, eval_builtin_ops);
	tcase_add_test(t, alert_names);
	tcase_add_test(t, design_data_patterns);
	tcase_add_test(t, eval_transfers);
	tcase_add_test(t, eval_remote_site_initiated);
	tcase_add_test(t, load_scans);
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
