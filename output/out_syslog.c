/* out_syslog.c - RFC 5424 syslog messages and ArcSight CEF for alerts.
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID PARAM="v" ...] MSG
 *
 * RFC 5424 section 6: PRI = facility * 8 + severity; TIMESTAMP is the alert's
 * capture time (RFC 3339, UTC, microseconds, 6.2.3); MSGID the rule id
 * ("ZW-201"); one SD-ELEMENT "zonewatch@32473" carries the key fields; MSG is
 * the JSON record, the alert's message, or a CEF line. Every string that may
 * hold bytes from the wire or from the policy file is made valid UTF-8 and
 * escaped for the place it goes (SD-PARAM value, CEF header, CEF extension).
 * The UTF-8 BOM of 6.4 is left out (MSG-ANY), as most senders do: several
 * collectors keep it as part of the text.
 *
 * CEF (ArcSight "Implementing ArcSight CEF", rev. 25):
 *   CEF:0|zonewatch|zonewatch|VERSION|rule id|rule name|severity 0-10|ext
 */
#include "config.h"

#include "output/out_syslog.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capture/dec.h"
#include "capture/flow.h"
#include "dissectors/dis_event.h"
#include "output/out_json.h"
#include "rules/rule.h"

#define SD_HOSTNAME_MAX 255 /* RFC 5424 6.2.4 */

static const char *const fmt_names[OUT_FMT__COUNT] = {
	[OUT_FMT_RFC5424_JSON] = "rfc5424-json",
	[OUT_FMT_RFC5424_TEXT] = "rfc5424-text",
	[OUT_FMT_CEF] = "cef",
};

int out_fmt_parse(const char *name)
{
	for (int i = 0; i < OUT_FMT__COUNT; i++)
		if (strcmp(name, fmt_names[i]) == 0)
			return i;
	return -1;
}

const char *out_fmt_name(enum out_fmt f)
{
	return (unsigned)f < OUT_FMT__COUNT ? fmt_names[f] : "unknown";
}

/* RFC 5424 table 1 */
static const char *const facility_names[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
};

int out_facility_parse(const char *name)
{
	for (int i = 0; i < 24; i++)
		if (strcasecmp(name, facility_names[i]) == 0)
			return i;
	if (name[0] >= '0' && name[0] <= '9') {
		int v = 0;
		for (const char *p = name; *p; p++) {
			if (*p < '0' || *p > '9' || v > 23)
				return -1;
			v = v * 10 + (*p - '0');
		}
		return v <= 23 ? v : -1;
	}
	return -1;
}

unsigned out_cef_severity(unsigned rule_sev)
{
	/* info, low, medium, high, critical on CEF's 0-10 scale (0-3 low,
	 * 4-6 medium, 7-8 high, 9-10 very high). */
	static const unsigned map[RULE_SEV__COUNT] = { 1, 3, 5, 8, 10 };
	return rule_sev < RULE_SEV__COUNT ? map[rule_sev] : 1;
}

void out_syslog_id_init(struct out_syslog_id *id, const char *observer, int facility)
{
	char host[SD_HOSTNAME_MAX + 1];
	memset(id, 0, sizeof(*id));
	if (gethostname(host, sizeof(host)) != 0 || !host[0])
		snprintf(host, sizeof(host), "-");
	host[SD_HOSTNAME_MAX] = '\0';
	/* PRINTUSASCII only (RFC 5424 6.2.4): anything else becomes '_' */
	size_t i;
	for (i = 0; host[i] && i < sizeof(id->hostname) - 1; i++)
		id->hostname[i] = (host[i] > 32 && host[i] < 127) ? host[i] : '_';
	id->hostname[i] = '\0';
	snprintf(id->procid, sizeof(id->procid), "%ld", (long)getpid());
	id->observer = observer;
	id->facility = facility;
}

/* ---- escaping ---- */

enum esc_mode { ESC_SD, ESC_CEF_HDR, ESC_CEF_VAL, ESC_TEXT };

static void put_c(struct jw *b, char c)
{
	jw_put(b, &c, 1);
}

static void put_s(struct jw *b, const char *s)
{
	jw_put(b, s, strlen(s));
}

