/* rule_eval.c - verdicts: zone pair -> conduit -> allow-rule -> operation.
 *
 * Flow level: remote-access protocols are judged by the remote_access
 * section alone (an approved path, within its validity); every other flow
 * between two zones needs a conduit whose allow-rules name its protocol,
 * transport and server port; an endpoint in no zone is an unknown asset.
 * Traffic inside one zone needs no conduit. Hygiene (TLS version and
 * weaknesses, cleartext protocols across conduits) applies to every flow.
 *
 * Operation level: the rules of the conduit that match the flow are asked,
 * in order, whether they allow the operation's function class, Modbus unit
 * and address range, S7 area and DB, OPC UA service, security mode and
 * anonymous writes, and maintenance window. Session set-up is implied by
 * allowing the protocol. The verdict names the closest rule's objection.
 *
 * The built-in default policy (no --policy) has no zones: it reports remote
 * access from public addresses, every program and control operation,
 * OPC UA anonymous writes and the hygiene findings.
 */
#include "config.h"

#include "rules/rule_eval.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "capture/dec.h"
#include "dissectors/dis.h"

#define put rule_put

/* ---- text helpers ---- */

struct sb {
	char *b;
	size_t cap, len;
};

static void sb_add(struct sb *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sb *s, const char *fmt, ...)
{
	if (s->len + 1 >= s->cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(s->b + s->len, s->cap - s->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	s->len += (size_t)n;
	if (s->len >= s->cap) {
		s->len = s->cap - 1;
		if (s->cap > 4)
			memcpy(s->b + s->cap - 4, "...", 4);
	}
}

void rule_put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static void addr_text(const struct rule_flow_facts *ff, int dir, char *buf, size_t len)
{
	dec_addr_str(ff->addr[dir], ff->ip_ver, buf, len);
}

/* "hmi-1 10.10.2.10 (supervisory)", "10.99.0.7 (no zone)" */
static void endpoint_text(const struct rule_policy *p, const struct rule_flow_facts *ff, int dir,
			  char *buf, size_t len)
{
	char ip[64];
	addr_text(ff, dir, ip, sizeof(ip));
	uint16_t z = ff->zone[dir], a = ff->asset[dir];
	const char *zn = z < p->nzones ? p->zones[z].name : NULL;
	const char *an = a < p->nassets ? p->assets[a].name : NULL;
	if (p->builtin)
		put(buf, len, "%s", ip);
	else if (an)
		put(buf, len, "%s %s (%s)", an, ip, zn ? zn : "no zone");
	else
		put(buf, len, "%s (%s)", ip, zn ? zn : "no zone");
}

static const char *proto_label(const struct rule_flow_facts *ff)
{
	if (ff->label)
		return ff->label;
	return ff->l4 == 17 ? "UDP" : "TCP";
}

static void flow_seen(const struct rule_policy *p, const struct rule_flow_facts *ff, char *buf,
		      size_t len)
{
	char a[128], b[128];
	endpoint_text(p, ff, 0, a, sizeof(a));
	endpoint_text(p, ff, 1, b, sizeof(b));
	put(buf, len, "%s on %s/%u from %s to %s%s", proto_label(ff), ff->l4 == 17 ? "udp" : "tcp",
		 ff->port[1], a, b, ff->answered ? "" : " (no answer)");
}

static void ranges_text(struct sb *s, const struct rule_ranges *r)
{
	for (uint32_t i = 0; i < r->n; i++) {
		if (r->r[i].lo == r->r[i].hi)
			sb_add(s, "%s%u", i ? "," : "", r->r[i].lo);
		else
			sb_add(s, "%s%u-%u", i ? "," : "", r->r[i].lo, r->r[i].hi);
	}
}

static void allow_text(struct sb *s, const struct rule_allow *a)
{
	if (a->protos.n == 0)
		sb_add(s, "any protocol");
	for (uint32_t i = 0; i < a->protos.n; i++)
		sb_add(s, "%s%s", i ? "/" : "", a->protos.s[i]);
	const char *tr = a->transport == 6 ? "tcp" : a->transport == 17 ? "udp" : NULL;
	if (a->ports.n) {
		sb_add(s, tr ? " on %s/" : " on port ", tr);
		ranges_text(s, &a->ports);
	} else {
		sb_add(s, " on %s%sany port", tr ? tr : "", tr ? " " : "");
	}
	if (a->fclass_mask) {
		sb_add(s, " functions ");
		int first = 1;
		for (int f = 0; f < DIS_FC__COUNT; f++)
			if (a->fclass_mask >> f & 1) {
				sb_add(s, "%s%s", first ? "" : ",", dis_fclass_name((enum dis_fclass)f));
				first = 0;
			}
	}
	if (a->unit_ids.n) {
		sb_add(s, " units ");
		ranges_text(s, &a->unit_ids);
	}
	for (int f = 0; f < DIS_FC__COUNT; f++)
		if (a->mb_addr_set >> f & 1) {
			sb_add(s, " %s addresses ", dis_fclass_name((enum dis_fclass)f));
			ranges_text(s, &a->mb_addr[f]);
		}
	if (a->s7_area_mask) {
		sb_add(s, " areas ");
		int first = 1;
		for (int q = 0; q < RULE_S7__COUNT; q++)
			if (a->s7_area_mask >> q & 1) {
				sb_add(s, "%s%s", first ? "" : ",", rule_s7_area_name((enum rule_s7_area)q));
				first = 0;
			}
	}
	if (a->s7_db.n) {
		sb_add(s, " DB ");
		ranges_text(s, &a->s7_db);
	}
	if (a->ua_services.n) {
		sb_add(s, " services ");
		for (uint32_t i = 0; i < a->ua_services.n; i++)
			sb_add(s, "%s%s", i ? "," : "", a->ua_services.s[i]);
	}
	if (a->ua_min_mode)
		sb_add(s, " security mode >= %s", rule_secmode_name((enum rule_secmode)a->ua_min_mode));
	if (a->ua_anon_write == 1)
		sb_add(s, " anonymous writes allowed");
	if (a->window != RULE_NONE)
		sb_add(s, " (program/control only in a window)");
}

/* ---- matching ---- */

static int name_in(const struct rule_strs *list, const char *name)
{
	/* the first byte before the call: most names differ there */
	for (uint32_t i = 0; i < list->n; i++)
		if (list->s[i][0] == name[0] && strcmp(list->s[i], name) == 0)
			return 1;
	return 0;
}

/* Protocol names of the rule vs the flow's names ("s7comm" and
 * "s7comm-plus" both ride our ISO transport dissector, "cotp"). */
static int proto_match(const struct rule_strs *protos, const char *const names[RULE_FLOW_NAMES])
{
	if (protos->n == 0)
		return 1;
	for (int i = 0; i < RULE_FLOW_NAMES; i++) {
		const char *n = names[i];
		if (!n)
			continue;
		if (name_in(protos, n))
			return 1;
		/* "ftp" covers nDPI's ftp_control and ftp_data */
		for (uint32_t k = 0; k < protos->n; k++) {
			size_t l = strlen(protos->s[k]);
			if (strncmp(n, protos->s[k], l) == 0 && n[l] == '_')
				return 1;
		}
		if (strcmp(n, "cotp") == 0 &&
		    (name_in(protos, "s7comm") || name_in(protos, "s7comm-plus")))
			return 1;
	}
	return 0;
}

static int allow_matches_flow(const struct rule_allow *a, const struct rule_flow_facts *ff)
{
	if (a->transport && a->transport != ff->l4)
		return 0;
	if (!rule_ranges_has(&a->ports, ff->port[1]))
		return 0;
	return ff->empty || proto_match(&a->protos, ff->names);
}

/* Conduits joining the flow's zones in its direction. */
static unsigned conduits_for(const struct rule_policy *p, uint16_t z0, uint16_t z1,
			     uint16_t *out, unsigned max)
{
	unsigned n = 0;
	for (uint32_t i = 0; i < p->nconduits && n < max; i++) {
		const struct rule_conduit *c = &p->conduits[i];
		if ((c->from == z0 && c->to == z1) || (c->bidir && c->from == z1 && c->to == z0))
			out[n++] = (uint16_t)i;
	}
	return n;
}

static void conduit_allows_text(const struct rule_policy *p, const uint16_t *cs, unsigned nc,
				char *buf, size_t len)
{
	struct sb s = { buf, len, 0 };
	buf[0] = '\0';
	for (unsigned i = 0; i < nc; i++) {
		const struct rule_conduit *c = &p->conduits[cs[i]];
		sb_add(&s, "%sconduit %s allows ", i ? "; " : "", c->name);
		for (uint32_t j = 0; j < c->nallow; j++) {
			if (j)
				sb_add(&s, "; ");
			allow_text(&s, &c->allow[j]);
		}
	}
}

static const char *zone_name(const struct rule_policy *p, uint16_t z)
{
	return z < p->nzones ? p->zones[z].name : "no zone";
}

static uint8_t class_sev(unsigned fc)
{
	switch (fc) {
	case DIS_FC_PROGRAM:
	case DIS_FC_CONTROL: return RULE_SEV_CRITICAL;
	case DIS_FC_WRITE: return RULE_SEV_HIGH;
	case DIS_FC_SESSION: return RULE_SEV_LOW;
	default: return RULE_SEV_MEDIUM;
	}
}

int rule_flow_is_remote(const struct rule_policy *p, const struct rule_flow_facts *ff)
{
	if (ff->remote_category)
		return 1;
	for (int i = 0; i < RULE_FLOW_NAMES; i++)
		if (ff->names[i] && name_in(&p->remote_protos, ff->names[i]))
			return 1;
	return 0;
}

/* The flow's main protocol name, for deduplication keys. */
static const char *main_name(const struct rule_flow_facts *ff)
{
	for (int i = 0; i < RULE_FLOW_NAMES; i++)
		if (ff->names[i])
			return ff->names[i];
	return "unknown";
}

static struct rule_verdict *vnew(struct rule_verdict *out, unsigned *n, unsigned max,
				 enum rule_kind k, uint8_t sev)
{
	if (*n >= max)
		return NULL;
	struct rule_verdict *v = &out[(*n)++];
	memset(v, 0, sizeof(*v));
	v->kind = k;
	v->sev = sev;
	v->conduit = RULE_NONE;
	return v;
}

static int remote_entry_time_ok(const struct rule_policy *p, const struct rule_remote *e,
				uint64_t ts)
{
	if (e->valid_from_us && ts < e->valid_from_us)
		return 0;
	if (e->valid_until_us && ts >= e->valid_until_us)
		return 0;
	if (e->window != RULE_NONE && !rule_window_contains(&p->windows[e->window], ts))
		return 0;
	return 1;
}

/* The approved remote-access entry valid for the flow, or NULL; *expired
 * receives an entry that matches but is not valid at the flow's time. */
static const struct rule_remote *remote_approval(const struct rule_policy *p,
						 const struct rule_flow_facts *ff,
						 const struct rule_remote **expired)
{
	uint16_t z0 = ff->zone[0], z1 = ff->zone[1];
	*expired = NULL;
	for (uint32_t i = 0; i < p->nremote; i++) {
		const struct rule_remote *e = &p->remote[i];
		int from_ok = e->from == RULE_ZONE_ANY || e->from == z0 ||
			      (e->from == RULE_ZONE_EXTERNAL && z0 == RULE_NONE);
		int to_ok = e->to == RULE_ZONE_ANY || e->to == z1 ||
			    (e->to == RULE_ZONE_EXTERNAL && z1 == RULE_NONE);
		int via_ok = e->via == RULE_NONE || e->via == ff->asset[1];
		if (!from_ok || !to_ok || !via_ok)
			continue;
		if (e->protos.n && !proto_match(&e->protos, ff->names))
			continue;
		if (remote_entry_time_ok(p, e, ff->ts_us))
			return e;
		if (!*expired)
			*expired = e;
	}
	return NULL;
}

int rule_remote_session(const struct rule_policy *p, const struct rule_flow_facts *ff,
			const char **approved_by)
{
	*approved_by = NULL;
	if (!rule_flow_is_remote(p, ff))
		return 0;
	uint16_t z0 = ff->zone[0], z1 = ff->zone[1];
	if (p->builtin) {
		if (!rule_addr_is_public(ff->addr[0], ff->ip_ver))
			return 0;
		return 1;
	}
	if (z0 != RULE_NONE && z0 == z1)
		return 0;
	const struct rule_remote *expired;
	const struct rule_remote *e = remote_approval(p, ff, &expired);
	if (e)
		*approved_by = e->name;
	return 1;
}

static void eval_remote(const struct rule_policy *p, const struct rule_flow_facts *ff,
			struct rule_verdict *out, unsigned *n, unsigned max)
{
	uint16_t z0 = ff->zone[0], z1 = ff->zone[1];
	int pub = rule_addr_is_public(ff->addr[0], ff->ip_ver);
	char seen[192];
	flow_seen(p, ff, seen, sizeof(seen));
	struct rule_verdict *v;

	if (p->builtin) {
		if (!pub)
			return;
		v = vnew(out, n, max, RULE_REMOTE_ACCESS, RULE_SEV_HIGH);
		if (!v)
			return;
		put(v->seen, sizeof(v->seen), "%s", seen);
		put(v->allowed, sizeof(v->allowed),
			 "built-in default policy: remote access from public addresses is reported "
			 "(give --policy to approve paths)");
		put(v->message, sizeof(v->message), "Remote access (%s) from public address: %s",
			 proto_label(ff), seen);
		return;
	}
	if (z0 != RULE_NONE && z0 == z1)
		return; /* inside one zone: not entering one */
	const struct rule_remote *expired = NULL;
	if (remote_approval(p, ff, &expired))
		return;
	int vendor = z0 == RULE_NONE && (pub || p->external_is_vendor);
	if (expired) {
		v = vnew(out, n, max, RULE_REMOTE_EXPIRED, RULE_SEV_HIGH);
		if (!v)
			return;
		v->policy_rule = expired->name;
		put(v->seen, sizeof(v->seen), "%s", seen);
		put(v->allowed, sizeof(v->allowed),
			 "remote-access entry %s is not valid at this time (its validity period or "
			 "hours have passed)", expired->name);
		put(v->message, sizeof(v->message),
			 "%s remote access used outside its approval (%s): %s",
			 vendor ? "Vendor" : "Approved", expired->name, seen);
		return;
	}
	v = vnew(out, n, max, RULE_REMOTE_ACCESS, vendor && pub ? RULE_SEV_CRITICAL : RULE_SEV_HIGH);
	if (!v)
		return;
	put(v->seen, sizeof(v->seen), "%s", seen);
	struct sb s = { v->allowed, sizeof(v->allowed), 0 };
	if (p->nremote == 0)
		sb_add(&s, "no remote-access path is approved");
	for (uint32_t i = 0; i < p->nremote; i++) {
		const struct rule_remote *e = &p->remote[i];
		sb_add(&s, "%s%s: %s -> %s", i ? "; " : "approved paths: ", e->name,
		       e->from == RULE_ZONE_EXTERNAL ? "external" :
		       e->from == RULE_ZONE_ANY ? "any" : zone_name(p, e->from),
		       e->to == RULE_ZONE_ANY ? "any" : zone_name(p, e->to));
		if (e->via != RULE_NONE)
			sb_add(&s, " via %s", p->assets[e->via].name);
		for (uint32_t j = 0; j < e->protos.n; j++)
			sb_add(&s, "%s%s", j ? "/" : " (", e->protos.s[j]);
		if (e->protos.n)
			sb_add(&s, ")");
	}
	put(v->message, sizeof(v->message), "%s remote access (%s) not on an approved path: %s",
		 vendor ? "Vendor" : z0 == RULE_NONE ? "Unknown host's" : "Unapproved", proto_label(ff),
		 seen);
}

static void eval_hygiene(const struct rule_policy *p, const struct rule_flow_facts *ff,
			 struct rule_verdict *out, unsigned *n, unsigned max)
{
	char seen[192];
	struct rule_verdict *v;
	int crossing = p->builtin || ff->zone[0] == RULE_NONE || ff->zone[0] != ff->zone[1];

	if (p->min_tls && ff->tls_version && ff->tls_version < p->min_tls) {
		flow_seen(p, ff, seen, sizeof(seen));
		v = vnew(out, n, max, RULE_TLS_VERSION, crossing ? RULE_SEV_HIGH : RULE_SEV_MEDIUM);
		if (v) {
			unsigned minor = ff->tls_version >= 0x0301 ? (ff->tls_version & 0xff) - 1 : 0;
			if (ff->tls_version < 0x0301)
				put(v->seen, sizeof(v->seen), "SSL 3.0 or older: %s", seen);
			else
				put(v->seen, sizeof(v->seen), "TLS 1.%u: %s", minor, seen);
			put(v->allowed, sizeof(v->allowed), "TLS 1.%u or later",
				 (p->min_tls & 0xff) - 1);
			put(v->message, sizeof(v->message), "TLS below the minimum version: %s",
				 v->seen);
		}
	}
	if (p->tls_risks && ff->tls_risks && ff->tls_risks[0]) {
		flow_seen(p, ff, seen, sizeof(seen));
		v = vnew(out, n, max, RULE_TLS_RISK, RULE_SEV_LOW);
		if (v) {
			put(v->seen, sizeof(v->seen), "%s: %s", ff->tls_risks, seen);
			put(v->allowed, sizeof(v->allowed), "TLS without known weaknesses");
			put(v->message, sizeof(v->message), "TLS weakness (%s): %s", ff->tls_risks,
				 seen);
		}
	}
	if (ff->cleartext && crossing && name_in(&p->cleartext, ff->cleartext)) {
		flow_seen(p, ff, seen, sizeof(seen));
		int files = strcmp(ff->cleartext, "ftp") == 0 || strcmp(ff->cleartext, "tftp") == 0 ||
			    strcmp(ff->cleartext, "smbv1") == 0;
		v = vnew(out, n, max, RULE_CLEARTEXT, files ? RULE_SEV_HIGH : RULE_SEV_MEDIUM);
		if (v) {
			put(v->seen, sizeof(v->seen), "cleartext %s: %s", ff->cleartext, seen);
			put(v->allowed, sizeof(v->allowed),
				 "no cleartext %s across zone boundaries (hygiene.cleartext)",
				 ff->cleartext);
			put(v->message, sizeof(v->message), "Cleartext %s%s: %s", ff->cleartext,
			    p->builtin ? "" : " across a zone boundary", seen);
			v->key = ff->cleartext;
		}
	}
}

unsigned rule_eval_flow(const struct rule_policy *p, const struct rule_flow_facts *ff,
			struct rule_verdict *out, unsigned max)
{
	unsigned n = 0;
	uint16_t z0 = ff->zone[0], z1 = ff->zone[1];
	struct rule_verdict *v;
	char seen[192];

	if (rule_flow_is_remote(p, ff)) {
		eval_remote(p, ff, out, &n, max);
	} else if (!p->builtin) {
		if (z0 == RULE_NONE || z1 == RULE_NONE) {
			int d = z0 == RULE_NONE ? 0 : 1;
			int pub = rule_addr_is_public(ff->addr[d], ff->ip_ver);
			/* a public address reaching into a zone is worse than a
			 * stray internal one */
			int inbound = pub && d == 0 && z1 != RULE_NONE;
			flow_seen(p, ff, seen, sizeof(seen));
			v = vnew(out, &n, max, RULE_UNKNOWN_ASSET,
				 inbound && ff->answered ? RULE_SEV_HIGH : RULE_SEV_MEDIUM);
			if (v) {
				char ip[64];
				addr_text(ff, d, ip, sizeof(ip));
				put(v->seen, sizeof(v->seen), "%s", seen);
				put(v->allowed, sizeof(v->allowed),
				    "every address belongs to a zone; %s is in none", ip);
				v->key = main_name(ff); /* one alert per peer and protocol */
				if (inbound)
					put(v->message, sizeof(v->message),
					    "External address %s reaches zone %s: %s", ip,
					    zone_name(p, z1), seen);
				else
					put(v->message, sizeof(v->message), "Address %s is in no zone: %s",
					    ip, seen);
			}
		} else if (z0 != z1) {
			uint16_t cs[16];
			unsigned nc = conduits_for(p, z0, z1, cs, 16);
			if (nc == 0) {
				flow_seen(p, ff, seen, sizeof(seen));
				v = vnew(out, &n, max, RULE_NO_CONDUIT,
					 ff->answered ? RULE_SEV_HIGH : RULE_SEV_MEDIUM);
				if (v) {
					v->key = main_name(ff); /* one alert per pair and protocol */
					put(v->seen, sizeof(v->seen), "%s", seen);
					put(v->allowed, sizeof(v->allowed),
						 "no conduit from %s to %s", zone_name(p, z0),
						 zone_name(p, z1));
					put(v->message, sizeof(v->message),
						 "Traffic between zones %s and %s without a conduit: %s",
						 zone_name(p, z0), zone_name(p, z1), seen);
				}
			} else {
				int ok = 0;
				for (unsigned i = 0; i < nc && !ok; i++) {
					const struct rule_conduit *c = &p->conduits[cs[i]];
					for (uint32_t j = 0; j < c->nallow && !ok; j++)
						ok = allow_matches_flow(&c->allow[j], ff);
				}
				if (!ok) {
					flow_seen(p, ff, seen, sizeof(seen));
					v = vnew(out, &n, max, RULE_UNAPPROVED_PROTOCOL,
						 ff->answered ? RULE_SEV_HIGH : RULE_SEV_MEDIUM);
					if (v) {
						v->conduit = cs[0];
						put(v->seen, sizeof(v->seen), "%s", seen);
						conduit_allows_text(p, cs, nc, v->allowed,
								    sizeof(v->allowed));
						put(v->message, sizeof(v->message),
						    "Not allowed on conduit %s: %s",
						    p->conduits[cs[0]].name, seen);
					}
				}
			}
		}
	}
	eval_hygiene(p, ff, out, &n, max);
	return n;
}

/* ---- operations ---- */

const struct dis_field *rule_ev_field_n(const struct dis_event *ev, const char *key, size_t kl)
{
	for (unsigned i = 0; i < ev->nfields; i++) {
		const struct dis_field *f = &ev->f[i];
		if (dis_field_key_len(f) == kl && f->key[0] == key[0] && memcmp(f->key, key, kl) == 0)
			return f;
	}
	return NULL;
}

static int ev_uint(const struct dis_event *ev, const char *key, uint64_t *v)
{
	const struct dis_field *f = rule_ev_field(ev, key);
	if (!f || (f->type != DIS_F_UINT && f->type != DIS_F_INT))
		return 0;
	*v = f->v.u;
	return 1;
}

/* Compares a string field with s. -1 if absent. */
static int ev_str_is(const struct dis_event *ev, const char *key, const char *s)
{
	const struct dis_field *f = rule_ev_field(ev, key);
	if (!f || f->type != DIS_F_STR)
		return -1;
	return strlen(s) == f->str_len && memcmp(ev->str + f->str_off, s, f->str_len) == 0;
}

static const char *ev_outcome(const struct dis_event *ev)
{
	static const char *const known[] = { "acknowledged", "exception", "unanswered", "error",
					     "rejected", "good", "bad", NULL };
	for (int i = 0; known[i]; i++)
		if (ev_str_is(ev, "outcome", known[i]) == 1)
			return known[i];
	return NULL;
}

static int key_ends(const char *key, const char *suffix)
{
	size_t k = strlen(key), s = strlen(suffix);
	return k >= s && strcmp(key + k - s, suffix) == 0 && (k == s || key[k - s - 1] == '.');
}

enum op_fail {
	OP_OK,
	OP_FAIL_CLASS,
	OP_FAIL_UNIT,
	OP_FAIL_ADDRESS,
	OP_FAIL_S7,
	OP_FAIL_SERVICE,
	OP_FAIL_ANON,
	OP_FAIL_SECMODE,
	OP_FAIL_WINDOW,
};

/* The Modbus address span of an operation for class fc. */
static int mb_span(const struct dis_event *ev, unsigned fc, uint64_t *lo, uint64_t *hi)
{
	uint64_t a, q = 1;
	const char *sa = "start_address", *qq = "quantity";
	if (fc == DIS_FC_WRITE && rule_ev_field(ev, "write.start_address")) {
		sa = "write.start_address";
		qq = "write.quantity";
	}
	if (ev_uint(ev, sa, &a)) {
		if (!ev_uint(ev, qq, &q) || q == 0)
			q = 1;
	} else if (ev_uint(ev, "address", &a)) {
		q = 1;
	} else {
		return 0;
	}
	*lo = a;
	*hi = a + q - 1;
	return 1;
}

static int range_covers(const struct rule_ranges *r, uint64_t lo, uint64_t hi)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (lo >= r->r[i].lo && hi <= r->r[i].hi)
			return 1;
	return 0;
}

static const struct {
	const char *name;
	enum rule_s7_area a;
} s7_area_map[] = {
	{ "inputs", RULE_S7_INPUTS }, { "outputs", RULE_S7_OUTPUTS }, { "flags", RULE_S7_FLAGS },
	{ "db", RULE_S7_DB }, { "di", RULE_S7_DI }, { "local", RULE_S7_LOCAL },
	{ "counters", RULE_S7_COUNTERS }, { "timers", RULE_S7_TIMERS },
	{ "s7_counters", RULE_S7_COUNTERS }, { "s7_timers", RULE_S7_TIMERS },
	{ "iec_counters", RULE_S7_COUNTERS }, { "iec_timers", RULE_S7_TIMERS },
	{ "peripheral", RULE_S7_PERIPHERAL },
};

static enum rule_s7_area s7_area_of(const struct dis_event *ev, const struct dis_field *f)
{
	for (size_t i = 0; i < sizeof(s7_area_map) / sizeof(s7_area_map[0]); i++) {
		size_t l = strlen(s7_area_map[i].name);
		if (f->str_len == l && memcmp(ev->str + f->str_off, s7_area_map[i].name, l) == 0)
			return s7_area_map[i].a;
	}
	return RULE_S7_OTHER;
}

/* Every item area and DB number of an S7 operation must be allowed. */
static int s7_ok(const struct rule_allow *a, const struct dis_event *ev)
{
	for (unsigned i = 0; i < ev->nfields; i++) {
		const struct dis_field *f = &ev->f[i];
		if (a->s7_area_mask && f->type == DIS_F_STR && key_ends(f->key, "area") &&
		    !(a->s7_area_mask >> s7_area_of(ev, f) & 1))
			return 0;
		if (a->s7_db.n && f->type == DIS_F_UINT && key_ends(f->key, "db_number") &&
		    !rule_ranges_has(&a->s7_db, (uint32_t)f->v.u))
			return 0;
	}
	return 1;
}

static enum rule_secmode ua_mode_of(const struct dis_event *ev)
{
	if (ev_str_is(ev, "security_mode", "none") == 1)
		return RULE_SM_NONE;
	if (ev_str_is(ev, "security_mode", "sign") == 1)
		return RULE_SM_SIGN;
	if (ev_str_is(ev, "security_mode", "sign_and_encrypt") == 1)
		return RULE_SM_SIGN_AND_ENCRYPT;
	/* policy None can only carry mode None */
	if (ev_str_is(ev, "security_policy", "None") == 1)
		return RULE_SM_NONE;
	return RULE_SM_UNSET;
}

/* OPC UA security policies deprecated by the OPC Foundation (SHA-1). */
static int ua_deprecated_policy(const struct dis_event *ev)
{
	return ev_str_is(ev, "security_policy", "Basic128Rsa15") == 1 ||
	       ev_str_is(ev, "security_policy", "Basic256") == 1;
}

static int ua_anonymous(const struct dis_event *ev)
{
	return ev_str_is(ev, "identity_token", "anonymous") == 1 ||
	       ev_str_is(ev, "session.identity_token", "anonymous") == 1;
}

static enum op_fail allow_op(const struct rule_policy *p, const struct rule_allow *a,
			     const struct dis_event *ev, const char *proto, uint64_t ts)
{
	unsigned fc = ev->fclass;
	int is_mb = strcmp(proto, "modbus") == 0, is_ua = strcmp(proto, "opcua") == 0;
	int is_s7 = !is_mb && !is_ua && (strcmp(proto, "cotp") == 0 || strncmp(proto, "s7", 2) == 0);
	/* Session set-up, OPC UA discovery (GetEndpoints, FindServers) and the
	 * message counts of encrypted channels come with the protocol. */
	int implied = fc == DIS_FC_SESSION ||
		      (is_ua && (strcmp(ev->action, "get_endpoints") == 0 ||
				 strncmp(ev->action, "find_servers", 12) == 0 ||
				 strcmp(ev->action, "message") == 0));
	/* S7comm and S7comm-plus share the ISO transport flow; a rule that names
	 * only one of them does not allow the other's operations. */
	if (is_s7 && a->protos.n && !name_in(&a->protos, "cotp") &&
	    !name_in(&a->protos, strcmp(proto, "s7comm_plus") == 0 ? "s7comm-plus" : "s7comm"))
		return OP_FAIL_CLASS;
	if (!implied && a->fclass_mask && !(a->fclass_mask >> fc & 1))
		return OP_FAIL_CLASS;
	/* an anonymous write is its own finding, whatever the channel */
	if (is_ua && fc == DIS_FC_WRITE && ua_anonymous(ev) && a->ua_anon_write != 1)
		return OP_FAIL_ANON;
	if (is_ua && a->ua_min_mode) {
		enum rule_secmode m = ua_mode_of(ev);
		if (m != RULE_SM_UNSET && m < a->ua_min_mode)
			return OP_FAIL_SECMODE;
		/* a deprecated policy does not meet a signing requirement */
		if (a->ua_min_mode >= RULE_SM_SIGN && p->opcua_deprecated && ua_deprecated_policy(ev))
			return OP_FAIL_SECMODE;
	}
	if (implied)
		return OP_OK;
	if (is_mb) {
		uint64_t u, lo, hi;
		if (a->unit_ids.n && ev_uint(ev, "unit_id", &u) && !rule_ranges_has(&a->unit_ids, (uint32_t)u))
			return OP_FAIL_UNIT;
		if ((a->mb_addr_set >> fc & 1) && mb_span(ev, fc, &lo, &hi) &&
		    !range_covers(&a->mb_addr[fc], lo, hi))
			return OP_FAIL_ADDRESS;
	}
	if (is_s7 && !s7_ok(a, ev))
		return OP_FAIL_S7;
	if (is_ua && a->ua_services.n && !name_in(&a->ua_services, ev->action))
		return OP_FAIL_SERVICE;
	if (a->window != RULE_NONE && (fc == DIS_FC_PROGRAM || fc == DIS_FC_CONTROL) &&
	    !rule_window_contains(&p->windows[a->window], ts))
		return OP_FAIL_WINDOW;
	return OP_OK;
}

/* "write_single_register (write) unit 1 address 10" */
static void op_text(const struct rule_policy *p, const struct rule_flow_facts *ff,
		    const struct dis_event *ev, char *buf, size_t len)
{
	struct sb s = { buf, len, 0 };
	char a[128], b[128];
	uint64_t u, lo, hi;
	buf[0] = '\0';
	sb_add(&s, "%s %s (%s)", ev->proto && ev->proto->label ? ev->proto->label : proto_label(ff),
	       ev->action, dis_fclass_name((enum dis_fclass)ev->fclass));
	if (ev_uint(ev, "unit_id", &u))
		sb_add(&s, " unit %llu", (unsigned long long)u);
	if (mb_span(ev, ev->fclass, &lo, &hi)) {
		if (lo == hi)
			sb_add(&s, " address %llu", (unsigned long long)lo);
		else
			sb_add(&s, " addresses %llu-%llu", (unsigned long long)lo, (unsigned long long)hi);
	}
	if (ev->count > 1)
		sb_add(&s, " x%u", ev->count);
	endpoint_text(p, ff, ev->dir ? 1 : 0, a, sizeof(a));
	endpoint_text(p, ff, ev->dir ? 0 : 1, b, sizeof(b));
	sb_add(&s, " from %s to %s", a, b);
}

/* Files and mail moved in cleartext (FTP, HTTP, SMTP events of the passive
 * session dissectors). Returns 1 when the event was one of those. */
static int eval_transfer(const struct rule_policy *p, const struct rule_flow_facts *ff,
			 const struct dis_event *ev, const char *proto, struct rule_verdict *out,
			 unsigned *n, unsigned max)
{
	int tftp = strcmp(proto, "tftp") == 0;
	int ftp = tftp || strcmp(proto, "ftp") == 0, http = strcmp(proto, "http") == 0;
	int smtp = strcmp(proto, "smtp") == 0;
	if (!ftp && !http && !smtp)
		return 0;
	int crossing = p->builtin || ff->zone[0] == RULE_NONE || ff->zone[0] != ff->zone[1];
	if (!crossing)
		return 1;
	struct rule_verdict *v;
	char a[128], b[128];
	if (smtp) {
		const struct dis_field *st = rule_ev_field(ev, "starttls");
		if (!st || st->type != DIS_F_BOOL || st->v.u)
			return 1;
		if (!p->builtin && !name_in(&p->cleartext, "smtp"))
			return 1;
		v = vnew(out, n, max, RULE_CLEARTEXT, RULE_SEV_HIGH);
		if (!v)
			return 1;
		v->key = "smtp";
		const struct dis_field *at = rule_ev_field(ev, "attachments");
		const char *pat = NULL;
		endpoint_text(p, ff, 0, a, sizeof(a));
		endpoint_text(p, ff, 1, b, sizeof(b));
		if (at && at->type == DIS_F_STR &&
		    rule_design_data(p, ev->str + at->str_off, at->str_len, &pat))
			v->sev = RULE_SEV_CRITICAL;
		put(v->seen, sizeof(v->seen), "SMTP without STARTTLS on tcp/%u from %s to %s%s%.*s",
		    ff->port[1], a, b, at && at->type == DIS_F_STR ? ", attachments " : "",
		    at && at->type == DIS_F_STR ? (int)at->str_len : 0,
		    at && at->type == DIS_F_STR ? ev->str + at->str_off : "");
		put(v->allowed, sizeof(v->allowed), "mail across zone boundaries only with STARTTLS%s%s",
		    pat ? "; design data matches " : "", pat ? pat : "");
		put(v->message, sizeof(v->message), "E-mail in cleartext (no STARTTLS): %s", v->seen);
		return 1;
	}
	const struct dis_field *fnf = rule_ev_field(ev, "file.name");
	if (!fnf || fnf->type != DIS_F_STR || fnf->str_len == 0)
		return 1;
	const char *fname = ev->str + fnf->str_off;
	const char *pat = NULL;
	int design = rule_design_data(p, fname, fnf->str_len, &pat);
	/* HTTP downloads are everyday traffic: only design data counts */
	if (http && !design)
		return 1;
	if (ftp && !design && !p->builtin && !name_in(&p->cleartext, tftp ? "tftp" : "ftp"))
		return 1;
	v = vnew(out, n, max, RULE_CLEARTEXT_FILE, design ? RULE_SEV_CRITICAL : RULE_SEV_HIGH);
	if (!v)
		return 1;
	v->outcome = ev_outcome(ev);
	if (design) { /* each design file its own alert (deduplicated by its name) */
		put(v->keybuf, sizeof(v->keybuf), "file:%.*s",
		    (int)(fnf->str_len > 40 ? 40 : fnf->str_len), fname);
		v->key = v->keybuf;
	}
	/* the texts only now: most transfers raise nothing */
	endpoint_text(p, ff, 0, a, sizeof(a));
	endpoint_text(p, ff, 1, b, sizeof(b));
	const char *dirw = strstr(ev->action, "upload") || strstr(ev->action, "write") ? "upload" :
			   strstr(ev->action, "delete") ? "delete" : "download";
	put(v->seen, sizeof(v->seen), "%s %s of '%.*s' from %s to %s",
	    http ? "HTTP" : tftp ? "TFTP" : "FTP", dirw,
	    (int)(fnf->str_len > 96 ? 96 : fnf->str_len), fname, a, b);
	if (design)
		put(v->allowed, sizeof(v->allowed),
		    "design and production data (matches %s) only over encrypted, auditable transfer "
		    "(TLS 1.2 or better)", pat);
	else
		put(v->allowed, sizeof(v->allowed), "no cleartext file transfer across zone boundaries");
	put(v->message, sizeof(v->message), "%s file transfer in cleartext: %s%s%s",
	    design ? "Design data" : "A", v->seen, v->outcome ? ", " : "",
	    v->outcome ? v->outcome : "");
	return 1;
}

unsigned rule_eval_event(const struct rule_policy *p, const struct rule_flow_facts *ff,
			 const struct dis_event *ev, struct rule_verdict *out, unsigned max)
{
	unsigned n = 0;
	if (ev->flags & (DIS_EV_ANOMALY | DIS_EV_RESPONSE))
		return 0;
	unsigned fc = ev->fclass;
	const char *proto = ev->proto ? ev->proto->name : "unknown";
	if (eval_transfer(p, ff, ev, proto, out, &n, max))
		return n;
	int is_ua = strcmp(proto, "opcua") == 0;
	int changes = fc == DIS_FC_WRITE || fc == DIS_FC_PROGRAM || fc == DIS_FC_CONTROL;
	uint16_t z0 = ff->zone[0], z1 = ff->zone[1];
	struct rule_verdict *v;

	if (p->builtin || (z0 != RULE_NONE && z0 == z1)) {
		/* No conduit to ask: the default reports, inside a zone only
		 * anonymous OPC UA writes are reported. */
		if (p->builtin && (fc == DIS_FC_PROGRAM || fc == DIS_FC_CONTROL)) {
			v = vnew(out, &n, max, RULE_UNAPPROVED_OPERATION, class_sev(fc));
			if (v) {
				v->outcome = ev_outcome(ev);
				op_text(p, ff, ev, v->seen, sizeof(v->seen));
				put(v->allowed, sizeof(v->allowed),
					 "built-in default policy: every program and control operation "
					 "is reported (give --policy to approve them)");
				put(v->message, sizeof(v->message), "%s operation: %s%s%s",
					 fc == DIS_FC_PROGRAM ? "Program" : "Control", v->seen,
					 v->outcome ? ", " : "", v->outcome ? v->outcome : "");
			}
		} else if (is_ua && fc == DIS_FC_WRITE && ua_anonymous(ev)) {
			v = vnew(out, &n, max, RULE_OPCUA_ANON_WRITE, RULE_SEV_HIGH);
			if (v) {
				v->outcome = ev_outcome(ev);
				op_text(p, ff, ev, v->seen, sizeof(v->seen));
				put(v->allowed, sizeof(v->allowed),
					 "OPC UA writes from identified sessions");
				put(v->message, sizeof(v->message),
					 "OPC UA write over an anonymous session: %s", v->seen);
			}
		}
		return n;
	}

	char why[256];
	uint16_t cs[16];
	unsigned nc = 0;
	if (z0 == RULE_NONE || z1 == RULE_NONE) {
		if (!changes)
			return 0;
		put(why, sizeof(why), "nothing: %s is in no zone",
			 z0 == RULE_NONE ? "the client" : "the server");
	} else {
		nc = conduits_for(p, z0, z1, cs, 16);
		if (nc == 0)
			put(why, sizeof(why), "nothing: no conduit from %s to %s", zone_name(p, z0),
				 zone_name(p, z1));
	}

	enum op_fail best = OP_FAIL_CLASS;
	int matched = 0;
	const struct rule_allow *best_rule = NULL;
	uint16_t best_conduit = nc ? cs[0] : RULE_NONE;
	for (unsigned i = 0; i < nc; i++) {
		const struct rule_conduit *c = &p->conduits[cs[i]];
		for (uint32_t j = 0; j < c->nallow; j++) {
			const struct rule_allow *a = &c->allow[j];
			if (!allow_matches_flow(a, ff))
				continue;
			enum op_fail r = allow_op(p, a, ev, proto, ff->ts_us);
			if (r == OP_OK)
				return 0;
			if (!matched || r > best) {
				best = r;
				best_rule = a;
				best_conduit = cs[i];
			}
			matched = 1;
		}
	}
	if (nc && !matched) {
		/* The flow itself is not allowed (alerted at flow level); only
		 * changes get their own alert. */
		if (!changes)
			return 0;
		put(why, sizeof(why), "nothing: conduit %s does not allow this protocol",
			 p->conduits[cs[0]].name);
	}
	if (!nc && !changes && z0 != RULE_NONE && z1 != RULE_NONE)
		return 0;

	enum rule_kind kind = RULE_UNAPPROVED_OPERATION;
	uint8_t sev = class_sev(fc);
	if (matched && best == OP_FAIL_WINDOW)
		kind = RULE_OUTSIDE_WINDOW;
	else if (matched && best == OP_FAIL_SECMODE)
		kind = RULE_OPCUA_SECURITY, sev = RULE_SEV_HIGH;
	else if (matched && best == OP_FAIL_ANON)
		kind = RULE_OPCUA_ANON_WRITE, sev = RULE_SEV_HIGH;
	v = vnew(out, &n, max, kind, sev);
	if (!v)
		return n;
	v->conduit = best_conduit;
	v->outcome = ev_outcome(ev);
	op_text(p, ff, ev, v->seen, sizeof(v->seen));
	if (matched) {
		struct sb s = { v->allowed, sizeof(v->allowed), 0 };
		v->policy_rule = best_rule->label;
		sb_add(&s, "conduit %s rule %s allows ", p->conduits[best_conduit].name,
		       best_rule->label);
		allow_text(&s, best_rule);
		if (best == OP_FAIL_WINDOW)
			sb_add(&s, "; window %s", p->windows[best_rule->window].name);
	} else {
		put(v->allowed, sizeof(v->allowed), "%s", why);
	}
	if (kind == RULE_OPCUA_SECURITY) {
		v->key = "opcua_channel"; /* one alert per client, server and channel flow */
		const struct dis_field *pf = rule_ev_field(ev, "security_policy");
		char pol[48] = "unknown";
		if (pf && pf->type == DIS_F_STR)
			put(pol, sizeof(pol), "%.*s", (int)pf->str_len, ev->str + pf->str_off);
		put(v->message, sizeof(v->message),
		    "OPC UA channel weaker than conduit %s requires (policy %s; needs security mode "
		    "%s%s): %s", p->conduits[best_conduit].name, pol,
		    rule_secmode_name((enum rule_secmode)best_rule->ua_min_mode),
		    p->opcua_deprecated ? " and no deprecated policy" : "", v->seen);
		return n;
	}
	const char *what = kind == RULE_OUTSIDE_WINDOW ? "outside its maintenance window" :
			   kind == RULE_OPCUA_SECURITY ? "over a channel weaker than required" :
			   kind == RULE_OPCUA_ANON_WRITE ? "by an anonymous session" :
			   "not allowed";
	put(v->message, sizeof(v->message), "%s operation %s: %s%s%s",
		 dis_fclass_name((enum dis_fclass)fc), what, v->seen, v->outcome ? ", " : "",
		 v->outcome ? v->outcome : "");
	v->message[0] = (char)(v->message[0] >= 'a' && v->message[0] <= 'z' ? v->message[0] - 32 :
								     v->message[0]);
	return n;
}

/* ---- bookkeeping for the acceptance test (issue #8) ---- */

static int remote_entry_matches(const struct rule_policy *p, const struct rule_remote *e,
				const struct rule_flow_facts *ff)
{
	uint16_t z0 = ff->zone[0], z1 = ff->zone[1];
	int from_ok = e->from == RULE_ZONE_ANY || e->from == z0 ||
		      (e->from == RULE_ZONE_EXTERNAL && z0 == RULE_NONE);
	int to_ok = e->to == RULE_ZONE_ANY || e->to == z1;
	int via_ok = e->via == RULE_NONE || e->via == ff->asset[1];
	if (!from_ok || !to_ok || !via_ok)
		return 0;
	if (e->protos.n && !proto_match(&e->protos, ff->names))
		return 0;
	return remote_entry_time_ok(p, e, ff->ts_us);
}

int rule_match_flow(const struct rule_policy *p, const struct rule_flow_facts *ff,
		    uint16_t *conduit, uint32_t *rule_index)
{
	uint16_t z0 = ff->zone[0], z1 = ff->zone[1];
	*conduit = RULE_NONE;
	*rule_index = UINT32_MAX;
	if (rule_flow_is_remote(p, ff)) {
		if (z0 != RULE_NONE && z0 == z1)
			return RULE_MATCH_INTRA_ZONE;
		for (uint32_t i = 0; i < p->nremote; i++)
			if (remote_entry_matches(p, &p->remote[i], ff)) {
				*rule_index = i;
				return RULE_MATCH_REMOTE;
			}
		return RULE_MATCH_REMOTE;
	}
	if (z0 == RULE_NONE || z1 == RULE_NONE)
		return RULE_MATCH_NO_ZONE;
	if (z0 == z1)
		return RULE_MATCH_INTRA_ZONE;
	uint16_t cs[16];
	unsigned nc = conduits_for(p, z0, z1, cs, 16);
	if (nc == 0)
		return RULE_MATCH_NO_CONDUIT;
	for (unsigned i = 0; i < nc; i++) {
		const struct rule_conduit *c = &p->conduits[cs[i]];
		for (uint32_t j = 0; j < c->nallow; j++)
			if (allow_matches_flow(&c->allow[j], ff)) {
				*conduit = cs[i];
				*rule_index = j;
				return RULE_MATCH_ALLOWED;
			}
	}
	*conduit = cs[0];
	return RULE_MATCH_NOT_ALLOWED;
}

int rule_match_op(const struct rule_policy *p, const struct rule_flow_facts *ff,
		  const struct dis_event *ev, uint16_t *conduit, uint32_t *rule_index)
{
	uint16_t z0 = ff->zone[0], z1 = ff->zone[1];
	const char *proto = ev->proto ? ev->proto->name : "unknown";
	*conduit = RULE_NONE;
	*rule_index = UINT32_MAX;
	if (z0 == RULE_NONE || z1 == RULE_NONE)
		return RULE_MATCH_NO_ZONE;
	if (z0 == z1)
		return RULE_MATCH_INTRA_ZONE;
	uint16_t cs[16];
	unsigned nc = conduits_for(p, z0, z1, cs, 16);
	if (nc == 0)
		return RULE_MATCH_NO_CONDUIT;
	int matched = 0;
	for (unsigned i = 0; i < nc; i++) {
		const struct rule_conduit *c = &p->conduits[cs[i]];
		for (uint32_t j = 0; j < c->nallow; j++) {
			if (!allow_matches_flow(&c->allow[j], ff))
				continue;
			if (allow_op(p, &c->allow[j], ev, proto, ff->ts_us) == OP_OK) {
				*conduit = cs[i];
				*rule_index = j;
				return RULE_MATCH_ALLOWED;
			}
			if (!matched) {
				/* the first rule that carries the flow */
				*conduit = cs[i];
				*rule_index = j;
				matched = 1;
			}
		}
	}
	if (!matched)
		*conduit = cs[0];
	return RULE_MATCH_NOT_ALLOWED;
}
