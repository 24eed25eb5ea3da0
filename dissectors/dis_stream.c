/* dis_stream.c - dissector selection, PDU framing over reassembled streams,
 * per-flow state pools and the event path (see dis.h).
 *
 * Memory: dissector state comes from one pool per protocol, grown in chunks
 * up to max_states entries and recycled through a free list; leftover buffers
 * (the tail of a PDU split over segments) come from power-of-two size classes
 * with free lists, under one byte cap for all flows. Nothing is allocated per
 * packet once a flow's buffers exist.
 */
#include "config.h"

#include "dissectors/dis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/flow.h"

#define POOL_CHUNK 256
#define BUF_MIN_SHIFT 8  /* 256 bytes */
#define BUF_MAX_SHIFT 20 /* 1 MiB: no protocol frames more in one PDU */
#define BUF_CLASSES (BUF_MAX_SHIFT - BUF_MIN_SHIFT + 1)

struct pool_chunk {
	struct pool_chunk *next;
	uint64_t mem[]; /* POOL_CHUNK objects */
};

struct dis_pool {
	size_t obj_size;
	uint32_t allocated, in_use;
	void *free_head;
	struct pool_chunk *chunks;
};

/* Free lists of leftover buffers by size class, shared by all protocols. */
static void *buf_free[BUF_CLASSES];

static unsigned buf_class(size_t n)
{
	unsigned c = 0;
	while (((size_t)1 << (BUF_MIN_SHIFT + c)) < n && c < BUF_CLASSES - 1)
		c++;
	return c;
}

int dis_runtime_init(struct dis_runtime *rt, uint32_t max_states, size_t buf_memcap,
		     dis_emit_fn emit, void *user, char *errbuf, size_t errlen)
{
	memset(rt, 0, sizeof(*rt));
	unsigned n = dis_proto_count();
	if (n > DIS_MAX_PROTOS) {
		snprintf(errbuf, errlen, "dissectors: %u registered, at most %d", n, DIS_MAX_PROTOS);
		return -1;
	}
	rt->pools = calloc(n ? n : 1, sizeof(*rt->pools));
	if (!rt->pools)
		goto oom;
	for (unsigned i = 0; i < n; i++) {
		const struct dis_proto *p = dis_protos[i];
		size_t sz = sizeof(struct dis_flow) + p->state_size;
		sz = (sz + 7) & ~(size_t)7;
		rt->pools[i].obj_size = sz;
		if (p->n_counters) {
			rt->proto[i].counters = calloc(p->n_counters, sizeof(uint64_t));
			if (!rt->proto[i].counters)
				goto oom;
		}
	}
	rt->max_states = max_states;
	rt->buf_memcap = buf_memcap;
	rt->emit = emit;
	rt->emit_user = user;
	rt->aggregate = 1;
	return 0;
oom:
	snprintf(errbuf, errlen, "dissectors: out of memory at start-up: %s", strerror(errno));
	dis_runtime_destroy(rt);
	return -1;
}

void dis_runtime_destroy(struct dis_runtime *rt)
{
	unsigned n = dis_proto_count();
	for (unsigned i = 0; rt->pools && i < n; i++) {
		struct pool_chunk *c = rt->pools[i].chunks;
		while (c) {
			struct pool_chunk *next = c->next;
			free(c);
			c = next;
		}
	}
	for (unsigned i = 0; i < DIS_MAX_PROTOS; i++)
		free(rt->proto[i].counters);
	for (unsigned c = 0; c < BUF_CLASSES; c++) {
		while (buf_free[c]) {
			void *next;
			memcpy(&next, buf_free[c], sizeof(next));
			free(buf_free[c]);
			buf_free[c] = next;
		}
	}
	free(rt->pools);
	memset(rt, 0, sizeof(*rt));
}

static struct dis_flow *state_alloc(struct dis_runtime *rt, unsigned pidx)
{
	struct dis_pool *pl = &rt->pools[pidx];
	if (!pl->free_head) {
		if (pl->allocated >= rt->max_states)
			return NULL;
		struct pool_chunk *c = malloc(sizeof(*c) + POOL_CHUNK * pl->obj_size);
		if (!c)
			return NULL;
		c->next = pl->chunks;
		pl->chunks = c;
		for (unsigned i = 0; i < POOL_CHUNK; i++) {
			void *o = (uint8_t *)c->mem + i * pl->obj_size;
			memcpy(o, &pl->free_head, sizeof(void *));
			pl->free_head = o;
		}
		pl->allocated += POOL_CHUNK;
	}
	void *o = pl->free_head;
	memcpy(&pl->free_head, o, sizeof(void *));
	pl->in_use++;
	const struct dis_proto *p = dis_protos[pidx];
	size_t z = p->state_zero && p->state_zero < p->state_size ? p->state_zero : p->state_size;
	memset(o, 0, sizeof(struct dis_flow) + z);
	return o;
}

