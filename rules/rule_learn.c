/* rule_learn.c - draft policy from observed traffic. See rule_learn.h. */
#include "config.h"

#include "rules/rule_learn.h"

#include <stdlib.h>
#include <string.h>

#include "capture/dec.h"
#include "capture/flow.h"
#include "dissectors/dis.h"
#include "rules/rule_eval.h"
#include "rules/rule_model.h"
#include "rules/rule_run.h"
#include "rules/rule_sat.h"

struct learn_ent {
	uint64_t hash;
	uint8_t ver, l4, remote, anon_write, has_dissector;
	uint8_t fclass_mask;
	uint8_t addr[2][16];
	uint16_t port, vlan;
	uint16_t tls_version;     /* lowest seen, 0 none */
	char proto[32];
	char cleartext[24];
	uint8_t units[32];        /* Modbus unit ids seen (bitmap) */
	uint8_t fcs[32];          /* Modbus function codes seen (bitmap) */
	uint8_t szl[32];          /* S7 SZL ids seen (bitmap of the low byte) */
	uint64_t flows, pkts, bytes, ops, first_us, last_us;
};

struct rule_learn {
	const struct rule_policy *zones;
	struct dis_ndpi *nd;
	struct learn_ent *e;
	uint32_t n;
	uint32_t *idx;
	uint32_t mask;
	uint64_t full;
};

struct rule_learn *rule_learn_new(const struct rule_policy *zones, struct dis_ndpi *nd)
{
	struct rule_learn *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->zones = zones;
	l->nd = nd;
	l->mask = RULE_LEARN_ENTRIES * 2 - 1;
	l->e = calloc(RULE_LEARN_ENTRIES, sizeof(*l->e));
	l->idx = calloc((size_t)l->mask + 1, sizeof(*l->idx));
	if (!l->e || !l->idx) {
		rule_learn_free(l);
		return NULL;
	}
	return l;
}

void rule_learn_free(struct rule_learn *l)
{
	if (!l)
		return;
	free(l->e);
	free(l->idx);
	free(l);
}

static struct learn_ent *ent_get(struct rule_learn *l, const struct flow *f,
				 const struct rule_flow_facts *ff)
{
	struct learn_ent k;
	memset(&k, 0, sizeof(k));
	k.ver = ff->ip_ver;
	k.l4 = ff->l4;
	memcpy(k.addr[0], ff->addr[0], 16);
	memcpy(k.addr[1], ff->addr[1], 16);
	k.port = ff->port[1];
	snprintf(k.proto, sizeof(k.proto), "%s", rule_sat_proto(ff));
	uint64_t h = rule_hash(RULE_HASH_SEED, k.addr, sizeof(k.addr));
	h = rule_hash(h, &k.port, 2);
	h = rule_hash(h, &k.l4, 1);
	h = rule_hash(h, k.proto, strlen(k.proto));
	uint32_t s = (uint32_t)h & l->mask;
	for (;; s = (s + 1) & l->mask) {
		uint32_t v = l->idx[s];
		if (!v)
			break;
		struct learn_ent *x = &l->e[v - 1];
		if (x->hash == h && x->ver == k.ver && x->l4 == k.l4 && x->port == k.port &&
		    memcmp(x->addr, k.addr, sizeof(k.addr)) == 0 && strcmp(x->proto, k.proto) == 0)
			return x;
	}
	if (l->n >= RULE_LEARN_ENTRIES) {
		l->full++;
		return NULL;
	}
	struct learn_ent *x = &l->e[l->n];
	*x = k;
	x->hash = h;
	x->vlan = f->key.vlan_id;
	x->has_dissector = ff->names[0] != NULL;
	l->idx[s] = ++l->n;
	return x;
}

void rule_learn_flow(struct rule_learn *l, const struct flow *f)
{
	struct rule_facts_buf b;
	rule_flow_facts(l->zones, l->nd, f, NULL, NULL, f->first_us, &b);
	struct learn_ent *x = ent_get(l, f, &b.ff);
	if (!x)
		return;
	x->flows++;
	x->pkts += f->pkts[0] + f->pkts[1];
	x->bytes += f->bytes[0] + f->bytes[1];
	if (!x->first_us || f->first_us < x->first_us)
		x->first_us = f->first_us;
	if (f->last_us > x->last_us)
		x->last_us = f->last_us;
	if (rule_flow_is_remote(l->zones, &b.ff))
		x->remote = 1;
	if (b.ff.tls_version && (!x->tls_version || b.ff.tls_version < x->tls_version))
		x->tls_version = b.ff.tls_version;
	if (b.ff.cleartext)
		snprintf(x->cleartext, sizeof(x->cleartext), "%s", b.ff.cleartext);
}

