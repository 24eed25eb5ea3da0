/* rule_run.c - flows and events in, deduplicated and enriched alerts out.
 * See rule_run.h. Nothing here runs per packet: flows are judged once (when
 * their protocol is known), events as they come, and alert records are rare.
 */
#include "config.h"

#include "rules/rule_run.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <maxminddb.h>

#include "capture/flow.h"
#include "dissectors/dis.h"
#include "dissectors/dis_ndpi.h"
#include "rules/rule_eval.h"
#include "rules/rule_model.h"

#define HOUR_US (3600ull * 1000000ull)

#define put rule_put

struct dd_entry {
	/* key */
	uint64_t hash;
	uint8_t kind, ip_ver, l4;
	uint8_t addr[2][16];
	uint16_t port;
	uint64_t flow_id;         /* remote sessions: one alert each */
	char proto[32];           /* the protocol, or the verdict's own key */
	char protocol[32];        /* what the summary record names as the protocol */
	const char *action;       /* static string from the dissector, or NULL */
	/* state */
	uint32_t pending;         /* repeats since the last record */
	uint64_t pending_first, pending_last;
	uint64_t last_us;
	/* what a summary record repeats */
	struct rule_alert a;
	struct flow_key fkey;
	uint8_t init_is_lo;
	uint64_t last_flow_id;
	char zone[2][64], asset[2][64], conduit[64], prule[64];
};

struct asset_slot {
	uint8_t used, ver;
	uint8_t addr[16];
};

/* An open remote-access session (flow), for its end record. */
struct sess {
	uint64_t flow_id;         /* 0 = free slot */
	uint8_t ip_ver;
	uint8_t peer[16], target[16];
	int alerted;              /* an alert was raised: its end record carries the session */
	enum rule_kind kind;
	uint8_t sev;
	char seen[192], allowed[256];
	char proto[24], initiated[16], zone[64], approved[64], label[48];
	struct rule_session s;
};

#define RULE_MAX_SESSIONS 1024
#define SCAN_SOURCES 4096
#define SCAN_BITS 1024

/* What one source did within the scan interval. */
struct scan_src {
	uint8_t used, ver;
	uint8_t addr[16];
	uint64_t start_us;
	uint8_t alerted;          /* bit per kind of sweep reported this interval */
	uint64_t ports[SCAN_BITS / 64], hosts[SCAN_BITS / 64];
	uint64_t units[4], fcs[4], szl[SCAN_BITS / 64];
	uint32_t nports, nhosts, nunits, nfcs, nszl, attempts;
};

struct name_cache {
	uint32_t key;             /* master << 16 | app */
	uint8_t valid, has_master, has_app;
	char master[48], app[48], label[64];
};

struct rule_run {
	struct rule_policy *pol;
	uint32_t gen;
	struct dis_ndpi *nd;
	rule_alert_fn fn;
	void *user;
	/* deduplication */
	struct dd_entry **dd;     /* in order of first occurrence */
	uint32_t ndd;
	uint32_t *dd_idx;         /* open addressing: entry index + 1, 0 empty */
	uint32_t dd_mask;
	uint64_t next_summary_us;
	/* new assets */
	struct asset_slot *assets;
	uint32_t nassets;
	uint64_t first_us;
	/* remote sessions */
	struct sess *sess;
	uint32_t nsess;
	/* scans */
	struct scan_src *scan;
	/* nDPI protocol names, direct-mapped by (master, app) */
	struct name_cache names[256];
	/* enrichment */
	MMDB_s geo, asn;
	int have_geo, have_asn;
	struct rule_run_stats st;
};

struct rule_run *rule_run_new(struct rule_policy *p, struct dis_ndpi *nd, rule_alert_fn fn,
			      void *user)
{
	struct rule_run *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->dd = calloc(RULE_DEDUP_ENTRIES, sizeof(*r->dd));
	r->dd_mask = RULE_DEDUP_ENTRIES * 2 - 1;
	r->dd_idx = calloc((size_t)r->dd_mask + 1, sizeof(*r->dd_idx));
	r->assets = calloc(RULE_ASSET_ENTRIES, sizeof(*r->assets));
	r->sess = calloc(RULE_MAX_SESSIONS, sizeof(*r->sess));
	r->scan = calloc(SCAN_SOURCES, sizeof(*r->scan));
	if (!r->dd || !r->dd_idx || !r->assets || !r->sess || !r->scan) {
		free(r->dd);
		free(r->dd_idx);
		free(r->assets);
		free(r->sess);
		free(r->scan);
		free(r);
		return NULL;
	}
	r->pol = p;
	r->gen = 1;
	r->nd = nd;
	r->fn = fn;
	r->user = user;
	return r;
}

static void dd_clear(struct rule_run *r)
{
	for (uint32_t i = 0; i < r->ndd; i++)
		free(r->dd[i]);
	r->ndd = 0;
	memset(r->dd_idx, 0, ((size_t)r->dd_mask + 1) * sizeof(*r->dd_idx));
}

void rule_run_free(struct rule_run *r)
{
	if (!r)
		return;
	dd_clear(r);
	free(r->dd);
	free(r->dd_idx);
	free(r->assets);
	free(r->sess);
	free(r->scan);
	if (r->have_geo)
		MMDB_close(&r->geo);
	if (r->have_asn)
		MMDB_close(&r->asn);
	rule_policy_free(r->pol);
	free(r);
}

int rule_run_geoip(struct rule_run *r, const char *country_db, const char *asn_db, char *errbuf,
		   size_t errlen)
{
	if (country_db) {
		int s = MMDB_open(country_db, MMDB_MODE_MMAP, &r->geo);
		if (s != MMDB_SUCCESS) {
			put(errbuf, errlen, "--geoip-db %s: %s", country_db, MMDB_strerror(s));
			return -1;
		}
		r->have_geo = 1;
	}
	if (asn_db) {
		int s = MMDB_open(asn_db, MMDB_MODE_MMAP, &r->asn);
		if (s != MMDB_SUCCESS) {
			put(errbuf, errlen, "--asn-db %s: %s", asn_db, MMDB_strerror(s));
			return -1;
		}
		r->have_asn = 1;
	}
	return 0;
}