static void esc(struct jw *b, const char *s, size_t n, enum esc_mode mode)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char c = u[i];
		if (c >= 0x80) {
			size_t ul = jw_utf8_len(u + i, n - i);
			if (ul) {
				jw_put(b, s + i, ul);
				i += ul;
			} else {
				jw_put(b, "\xef\xbf\xbd", 3); /* U+FFFD */
				i++;
			}
			continue;
		}
		i++;
		if (c < 0x20 || c == 0x7f) {
			switch (mode) {
			case ESC_SD: {
				char t[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
				jw_put(b, t, 4);
				break;
			}
			case ESC_CEF_VAL:
				if (c == '\n')
					jw_put(b, "\\n", 2);
				else if (c == '\r')
					jw_put(b, "\\r", 2);
				else
					put_c(b, ' ');
				break;
			default: put_c(b, ' '); break;
			}
			continue;
		}
		int bs = 0;
		switch (mode) {
		case ESC_SD: bs = c == '"' || c == '\\' || c == ']'; break;
		case ESC_CEF_HDR: bs = c == '|' || c == '\\'; break;
		case ESC_CEF_VAL: bs = c == '=' || c == '\\'; break;
		case ESC_TEXT: break;
		}
		if (bs)
			put_c(b, '\\');
		put_c(b, (char)c);
	}
}

void out_sd_escape(struct jw *b, const char *s, size_t n)
{
	esc(b, s, n, ESC_SD);
}

void out_cef_header_escape(struct jw *b, const char *s, size_t n)
{
	esc(b, s, n, ESC_CEF_HDR);
}

void out_cef_value_escape(struct jw *b, const char *s, size_t n)
{
	esc(b, s, n, ESC_CEF_VAL);
}

/* ---- RFC 5424 ---- */

static void put_u64(struct jw *b, uint64_t v)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%llu", (unsigned long long)v);
	jw_put(b, t, (size_t)n);
}

static void header(struct jw *b, const struct out_syslog_id *id, int sev, uint64_t ts_us,
		   const char *msgid)
{
	char ts[40];
	out_time_str(ts_us, ts, sizeof(ts));
	put_c(b, '<');
	put_u64(b, (uint64_t)(id->facility * 8 + sev));
	put_s(b, ">1 ");
	put_s(b, ts);
	put_c(b, ' ');
	put_s(b, id->hostname[0] ? id->hostname : "-");
	put_s(b, " " OUT_APP_NAME " ");
	put_s(b, id->procid[0] ? id->procid : "-");
	put_c(b, ' ');
	put_s(b, msgid);
	put_c(b, ' ');
}

static void sd_param(struct jw *b, const char *name, const char *v)
{
	if (!v)
		return;
	put_c(b, ' ');
	put_s(b, name);
	put_s(b, "=\"");
	out_sd_escape(b, v, strlen(v));
	put_c(b, '"');
}

static void sd_param_u64(struct jw *b, const char *name, uint64_t v)
{
	put_c(b, ' ');
	put_s(b, name);
	put_s(b, "=\"");
	put_u64(b, v);
	put_c(b, '"');
}

static const char *transport_name(uint8_t proto)
{
	return proto == 6 ? "tcp" : proto == 17 ? "udp" : "other";
}

static void structured_data(struct jw *b, const struct out_syslog_id *id,
			    const struct rule_alert *a)
{
	const struct flow *f = a->flow;
	put_s(b, "[" OUT_SD_ID);
	sd_param(b, "rule", rule_kind_name(a->kind));
	sd_param(b, "severity", rule_sev_name((enum rule_sev)a->severity));
	sd_param_u64(b, "count", a->count);
	if (f) {
		char ip[64];
		dec_addr_str(flow_addr(f, 0), f->key.ip_ver, ip, sizeof(ip));
		sd_param(b, "src", ip);
		sd_param_u64(b, "spt", flow_port(f, 0));
		dec_addr_str(flow_addr(f, 1), f->key.ip_ver, ip, sizeof(ip));
		sd_param(b, "dst", ip);
		sd_param_u64(b, "dpt", flow_port(f, 1));
		sd_param(b, "transport", transport_name(f->key.l4_proto));
		sd_param_u64(b, "flow_id", f->id);
	}
	sd_param(b, "protocol", a->protocol);
	sd_param(b, "src_zone", a->zone[0]);
	sd_param(b, "dst_zone", a->zone[1]);
	sd_param(b, "src_asset", a->asset[0]);
	sd_param(b, "dst_asset", a->asset[1]);
	sd_param(b, "conduit", a->conduit);
	sd_param(b, "observer", id->observer);
	put_c(b, ']');
}

