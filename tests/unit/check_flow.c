/* check_flow.c - unit tests for the flow table (capture/flow.c).
 *
 * Packets are struct dec_pkt values built directly (no frames): IPv4 in the
 * IPv4-mapped form ::ffff:a.b.c.d, with ports, TCP flags and capture time.
 * The end callback records every ended flow (id, reason) in order. Lists are
 * re-ordered at most once per second of capture time (flow.h), so tests that
 * depend on recency space their packets at least one second apart.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/dec.h"
#include "capture/flow.h"

#define SEC 1000000ull
#define T0 (1700000000ull * SEC)
#define MAX_ENDED 4096

/* Hosts: 10.0.0.1 is the lower address, 10.0.0.2 the higher. */
#define IP_LO 0x0a000001u
#define IP_HI 0x0a000002u
#define IP_C 0x0a000003u

struct ended {
	uint64_t id;
	enum flow_end_reason why;
	uint8_t in_use;
	uint16_t port0;
};

struct rec {
	struct ended e[MAX_ENDED];
	unsigned n;
};

static void on_end(void *user, struct flow *f, enum flow_end_reason why)
{
	struct rec *r = user;
	ck_assert_uint_lt(r->n, MAX_ENDED);
	r->e[r->n].id = f->id;
	r->e[r->n].why = why;
	r->e[r->n].in_use = f->in_use;
	r->e[r->n].port0 = f->key.port[0];
	r->n++;
}

static void table_init(struct flow_table *t, struct rec *r, uint32_t max_flows)
{
	char err[256];
	struct flow_config cfg = {
		.max_flows = max_flows,
		.tcp_est_timeout_s = 100,
		.tcp_short_timeout_s = 10,
		.tcp_closed_timeout_s = 5,
		.udp_timeout_s = 50,
	};
	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(flow_table_init(t, &cfg, on_end, r, err, sizeof(err)), 0);
}

static void set_v4(uint8_t a[16], uint32_t ip)
{
	memset(a, 0, 10);
	a[10] = 0xff;
	a[11] = 0xff;
	a[12] = (uint8_t)(ip >> 24);
	a[13] = (uint8_t)(ip >> 16);
	a[14] = (uint8_t)(ip >> 8);
	a[15] = (uint8_t)ip;
}

static struct dec_pkt mk(uint32_t sip, uint16_t sport, uint32_t dip, uint16_t dport, uint8_t proto,
			 uint8_t flags, uint64_t ts)
{
	struct dec_pkt p;
	memset(&p, 0, sizeof(p));
	set_v4(p.saddr, sip);
	set_v4(p.daddr, dip);
	p.sport = sport;
	p.dport = dport;
	p.ip_ver = 4;
	p.l4_proto = proto;
	p.tcp_flags = flags;
	p.ts_us = ts;
	p.l3_off = 14;
	p.wirelen = 14 + 40 + 10;
	p.caplen = p.wirelen;
	p.payload_wire_len = 10;
	return p;
}

static struct flow *tcp(struct flow_table *t, uint32_t sip, uint16_t sport, uint32_t dip,
			uint16_t dport, uint8_t flags, uint64_t ts, int *dir)
{
	struct dec_pkt p = mk(sip, sport, dip, dport, 6, flags, ts);
	struct flow *f = flow_packet(t, &p, dir);
	ck_assert_ptr_nonnull(f);
	return f;
}

static struct flow *udp(struct flow_table *t, uint32_t sip, uint16_t sport, uint32_t dip,
			uint16_t dport, uint64_t ts, int *dir)
{
	struct dec_pkt p = mk(sip, sport, dip, dport, 17, 0, ts);
	struct flow *f = flow_packet(t, &p, dir);
	ck_assert_ptr_nonnull(f);
	return f;
}

static void ck_addr(const uint8_t *a, uint32_t ip)
{
	uint8_t want[16];
	set_v4(want, ip);
	ck_assert_mem_eq(a, want, 16);
}

/* ---- keys and directions ---- */