const struct rule_policy *rule_run_policy(const struct rule_run *r)
{
	return r->pol;
}

const struct rule_run_stats *rule_run_stats(const struct rule_run *r)
{
	return &r->st;
}

/* ---- enrichment ---- */

static int mmdb_lookup(MMDB_s *db, const uint8_t *addr, uint8_t ver, MMDB_lookup_result_s *res)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	if (ver == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, addr + 12, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, addr, 16);
	}
	int err = 0;
	*res = MMDB_lookup_sockaddr(db, (struct sockaddr *)&ss, &err);
	return err == MMDB_SUCCESS && res->found_entry;
}

static void geo_fill(struct rule_run *r, const uint8_t *addr, uint8_t ver, struct rule_geo *g)
{
	memset(g, 0, sizeof(*g));
	if ((!r->have_geo && !r->have_asn) || !rule_addr_is_public(addr, ver))
		return;
	MMDB_s *dbs[2] = { r->have_geo ? &r->geo : NULL, r->have_asn ? &r->asn : NULL };
	for (int i = 0; i < 2; i++) {
		MMDB_lookup_result_s res;
		MMDB_entry_data_s d;
		if (!dbs[i] || !mmdb_lookup(dbs[i], addr, ver, &res))
			continue;
		if (!g->country[0] &&
		    MMDB_get_value(&res.entry, &d, "country", "iso_code", NULL) == MMDB_SUCCESS &&
		    d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size == 2) {
			memcpy(g->country, d.utf8_string, 2);
			g->valid = 1;
		}
		if (!g->asn &&
		    MMDB_get_value(&res.entry, &d, "autonomous_system_number", NULL) == MMDB_SUCCESS &&
		    d.has_data && d.type == MMDB_DATA_TYPE_UINT32) {
			g->asn = d.uint32;
			g->valid = 1;
		}
		if (!g->as_org[0] &&
		    MMDB_get_value(&res.entry, &d, "autonomous_system_organization", NULL) ==
			    MMDB_SUCCESS &&
		    d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING) {
			size_t n = d.data_size < sizeof(g->as_org) - 1 ? d.data_size : sizeof(g->as_org) - 1;
			memcpy(g->as_org, d.utf8_string, n);
			g->as_org[n] = '\0';
			g->valid = 1;
		}
	}
}

/* ---- facts ---- */

static void lookup_zones(struct rule_run *r, struct flow *f)
{
	if (f->rule.gen == r->gen)
		return;
	for (int d = 0; d < 2; d++)
		rule_lookup(r->pol, flow_addr(f, d), f->key.ip_ver, f->key.vlan_id, &f->rule.zone[d],
			    &f->rule.asset[d]);
	f->rule.gen = r->gen;
}

/* rule_flow_facts() with an optional cache of nDPI's names per (master,
 * app) pair: the run-time glue asks for them on every event. */
static void facts_fill(const struct rule_policy *p, struct dis_ndpi *nd, struct name_cache *cache,
		       const struct flow *f, const uint16_t *zone, const uint16_t *asset,
		       uint64_t ts_us, struct rule_facts_buf *b)
{
	struct rule_flow_facts *ff = &b->ff;
	memset(ff, 0, sizeof(*ff));
	ff->ip_ver = f->key.ip_ver;
	ff->l4 = f->key.l4_proto;
	for (int d = 0; d < 2; d++) {
		ff->addr[d] = flow_addr(f, d);
		ff->port[d] = flow_port(f, d);
		if (zone) {
			ff->zone[d] = zone[d];
			ff->asset[d] = asset[d];
		} else {
			rule_lookup(p, ff->addr[d], ff->ip_ver, f->key.vlan_id, &ff->zone[d],
				    &ff->asset[d]);
		}
	}
	ff->vlan = f->key.vlan_id;
	ff->ts_us = ts_us;
	ff->answered = f->pkts[1] > 0;
	const struct dis_proto *dp = f->dis_proto ? dis_protos[f->dis_proto - 1] : NULL;
	if (dp) {
		ff->names[0] = dp->name;
		ff->label = dp->label;
	}
	/* nDPI names a flow that carried no payload by its port only: a
	 * guess, not evidence (port scans would read as telnet, SMTP, ...). */
	int payload = f->payload_bytes[0] || f->payload_bytes[1];
	ff->empty = !payload;
	if (nd && payload && (f->ndpi.master || f->ndpi.app)) {
		const char *master = b->master, *app = b->app, *label = b->label;
		int has_master, has_app;
		uint32_t key = (uint32_t)f->ndpi.master << 16 | f->ndpi.app;
		struct name_cache *nc = cache ? &cache[(key * 2654435761u) >> 24] : NULL;
		if (nc && nc->valid && nc->key == key) {
			has_master = nc->has_master;
			has_app = nc->has_app;
		} else {
			const char *m, *a;
			dis_ndpi_names(nd, &f->ndpi, b->master, b->app, sizeof(b->master), &m, &a);
			dis_ndpi_proto_name(nd, &f->ndpi, b->label, sizeof(b->label));
			has_master = m != NULL;
			has_app = a != NULL;
			if (nc) {
				nc->valid = 1;
				nc->key = key;
				nc->has_master = (uint8_t)has_master;
				nc->has_app = (uint8_t)has_app;
				memcpy(nc->master, b->master, sizeof(nc->master));
				memcpy(nc->app, b->app, sizeof(nc->app));
				memcpy(nc->label, b->label, sizeof(nc->label));
			}
		}
		if (nc) {
			master = nc->master;
			app = nc->app;
			label = nc->label;
		}
		ff->names[1] = has_master ? master : NULL;
		ff->names[2] = has_app ? app : NULL;
		if (!ff->label)
			ff->label = label;
		ff->remote_category = (uint8_t)dis_ndpi_is_remote(&f->ndpi);
		ff->cleartext = dis_ndpi_cleartext(&f->ndpi);
		if (f->ndpi.risk && dis_ndpi_tls_risks(&f->ndpi, b->risks, sizeof(b->risks)))
			ff->tls_risks = b->risks;
	}
	ff->tls_version = f->ndpi.tls_version;
}

