/* out_sink.h - alert delivery to SIEMs: syslog over UDP (RFC 5426), TCP with
 * octet-counting framing (RFC 6587 3.4.1), TLS (RFC 5425) and the local
 * syslog daemon (syslog(3)).
 *
 * The packet path never waits for a collector. out_sinks_alert() formats the
 * alert once per sink (alert strings live only during the callback), copies
 * the bytes into the sink's bounded in-memory queue and returns; one sender
 * thread per sink connects, reconnects with exponential backoff and writes.
 * With a spool directory, what cannot be delivered goes to disk (one file
 * per record, named by sequence number) and is delivered in order, oldest
 * first, when the collector is back - also by the next run. When the spool
 * is full the oldest record of the lowest severity present goes first; every
 * drop is counted per severity and announced by a record of its own
 * (ZW-900 alerts_dropped) once delivery resumes.
 *
 * Over TCP and TLS a record counts as sent only when the collector's TCP has
 * acknowledged its last byte (TCP_INFO bytes_acked) and the connection then
 * stayed up for 300 ms more; records not sent by that rule when a connection
 * breaks are sent again on the next one, in order. A collector that closes
 * cleanly has read everything it acknowledged (exactly once); one that
 * resets the connection (killed with unread data, or refusing us after the
 * TLS handshake, as rsyslog does for a peer name it does not permit) may
 * have thrown away what it acknowledged in the last 300 ms, which is sent
 * again (at least once: a record it had processed may come twice). Only an
 * application-level acknowledgement (RELP) would do better.
 *
 * The process must ignore SIGPIPE (TLS writes to a collector that went away);
 * zonewatch's main() does.
 */
#ifndef ZW_OUT_SINK_H
#define ZW_OUT_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/out_jw.h"
#include "output/out_syslog.h"

struct rule_alert;
struct json_object;

enum out_sink_kind { OUT_SINK_UDP, OUT_SINK_TCP, OUT_SINK_TLS, OUT_SINK_LOCAL };

#define OUT_SINKS_MAX 8
#define OUT_SINK_QUEUE_DEFAULT 4096      /* records */
#define OUT_SPOOL_MAX_DEFAULT_MIB 64
#define OUT_DRAIN_TIMEOUT_DEFAULT_MS 5000
#define OUT_BACKOFF_MIN_MS 100
#define OUT_BACKOFF_MAX_MS 30000
#define OUT_UDP_MAX_BYTES 65000          /* one record per datagram; longer ones are cut */

struct out_sink_config {
	enum out_sink_kind kind;
	char host[256];
	char port[16];
	enum out_fmt fmt;
	int facility;               /* -1: OUT_FACILITY_DEFAULT */
	char ca_file[1024];         /* TLS: trust anchors ("" = system default) */
	char cert_file[1024];       /* TLS: client certificate chain (optional) */
	char key_file[1024];        /* TLS: its private key */
	char spool_dir[1024];       /* "" = no spool */
	uint64_t spool_max_bytes;
	uint32_t queue_max;         /* records in memory */
	uint32_t backoff_max_ms;
};

struct out_sink_stats {
	uint64_t queued;       /* accepted into the memory queue */
	uint64_t sent;         /* delivered (over TCP/TLS: acknowledged) */
	uint64_t spooled;      /* written to the spool */
	uint64_t dropped;      /* queue or spool full, or no spool at exit */
	uint64_t dropped_sev[5];
	uint64_t reconnects;   /* connections made after the first */
	uint64_t connect_failures;
	uint64_t spool_records, spool_bytes; /* now on disk */
	uint64_t queue_len;    /* now in memory (queue and in flight) */
	int connected;
};

struct out_sink;

/* Defaults for a sink (format rfc5424-json, queue and spool sizes). */
void out_sink_config_init(struct out_sink_config *c);
/* "udp://host:port", "tcp://host:port", "tls://host:port" ("[v6addr]:port";
 * ports default to 514, 514 and 6514) or "local". Returns 0 or -1. */
int out_sink_parse_url(struct out_sink_config *c, const char *url, char *errbuf, size_t errlen)
	__attribute__((warn_unused_result));
/* "tcp://127.0.0.1:514" style name of the sink (for messages). */
void out_sink_config_name(const struct out_sink_config *c, char *buf, size_t len);

/* ---- a set of sinks ---- */
struct out_sinks {
	struct out_sink *s[OUT_SINKS_MAX];
	unsigned n;
	struct out_syslog_id id;
	struct jw json;          /* the alert's JSON record, rendered once */
};

void out_sinks_init(struct out_sinks *set, const char *observer);
/* Creates a sink and starts its thread (TLS context and spool directory are
 * checked here, so configuration errors show at start-up; the collector may
 * still be down). Returns 0 or -1 with errbuf. */
int out_sinks_add(struct out_sinks *set, const struct out_sink_config *c, char *errbuf,
		  size_t errlen) __attribute__((warn_unused_result));
/* THE entry point from the alert callback: never blocks on the network. */
void out_sinks_alert(struct out_sinks *set, const struct rule_alert *a);
/* Waits up to timeout_ms in total for the queues to empty, stops the
 * threads, leaves what is undelivered in the spool, writes one line per sink
 * to log (NOTICE, or WARNING if something was lost) and frees everything.
 * Returns the number of records lost (neither delivered nor spooled). */
uint64_t out_sinks_close(struct out_sinks *set, unsigned timeout_ms);

/* Statistics of sink i (a consistent snapshot). */
void out_sinks_stats(struct out_sinks *set, unsigned i, struct out_sink_stats *st);
const char *out_sinks_name(const struct out_sinks *set, unsigned i);
/* For the statistics: a "sinks" object ({name: {queued, sent, ...}}) and text. */
struct json_object *out_sinks_stats_json(struct out_sinks *set);
void out_sinks_stats_text(FILE *fp, struct out_sinks *set);

#endif /* ZW_OUT_SINK_H */
