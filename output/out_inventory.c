/* out_inventory.c - asset inventory from flows and events. See
 * out_inventory.h; formats in docs/inventory.md.
 */
#include "config.h"

#include "output/out_inventory.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "capture/dec.h"
#include "capture/flow.h"
#include "dissectors/dis.h"
#include "dissectors/dis_ndpi.h"
#include "output/out_report.h"
#include "rules/rule_model.h"
#include "rules/rule_sat.h"

struct inv_service {
	char proto[32];
	uint8_t l4;
	uint16_t port;              /* the server port */
	uint64_t flows;
};

struct inv_ident {
	char key[64];
	char val[160];
};

struct inv_host {
	uint8_t ver, has_mac;
	uint8_t addr[16];
	uint8_t mac[6];
	uint16_t vlan;
	uint64_t first_us, last_us;
	uint64_t flows, pkts_sent, bytes_sent, pkts_recv, bytes_recv;
	struct inv_service served[OUT_INV_SERVICES], used[OUT_INV_SERVICES];
	unsigned nserved, nused;
	struct inv_ident id[OUT_INV_IDENTITY];
	unsigned nid;
	uint64_t dropped;           /* services or identity fields that did not fit */
};

struct oui_entry {
	uint32_t oui;
	uint32_t name_off;
};

struct out_inv {
	const struct rule_policy *pol;
	struct dis_ndpi *nd;
	struct inv_host *hosts;
	uint32_t nhosts, alloc, cap;
	uint32_t *idx;              /* open addressing: host index + 1, 0 empty */
	uint32_t mask;
	uint64_t full;              /* addresses not kept: table full */
	struct oui_entry *oui;
	size_t noui;
	char *oui_names;
};

struct out_inv *out_inv_new(const struct rule_policy *pol, struct dis_ndpi *nd)
{
	struct out_inv *inv = calloc(1, sizeof(*inv));
	if (!inv)
		return NULL;
	inv->pol = pol;
	inv->nd = nd;
	inv->cap = OUT_INV_HOSTS;
	inv->mask = OUT_INV_HOSTS * 2 - 1;
	/* hosts grow on demand; the index is small (512 KiB) */
	inv->idx = calloc((size_t)inv->mask + 1, sizeof(*inv->idx));
	if (!inv->idx) {
		free(inv);
		return NULL;
	}
	return inv;
}

void out_inv_free(struct out_inv *inv)
{
	if (!inv)
		return;
	free(inv->hosts);
	free(inv->idx);
	free(inv->oui);
	free(inv->oui_names);
	free(inv);
}

void out_inv_set_policy(struct out_inv *inv, const struct rule_policy *pol)
{
	inv->pol = pol;
}

/* ---- OUI registry ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int oui_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct oui_entry *)a)->oui, y = ((const struct oui_entry *)b)->oui;
	return x < y ? -1 : x > y;
}

long out_inv_load_oui(struct out_inv *inv, const char *path, char *errbuf, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 0, names_cap = 0, names_len = 0;
	char line[512];
	long rc = -1;
	while (fgets(line, sizeof(line), fp)) {
		/* "00-22-72   (hex)\t\tAmerican Micro-Fuel Device Corp." */
		int h[6];
		for (int i = 0; i < 6; i++)
			h[i] = hexval((unsigned char)line[i / 2 * 3 + i % 2]);
		if (h[0] < 0 || h[1] < 0 || line[2] != '-' || h[2] < 0 || h[3] < 0 ||
		    line[5] != '-' || h[4] < 0 || h[5] < 0)
			continue;
		char *hex = strstr(line, "(hex)");
		if (!hex || hex - line > 16)
			continue;
		char *name = hex + 5;
		while (*name == ' ' || *name == '\t')
			name++;
		size_t n = strcspn(name, "\r\n");
		while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
			n--;
		if (!n)
			continue;
		if (inv->noui == cap) {
			size_t nc = cap ? cap * 2 : 4096;
			struct oui_entry *o = realloc(inv->oui, nc * sizeof(*o));
			if (!o)
				goto oom;
			inv->oui = o;
			cap = nc;
		}
		if (names_len + n + 1 > names_cap) {
			size_t nc = names_cap ? names_cap * 2 : 65536;
			while (nc < names_len + n + 1)
				nc *= 2;
			char *s = realloc(inv->oui_names, nc);
			if (!s)
				goto oom;
			inv->oui_names = s;
			names_cap = nc;
		}
		memcpy(inv->oui_names + names_len, name, n);
		inv->oui_names[names_len + n] = '\0';
		uint32_t v = 0;
		for (int i = 0; i < 6; i++)
			v = v << 4 | (uint32_t)h[i];
		inv->oui[inv->noui].oui = v;
		inv->oui[inv->noui].name_off = (uint32_t)names_len;
		inv->noui++;
		names_len += n + 1;
	}
	if (ferror(fp)) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	qsort(inv->oui, inv->noui, sizeof(*inv->oui), oui_cmp);
	rc = (long)inv->noui;
	goto out;