void rule_flow_facts(const struct rule_policy *p, struct dis_ndpi *nd, const struct flow *f,
		     const uint16_t *zone, const uint16_t *asset, uint64_t ts_us,
		     struct rule_facts_buf *b)
{
	facts_fill(p, nd, NULL, f, zone, asset, ts_us, b);
}

static void make_facts(struct rule_run *r, struct flow *f, uint64_t ts_us, struct rule_facts_buf *b)
{
	lookup_zones(r, f);
	facts_fill(r->pol, r->nd, r->names, f, f->rule.zone, f->rule.asset, ts_us, b);
}

static const char *facts_proto(const struct rule_flow_facts *ff)
{
	for (int i = 0; i < RULE_FLOW_NAMES; i++)
		if (ff->names[i])
			return ff->names[i];
	return "unknown";
}

/* ---- alerts ---- */

static void emit(struct rule_run *r, struct rule_alert *a)
{
	if (a->flow) {
		for (int d = 0; d < 2; d++)
			geo_fill(r, flow_addr(a->flow, d), a->flow->key.ip_ver, &a->geo[d]);
	}
	r->st.records++;
	if (r->fn)
		r->fn(r->user, a);
}

static void alert_from(struct rule_run *r, const struct rule_verdict *v,
		       const struct rule_flow_facts *ff, const struct flow *f,
		       const struct dis_event *ev, const char *proto, struct rule_alert *a)
{
	const struct rule_policy *p = r->pol;
	memset(a, 0, sizeof(*a));
	a->kind = v->kind;
	a->severity = v->sev;
	a->phase = RULE_ALERT_FIRST;
	a->count = 1;
	a->ts_us = a->first_us = a->last_us = ff->ts_us;
	a->flow = f;
	a->ev = ev;
	for (int d = 0; d < 2; d++) {
		a->zone[d] = ff->zone[d] < p->nzones ? p->zones[ff->zone[d]].name : NULL;
		a->asset[d] = ff->asset[d] < p->nassets ? p->assets[ff->asset[d]].name : NULL;
	}
	a->conduit = v->conduit < p->nconduits ? p->conduits[v->conduit].name : NULL;
	a->policy_rule = v->policy_rule;
	a->policy_name = p->site;
	a->protocol = proto;
	a->outcome = v->outcome;
	put(a->seen, sizeof(a->seen), "%s", v->seen);
	put(a->allowed, sizeof(a->allowed), "%s", v->allowed);
	put(a->message, sizeof(a->message), "%s", v->message);
}

static void keep_str(char *dst, size_t len, const char **ptr)
{
	if (!*ptr)
		return;
	put(dst, len, "%s", *ptr);
	*ptr = dst;
}

/* Emits the alert, or counts it as a repeat of an earlier one. */
static void raise_alert(struct rule_run *r, struct rule_alert *a, const struct flow *f,
			const char *action, const char *key)
{
	r->st.alerts[a->kind]++;
	int per_session = a->kind == RULE_REMOTE_ACCESS || a->kind == RULE_REMOTE_EXPIRED ||
			  a->kind == RULE_NEW_ASSET;
	uint16_t port = f && !key && (a->ev || f->pkts[1]) ? flow_port(f, 1) : 0;
	uint64_t fid = per_session && f ? f->id : 0;
	char proto[32];
	put(proto, sizeof(proto), "%s", key ? key : a->protocol ? a->protocol : "");
	uint64_t h = RULE_HASH_SEED;
	uint8_t kind = (uint8_t)a->kind;
	h = rule_hash(h, &kind, 1);
	if (f) {
		h = rule_hash(h, flow_addr(f, 0), 16);
		h = rule_hash(h, flow_addr(f, 1), 16);
		h = rule_hash(h, &f->key.l4_proto, 1);
	}
	h = rule_hash(h, &port, 2);
	h = rule_hash(h, &fid, 8);
	h = rule_hash(h, proto, strlen(proto));
	if (action)
		h = rule_hash(h, action, strlen(action));

	uint32_t slot = (uint32_t)h & r->dd_mask;
	for (;;) {
		uint32_t ix = r->dd_idx[slot];
		if (!ix)
			break;
		struct dd_entry *e = r->dd[ix - 1];
		if (e->hash == h && e->kind == kind && e->port == port && e->flow_id == fid &&
		    strcmp(e->proto, proto) == 0 &&
		    ((!e->action && !action) || (e->action && action && strcmp(e->action, action) == 0)) &&
		    (!f || (memcmp(e->addr[0], flow_addr(f, 0), 16) == 0 &&
			    memcmp(e->addr[1], flow_addr(f, 1), 16) == 0 && e->l4 == f->key.l4_proto))) {
			if (!e->pending)
				e->pending_first = a->ts_us;
			e->pending++;
			e->pending_last = e->last_us = a->ts_us;
			if (f) {
				e->last_flow_id = f->id;
				e->init_is_lo = f->init_is_lo;
			}
			r->st.suppressed++;
			return;
		}
		slot = (slot + 1) & r->dd_mask;
	}
	emit(r, a);
	if (r->ndd >= RULE_DEDUP_ENTRIES) {
		r->st.dedup_full++;
		return;
	}
	struct dd_entry *e = calloc(1, sizeof(*e));
	if (!e) {
		r->st.dedup_full++;
		return;
	}
	e->hash = h;
	e->kind = kind;
	e->port = port;
	e->flow_id = fid;
	put(e->proto, sizeof(e->proto), "%s", proto);
	e->action = action;
	e->last_us = a->ts_us;
	e->a = *a;
	e->a.ev = NULL;
	e->a.flow = NULL;
	keep_str(e->zone[0], sizeof(e->zone[0]), &e->a.zone[0]);
	keep_str(e->zone[1], sizeof(e->zone[1]), &e->a.zone[1]);
	keep_str(e->asset[0], sizeof(e->asset[0]), &e->a.asset[0]);
	keep_str(e->asset[1], sizeof(e->asset[1]), &e->a.asset[1]);
	keep_str(e->conduit, sizeof(e->conduit), &e->a.conduit);
	keep_str(e->prule, sizeof(e->prule), &e->a.policy_rule);
	put(e->protocol, sizeof(e->protocol), "%s", a->protocol ? a->protocol : "");
	e->a.protocol = e->protocol;
	e->a.policy_name = NULL; /* set when the summary is written */
	if (f) {
		e->ip_ver = f->key.ip_ver;
		e->l4 = f->key.l4_proto;
		memcpy(e->addr[0], flow_addr(f, 0), 16);
		memcpy(e->addr[1], flow_addr(f, 1), 16);
		e->fkey = f->key;
		e->init_is_lo = f->init_is_lo;
		e->last_flow_id = f->id;
	}
	r->dd[r->ndd++] = e;
	r->dd_idx[slot] = r->ndd;
}

