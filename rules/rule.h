/* rule.h - the policy stage: zones, conduits, verdicts and alerts.
 *
 * The evaluator (rule_eval.c) is pure: given the loaded policy and the facts
 * of a flow or an event it returns verdicts, with no I/O, clock or globals.
 * The run-time glue (rule_run.c) owns what must be remembered between
 * packets: per-flow zone lookups, deduplication of repeated alerts and their
 * summaries, new-asset learning. It hands finished alerts to a callback; the
 * output stage formats them (JSON lines, syslog, CEF).
 *
 * Alert records are deterministic: the same capture and policy always give
 * the same alerts in the same order, with times taken from the packets.
 */
#ifndef ZW_RULE_H
#define ZW_RULE_H

#include <stddef.h>
#include <stdint.h>

struct flow;
struct dis_event;
struct rule_policy; /* rule_model.h */

enum rule_sev {
	RULE_SEV_INFO,
	RULE_SEV_LOW,
	RULE_SEV_MEDIUM,
	RULE_SEV_HIGH,
	RULE_SEV_CRITICAL,
	RULE_SEV__COUNT
};

/* What an alert is about. The order is stable (ids are numbered from it). */
enum rule_kind {
	RULE_NO_CONDUIT,          /* traffic between two zones without a conduit */
	RULE_UNKNOWN_ASSET,       /* an endpoint in no zone */
	RULE_UNAPPROVED_PROTOCOL, /* conduit exists; protocol/port not allowed */
	RULE_UNAPPROVED_OPERATION,/* protocol allowed; function/address/service not */
	RULE_OUTSIDE_WINDOW,      /* allowed only inside a maintenance window */
	RULE_REMOTE_ACCESS,       /* remote-access session not on an approved path */
	RULE_REMOTE_EXPIRED,      /* approved path used outside its validity */
	RULE_TLS_VERSION,         /* TLS below the policy minimum */
	RULE_TLS_RISK,            /* other TLS weaknesses nDPI reports */
	RULE_CLEARTEXT,           /* cleartext credentials or file transfer across a conduit */
	RULE_OPCUA_SECURITY,      /* OPC UA security mode/policy weaker than required */
	RULE_OPCUA_ANON_WRITE,    /* OPC UA anonymous session writes */
	RULE_NEW_ASSET,           /* an address never seen, after the learning period */
	RULE_REMOTE_SESSION,      /* record of an approved remote-access session (info) */
	RULE_CLEARTEXT_FILE,      /* a file moved in cleartext across a zone boundary */
	RULE_SCAN,                /* port/host scan or protocol enumeration */
	RULE_KIND__COUNT
};

/* "ZW-1xx" style stable identifiers and snake_case names. */
const char *rule_kind_id(enum rule_kind k);
const char *rule_kind_name(enum rule_kind k);
const char *rule_sev_name(enum rule_sev s);
/* RFC 5424 severity (0 emergency .. 7 debug) for an alert severity. */
int rule_sev_syslog(enum rule_sev s);

enum rule_alert_phase {
	RULE_ALERT_FIRST,   /* first occurrence, emitted at once */
	RULE_ALERT_REPEAT,  /* summary of repeats since the last record */
	RULE_ALERT_END,     /* remote-access session ended (duration, bytes) */
};

/* A remote-access session, in its end record: who, how, and what the remote
 * peer (or the host it reached) did to other zones meanwhile. */
#define RULE_SESSION_ACTIVITY 8

struct rule_session_activity {
	const char *protocol;    /* "modbus", "cotp", "opcua" */
	const char *action;      /* "write_single_register", "download_block", ... */
	uint8_t fclass;          /* enum dis_fclass */
	char target[80];         /* asset name or address of the server */
	uint32_t count;
};

struct rule_session {
	const char *protocol;      /* "ssh", "rdp", "vnc", "teamviewer", ... */
	const char *initiated_by;  /* "external", "site" (to an external peer) or "internal" */
	const char *zone_entered;  /* zone of the server, NULL if none */
	const char *approved_by;   /* remote-access entry, NULL if none */
	char user[64];             /* RDP cookie user, telnet login, ... */
	char client_software[96];  /* SSH client banner, RFB client version */
	char server_software[96];
	char security[64];         /* RDP selected protocol, RFB security type */
	unsigned nactivity;
	uint32_t activity_dropped; /* operations beyond RULE_SESSION_ACTIVITY kinds */
	struct rule_session_activity activity[RULE_SESSION_ACTIVITY];
	char summary[320];         /* "vendor SSH to eng-ws, then 3 write_single_register to plc-2" */
};

struct rule_geo {
	int valid;          /* 1 when a database knew the address */
	char country[3];    /* ISO 3166-1 alpha-2, "" if unknown */
	uint32_t asn;       /* 0 if unknown */
	char as_org[64];
};

/* One alert. Strings are owned by the policy or the alert itself and are
 * valid for the duration of the callback only. Index 0 of the two-element
 * arrays is the flow's initiator (client), 1 its responder (server). */
struct rule_alert {
	enum rule_kind kind;
	uint8_t severity;        /* enum rule_sev */
	uint8_t phase;           /* enum rule_alert_phase */
	uint32_t count;          /* occurrences this record stands for (>= 1) */
	uint64_t ts_us;          /* capture time of this record */
	uint64_t first_us, last_us; /* occurrences covered */
	const struct flow *flow; /* may be NULL */
	const struct dis_event *ev; /* the operation, NULL for flow-level alerts */
	const char *zone[2];     /* zone names, NULL = in no zone */
	const char *asset[2];    /* asset names, NULL = not a declared asset */
	const char *conduit;     /* conduit name, NULL = none */
	const char *policy_rule; /* allow-rule / remote-access entry involved, or NULL */
	const char *policy_name; /* site name of the policy ("built-in default" without one) */
	const char *protocol;    /* protocol seen ("modbus", "tls", "unknown") */
	const char *outcome;     /* operation outcome (acknowledged, exception, ...) or NULL */
	struct rule_geo geo[2];
	const struct rule_session *session; /* end records of remote sessions, else NULL */
	char seen[192];          /* what was seen:  "Modbus/TCP write_single_register on tcp/502" */
	char allowed[256];       /* what the policy allows there */
	char message[384];       /* one line for humans */
};

typedef void (*rule_alert_fn)(void *user, const struct rule_alert *a);

#endif /* ZW_RULE_H */
