/* out_json.h - JSON lines (json-c) with ECS field names; see docs/schema.md.
 *
 * One record per line, keys in a fixed order, times from the capture
 * (RFC 3339 UTC with microseconds), no pointers or wall-clock values, so a
 * replay of the same capture always gives the same bytes.
 */
#ifndef ZW_OUT_JSON_H
#define ZW_OUT_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "capture/cap.h"
#include "output/out_jw.h"

struct json_object;
struct rule_alert;
struct out_sinks;
struct rule_run_stats;

/* What goes out (bits). */
#define OUT_JSON_EVENTS 0x01
#define OUT_JSON_FLOWS 0x02
#define OUT_JSON_METRICS 0x04
#define OUT_JSON_ALERTS 0x08

struct out_json {
	FILE *fp;
	int own_fp;
	char *iobuf;          /* fp's stdio buffer (files we open), NULL otherwise */
	unsigned what;
	const char *observer; /* observer.name, NULL to leave out */
	struct dis_ndpi *nd;  /* for protocol names in flow records */
	const struct rule_run_stats *rule_stats; /* alert counters for the metric record */
	uint64_t records, write_errors;
	struct jw w;          /* the reusable record buffer */
	/* rotation and reopening (files only, not standard output) */
	char *path;           /* owned copy, NULL for standard output */
	uint64_t max_bytes;   /* rotate when the file reaches this size, 0 = never */
	unsigned keep;        /* rotated files kept: path.1 (newest) .. path.keep */
	uint64_t bytes;       /* in the current file */
	uint64_t rotations, reopens;
	struct out_sinks *sinks; /* statistics of the syslog sinks in metric records, or NULL */
	/* "YYYY-MM-DDTHH:MM:SS." of recent seconds of capture time, so that a
	 * record's times cost only their microsecond digits; slot sec % 4,
	 * key sec + 1 (0 = empty). */
	struct {
		uint64_t key;
		char head[20];
	} ts_cache[4];
	/* Protocol names (static strings of the dissectors) seen to need no
	 * escaping, by address: written as they are. */
	const char *clean_names[8];
};

/* Opens path ("-" for stdout). Returns 0 or -1 with errbuf. */
int out_json_open(struct out_json *o, const char *path, unsigned what, char *errbuf, size_t errlen)
	__attribute__((warn_unused_result));
/* Reopens the file (appending) after logrotate moved it: SIGHUP. Returns 0
 * or -1 with errbuf (the old stream is kept then). No-op on stdout. */
int out_json_reopen(struct out_json *o, char *errbuf, size_t errlen)
	__attribute__((warn_unused_result));
/* Flushes and closes; returns -1 if anything failed to be written. */
/* Writes what stdio holds (live mode calls it about once a second, so a
 * record never waits long in the buffer). -1 on a write error (counted). */
int out_json_flush(struct out_json *o);
int out_json_close(struct out_json *o);

void out_json_event(struct out_json *o, const struct dis_event *ev);
void out_json_flow(struct out_json *o, const struct flow *f, enum flow_end_reason why);
/* Alert records (event.kind = alert). */
void out_json_alert(struct out_json *o, const struct rule_alert *a);
/* Renders alert a as one JSON object, without a newline, into w (reset
 * first): the same bytes as its JSON line, for sinks that carry the JSON as
 * their message (syslog). observer may be NULL. */
void out_alert_render(struct jw *w, const struct rule_alert *a, const char *observer);
/* Writes a metric record (event.kind = metric) built by out_stats_json(). */
void out_json_metric(struct out_json *o, const struct cap_engine *e);

/* "2024-01-02T03:04:05.123456Z" into buf (at least 32 bytes). */
void out_time_str(uint64_t ts_us, char *buf, size_t len);

/* ---- statistics (out_stats.c) ---- */
/* All engine counters as one JSON object (caller owns it). */
struct json_object *out_stats_json(const struct cap_engine *e);
/* The same for humans. */
void out_stats_text(FILE *fp, const struct cap_engine *e);

#endif /* ZW_OUT_JSON_H */
