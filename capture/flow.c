/* flow.c - bidirectional flow table (see flow.h). */
#include "config.h"

#include "capture/flow.h"

#include "capture/cap_mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

_Static_assert(sizeof(struct flow_key) == 40, "flow_key must have no padding");
/* The fields every packet touches lie within the four lines that
 * flow_prefetch_entry() fetches (an entry may start mid-line). */
_Static_assert(offsetof(struct flow, rule) + sizeof(struct flow_rule) <= 192 + 32,
	       "hot flow fields beyond the prefetched lines");

static const char *const end_names[] = {
	[FLOW_END_IDLE] = "idle_timeout", [FLOW_END_CLOSED] = "tcp_closed",
	[FLOW_END_EVICTED] = "evicted",   [FLOW_END_REUSED] = "port_reused",
	[FLOW_END_EXIT] = "end_of_input",
};

const char *flow_end_reason_name(enum flow_end_reason r)
{
	return (unsigned)r <= FLOW_END_EXIT ? end_names[r] : "unknown";
}

const char *flow_tcp_state_name(enum flow_tcp_state s)
{
	switch (s) {
	case FLOW_TCP_NEW: return "new";
	case FLOW_TCP_ESTABLISHED: return "established";
	case FLOW_TCP_CLOSING: return "closing";
	case FLOW_TCP_CLOSED: return "closed";
	}
	return "unknown";
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static int key_eq(const struct flow_key *a, const struct flow_key *b)
{
	uint64_t x[5], y[5];
	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4])) == 0;
}