START_TEST(test_both_directions_one_flow)
{
	struct flow_table t;
	struct rec r;
	int dir = -1;
	table_init(&t, &r, 16);
	/* the initiator is the higher address: the key's endpoint 1 */
	struct flow *f = tcp(&t, IP_HI, 50000, IP_LO, 502, DEC_TCP_SYN, T0, &dir);
	ck_assert_int_eq(dir, 0);
	ck_assert_uint_eq(f->id, 1);
	ck_assert_uint_eq(f->syn_seen, 1);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_NEW);
	ck_assert_uint_eq(f->init_is_lo, 0);
	ck_addr(f->key.addr[0], IP_LO); /* lower endpoint first */
	ck_assert_uint_eq(f->key.port[0], 502);
	ck_assert_uint_eq(f->key.l4_proto, 6);
	ck_assert_uint_eq(f->key.ip_ver, 4);
	struct flow *g = tcp(&t, IP_LO, 502, IP_HI, 50000, DEC_TCP_SYN | DEC_TCP_ACK, T0 + 10, &dir);
	ck_assert_ptr_eq(g, f);
	ck_assert_int_eq(dir, 1);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_ESTABLISHED);
	g = tcp(&t, IP_HI, 50000, IP_LO, 502, DEC_TCP_ACK, T0 + 20, &dir);
	ck_assert_ptr_eq(g, f);
	ck_assert_int_eq(dir, 0);

	ck_addr(flow_addr(f, 0), IP_HI);
	ck_addr(flow_addr(f, 1), IP_LO);
	ck_assert_uint_eq(flow_port(f, 0), 50000);
	ck_assert_uint_eq(flow_port(f, 1), 502);
	ck_assert_uint_eq(f->pkts[0], 2);
	ck_assert_uint_eq(f->pkts[1], 1);
	ck_assert_uint_eq(f->bytes[0], 2 * 50);
	ck_assert_uint_eq(f->bytes[1], 50);
	ck_assert_uint_eq(f->payload_bytes[0], 20);
	ck_assert_uint_eq(f->tcp_flags[0], DEC_TCP_SYN | DEC_TCP_ACK);
	ck_assert_uint_eq(f->tcp_flags[1], DEC_TCP_SYN | DEC_TCP_ACK);
	ck_assert_uint_eq(f->first_us, T0);
	ck_assert_uint_eq(f->last_us, T0 + 20);
	ck_assert_uint_eq(t.st.created, 1);
	ck_assert_uint_eq(t.st.active, 1);
	ck_assert_uint_eq(t.st.tcp_midstream, 0);
	ck_assert_uint_eq(r.n, 0);
	flow_table_destroy(&t);
}
END_TEST

/* The initiator is the lower endpoint: directions follow the SYN, not the
 * key order. */
START_TEST(test_initiator_from_syn)
{
	struct flow_table t;
	struct rec r;
	int dir = -1;
	table_init(&t, &r, 16);
	struct flow *f = tcp(&t, IP_LO, 40000, IP_HI, 502, DEC_TCP_SYN, T0, &dir);
	ck_assert_int_eq(dir, 0);
	ck_assert_uint_eq(f->init_is_lo, 1);
	ck_addr(flow_addr(f, 0), IP_LO);
	ck_assert_uint_eq(flow_port(f, 0), 40000);
	ck_assert_uint_eq(flow_port(f, 1), 502);
	tcp(&t, IP_HI, 502, IP_LO, 40000, DEC_TCP_SYN | DEC_TCP_ACK, T0 + 1, &dir);
	ck_assert_int_eq(dir, 1);
	/* a retransmitted SYN stays in the same flow */
	struct flow *g = tcp(&t, IP_LO, 40000, IP_HI, 502, DEC_TCP_SYN, T0 + 2, &dir);
	ck_assert_ptr_eq(g, f);
	ck_assert_int_eq(dir, 0);
	ck_assert_uint_eq(t.st.created, 1);
	flow_table_destroy(&t);
}
END_TEST

START_TEST(test_synack_first)
{
	struct flow_table t;
	struct rec r;
	int dir = -1;
	table_init(&t, &r, 16);
	/* only the server's SYN-ACK was captured: the client is the initiator */
	struct flow *f = tcp(&t, IP_LO, 502, IP_HI, 50000, DEC_TCP_SYN | DEC_TCP_ACK, T0, &dir);
	ck_assert_int_eq(dir, 1);
	ck_addr(flow_addr(f, 0), IP_HI);
	ck_assert_uint_eq(flow_port(f, 0), 50000);
	ck_addr(flow_addr(f, 1), IP_LO);
	ck_assert_uint_eq(flow_port(f, 1), 502);
	ck_assert_uint_eq(f->syn_seen, 1);
	ck_assert_uint_eq(f->pkts[1], 1);
	ck_assert_uint_eq(f->pkts[0], 0);
	ck_assert_uint_eq(t.st.tcp_midstream, 0);
	struct flow *g = tcp(&t, IP_HI, 50000, IP_LO, 502, DEC_TCP_ACK, T0 + 1, &dir);
	ck_assert_ptr_eq(g, f);
	ck_assert_int_eq(dir, 0);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_ESTABLISHED);
	flow_table_destroy(&t);
}
END_TEST