static void summaries(struct rule_run *r, uint64_t now_us, int all)
{
	for (uint32_t i = 0; i < r->ndd; i++) {
		struct dd_entry *e = r->dd[i];
		if (!e->pending)
			continue;
		(void)all;
		struct flow stub;
		memset(&stub, 0, sizeof(stub));
		stub.key = e->fkey;
		stub.init_is_lo = e->init_is_lo;
		stub.id = e->last_flow_id;
		struct rule_alert a = e->a;
		a.phase = RULE_ALERT_REPEAT;
		a.count = e->pending;
		a.first_us = e->pending_first;
		a.last_us = e->pending_last;
		a.ts_us = now_us > e->pending_last ? now_us : e->pending_last;
		a.flow = e->fkey.ip_ver ? &stub : NULL;
		a.policy_name = r->pol->site;
		char msg[sizeof(a.message)];
		put(msg, sizeof(msg), "%u more: %s", e->pending, e->a.message);
		memcpy(a.message, msg, sizeof(a.message));
		e->pending = 0;
		r->st.summaries++;
		emit(r, &a);
	}
}

/* Forgets entries quiet for a day, so a long-running sensor's table does
 * not fill with old conversations. */
static void dd_sweep(struct rule_run *r, uint64_t now_us)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < r->ndd; i++) {
		struct dd_entry *e = r->dd[i];
		if (!e->pending && now_us > e->last_us + 24 * HOUR_US)
			free(e);
		else
			r->dd[k++] = e;
	}
	if (k == r->ndd)
		return;
	r->ndd = k;
	memset(r->dd_idx, 0, ((size_t)r->dd_mask + 1) * sizeof(*r->dd_idx));
	for (uint32_t i = 0; i < r->ndd; i++) {
		uint32_t slot = (uint32_t)r->dd[i]->hash & r->dd_mask;
		while (r->dd_idx[slot])
			slot = (slot + 1) & r->dd_mask;
		r->dd_idx[slot] = i + 1;
	}
}

void rule_run_tick(struct rule_run *r, uint64_t now_us)
{
	if (!r->next_summary_us) {
		r->next_summary_us = now_us + r->pol->summary_us;
		return;
	}
	if (now_us < r->next_summary_us)
		return;
	summaries(r, now_us, 0);
	if (r->ndd > RULE_DEDUP_ENTRIES / 2)
		dd_sweep(r, now_us);
	r->next_summary_us = now_us + r->pol->summary_us;
}

void rule_run_finish(struct rule_run *r, uint64_t now_us)
{
	summaries(r, now_us, 1);
}

void rule_run_set_policy(struct rule_run *r, struct rule_policy *p, uint64_t now_us)
{
	summaries(r, now_us, 1);
	dd_clear(r);
	rule_policy_free(r->pol);
	r->pol = p;
	r->gen++;
	if (r->gen == 0)
		r->gen = 1;
	r->st.reloads++;
}

/* ---- new assets ---- */

static void learn_asset(struct rule_run *r, struct flow *f, int d, const struct rule_flow_facts *ff)
{
	const uint8_t *a = flow_addr(f, d);
	uint8_t ver = f->key.ip_ver;
	uint64_t h = rule_hash(RULE_HASH_SEED, a, 16);
	uint32_t mask = RULE_ASSET_ENTRIES - 1, slot = (uint32_t)h & mask;
	for (uint32_t probes = 0; probes < RULE_ASSET_ENTRIES; probes++) {
		struct asset_slot *s = &r->assets[slot];
		if (!s->used) {
			if (r->nassets >= RULE_ASSET_ENTRIES * 3 / 4) {
				r->st.assets_full++;
				return;
			}
			s->used = 1;
			s->ver = ver;
			memcpy(s->addr, a, 16);
			r->nassets++;
			if (ff->ts_us < r->first_us + r->pol->learning_us)
				return; /* still learning */
			struct rule_verdict v;
			memset(&v, 0, sizeof(v));
			v.kind = RULE_NEW_ASSET;
			v.sev = RULE_SEV_MEDIUM;
			v.conduit = RULE_NONE;
			char ip[64];
			dec_addr_str(a, ver, ip, sizeof(ip));
			const struct rule_policy *p = r->pol;
			const char *zn = p->zones[ff->zone[d]].name;
			const char *an = ff->asset[d] < p->nassets ? p->assets[ff->asset[d]].name : NULL;
			char ipn[128];
			if (an)
				put(ipn, sizeof(ipn), "%s %s", an, ip);
			else
				put(ipn, sizeof(ipn), "%s", ip);
			put(v.seen, sizeof(v.seen), "%s in zone %s, first seen as %s of %s on %s/%u",
				 ipn, zn, d ? "server" : "client", ff->label ? ff->label : "a flow",
				 ff->l4 == 17 ? "udp" : "tcp", ff->port[1]);
			put(v.allowed, sizeof(v.allowed),
				 "the addresses seen during the learning period");
			put(v.message, sizeof(v.message), "New asset %s in zone %s (after the learning "
			    "period)", ipn, zn);
			struct rule_alert al;
			alert_from(r, &v, ff, f, NULL, facts_proto(ff), &al);
			raise_alert(r, &al, f, NULL, NULL);
			return;
		}
		if (s->ver == ver && memcmp(s->addr, a, 16) == 0)
			return;
		slot = (slot + 1) & mask;
	}
}

