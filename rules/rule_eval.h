/* rule_eval.h - the evaluator: verdicts for a flow and for an operation.
 *
 * Pure functions of (policy, facts): no I/O, no clock, no state. The
 * run-time glue (rule_run.c) gathers the facts of a flow from the capture
 * stage and nDPI; the Check tests build them by hand.
 */
#ifndef ZW_RULE_EVAL_H
#define ZW_RULE_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dissectors/dis_event.h"

#include "rules/rule.h"
#include "rules/rule_model.h"

#define RULE_FLOW_NAMES 3
#define RULE_MAX_VERDICTS 4

struct rule_flow_facts {
	uint8_t ip_ver;          /* 4 or 6 */
	uint8_t l4;              /* 6 tcp, 17 udp */
	const uint8_t *addr[2];  /* 0 initiator (client), 1 responder (server); 16 bytes,
				  * IPv4 as ::ffff:a.b.c.d like the flow's */
	uint16_t port[2];
	uint16_t vlan;
	uint16_t zone[2], asset[2]; /* rule_lookup() of each endpoint */
	/* Protocol names known for the flow, canonical lower case (our
	 * dissector's policy name, nDPI's master and app protocol); NULL if none. */
	const char *names[RULE_FLOW_NAMES];
	const char *label;       /* for humans: "Modbus/TCP", "HTTP"; NULL = transport only */
	uint8_t remote_category; /* nDPI files the protocol under remote access */
	uint8_t answered;        /* the responder sent anything */
	uint8_t empty;           /* no payload either way: the protocol is unknown, so a
				  * rule's port alone decides whether the attempt is allowed */
	uint16_t tls_version;    /* 0x0301 TLS 1.0 ... 0x0304; 0 unknown or not TLS */
	const char *tls_risks;   /* names of TLS weaknesses nDPI found, NULL if none */
	const char *cleartext;   /* ftp, tftp, telnet, http_basic_auth, smbv1, ... or NULL */
	uint64_t ts_us;
};

struct rule_verdict {
	enum rule_kind kind;
	uint8_t sev;             /* enum rule_sev */
	uint16_t conduit;        /* RULE_NONE if none */
	const char *policy_rule; /* allow-rule or remote-access entry name, or NULL */
	const char *outcome;     /* operation outcome, or NULL */
	const char *key;         /* deduplicate by this name instead of protocol and port */
	char keybuf[48];         /* storage for a key taken from the event */
	char seen[192];
	char allowed[256];
	char message[384];
};

/* Verdicts for a flow once its protocol is known (or at its end). Returns
 * how many were written to out (at most max). */
unsigned rule_eval_flow(const struct rule_policy *p, const struct rule_flow_facts *ff,
			struct rule_verdict *out, unsigned max);

/* Verdicts for one operation (a dissector event) of the flow. */
unsigned rule_eval_event(const struct rule_policy *p, const struct rule_flow_facts *ff,
			 const struct dis_event *ev, struct rule_verdict *out, unsigned max);

/* 1 when the flow is a remote-access session that enters a zone or leaves
 * the site (what gets a session record); *approved_by names the remote-access
 * entry that approves it now, or NULL. */
int rule_remote_session(const struct rule_policy *p, const struct rule_flow_facts *ff,
			const char **approved_by);

/* 1 when the flow is a remote-access session under the policy. */
int rule_flow_is_remote(const struct rule_policy *p, const struct rule_flow_facts *ff);

/* snprintf into a bounded buffer that may cut (messages are bounded on
 * purpose, so truncation is not an error). */
void rule_put(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* rule_ev_field() with the key's length given. */
const struct dis_field *rule_ev_field_n(const struct dis_event *ev, const char *key, size_t kl);

/* Looks up a field of the event by key; NULL if absent. Inline so that the
 * length of a literal key is known at compile time: fields whose recorded
 * key length differs are passed over without a string comparison. */
static inline const struct dis_field *rule_ev_field(const struct dis_event *ev, const char *key)
{
	return rule_ev_field_n(ev, key, strlen(key));
}

/* ---- bookkeeping for the acceptance test (issue #8) ---- */

/* What rule_match_flow() / rule_match_op() found. */
enum rule_match {
	RULE_MATCH_ALLOWED,     /* an allow-rule of a conduit carries it: *conduit, *rule_index */
	RULE_MATCH_INTRA_ZONE,  /* both ends in one zone: no conduit needed */
	RULE_MATCH_NO_ZONE,     /* an endpoint is in no zone */
	RULE_MATCH_NO_CONDUIT,  /* two zones, no conduit between them in this direction */
	RULE_MATCH_NOT_ALLOWED, /* a conduit exists (*conduit) but no rule allows it; for an
				 * operation *rule_index names the first rule carrying the flow,
				 * UINT32_MAX if none */
	RULE_MATCH_REMOTE,      /* a remote-access flow (flows only): *rule_index is the
				 * approved remote_access entry, UINT32_MAX if none matched */
};

/* Which conduit allow-rule (first in policy order) carries the flow. Pure,
 * like rule_eval_flow(); *conduit is RULE_NONE and *rule_index UINT32_MAX
 * unless set as described above. Returns an enum rule_match. */
int rule_match_flow(const struct rule_policy *p, const struct rule_flow_facts *ff,
		    uint16_t *conduit, uint32_t *rule_index);
/* The same for one operation (a request event) of the flow: the first rule
 * that carries the flow and allows the operation. */
int rule_match_op(const struct rule_policy *p, const struct rule_flow_facts *ff,
		  const struct dis_event *ev, uint16_t *conduit, uint32_t *rule_index);

#endif /* ZW_RULE_EVAL_H */
