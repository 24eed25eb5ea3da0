/* out_json.c - events, flow records and metrics as JSON lines (json-c).
 *
 * Field names follow the Elastic Common Schema where it has one
 * (@timestamp, event.*, source.*, destination.*, network.*, observer.name);
 * the rest lives under "zonewatch" and protocol fields under an object named
 * after the protocol ("modbus"). docs/schema.md documents every field.
 */
#include "config.h"

#include "output/out_json.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capture/dec.h"
#include "dissectors/dis_ndpi.h"

#define OUT_FILE_BUFFER (1u << 18)

int out_json_open(struct out_json *o, const char *path, unsigned what, char *errbuf, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->what = what;
	if (!path || strcmp(path, "-") == 0) {
		o->fp = stdout;
	} else {
		o->fp = fopen(path, "w");
		if (!o->fp) {
			snprintf(errbuf, errlen, "cannot open JSON output %s: %s", path, strerror(errno));
			return -1;
		}
		o->own_fp = 1;
		setvbuf(o->fp, NULL, _IOFBF, OUT_FILE_BUFFER);
	}
	return 0;
}

int out_json_close(struct out_json *o)
{
	int rc = 0;
	if (!o->fp)
		return 0;
	if (fflush(o->fp) != 0 || ferror(o->fp))
		rc = -1;
	if (o->own_fp && fclose(o->fp) != 0)
		rc = -1;
	o->fp = NULL;
	if (o->write_errors)
		rc = -1;
	return rc;
}

void out_time_str(uint64_t ts_us, char *buf, size_t len)
{
	time_t s = (time_t)(ts_us / 1000000u);
	struct tm tm;
	if (!gmtime_r(&s, &tm)) {
		snprintf(buf, len, "1970-01-01T00:00:00.000000Z");
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ts_us % 1000000u));
}