START_TEST(test_midstream)
{
	struct flow_table t;
	struct rec r;
	int dir = -1;
	table_init(&t, &r, 16);
	struct flow *f = tcp(&t, IP_LO, 502, IP_HI, 50000, DEC_TCP_ACK | DEC_TCP_PSH, T0, &dir);
	ck_assert_int_eq(dir, 0); /* the first sender seen is taken as initiator */
	ck_assert_uint_eq(f->syn_seen, 0);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_ESTABLISHED);
	ck_assert_uint_eq(f->lru, FLOW_LRU_TCP_EST);
	ck_assert_uint_eq(t.st.tcp_midstream, 1);
	ck_addr(flow_addr(f, 0), IP_LO);
	struct flow *g = tcp(&t, IP_HI, 50000, IP_LO, 502, DEC_TCP_ACK, T0 + 1, &dir);
	ck_assert_ptr_eq(g, f);
	ck_assert_int_eq(dir, 1);
	ck_assert_uint_eq(t.st.tcp_midstream, 1);
	ck_assert_uint_eq(t.st.created, 1);
	flow_table_destroy(&t);
}
END_TEST

START_TEST(test_udp_flows)
{
	struct flow_table t;
	struct rec r;
	int dir = -1;
	table_init(&t, &r, 16);
	struct flow *f = udp(&t, IP_HI, 1234, IP_LO, 161, T0, &dir);
	ck_assert_int_eq(dir, 0);
	ck_assert_uint_eq(f->lru, FLOW_LRU_UDP);
	ck_assert_uint_eq(f->key.l4_proto, 17);
	ck_assert_uint_eq(f->syn_seen, 0);
	struct flow *g = udp(&t, IP_LO, 161, IP_HI, 1234, T0 + 1, &dir);
	ck_assert_ptr_eq(g, f);
	ck_assert_int_eq(dir, 1);
	g = udp(&t, IP_HI, 1235, IP_LO, 161, T0 + 2, &dir);
	ck_assert_ptr_ne(g, f);
	ck_assert_uint_eq(g->id, 2);
	/* the same ports over TCP are another flow */
	g = tcp(&t, IP_HI, 1234, IP_LO, 161, DEC_TCP_SYN, T0 + 3, &dir);
	ck_assert_uint_eq(g->id, 3);
	ck_assert_uint_eq(t.st.created, 3);
	ck_assert_uint_eq(t.st.tcp_midstream, 0);
	ck_assert_uint_eq(f->pkts[0], 1);
	ck_assert_uint_eq(f->pkts[1], 1);
	flow_table_destroy(&t);
}
END_TEST

START_TEST(test_vlan_distinguishes)
{
	struct flow_table t;
	struct rec r;
	int dir = -1;
	table_init(&t, &r, 16);
	struct dec_pkt p = mk(IP_HI, 1234, IP_LO, 502, 6, DEC_TCP_SYN, T0);
	p.vlan_id = 10;
	struct flow *a = flow_packet(&t, &p, &dir);
	p.vlan_id = 20;
	struct flow *b = flow_packet(&t, &p, &dir);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(a->key.vlan_id, 10);
	ck_assert_uint_eq(b->key.vlan_id, 20);
	struct dec_pkt q = mk(IP_LO, 502, IP_HI, 1234, 6, DEC_TCP_SYN | DEC_TCP_ACK, T0 + 1);
	q.vlan_id = 10;
	ck_assert_ptr_eq(flow_packet(&t, &q, &dir), a);
	ck_assert_int_eq(dir, 1);
	ck_assert_uint_eq(t.st.created, 2);
	flow_table_destroy(&t);
}
END_TEST

/* Same address on both ends (loopback-like): the ports decide the order. */
START_TEST(test_same_address_ports_order)
{
	struct flow_table t;
	struct rec r;
	int dir = -1;
	table_init(&t, &r, 16);
	struct flow *f = tcp(&t, IP_LO, 2000, IP_LO, 1000, DEC_TCP_SYN, T0, &dir);
	ck_assert_int_eq(dir, 0);
	ck_assert_uint_eq(f->key.port[0], 1000);
	ck_assert_uint_eq(f->key.port[1], 2000);
	struct flow *g = tcp(&t, IP_LO, 1000, IP_LO, 2000, DEC_TCP_SYN | DEC_TCP_ACK, T0, &dir);
	ck_assert_ptr_eq(g, f);
	ck_assert_int_eq(dir, 1);
	ck_assert_uint_eq(flow_port(f, 0), 2000);
	flow_table_destroy(&t);
}
END_TEST