/* ---- entry points ---- */

/* ---- remote sessions ---- */

static struct sess *sess_find(struct rule_run *r, uint64_t flow_id)
{
	for (uint32_t i = 0; i < RULE_MAX_SESSIONS; i++)
		if (r->sess[i].flow_id == flow_id)
			return &r->sess[i];
	return NULL;
}

static void endpoint_name(const struct rule_policy *p, const struct rule_flow_facts *ff, int d,
			  char *buf, size_t len)
{
	char ip[64];
	dec_addr_str(ff->addr[d], ff->ip_ver, ip, sizeof(ip));
	if (ff->asset[d] < p->nassets)
		put(buf, len, "%s", p->assets[ff->asset[d]].name);
	else
		put(buf, len, "%s", ip);
}

static struct sess *sess_open(struct rule_run *r, struct flow *f, const struct rule_flow_facts *ff,
			      const char *approved)
{
	if (r->nsess >= RULE_MAX_SESSIONS) {
		r->st.sessions_full++;
		return NULL;
	}
	struct sess *x = sess_find(r, 0);
	if (!x) {
		r->st.sessions_full++;
		return NULL;
	}
	const struct rule_policy *p = r->pol;
	memset(x, 0, sizeof(*x));
	x->flow_id = f->id;
	x->ip_ver = f->key.ip_ver;
	memcpy(x->peer, flow_addr(f, 0), 16);
	memcpy(x->target, flow_addr(f, 1), 16);
	put(x->proto, sizeof(x->proto), "%s", facts_proto(ff));
	put(x->label, sizeof(x->label), "%s", ff->label ? ff->label : x->proto);
	int pub = rule_addr_is_public(ff->addr[0], ff->ip_ver);
	const char *init = ff->zone[0] == RULE_NONE ? (pub || p->builtin ? "external" : "unknown") :
			   ff->zone[1] == RULE_NONE ? "site" : "internal";
	put(x->initiated, sizeof(x->initiated), "%s", init);
	if (ff->zone[1] < p->nzones)
		put(x->zone, sizeof(x->zone), "%s", p->zones[ff->zone[1]].name);
	if (approved)
		put(x->approved, sizeof(x->approved), "%s", approved);
	x->s.protocol = x->proto;
	x->s.initiated_by = x->initiated;
	x->s.zone_entered = x->zone[0] ? x->zone : NULL;
	x->s.approved_by = x->approved[0] ? x->approved : NULL;
	r->nsess++;
	r->st.sessions++;
	f->rule.remote = 1;
	return x;
}

/* Copies a string field of ev into dst (if present and dst still empty). */
static void take_str(const struct dis_event *ev, const char *key, char *dst, size_t len)
{
	const struct dis_field *fl = rule_ev_field(ev, key);
	if (!fl || fl->type != DIS_F_STR || dst[0])
		return;
	size_t n = fl->str_len < len - 1 ? fl->str_len : len - 1;
	memcpy(dst, ev->str + fl->str_off, n);
	dst[n] = '\0';
}

/* Attribution from the session dissectors' events. */
static void sess_attribute(struct sess *x, const struct dis_event *ev, const char *proto)
{
	struct rule_session *ss = &x->s;
	if (strcmp(proto, "ssh") == 0) {
		take_str(ev, "client.software", ss->client_software, sizeof(ss->client_software));
		take_str(ev, "server.software", ss->server_software, sizeof(ss->server_software));
	} else if (strcmp(proto, "rdp") == 0) {
		take_str(ev, "user", ss->user, sizeof(ss->user));
		take_str(ev, "cookie", ss->user, sizeof(ss->user));
		take_str(ev, "selected_protocol", ss->security, sizeof(ss->security));
		take_str(ev, "failure", ss->security, sizeof(ss->security));
	} else if (strcmp(proto, "vnc") == 0) {
		take_str(ev, "client_version", ss->client_software, sizeof(ss->client_software));
		take_str(ev, "server_version", ss->server_software, sizeof(ss->server_software));
		take_str(ev, "security_type", ss->security, sizeof(ss->security));
	} else if (strcmp(proto, "telnet") == 0) {
		take_str(ev, "user", ss->user, sizeof(ss->user));
		put(ss->security, sizeof(ss->security), "cleartext");
	}
}

/* An operation by the session's peer or by the host it reached, towards
 * another host: part of the session's activity. */
static void sess_activity(struct rule_run *r, const struct flow *f, const struct dis_event *ev,
			  const struct rule_flow_facts *ff)
{
	if (!r->nsess)
		return;
	const uint8_t *client = flow_addr(f, ev->dir ? 1 : 0), *server = flow_addr(f, ev->dir ? 0 : 1);
	for (uint32_t i = 0; i < RULE_MAX_SESSIONS; i++) {
		struct sess *x = &r->sess[i];
		if (!x->flow_id || x->flow_id == f->id || x->ip_ver != f->key.ip_ver)
			continue;
		if (memcmp(client, x->peer, 16) != 0 && memcmp(client, x->target, 16) != 0)
			continue;
		if (memcmp(server, x->target, 16) == 0 || memcmp(server, x->peer, 16) == 0)
			continue;
		char target[80];
		endpoint_name(r->pol, ff, ev->dir ? 0 : 1, target, sizeof(target));
		struct rule_session *ss = &x->s;
		const char *proto = ev->proto ? ev->proto->name : "unknown";
		unsigned k;
		for (k = 0; k < ss->nactivity; k++)
			if (strcmp(ss->activity[k].action, ev->action) == 0 &&
			    strcmp(ss->activity[k].protocol, proto) == 0 &&
			    strcmp(ss->activity[k].target, target) == 0)
				break;
		if (k == ss->nactivity) {
			if (k >= RULE_SESSION_ACTIVITY) {
				ss->activity_dropped += ev->count ? ev->count : 1;
				continue;
			}
			ss->nactivity++;
			ss->activity[k].protocol = proto;
			ss->activity[k].action = ev->action;
			ss->activity[k].fclass = ev->fclass;
			put(ss->activity[k].target, sizeof(ss->activity[k].target), "%s", target);
		}
		ss->activity[k].count += ev->count ? ev->count : 1;
	}
}