oom:
	snprintf(errbuf, errlen, "%s: out of memory", path);
out:
	fclose(fp);
	return rc;
}

const char *out_inv_vendor(const struct out_inv *inv, const uint8_t mac[6])
{
	if (mac[0] & 0x02)
		return "locally administered";
	struct oui_entry k = { (uint32_t)mac[0] << 16 | (uint32_t)mac[1] << 8 | mac[2], 0 };
	if (!inv->noui)
		return NULL;
	const struct oui_entry *e = bsearch(&k, inv->oui, inv->noui, sizeof(k), oui_cmp);
	return e ? inv->oui_names + e->name_off : NULL;
}

/* ---- hosts ---- */

static struct inv_host *host_get(struct out_inv *inv, const uint8_t *addr, uint8_t ver)
{
	uint32_t h = (uint32_t)rule_hash(RULE_HASH_SEED, addr, 16);
	uint32_t s = h & inv->mask;
	for (;; s = (s + 1) & inv->mask) {
		uint32_t v = inv->idx[s];
		if (!v)
			break;
		struct inv_host *x = &inv->hosts[v - 1];
		if (x->ver == ver && memcmp(x->addr, addr, 16) == 0)
			return x;
	}
	if (inv->nhosts >= inv->cap) {
		inv->full++;
		return NULL;
	}
	if (inv->nhosts == inv->alloc) {
		uint32_t nc = inv->alloc ? inv->alloc * 2 : 64;
		if (nc > inv->cap)
			nc = inv->cap;
		struct inv_host *nh = realloc(inv->hosts, (size_t)nc * sizeof(*nh));
		if (!nh) {
			inv->full++;
			return NULL;
		}
		inv->hosts = nh;
		inv->alloc = nc;
	}
	struct inv_host *x = &inv->hosts[inv->nhosts];
	memset(x, 0, sizeof(*x));
	x->ver = ver;
	memcpy(x->addr, addr, 16);
	inv->idx[s] = ++inv->nhosts;
	return x;
}

static struct inv_service *svc_get(struct inv_host *x, struct inv_service *arr, unsigned *n,
				   const char *proto, uint8_t l4, uint16_t port)
{
	for (unsigned i = 0; i < *n; i++)
		if (arr[i].l4 == l4 && arr[i].port == port && strcmp(arr[i].proto, proto) == 0)
			return &arr[i];
	if (*n >= OUT_INV_SERVICES) {
		x->dropped++;
		return NULL;
	}
	struct inv_service *v = &arr[(*n)++];
	memset(v, 0, sizeof(*v));
	snprintf(v->proto, sizeof(v->proto), "%s", proto);
	v->l4 = l4;
	v->port = port;
	return v;
}