/* ---- TCP state and port reuse ---- */

static struct flow *handshake(struct flow_table *t, uint16_t cport, uint64_t ts)
{
	int dir;
	struct flow *f = tcp(t, IP_HI, cport, IP_LO, 502, DEC_TCP_SYN, ts, &dir);
	tcp(t, IP_LO, 502, IP_HI, cport, DEC_TCP_SYN | DEC_TCP_ACK, ts, &dir);
	tcp(t, IP_HI, cport, IP_LO, 502, DEC_TCP_ACK, ts, &dir);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_ESTABLISHED);
	return f;
}

START_TEST(test_reuse_after_rst)
{
	struct flow_table t;
	struct rec r;
	int dir = -1;
	table_init(&t, &r, 16);
	struct flow *f = handshake(&t, 50000, T0);
	tcp(&t, IP_LO, 502, IP_HI, 50000, DEC_TCP_RST, T0 + 1, &dir);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_CLOSED);
	ck_assert_uint_eq(f->lru, FLOW_LRU_TCP_CLOSED);
	ck_assert_uint_eq(r.n, 0);
	/* a new connection on the same 5-tuple */
	struct flow *g = tcp(&t, IP_HI, 50000, IP_LO, 502, DEC_TCP_SYN, T0 + 2, &dir);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.e[0].id, 1);
	ck_assert_int_eq(r.e[0].why, FLOW_END_REUSED);
	ck_assert_uint_eq(r.e[0].in_use, 1); /* called before the entry is reused */
	ck_assert_uint_eq(g->id, 2);
	ck_assert_int_eq(dir, 0);
	ck_assert_uint_eq(g->tcp_state, FLOW_TCP_NEW);
	ck_assert_uint_eq(g->pkts[0], 1);
	ck_assert_uint_eq(g->pkts[1], 0);
	ck_assert_uint_eq(g->first_us, T0 + 2);
	ck_assert_uint_eq(t.st.ended[FLOW_END_REUSED], 1);
	ck_assert_uint_eq(t.st.created, 2);
	ck_assert_uint_eq(t.st.active, 1);
	/* the old entry is gone from the index: the reply finds the new flow */
	ck_assert_ptr_eq(tcp(&t, IP_LO, 502, IP_HI, 50000, DEC_TCP_SYN | DEC_TCP_ACK, T0 + 2, &dir), g);
	ck_assert_int_eq(dir, 1);
	flow_table_destroy(&t);
}
END_TEST

START_TEST(test_reuse_after_fin_both_ways)
{
	struct flow_table t;
	struct rec r;
	int dir = -1;
	table_init(&t, &r, 16);
	struct flow *f = handshake(&t, 50001, T0);
	tcp(&t, IP_HI, 50001, IP_LO, 502, DEC_TCP_FIN | DEC_TCP_ACK, T0 + 1, &dir);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_CLOSING);
	ck_assert_uint_eq(f->lru, FLOW_LRU_TCP_EST);
	tcp(&t, IP_LO, 502, IP_HI, 50001, DEC_TCP_FIN | DEC_TCP_ACK, T0 + 1, &dir);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_CLOSED);
	ck_assert_uint_eq(f->fin_seen, 3);
	/* the last ACK does not reopen it */
	tcp(&t, IP_HI, 50001, IP_LO, 502, DEC_TCP_ACK, T0 + 1, &dir);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_CLOSED);
	/* a SYN-ACK is not a new connection */
	ck_assert_ptr_eq(tcp(&t, IP_LO, 502, IP_HI, 50001, DEC_TCP_SYN | DEC_TCP_ACK, T0 + 2, &dir),
			 f);
	ck_assert_uint_eq(r.n, 0);
	struct flow *g = tcp(&t, IP_HI, 50001, IP_LO, 502, DEC_TCP_SYN, T0 + 3, &dir);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.e[0].why, FLOW_END_REUSED);
	ck_assert_uint_eq(r.e[0].id, 1);
	ck_assert_uint_eq(g->id, 2);
	ck_assert_uint_eq(g->tcp_state, FLOW_TCP_NEW);
	flow_table_destroy(&t);
}
END_TEST