static void sess_close(struct rule_run *r, struct sess *x, const struct flow *f,
		       const struct rule_facts_buf *b)
{
	struct rule_session *ss = &x->s;
	char target[80], client[80];
	endpoint_name(r->pol, &b->ff, 1, target, sizeof(target));
	endpoint_name(r->pol, &b->ff, 0, client, sizeof(client));
	size_t o = 0;
	int n = snprintf(ss->summary, sizeof(ss->summary), "%s%s %s to %s",
			 strcmp(x->initiated, "external") == 0 ? "vendor " : "", client, x->label,
			 target);
	o = n > 0 ? (size_t)n : 0;
	for (unsigned k = 0; k < ss->nactivity && o < sizeof(ss->summary); k++) {
		n = snprintf(ss->summary + o, sizeof(ss->summary) - o, "%s%u %s to %s",
			     k ? ", " : ", then ", ss->activity[k].count, ss->activity[k].action,
			     ss->activity[k].target);
		o += n > 0 ? (size_t)n : 0;
	}

	struct rule_verdict v;
	memset(&v, 0, sizeof(v));
	v.conduit = RULE_NONE;
	if (x->alerted) {
		v.kind = x->kind;
		v.sev = x->sev;
	} else {
		v.kind = RULE_REMOTE_SESSION;
		v.sev = RULE_SEV_INFO;
	}
	v.policy_rule = x->approved[0] ? x->approved : NULL;
	if (x->alerted) {
		put(v.seen, sizeof(v.seen), "%s", x->seen);
		put(v.allowed, sizeof(v.allowed), "%s", x->allowed);
	} else {
		char seen[192];
		put(seen, sizeof(seen), "%s session %s", x->label, ss->summary);
		put(v.seen, sizeof(v.seen), "%s", seen);
		put(v.allowed, sizeof(v.allowed), "approved by remote-access entry %s",
		    x->approved[0] ? x->approved : "(none: inside the policy's tolerance)");
	}
	put(v.message, sizeof(v.message),
	    "Remote session ended after %.1f s (%llu bytes to server, %llu bytes back): %s%s%s",
	    (double)(f->last_us - f->first_us) / 1e6, (unsigned long long)f->bytes[0],
	    (unsigned long long)f->bytes[1], ss->summary, ss->user[0] ? ", user " : "",
	    ss->user[0] ? ss->user : "");
	struct rule_alert a;
	alert_from(r, &v, &b->ff, f, NULL, x->proto, &a);
	a.phase = RULE_ALERT_END;
	a.first_us = f->first_us;
	a.last_us = f->last_us;
	a.ts_us = f->last_us;
	a.session = ss;
	r->st.sessions_ended++;
	if (!x->alerted)
		r->st.alerts[RULE_REMOTE_SESSION]++;
	emit(r, &a);
	x->flow_id = 0;
	r->nsess--;
}

/* ---- scans ---- */

static int bit_set(uint64_t *bm, unsigned nbits, uint64_t h)
{
	unsigned b = (unsigned)(h % nbits);
	if (bm[b / 64] >> (b % 64) & 1)
		return 0;
	bm[b / 64] |= 1ull << (b % 64);
	return 1;
}

static struct scan_src *scan_get(struct rule_run *r, const uint8_t *addr, uint8_t ver,
				 uint64_t ts)
{
	uint64_t h = rule_hash(RULE_HASH_SEED, addr, 16);
	uint32_t mask = SCAN_SOURCES - 1, slot = (uint32_t)h & mask;
	struct scan_src *oldest = NULL;
	for (uint32_t i = 0; i < 8; i++) {
		struct scan_src *s = &r->scan[(slot + i) & mask];
		if (s->used && s->ver == ver && memcmp(s->addr, addr, 16) == 0) {
			if (ts >= s->start_us + r->pol->scans.interval_us) {
				memset(s, 0, sizeof(*s)); /* a new interval */
				s->used = 1;
				s->ver = ver;
				memcpy(s->addr, addr, 16);
				s->start_us = ts;
			}
			return s;
		}
		if (!s->used || ts >= s->start_us + r->pol->scans.interval_us) {
			memset(s, 0, sizeof(*s));
			s->used = 1;
			s->ver = ver;
			memcpy(s->addr, addr, 16);
			s->start_us = ts;
			return s;
		}
		if (!oldest || s->start_us < oldest->start_us)
			oldest = s;
	}
	(void)oldest;
	r->st.scan_sources_full++;
	return NULL;
}

static int scan_allowed(const struct rule_policy *p, uint16_t zone, uint64_t ts)
{
	for (uint32_t i = 0; i < p->scans.nallow; i++) {
		const struct rule_scan_allow *a = &p->scans.allow[i];
		int from_ok = a->from == RULE_ZONE_ANY || a->from == zone ||
			      (a->from == RULE_ZONE_EXTERNAL && zone == RULE_NONE);
		if (from_ok && (a->window == RULE_NONE || rule_window_contains(&p->windows[a->window], ts)))
			return 1;
	}
	return 0;
}

enum { SCAN_PORTS = 1, SCAN_HOSTS = 2, SCAN_UNITS = 4, SCAN_FCS = 8, SCAN_SZL = 16 };

