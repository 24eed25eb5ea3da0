/* rule_sat.c - observed vs approved bookkeeping for `zonewatch sat`.
 * See rule_sat.h; the report format is documented in docs/sat.md.
 */
#include "config.h"

#include "rules/rule_sat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "capture/dec.h"
#include "capture/flow.h"
#include "dissectors/dis.h"
#include "dissectors/dis_ndpi.h"
#include "rules/rule_model.h"
#include "rules/rule_run.h"

#define FC_FLOW 0xffu /* entry of a whole flow, not of an operation */

struct sat_example {
	uint64_t flow_id, first_us;
	uint8_t ver, l4;
	uint8_t addr[2][16];
	uint16_t port[2];
};

struct sat_stat {
	uint64_t first_us, last_us;
	uint64_t flows, answered, pkts, bytes, ops;
	uint64_t ops_by_class[DIS_FC__COUNT];
	uint64_t last_flow_id;     /* flows are counted once per entry */
	unsigned nex;
	struct sat_example ex[RULE_SAT_MAX_EXAMPLES];
};

/* Observed but not approved (or inside one zone). */
struct sat_obs {
	uint64_t hash;
	uint16_t zone[2], conduit;
	uint8_t status;            /* enum rule_match */
	uint8_t l4, fclass;        /* fclass FC_FLOW for flow entries */
	uint16_t port;
	uint32_t rule;             /* operation entries: rule carrying the flow, or UINT32_MAX */
	char proto[32];
	const char *action;        /* static, operation entries; the first seen */
	struct sat_stat st;
};

struct sat_unknown {
	uint8_t ver, addr[16];
	struct sat_stat st;
};

struct sat_remote {
	struct sat_example ex;
	char proto[32];
	uint16_t zone[2];
	uint32_t entry;            /* approved remote_access entry, UINT32_MAX if none */
	uint64_t last_us, pkts, bytes;
};

struct sat_alert {
	uint64_t hash;
	uint8_t kind, sev;
	uint64_t count, first_us, last_us;
	char conduit[64], prule[64], proto[32];
	char message[384], seen[192], allowed[256];
};

struct rule_sat {
	const struct rule_policy *pol;
	struct dis_ndpi *nd;
	struct rule_sat_config cfg;
	/* per allow-rule, conduit by conduit */
	uint32_t *rule_base;       /* index of conduit c's first rule in rules[] */
	struct sat_stat *rules;
	uint32_t nrules;
	struct sat_stat *remote_entries; /* per approved remote_access entry */
	struct sat_obs *obs;
	uint32_t nobs;
	struct sat_unknown *unk;
	uint32_t nunk;
	struct sat_remote *rem;
	uint32_t nrem;
	struct sat_alert *alerts;
	uint32_t nalerts;
	uint64_t obs_full, unk_full, rem_full, alerts_full;
	uint64_t flows_in, flows_out;  /* flows inside / outside the window */
	uint64_t ops_in;
};

/* ---- small helpers ---- */

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

void rule_sat_time(uint64_t us, char *buf, size_t len)
{
	time_t t = (time_t)(us / 1000000u);
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(us % 1000000u));
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int rule_sat_parse_time(const char *s, uint64_t *us)
{
	int y, mo, d, h, mi, se;
	size_t n = strlen(s);
	if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    s[13] != ':' || s[16] != ':' || digits(s, 4, &y) || digits(s + 5, 2, &mo) ||
	    digits(s + 8, 2, &d) || digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
	    digits(s + 17, 2, &se))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	const char *p = s + 19;
	uint64_t frac = 0;
	if (*p == '.') {
		int k = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, k++)
			if (k < 6)
				frac = frac * 10 + (uint64_t)(*p - '0');
		if (k == 0)
			return -1;
		for (; k < 6; k++)
			frac *= 10;
	}
	int64_t off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		if (strlen(p) != 6 || p[3] != ':' || digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) ||
		    oh > 23 || om > 59)
			return -1;
		off = (oh * 60 + om) * 60 * (*p == '+' ? 1 : -1);
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
	if (secs < 0)
		return -1;
	*us = (uint64_t)secs * 1000000u + frac;
	return 0;
}

int rule_sat_parse_duration(const char *s, uint64_t *us)
{
	char *end;
	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t mul = 1;
	if (*end == 's')
		end++;
	else if (*end == 'm')
		mul = 60, end++;
	else if (*end == 'h')
		mul = 3600, end++;
	else if (*end == 'd')
		mul = 86400, end++;
	if (*end || v == 0 || v > 100ull * 365 * 86400 / mul)
		return -1;
	*us = (uint64_t)v * mul * 1000000u;
	return 0;
}