/* ---- CEF ---- */

static void cef_ext(struct jw *b, const char *key, const char *v)
{
	if (!v)
		return;
	if (b->len && b->buf[b->len - 1] != '|')
		put_c(b, ' ');
	put_s(b, key);
	put_c(b, '=');
	out_cef_value_escape(b, v, strlen(v));
}

static void cef_ext_u64(struct jw *b, const char *key, uint64_t v)
{
	if (b->len && b->buf[b->len - 1] != '|')
		put_c(b, ' ');
	put_s(b, key);
	put_c(b, '=');
	put_u64(b, v);
}

static void cef_header(struct jw *b, const char *id, const char *name, unsigned sev)
{
	put_s(b, "CEF:0|zonewatch|zonewatch|");
	out_cef_header_escape(b, PACKAGE_VERSION, strlen(PACKAGE_VERSION));
	put_c(b, '|');
	out_cef_header_escape(b, id, strlen(id));
	put_c(b, '|');
	out_cef_header_escape(b, name, strlen(name));
	put_c(b, '|');
	put_u64(b, sev);
	put_c(b, '|');
}

static void cef_body(struct jw *b, const struct out_syslog_id *id, const struct rule_alert *a)
{
	const struct flow *f = a->flow;
	cef_header(b, rule_kind_id(a->kind), rule_kind_name(a->kind),
		   out_cef_severity(a->severity));
	cef_ext_u64(b, "rt", a->ts_us / 1000);
	cef_ext(b, "msg", a->message);
	cef_ext_u64(b, "cnt", a->count);
	if (f) {
		char ip[64];
		dec_addr_str(flow_addr(f, 0), f->key.ip_ver, ip, sizeof(ip));
		cef_ext(b, "src", ip);
		cef_ext_u64(b, "spt", flow_port(f, 0));
		dec_addr_str(flow_addr(f, 1), f->key.ip_ver, ip, sizeof(ip));
		cef_ext(b, "dst", ip);
		cef_ext_u64(b, "dpt", flow_port(f, 1));
		cef_ext(b, "proto", f->key.l4_proto == 6 ? "TCP" : f->key.l4_proto == 17 ? "UDP" : "other");
		cef_ext_u64(b, "externalId", f->id);
	}
	cef_ext(b, "app", a->protocol);
	cef_ext(b, "act", a->outcome);
	cef_ext(b, "cat", rule_sev_name((enum rule_sev)a->severity));
	cef_ext(b, "shost", a->asset[0]);
	cef_ext(b, "dhost", a->asset[1]);
	cef_ext(b, "dvchost", id->observer);
	if (a->zone[0]) {
		cef_ext(b, "cs1Label", "sourceZone");
		cef_ext(b, "cs1", a->zone[0]);
	}
	if (a->zone[1]) {
		cef_ext(b, "cs2Label", "destinationZone");
		cef_ext(b, "cs2", a->zone[1]);
	}
	if (a->conduit) {
		cef_ext(b, "cs3Label", "conduit");
		cef_ext(b, "cs3", a->conduit);
	}
	cef_ext(b, "cs4Label", "seen");
	cef_ext(b, "cs4", a->seen);
	cef_ext(b, "cs5Label", "allowed");
	cef_ext(b, "cs5", a->allowed);
	if (a->policy_rule) {
		cef_ext(b, "cs6Label", "policyRule");
		cef_ext(b, "cs6", a->policy_rule);
	}
}

void out_syslog_format_body(struct jw *b, enum out_fmt fmt, const struct out_syslog_id *id,
			    const struct rule_alert *a, const char *json, size_t json_len)
{
	switch (fmt) {
	case OUT_FMT_RFC5424_JSON: jw_put(b, json, json_len); break;
	case OUT_FMT_CEF: cef_body(b, id, a); break;
	default: esc(b, a->message, strlen(a->message), ESC_TEXT); break;
	}
}

