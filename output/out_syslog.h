/* out_syslog.h - alert messages for SIEMs: RFC 5424 syslog (structured data,
 * the JSON record or a short text as MSG) and ArcSight CEF.
 *
 * These functions only build bytes; out_sink.c frames and delivers them.
 * Everything here is pure (no I/O, no clock): the timestamp is the alert's
 * capture time, the host name and process id come from struct out_syslog_id.
 */
#ifndef ZW_OUT_SYSLOG_H
#define ZW_OUT_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "output/out_jw.h"

struct rule_alert;

enum out_fmt {
	OUT_FMT_RFC5424_JSON, /* RFC 5424, SD-ELEMENT with key fields, MSG = JSON record */
	OUT_FMT_RFC5424_TEXT, /* RFC 5424, SD-ELEMENT with key fields, MSG = alert message */
	OUT_FMT_CEF,          /* RFC 5424 header, no SD, MSG = CEF:0|... */
	OUT_FMT__COUNT
};

/* Private-enterprise-style SD-ID (RFC 5424 7.2.2). 32473 is the example
 * enterprise number of RFC 5612; a site may re-register its own. */
#define OUT_SD_ID "zonewatch@32473"
#define OUT_APP_NAME "zonewatch"
#define OUT_FACILITY_DEFAULT 20 /* local4 */

/* Who is speaking (fixed for the whole run). */
struct out_syslog_id {
	char hostname[256];   /* RFC 5424 HOSTNAME (PRINTUSASCII, cut to 255) */
	char procid[24];      /* PROCID */
	const char *observer; /* sensor name (observer.name), NULL to leave out */
	int facility;         /* 0..23 */
};

/* Fills id from gethostname() and getpid(); observer and facility as given. */
void out_syslog_id_init(struct out_syslog_id *id, const char *observer, int facility);

/* "rfc5424-json", "rfc5424-text", "cef" -> format; -1 if unknown. */
int out_fmt_parse(const char *name);
const char *out_fmt_name(enum out_fmt f);
/* "local4", "user", "daemon", ... or "0".."23" -> facility; -1 if unknown. */
int out_facility_parse(const char *name);

/* CEF severity 0..10 for an alert severity. */
unsigned out_cef_severity(unsigned rule_sev);

/* Appends the whole message for alert a in format fmt to b (which the caller
 * resets): RFC 5424 header, structured data and MSG, no framing. json is the
 * alert's JSON record (out_alert_render()), used by OUT_FMT_RFC5424_JSON. */
void out_syslog_format(struct jw *b, enum out_fmt fmt, const struct out_syslog_id *id,
		       const struct rule_alert *a, const char *json, size_t json_len);

/* Just the MSG part (JSON, text or CEF) for the local syslog(3) sink, which
 * adds its own header. */
void out_syslog_format_body(struct jw *b, enum out_fmt fmt, const struct out_syslog_id *id,
			    const struct rule_alert *a, const char *json, size_t json_len);

/* The record a sink sends when delivery resumes after it had to drop
 * alerts: rule id ZW-900 "alerts_dropped", severity high, count = dropped,
 * per_sev[] = drops per alert severity (RULE_SEV__COUNT entries), time ts_us
 * (the capture time of the newest alert the sink had seen). body_only as
 * out_syslog_format_body(). */
void out_syslog_format_drop(struct jw *b, enum out_fmt fmt, const struct out_syslog_id *id,
			    uint64_t ts_us, uint64_t dropped, const uint64_t *per_sev,
			    const char *sink_name, int body_only);

/* ---- escaping (exported for the unit tests) ---- */
/* All three make the text valid UTF-8 first: each byte that is not part of
 * a valid sequence becomes U+FFFD. */
/* RFC 5424 6.3.3 PARAM-VALUE: '"', '\\' and ']' get a backslash; control
 * characters become the text \xNN (as in the JSON wire strings). */
void out_sd_escape(struct jw *b, const char *s, size_t n);
/* CEF header field: '|' and '\\' get a backslash; CR/LF and other control
 * characters become a space. */
void out_cef_header_escape(struct jw *b, const char *s, size_t n);
/* CEF extension value: '\\' and '=' get a backslash, LF -> \n, CR -> \r,
 * other control characters become a space. */
void out_cef_value_escape(struct jw *b, const char *s, size_t n);

#endif /* ZW_OUT_SYSLOG_H */
