/* reasm.h - TCP stream reassembly, one instance per flow direction.
 *
 * Bytes are handed to the consumer strictly in sequence order. In-order
 * segments are delivered in place (zero copy); out-of-order segments are
 * copied into fixed-size blocks from a shared, capped pool and delivered once
 * the hole before them is filled. Retransmitted bytes are dropped; where a new
 * segment overlaps bytes already held or delivered, the first copy wins and the
 * overlap is counted. A hole that will not be filled (the peer acknowledged past
 * it, the per-direction or global memory cap was reached, the segment lies
 * beyond the window, or the flow ends) is reported through the gap callback
 * with its length: no bytes are invented.
 *
 * Sequence numbers are compared modulo 2^32 (RFC 9293 section 3.4).
 */
#ifndef ZW_REASM_H
#define ZW_REASM_H

#include <stddef.h>
#include <stdint.h>

#define REASM_NONE UINT32_MAX
#define REASM_BLOCK_BYTES 1600 /* one Ethernet MSS plus slack per held block */

/* reasm_dir.flags */
#define REASM_F_HAVE_SEQ 0x01 /* next_seq is valid */
#define REASM_F_FIN 0x02      /* FIN seen; fin_seq valid */
#define REASM_F_CLOSED 0x04   /* all bytes up to FIN delivered, or RST */
#define REASM_F_MIDSTREAM 0x08 /* picked up without seeing the SYN */

struct reasm_dir {
	uint32_t next_seq;   /* sequence number of the next byte to deliver */
	uint32_t fin_seq;    /* sequence number of the FIN */
	uint32_t held_head;  /* first held block (sorted by seq), REASM_NONE if none */
	uint32_t held_bytes; /* bytes held in blocks for this direction */
	uint8_t flags;
};

struct reasm_stats {
	uint64_t delivered_bytes;
	uint64_t in_order_segments;
	uint64_t ooo_segments;      /* segments held for later */
	uint64_t retransmissions;   /* segments entirely before next_seq */
	uint64_t overlaps;          /* segments partly overlapping known bytes */
	uint64_t overlap_bytes;
	uint64_t gaps;              /* holes reported */
	uint64_t gap_bytes;
	uint64_t memcap_hits;       /* global block pool exhausted */
	uint64_t depth_hits;        /* per-direction cap reached */
	uint64_t window_jumps;      /* segment beyond the window: gap declared */
	uint64_t after_fin;         /* bytes sent after the FIN, ignored */
};

struct reasm_block {
	uint32_t seq;
	uint32_t next; /* next block index in the direction's list, or free list */
	uint16_t len;
	uint8_t data[REASM_BLOCK_BYTES];
};

struct reasm_pool {
	struct reasm_block *blocks;
	uint32_t cap;        /* blocks in the pool */
	uint32_t bump;       /* blocks never used so far: [bump, cap) */
	uint32_t free_head;  /* recycled blocks */
	uint32_t in_use;
	uint32_t dir_cap_bytes; /* most bytes one direction may hold */
	uint32_t window_bytes;  /* segments further ahead than this declare a gap */
	struct reasm_stats st;
};

/* Consumer callbacks. data: len in-order bytes valid only during the call.
 * gap: len bytes are missing before whatever is delivered next. */
struct reasm_cb {
	void (*data)(void *user, int dir, const uint8_t *data, size_t len);
	void (*gap)(void *user, int dir, uint32_t len);
	void *user;
};

/* memcap_bytes sizes the shared block pool (allocated up front, touched
 * lazily). Returns 0, or -1 with errbuf filled. */
int reasm_pool_init(struct reasm_pool *pool, size_t memcap_bytes, uint32_t dir_cap_bytes,
		    uint32_t window_bytes, char *errbuf, size_t errlen)
	__attribute__((warn_unused_result));
void reasm_pool_destroy(struct reasm_pool *pool);

void reasm_dir_init(struct reasm_dir *d);

/* One TCP segment for direction dir. flags are the TCP flags (DEC_TCP_*);
 * data/len the captured payload; wire_len the payload length on the wire
 * (>= len: bytes beyond len were cut by the snaplen and become a gap). */
void reasm_segment(struct reasm_pool *pool, struct reasm_dir *d, int dir, uint32_t seq,
		   uint8_t flags, const uint8_t *data, size_t len, size_t wire_len,
		   const struct reasm_cb *cb);

/* The other side acknowledged up to ack in direction d. If bytes are held
 * beyond a hole that the receiver has acknowledged, that hole can no longer
 * be filled by a retransmission: report it and deliver what follows. */
void reasm_ack(struct reasm_pool *pool, struct reasm_dir *d, int dir, uint32_t ack,
	       const struct reasm_cb *cb);

/* Delivers everything held, reporting holes as gaps (flow end). */
void reasm_flush(struct reasm_pool *pool, struct reasm_dir *d, int dir, const struct reasm_cb *cb);

/* Returns held blocks to the pool without delivering them. */
void reasm_release(struct reasm_pool *pool, struct reasm_dir *d);

static inline int32_t reasm_seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

#endif /* ZW_REASM_H */
