/* reasm.c - TCP stream reassembly (see reasm.h for the contract).
 *
 * Positions of held blocks are compared relative to next_seq, so sequence
 * number wrap-around needs no special case: everything held lies within the
 * window ahead of next_seq (window_bytes < 2^31).
 */
#include "config.h"

#include "capture/reasm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/cap_mem.h"
#include "capture/dec.h"

#define REASM_MIN_DIR_CAP (64u * 1024u) /* at least one maximal IP datagram */
#define REASM_MAX_WINDOW (1u << 30)     /* keep relative offsets well below 2^31 */

int reasm_pool_init(struct reasm_pool *pool, size_t memcap_bytes, uint32_t dir_cap_bytes,
		    uint32_t window_bytes, char *errbuf, size_t errlen)
{
	memset(pool, 0, sizeof(*pool));
	size_t n = memcap_bytes / sizeof(struct reasm_block);
	if (n < 16)
		n = 16;
	if (n > UINT32_MAX - 1)
		n = UINT32_MAX - 1;
	/* Mapped lazily: untouched blocks cost no resident memory. */
	pool->blocks = cap_huge_alloc(n * sizeof(struct reasm_block));
	if (!pool->blocks) {
		snprintf(errbuf, errlen, "reassembly: cannot allocate %zu blocks (%zu MiB): %s", n,
			 n * sizeof(struct reasm_block) >> 20, strerror(errno));
		return -1;
	}
	pool->cap = (uint32_t)n;
	pool->free_head = REASM_NONE;
	pool->dir_cap_bytes = dir_cap_bytes < REASM_MIN_DIR_CAP ? REASM_MIN_DIR_CAP : dir_cap_bytes;
	if (window_bytes < pool->dir_cap_bytes)
		window_bytes = pool->dir_cap_bytes;
	pool->window_bytes = window_bytes > REASM_MAX_WINDOW ? REASM_MAX_WINDOW : window_bytes;
	return 0;
}

void reasm_pool_destroy(struct reasm_pool *pool)
{
	cap_huge_free(pool->blocks, (size_t)pool->cap * sizeof(struct reasm_block));
	pool->blocks = NULL;
	pool->cap = 0;
}

void reasm_dir_init(struct reasm_dir *d)
{
	memset(d, 0, sizeof(*d));
	d->held_head = REASM_NONE;
}

static uint32_t block_alloc(struct reasm_pool *pool)
{
	uint32_t i;
	if (pool->free_head != REASM_NONE) {
		i = pool->free_head;
		pool->free_head = pool->blocks[i].next;
	} else if (pool->bump < pool->cap) {
		i = pool->bump++;
	} else {
		return REASM_NONE;
	}
	pool->in_use++;
	return i;
}

static void block_free(struct reasm_pool *pool, uint32_t i)
{
	pool->blocks[i].next = pool->free_head;
	pool->free_head = i;
	pool->in_use--;
}

static void emit_gap(struct reasm_pool *pool, struct reasm_dir *d, int dir, uint32_t len,
		     const struct reasm_cb *cb)
{
	if (!len)
		return;
	pool->st.gaps++;
	pool->st.gap_bytes += len;
	d->next_seq += len;
	cb->gap(cb->user, dir, len);
}

static void emit_data(struct reasm_pool *pool, struct reasm_dir *d, int dir, const uint8_t *data,
		      size_t len, const struct reasm_cb *cb)
{
	if (!len)
		return;
	pool->st.delivered_bytes += len;
	d->next_seq += (uint32_t)len;
	cb->data(cb->user, dir, data, len);
}

static void check_fin(struct reasm_dir *d)
{
	if ((d->flags & REASM_F_FIN) && reasm_seq_diff(d->next_seq, d->fin_seq) >= 0)
		d->flags |= REASM_F_CLOSED;
}

/* Delivers held blocks that have become contiguous with next_seq. */
static void drain(struct reasm_pool *pool, struct reasm_dir *d, int dir, const struct reasm_cb *cb)
{
	while (d->held_head != REASM_NONE) {
		uint32_t bi = d->held_head;
		struct reasm_block *b = &pool->blocks[bi];
		if (reasm_seq_diff(b->seq, d->next_seq) > 0)
			break;
		d->held_head = b->next;
		d->held_bytes -= b->len;
		uint32_t end = b->seq + b->len;
		if (reasm_seq_diff(end, d->next_seq) > 0) {
			uint32_t off = d->next_seq - b->seq;
			emit_data(pool, d, dir, b->data + off, b->len - off, cb);
		}
		block_free(pool, bi);
	}
	check_fin(d);
}

/* Gives up on every hole before target: held blocks below target are
 * delivered with gaps between them, then a gap up to target. */
