/* flow.h - bidirectional flow table with a fixed memory budget.
 *
 * Flows are keyed by the symmetric 5-tuple plus the outer VLAN id: the lower
 * (address, port) endpoint is stored first, so both directions find the same
 * entry. All entries are allocated up front (max_flows); the hash is seeded at
 * start-up. The index is an open-addressing table of 64-bit slots holding the
 * key hash beside the entry number, at most half full, so a lookup reads one
 * slot line and only the entry whose hash matches.
 *
 * Three LRU lists, one per idle-timeout class, give O(1) expiry and
 * eviction. A flow moves to the head of its list at most once per second of
 * capture time (moving it on every packet would touch two other entries per
 * packet), so lists are ordered by that placement time and idle timeouts are
 * exact to within one second. When the table is full the least recently
 * placed flow of the three lists is ended early (reason "evicted") and
 * counted.
 *
 * Direction 0 is "from the initiator" (the side that sent the SYN, or the
 * sender of the first packet seen when the handshake was not captured), 1 is
 * "from the responder".
 */
#ifndef ZW_FLOW_H
#define ZW_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "capture/dec.h"
#include "capture/reasm.h"

#define FLOW_NONE UINT32_MAX

enum flow_lru {
	FLOW_LRU_TCP_EST,    /* TCP with data or handshake done, or picked up midstream */
	FLOW_LRU_TCP_SHORT,  /* TCP opening (SYN only) */
	FLOW_LRU_TCP_CLOSED, /* TCP closed (FIN both ways or RST) */
	FLOW_LRU_UDP,        /* UDP */
	FLOW_LRU__COUNT
};

enum flow_tcp_state {
	FLOW_TCP_NEW,         /* SYN seen, no answer yet */
	FLOW_TCP_ESTABLISHED, /* handshake seen, or midstream pickup */
	FLOW_TCP_CLOSING,     /* FIN from one side */
	FLOW_TCP_CLOSED,      /* FIN from both sides, or RST */
};

enum flow_end_reason {
	FLOW_END_IDLE,    /* idle timeout */
	FLOW_END_CLOSED,  /* TCP closed and the close timeout passed */
	FLOW_END_EVICTED, /* table full: least recently used flow ended early */
	FLOW_END_REUSED,  /* a new SYN reused the 5-tuple of a closed flow */
	FLOW_END_EXIT,    /* end of input or shutdown */
};

struct flow_key {
	uint8_t addr[2][16]; /* [0] is the lower endpoint */
	uint16_t port[2];
	uint16_t vlan_id;
	uint8_t l4_proto;
	uint8_t ip_ver;
};

/* nDPI classification state carried by the flow (filled by dissectors/). */
struct flow_ndpi {
	uint64_t risk;        /* ndpi_risk bitmap */
	uint32_t slot;        /* classifier slot while classifying, FLOW_NONE otherwise */
	uint16_t master, app; /* nDPI protocol ids */
	uint16_t category;
	uint8_t pkts;         /* packets given to nDPI */
	uint8_t done;         /* classification finished */
	uint8_t stopped;      /* finished early: a zonewatch dissector confirmed the flow */
	uint16_t tls_version; /* TLS/DTLS version nDPI saw (0x0303 = TLS 1.2), 0 if none */
};

/* Policy state carried by the flow (filled by rules/). */
struct flow_rule {
	uint32_t gen;         /* policy generation zone[] and asset[] belong to; 0 = none */
	uint16_t zone[2];     /* per direction (0 initiator) */
	uint16_t asset[2];
	uint8_t classified;   /* the flow-level verdicts were made */
	uint8_t remote;       /* a remote-access alert was raised: record at the end */
};

struct dis_flow; /* dissectors/dis.h */

/* Field order follows use: the first cache line holds what every lookup
 * reads, the next ones what every packet updates, the cold fields come
 * last. (A per-packet counter that sat among the cold fields cost one
 * cache miss per packet: keep the hot part within the prefetched bytes.) */