static int ev_str_is(const struct dis_event *ev, const char *key, const char *s)
{
	const struct dis_field *f = rule_ev_field(ev, key);
	return f && f->type == DIS_F_STR && f->str_len == strlen(s) &&
	       memcmp(ev->str + f->str_off, s, f->str_len) == 0;
}

void rule_learn_event(struct rule_learn *l, const struct dis_event *ev)
{
	if (ev->flags & (DIS_EV_ANOMALY | DIS_EV_RESPONSE) || !ev->flow)
		return;
	struct rule_facts_buf b;
	rule_flow_facts(l->zones, l->nd, ev->flow, NULL, NULL, ev->ts_us, &b);
	struct learn_ent *x = ent_get(l, ev->flow, &b.ff);
	if (!x)
		return;
	unsigned fc = ev->fclass < DIS_FC__COUNT ? ev->fclass : DIS_FC_OTHER;
	x->ops += ev->count ? ev->count : 1;
	if (fc != DIS_FC_SESSION)
		x->fclass_mask |= (uint8_t)(1u << fc);
	const struct dis_field *u = rule_ev_field(ev, "unit_id");
	if (u && u->type == DIS_F_UINT && u->v.u < 256)
		x->units[u->v.u >> 3] |= (uint8_t)(1u << (u->v.u & 7));
	const struct dis_field *fcf = rule_ev_field(ev, "function_code");
	if (fcf && fcf->type == DIS_F_UINT && ev->proto && strcmp(ev->proto->name, "modbus") == 0)
		x->fcs[(fcf->v.u & 0xff) >> 3] |= (uint8_t)(1u << (fcf->v.u & 7));
	const struct dis_field *sz = rule_ev_field(ev, "szl_id");
	if (sz && sz->type == DIS_F_UINT)
		x->szl[(sz->v.u & 0xff) >> 3] |= (uint8_t)(1u << (sz->v.u & 7));
	if (fc == DIS_FC_WRITE && (ev_str_is(ev, "identity_token", "anonymous") ||
				   ev_str_is(ev, "session.identity_token", "anonymous")))
		x->anon_write = 1;
}

/* ---- writing ---- */

struct lzone {
	char name[64];
	uint8_t ver, plen;
	uint8_t net[16];           /* flow form (IPv4 mapped) */
	uint32_t hosts;
	int learned;               /* 0: from the zone file */
};

struct lhost {
	uint8_t ver, addr[16];
	uint16_t vlan;
	uint8_t not_remote_only;   /* a server, or a client of non-remote traffic */
	int zone;                  /* index in zones, -1 external */
};

struct lconduit {
	int zc, zs;
	uint32_t first;            /* first entry */
};

struct learn_out {
	struct lzone *z;
	uint32_t nz;
	struct lhost *h;
	uint32_t nh;
	uint32_t *hidx;            /* open addressing: host index + 1 */
	uint32_t hmask;
	int *ent_zone[2];          /* per entry: zone of client/server, -1 external */
};

