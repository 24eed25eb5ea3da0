/* rule_learn.h - a draft policy learned from observed traffic.
 *
 * Fed with ended flows and dissector events, it remembers every
 * (client, server, transport, server port, protocol) seen, with the function
 * classes, Modbus unit ids and OPC UA anonymous writes of its operations, and
 * writes a policy (docs/policy.md) that approves exactly that:
 *   - zones: those of a given zone file (a policy whose zones: are used), and
 *     for addresses outside them one zone per /24 (IPv4) or /64 (IPv6)
 *     network, named net-a-b-c / net6-xxxx-xxxx-xxxx-xxxx; public addresses
 *     that only open remote-access sessions stay outside ("external");
 *   - one conduit per observed (client zone -> server zone), one allow-rule
 *     per protocol, transport and server port, with the function classes
 *     and unit ids seen;
 *   - remote_access entries for the remote sessions seen, commented out
 *     unless approve_remote is set (an engineer must approve them);
 *   - hygiene relaxed just enough for what was seen (a TLS minimum no higher
 *     than the oldest version seen, cleartext protocols seen across zones
 *     taken off the list), each relaxation marked "REVIEW".
 * Every item carries a comment with its counts and first/last time.
 * Bounded: RULE_LEARN_ENTRIES entries, the rest counted and reported in the
 * output's header.
 */
#ifndef ZW_RULE_LEARN_H
#define ZW_RULE_LEARN_H

#include <stdint.h>
#include <stdio.h>

struct flow;
struct dis_event;
struct dis_ndpi;
struct rule_policy;

#define RULE_LEARN_ENTRIES 65536

struct rule_learn;

/* zones: the zone file's policy, or the built-in default (no zones); it
 * also says which protocols are remote access. nd may be NULL. */
struct rule_learn *rule_learn_new(const struct rule_policy *zones, struct dis_ndpi *nd);
void rule_learn_free(struct rule_learn *l);

void rule_learn_flow(struct rule_learn *l, const struct flow *f);
void rule_learn_event(struct rule_learn *l, const struct dis_event *ev);

/* Writes the draft policy. header: comment lines to put first (may be
 * NULL). Returns 0, or -1 if writing failed. */
int rule_learn_write(struct rule_learn *l, FILE *fp, const char *header, int approve_remote);

#endif /* ZW_RULE_LEARN_H */