struct flow {
	/* line 0: lookup and list links */
	struct flow_key key;
	uint32_t hash;           /* key hash (low 32 bits) */
	uint32_t lru_prev, lru_next;
	uint8_t lru;             /* enum flow_lru */
	uint8_t tcp_state;       /* enum flow_tcp_state */
	uint8_t init_is_lo;      /* initiator is key endpoint 0 */
	uint8_t in_use;
	uint8_t tcp_flags[2];    /* OR of TCP flags seen per direction */
	uint8_t syn_seen;        /* handshake seen (initiator known for sure) */
	uint8_t fin_seen;        /* bit per direction */
	uint8_t dis_proto;       /* registry index + 1 of the dissector, kept after
				  * the flow ends; 0 if none or rejected */
	uint8_t dis_confirmed;   /* it parsed a good PDU in both directions */
	uint8_t dis_gave_up;     /* no dissector matched */
	uint8_t probe_tries[2];  /* payload chunks offered to the probes */
	uint8_t mac_seen;        /* bit per direction: mac[] is set (in the padding
				  * before line 1, read on every packet) */
	/* line 1: per-packet accounting */
	uint64_t last_us;
	uint64_t lru_us;         /* capture time the flow was last placed at its list head */
	uint64_t pkts[2];
	uint64_t bytes[2];       /* IP bytes on the wire per direction */
	uint64_t payload_bytes[2];
	struct dis_flow *dis;    /* attached dissector, NULL if none */
	struct flow_ndpi ndpi;
	struct reasm_dir rs[2];
	struct flow_rule rule;   /* rule.classified is read for every packet */
	/* cold: what every packet touches ends above (flow_prefetch_entry()
	 * fetches the first 256 bytes) */
	uint8_t *probe_buf[2];   /* first bytes kept while probes want more (dissectors/) */
	uint8_t *ndpi_defer;     /* handshake packets held back from nDPI (dis_ndpi.c) */
	uint16_t ndpi_defer_len;
	uint16_t probe_len[2];
	uint64_t id;             /* 1, 2, ... in creation order */
	uint64_t first_us;
	uint8_t mac[2][6];       /* Ethernet source of the first frame per direction
				  * (inventory), valid per bit of mac_seen */
};

struct flow_config {
	uint32_t max_flows;
	uint32_t tcp_est_timeout_s;   /* established or closing */
	uint32_t tcp_short_timeout_s; /* SYN seen, no answer yet */
	uint32_t tcp_closed_timeout_s; /* FIN both ways or RST */
	uint32_t udp_timeout_s;
};

struct flow_stats {
	uint64_t created;
	uint64_t ended[FLOW_END_EXIT + 1];
	uint64_t active;
	uint64_t max_active;
	uint64_t tcp_midstream; /* TCP flows whose handshake was not seen */
};

/* Called for every flow that ends, before its entry is reused. */
typedef void (*flow_end_fn)(void *user, struct flow *f, enum flow_end_reason why);

struct flow_table {
	struct flow *flows;
	uint64_t *slots;    /* open addressing: (hash << 32) | (index + 1), 0 = empty */
	uint32_t slot_mask;
	uint32_t cap;
	uint32_t bump;      /* entries never used: [bump, cap) */
	uint32_t free_head; /* recycled entries, chained through lru_next */
	uint32_t lru_head[FLOW_LRU__COUNT], lru_tail[FLOW_LRU__COUNT];
	uint64_t timeout_us[FLOW_LRU__COUNT];
	uint64_t seed;
	uint64_t next_id;
	flow_end_fn on_end;
	void *on_end_user;
	struct flow_stats st;
};

int flow_table_init(struct flow_table *t, const struct flow_config *cfg, flow_end_fn on_end,
		    void *user, char *errbuf, size_t errlen) __attribute__((warn_unused_result));
void flow_table_destroy(struct flow_table *t);

/* Finds or creates the flow of a decoded TCP/UDP packet and accounts the
 * packet to it. *dir receives the packet's direction (0 from initiator). May
 * end other flows (eviction, port reuse) through the callback. Returns NULL
 * only if max_flows is 0. */
struct flow *flow_packet(struct flow_table *t, const struct dec_pkt *p, int *dir);

/* The same in steps, for batches: flow_hash_prefetch() builds the packet's
 * key (*src_is_lo: the sender is key endpoint 0), returns its hash and
 * prefetches its index slot; flow_prefetch_entry() prefetches the entry that
 * slot names; flow_packet_keyed() then does the work of flow_packet(). */
uint32_t flow_hash_prefetch(struct flow_table *t, const struct dec_pkt *p, struct flow_key *k,
			    int *src_is_lo);
void flow_prefetch_entry(struct flow_table *t, uint32_t hash);
/* The entry in the index slot of hash, if its hash matches (a hint for
 * prefetching only: it may be another flow, or stale). */
struct flow *flow_peek(struct flow_table *t, uint32_t hash);
struct flow *flow_packet_keyed(struct flow_table *t, const struct dec_pkt *p,
			       const struct flow_key *k, uint32_t hash, int src_is_lo, int *dir);

/* Ends flows idle past their timeout at time now_us. Returns the count. */
uint32_t flow_expire(struct flow_table *t, uint64_t now_us);

/* Ends every active flow in creation order (deterministic output). */
void flow_end_all(struct flow_table *t);

/* Address/port of the initiator (dir 0) or responder (dir 1). */
static inline const uint8_t *flow_addr(const struct flow *f, int dir)
{
	return f->key.addr[(dir == 0) == (f->init_is_lo != 0) ? 0 : 1];
}
static inline uint16_t flow_port(const struct flow *f, int dir)
{
	return f->key.port[(dir == 0) == (f->init_is_lo != 0) ? 0 : 1];
}

const char *flow_end_reason_name(enum flow_end_reason r);
const char *flow_tcp_state_name(enum flow_tcp_state s);

#endif /* ZW_FLOW_H */