static void emit(struct out_json *o, json_object *root)
{
	size_t n;
	const char *s = json_object_to_json_string_length(
		root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (fwrite(s, 1, n, o->fp) != n || fputc('\n', o->fp) == EOF)
		o->write_errors++;
	else
		o->records++;
	json_object_put(root);
}

static json_object *obj_child(json_object *parent, const char *key)
{
	json_object *c;
	if (json_object_object_get_ex(parent, key, &c) && json_object_is_type(c, json_type_object))
		return c;
	c = json_object_new_object();
	json_object_object_add(parent, key, c);
	return c;
}

/* Adds val at a dotted path below parent ("device.vendor_name"). */
static void put_path(json_object *parent, const char *key, json_object *val)
{
	char seg[64];
	const char *dot;
	while ((dot = strchr(key, '.')) != NULL) {
		size_t n = (size_t)(dot - key);
		if (n >= sizeof(seg))
			n = sizeof(seg) - 1;
		memcpy(seg, key, n);
		seg[n] = '\0';
		parent = obj_child(parent, seg);
		key = dot + 1;
	}
	json_object_object_add(parent, key, val);
}

/* Protocol strings may hold any byte: keep printable ASCII, write other
 * bytes as \xNN so the output stays valid UTF-8 and nothing is hidden. */
static json_object *safe_string(const char *s, size_t len)
{
	char buf[4 * 1536 + 1];
	size_t o = 0;
	for (size_t i = 0; i < len && o + 5 < sizeof(buf); i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			buf[o++] = (char)c;
		} else if (c == '\\') {
			buf[o++] = '\\';
			buf[o++] = '\\';
		} else {
			static const char hex[] = "0123456789abcdef";
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	return json_object_new_string_len(buf, (int)o);
}

static void add_endpoint(json_object *root, const char *name, const struct flow *f, int dir)
{
	char ip[64];
	json_object *ep = json_object_new_object();
	dec_addr_str(flow_addr(f, dir), f->key.ip_ver, ip, sizeof(ip));
	json_object_object_add(ep, "ip", json_object_new_string(ip));
	json_object_object_add(ep, "port", json_object_new_int(flow_port(f, dir)));
	json_object_object_add(root, name, ep);
}

static const char *transport_name(uint8_t proto)
{
	return proto == 6 ? "tcp" : proto == 17 ? "udp" : "other";
}

static void add_common(struct out_json *o, json_object *root, uint64_t ts_us)
{
	char ts[40];
	out_time_str(ts_us, ts, sizeof(ts));
	json_object_object_add(root, "@timestamp", json_object_new_string(ts));
	if (o->observer) {
		json_object *obs = json_object_new_object();
		json_object_object_add(obs, "name", json_object_new_string(o->observer));
		json_object_object_add(root, "observer", obs);
	}
}

static json_object *str_array1(const char *a)
{
	json_object *arr = json_object_new_array();
	json_object_array_add(arr, json_object_new_string(a));
	return arr;
}

void out_json_event(struct out_json *o, const struct dis_event *ev)
{
	if (!(o->what & OUT_JSON_EVENTS) || !o->fp)
		return;
	const struct flow *f = ev->flow;
	const char *proto = ev->proto ? ev->proto->name : "unknown";
	json_object *root = json_object_new_object();
	add_common(o, root, ev->ts_us);

	json_object *e = json_object_new_object();
	json_object_object_add(e, "kind", json_object_new_string("event"));
	json_object_object_add(e, "category", str_array1("network"));
	json_object_object_add(e, "type", str_array1(ev->flags & DIS_EV_ANOMALY ? "info" : "protocol"));
	json_object_object_add(e, "action", json_object_new_string(ev->action));
	char ds[64];
	snprintf(ds, sizeof(ds), "zonewatch.%s", proto);
	json_object_object_add(e, "dataset", json_object_new_string(ds));
	json_object_object_add(root, "event", e);

	add_endpoint(root, "source", f, 0);
	add_endpoint(root, "destination", f, 1);
	json_object *net = json_object_new_object();
	json_object_object_add(net, "transport", json_object_new_string(transport_name(f->key.l4_proto)));
	json_object_object_add(net, "protocol", json_object_new_string(proto));
	if (f->key.vlan_id) {
		json_object *vl = json_object_new_object();
		json_object_object_add(vl, "id", json_object_new_int(f->key.vlan_id));
		json_object_object_add(net, "vlan", vl);
	}
	json_object_object_add(root, "network", net);

	json_object *zw = json_object_new_object();
	json_object_object_add(zw, "flow_id", json_object_new_int64((int64_t)f->id));
	json_object_object_add(zw, "direction",
			       json_object_new_string(ev->dir ? "to_initiator" : "to_responder"));
	json_object_object_add(zw, "function_class",
			       json_object_new_string(dis_fclass_name((enum dis_fclass)ev->fclass)));
	if (ev->count > 1)
		json_object_object_add(zw, "count", json_object_new_int64(ev->count));
	if (ev->flags & DIS_EV_ANOMALY)
		json_object_object_add(zw, "anomaly", json_object_new_boolean(1));
	if (ev->flags & DIS_EV_TRUNCATED)
		json_object_object_add(zw, "truncated", json_object_new_boolean(1));
	json_object_object_add(root, "zonewatch", zw);

	json_object *pj = json_object_new_object();
	for (unsigned i = 0; i < ev->nfields; i++) {
		const struct dis_field *fl = &ev->f[i];
		json_object *v;
		switch (fl->type) {
		case DIS_F_UINT: v = json_object_new_uint64(fl->v.u); break;
		case DIS_F_INT: v = json_object_new_int64(fl->v.i); break;
		case DIS_F_BOOL: v = json_object_new_boolean(fl->v.u != 0); break;
		default: v = safe_string(ev->str + fl->str_off, fl->str_len); break;
		}
		put_path(pj, fl->key, v);
	}
	json_object_object_add(root, proto, pj);
	emit(o, root);
}

static void flags_str(uint8_t fl, char *buf)
{
	static const char letters[] = "FSRPAUEC";
	int n = 0;
	for (int i = 0; i < 8; i++)
		if (fl & (1u << i))
			buf[n++] = letters[i];
	buf[n] = '\0';
}

static json_object *endpoint_counts(const struct flow *f, int dir, json_object *ep)
{
	json_object_object_add(ep, "packets", json_object_new_int64((int64_t)f->pkts[dir]));
	json_object_object_add(ep, "bytes", json_object_new_int64((int64_t)f->bytes[dir]));
	return ep;
}

void out_json_flow(struct out_json *o, const struct flow *f, enum flow_end_reason why)
{
	if (!(o->what & OUT_JSON_FLOWS) || !o->fp)
		return;
	char t1[40], t2[40];
	json_object *root = json_object_new_object();
	add_common(o, root, f->last_us);

	json_object *e = json_object_new_object();
	json_object_object_add(e, "kind", json_object_new_string("event"));
	json_object_object_add(e, "category", str_array1("network"));
	json_object *types = json_object_new_array();
	json_object_array_add(types, json_object_new_string("connection"));
	json_object_array_add(types, json_object_new_string("end"));
	json_object_object_add(e, "type", types);
	json_object_object_add(e, "action", json_object_new_string("flow"));
	json_object_object_add(e, "dataset", json_object_new_string("zonewatch.flow"));
	out_time_str(f->first_us, t1, sizeof(t1));
	out_time_str(f->last_us, t2, sizeof(t2));
	json_object_object_add(e, "start", json_object_new_string(t1));
	json_object_object_add(e, "end", json_object_new_string(t2));
	json_object_object_add(e, "duration",
			       json_object_new_int64((int64_t)(f->last_us - f->first_us) * 1000));
	json_object_object_add(root, "event", e);

	add_endpoint(root, "source", f, 0);
	add_endpoint(root, "destination", f, 1);
	json_object *src, *dst;
	json_object_object_get_ex(root, "source", &src);
	json_object_object_get_ex(root, "destination", &dst);
	endpoint_counts(f, 0, src);
	endpoint_counts(f, 1, dst);

	char ndpi_name[64] = "Unknown";
	if (o->nd && (f->ndpi.master || f->ndpi.app))
		dis_ndpi_proto_name(o->nd, &f->ndpi, ndpi_name, sizeof(ndpi_name));
	const char *app = f->dis_proto ? dis_protos[f->dis_proto - 1]->name : NULL;

	json_object *net = json_object_new_object();
	json_object_object_add(net, "transport", json_object_new_string(transport_name(f->key.l4_proto)));
	json_object_object_add(net, "type", json_object_new_string(f->key.ip_ver == 4 ? "ipv4" : "ipv6"));
	if (app) {
		json_object_object_add(net, "protocol", json_object_new_string(app));
	} else if (f->ndpi.master || f->ndpi.app) {
		char lower[64];
		size_t i;
		for (i = 0; ndpi_name[i] && i + 1 < sizeof(lower); i++)
			lower[i] = (char)((ndpi_name[i] >= 'A' && ndpi_name[i] <= 'Z') ?
						  ndpi_name[i] + 32 : ndpi_name[i]);
		lower[i] = '\0';
		json_object_object_add(net, "protocol", json_object_new_string(lower));
	}
	json_object_object_add(net, "packets", json_object_new_int64((int64_t)(f->pkts[0] + f->pkts[1])));
	json_object_object_add(net, "bytes", json_object_new_int64((int64_t)(f->bytes[0] + f->bytes[1])));
	if (f->key.vlan_id) {
		json_object *vl = json_object_new_object();
		json_object_object_add(vl, "id", json_object_new_int(f->key.vlan_id));
		json_object_object_add(net, "vlan", vl);
	}
	json_object_object_add(root, "network", net);

	json_object *zw = json_object_new_object();
	json_object_object_add(zw, "flow_id", json_object_new_int64((int64_t)f->id));
	json_object_object_add(zw, "end_reason", json_object_new_string(flow_end_reason_name(why)));
	if (app) {
		json_object *dj = json_object_new_object();
		json_object_object_add(dj, "name", json_object_new_string(app));
		json_object_object_add(dj, "confirmed", json_object_new_boolean(f->dis_confirmed));
		json_object_object_add(zw, "dissector", dj);
	}
	if (f->key.l4_proto == 6) {
		char fs[10], fd[10];
		json_object *tcp = json_object_new_object();
		json_object_object_add(tcp, "state",
				       json_object_new_string(flow_tcp_state_name((enum flow_tcp_state)f->tcp_state)));
		flags_str(f->tcp_flags[0], fs);
		flags_str(f->tcp_flags[1], fd);
		json_object_object_add(tcp, "flags_source", json_object_new_string(fs));
		json_object_object_add(tcp, "flags_destination", json_object_new_string(fd));
		json_object_object_add(tcp, "handshake_seen", json_object_new_boolean(f->syn_seen));
		json_object_object_add(zw, "tcp", tcp);
	}
	json_object *nd = json_object_new_object();
	json_object_object_add(nd, "protocol", json_object_new_string(ndpi_name));
	if (o->nd && (f->ndpi.master || f->ndpi.app))
		json_object_object_add(nd, "category",
				       json_object_new_string(dis_ndpi_category_name(o->nd, &f->ndpi)));
	if (f->ndpi.risk) {
		json_object *risks = json_object_new_array();
		for (unsigned b = 1; b < 64; b++) {
			if (!(f->ndpi.risk & (1ull << b)))
				continue;
			const char *rn = dis_ndpi_risk_name(b);
			if (rn)
				json_object_array_add(risks, json_object_new_string(rn));
		}
		json_object_object_add(nd, "risks", risks);
	}
	json_object_object_add(zw, "ndpi", nd);
	json_object_object_add(root, "zonewatch", zw);
	emit(o, root);
}

void out_json_metric(struct out_json *o, const struct cap_engine *e)
{
	if (!(o->what & OUT_JSON_METRICS) || !o->fp)
		return;
	json_object *root = json_object_new_object();
	add_common(o, root, e->cs.last_us);
	json_object *ev = json_object_new_object();
	json_object_object_add(ev, "kind", json_object_new_string("metric"));
	json_object_object_add(ev, "action", json_object_new_string("statistics"));
	json_object_object_add(ev, "dataset", json_object_new_string("zonewatch.stats"));
	json_object_object_add(root, "event", ev);
	json_object *zw = json_object_new_object();
	json_object_object_add(zw, "stats", out_stats_json(e));
	json_object_object_add(root, "zonewatch", zw);
	emit(o, root);
}