START_TEST(test_syn_on_open_flow_not_reused)
{
	struct flow_table t;
	struct rec r;
	int dir = -1;
	table_init(&t, &r, 16);
	struct flow *f = handshake(&t, 50002, T0);
	struct flow *g = tcp(&t, IP_HI, 50002, IP_LO, 502, DEC_TCP_SYN, T0 + 1, &dir);
	ck_assert_ptr_eq(g, f);
	ck_assert_uint_eq(g->id, 1);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(t.st.created, 1);
	flow_table_destroy(&t);
}
END_TEST

/* ---- expiry ---- */

START_TEST(test_idle_expiry_per_class)
{
	struct flow_table t;
	struct rec r;
	int dir;
	table_init(&t, &r, 16); /* est 100 s, short 10 s, closed 5 s, udp 50 s */
	struct flow *u = udp(&t, IP_HI, 1000, IP_LO, 161, T0, &dir);                        /* 1 */
	struct flow *e = tcp(&t, IP_HI, 1001, IP_LO, 502, DEC_TCP_ACK, T0, &dir);           /* 2 */
	struct flow *s = tcp(&t, IP_HI, 1002, IP_LO, 502, DEC_TCP_SYN, T0, &dir);           /* 3 */
	struct flow *c = tcp(&t, IP_HI, 1003, IP_LO, 502, DEC_TCP_SYN, T0, &dir);           /* 4 */
	tcp(&t, IP_LO, 502, IP_HI, 1003, DEC_TCP_RST | DEC_TCP_ACK, T0, &dir);
	struct flow *h = tcp(&t, IP_HI, 1004, IP_LO, 502, DEC_TCP_ACK | DEC_TCP_FIN, T0, &dir); /* 5 */
	ck_assert_uint_eq(u->lru, FLOW_LRU_UDP);
	ck_assert_uint_eq(e->lru, FLOW_LRU_TCP_EST);
	ck_assert_uint_eq(s->lru, FLOW_LRU_TCP_SHORT);
	ck_assert_uint_eq(c->lru, FLOW_LRU_TCP_CLOSED);
	ck_assert_uint_eq(h->tcp_state, FLOW_TCP_CLOSING);
	ck_assert_uint_eq(h->lru, FLOW_LRU_TCP_EST);
	ck_assert_uint_eq(t.st.active, 5);

	ck_assert_uint_eq(flow_expire(&t, T0 + 5 * SEC), 0); /* at the timeout: not yet */
	ck_assert_uint_eq(flow_expire(&t, T0 + 5 * SEC + 1), 1);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.e[0].id, 4);
	ck_assert_int_eq(r.e[0].why, FLOW_END_CLOSED);

	ck_assert_uint_eq(flow_expire(&t, T0 + 10 * SEC), 0);
	ck_assert_uint_eq(flow_expire(&t, T0 + 10 * SEC + 1), 1);
	ck_assert_uint_eq(r.e[1].id, 3);
	ck_assert_int_eq(r.e[1].why, FLOW_END_IDLE);

	ck_assert_uint_eq(flow_expire(&t, T0 + 50 * SEC), 0);
	ck_assert_uint_eq(flow_expire(&t, T0 + 50 * SEC + 1), 1);
	ck_assert_uint_eq(r.e[2].id, 1);
	ck_assert_int_eq(r.e[2].why, FLOW_END_IDLE);

	ck_assert_uint_eq(flow_expire(&t, T0 + 100 * SEC), 0);
	ck_assert_uint_eq(flow_expire(&t, T0 + 100 * SEC + 1), 2);
	ck_assert_uint_eq(r.n, 5);
	ck_assert_int_eq(r.e[3].why, FLOW_END_IDLE);
	ck_assert_int_eq(r.e[4].why, FLOW_END_IDLE);
	ck_assert_uint_eq(r.e[3].id + r.e[4].id, 2 + 5);
	ck_assert_uint_eq(t.st.active, 0);
	ck_assert_uint_eq(t.st.ended[FLOW_END_IDLE], 4);
	ck_assert_uint_eq(t.st.ended[FLOW_END_CLOSED], 1);
	ck_assert_uint_eq(flow_expire(&t, T0 + 1000 * SEC), 0);
	flow_table_destroy(&t);
}
END_TEST