void out_syslog_format(struct jw *b, enum out_fmt fmt, const struct out_syslog_id *id,
		       const struct rule_alert *a, const char *json, size_t json_len)
{
	header(b, id, rule_sev_syslog((enum rule_sev)a->severity), a->ts_us,
	       rule_kind_id(a->kind));
	if (fmt == OUT_FMT_CEF)
		put_c(b, '-');
	else
		structured_data(b, id, a);
	put_c(b, ' ');
	out_syslog_format_body(b, fmt, id, a, json, json_len);
}

void out_syslog_format_drop(struct jw *b, enum out_fmt fmt, const struct out_syslog_id *id,
			    uint64_t ts_us, uint64_t dropped, const uint64_t *per_sev,
			    const char *sink_name, int body_only)
{
	static const char rid[] = "ZW-900", rname[] = "alerts_dropped";
	char msg[256];
	snprintf(msg, sizeof(msg),
		 "%llu alerts dropped by sink %s while the collector was unreachable "
		 "(spool or queue full): info %llu, low %llu, medium %llu, high %llu, critical %llu",
		 (unsigned long long)dropped, sink_name, (unsigned long long)per_sev[0],
		 (unsigned long long)per_sev[1], (unsigned long long)per_sev[2],
		 (unsigned long long)per_sev[3], (unsigned long long)per_sev[4]);
	if (!body_only) {
		header(b, id, rule_sev_syslog(RULE_SEV_HIGH), ts_us, rid);
		if (fmt == OUT_FMT_CEF) {
			put_c(b, '-');
		} else {
			put_s(b, "[" OUT_SD_ID);
			sd_param(b, "rule", rname);
			sd_param(b, "severity", "high");
			sd_param_u64(b, "count", dropped);
			sd_param(b, "sink", sink_name);
			sd_param(b, "observer", id->observer);
			put_c(b, ']');
		}
		put_c(b, ' ');
	}
	if (fmt == OUT_FMT_CEF) {
		cef_header(b, rid, rname, out_cef_severity(RULE_SEV_HIGH));
		cef_ext_u64(b, "rt", ts_us / 1000);
		cef_ext(b, "msg", msg);
		cef_ext_u64(b, "cnt", dropped);
		cef_ext(b, "dvchost", id->observer);
		return;
	}
	if (fmt == OUT_FMT_RFC5424_TEXT) {
		esc(b, msg, strlen(msg), ESC_TEXT);
		return;
	}
	/* The JSON record has the shape of an alert (docs/schema.md). */
	struct jw w;
	char ts[40];
	static const char *const sev[RULE_SEV__COUNT] = { "info", "low", "medium", "high",
							  "critical" };
	jw_init(&w);
	out_time_str(ts_us, ts, sizeof(ts));
	jw_obj_open(&w, NULL);
	jw_name(&w, "@timestamp", ts);
	if (id->observer) {
		jw_obj_open(&w, "observer");
		jw_str(&w, "name", id->observer);
		jw_obj_close(&w);
	}
	jw_obj_open(&w, "event");
	jw_name(&w, "kind", "alert");
	jw_arr_open(&w, "category");
	jw_name(&w, NULL, "network");
	jw_arr_close(&w);
	jw_name(&w, "action", rname);
	jw_name(&w, "dataset", "zonewatch.alert");
	jw_u64(&w, "severity", RULE_SEV_HIGH + 1);
	jw_u64(&w, "count", dropped);
	jw_obj_close(&w);
	jw_obj_open(&w, "rule");
	jw_name(&w, "id", rid);
	jw_name(&w, "name", rname);
	jw_obj_close(&w);
	jw_str(&w, "message", msg);
	jw_obj_open(&w, "zonewatch");
	jw_name(&w, "severity", "high");
	jw_str(&w, "sink", sink_name);
	jw_obj_open(&w, "dropped");
	for (int i = 0; i < RULE_SEV__COUNT; i++)
		jw_u64(&w, sev[i], per_sev[i]);
	jw_obj_close(&w);
	jw_obj_close(&w);
	jw_obj_close(&w);
	if (!w.oom)
		jw_put(b, w.buf, w.len);
	jw_free(&w);
}