static void skip_to(struct reasm_pool *pool, struct reasm_dir *d, int dir, uint32_t target,
		    const struct reasm_cb *cb)
{
	while (d->held_head != REASM_NONE) {
		struct reasm_block *b = &pool->blocks[d->held_head];
		if (reasm_seq_diff(b->seq, target) >= 0)
			break;
		if (reasm_seq_diff(b->seq, d->next_seq) > 0)
			emit_gap(pool, d, dir, b->seq - d->next_seq, cb);
		drain(pool, d, dir, cb);
	}
	if (reasm_seq_diff(target, d->next_seq) > 0)
		emit_gap(pool, d, dir, target - d->next_seq, cb);
	drain(pool, d, dir, cb);
}

/* Holds [seq, seq+len) ahead of next_seq; bytes already held win.
 * Returns 0, or -1 when the pool ran out (nothing partial is left linked
 * in a way that breaks ordering: the pieces inserted so far stay valid). */
static int hold(struct reasm_pool *pool, struct reasm_dir *d, uint32_t seq, const uint8_t *data,
		size_t len)
{
	uint32_t rel = seq - d->next_seq; /* > 0, < window */
	uint32_t rel_end = rel + (uint32_t)len;
	uint32_t prev = REASM_NONE, cur = d->held_head;
	int overlapped = 0;

	while (rel < rel_end) {
		while (cur != REASM_NONE) {
			struct reasm_block *c = &pool->blocks[cur];
			uint32_t c_end = c->seq - d->next_seq + c->len;
			if (c_end > rel)
				break;
			prev = cur;
			cur = c->next;
		}
		uint32_t limit = rel_end;
		if (cur != REASM_NONE) {
			struct reasm_block *c = &pool->blocks[cur];
			uint32_t c_rel = c->seq - d->next_seq;
			if (c_rel <= rel) { /* overlap with held bytes: first wins */
				uint32_t c_end = c_rel + c->len;
				uint32_t skip = (c_end < rel_end ? c_end : rel_end) - rel;
				pool->st.overlap_bytes += skip;
				overlapped = 1;
				data += skip;
				rel += skip;
				continue;
			}
			if (c_rel < limit)
				limit = c_rel;
		}
		uint32_t piece = limit - rel;
		if (piece > REASM_BLOCK_BYTES)
			piece = REASM_BLOCK_BYTES;
		uint32_t ni = block_alloc(pool);
		if (ni == REASM_NONE)
			return -1;
		struct reasm_block *n = &pool->blocks[ni];
		n->seq = d->next_seq + rel;
		n->len = (uint16_t)piece;
		memcpy(n->data, data, piece);
		n->next = cur;
		if (prev == REASM_NONE)
			d->held_head = ni;
		else
			pool->blocks[prev].next = ni;
		prev = ni;
		d->held_bytes += piece;
		data += piece;
		rel += piece;
	}
	if (overlapped)
		pool->st.overlaps++;
	return 0;
}

static void deliver_segment(struct reasm_pool *pool, struct reasm_dir *d, int dir, uint32_t seq,
			    const uint8_t *data, size_t len, size_t wire_len,
			    const struct reasm_cb *cb)
{
	int32_t diff = reasm_seq_diff(seq, d->next_seq);

	if (diff < 0) {
		uint32_t behind = (uint32_t)-(int64_t)diff;
		if (behind >= wire_len) {
			pool->st.retransmissions++;
			return;
		}
		pool->st.overlaps++;
		pool->st.overlap_bytes += behind;
		if (behind >= len) {
			data += len;
			len = 0;
		} else {
			data += behind;
			len -= behind;
		}
		wire_len -= behind;
		seq = d->next_seq;
		diff = 0;
	}

	if (diff > 0) {
		if ((uint32_t)diff > pool->window_bytes) {
			pool->st.window_jumps++;
			skip_to(pool, d, dir, seq, cb);
		} else {
			/* Make room under the per-direction cap by giving up the
			 * oldest holes first. */
			while (d->held_head != REASM_NONE &&
			       (size_t)d->held_bytes + len > pool->dir_cap_bytes) {
				pool->st.depth_hits++;
				skip_to(pool, d, dir, pool->blocks[d->held_head].seq + 1, cb);
			}
			diff = reasm_seq_diff(seq, d->next_seq);
			if (diff > 0 && len <= pool->dir_cap_bytes) {
				if (hold(pool, d, seq, data, len) == 0) {
					pool->st.ooo_segments++;
					return;
				}
				pool->st.memcap_hits++;
			}
			/* Cannot hold it: give up on the hole and deliver. */
			diff = reasm_seq_diff(seq, d->next_seq);
			if (diff > 0)
				skip_to(pool, d, dir, seq, cb);
			diff = reasm_seq_diff(seq, d->next_seq);
			if (diff < 0) { /* held bytes already covered part of it */
				deliver_segment(pool, d, dir, seq, data, len, wire_len, cb);
				return;
			}
		}
	}

	pool->st.in_order_segments++;
	uint32_t wire_end = seq + (uint32_t)wire_len;
	/* Deliver up to each held block; where the segment overlaps held
	 * bytes, the held (first) copy wins. */
	while (len > 0) {
		if (d->held_head != REASM_NONE) {
			struct reasm_block *h = &pool->blocks[d->held_head];
			int32_t ahead = reasm_seq_diff(h->seq, d->next_seq);
			if (ahead <= 0) {
				uint32_t before = d->next_seq;
				drain(pool, d, dir, cb);
				uint32_t skip = d->next_seq - before;
				if (skip) {
					pool->st.overlaps++;
					pool->st.overlap_bytes += skip < len ? skip : len;
				}
				if (skip >= len) {
					data += len;
					len = 0;
				} else {
					data += skip;
					len -= skip;
				}
				continue;
			}
			size_t n = (size_t)ahead < len ? (size_t)ahead : len;
			emit_data(pool, d, dir, data, n, cb);
			data += n;
			len -= n;
			continue;
		}
		emit_data(pool, d, dir, data, len, cb);
		len = 0;
	}
	/* Bytes cut by the snaplen are a gap, except where held bytes cover them. */
	if (reasm_seq_diff(wire_end, d->next_seq) > 0)
		skip_to(pool, d, dir, wire_end, cb);
	drain(pool, d, dir, cb);
}