static void state_free(struct dis_runtime *rt, struct dis_flow *df)
{
	struct dis_pool *pl = &rt->pools[df->pidx];
	memcpy(df, &pl->free_head, sizeof(void *));
	pl->free_head = df;
	pl->in_use--;
}

static uint8_t *buf_get(struct dis_runtime *rt, size_t need, uint32_t *cap)
{
	unsigned c = buf_class(need);
	size_t sz = (size_t)1 << (BUF_MIN_SHIFT + c);
	if (sz < need)
		return NULL;
	if (rt->st.buf_bytes + sz > rt->buf_memcap) {
		rt->st.buf_memcap_hits++;
		return NULL;
	}
	void *b = buf_free[c];
	if (b)
		memcpy(&buf_free[c], b, sizeof(void *));
	else if (!(b = malloc(sz)))
		return NULL;
	rt->st.buf_bytes += sz;
	if (rt->st.buf_bytes > rt->st.buf_bytes_max)
		rt->st.buf_bytes_max = rt->st.buf_bytes;
	*cap = (uint32_t)sz;
	return b;
}

static void buf_put(struct dis_runtime *rt, uint8_t *b, uint32_t cap)
{
	if (!b)
		return;
	unsigned c = buf_class(cap);
	memcpy(b, &buf_free[c], sizeof(void *));
	buf_free[c] = b;
	rt->st.buf_bytes -= cap;
}

void dis_ev_init(struct dis_event *ev, const struct dis_ctx *ctx, int dir, const char *action,
		 enum dis_fclass fclass)
{
	ev->proto = ctx->df ? ctx->df->proto : NULL;
	ev->flow = ctx->flow;
	ev->action = action;
	ev->ts_us = ctx->ts_us;
	ev->count = 1;
	ev->dir = (uint8_t)dir;
	ev->fclass = (uint8_t)fclass;
	ev->flags = 0;
	ev->nfields = 0;
	ev->str_used = 0;
}

void dis_emit(struct dis_ctx *ctx, struct dis_event *ev)
{
	ctx->rt->proto[ctx->df->pidx].events++;
	if (ctx->rt->emit)
		ctx->rt->emit(ctx->rt->emit_user, ev);
}

void dis_anomaly(struct dis_ctx *ctx, int dir, const char *what)
{
	ctx->rt->proto[ctx->df->pidx].anomalies++;
	if (ctx->df->anomaly_events >= DIS_ANOMALY_EVENTS_PER_FLOW)
		return;
	ctx->df->anomaly_events++;
	struct dis_event ev;
	dis_ev_init(&ev, ctx, dir, what, DIS_FC_OTHER);
	ev.flags |= DIS_EV_ANOMALY;
	dis_emit(ctx, &ev);
}

static void release_bufs(struct dis_runtime *rt, struct dis_flow *df)
{
	for (int d = 0; d < 2; d++) {
		buf_put(rt, df->left[d], df->left_cap[d]);
		df->left[d] = NULL;
		df->left_cap[d] = df->left_len[d] = df->left_need[d] = 0;
	}
}

static void detach(struct dis_runtime *rt, struct flow *f)
{
	struct dis_flow *df = f->dis;
	release_bufs(rt, df);
	state_free(rt, df);
	f->dis = NULL;
}

static int attach(struct dis_runtime *rt, struct flow *f, unsigned pidx)
{
	struct dis_flow *df = state_alloc(rt, pidx);
	if (!df) {
		rt->st.state_exhausted++;
		return -1;
	}
	df->proto = dis_protos[pidx];
	df->pidx = (uint8_t)pidx;
	if (df->proto->init)
		df->proto->init(df->state);
	f->dis = df;
	f->dis_proto = (uint8_t)(pidx + 1);
	rt->proto[pidx].flows++;
	return 0;
}

enum select_result { SEL_NO, SEL_MORE, SEL_ATTACHED };

/* Tries the probes on the first bytes of a direction: protocols whose port
 * matches first, then all others. */