/* Traffic pushes the deadline back; the expired flow is gone from the index. */
START_TEST(test_activity_defers_expiry)
{
	struct flow_table t;
	struct rec r;
	int dir;
	table_init(&t, &r, 16);
	struct flow *u = udp(&t, IP_HI, 1000, IP_LO, 161, T0, &dir);
	udp(&t, IP_LO, 161, IP_HI, 1000, T0 + 40 * SEC, &dir);
	ck_assert_uint_eq(u->last_us, T0 + 40 * SEC);
	ck_assert_uint_eq(flow_expire(&t, T0 + 51 * SEC), 0);
	ck_assert_uint_eq(flow_expire(&t, T0 + 91 * SEC), 1);
	ck_assert_uint_eq(r.e[0].id, 1);
	/* the same 5-tuple now makes a new flow */
	struct flow *v = udp(&t, IP_HI, 1000, IP_LO, 161, T0 + 92 * SEC, &dir);
	ck_assert_uint_eq(v->id, 2);
	ck_assert_int_eq(dir, 0);
	ck_assert_uint_eq(v->pkts[0], 1);
	ck_assert_uint_eq(v->pkts[1], 0);
	flow_table_destroy(&t);
}
END_TEST

/* ---- capacity ---- */

START_TEST(test_eviction_lru)
{
	struct flow_table t;
	struct rec r;
	int dir;
	table_init(&t, &r, 3);
	udp(&t, IP_HI, 1001, IP_LO, 53, T0 + 1 * SEC, &dir); /* id 1 */
	udp(&t, IP_HI, 1002, IP_LO, 53, T0 + 2 * SEC, &dir); /* id 2 */
	udp(&t, IP_HI, 1003, IP_LO, 53, T0 + 3 * SEC, &dir); /* id 3 */
	udp(&t, IP_LO, 53, IP_HI, 1001, T0 + 4 * SEC, &dir); /* id 1 used again */
	ck_assert_uint_eq(r.n, 0);
	struct flow *d = udp(&t, IP_HI, 1004, IP_LO, 53, T0 + 5 * SEC, &dir);
	ck_assert_uint_eq(d->id, 4);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.e[0].id, 2); /* least recently used */
	ck_assert_int_eq(r.e[0].why, FLOW_END_EVICTED);
	ck_assert_uint_eq(t.st.ended[FLOW_END_EVICTED], 1);
	ck_assert_uint_eq(t.st.active, 3);
	ck_assert_uint_eq(t.st.max_active, 3);
	ck_assert_uint_eq(t.st.created, 4);
	/* the evicted 5-tuple comes back as a new flow and evicts the next one */
	struct flow *b = udp(&t, IP_HI, 1002, IP_LO, 53, T0 + 6 * SEC, &dir);
	ck_assert_uint_eq(b->id, 5);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(r.e[1].id, 3);
	ck_assert_int_eq(r.e[1].why, FLOW_END_EVICTED);
	/* the survivors are still found */
	ck_assert_uint_eq(udp(&t, IP_HI, 1001, IP_LO, 53, T0 + 7 * SEC, &dir)->id, 1);
	ck_assert_uint_eq(udp(&t, IP_HI, 1004, IP_LO, 53, T0 + 7 * SEC, &dir)->id, 4);
	ck_assert_uint_eq(t.st.ended[FLOW_END_EVICTED], 2);
	ck_assert_uint_eq(t.st.active, 3);
	flow_table_destroy(&t);
}
END_TEST

/* The victim is the least recent across the timeout classes. */
START_TEST(test_eviction_across_classes)
{
	struct flow_table t;
	struct rec r;
	int dir;
	table_init(&t, &r, 3);
	tcp(&t, IP_HI, 2001, IP_LO, 502, DEC_TCP_ACK, T0 + 1 * SEC, &dir); /* id 1, EST */
	udp(&t, IP_HI, 2002, IP_LO, 53, T0 + 2 * SEC, &dir);               /* id 2, UDP */
	tcp(&t, IP_HI, 2003, IP_LO, 502, DEC_TCP_SYN, T0 + 3 * SEC, &dir); /* id 3, SHORT */
	tcp(&t, IP_HI, 2004, IP_LO, 502, DEC_TCP_SYN, T0 + 4 * SEC, &dir); /* id 4 */
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.e[0].id, 1);
	udp(&t, IP_HI, 2005, IP_LO, 53, T0 + 5 * SEC, &dir); /* id 5 */
	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(r.e[1].id, 2);
	tcp(&t, IP_HI, 2006, IP_LO, 502, DEC_TCP_ACK, T0 + 6 * SEC, &dir); /* id 6 */
	ck_assert_uint_eq(r.n, 3);
	ck_assert_uint_eq(r.e[2].id, 3);
	for (unsigned i = 0; i < 3; i++)
		ck_assert_int_eq(r.e[i].why, FLOW_END_EVICTED);
	ck_assert_uint_eq(t.st.ended[FLOW_END_EVICTED], 3);
	flow_table_destroy(&t);
}
END_TEST