void out_inv_flow(struct out_inv *inv, const struct flow *f, int ended)
{
	const char *proto = "unknown";
	const struct dis_proto *dp = f->dis_proto ? dis_protos[f->dis_proto - 1] : NULL;
	char master[48], app[48];
	const char *names[2] = { NULL, NULL };
	if (dp) {
		proto = dp->name;
	} else if (inv->nd && (f->ndpi.master || f->ndpi.app)) {
		dis_ndpi_names(inv->nd, &f->ndpi, master, app, sizeof(master), &names[0], &names[1]);
		proto = names[1] ? names[1] : names[0] ? names[0] : "unknown";
	}
	for (int d = 0; d < 2; d++) {
		struct inv_host *x = host_get(inv, flow_addr(f, d), f->key.ip_ver);
		if (!x)
			continue;
		if (!x->first_us || f->first_us < x->first_us)
			x->first_us = f->first_us;
		if (f->last_us > x->last_us)
			x->last_us = f->last_us;
		if (!x->has_mac && (f->mac_seen >> d & 1)) {
			memcpy(x->mac, f->mac[d], 6);
			x->has_mac = 1;
		}
		if (!x->vlan)
			x->vlan = f->key.vlan_id;
		struct inv_service *sv =
			d ? svc_get(x, x->served, &x->nserved, proto, f->key.l4_proto, flow_port(f, 1)) :
			    svc_get(x, x->used, &x->nused, proto, f->key.l4_proto, flow_port(f, 1));
		if (!ended)
			continue;
		if (sv)
			sv->flows++;
		x->flows++;
		x->pkts_sent += f->pkts[d];
		x->bytes_sent += f->bytes[d];
		x->pkts_recv += f->pkts[!d];
		x->bytes_recv += f->bytes[!d];
	}
}

static int ident_key(const char *k)
{
	static const char *const parts[] = {
		"order_number", "firmware", "serial_number", "module_name", "application_uri",
		"application_name", "product_uri", "software_version", "build_number",
		"manufacturer_name", "product_name", NULL
	};
	if (strncmp(k, "device.", 7) == 0)
		return 1;
	for (int i = 0; parts[i]; i++)
		if (strstr(k, parts[i]))
			return 1;
	return 0;
}

void out_inv_event(struct out_inv *inv, const struct dis_event *ev)
{
	const struct flow *f = ev->flow;
	if (!f || (ev->flags & DIS_EV_ANOMALY))
		return;
	for (unsigned i = 0; i < ev->nfields; i++) {
		const struct dis_field *fl = &ev->f[i];
		if (fl->type != DIS_F_STR || !ident_key(fl->key))
			continue;
		int client = strncmp(fl->key, "client.", 7) == 0 || strstr(fl->key, "client_");
		struct inv_host *x = host_get(inv, flow_addr(f, client ? 0 : 1), f->key.ip_ver);
		if (!x)
			return;
		struct inv_ident *id = NULL;
		for (unsigned k = 0; k < x->nid; k++)
			if (strcmp(x->id[k].key, fl->key) == 0)
				id = &x->id[k];
		if (!id) {
			if (x->nid >= OUT_INV_IDENTITY) {
				x->dropped++;
				continue;
			}
			id = &x->id[x->nid++];
			snprintf(id->key, sizeof(id->key), "%s", fl->key);
		}
		/* As in the JSON records: printable ASCII kept, any other
		 * byte written as \xNN (the outputs escape the rest). */
		size_t o = 0;
		for (size_t k = 0; k < fl->str_len && o + 5 < sizeof(id->val); k++) {
			unsigned char c = (unsigned char)ev->str[fl->str_off + k];
			if (c >= 0x20 && c < 0x7f) {
				id->val[o++] = (char)c;
			} else {
				snprintf(id->val + o, 5, "\\x%02x", c);
				o += 4;
			}
		}
		id->val[o] = '\0';
	}
}

/* ---- output ---- */