static void yq(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

static void tstr(uint64_t us, char *buf, size_t len)
{
	rule_sat_time(us, buf, len);
}

/* The host's index; with add, created if new. -1 if absent. */
static int host_find(struct learn_out *o, const uint8_t *addr, uint8_t ver, int add)
{
	uint32_t s = (uint32_t)rule_hash(RULE_HASH_SEED, addr, 16) & o->hmask;
	for (;; s = (s + 1) & o->hmask) {
		uint32_t v = o->hidx[s];
		if (!v)
			break;
		if (o->h[v - 1].ver == ver && memcmp(o->h[v - 1].addr, addr, 16) == 0)
			return (int)(v - 1);
	}
	if (!add)
		return -1;
	struct lhost *h = &o->h[o->nh];
	memset(h, 0, sizeof(*h));
	h->ver = ver;
	memcpy(h->addr, addr, 16);
	h->zone = -2;
	o->hidx[s] = ++o->nh;
	return (int)(o->nh - 1);
}

static int zone_by_name(const struct learn_out *o, const char *name)
{
	for (uint32_t i = 0; i < o->nz; i++)
		if (strcmp(o->z[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The learned /24 or /64 zone of addr (created if new). */
static int net_zone(struct learn_out *o, const uint8_t *addr, uint8_t ver)
{
	uint8_t net[16];
	memset(net, 0, sizeof(net));
	char name[64];
	uint8_t plen;
	if (ver == 4) {
		memcpy(net, addr, 15);
		plen = 24;
		snprintf(name, sizeof(name), "net-%u-%u-%u", addr[12], addr[13], addr[14]);
	} else {
		memcpy(net, addr, 8);
		plen = 64;
		snprintf(name, sizeof(name), "net6-%02x%02x-%02x%02x-%02x%02x-%02x%02x", addr[0],
			 addr[1], addr[2], addr[3], addr[4], addr[5], addr[6], addr[7]);
	}
	int z = zone_by_name(o, name);
	if (z >= 0)
		return z;
	struct lzone *nz = &o->z[o->nz];
	memset(nz, 0, sizeof(*nz));
	snprintf(nz->name, sizeof(nz->name), "%s", name);
	nz->ver = ver;
	nz->plen = plen;
	memcpy(nz->net, net, 16);
	nz->learned = 1;
	return (int)o->nz++;
}

static void ranges_write(FILE *fp, const uint8_t *bits, unsigned nbits)
{
	int first = 1;
	for (unsigned i = 0; i < nbits;) {
		if (!(bits[i >> 3] >> (i & 7) & 1)) {
			i++;
			continue;
		}
		unsigned j = i;
		while (j + 1 < nbits && (bits[(j + 1) >> 3] >> ((j + 1) & 7) & 1))
			j++;
		if (i == j)
			fprintf(fp, "%s%u", first ? "" : ", ", i);
		else
			fprintf(fp, "%s\"%u-%u\"", first ? "" : ", ", i, j);
		first = 0;
		i = j + 1;
	}
}

static const char *default_cleartext[] = { "ftp", "tftp", "telnet", "http_basic_auth", "smbv1" };

int rule_learn_write(struct rule_learn *l, FILE *fp, const char *header, int approve_remote)
{
	const struct rule_policy *zp = l->zones;
	struct learn_out o;
	memset(&o, 0, sizeof(o));
	uint32_t maxz = zp->nzones + 2 * l->n + 1;
	o.z = calloc(maxz, sizeof(*o.z));
	o.h = calloc(2 * (size_t)l->n + 1, sizeof(*o.h));
	o.hmask = 1;
	while (o.hmask < 4 * l->n + 4)
		o.hmask <<= 1;
	o.hidx = calloc(o.hmask, sizeof(*o.hidx));
	o.hmask--;
	o.ent_zone[0] = calloc(l->n + 1u, sizeof(int));
	o.ent_zone[1] = calloc(l->n + 1u, sizeof(int));
	struct lconduit *cd = calloc(l->n + 1u, sizeof(*cd));
	uint8_t *done = calloc(l->n + 1u, 1);
	uint32_t *next = calloc(l->n + 1u, sizeof(*next));
	uint32_t *tail = calloc(l->n + 1u, sizeof(*tail));
	uint32_t gmask = 1;
	while (gmask < 2 * l->n + 2)
		gmask <<= 1;
	uint32_t *gidx = calloc(gmask, sizeof(*gidx));
	gmask--;
	int rc = -1;
	char t1[40], t2[40], ip[64], ip2[64];
	if (!o.z || !o.h || !o.hidx || !o.ent_zone[0] || !o.ent_zone[1] || !cd || !done || !next ||
	    !tail || !gidx)
		goto out;

	for (uint32_t i = 0; i < zp->nzones; i++) {
		snprintf(o.z[i].name, sizeof(o.z[i].name), "%s", zp->zones[i].name);
		o.nz++;
	}
	/* hosts; a public address that only opens remote sessions stays external */
	for (uint32_t i = 0; i < l->n; i++)
		for (int d = 0; d < 2; d++) {
			const struct learn_ent *x = &l->e[i];
			struct lhost *h = &o.h[host_find(&o, x->addr[d], x->ver, 1)];
			if (!h->vlan)
				h->vlan = x->vlan;
			if (d == 1 || !x->remote)
				h->not_remote_only = 1;
		}
	for (uint32_t k = 0; k < o.nh; k++) {
		struct lhost *h = &o.h[k];
		uint16_t z, a;
		rule_lookup(zp, h->addr, h->ver, h->vlan, &z, &a);
		if (z < zp->nzones) {
			h->zone = (int)z;
		} else {
			int only_remote_client = rule_addr_is_public(h->addr, h->ver) &&
						 !h->not_remote_only;
			h->zone = only_remote_client ? -1 : net_zone(&o, h->addr, h->ver);
		}
		if (h->zone >= 0)
			o.z[h->zone].hosts++;
	}
	for (uint32_t i = 0; i < l->n; i++)
		for (int d = 0; d < 2; d++)
			o.ent_zone[d][i] = o.h[host_find(&o, l->e[i].addr[d], l->e[i].ver, 0)].zone;

	/* header */
	fputs("# Draft zone/conduit policy learned by `zonewatch learn` (docs/policy.md).\n"
	      "# It approves what was seen, nothing more: review every conduit, rule and\n"
	      "# line marked REVIEW before using it as the approved policy.\n", fp);
	if (header)
		fputs(header, fp);
	if (l->full)
		fprintf(fp, "# WARNING: %llu conversations not learnt (table of %u full)\n",
			(unsigned long long)l->full, RULE_LEARN_ENTRIES);
	fprintf(fp, "\nversion: 1\nsite: \"learned draft\"\n\nzones:%s\n", o.nz ? "" : " {}");
	for (uint32_t z = 0; z < o.nz; z++) {
		const struct lzone *lz = &o.z[z];
		fputs("  ", fp);
		yq(fp, lz->name);
		fputs(":\n", fp);
		if (!lz->learned) {
			const struct rule_zone *rz = &zp->zones[z];
			if (rz->security_level >= 0)
				fprintf(fp, "    security_level: %d\n", rz->security_level);
			fputs("    networks: [", fp);
			for (uint32_t k = 0; k < rz->nnets; k++) {
				char b[80];
				rule_sat_net_str(&rz->nets[k], b, sizeof(b));
				fprintf(fp, "%s\"%s\"", k ? ", " : "", b);
			}
			fprintf(fp, "]    # from the zone file; %u address%s seen\n", lz->hosts,
				lz->hosts == 1 ? "" : "es");
		} else {
			uint8_t a[16];
			memcpy(a, lz->net, 16);
			dec_addr_str(a, lz->ver, ip, sizeof(ip));
			fprintf(fp, "    # REVIEW: learned from the addresses seen; set security_level\n"
				    "    networks: [\"%s/%u\"]\n", ip, lz->plen);
		}
		fputs("    # seen:", fp);
		unsigned shown = 0;
		for (uint32_t k = 0; k < o.nh; k++)
			if (o.h[k].zone == (int)z) {
				if (shown++ == 12) {
					fputs(" ...", fp);
					break;
				}
				dec_addr_str(o.h[k].addr, o.h[k].ver, ip, sizeof(ip));
				fprintf(fp, " %s", ip);
			}
		fputc('\n', fp);
	}
	if (zp->nassets) {
		fputs("\nassets:    # from the zone file\n", fp);
		for (uint32_t i = 0; i < zp->nassets; i++) {
			const struct rule_asset *as = &zp->assets[i];
			char b[80];
			rule_sat_net_str(&as->addr, b, sizeof(b));
			char *slash = strrchr(b, '/');
			if (slash)
				*slash = '\0';
			fputs("  ", fp);
			yq(fp, as->name);
			fprintf(fp, ": { ip: %s, zone: ", b);
			yq(fp, zp->zones[as->zone].name);
			fputs(" }\n", fp);
		}
	}

	/* conduits, in order of first occurrence */
	uint32_t ncd = 0, nintra = 0;
	for (uint32_t i = 0; i < l->n; i++) {
		const struct learn_ent *x = &l->e[i];
		int zc = o.ent_zone[0][i], zs = o.ent_zone[1][i];
		if (x->remote)
			continue;
		if (zc == zs || zc < 0 || zs < 0) {
			nintra++;
			continue;
		}
		uint32_t c;
		for (c = 0; c < ncd; c++)
			if (cd[c].zc == zc && cd[c].zs == zs)
				break;
		if (c == ncd) {
			cd[ncd].zc = zc;
			cd[ncd].zs = zs;
			cd[ncd].first = i;
			ncd++;
		}
	}
	/* group the entries of one rule (zone pair, protocol, transport,
	 * port): chains through next[], led by the first entry */
	memset(done, 0, l->n + 1u);
	for (uint32_t i = 0; i < l->n; i++)
		next[i] = UINT32_MAX;
	memset(gidx, 0, ((size_t)gmask + 1) * sizeof(*gidx));
	for (uint32_t i = 0; i < l->n; i++) {
		const struct learn_ent *x = &l->e[i];
		int zc = o.ent_zone[0][i], zs = o.ent_zone[1][i];
		if (x->remote || zc == zs || zc < 0 || zs < 0)
			continue;
		uint64_t h = rule_hash(RULE_HASH_SEED, &zc, sizeof(zc));
		h = rule_hash(h, &zs, sizeof(zs));
		h = rule_hash(h, &x->l4, 1);
		h = rule_hash(h, &x->port, 2);
		h = rule_hash(h, x->proto, strlen(x->proto));
		uint32_t sl = (uint32_t)h & gmask;
		for (;; sl = (sl + 1) & gmask) {
			uint32_t v = gidx[sl];
			if (!v) {
				gidx[sl] = i + 1;
				tail[i] = i;
				done[i] = 1; /* a leader */
				break;
			}
			const struct learn_ent *y = &l->e[v - 1];
			if (o.ent_zone[0][v - 1] == zc && o.ent_zone[1][v - 1] == zs &&
			    y->l4 == x->l4 && y->port == x->port && strcmp(y->proto, x->proto) == 0) {
				next[tail[v - 1]] = i;
				tail[v - 1] = i;
				break;
			}
		}
	}
	fprintf(fp, "\nconduits:%s\n", ncd ? "" : " {}");
	if (nintra)
		fprintf(fp, "  # %u conversation%s inside one zone need%s no conduit\n", nintra,
			nintra == 1 ? "" : "s", nintra == 1 ? "s" : "");
	for (uint32_t c = 0; c < ncd; c++) {
		char name[140];
		snprintf(name, sizeof(name), "%s-to-%s", o.z[cd[c].zc].name, o.z[cd[c].zs].name);
		fputs("  ", fp);
		yq(fp, name);
		fputs(":\n    from: ", fp);
		yq(fp, o.z[cd[c].zc].name);
		fputs("\n    to: ", fp);
		yq(fp, o.z[cd[c].zs].name);
		fputs("\n    allow:\n", fp);
		for (uint32_t i = cd[c].first; i < l->n; i++) {
			const struct learn_ent *x = &l->e[i];
			if (!done[i] || o.ent_zone[0][i] != cd[c].zc || o.ent_zone[1][i] != cd[c].zs)
				continue;
			/* one rule per protocol, transport and port: merge the
			 * entries of other hosts */
			uint8_t mask = 0, units[32], anon = 0;
			uint64_t flows = 0, ops = 0, pkts = 0, bytes = 0, first = 0, last = 0;
			memset(units, 0, sizeof(units));
			unsigned nclients = 0, nservers = 0;
			char clients[200] = "", servers[200] = "";
			for (uint32_t j = i; j != UINT32_MAX; j = next[j]) {
				const struct learn_ent *y = &l->e[j];
				mask |= y->fclass_mask;
				anon |= y->anon_write;
				for (int k = 0; k < 32; k++)
					units[k] |= y->units[k];
				flows += y->flows;
				ops += y->ops;
				pkts += y->pkts;
				bytes += y->bytes;
				if (!first || (y->first_us && y->first_us < first))
					first = y->first_us;
				if (y->last_us > last)
					last = y->last_us;
				dec_addr_str(y->addr[0], y->ver, ip, sizeof(ip));
				dec_addr_str(y->addr[1], y->ver, ip2, sizeof(ip2));
				if (!strstr(clients, ip) && nclients++ < 4)
					snprintf(clients + strlen(clients), sizeof(clients) - strlen(clients),
						 " %s", ip);
				if (!strstr(servers, ip2) && nservers++ < 4)
					snprintf(servers + strlen(servers), sizeof(servers) - strlen(servers),
						 " %s", ip2);
			}
			int known = strcmp(x->proto, "unknown") != 0;
			fputs("      - ", fp);
			if (known) {
				fputs("protocol: ", fp);
				yq(fp, x->proto);
				fputs("\n        ", fp);
			}
			fprintf(fp, "transport: %s\n        port: %u\n",
				x->l4 == 17 ? "udp" : "tcp", x->port);
			if (x->has_dissector) {
				fputs("        functions: [", fp);
				int firstc = 1;
				for (int f = 0; f < DIS_FC__COUNT; f++)
					if (mask >> f & 1) {
						fprintf(fp, "%s%s", firstc ? "" : ", ",
							dis_fclass_name((enum dis_fclass)f));
						firstc = 0;
					}
				if (firstc)
					fputs("session", fp);
				fputs("]\n", fp);
			}
			int any_unit = 0;
			for (int k = 0; k < 32; k++)
				any_unit |= units[k];
			if (strcmp(x->proto, "modbus") == 0 && any_unit) {
				fputs("        modbus: { unit_ids: [", fp);
				ranges_write(fp, units, 256);
				fputs("] }\n", fp);
			}
			if (strcmp(x->proto, "opcua") == 0 && anon)
				fputs("        opcua: { anonymous_write: true }    # REVIEW: anonymous "
				      "sessions wrote\n", fp);
			tstr(first, t1, sizeof(t1));
			tstr(last, t2, sizeof(t2));
			fprintf(fp, "        # %llu flow%s, %llu operation%s, %llu packets, %llu bytes, "
				    "%s .. %s\n        # clients%s%s; servers%s%s\n",
				(unsigned long long)flows, flows == 1 ? "" : "s", (unsigned long long)ops,
				ops == 1 ? "" : "s", (unsigned long long)pkts, (unsigned long long)bytes,
				t1, t2, clients, nclients > 4 ? " ..." : "", servers,
				nservers > 4 ? " ..." : "");
		}
	}

	/* remote access */
	unsigned nrem = 0;
	fputs("\nremote_access:\n", fp);
	fputs("  # REVIEW: remote-access sessions seen. They are approved only if written\n"
	      "  # active (zonewatch learn --approve-remote); commented out they fail a SAT.\n", fp);
	memset(done, 0, l->n + 1u);
	for (uint32_t i = 0; i < l->n; i++)
		if (l->e[i].remote && !(o.ent_zone[0][i] >= 0 && o.ent_zone[0][i] == o.ent_zone[1][i]))
			nrem++;
	fprintf(fp, "  approved:%s\n", approve_remote && nrem ? "" : " []");
	for (uint32_t i = 0; i < l->n; i++) {
		const struct learn_ent *x = &l->e[i];
		int zc = o.ent_zone[0][i], zs = o.ent_zone[1][i];
		if (done[i] || !x->remote || (zc >= 0 && zc == zs))
			continue;
		uint64_t n = 0, first = 0, last = 0;
		char clients[200] = "";
		for (uint32_t j = i; j < l->n; j++) {
			const struct learn_ent *y = &l->e[j];
			if (done[j] || !y->remote || o.ent_zone[0][j] != zc || o.ent_zone[1][j] != zs ||
			    strcmp(y->proto, x->proto) != 0)
				continue;
			done[j] = 1;
			n += y->flows;
			if (!first || y->first_us < first)
				first = y->first_us;
			if (y->last_us > last)
				last = y->last_us;
			dec_addr_str(y->addr[0], y->ver, ip, sizeof(ip));
			if (!strstr(clients, ip) && strlen(clients) + strlen(ip) + 2 < sizeof(clients))
				snprintf(clients + strlen(clients), sizeof(clients) - strlen(clients),
					 " %s", ip);
		}
		const char *pfx = approve_remote ? "    " : "    # ";
		char name[200];
		snprintf(name, sizeof(name), "%s-%s-to-%s", x->proto, zc >= 0 ? o.z[zc].name : "external",
			 zs >= 0 ? o.z[zs].name : "external");
		tstr(first, t1, sizeof(t1));
		tstr(last, t2, sizeof(t2));
		fprintf(fp, "%s- name: ", approve_remote ? "    " : "    # ");
		yq(fp, name);
		fprintf(fp, "\n%s  from: ", pfx);
		if (zc >= 0)
			yq(fp, o.z[zc].name);
		else
			fputs("external", fp);
		fprintf(fp, "\n%s  to: ", pfx);
		if (zs >= 0)
			yq(fp, o.z[zs].name);
		else
			fputs("any", fp);
		fprintf(fp, "\n%s  protocol: ", pfx);
		yq(fp, x->proto);
		fprintf(fp, "\n%s  # %llu session%s %s .. %s from%s\n", pfx, (unsigned long long)n,
			n == 1 ? "" : "s", t1, t2, clients);
	}

	/* hygiene: relaxed only as far as what was seen */
	uint16_t tls_min = 0;
	uint64_t tls_flows = 0;
	int seen_clear[5] = { 0, 0, 0, 0, 0 };
	for (uint32_t i = 0; i < l->n; i++) {
		const struct learn_ent *x = &l->e[i];
		if (x->tls_version && x->tls_version < 0x0303) {
			tls_flows += x->flows;
			if (!tls_min || x->tls_version < tls_min)
				tls_min = x->tls_version;
		}
		int crossing = o.ent_zone[0][i] < 0 || o.ent_zone[0][i] != o.ent_zone[1][i];
		for (int k = 0; k < 5; k++)
			if (crossing && strcmp(x->cleartext, default_cleartext[k]) == 0)
				seen_clear[k] = 1;
	}
	fputs("\nhygiene:\n", fp);
	if (tls_min)
		fprintf(fp, "  min_tls_version: \"%s\"    # REVIEW: %s seen in %llu flow%s; the "
			    "default is 1.2\n",
			tls_min < 0x0301 ? "none" : tls_min == 0x0301 ? "1.0" : "1.1",
			tls_min < 0x0301 ? "SSL 3.0 or older" : tls_min == 0x0301 ? "TLS 1.0" : "TLS 1.1",
			(unsigned long long)tls_flows, tls_flows == 1 ? "" : "s");
	else
		fputs("  min_tls_version: \"1.2\"\n", fp);
	fputs("  cleartext: [", fp);
	int firstc = 1;
	for (int k = 0; k < 5; k++)
		if (!seen_clear[k]) {
			fprintf(fp, "%s%s", firstc ? "" : ", ", default_cleartext[k]);
			firstc = 0;
		}
	fputs("]", fp);
	firstc = 1;
	for (int k = 0; k < 5; k++)
		if (seen_clear[k]) {
			fprintf(fp, "%s%s", firstc ? "    # REVIEW: seen across zones, taken off: " : ", ",
				default_cleartext[k]);
			firstc = 0;
		}
	fputc('\n', fp);
	if (seen_clear[0])
		fputs("  design_data: []    # REVIEW: cleartext FTP seen across zones; file names are "
		      "not checked against design-data patterns\n", fp);

	/* scans: protocol enumeration thresholds above what each client did */
	unsigned mu = 0, mf = 0, ms = 0;
	for (uint32_t i = 0; i < l->n; i++) {
		uint8_t u[32], fcs[32], szl[32];
		memcpy(u, l->e[i].units, 32);
		memcpy(fcs, l->e[i].fcs, 32);
		memcpy(szl, l->e[i].szl, 32);
		for (uint32_t j = 0; j < l->n; j++)
			if (j != i && l->e[j].ver == l->e[i].ver &&
			    memcmp(l->e[j].addr[0], l->e[i].addr[0], 16) == 0)
				for (int k = 0; k < 32; k++) {
					u[k] |= l->e[j].units[k];
					fcs[k] |= l->e[j].fcs[k];
					szl[k] |= l->e[j].szl[k];
				}
		unsigned cu = 0, cf = 0, cs = 0;
		for (int k = 0; k < 32; k++) {
			cu += (unsigned)__builtin_popcount(u[k]);
			cf += (unsigned)__builtin_popcount(fcs[k]);
			cs += (unsigned)__builtin_popcount(szl[k]);
		}
		mu = cu > mu ? cu : mu;
		mf = cf > mf ? cf : mf;
		ms = cs > ms ? cs : ms;
	}
	if (mu >= 8 || mf >= 10 || ms >= 6) {
		fputs("\nscans:    # REVIEW: raised above the enumeration one client did\n", fp);
		if (mu >= 8)
			fprintf(fp, "  modbus_units: %u    # %u unit ids seen from one client\n", mu + 1, mu);
		if (mf >= 10)
			fprintf(fp, "  modbus_functions: %u    # %u function codes seen from one client\n",
				mf + 1, mf);
		if (ms >= 6)
			fprintf(fp, "  s7_szl_ids: %u    # %u SZL ids seen from one client\n", ms + 1, ms);
	}
	rc = fflush(fp) == 0 && !ferror(fp) ? 0 : -1;
out:
	free(o.z);
	free(o.h);
	free(o.hidx);
	free(o.ent_zone[0]);
	free(o.ent_zone[1]);
	free(cd);
	free(done);
	free(next);
	free(tail);
	free(gidx);
	return rc;
}