static void scan_alert(struct rule_run *r, struct scan_src *sc, unsigned what, const struct flow *f,
		       const struct rule_flow_facts *ff, uint32_t count, uint32_t threshold)
{
	if (sc->alerted & what)
		return;
	sc->alerted |= (uint8_t)what;
	const struct rule_policy *p = r->pol;
	char src[128];
	endpoint_name(p, ff, 0, src, sizeof(src));
	struct rule_verdict v;
	memset(&v, 0, sizeof(v));
	v.kind = RULE_SCAN;
	v.sev = what == SCAN_PORTS || what == SCAN_HOSTS ? RULE_SEV_HIGH : RULE_SEV_MEDIUM;
	v.conduit = RULE_NONE;
	static const char *const names[] = { "", "port scan", "host sweep", "", "Modbus unit-id sweep",
					     "", "", "", "Modbus function-code sweep" };
	const char *name = what == SCAN_SZL ? "S7 SZL enumeration" : names[what];
	const char *unit = what == SCAN_PORTS ? "server ports" : what == SCAN_HOSTS ? "hosts" :
			   what == SCAN_UNITS ? "unit ids" : what == SCAN_FCS ? "function codes" :
			   "SZL ids";
	if (what == SCAN_PORTS || what == SCAN_HOSTS)
		put(v.seen, sizeof(v.seen), "%s: %s tried %u %s within %llu s (%u failed connection "
		    "attempts); latest to ", name, src, count, unit,
		    (unsigned long long)(p->scans.interval_us / 1000000u), sc->attempts);
	else
		put(v.seen, sizeof(v.seen), "%s: %s used %u %s within %llu s; latest to ", name, src,
		    count, unit, (unsigned long long)(p->scans.interval_us / 1000000u));
	char dst[128];
	endpoint_name(p, ff, 1, dst, sizeof(dst));
	size_t l = strlen(v.seen);
	put(v.seen + l, sizeof(v.seen) - l, "%s port %u", dst, ff->port[1]);
	put(v.allowed, sizeof(v.allowed), "fewer than %u %s per %llu s, or a scan allowed by "
	    "scans.allowed", threshold, unit, (unsigned long long)(p->scans.interval_us / 1000000u));
	put(v.message, sizeof(v.message), "%s from %s: %u %s", name, src, count, unit);
	struct rule_alert a;
	alert_from(r, &v, ff, f, NULL, facts_proto(ff), &a);
	a.count = count;
	a.first_us = sc->start_us;
	r->st.alerts[RULE_SCAN]++;
	emit(r, &a);
}

/* Failed connection attempts (no answer, or a reset without data) count
 * towards port scans and host sweeps. */
static void scan_flow(struct rule_run *r, const struct flow *f, const struct rule_flow_facts *ff)
{
	const struct rule_scans *cfg = &r->pol->scans;
	if (!cfg->enabled || f->key.l4_proto != 6)
		return;
	int failed = f->pkts[1] == 0 || ((f->tcp_flags[1] & DEC_TCP_RST) && !f->payload_bytes[1] &&
					 !f->payload_bytes[0]);
	if (!failed)
		return;
	if (scan_allowed(r->pol, ff->zone[0], f->first_us))
		return;
	struct scan_src *sc = scan_get(r, flow_addr(f, 0), f->key.ip_ver, f->first_us);
	if (!sc)
		return;
	sc->attempts++;
	uint16_t port = flow_port(f, 1);
	uint64_t hp = rule_hash(RULE_HASH_SEED, &port, 2);
	uint64_t hh = rule_hash(RULE_HASH_SEED, flow_addr(f, 1), 16);
	sc->nports += (uint32_t)bit_set(sc->ports, SCAN_BITS, hp);
	sc->nhosts += (uint32_t)bit_set(sc->hosts, SCAN_BITS, hh);
	if (sc->nports >= cfg->ports)
		scan_alert(r, sc, SCAN_PORTS, f, ff, sc->nports, cfg->ports);
	if (sc->nhosts >= cfg->hosts)
		scan_alert(r, sc, SCAN_HOSTS, f, ff, sc->nhosts, cfg->hosts);
}

/* Whether scan_event() looks at the event at all: 1 Modbus, 2 an S7 SZL
 * id (in *szl), 0 neither. */
static int scan_wanted(const struct rule_run *r, const struct dis_event *ev,
		       const struct dis_field **szl)
{
	*szl = NULL;
	if (!r->pol->scans.enabled || (ev->flags & DIS_EV_RESPONSE) || !ev->proto)
		return 0;
	const char *pn = ev->proto->name;
	if (pn[0] == 'm' && strcmp(pn, "modbus") == 0)
		return 1;
	*szl = rule_ev_field(ev, "szl_id");
	return *szl ? 2 : 0;
}

/* Enumeration inside a protocol: Modbus unit ids and function codes, S7
 * SZL ids, by one client; want and szl from scan_wanted(). */
static void scan_event(struct rule_run *r, const struct flow *f, const struct dis_event *ev,
		       const struct rule_flow_facts *ff, int want, const struct dis_field *szl)
{
	const struct rule_scans *cfg = &r->pol->scans;
	if (!want)
		return;
	int mb = want == 1;
	if (scan_allowed(r->pol, ff->zone[0], ev->ts_us))
		return;
	struct scan_src *sc = scan_get(r, flow_addr(f, 0), f->key.ip_ver, ev->ts_us);
	if (!sc)
		return;
	if (mb) {
		const struct dis_field *u = rule_ev_field(ev, "unit_id");
		const struct dis_field *fc = rule_ev_field(ev, "function_code");
		if (u && u->type == DIS_F_UINT)
			sc->nunits += (uint32_t)bit_set(sc->units, 256, u->v.u & 0xff);
		if (fc && fc->type == DIS_F_UINT)
			sc->nfcs += (uint32_t)bit_set(sc->fcs, 256, fc->v.u & 0xff);
		if (sc->nunits >= cfg->modbus_units)
			scan_alert(r, sc, SCAN_UNITS, f, ff, sc->nunits, cfg->modbus_units);
		if (sc->nfcs >= cfg->modbus_functions)
			scan_alert(r, sc, SCAN_FCS, f, ff, sc->nfcs, cfg->modbus_functions);
	} else if (szl->type == DIS_F_UINT) {
		sc->nszl += (uint32_t)bit_set(sc->szl, SCAN_BITS, szl->v.u);
		if (sc->nszl >= cfg->s7_szl_ids)
			scan_alert(r, sc, SCAN_SZL, f, ff, sc->nszl, cfg->s7_szl_ids);
	}
}