void reasm_segment(struct reasm_pool *pool, struct reasm_dir *d, int dir, uint32_t seq,
		   uint8_t flags, const uint8_t *data, size_t len, size_t wire_len,
		   const struct reasm_cb *cb)
{
	if (wire_len < len)
		wire_len = len;
	if (d->flags & REASM_F_CLOSED) {
		if (wire_len && !(flags & DEC_TCP_RST))
			pool->st.after_fin += wire_len;
		return;
	}
	if (flags & DEC_TCP_RST) {
		/* RFC 9293 3.10.7: the connection is aborted; data on a RST is
		 * diagnostic text, not stream data. Deliver what we hold. */
		reasm_flush(pool, d, dir, cb);
		d->flags |= REASM_F_CLOSED;
		return;
	}
	if (!(d->flags & REASM_F_HAVE_SEQ)) {
		d->flags |= REASM_F_HAVE_SEQ;
		if (flags & DEC_TCP_SYN) {
			d->next_seq = seq + 1;
		} else {
			d->next_seq = seq;
			d->flags |= REASM_F_MIDSTREAM;
		}
	}
	if (flags & DEC_TCP_SYN)
		seq++; /* the SYN occupies one sequence number; data follows it */
	if ((flags & DEC_TCP_FIN) && !(d->flags & REASM_F_FIN)) {
		d->flags |= REASM_F_FIN;
		d->fin_seq = seq + (uint32_t)wire_len;
	}
	if (wire_len) {
		if ((d->flags & REASM_F_FIN) &&
		    reasm_seq_diff(seq + (uint32_t)wire_len, d->fin_seq) > 0) {
			uint32_t beyond = seq + (uint32_t)wire_len - d->fin_seq;
			pool->st.after_fin += beyond;
			if (beyond >= wire_len)
				return;
			wire_len -= beyond;
			if (len > wire_len)
				len = wire_len;
		}
		deliver_segment(pool, d, dir, seq, data, len, wire_len, cb);
	}
	check_fin(d);
}

void reasm_ack(struct reasm_pool *pool, struct reasm_dir *d, int dir, uint32_t ack,
	       const struct reasm_cb *cb)
{
	if (d->held_head == REASM_NONE || !(d->flags & REASM_F_HAVE_SEQ) ||
	    (d->flags & REASM_F_CLOSED))
		return;
	int32_t diff = reasm_seq_diff(ack, d->next_seq);
	if (diff <= 0 || (uint32_t)diff > pool->window_bytes)
		return;
	/* The receiver has everything below ack: holes there are final. Only
	 * skip as far as held data reaches, so that bytes after the last held
	 * block that may still arrive in the capture are not declared lost. */
	uint32_t target = ack;
	uint32_t last_end = d->next_seq;
	for (uint32_t i = d->held_head; i != REASM_NONE; i = pool->blocks[i].next) {
		uint32_t end = pool->blocks[i].seq + pool->blocks[i].len;
		if (reasm_seq_diff(pool->blocks[i].seq, ack) > 0)
			break;
		last_end = end;
	}
	if (reasm_seq_diff(last_end, target) < 0)
		target = last_end;
	skip_to(pool, d, dir, target, cb);
}

void reasm_flush(struct reasm_pool *pool, struct reasm_dir *d, int dir, const struct reasm_cb *cb)
{
	uint32_t last = REASM_NONE;
	for (uint32_t i = d->held_head; i != REASM_NONE; i = pool->blocks[i].next)
		last = i;
	if (last != REASM_NONE)
		skip_to(pool, d, dir, pool->blocks[last].seq + pool->blocks[last].len, cb);
}

void reasm_release(struct reasm_pool *pool, struct reasm_dir *d)
{
	uint32_t i = d->held_head;
	while (i != REASM_NONE) {
		uint32_t next = pool->blocks[i].next;
		block_free(pool, i);
		i = next;
	}
	d->held_head = REASM_NONE;
	d->held_bytes = 0;
}
