/* rule_run.h - the policy at run time: from flows and events to alerts.
 *
 * Owns what the pure evaluator must not: the zone lookups cached in each
 * flow, deduplication (the first occurrence of an alert is emitted at once;
 * repeats of the same rule for the same client, server, port, protocol and
 * operation are counted and summarised every summary interval of capture
 * time and at the end), the end records of remote-access sessions, the
 * new-asset learning set and GeoIP/ASN enrichment of public peers
 * (libmaxminddb). Memory is bounded: when the deduplication table is full
 * alerts are still emitted, only without deduplication, and counted.
 */
#ifndef ZW_RULE_RUN_H
#define ZW_RULE_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "rules/rule.h"
#include "rules/rule_eval.h"

struct flow;
struct dis_event;
struct dis_ndpi;
struct rule_policy;
struct rule_run;

#define RULE_DEDUP_ENTRIES 16384
#define RULE_ASSET_ENTRIES 65536

struct rule_run_stats {
	uint64_t alerts[RULE_KIND__COUNT]; /* occurrences, including suppressed repeats */
	uint64_t records;        /* alert records emitted (first, repeat, end) */
	uint64_t suppressed;     /* repeats folded into summaries */
	uint64_t summaries;      /* repeat records */
	uint64_t sessions_ended; /* remote-access end records */
	uint64_t dedup_full;     /* alerts emitted without deduplication: table full */
	uint64_t assets_full;    /* addresses not learnt: new-asset table full */
	uint64_t sessions;       /* remote-access sessions recorded */
	uint64_t sessions_full;  /* sessions without a record: table full */
	uint64_t scan_sources_full; /* sources not tracked for scans: table full */
	uint64_t reloads, reload_errors;
};

/* The facts of flow f at time ts_us for the evaluator, with the buffers its
 * names point into: addresses and ports, zones and assets (given, or looked
 * up when zone is NULL), our dissector's and nDPI's protocol names (none for
 * a flow that carried no payload: nDPI would only have guessed from the
 * port), remote-access category, cleartext protocol, TLS version and
 * weaknesses. nd may be NULL. The one builder behind the run-time glue, SAT
 * and learning, so they judge a flow alike. */
struct rule_facts_buf {
	struct rule_flow_facts ff;
	char master[48], app[48], label[64], risks[160];
};
void rule_flow_facts(const struct rule_policy *p, struct dis_ndpi *nd, const struct flow *f,
		     const uint16_t *zone, const uint16_t *asset, uint64_t ts_us,
		     struct rule_facts_buf *b);

/* nd may be NULL (no nDPI names). Takes ownership of p. */
struct rule_run *rule_run_new(struct rule_policy *p, struct dis_ndpi *nd, rule_alert_fn fn,
			      void *user);
void rule_run_free(struct rule_run *r);

/* Opens MaxMind databases (either may be NULL): country from one, ASN from
 * the other (any database holding the fields works for either). */
int rule_run_geoip(struct rule_run *r, const char *country_db, const char *asn_db, char *errbuf,
		   size_t errlen) __attribute__((warn_unused_result));

/* Replaces the policy (takes ownership); pending summaries of the old one are
 * written first, and flows look their zones up again. */
void rule_run_set_policy(struct rule_run *r, struct rule_policy *p, uint64_t now_us);
const struct rule_policy *rule_run_policy(const struct rule_run *r);

void rule_run_flow(struct rule_run *r, struct flow *f);
void rule_run_event(struct rule_run *r, const struct dis_event *ev);
void rule_run_flow_end(struct rule_run *r, const struct flow *f);
void rule_run_tick(struct rule_run *r, uint64_t now_us);
/* Writes all pending summaries (end of input). */
void rule_run_finish(struct rule_run *r, uint64_t now_us);

const struct rule_run_stats *rule_run_stats(const struct rule_run *r);

#endif /* ZW_RULE_RUN_H */
