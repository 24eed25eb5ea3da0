/* rule_sat.h - site acceptance test (SAT) bookkeeping: observed vs approved.
 *
 * Fed with the same flows, events and alerts as `zonewatch read`, it counts
 * for every conduit allow-rule what exercised it (flows, operations by
 * function class, packets, bytes, first/last time, example flows), and for
 * traffic no rule approves one entry per (client zone, server zone, status,
 * protocol, transport, server port, function class). It keeps unknown
 * assets, remote-access sessions and the alerts, and decides the verdict
 * (docs/sat.md). Memory is bounded: every table has a cap (below) and a
 * counter of what did not fit; the verdict never depends on a full table,
 * because the alerts that fail a SAT are kept first.
 *
 * Deterministic: entries are kept in the order they first occur, times are
 * capture times.
 */
#ifndef ZW_RULE_SAT_H
#define ZW_RULE_SAT_H

#include <stddef.h>
#include <stdint.h>

#include "rules/rule.h"
#include "rules/rule_eval.h"

struct flow;
struct dis_event;
struct dis_ndpi;
struct rule_policy;
struct json_object;

#define RULE_SAT_MAX_EXAMPLES 10   /* example flows kept per entry */
#define RULE_SAT_OBS_ENTRIES 4096  /* observed-but-not-approved entries */
#define RULE_SAT_UNKNOWN_ENTRIES 1024 /* addresses in no zone */
#define RULE_SAT_REMOTE_ENTRIES 1024  /* remote-access sessions */
#define RULE_SAT_ALERT_ENTRIES 4096   /* distinct alerts */

struct rule_sat_config {
	uint64_t from_us, until_us; /* baseline window [from, until); 0 = open */
	unsigned max_examples;      /* example flows per entry (<= RULE_SAT_MAX_EXAMPLES) */
	int require_exercised;      /* approved-but-never-exercised rules fail the SAT */
	uint8_t fail_severity;      /* enum rule_sev: alerts at or above fail the SAT */
};

/* The flow's main protocol name ("modbus", "http", "unknown"). */
const char *rule_sat_proto(const struct rule_flow_facts *ff);

struct rule_sat;

/* p and nd must outlive the object. Returns NULL when out of memory. */
struct rule_sat *rule_sat_new(const struct rule_policy *p, struct dis_ndpi *nd,
			      const struct rule_sat_config *cfg);
void rule_sat_free(struct rule_sat *s);
/* Sets the baseline window once it is known (a duration counted from the
 * first packet is resolved by the caller). */
void rule_sat_window(struct rule_sat *s, uint64_t from_us, uint64_t until_us);

/* A flow that ended (its counters are final). */
void rule_sat_flow(struct rule_sat *s, const struct flow *f);
/* A dissector event (requests count as operations; responses and anomalies
 * are ignored). */
void rule_sat_event(struct rule_sat *s, const struct dis_event *ev);
/* An alert record from rule_run (first and repeat records; end records of
 * remote sessions are ignored, the flow carries the session). */
void rule_sat_alert(struct rule_sat *s, const struct rule_alert *a);

/* 1 when the SAT passes under the configuration so far. */
int rule_sat_passed(const struct rule_sat *s);

/* Run facts the report records (all strings owned by the caller). */
struct rule_sat_input {
	const char *path;
	char sha256[65];
	uint64_t bytes;
};
struct rule_sat_meta {
	const char *version;
	const char *command_line;
	const char *policy_path;
	char policy_sha256[65];
	const struct rule_sat_input *inputs;
	unsigned ninputs;
	uint64_t first_us, last_us, packets, bytes; /* of the whole capture */
	const char *window_text;    /* as given, NULL if none */
};

/* Builds the report (docs/sat.md). The caller owns the returned object
 * (json_object_put); NULL when out of memory. */
struct json_object *rule_sat_report(const struct rule_sat *s, const struct rule_sat_meta *m);

/* RFC 3339 UTC with microseconds, as in the JSON records. */
void rule_sat_time(uint64_t us, char *buf, size_t len);
/* Parses "2026-11-23T16:12:00Z" (optional fraction, Z or +hh:mm) into
 * microseconds since the epoch. Returns 0 or -1. */
int rule_sat_parse_time(const char *s, uint64_t *us);
/* A policy network (rule_model.h: IPv4 in the first 4 bytes) as "a.b.c.d/n". */
struct rule_net;
void rule_sat_net_str(const struct rule_net *n, char *buf, size_t len);
/* Parses "90", "90s", "15m", "2h", "1d" into microseconds. Returns 0 or -1. */
int rule_sat_parse_duration(const char *s, uint64_t *us);

#endif /* ZW_RULE_SAT_H */