static enum select_result select_dissector(struct dis_runtime *rt, struct flow *f, int dir,
					   const uint8_t *data, size_t len)
{
	unsigned n = dis_proto_count();
	int more = 0;
	rt->st.probes++;
	/* The protocols whose port matches first, then the others, each in
	 * registry order (n <= 16). */
	unsigned match = dis_tcp_port_match(f->key.port[0], f->key.port[1]);
	unsigned sets[2] = { match, ((1u << n) - 1) & ~match };
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned m = sets[pass]; m; m &= m - 1) {
			unsigned i = (unsigned)__builtin_ctz(m);
			enum dis_probe_result r = dis_protos[i]->probe(data, len, dir);
			if (r == DIS_PROBE_YES)
				return attach(rt, f, i) == 0 ? SEL_ATTACHED : SEL_NO;
			if (r == DIS_PROBE_MORE)
				more = 1;
		}
	}
	if (more && len < DIS_PROBE_BYTES)
		return SEL_MORE;
	if (++f->probe_tries[dir] >= DIS_PROBE_TRIES) {
		int other = f->probe_tries[!dir] >= DIS_PROBE_TRIES || (f->rs[!dir].flags & REASM_F_CLOSED);
		if (other || f->probe_tries[dir] >= 2 * DIS_PROBE_TRIES) {
			f->dis_gave_up = 1;
			rt->st.no_dissector++;
		}
	}
	return SEL_NO;
}

static void probe_release(struct dis_runtime *rt, struct flow *f, int dir)
{
	if (f->probe_buf[dir]) {
		buf_put(rt, f->probe_buf[dir], DIS_PROBE_BYTES);
		f->probe_buf[dir] = NULL;
	}
	f->probe_len[dir] = 0;
}