START_TEST(test_end_all_in_id_order)
{
	struct flow_table t;
	struct rec r;
	int dir;
	table_init(&t, &r, 4);
	tcp(&t, IP_HI, 3001, IP_LO, 502, DEC_TCP_SYN, T0, &dir); /* id 1, entry 0 */
	udp(&t, IP_HI, 3002, IP_LO, 53, T0, &dir);               /* id 2, entry 1 */
	udp(&t, IP_HI, 3003, IP_LO, 53, T0, &dir);               /* id 3, entry 2 */
	tcp(&t, IP_LO, 502, IP_HI, 3001, DEC_TCP_RST, T0 + 1, &dir);
	tcp(&t, IP_HI, 3001, IP_LO, 502, DEC_TCP_SYN, T0 + 2, &dir); /* ends 1, id 4 in entry 0 */
	udp(&t, IP_C, 3004, IP_LO, 53, T0 + 3, &dir);                  /* id 5, entry 3 */
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(t.flows[0].id, 4); /* table order is not id order */
	flow_end_all(&t);
	ck_assert_uint_eq(r.n, 5);
	for (unsigned i = 1; i < 5; i++) {
		ck_assert_uint_eq(r.e[i].id, i + 1);
		ck_assert_int_eq(r.e[i].why, FLOW_END_EXIT);
	}
	ck_assert_uint_eq(t.st.active, 0);
	ck_assert_uint_eq(t.st.ended[FLOW_END_EXIT], 4);
	flow_end_all(&t); /* nothing left */
	ck_assert_uint_eq(r.n, 5);
	flow_table_destroy(&t);
}
END_TEST

START_TEST(test_init_errors_and_names)
{
	struct flow_table t;
	struct flow_config cfg = { .max_flows = 0 };
	char err[256];
	err[0] = '\0';
	ck_assert_int_eq(flow_table_init(&t, &cfg, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "max flows"));
	cfg.max_flows = (1u << 28) + 1;
	err[0] = '\0';
	ck_assert_int_eq(flow_table_init(&t, &cfg, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "268435457"));
	ck_assert_str_eq(flow_end_reason_name(FLOW_END_EVICTED), "evicted");
	ck_assert_str_eq(flow_end_reason_name(FLOW_END_REUSED), "port_reused");
	ck_assert_str_eq(flow_end_reason_name((enum flow_end_reason)99), "unknown");
	ck_assert_str_eq(flow_tcp_state_name(FLOW_TCP_CLOSING), "closing");
}
END_TEST

/* ---- model-checked random workload ---- */

#define RND_PORTS 2000
#define RND_CAP 300
#define RND_PKTS 20000

struct model {
	struct rec rec;
	uint64_t id_of[RND_PORTS];   /* active flow id per client port, 0 if none */
	uint64_t touch[RND_PORTS];   /* last packet time per client port */
	uint8_t client_init[RND_PORTS]; /* the client sent the flow's first packet */
	uint64_t now;
	unsigned evictions_checked;
	int record; /* keep the ended list (only for flow_end_all) */
};

static void on_end_model(void *user, struct flow *f, enum flow_end_reason why)
{
	struct model *m = user;
	uint16_t port = f->key.port[1]; /* clients are the higher address */
	ck_assert_uint_lt(port - 1u, RND_PORTS);
	unsigned i = port - 1u;
	ck_assert_uint_eq(m->id_of[i], f->id);
	if (why == FLOW_END_EVICTED) {
		/* with packets a second apart, the victim is the exact LRU */
		unsigned older = RND_PORTS;
		for (unsigned j = 0; j < RND_PORTS && older == RND_PORTS; j++)
			if (m->id_of[j] && m->touch[j] < m->touch[i])
				older = j;
		ck_assert_msg(older == RND_PORTS, "evicted flow %llu but flow %llu was idle longer",
			      (unsigned long long)f->id, (unsigned long long)m->id_of[older]);
		m->evictions_checked++;
	} else if (why == FLOW_END_IDLE) {
		ck_assert_uint_lt(m->touch[i] + 50 * SEC, m->now);
	}
	m->id_of[i] = 0;
	if (m->record)
		on_end(&m->rec, f, why);
}

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