void rule_sat_net_str(const struct rule_net *n, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	if (!inet_ntop(n->ver == 6 ? AF_INET6 : AF_INET, n->addr, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	snprintf(buf, len, "%s/%u", ip, n->plen);
}

/* ---- facts ---- */

const char *rule_sat_proto(const struct rule_flow_facts *ff)
{
	/* nDPI's application name is the most specific ("ftp_data" under
	 * "ftp_control"), but our dissector's name wins. */
	if (ff->names[0])
		return ff->names[0];
	if (ff->names[2])
		return ff->names[2];
	if (ff->names[1])
		return ff->names[1];
	return "unknown";
}

/* ---- life cycle ---- */

struct rule_sat *rule_sat_new(const struct rule_policy *p, struct dis_ndpi *nd,
			      const struct rule_sat_config *cfg)
{
	struct rule_sat *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->pol = p;
	s->nd = nd;
	s->cfg = *cfg;
	if (s->cfg.max_examples > RULE_SAT_MAX_EXAMPLES)
		s->cfg.max_examples = RULE_SAT_MAX_EXAMPLES;
	s->rule_base = calloc(p->nconduits + 1u, sizeof(*s->rule_base));
	if (!s->rule_base)
		goto fail;
	for (uint32_t c = 0; c < p->nconduits; c++) {
		s->rule_base[c] = s->nrules;
		s->nrules += p->conduits[c].nallow;
	}
	s->rules = calloc(s->nrules + 1u, sizeof(*s->rules));
	s->remote_entries = calloc(p->nremote + 1u, sizeof(*s->remote_entries));
	s->obs = calloc(RULE_SAT_OBS_ENTRIES, sizeof(*s->obs));
	s->unk = calloc(RULE_SAT_UNKNOWN_ENTRIES, sizeof(*s->unk));
	s->rem = calloc(RULE_SAT_REMOTE_ENTRIES, sizeof(*s->rem));
	s->alerts = calloc(RULE_SAT_ALERT_ENTRIES, sizeof(*s->alerts));
	if (!s->rules || !s->remote_entries || !s->obs || !s->unk || !s->rem || !s->alerts)
		goto fail;
	return s;
fail:
	rule_sat_free(s);
	return NULL;
}

void rule_sat_free(struct rule_sat *s)
{
	if (!s)
		return;
	free(s->rule_base);
	free(s->rules);
	free(s->remote_entries);
	free(s->obs);
	free(s->unk);
	free(s->rem);
	free(s->alerts);
	free(s);
}

void rule_sat_window(struct rule_sat *s, uint64_t from_us, uint64_t until_us)
{
	s->cfg.from_us = from_us;
	s->cfg.until_us = until_us;
}

/* [a, b] overlaps the window */
static int in_window(const struct rule_sat *s, uint64_t a, uint64_t b)
{
	if (s->cfg.from_us && b < s->cfg.from_us)
		return 0;
	if (s->cfg.until_us && a >= s->cfg.until_us)
		return 0;
	return 1;
}

/* ---- accounting ---- */

static void example_of(const struct flow *f, struct sat_example *e)
{
	memset(e, 0, sizeof(*e));
	e->flow_id = f->id;
	e->first_us = f->first_us;
	e->ver = f->key.ip_ver;
	e->l4 = f->key.l4_proto;
	for (int d = 0; d < 2; d++) {
		memcpy(e->addr[d], flow_addr(f, d), 16);
		e->port[d] = flow_port(f, d);
	}
}

static void stat_time(struct sat_stat *st, uint64_t a, uint64_t b)
{
	if (!st->first_us || a < st->first_us)
		st->first_us = a;
	if (b > st->last_us)
		st->last_us = b;
}

/* Counts flow f once in st (flow totals, example). */
static void stat_flow(const struct rule_sat *s, struct sat_stat *st, const struct flow *f)
{
	stat_time(st, f->first_us, f->last_us);
	if (st->last_flow_id == f->id)
		return;
	st->last_flow_id = f->id;
	st->flows++;
	if (f->pkts[1])
		st->answered++;
	if (st->nex < s->cfg.max_examples)
		example_of(f, &st->ex[st->nex++]);
}

static void stat_bytes(struct sat_stat *st, const struct flow *f)
{
	st->pkts += f->pkts[0] + f->pkts[1];
	st->bytes += f->bytes[0] + f->bytes[1];
}

static struct sat_obs *obs_get(struct rule_sat *s, const struct rule_flow_facts *ff, int status,
			       uint16_t conduit, uint32_t rule, const char *proto, uint8_t fclass)
{
	struct sat_obs k;
	memset(&k, 0, sizeof(k));
	k.zone[0] = ff->zone[0];
	k.zone[1] = ff->zone[1];
	k.status = (uint8_t)status;
	k.conduit = conduit;
	k.rule = rule;
	k.l4 = ff->l4;
	k.port = ff->port[1];
	k.fclass = fclass;
	copy_str(k.proto, sizeof(k.proto), proto);
	/* unknown assets: one entry per address in no zone as well */
	uint64_t h = rule_hash(RULE_HASH_SEED, k.zone, sizeof(k.zone));
	h = rule_hash(h, &k.status, 1);
	h = rule_hash(h, &k.conduit, sizeof(k.conduit));
	h = rule_hash(h, &k.rule, sizeof(k.rule));
	h = rule_hash(h, &k.l4, 1);
	h = rule_hash(h, &k.port, 2);
	h = rule_hash(h, &k.fclass, 1);
	h = rule_hash(h, k.proto, strlen(k.proto));
	/* Linear search over the entries of this hash: the table is small
	 * and a SAT is an offline run. */
	for (uint32_t i = 0; i < s->nobs; i++) {
		struct sat_obs *o = &s->obs[i];
		if (o->hash == h && o->zone[0] == k.zone[0] && o->zone[1] == k.zone[1] &&
		    o->status == k.status && o->conduit == k.conduit && o->rule == k.rule &&
		    o->l4 == k.l4 && o->port == k.port && o->fclass == k.fclass &&
		    strcmp(o->proto, k.proto) == 0)
			return o;
	}
	if (s->nobs >= RULE_SAT_OBS_ENTRIES) {
		s->obs_full++;
		return NULL;
	}
	struct sat_obs *o = &s->obs[s->nobs++];
	*o = k;
	o->hash = h;
	return o;
}

static void unknown_add(struct rule_sat *s, const struct flow *f, const uint8_t *addr)
{
	struct sat_unknown *u = NULL;
	for (uint32_t i = 0; i < s->nunk; i++)
		if (s->unk[i].ver == f->key.ip_ver && memcmp(s->unk[i].addr, addr, 16) == 0) {
			u = &s->unk[i];
			break;
		}
	if (!u) {
		if (s->nunk >= RULE_SAT_UNKNOWN_ENTRIES) {
			s->unk_full++;
			return;
		}
		u = &s->unk[s->nunk++];
		u->ver = f->key.ip_ver;
		memcpy(u->addr, addr, 16);
	}
	stat_flow(s, &u->st, f);
	stat_bytes(&u->st, f);
}

void rule_sat_flow(struct rule_sat *s, const struct flow *f)
{
	if (!in_window(s, f->first_us, f->last_us)) {
		s->flows_out++;
		return;
	}
	s->flows_in++;
	struct rule_facts_buf b;
	rule_flow_facts(s->pol, s->nd, f, NULL, NULL, f->first_us, &b);
	const struct rule_flow_facts *ff = &b.ff;
	uint16_t c;
	uint32_t r;
	int m = rule_match_flow(s->pol, ff, &c, &r);
	for (int d = 0; d < 2; d++)
		if (ff->zone[d] == RULE_NONE && !(m == RULE_MATCH_REMOTE && d == 0 &&
						   rule_addr_is_public(ff->addr[0], ff->ip_ver)))
			unknown_add(s, f, ff->addr[d]);
	if (m == RULE_MATCH_ALLOWED) {
		struct sat_stat *st = &s->rules[s->rule_base[c] + r];
		stat_flow(s, st, f);
		stat_bytes(st, f);
	} else if (m == RULE_MATCH_REMOTE) {
		if (r != UINT32_MAX) {
			stat_flow(s, &s->remote_entries[r], f);
			stat_bytes(&s->remote_entries[r], f);
		}
		if (s->nrem >= RULE_SAT_REMOTE_ENTRIES) {
			s->rem_full++;
		} else {
			struct sat_remote *e = &s->rem[s->nrem++];
			example_of(f, &e->ex);
			copy_str(e->proto, sizeof(e->proto), rule_sat_proto(ff));
			e->zone[0] = ff->zone[0];
			e->zone[1] = ff->zone[1];
			e->entry = r;
			e->last_us = f->last_us;
			e->pkts = f->pkts[0] + f->pkts[1];
			e->bytes = f->bytes[0] + f->bytes[1];
		}
	} else {
		struct sat_obs *o = obs_get(s, ff, m, c, UINT32_MAX, rule_sat_proto(ff), FC_FLOW);
		if (o) {
			stat_flow(s, &o->st, f);
			stat_bytes(&o->st, f);
		}
	}
	/* operation entries this flow touched get its packets and bytes */
	for (uint32_t i = 0; i < s->nobs; i++) {
		struct sat_obs *o = &s->obs[i];
		if (o->fclass != FC_FLOW && o->st.last_flow_id == f->id)
			stat_bytes(&o->st, f);
	}
}

void rule_sat_event(struct rule_sat *s, const struct dis_event *ev)
{
	if (ev->flags & (DIS_EV_ANOMALY | DIS_EV_RESPONSE) || !ev->flow)
		return;
	/* The passive session dissectors (SSH, RDP, FTP, ...) attribute flows
	 * that the flow-level bookkeeping and remote_access already judge;
	 * their events are not operations of a conduit. */
	if (ev->proto && ev->proto->passive)
		return;
	if (!in_window(s, ev->ts_us, ev->ts_us))
		return;
	const struct flow *f = ev->flow;
	uint64_t n = ev->count ? ev->count : 1;
	unsigned fc = ev->fclass < DIS_FC__COUNT ? ev->fclass : DIS_FC_OTHER;
	s->ops_in += n;
	struct rule_facts_buf b;
	rule_flow_facts(s->pol, s->nd, f, NULL, NULL, ev->ts_us, &b);
	uint16_t c;
	uint32_t r;
	int m = rule_match_op(s->pol, &b.ff, ev, &c, &r);
	struct sat_stat *st;
	if (m == RULE_MATCH_ALLOWED) {
		st = &s->rules[s->rule_base[c] + r];
	} else {
		const char *proto = ev->proto ? ev->proto->name : rule_sat_proto(&b.ff);
		struct sat_obs *o = obs_get(s, &b.ff, m, c, r, proto, (uint8_t)fc);
		if (!o)
			return;
		if (!o->action)
			o->action = ev->action;
		st = &o->st;
		if (st->last_flow_id != f->id) {
			st->last_flow_id = f->id;
			st->flows++;
			if (st->nex < s->cfg.max_examples)
				example_of(f, &st->ex[st->nex++]);
		}
	}
	stat_time(st, ev->ts_us, ev->ts_us);
	st->ops += n;
	st->ops_by_class[fc] += n;
}

void rule_sat_alert(struct rule_sat *s, const struct rule_alert *a)
{
	if (a->phase == RULE_ALERT_END)
		return;
	if (!in_window(s, a->first_us, a->last_us))
		return;
	/* A repeat record carries the first record's seen and allowed texts
	 * (its message is prefixed "N more: "): they are the key. */
	uint64_t h = rule_hash(RULE_HASH_SEED, &a->kind, sizeof(a->kind));
	h = rule_hash(h, a->seen, strlen(a->seen));
	h = rule_hash(h, a->allowed, strlen(a->allowed));
	struct sat_alert *e = NULL;
	for (uint32_t i = 0; i < s->nalerts; i++)
		if (s->alerts[i].hash == h && s->alerts[i].kind == a->kind &&
		    strcmp(s->alerts[i].seen, a->seen) == 0 &&
		    strcmp(s->alerts[i].allowed, a->allowed) == 0) {
			e = &s->alerts[i];
			break;
		}
	if (!e) {
		if (s->nalerts >= RULE_SAT_ALERT_ENTRIES) {
			/* Keep the verdict right: a failing alert replaces the
			 * last passing one; otherwise it is only counted. */
			s->alerts_full++;
			if (a->severity < s->cfg.fail_severity)
				return;
			uint32_t i = s->nalerts;
			while (i > 0 && s->alerts[i - 1].sev >= s->cfg.fail_severity)
				i--;
			if (i == 0)
				return;
			e = &s->alerts[i - 1];
		} else {
			e = &s->alerts[s->nalerts++];
		}
		memset(e, 0, sizeof(*e));
		e->hash = h;
		e->kind = (uint8_t)a->kind;
		e->sev = a->severity;
		e->first_us = a->first_us;
		copy_str(e->conduit, sizeof(e->conduit), a->conduit);
		copy_str(e->prule, sizeof(e->prule), a->policy_rule);
		copy_str(e->proto, sizeof(e->proto), a->protocol);
		copy_str(e->message, sizeof(e->message), a->message);
		copy_str(e->seen, sizeof(e->seen), a->seen);
		copy_str(e->allowed, sizeof(e->allowed), a->allowed);
	}
	e->count += a->count;
	if (a->first_us < e->first_us)
		e->first_us = a->first_us;
	if (a->last_us > e->last_us)
		e->last_us = a->last_us;
	if (a->severity > e->sev)
		e->sev = a->severity;
}

/* ---- verdict ---- */

/* A rule is exercised by a flow the server answered: a SYN scan of an
 * approved port proves nothing about the conduit. */
static int rule_exercised(const struct sat_stat *st)
{
	return st->answered > 0;
}

int rule_sat_passed(const struct rule_sat *s)
{
	for (uint32_t i = 0; i < s->nalerts; i++)
		if (s->alerts[i].sev >= s->cfg.fail_severity)
			return 0;
	if (s->cfg.require_exercised)
		for (uint32_t i = 0; i < s->nrules; i++)
			if (!rule_exercised(&s->rules[i]))
				return 0;
	return 1;
}

/* ---- report ---- */

static struct json_object *jstr(const char *v)
{
	return v ? json_object_new_string(v) : NULL;
}

static struct json_object *jint(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static struct json_object *jtime(uint64_t us)
{
	char t[40];
	if (!us)
		return NULL;
	rule_sat_time(us, t, sizeof(t));
	return json_object_new_string(t);
}

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static const char *zname(const struct rule_policy *p, uint16_t z)
{
	return z < p->nzones ? p->zones[z].name : NULL;
}

static struct json_object *j_endpoint(const uint8_t *addr, uint8_t ver, uint16_t port)
{
	char ip[64], buf[80];
	dec_addr_str(addr, ver, ip, sizeof(ip));
	snprintf(buf, sizeof(buf), ver == 6 ? "[%s]:%u" : "%s:%u", ip, port);
	return json_object_new_string(buf);
}

static struct json_object *j_example(const struct sat_example *e)
{
	struct json_object *o = json_object_new_object();
	add(o, "flow_id", jint(e->flow_id));
	add(o, "start", jtime(e->first_us));
	add(o, "client", j_endpoint(e->addr[0], e->ver, e->port[0]));
	add(o, "server", j_endpoint(e->addr[1], e->ver, e->port[1]));
	add(o, "transport", jstr(e->l4 == 17 ? "udp" : e->l4 == 6 ? "tcp" : "other"));
	return o;
}

static void j_stat(struct json_object *o, const struct sat_stat *st)
{
	add(o, "first", jtime(st->first_us));
	add(o, "last", jtime(st->last_us));
	add(o, "flows", jint(st->flows));
	add(o, "flows_answered", jint(st->answered));
	add(o, "operations", jint(st->ops));
	struct json_object *byc = json_object_new_object();
	for (int fc = 0; fc < DIS_FC__COUNT; fc++)
		if (st->ops_by_class[fc])
			add(byc, dis_fclass_name((enum dis_fclass)fc), jint(st->ops_by_class[fc]));
	add(o, "operations_by_class", byc);
	add(o, "packets", jint(st->pkts));
	add(o, "bytes", jint(st->bytes));
	struct json_object *ex = json_object_new_array();
	for (unsigned i = 0; i < st->nex; i++)
		json_object_array_add(ex, j_example(&st->ex[i]));
	add(o, "examples", ex);
}

static void ranges_json(struct json_object *arr, const struct rule_ranges *r)
{
	char b[32];
	for (uint32_t i = 0; i < r->n; i++) {
		if (r->r[i].lo == r->r[i].hi)
			snprintf(b, sizeof(b), "%u", r->r[i].lo);
		else
			snprintf(b, sizeof(b), "%u-%u", r->r[i].lo, r->r[i].hi);
		json_object_array_add(arr, json_object_new_string(b));
	}
}

static struct json_object *j_allow(const struct rule_allow *a)
{
	struct json_object *o = json_object_new_object();
	struct json_object *pr = json_object_new_array();
	for (uint32_t i = 0; i < a->protos.n; i++)
		json_object_array_add(pr, json_object_new_string(a->protos.s[i]));
	add(o, "protocols", pr);
	add(o, "transport", jstr(a->transport == 6 ? "tcp" : a->transport == 17 ? "udp" : "any"));
	struct json_object *ports = json_object_new_array();
	ranges_json(ports, &a->ports);
	add(o, "ports", ports);
	struct json_object *fcs = json_object_new_array();
	for (int f = 0; f < DIS_FC__COUNT; f++)
		if (a->fclass_mask >> f & 1)
			json_object_array_add(fcs, json_object_new_string(
							   dis_fclass_name((enum dis_fclass)f)));
	add(o, "functions", fcs);
	return o;
}

static const char *status_name(int m)
{
	switch (m) {
	case RULE_MATCH_INTRA_ZONE: return "intra_zone";
	case RULE_MATCH_NO_ZONE: return "no_zone";
	case RULE_MATCH_NO_CONDUIT: return "no_conduit";
	case RULE_MATCH_NOT_ALLOWED: return "not_allowed";
	default: return "other";
	}
}

static const char *alert_category(enum rule_kind k)
{
	switch (k) {
	case RULE_NO_CONDUIT:
	case RULE_UNAPPROVED_PROTOCOL: return "flow";
	case RULE_UNKNOWN_ASSET:
	case RULE_NEW_ASSET: return "asset";
	case RULE_UNAPPROVED_OPERATION:
	case RULE_OUTSIDE_WINDOW: return "operation";
	case RULE_REMOTE_ACCESS:
	case RULE_REMOTE_EXPIRED: return "remote_access";
	default: return "hygiene";
	}
}

static struct json_object *j_conduits(const struct rule_sat *s, struct json_object *reasons,
				      struct json_object *warnings)
{
	const struct rule_policy *p = s->pol;
	struct json_object *arr = json_object_new_array();
	char line[512];
	for (uint32_t c = 0; c < p->nconduits; c++) {
		const struct rule_conduit *cd = &p->conduits[c];
		struct json_object *o = json_object_new_object();
		add(o, "name", jstr(cd->name));
		add(o, "from", jstr(zname(p, cd->from)));
		add(o, "to", jstr(zname(p, cd->to)));
		add(o, "bidirectional", json_object_new_boolean(cd->bidir));
		int any = 0;
		struct json_object *rules = json_object_new_array();
		for (uint32_t j = 0; j < cd->nallow; j++) {
			const struct sat_stat *st = &s->rules[s->rule_base[c] + j];
			struct json_object *r = json_object_new_object();
			add(r, "name", jstr(cd->allow[j].label));
			add(r, "allows", j_allow(&cd->allow[j]));
			add(r, "exercised", json_object_new_boolean(rule_exercised(st)));
			j_stat(r, st);
			json_object_array_add(rules, r);
			if (rule_exercised(st)) {
				any = 1;
				continue;
			}
			snprintf(line, sizeof(line),
				 "SAT-UNEXERCISED conduit %s rule %s: approved but never exercised",
				 cd->name, cd->allow[j].label);
			json_object_array_add(s->cfg.require_exercised ? reasons : warnings,
					      json_object_new_string(line));
		}
		add(o, "exercised", json_object_new_boolean(any));
		add(o, "rules", rules);
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *j_obs(const struct rule_sat *s, int intra)
{
	const struct rule_policy *p = s->pol;
	struct json_object *arr = json_object_new_array();
	for (uint32_t i = 0; i < s->nobs; i++) {
		const struct sat_obs *ob = &s->obs[i];
		if ((ob->status == RULE_MATCH_INTRA_ZONE) != intra)
			continue;
		struct json_object *o = json_object_new_object();
		add(o, "status", jstr(status_name(ob->status)));
		add(o, "client_zone", jstr(zname(p, ob->zone[0])));
		add(o, "server_zone", jstr(zname(p, ob->zone[1])));
		add(o, "conduit", jstr(ob->conduit < p->nconduits ? p->conduits[ob->conduit].name : NULL));
		add(o, "policy_rule", jstr(ob->conduit < p->nconduits && ob->rule != UINT32_MAX ?
				       p->conduits[ob->conduit].allow[ob->rule].label : NULL));
		add(o, "protocol", jstr(ob->proto));
		add(o, "transport", jstr(ob->l4 == 17 ? "udp" : ob->l4 == 6 ? "tcp" : "other"));
		add(o, "port", jint(ob->port));
		add(o, "function_class", jstr(ob->fclass == FC_FLOW ? NULL :
					      dis_fclass_name((enum dis_fclass)ob->fclass)));
		add(o, "action", jstr(ob->fclass == FC_FLOW ? NULL : ob->action));
		j_stat(o, &ob->st);
		json_object_array_add(arr, o);
	}
	return arr;
}

struct json_object *rule_sat_report(const struct rule_sat *s, const struct rule_sat_meta *m)
{
	const struct rule_policy *p = s->pol;
	struct json_object *root = json_object_new_object();
	struct json_object *reasons = json_object_new_array();
	struct json_object *warnings = json_object_new_array();
	char line[700];
	if (!root || !reasons || !warnings) {
		json_object_put(root);
		json_object_put(reasons);
		json_object_put(warnings);
		return NULL;
	}
	add(root, "report", jstr("zonewatch-sat"));
	add(root, "schema_version", jint(1));
	add(root, "zonewatch_version", jstr(m->version));
	add(root, "command_line", jstr(m->command_line));
	struct json_object *po = json_object_new_object();
	add(po, "path", jstr(m->policy_path));
	add(po, "sha256", jstr(m->policy_sha256));
	add(po, "site", jstr(p->site));
	add(root, "policy", po);
	struct json_object *in = json_object_new_array();
	for (unsigned i = 0; i < m->ninputs; i++) {
		struct json_object *o = json_object_new_object();
		add(o, "path", jstr(m->inputs[i].path));
		add(o, "sha256", jstr(m->inputs[i].sha256));
		add(o, "bytes", jint(m->inputs[i].bytes));
		json_object_array_add(in, o);
	}
	add(root, "inputs", in);
	struct json_object *cap = json_object_new_object();
	add(cap, "first", jtime(m->first_us));
	add(cap, "last", jtime(m->last_us));
	add(cap, "packets", jint(m->packets));
	add(cap, "bytes", jint(m->bytes));
	add(root, "capture", cap);
	struct json_object *win = NULL;
	if (m->window_text) {
		win = json_object_new_object();
		add(win, "given", jstr(m->window_text));
		add(win, "from", jtime(s->cfg.from_us));
		add(win, "until", jtime(s->cfg.until_us));
	}
	add(root, "baseline_window", win);
	add(root, "fail_severity", jstr(rule_sev_name((enum rule_sev)s->cfg.fail_severity)));
	add(root, "require_exercised", json_object_new_boolean(s->cfg.require_exercised));

	/* Reasons: every alert at or above the threshold, most severe first,
	 * then in order of first occurrence. */
	for (int sev = RULE_SEV__COUNT - 1; sev >= 0; sev--)
		for (uint32_t i = 0; i < s->nalerts; i++) {
			const struct sat_alert *a = &s->alerts[i];
			if (a->sev != sev)
				continue;
			snprintf(line, sizeof(line), "%s %s (%s, x%llu): %s",
				 rule_kind_id((enum rule_kind)a->kind),
				 rule_kind_name((enum rule_kind)a->kind),
				 rule_sev_name((enum rule_sev)a->sev), (unsigned long long)a->count,
				 a->message);
			json_object_array_add(sev >= s->cfg.fail_severity ? reasons : warnings,
					      json_object_new_string(line));
		}
	struct json_object *conduits = j_conduits(s, reasons, warnings);
	if (s->obs_full || s->unk_full || s->rem_full || s->alerts_full) {
		snprintf(line, sizeof(line),
			 "SAT-TABLE-FULL entries not kept: %llu observed, %llu unknown assets, %llu "
			 "remote sessions, %llu alerts (the verdict still counts every failing alert)",
			 (unsigned long long)s->obs_full, (unsigned long long)s->unk_full,
			 (unsigned long long)s->rem_full, (unsigned long long)s->alerts_full);
		json_object_array_add(warnings, json_object_new_string(line));
	}
	add(root, "verdict", jstr(rule_sat_passed(s) ? "PASS" : "FAIL"));
	add(root, "reasons", reasons);
	add(root, "warnings", warnings);

	uint32_t exercised = 0;
	for (uint32_t i = 0; i < s->nrules; i++)
		exercised += rule_exercised(&s->rules[i]) ? 1u : 0u;
	uint32_t nna = 0, nintra = 0;
	for (uint32_t i = 0; i < s->nobs; i++) {
		if (s->obs[i].status == RULE_MATCH_INTRA_ZONE)
			nintra++;
		else
			nna++;
	}
	struct json_object *sum = json_object_new_object();
	add(sum, "flows", jint(s->flows_in));
	add(sum, "flows_outside_window", jint(s->flows_out));
	add(sum, "operations", jint(s->ops_in));
	add(sum, "conduits", jint(p->nconduits));
	add(sum, "allow_rules", jint(s->nrules));
	add(sum, "allow_rules_exercised", jint(exercised));
	add(sum, "not_approved", jint(nna));
	add(sum, "intra_zone", jint(nintra));
	add(sum, "unknown_assets", jint(s->nunk));
	add(sum, "remote_sessions", jint(s->nrem));
	add(sum, "alerts", jint(s->nalerts));
	uint32_t nhyg = 0;
	for (uint32_t i = 0; i < s->nalerts; i++)
		nhyg += strcmp(alert_category((enum rule_kind)s->alerts[i].kind), "hygiene") == 0;
	add(sum, "hygiene_findings", jint(nhyg));
	add(root, "summary", sum);

	add(root, "conduits", conduits);
	add(root, "not_approved", j_obs(s, 0));
	add(root, "intra_zone", j_obs(s, 1));

	struct json_object *ua = json_object_new_array();
	for (uint32_t i = 0; i < s->nunk; i++) {
		char ip[64];
		struct json_object *o = json_object_new_object();
		dec_addr_str(s->unk[i].addr, s->unk[i].ver, ip, sizeof(ip));
		add(o, "ip", jstr(ip));
		add(o, "public", json_object_new_boolean(rule_addr_is_public(s->unk[i].addr,
									      s->unk[i].ver)));
		j_stat(o, &s->unk[i].st);
		json_object_array_add(ua, o);
	}
	add(root, "unknown_assets", ua);

	struct json_object *ra = json_object_new_array();
	for (uint32_t i = 0; i < s->nrem; i++) {
		const struct sat_remote *r = &s->rem[i];
		struct json_object *o = json_object_new_object();
		add(o, "protocol", jstr(r->proto));
		add(o, "client", j_endpoint(r->ex.addr[0], r->ex.ver, r->ex.port[0]));
		add(o, "server", j_endpoint(r->ex.addr[1], r->ex.ver, r->ex.port[1]));
		add(o, "client_zone", jstr(zname(p, r->zone[0])));
		add(o, "server_zone", jstr(zname(p, r->zone[1])));
		add(o, "start", jtime(r->ex.first_us));
		add(o, "end", jtime(r->last_us));
		add(o, "packets", jint(r->pkts));
		add(o, "bytes", jint(r->bytes));
		add(o, "approved_by", jstr(r->entry < p->nremote ? p->remote[r->entry].name : NULL));
		add(o, "flow_id", jint(r->ex.flow_id));
		json_object_array_add(ra, o);
	}
	add(root, "remote_access", ra);

	struct json_object *re = json_object_new_array();
	for (uint32_t i = 0; i < p->nremote; i++) {
		struct json_object *o = json_object_new_object();
		add(o, "name", jstr(p->remote[i].name));
		add(o, "exercised", json_object_new_boolean(rule_exercised(&s->remote_entries[i])));
		j_stat(o, &s->remote_entries[i]);
		json_object_array_add(re, o);
	}
	add(root, "remote_access_approved", re);

	struct json_object *al = json_object_new_array();
	for (uint32_t i = 0; i < s->nalerts; i++) {
		const struct sat_alert *a = &s->alerts[i];
		struct json_object *o = json_object_new_object();
		add(o, "rule_id", jstr(rule_kind_id((enum rule_kind)a->kind)));
		add(o, "rule_name", jstr(rule_kind_name((enum rule_kind)a->kind)));
		add(o, "category", jstr(alert_category((enum rule_kind)a->kind)));
		add(o, "severity", jstr(rule_sev_name((enum rule_sev)a->sev)));
		add(o, "fails", json_object_new_boolean(a->sev >= s->cfg.fail_severity));
		add(o, "count", jint(a->count));
		add(o, "first", jtime(a->first_us));
		add(o, "last", jtime(a->last_us));
		add(o, "protocol", jstr(a->proto[0] ? a->proto : NULL));
		add(o, "conduit", jstr(a->conduit[0] ? a->conduit : NULL));
		add(o, "policy_rule", jstr(a->prule[0] ? a->prule : NULL));
		add(o, "message", jstr(a->message));
		add(o, "seen", jstr(a->seen));
		add(o, "allowed", jstr(a->allowed));
		json_object_array_add(al, o);
	}
	add(root, "alerts", al);

	/* zones for the drawing */
	struct json_object *zs = json_object_new_array();
	for (uint32_t z = 0; z < p->nzones; z++) {
		struct json_object *o = json_object_new_object();
		add(o, "name", jstr(p->zones[z].name));
		add(o, "security_level", p->zones[z].security_level >= 0 ?
						 jint((uint64_t)p->zones[z].security_level) : NULL);
		struct json_object *nets = json_object_new_array();
		for (uint32_t k = 0; k < p->zones[z].nnets; k++) {
			char b[80];
			rule_sat_net_str(&p->zones[z].nets[k], b, sizeof(b));
			json_object_array_add(nets, json_object_new_string(b));
		}
		add(o, "networks", nets);
		json_object_array_add(zs, o);
	}
	add(root, "zones", zs);
	return root;
}