/* ---- entry points ---- */

void rule_run_flow(struct rule_run *r, struct flow *f)
{
	struct rule_facts_buf b;
	make_facts(r, f, f->last_us, &b);
	if (!r->first_us)
		r->first_us = f->first_us;
	struct rule_verdict v[RULE_MAX_VERDICTS];
	unsigned n = rule_eval_flow(r->pol, &b.ff, v, RULE_MAX_VERDICTS);
	const char *proto = facts_proto(&b.ff);
	const char *approved = NULL;
	struct sess *x = NULL;
	if (rule_remote_session(r->pol, &b.ff, &approved))
		x = sess_open(r, f, &b.ff, approved);
	for (unsigned i = 0; i < n; i++) {
		struct rule_alert a;
		alert_from(r, &v[i], &b.ff, f, NULL, proto, &a);
		if (x && !x->alerted &&
		    (v[i].kind == RULE_REMOTE_ACCESS || v[i].kind == RULE_REMOTE_EXPIRED)) {
			x->alerted = 1;
			x->kind = v[i].kind;
			x->sev = v[i].sev;
			put(x->seen, sizeof(x->seen), "%s", v[i].seen);
			put(x->allowed, sizeof(x->allowed), "%s", v[i].allowed);
			if (v[i].policy_rule && !x->approved[0])
				put(x->approved, sizeof(x->approved), "%s", v[i].policy_rule);
		}
		raise_alert(r, &a, f, NULL, v[i].key);
	}
	if (r->pol->new_assets && !r->pol->builtin)
		for (int d = 0; d < 2; d++)
			if (b.ff.zone[d] != RULE_NONE)
				learn_asset(r, f, d, &b.ff);
}

void rule_run_event(struct rule_run *r, const struct dis_event *ev)
{
	/* The flow is live while its events are emitted; its policy cache is
	 * ours to fill (flow.h: struct flow_rule). */
	struct flow *f = (struct flow *)ev->flow;
	if (!f)
		return;
	unsigned fc = ev->fclass;
	int changes = !(ev->flags & (DIS_EV_ANOMALY | DIS_EV_RESPONSE)) &&
		      (fc == DIS_FC_WRITE || fc == DIS_FC_PROGRAM || fc == DIS_FC_CONTROL);
	/* The built-in default judges only program/control operations, OPC UA
	 * writes and file transfers; every other event needs no facts at all,
	 * only a look for enumeration (which needs no zones there). */
	if (r->pol->builtin && !f->rule.remote && !changes && ev->proto &&
	    !ev->proto->passive) {
		const struct dis_field *szl;
		int want = scan_wanted(r, ev, &szl);
		if (!want)
			return;
		struct rule_flow_facts lf;
		memset(&lf, 0, sizeof(lf));
		lf.ip_ver = f->key.ip_ver;
		lf.l4 = f->key.l4_proto;
		for (int d = 0; d < 2; d++) {
			lf.addr[d] = flow_addr(f, d);
			lf.port[d] = flow_port(f, d);
			lf.zone[d] = lf.asset[d] = RULE_NONE; /* the default has no zones */
		}
		lf.ts_us = ev->ts_us;
		lf.answered = f->pkts[1] > 0;
		if (f->dis_proto) {
			lf.names[0] = dis_protos[f->dis_proto - 1]->name;
			lf.label = dis_protos[f->dis_proto - 1]->label;
		}
		scan_event(r, f, ev, &lf, want, szl);
		return;
	}
	struct rule_facts_buf b;
	make_facts(r, f, ev->ts_us, &b);
	const char *proto = ev->proto ? ev->proto->name : facts_proto(&b.ff);
	if (f->rule.remote && ev->proto) {
		struct sess *x = sess_find(r, f->id);
		if (x)
			sess_attribute(x, ev, proto);
	}
	if (changes)
		sess_activity(r, f, ev, &b.ff);
	const struct dis_field *szl;
	int want = scan_wanted(r, ev, &szl);
	scan_event(r, f, ev, &b.ff, want, szl);
	struct rule_verdict v[RULE_MAX_VERDICTS];
	unsigned n = rule_eval_event(r->pol, &b.ff, ev, v, RULE_MAX_VERDICTS);
	for (unsigned i = 0; i < n; i++) {
		struct rule_alert a;
		alert_from(r, &v[i], &b.ff, f, ev, proto, &a);
		if (ev->count > 1)
			a.count = ev->count;
		/* a keyed verdict is about the flow (e.g. the OPC UA channel), not
		 * the operation: deduplicated without the action */
		raise_alert(r, &a, f, v[i].key ? NULL : ev->action, v[i].key);
	}
}

void rule_run_flow_end(struct rule_run *r, const struct flow *cf)
{
	struct flow *f = (struct flow *)cf;
	int failed = f->key.l4_proto == 6 &&
		     (f->pkts[1] == 0 || ((f->tcp_flags[1] & DEC_TCP_RST) && !f->payload_bytes[1] &&
					  !f->payload_bytes[0]));
	if (!cf->rule.remote && !failed)
		return;
	struct rule_facts_buf b;
	make_facts(r, f, f->last_us, &b);
	if (failed)
		scan_flow(r, f, &b.ff);
	if (!cf->rule.remote)
		return;
	struct sess *x = sess_find(r, f->id);
	if (x)
		sess_close(r, x, f, &b);
}