/* A skip length: PDUs are far below 4 GiB, but never wrap. */
static uint32_t skip_of(size_t n)
{
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static void mark_ok(struct flow *f, struct dis_flow *df, struct dis_proto_stats *ps, uint8_t bit)
{
	df->ok_dirs |= bit;
	if (df->ok_dirs == 3 && !df->confirmed) {
		df->confirmed = 1;
		f->dis_confirmed = 1;
		ps->confirmed++;
	}
}

/* Counts a malformed PDU. Returns -1 when the dissector was detached because
 * the flow had not yet been confirmed in both directions, else 0. */
static int on_malformed(struct dis_runtime *rt, struct flow *f)
{
	struct dis_flow *df = f->dis;
	rt->proto[df->pidx].malformed++;
	if (df->ok_dirs != 3) {
		/* Not yet confirmed both ways: it was not this protocol. */
		rt->proto[df->pidx].rejected++;
		detach(rt, f);
		f->dis_proto = 0;
		f->dis_gave_up = 1;
		return -1;
	}
	return 0;
}

/* A PDU parsed: counts it and confirms the flow's direction. */
static inline void pdu_ok(struct flow *f, struct dis_flow *df, struct dis_proto_stats *ps,
			  uint8_t bit, size_t used)
{
	ps->pdus++;
	ps->bytes += used;
	if (!(df->ok_dirs & bit)) /* ok_dirs only grows: nothing to do once set */
		mark_ok(f, df, ps, bit);
}

/* What feed() does after parse() returned something else than DIS_OK on
 * the chunk itself (not the leftover buffer): buffers the start of a PDU,
 * discards malformed bytes or stops the direction. Returns -1 when feed()
 * must return, else the number of bytes to go past. Kept out of feed()'s
 * loop (and data and len are not passed by address), which then stays
 * small for the common whole-PDU case. */
static __attribute__((noinline)) ptrdiff_t feed_status(struct dis_runtime *rt, struct flow *f,
						       struct dis_ctx *ctx, int dir,
						       enum dis_status s, size_t used,
						       const uint8_t *data, size_t len)
{
	struct dis_flow *df = f->dis;
	const struct dis_proto *p = df->proto;
	struct dis_proto_stats *ps = &rt->proto[df->pidx];
	uint8_t bit = (uint8_t)(1u << dir);

	switch (s) {
	case DIS_OK:
		break; /* handled by feed() */
	case DIS_NEED_MORE: {
		size_t want = used > len ? used : len + 1;
		if (want > p->max_pdu || len > p->max_pdu) {
			ps->oversize++;
			if (on_malformed(rt, f) < 0)
				return -1;
			dis_anomaly(ctx, dir, "pdu_too_large");
			df->dead_dirs |= bit;
			return -1;
		}
		if (!df->left[dir]) {
			df->left[dir] = buf_get(rt, p->max_pdu, &df->left_cap[dir]);
			if (!df->left[dir]) {
				ps->oversize++;
				df->dead_dirs |= bit;
				return -1;
			}
		}
		memcpy(df->left[dir], data, len);
		df->left_len[dir] = (uint32_t)len;
		df->left_need[dir] = (uint32_t)used;
		return -1;
	}
	case DIS_MALFORMED:
		if (on_malformed(rt, f) < 0)
			return -1;
		if (used == 0 || used > len)
			used = len;
		return (ptrdiff_t)used;
	case DIS_UNSUPPORTED:
		if (used == 0 || used > len) {
			df->dead_dirs |= bit;
			return -1;
		}
		return (ptrdiff_t)used;
	}
	return -1;
}

/* A partial PDU is buffered in direction dir: tops it up from the chunk,
 * then parses from the buffer. Returns -1 when feed() must return, else the
 * number of bytes taken from the chunk. */
static __attribute__((noinline)) ptrdiff_t feed_left(struct dis_runtime *rt, struct flow *f,
						     struct dis_ctx *ctx, int dir,
						     const uint8_t *data, size_t len)
{
	struct dis_flow *df = f->dis;
	const struct dis_proto *p = df->proto;
	struct dis_proto_stats *ps = &rt->proto[df->pidx];
	uint8_t bit = (uint8_t)(1u << dir);
	uint8_t *lb = df->left[dir];
	size_t have = df->left_len[dir];
	size_t take = len;
	if (df->left_need[dir] > have && take > df->left_need[dir] - have)
		take = df->left_need[dir] - have;
	if (take > df->left_cap[dir] - have)
		take = df->left_cap[dir] - have;
	memcpy(lb + have, data, take);
	have += take;
	len -= take; /* what is left of the chunk after this */

	size_t off = 0;
	while (off < have && f->dis && !(df->dead_dirs & bit)) {
		size_t used = 0;
		enum dis_status s = p->parse(df->state, dir, lb + off, have - off, &used, ctx);
		if (s == DIS_OK) {
			if (used == 0)
				used = have - off;
			if (used > have - off) {
				df->skip[dir] = skip_of(used - (have - off));
				used = have - off;
			}
			pdu_ok(f, df, ps, bit, used);
			off += used;
		} else if (s == DIS_NEED_MORE) {
			if (used > p->max_pdu || (have - off >= df->left_cap[dir] && len > 0)) {
				ps->oversize++;
				if (on_malformed(rt, f) < 0)
					return -1;
				dis_anomaly(ctx, dir, "pdu_too_large");
				df->dead_dirs |= bit;
				df->left_len[dir] = 0;
				return -1;
			}
			df->left_need[dir] = (uint32_t)used;
			break;
		} else if (s == DIS_MALFORMED) {
			if (on_malformed(rt, f) < 0)
				return -1;
			if (used == 0 || used > have - off)
				used = have - off;
			off += used;
		} else {
			if (used == 0 || used > have - off) {
				df->dead_dirs |= bit;
				off = have;
				break;
			}
			off += used;
		}
	}
	if (!f->dis)
		return -1;
	if (off >= have) {
		df->left_len[dir] = 0;
		df->left_need[dir] = 0;
	} else {
		if (off)
			memmove(lb, lb + off, have - off);
		df->left_len[dir] = (uint32_t)(have - off);
	}
	return (ptrdiff_t)take;
}

static void feed(struct dis_runtime *rt, struct flow *f, int dir, const uint8_t *data, size_t len,
		 uint64_t ts_us)
{
	struct dis_flow *df = f->dis;
	const struct dis_proto *p = df->proto;
	struct dis_ctx ctx = { rt, f, df, ts_us };
	struct dis_proto_stats *ps = &rt->proto[df->pidx];
	uint8_t bit = (uint8_t)(1u << dir);

	while (len > 0 && f->dis && !(df->dead_dirs & bit)) {
		if (df->skip[dir]) { /* the rest of a PDU the dissector is done with */
			size_t n = df->skip[dir] < len ? df->skip[dir] : len;
			df->skip[dir] -= (uint32_t)n;
			ps->bytes += n;
			data += n;
			len -= n;
			continue;
		}
		if (df->left_len[dir]) {
			ptrdiff_t n = feed_left(rt, f, &ctx, dir, data, len);
			if (n < 0)
				return;
			data += n;
			len -= (size_t)n;
			continue;
		}
		/* The common case: whole PDUs parsed in place from the chunk. */
		size_t used = 0;
		enum dis_status s = p->parse(df->state, dir, data, len, &used, &ctx);
		if (s != DIS_OK) {
			ptrdiff_t n = feed_status(rt, f, &ctx, dir, s, used, data, len);
			if (n < 0)
				return;
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (used == 0)
			used = len; /* defensive: a parser must consume */
		if (used > len) {
			df->skip[dir] = skip_of(used - len);
			used = len;
		}
		pdu_ok(f, df, ps, bit, used);
		data += used;
		len -= used;
	}
}

/* A passive dissector that has stopped both ways is done with the flow. */
static void passive_done(struct dis_runtime *rt, struct flow *f, uint64_t ts_us)
{
	struct dis_flow *df = f->dis;
	if (!df || !df->proto->passive || df->dead_dirs != 3)
		return;
	struct dis_ctx ctx = { rt, f, df, ts_us };
	if (df->proto->close)
		df->proto->close(df->state, &ctx);
	detach(rt, f);
	f->dis_gave_up = 1; /* no more reassembly; dis_proto still names it */
}

/* A flow without a dissector yet: offers the bytes to the probes. Kept out
 * of dis_stream_data(), whose common case (a dissector is attached) then
 * needs no stack frame of its own. */
static __attribute__((noinline)) void stream_probe(struct dis_runtime *rt, struct flow *f,
						   int dir, const uint8_t *data, size_t len,
						   uint64_t ts_us)
{
	/* Until a probe decides, the first bytes of each direction are kept
	 * (up to DIS_PROBE_BYTES), so a stream that starts with tiny segments
	 * is judged on enough bytes and none of them is lost. */
	const uint8_t *pd = data;
	size_t pl = len, taken = len;
	if (f->probe_len[dir]) {
		size_t room = DIS_PROBE_BYTES - f->probe_len[dir];
		taken = len < room ? len : room;
		memcpy(f->probe_buf[dir] + f->probe_len[dir], data, taken);
		f->probe_len[dir] = (uint16_t)(f->probe_len[dir] + taken);
		pd = f->probe_buf[dir];
		pl = f->probe_len[dir];
	}
	switch (select_dissector(rt, f, dir, pd, pl)) {
	case SEL_ATTACHED:
		if (f->probe_len[dir]) {
			feed(rt, f, dir, f->probe_buf[dir], f->probe_len[dir], ts_us);
			probe_release(rt, f, dir);
			if (f->dis && taken < len)
				feed(rt, f, dir, data + taken, len - taken, ts_us);
		} else {
			feed(rt, f, dir, data, len, ts_us);
		}
		/* Bytes kept from the other direction go to the new dissector too. */
		if (f->dis && f->probe_len[!dir]) {
			feed(rt, f, !dir, f->probe_buf[!dir], f->probe_len[!dir], ts_us);
			probe_release(rt, f, !dir);
		}
		passive_done(rt, f, ts_us);
		return;
	case SEL_MORE:
		if (!f->probe_len[dir]) {
			uint32_t cap;
			f->probe_buf[dir] = buf_get(rt, DIS_PROBE_BYTES, &cap);
			if (!f->probe_buf[dir])
				return;
			memcpy(f->probe_buf[dir], data, len);
			f->probe_len[dir] = (uint16_t)len;
		}
		return;
	case SEL_NO:
		probe_release(rt, f, dir);
		return;
	}
}

void dis_stream_data(struct dis_runtime *rt, struct flow *f, int dir, const uint8_t *data,
		     size_t len, uint64_t ts_us)
{
	if (f->dis) {
		feed(rt, f, dir, data, len, ts_us);
		if (f->dis && f->dis->dead_dirs == 3) /* passive_done()'s cheap test first */
			passive_done(rt, f, ts_us);
		return;
	}
	if (!f->dis_gave_up)
		stream_probe(rt, f, dir, data, len, ts_us);
}

void dis_stream_gap(struct dis_runtime *rt, struct flow *f, int dir, uint32_t len, uint64_t ts_us)
{
	struct dis_flow *df = f->dis;
	probe_release(rt, f, dir); /* kept bytes are no longer contiguous */
	if (!df)
		return;
	struct dis_ctx ctx = { rt, f, df, ts_us };
	rt->proto[df->pidx].gaps++;
	if (df->skip[dir] >= len) {
		/* inside a body being skipped: nothing the dissector needed is lost */
		df->skip[dir] -= len;
		return;
	}
	df->skip[dir] = 0;
	df->left_len[dir] = 0;
	df->left_need[dir] = 0;
	df->dead_dirs &= (uint8_t) ~(1u << dir);
	if (df->proto->gap)
		df->proto->gap(df->state, dir, len, &ctx);
}

void dis_flow_end(struct dis_runtime *rt, struct flow *f, uint64_t ts_us)
{
	struct dis_flow *df = f->dis;
	probe_release(rt, f, 0);
	probe_release(rt, f, 1);
	if (!df)
		return;
	struct dis_ctx ctx = { rt, f, df, ts_us };
	if (df->proto->close)
		df->proto->close(df->state, &ctx);
	detach(rt, f);
}