/* Random UDP traffic over more 5-tuples than the table holds, with periodic
 * expiry: every lookup must find exactly the flow the model expects, every
 * eviction must pick the least recently used flow, and the index must stay
 * consistent through thousands of deletions. */
START_TEST(test_random_against_model)
{
	struct flow_table t;
	struct model *m = calloc(1, sizeof(*m));
	ck_assert_ptr_nonnull(m);
	char err[256];
	struct flow_config cfg = { .max_flows = RND_CAP, .tcp_est_timeout_s = 100,
				   .tcp_short_timeout_s = 10, .tcp_closed_timeout_s = 5,
				   .udp_timeout_s = 50 };
	ck_assert_int_eq(flow_table_init(&t, &cfg, on_end_model, m, err, sizeof(err)), 0);
	uint64_t s = 12345 + (uint64_t)_i;
	uint64_t next_id = 1;
	for (unsigned n = 0; n < RND_PKTS; n++) {
		m->now = T0 + (uint64_t)n * SEC;
		/* a hot set of 200 ports most of the time, any port otherwise */
		unsigned i = (rnd(&s) % 4) ? rnd(&s) % 200 : rnd(&s) % RND_PORTS;
		int reply = (int)(rnd(&s) & 1);
		int dir;
		struct dec_pkt p = reply ? mk(IP_LO, 53, IP_HI, (uint16_t)(i + 1), 17, 0, m->now)
					 : mk(IP_HI, (uint16_t)(i + 1), IP_LO, 53, 17, 0, m->now);
		uint64_t expect = m->id_of[i];
		struct flow *f = flow_packet(&t, &p, &dir);
		ck_assert_ptr_nonnull(f);
		if (expect) {
			ck_assert_uint_eq(f->id, expect);
		} else {
			ck_assert_uint_eq(f->id, next_id);
			m->id_of[i] = next_id++;
			m->client_init[i] = (uint8_t)!reply; /* the first sender initiated */
		}
		/* dir 0 when the sender is the initiator */
		ck_assert_int_eq(dir, ((!reply) == m->client_init[i]) ? 0 : 1);
		m->touch[i] = m->now;
		ck_assert_uint_le(t.st.active, RND_CAP);
		if (n % 997 == 0)
			flow_expire(&t, m->now);
	}
	ck_assert_uint_eq(t.st.created, next_id - 1);
	uint64_t ended = 0;
	for (int w = 0; w <= FLOW_END_EXIT; w++)
		ended += t.st.ended[w];
	ck_assert_uint_eq(ended + t.st.active, t.st.created);
	ck_assert_uint_gt(m->evictions_checked, 100);
	unsigned active = (unsigned)t.st.active;
	m->record = 1;
	flow_end_all(&t);
	ck_assert_uint_eq(t.st.active, 0);
	ck_assert_uint_eq(m->rec.n, active);
	for (unsigned k = 1; k < m->rec.n; k++)
		ck_assert_uint_lt(m->rec.e[k - 1].id, m->rec.e[k].id);
	for (unsigned j = 0; j < RND_PORTS; j++)
		ck_assert_uint_eq(m->id_of[j], 0);
	flow_table_destroy(&t);
	free(m);
}
END_TEST

static Suite *flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *tk = tcase_create("keys");
	tcase_add_test(tk, test_both_directions_one_flow);
	tcase_add_test(tk, test_initiator_from_syn);
	tcase_add_test(tk, test_synack_first);
	tcase_add_test(tk, test_midstream);
	tcase_add_test(tk, test_udp_flows);
	tcase_add_test(tk, test_vlan_distinguishes);
	tcase_add_test(tk, test_same_address_ports_order);
	suite_add_tcase(s, tk);

	TCase *tt = tcase_create("tcp");
	tcase_add_test(tt, test_reuse_after_rst);
	tcase_add_test(tt, test_reuse_after_fin_both_ways);
	tcase_add_test(tt, test_syn_on_open_flow_not_reused);
	suite_add_tcase(s, tt);

	TCase *te = tcase_create("expiry");
	tcase_add_test(te, test_idle_expiry_per_class);
	tcase_add_test(te, test_activity_defers_expiry);
	tcase_add_test(te, test_eviction_lru);
	tcase_add_test(te, test_eviction_across_classes);
	tcase_add_test(te, test_end_all_in_id_order);
	tcase_add_test(te, test_init_errors_and_names);
	tcase_add_loop_test(te, test_random_against_model, 0, 3);
	suite_add_tcase(s, te);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(flow_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