static uint32_t key_hash(const struct flow_table *t, const struct flow_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint64_t h = t->seed;
	for (unsigned i = 0; i < sizeof(*k); i += 8) {
		h ^= load64(b + i);
		h *= 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

static uint64_t make_seed(void)
{
	uint64_t s = 0;
#ifdef HAVE_GETRANDOM
	if (getrandom(&s, sizeof(s), 0) == (ssize_t)sizeof(s))
		return s | 1;
#endif
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)&s;
	return s | 1;
}

int flow_table_init(struct flow_table *t, const struct flow_config *cfg, flow_end_fn on_end,
		    void *user, char *errbuf, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	if (cfg->max_flows == 0 || cfg->max_flows > (1u << 28)) {
		snprintf(errbuf, errlen, "flow table: max flows must be 1..%u, not %u", 1u << 28,
			 cfg->max_flows);
		return -1;
	}
	/* At most half full: short probe sequences. */
	uint32_t nb = 1024;
	while (nb < 2u * cfg->max_flows)
		nb <<= 1;
	t->flows = cap_huge_alloc((size_t)cfg->max_flows * sizeof(struct flow));
	t->slots = cap_huge_alloc((size_t)nb * sizeof(uint64_t));
	if (!t->flows || !t->slots) {
		snprintf(errbuf, errlen, "flow table: cannot allocate %u flows (%zu MiB): %s",
			 cfg->max_flows, ((size_t)cfg->max_flows * sizeof(struct flow)) >> 20,
			 strerror(errno));
		cap_huge_free(t->flows, (size_t)cfg->max_flows * sizeof(struct flow));
		cap_huge_free(t->slots, (size_t)nb * sizeof(uint64_t));
		t->flows = NULL;
		t->slots = NULL;
		return -1;
	}
	t->slot_mask = nb - 1;
	t->cap = cfg->max_flows;
	t->free_head = FLOW_NONE;
	for (int i = 0; i < FLOW_LRU__COUNT; i++)
		t->lru_head[i] = t->lru_tail[i] = FLOW_NONE;
	t->timeout_us[FLOW_LRU_TCP_EST] = (uint64_t)cfg->tcp_est_timeout_s * 1000000u;
	t->timeout_us[FLOW_LRU_TCP_SHORT] = (uint64_t)cfg->tcp_short_timeout_s * 1000000u;
	t->timeout_us[FLOW_LRU_TCP_CLOSED] = (uint64_t)cfg->tcp_closed_timeout_s * 1000000u;
	t->timeout_us[FLOW_LRU_UDP] = (uint64_t)cfg->udp_timeout_s * 1000000u;
	t->seed = make_seed();
	t->on_end = on_end;
	t->on_end_user = user;
	return 0;
}

void flow_table_destroy(struct flow_table *t)
{
	cap_huge_free(t->flows, (size_t)t->cap * sizeof(struct flow));
	cap_huge_free(t->slots, ((size_t)t->slot_mask + 1) * sizeof(uint64_t));
	t->flows = NULL;
	t->slots = NULL;
}

static void lru_unlink(struct flow_table *t, uint32_t i)
{
	struct flow *f = &t->flows[i];
	if (f->lru_prev != FLOW_NONE)
		t->flows[f->lru_prev].lru_next = f->lru_next;
	else
		t->lru_head[f->lru] = f->lru_next;
	if (f->lru_next != FLOW_NONE)
		t->flows[f->lru_next].lru_prev = f->lru_prev;
	else
		t->lru_tail[f->lru] = f->lru_prev;
}

static void lru_push(struct flow_table *t, uint32_t i, uint8_t list)
{
	struct flow *f = &t->flows[i];
	f->lru = list;
	f->lru_prev = FLOW_NONE;
	f->lru_next = t->lru_head[list];
	if (f->lru_next != FLOW_NONE)
		t->flows[f->lru_next].lru_prev = i;
	else
		t->lru_tail[list] = i;
	t->lru_head[list] = i;
}

/* Removes entry i from the index (linear probing, backward-shift delete:
 * no tombstones, so probe sequences stay short). */
static void hash_unlink(struct flow_table *t, uint32_t i)
{
	uint32_t mask = t->slot_mask;
	uint32_t s = t->flows[i].hash & mask;
	uint64_t want = ((uint64_t)t->flows[i].hash << 32) | (i + 1u);
	while (t->slots[s] != want) {
		if (t->slots[s] == 0)
			return; /* not indexed: cannot happen */
		s = (s + 1) & mask;
	}
	uint32_t hole = s;
	for (uint32_t j = (hole + 1) & mask; t->slots[j] != 0; j = (j + 1) & mask) {
		uint32_t home = (uint32_t)(t->slots[j] >> 32) & mask;
		/* Move j into the hole unless its home lies cyclically in (hole, j]. */
		if (((j - home) & mask) >= ((j - hole) & mask)) {
			t->slots[hole] = t->slots[j];
			hole = j;
		}
	}
	t->slots[hole] = 0;
}

static void flow_end(struct flow_table *t, uint32_t i, enum flow_end_reason why)
{
	struct flow *f = &t->flows[i];
	if (t->on_end)
		t->on_end(t->on_end_user, f, why);
	t->st.ended[why]++;
	t->st.active--;
	lru_unlink(t, i);
	hash_unlink(t, i);
	f->in_use = 0;
	f->lru_next = t->free_head;
	t->free_head = i;
}

static uint32_t entry_alloc(struct flow_table *t)
{
	uint32_t i;
	if (t->free_head != FLOW_NONE) {
		i = t->free_head;
		t->free_head = t->flows[i].lru_next;
		return i;
	}
	if (t->bump < t->cap)
		return t->bump++;
	/* Full: end the least recently used flow across the lists. */
	uint32_t victim = FLOW_NONE;
	for (int l = 0; l < FLOW_LRU__COUNT; l++) {
		uint32_t c = t->lru_tail[l];
		if (c != FLOW_NONE && (victim == FLOW_NONE || t->flows[c].lru_us < t->flows[victim].lru_us))
			victim = c;
	}
	if (victim == FLOW_NONE)
		return FLOW_NONE;
	flow_end(t, victim, FLOW_END_EVICTED);
	i = t->free_head;
	t->free_head = t->flows[i].lru_next;
	return i;
}

static uint8_t lru_class(const struct flow *f)
{
	if (f->key.l4_proto != 6)
		return FLOW_LRU_UDP;
	if (f->tcp_state == FLOW_TCP_NEW)
		return FLOW_LRU_TCP_SHORT;
	if (f->tcp_state == FLOW_TCP_CLOSED)
		return FLOW_LRU_TCP_CLOSED;
	return FLOW_LRU_TCP_EST;
}

/* Builds the symmetric key; returns 1 when the sender is endpoint 0. The
 * addresses compare as memcmp() would (big-endian halves), without a call. */
static int make_key(const struct dec_pkt *p, struct flow_key *k)
{
	uint64_t sa[2], da[2];
	memcpy(sa, p->saddr, 16);
	memcpy(da, p->daddr, 16);
	int src_is_lo;
	if (sa[0] != da[0])
		src_is_lo = __builtin_bswap64(sa[0]) < __builtin_bswap64(da[0]);
	else if (sa[1] != da[1])
		src_is_lo = __builtin_bswap64(sa[1]) < __builtin_bswap64(da[1]);
	else
		src_is_lo = p->sport <= p->dport;
	memcpy(k->addr[0], src_is_lo ? sa : da, 16);
	memcpy(k->addr[1], src_is_lo ? da : sa, 16);
	k->port[0] = src_is_lo ? p->sport : p->dport;
	k->port[1] = src_is_lo ? p->dport : p->sport;
	k->vlan_id = p->vlan_id;
	k->l4_proto = p->l4_proto;
	k->ip_ver = p->ip_ver;
	return src_is_lo;
}

uint32_t flow_hash_prefetch(struct flow_table *t, const struct dec_pkt *p, struct flow_key *k,
			    int *src_is_lo)
{
	*src_is_lo = make_key(p, k);
	uint32_t h = key_hash(t, k);
	__builtin_prefetch(&t->slots[h & t->slot_mask]);
	return h;
}

void flow_prefetch_entry(struct flow_table *t, uint32_t h)
{
	uint64_t v = t->slots[h & t->slot_mask];
	if (v && (uint32_t)(v >> 32) == h) {
		const char *e = (const char *)&t->flows[(uint32_t)v - 1u];
		__builtin_prefetch(e);
		__builtin_prefetch(e + 64);
		__builtin_prefetch(e + 128);
		__builtin_prefetch(e + 192);
	}
}

struct flow *flow_peek(struct flow_table *t, uint32_t h)
{
	uint64_t v = t->slots[h & t->slot_mask];
	if (v && (uint32_t)(v >> 32) == h)
		return &t->flows[(uint32_t)v - 1u];
	return NULL;
}

struct flow *flow_packet_keyed(struct flow_table *t, const struct dec_pkt *p,
			       const struct flow_key *kp, uint32_t h, int src_is_lo, int *dir)
{
	const struct flow_key k = *kp;
	uint32_t mask = t->slot_mask;
	uint32_t s = h & mask;
	uint32_t i = FLOW_NONE;
	for (;; s = (s + 1) & mask) {
		uint64_t v = t->slots[s];
		if (v == 0)
			break;
		if ((uint32_t)(v >> 32) == h) {
			uint32_t cand = (uint32_t)v - 1u;
			if (key_eq(&t->flows[cand].key, &k)) {
				i = cand;
				break;
			}
		}
	}

	int is_tcp = p->l4_proto == 6;
	int pure_syn = is_tcp && (p->tcp_flags & (DEC_TCP_SYN | DEC_TCP_ACK)) == DEC_TCP_SYN;
	if (i != FLOW_NONE && pure_syn &&
	    (t->flows[i].tcp_state == FLOW_TCP_CLOSED || t->flows[i].tcp_state == FLOW_TCP_CLOSING)) {
		flow_end(t, i, FLOW_END_REUSED);
		i = FLOW_NONE;
	}

	struct flow *f;
	if (i == FLOW_NONE) {
		i = entry_alloc(t);
		if (i == FLOW_NONE)
			return NULL;
		f = &t->flows[i];
		memset(f, 0, sizeof(*f));
		f->key = k;
		f->in_use = 1;
		f->id = ++t->next_id;
		f->first_us = p->ts_us;
		f->ndpi.slot = FLOW_NONE;
		reasm_dir_init(&f->rs[0]);
		reasm_dir_init(&f->rs[1]);
		/* A SYN-ACK seen first means the destination initiated. */
		int src_init = !(is_tcp && (p->tcp_flags & (DEC_TCP_SYN | DEC_TCP_ACK)) ==
						   (DEC_TCP_SYN | DEC_TCP_ACK));
		f->init_is_lo = (uint8_t)(src_init ? src_is_lo : !src_is_lo);
		if (is_tcp) {
			if (p->tcp_flags & DEC_TCP_SYN) {
				f->syn_seen = 1;
				f->tcp_state = FLOW_TCP_NEW;
			} else {
				f->tcp_state = FLOW_TCP_ESTABLISHED;
				t->st.tcp_midstream++;
			}
		}
		f->hash = h;
		/* The entry may have been allocated by evicting or reusing another
		 * flow, which shifted slots: find the free slot again. */
		for (s = h & mask; t->slots[s] != 0; s = (s + 1) & mask)
			;
		t->slots[s] = ((uint64_t)h << 32) | (i + 1u);
		f->lru = lru_class(f);
		f->lru_us = p->ts_us;
		lru_push(t, i, f->lru);
		t->st.created++;
		t->st.active++;
		if (t->st.active > t->st.max_active)
			t->st.max_active = t->st.active;
	} else {
		f = &t->flows[i];
	}

	int d = (src_is_lo == (f->init_is_lo != 0)) ? 0 : 1;
	*dir = d;
	f->pkts[d]++;
	f->bytes[d] += p->wirelen > p->l3_off ? p->wirelen - p->l3_off : 0;
	f->payload_bytes[d] += p->payload_wire_len;
	/* The inventory's MAC per endpoint: one predictable branch per packet. */
	if (!(f->mac_seen >> d & 1) && p->has_eth && p->caplen >= 12) {
		memcpy(f->mac[d], p->frame + 6, 6);
		f->mac_seen |= (uint8_t)(1u << d);
	}
	if (p->ts_us > f->last_us)
		f->last_us = p->ts_us;

	if (is_tcp) {
		uint8_t fl = p->tcp_flags;
		f->tcp_flags[d] |= fl;
		if (fl & DEC_TCP_RST) {
			f->tcp_state = FLOW_TCP_CLOSED;
		} else if (fl & DEC_TCP_FIN) {
			f->fin_seen |= (uint8_t)(1u << d);
			f->tcp_state = f->fin_seen == 3 ? FLOW_TCP_CLOSED : FLOW_TCP_CLOSING;
		} else if (f->tcp_state == FLOW_TCP_NEW && !(fl & DEC_TCP_SYN)) {
			f->tcp_state = FLOW_TCP_ESTABLISHED;
		} else if (f->tcp_state == FLOW_TCP_NEW && d == 1) {
			f->tcp_state = FLOW_TCP_ESTABLISHED; /* SYN-ACK */
		}
	}

	/* Lazy LRU: move to the head at most once per second of capture time,
	 * or when the timeout class changes. */
	uint8_t want = lru_class(f);
	if (want != f->lru || p->ts_us >= f->lru_us + 1000000u) {
		if (t->lru_head[want] != i) {
			lru_unlink(t, i);
			lru_push(t, i, want);
		}
		if (p->ts_us > f->lru_us)
			f->lru_us = p->ts_us;
	}
	return f;
}

struct flow *flow_packet(struct flow_table *t, const struct dec_pkt *p, int *dir)
{
	struct flow_key k;
	int src_is_lo = make_key(p, &k);
	return flow_packet_keyed(t, p, &k, key_hash(t, &k), src_is_lo, dir);
}

uint32_t flow_expire(struct flow_table *t, uint64_t now_us)
{
	uint32_t n = 0;
	for (int l = 0; l < FLOW_LRU__COUNT; l++) {
		for (;;) {
			uint32_t i = t->lru_tail[l];
			if (i == FLOW_NONE)
				break;
			struct flow *f = &t->flows[i];
			/* Lists are ordered by lru_us, and last_us < lru_us + 1 s. */
			if (f->last_us + t->timeout_us[l] >= now_us)
				break;
			flow_end(t, i,
				 f->key.l4_proto == 6 && f->tcp_state == FLOW_TCP_CLOSED ?
					 FLOW_END_CLOSED : FLOW_END_IDLE);
			n++;
		}
	}
	return n;
}

static int cmp_id(const void *a, const void *b)
{
	uint64_t x = ((const struct flow *const *)a)[0]->id;
	uint64_t y = ((const struct flow *const *)b)[0]->id;
	return x < y ? -1 : x > y;
}

void flow_end_all(struct flow_table *t)
{
	size_t n = 0;
	if (!t->flows)
		return;
	struct flow **v = malloc((t->st.active ? t->st.active : 1) * sizeof(*v));
	if (!v) {
		/* Out of memory at exit: end them in table order rather than not at all. */
		for (uint32_t i = 0; i < t->bump; i++)
			if (t->flows[i].in_use)
				flow_end(t, i, FLOW_END_EXIT);
		return;
	}
	for (uint32_t i = 0; i < t->bump; i++)
		if (t->flows[i].in_use)
			v[n++] = &t->flows[i];
	qsort(v, n, sizeof(*v), cmp_id);
	for (size_t j = 0; j < n; j++)
		flow_end(t, (uint32_t)(v[j] - t->flows), FLOW_END_EXIT);
	free(v);
}