static int host_cmp(const void *a, const void *b)
{
	const struct inv_host *x = a, *y = b;
	if (x->ver != y->ver)
		return x->ver < y->ver ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

static void sort_hosts(struct out_inv *inv)
{
	if (inv->nhosts < 2)
		return;
	qsort(inv->hosts, inv->nhosts, sizeof(*inv->hosts), host_cmp);
	/* the index points at old positions: rebuild it */
	memset(inv->idx, 0, ((size_t)inv->mask + 1) * sizeof(*inv->idx));
	for (uint32_t i = 0; i < inv->nhosts; i++) {
		uint32_t s = (uint32_t)rule_hash(RULE_HASH_SEED, inv->hosts[i].addr, 16) & inv->mask;
		while (inv->idx[s])
			s = (s + 1) & inv->mask;
		inv->idx[s] = i + 1;
	}
}

static void mac_str(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void svc_str(const struct inv_service *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%u", s->proto, s->l4 == 17 ? "udp" : s->l4 == 6 ? "tcp" : "ip",
		 s->port);
}

static void zone_of(const struct out_inv *inv, const struct inv_host *x, const char **zone,
		    const char **asset)
{
	*zone = *asset = NULL;
	if (!inv->pol)
		return;
	uint16_t z, a;
	rule_lookup(inv->pol, x->addr, x->ver, x->vlan, &z, &a);
	*zone = z < inv->pol->nzones ? inv->pol->zones[z].name : NULL;
	*asset = a < inv->pol->nassets ? inv->pol->assets[a].name : NULL;
}

static struct json_object *jint(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static struct json_object *jtime(uint64_t us)
{
	char t[40];
	rule_sat_time(us, t, sizeof(t));
	return json_object_new_string(t);
}

struct json_object *out_inv_json(struct out_inv *inv)
{
	sort_hosts(inv);
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	char b[128];
	for (uint32_t i = 0; i < inv->nhosts; i++) {
		const struct inv_host *x = &inv->hosts[i];
		struct json_object *o = json_object_new_object();
		const char *zone, *asset;
		zone_of(inv, x, &zone, &asset);
		dec_addr_str(x->addr, x->ver, b, sizeof(b));
		json_object_object_add(o, "ip", json_object_new_string(b));
		if (x->has_mac) {
			mac_str(x->mac, b, sizeof(b));
			json_object_object_add(o, "mac", json_object_new_string(b));
			const char *v = out_inv_vendor(inv, x->mac);
			json_object_object_add(o, "vendor", v ? json_object_new_string(v) : NULL);
		} else {
			json_object_object_add(o, "mac", NULL);
			json_object_object_add(o, "vendor", NULL);
		}
		json_object_object_add(o, "zone", zone ? json_object_new_string(zone) : NULL);
		json_object_object_add(o, "asset", asset ? json_object_new_string(asset) : NULL);
		if (x->vlan)
			json_object_object_add(o, "vlan", jint(x->vlan));
		json_object_object_add(o, "first_seen", jtime(x->first_us));
		json_object_object_add(o, "last_seen", jtime(x->last_us));
		json_object_object_add(o, "flows", jint(x->flows));
		json_object_object_add(o, "packets_sent", jint(x->pkts_sent));
		json_object_object_add(o, "bytes_sent", jint(x->bytes_sent));
		json_object_object_add(o, "packets_received", jint(x->pkts_recv));
		json_object_object_add(o, "bytes_received", jint(x->bytes_recv));
		for (int k = 0; k < 2; k++) {
			struct json_object *sa = json_object_new_array();
			const struct inv_service *sv = k ? x->used : x->served;
			unsigned n = k ? x->nused : x->nserved;
			for (unsigned j = 0; j < n; j++) {
				struct json_object *so = json_object_new_object();
				json_object_object_add(so, "protocol", json_object_new_string(sv[j].proto));
				json_object_object_add(so, "transport", json_object_new_string(
						sv[j].l4 == 17 ? "udp" : sv[j].l4 == 6 ? "tcp" : "ip"));
				json_object_object_add(so, "port", jint(sv[j].port));
				json_object_object_add(so, "flows", jint(sv[j].flows));
				json_object_array_add(sa, so);
			}
			json_object_object_add(o, k ? "uses" : "serves", sa);
		}
		struct json_object *id = json_object_new_object();
		for (unsigned k = 0; k < x->nid; k++)
			json_object_object_add(id, x->id[k].key, json_object_new_string(x->id[k].val));
		json_object_object_add(o, "identity", id);
		if (x->dropped)
			json_object_object_add(o, "entries_dropped", jint(x->dropped));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "inventory", json_object_new_string("zonewatch-inventory"));
	json_object_object_add(root, "schema_version", jint(1));
	json_object_object_add(root, "hosts_not_kept", jint(inv->full));
	json_object_object_add(root, "hosts", arr);
	return root;
}

int out_inv_csv(struct out_inv *inv, FILE *fp)
{
	sort_hosts(inv);
	char b[160], t[40];
	fputs("ip,mac,vendor,zone,asset,first_seen,last_seen,flows,packets_sent,bytes_sent,"
	      "packets_received,bytes_received,serves,uses,identity\r\n", fp);
	for (uint32_t i = 0; i < inv->nhosts; i++) {
		const struct inv_host *x = &inv->hosts[i];
		const char *zone, *asset;
		zone_of(inv, x, &zone, &asset);
		dec_addr_str(x->addr, x->ver, b, sizeof(b));
		out_csv_field(fp, b);
		fputc(',', fp);
		if (x->has_mac) {
			mac_str(x->mac, b, sizeof(b));
			out_csv_field(fp, b);
		}
		fputc(',', fp);
		if (x->has_mac)
			out_csv_field(fp, out_inv_vendor(inv, x->mac));
		fputc(',', fp);
		out_csv_field(fp, zone);
		fputc(',', fp);
		out_csv_field(fp, asset);
		fputc(',', fp);
		rule_sat_time(x->first_us, t, sizeof(t));
		out_csv_field(fp, t);
		fputc(',', fp);
		rule_sat_time(x->last_us, t, sizeof(t));
		out_csv_field(fp, t);
		fprintf(fp, ",%llu,%llu,%llu,%llu,%llu,", (unsigned long long)x->flows,
			(unsigned long long)x->pkts_sent, (unsigned long long)x->bytes_sent,
			(unsigned long long)x->pkts_recv, (unsigned long long)x->bytes_recv);
		/* lists: "modbus/tcp/502 opcua/tcp/4840", identity "key=value; ..." */
		for (int k = 0; k < 2; k++) {
			char list[OUT_INV_SERVICES * 48];
			size_t used = 0;
			list[0] = '\0';
			const struct inv_service *sv = k ? x->used : x->served;
			unsigned n = k ? x->nused : x->nserved;
			for (unsigned j = 0; j < n && used < sizeof(list); j++) {
				svc_str(&sv[j], b, sizeof(b));
				int w = snprintf(list + used, sizeof(list) - used, "%s%s", j ? " " : "", b);
				if (w > 0)
					used += (size_t)w;
			}
			out_csv_field(fp, list);
			fputc(',', fp);
		}
		char idl[OUT_INV_IDENTITY * 230];
		size_t used = 0;
		idl[0] = '\0';
		for (unsigned k = 0; k < x->nid && used < sizeof(idl); k++) {
			int w = snprintf(idl + used, sizeof(idl) - used, "%s%s=%s", k ? "; " : "",
					 x->id[k].key, x->id[k].val);
			if (w > 0)
				used += (size_t)w;
		}
		out_csv_field(fp, idl);
		fputs("\r\n", fp);
	}
	return fflush(fp) == 0 && !ferror(fp) ? 0 : -1;
}

int out_inv_write_file(struct out_inv *inv, const char *path, char *errbuf, size_t errlen)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(errbuf, errlen, "%s: path too long", path);
		return -1;
	}
	FILE *fp = fopen(tmp, "w");
	if (!fp) {
		snprintf(errbuf, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	struct json_object *j = out_inv_json(inv);
	int bad = !j;
	if (j) {
		fputs(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							JSON_C_TO_STRING_SPACED |
							JSON_C_TO_STRING_NOSLASHESCAPE), fp);
		fputc('\n', fp);
		json_object_put(j);
	}
	if (fflush(fp) != 0 || ferror(fp))
		bad = 1;
	if (fclose(fp) != 0)
		bad = 1;
	if (bad) {
		snprintf(errbuf, errlen, "%s: write failed: %s", tmp, strerror(errno));
		remove(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(errbuf, errlen, "rename %s to %s: %s", tmp, path, strerror(errno));
		remove(tmp);
		return -1;
	}
	return 0;
}
