/* check_reasm.c - unit tests for TCP stream reassembly (capture/reasm.c).
 *
 * The callbacks record what the consumer sees as one event string, data as
 * "D:<bytes>|" (or "D#<len>|" for long chunks) and gaps as "G:<len>|", and
 * append delivered bytes to a separate buffer. Segments are hand-built:
 * sequence numbers are relative to a SYN at 0 unless a test says otherwise.
 * Every test ends with reasm_release() and checks that no pool block leaked.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/dec.h"
#include "capture/reasm.h"

#define LOG_BYTES 8192
#define DATA_BYTES (512u * 1024u)
#define LOG_DATA_MAX 64 /* longer chunks are logged by length only */

struct rec {
	char log[LOG_BYTES];
	size_t log_len;
	int log_overflow;
	uint8_t *data; /* DATA_BYTES */
	size_t data_len;
	uint64_t gap_total;
	unsigned data_calls, gap_calls;
	int last_dir;
};

struct fixture {
	struct reasm_pool pool;
	struct reasm_dir d;
	struct rec rec;
	struct reasm_cb cb;
};

static void log_append(struct rec *r, const char *s, size_t n)
{
	if (n >= LOG_BYTES - r->log_len) {
		r->log_overflow = 1;
		return;
	}
	memcpy(r->log + r->log_len, s, n);
	r->log_len += n;
	r->log[r->log_len] = '\0';
}

static void on_data(void *user, int dir, const uint8_t *data, size_t len)
{
	struct rec *r = user;
	char tmp[32];
	ck_assert_uint_gt(len, 0);
	r->last_dir = dir;
	r->data_calls++;
	if (len <= LOG_DATA_MAX) {
		log_append(r, "D:", 2);
		log_append(r, (const char *)data, len);
		log_append(r, "|", 1);
	} else {
		int n = snprintf(tmp, sizeof(tmp), "D#%zu|", len);
		ck_assert(n > 0 && (size_t)n < sizeof(tmp));
		log_append(r, tmp, (size_t)n);
	}
	ck_assert_uint_le(len, DATA_BYTES - r->data_len);
	memcpy(r->data + r->data_len, data, len);
	r->data_len += len;
}

static void on_gap(void *user, int dir, uint32_t len)
{
	struct rec *r = user;
	char tmp[32];
	ck_assert_uint_gt(len, 0);
	r->last_dir = dir;
	r->gap_calls++;
	r->gap_total += len;
	int n = snprintf(tmp, sizeof(tmp), "G:%u|", len);
	ck_assert(n > 0 && (size_t)n < sizeof(tmp));
	log_append(r, tmp, (size_t)n);
}

static void fx_init(struct fixture *fx, size_t memcap, uint32_t dir_cap, uint32_t window)
{
	char err[256];
	memset(fx, 0, sizeof(*fx));
	ck_assert_int_eq(reasm_pool_init(&fx->pool, memcap, dir_cap, window, err, sizeof(err)), 0);
	reasm_dir_init(&fx->d);
	fx->rec.data = malloc(DATA_BYTES);
	ck_assert_ptr_nonnull(fx->rec.data);
	fx->rec.last_dir = -1;
	fx->cb.data = on_data;
	fx->cb.gap = on_gap;
	fx->cb.user = &fx->rec;
}

/* A pool big enough that no cap is hit: 1 MiB of blocks, 256 KiB per
 * direction, 1 MiB window. */
static void fx_default(struct fixture *fx)
{
	fx_init(fx, (size_t)1 << 20, 256u << 10, 1u << 20);
}

static void fx_done(struct fixture *fx)
{
	reasm_release(&fx->pool, &fx->d);
	ck_assert_uint_eq(fx->d.held_head, REASM_NONE);
	ck_assert_uint_eq(fx->d.held_bytes, 0);
	ck_assert_uint_eq(fx->pool.in_use, 0);
	ck_assert_int_eq(fx->rec.log_overflow, 0);
	free(fx->rec.data);
	reasm_pool_destroy(&fx->pool);
}

/* Segment with captured == wire length, from a NUL-terminated string. */
static void seg(struct fixture *fx, uint32_t seq, uint8_t flags, const char *s)
{
	size_t n = strlen(s);
	reasm_segment(&fx->pool, &fx->d, 0, seq, flags, (const uint8_t *)s, n, n, &fx->cb);
}

static void seg_bytes(struct fixture *fx, uint32_t seq, const uint8_t *b, size_t n)
{
	reasm_segment(&fx->pool, &fx->d, 0, seq, DEC_TCP_ACK, b, n, n, &fx->cb);
}

static void syn(struct fixture *fx, uint32_t isn)
{
	reasm_segment(&fx->pool, &fx->d, 0, isn, DEC_TCP_SYN, NULL, 0, 0, &fx->cb);
}

#define ck_log(fx, expect) ck_assert_str_eq((fx)->rec.log, (expect))

/* ---- in order / out of order ---- */

START_TEST(test_in_order)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 1000);
	ck_assert_uint_eq(fx.d.next_seq, 1001);
	ck_assert_uint_eq(fx.d.flags & REASM_F_HAVE_SEQ, REASM_F_HAVE_SEQ);
	ck_assert_uint_eq(fx.d.flags & REASM_F_MIDSTREAM, 0);
	seg(&fx, 1001, DEC_TCP_ACK, "abc");
	seg(&fx, 1004, DEC_TCP_ACK | DEC_TCP_PSH, "def");
	ck_log(&fx, "D:abc|D:def|");
	ck_assert_uint_eq(fx.d.next_seq, 1007);
	ck_assert_int_eq(fx.rec.last_dir, 0);
	ck_assert_uint_eq(fx.pool.st.delivered_bytes, 6);
	ck_assert_uint_eq(fx.pool.st.in_order_segments, 2);
	ck_assert_uint_eq(fx.pool.st.ooo_segments, 0);
	ck_assert_uint_eq(fx.pool.st.gaps, 0);
	ck_assert_uint_eq(fx.pool.in_use, 0); /* in-order bytes are not copied */
	fx_done(&fx);
}
END_TEST

START_TEST(test_reversed_order)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 7, DEC_TCP_ACK, "ghi");
	seg(&fx, 4, DEC_TCP_ACK, "def");
	ck_log(&fx, ""); /* nothing until the hole at 1 fills */
	ck_assert_uint_eq(fx.d.held_bytes, 6);
	ck_assert_uint_eq(fx.pool.in_use, 2);
	ck_assert_uint_eq(fx.pool.st.ooo_segments, 2);
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	ck_log(&fx, "D:abc|D:def|D:ghi|");
	ck_assert_uint_eq(fx.d.next_seq, 10);
	ck_assert_uint_eq(fx.d.held_bytes, 0);
	ck_assert_uint_eq(fx.pool.in_use, 0);
	ck_assert_uint_eq(fx.pool.st.delivered_bytes, 9);
	ck_assert_uint_eq(fx.pool.st.gaps, 0);
	fx_done(&fx);
}
END_TEST

/* Two held segments overlap: the bytes held first win. */
START_TEST(test_overlap_held_first_wins)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 5, DEC_TCP_ACK, "EFGH");     /* [5,9) held */
	seg(&fx, 3, DEC_TCP_ACK, "cdQQQQij"); /* [3,11): [5,9) differs and must lose */
	ck_log(&fx, "");
	ck_assert_uint_eq(fx.pool.st.overlaps, 1);
	ck_assert_uint_eq(fx.pool.st.overlap_bytes, 4);
	ck_assert_uint_eq(fx.d.held_bytes, 8);
	seg(&fx, 1, DEC_TCP_ACK, "ab");
	ck_assert_uint_eq(fx.rec.data_len, 10);
	ck_assert_mem_eq(fx.rec.data, "abcdEFGHij", 10);
	ck_assert_uint_eq(fx.d.next_seq, 11);
	fx_done(&fx);
}
END_TEST

/* A retransmission overlapping delivered bytes with different content:
 * what was delivered stays, only the new tail is delivered. */
START_TEST(test_overlap_delivered_first_wins)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 1, DEC_TCP_ACK, "abcdef");
	seg(&fx, 4, DEC_TCP_ACK, "XYZghi"); /* [4,7) already delivered as "def" */
	ck_log(&fx, "D:abcdef|D:ghi|");
	ck_assert_uint_eq(fx.pool.st.overlaps, 1);
	ck_assert_uint_eq(fx.pool.st.overlap_bytes, 3);
	ck_assert_uint_eq(fx.pool.st.retransmissions, 0);
	ck_assert_uint_eq(fx.d.next_seq, 10);
	fx_done(&fx);
}
END_TEST

/* An in-order segment that runs into bytes already held: per reasm.h "where
 * a new segment overlaps bytes already held or delivered, the first copy wins
 * and the overlap is counted", so the held "EFGH" must be delivered, not the
 * new segment's "QQ" for the same sequence numbers. */
START_TEST(test_overlap_in_order_over_held)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 5, DEC_TCP_ACK, "EFGH");   /* [5,9) held */
	seg(&fx, 1, DEC_TCP_ACK, "abcdQQ"); /* [1,7): [5,7) contradicts held bytes */
	ck_assert_uint_eq(fx.rec.data_len, 8);
	ck_assert_uint_eq(fx.d.next_seq, 9);
	ck_assert_uint_eq(fx.rec.gap_calls, 0);
	ck_assert_mem_eq(fx.rec.data, "abcdEFGH", 8);
	ck_assert_uint_ge(fx.pool.st.overlaps, 1);
	ck_assert_uint_eq(fx.pool.st.overlap_bytes, 2);
	fx_done(&fx);
}
END_TEST

/* One out-of-order segment spanning two held segments with other bytes:
 * only the pieces between and around them are taken from it. */
START_TEST(test_overlap_spanning_several_held)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 5, DEC_TCP_ACK, "EF");         /* [5,7) */
	seg(&fx, 9, DEC_TCP_ACK, "IJ");         /* [9,11) */
	seg(&fx, 3, DEC_TCP_ACK, "cdXXghYYkl"); /* [3,13) */
	ck_assert_uint_eq(fx.pool.st.overlaps, 1);
	ck_assert_uint_eq(fx.pool.st.overlap_bytes, 4);
	ck_assert_uint_eq(fx.d.held_bytes, 10);
	ck_log(&fx, "");
	seg(&fx, 1, DEC_TCP_ACK, "ab");
	ck_assert_uint_eq(fx.rec.data_len, 12);
	ck_assert_mem_eq(fx.rec.data, "abcdEFghIJkl", 12);
	ck_assert_uint_eq(fx.d.next_seq, 13);
	ck_assert_uint_eq(fx.rec.gap_calls, 0);
	fx_done(&fx);
}
END_TEST

/* A snaplen-cut in-order segment whose missing tail covers bytes another
 * segment already supplied (held): those bytes exist, so they must be
 * delivered and only the real holes reported (reasm.h: "Holes are
 * reported as gaps", and gap_bytes counts bytes actually missing). */
START_TEST(test_snaplen_gap_over_held)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 5, DEC_TCP_ACK, "EF"); /* [5,7) held */
	/* [1,11) on the wire, only "abc" [1,4) captured */
	reasm_segment(&fx.pool, &fx.d, 0, 1, DEC_TCP_ACK, (const uint8_t *)"abc", 3, 10, &fx.cb);
	ck_assert_uint_eq(fx.d.next_seq, 11);
	ck_log(&fx, "D:abc|G:1|D:EF|G:4|");
	ck_assert_uint_eq(fx.pool.st.gap_bytes, 5);
	fx_done(&fx);
}
END_TEST

START_TEST(test_exact_duplicates)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	seg(&fx, 1, DEC_TCP_ACK, "xyz"); /* same range, other bytes: still a retransmission */
	ck_log(&fx, "D:abc|");
	ck_assert_uint_eq(fx.pool.st.retransmissions, 2);
	ck_assert_uint_eq(fx.pool.st.overlaps, 0);
	ck_assert_uint_eq(fx.pool.st.delivered_bytes, 3);
	/* a duplicate of a held segment is held once */
	seg(&fx, 7, DEC_TCP_ACK, "ghi");
	seg(&fx, 7, DEC_TCP_ACK, "ghi");
	ck_assert_uint_eq(fx.d.held_bytes, 3);
	ck_assert_uint_eq(fx.pool.in_use, 1);
	seg(&fx, 4, DEC_TCP_ACK, "def");
	ck_log(&fx, "D:abc|D:def|D:ghi|");
	/* a segment wholly before next_seq but cut by the snaplen is also old */
	reasm_segment(&fx.pool, &fx.d, 0, 1, DEC_TCP_ACK, (const uint8_t *)"a", 1, 9, &fx.cb);
	ck_assert_uint_eq(fx.pool.st.retransmissions, 3);
	ck_log(&fx, "D:abc|D:def|D:ghi|");
	fx_done(&fx);
}
END_TEST

/* ---- holes and gaps ---- */

START_TEST(test_hole_then_flush)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	seg(&fx, 7, DEC_TCP_ACK, "ghi");
	seg(&fx, 13, DEC_TCP_ACK, "mn");
	ck_log(&fx, "D:abc|");
	reasm_flush(&fx.pool, &fx.d, 0, &fx.cb);
	ck_log(&fx, "D:abc|G:3|D:ghi|G:3|D:mn|");
	ck_assert_uint_eq(fx.pool.st.gaps, 2);
	ck_assert_uint_eq(fx.pool.st.gap_bytes, 6);
	ck_assert_uint_eq(fx.d.next_seq, 15);
	ck_assert_uint_eq(fx.pool.in_use, 0);
	/* nothing held: flush is a no-op */
	reasm_flush(&fx.pool, &fx.d, 0, &fx.cb);
	ck_log(&fx, "D:abc|G:3|D:ghi|G:3|D:mn|");
	fx_done(&fx);
}
END_TEST

START_TEST(test_ack_past_hole)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	seg(&fx, 7, DEC_TCP_ACK, "ghi");
	/* an ack inside the hole, below the held data: the hole may still fill */
	reasm_ack(&fx.pool, &fx.d, 0, 5, &fx.cb);
	ck_log(&fx, "D:abc|");
	/* an ack at or below next_seq changes nothing */
	reasm_ack(&fx.pool, &fx.d, 0, 4, &fx.cb);
	ck_log(&fx, "D:abc|");
	/* the receiver acknowledged past the hole: it can never be filled */
	reasm_ack(&fx.pool, &fx.d, 0, 10, &fx.cb);
	ck_log(&fx, "D:abc|G:3|D:ghi|");
	ck_assert_uint_eq(fx.d.next_seq, 10);
	ck_assert_uint_eq(fx.pool.st.gaps, 1);
	ck_assert_uint_eq(fx.pool.st.gap_bytes, 3);
	fx_done(&fx);
}
END_TEST

/* An ack beyond all held data only skips as far as the held data reaches. */
START_TEST(test_ack_beyond_held_data)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	seg(&fx, 7, DEC_TCP_ACK, "ghi");
	reasm_ack(&fx.pool, &fx.d, 0, 100, &fx.cb);
	ck_log(&fx, "D:abc|G:3|D:ghi|");
	ck_assert_uint_eq(fx.d.next_seq, 10); /* not 100 */
	seg(&fx, 10, DEC_TCP_ACK, "jk");
	ck_log(&fx, "D:abc|G:3|D:ghi|D:jk|");
	fx_done(&fx);
}
END_TEST

/* The ack points exactly at the first held byte: the whole hole [4,7) has
 * been acknowledged, so per reasm.h it "can no longer be filled by a
 * retransmission: report it and deliver what follows". */
START_TEST(test_ack_at_held_start)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	seg(&fx, 7, DEC_TCP_ACK, "ghi");
	reasm_ack(&fx.pool, &fx.d, 0, 7, &fx.cb);
	ck_log(&fx, "D:abc|G:3|D:ghi|");
	ck_assert_uint_eq(fx.d.next_seq, 10);
	fx_done(&fx);
}
END_TEST

START_TEST(test_ack_ignored_when_nothing_held)
{
	struct fixture fx;
	fx_default(&fx);
	reasm_ack(&fx.pool, &fx.d, 0, 100, &fx.cb); /* no sequence yet */
	syn(&fx, 0);
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	reasm_ack(&fx.pool, &fx.d, 0, 50, &fx.cb); /* nothing held: no gap invented */
	ck_log(&fx, "D:abc|");
	ck_assert_uint_eq(fx.d.next_seq, 4);
	ck_assert_uint_eq(fx.pool.st.gaps, 0);
	fx_done(&fx);
}
END_TEST

/* ---- sequence numbers ---- */

START_TEST(test_wraparound)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0xffffffefu);
	ck_assert_uint_eq(fx.d.next_seq, 0xfffffff0u);
	seg(&fx, 0x00000002u, DEC_TCP_ACK, "mnop");   /* after the wrap */
	seg(&fx, 0xfffffffcu, DEC_TCP_ACK, "ghijkl"); /* spans the wrap: [..fc, 0x2) */
	ck_log(&fx, "");
	ck_assert_uint_eq(fx.d.held_bytes, 10);
	seg(&fx, 0xfffffff0u, DEC_TCP_ACK, "ABCDEFGHIJKL"); /* [f0, fc) fills the hole */
	ck_log(&fx, "D:ABCDEFGHIJKL|D:ghijkl|D:mnop|");
	ck_assert_uint_eq(fx.d.next_seq, 0x00000006u);
	/* a retransmission from before the wrap is recognised as old */
	seg(&fx, 0xfffffff8u, DEC_TCP_ACK, "IJKL");
	ck_assert_uint_eq(fx.pool.st.retransmissions, 1);
	fx_done(&fx);

	/* a hole across the wrap, reported by flush */
	fx_default(&fx);
	syn(&fx, 0xfffffffdu);
	ck_assert_uint_eq(fx.d.next_seq, 0xfffffffeu);
	seg(&fx, 0x00000003u, DEC_TCP_ACK, "xyz");
	ck_log(&fx, "");
	reasm_flush(&fx.pool, &fx.d, 0, &fx.cb);
	ck_log(&fx, "G:5|D:xyz|");
	ck_assert_uint_eq(fx.d.next_seq, 6);
	fx_done(&fx);
}
END_TEST

START_TEST(test_syn_consumes_one)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 100);
	ck_assert_uint_eq(fx.d.next_seq, 101);
	/* a retransmitted SYN delivers nothing and changes nothing */
	syn(&fx, 100);
	ck_assert_uint_eq(fx.d.next_seq, 101);
	seg(&fx, 101, DEC_TCP_ACK, "abc");
	ck_log(&fx, "D:abc|");
	fx_done(&fx);

	/* data on the SYN itself (TCP Fast Open) follows the SYN's number */
	fx_default(&fx);
	seg(&fx, 500, DEC_TCP_SYN, "xy");
	ck_log(&fx, "D:xy|");
	ck_assert_uint_eq(fx.d.next_seq, 503);
	seg(&fx, 503, DEC_TCP_ACK, "z");
	ck_log(&fx, "D:xy|D:z|");
	ck_assert_uint_eq(fx.d.flags & REASM_F_MIDSTREAM, 0);
	fx_done(&fx);
}
END_TEST

START_TEST(test_midstream_pickup)
{
	struct fixture fx;
	fx_default(&fx);
	seg(&fx, 5000, DEC_TCP_ACK | DEC_TCP_PSH, "abc");
	ck_log(&fx, "D:abc|");
	ck_assert_uint_eq(fx.d.flags & (REASM_F_HAVE_SEQ | REASM_F_MIDSTREAM),
			  REASM_F_HAVE_SEQ | REASM_F_MIDSTREAM);
	ck_assert_uint_eq(fx.d.next_seq, 5003);
	seg(&fx, 5003, DEC_TCP_ACK, "def");
	seg(&fx, 4990, DEC_TCP_ACK, "old"); /* before the pickup point */
	ck_log(&fx, "D:abc|D:def|");
	ck_assert_uint_eq(fx.pool.st.retransmissions, 1);
	fx_done(&fx);
}
END_TEST

/* ---- FIN and RST ---- */

START_TEST(test_fin_closes)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 1, DEC_TCP_ACK | DEC_TCP_FIN, "abc");
	ck_log(&fx, "D:abc|");
	ck_assert_uint_eq(fx.d.flags & REASM_F_FIN, REASM_F_FIN);
	ck_assert_uint_eq(fx.d.fin_seq, 4);
	ck_assert_uint_eq(fx.d.flags & REASM_F_CLOSED, REASM_F_CLOSED);
	seg(&fx, 4, DEC_TCP_ACK, "zz"); /* after the FIN */
	ck_log(&fx, "D:abc|");
	ck_assert_uint_eq(fx.pool.st.after_fin, 2);
	ck_assert_uint_eq(fx.d.next_seq, 4);
	fx_done(&fx);
}
END_TEST

/* A FIN that arrives before the data in front of it closes only once the
 * hole is filled; bytes past the FIN in a later segment are cut off. */
START_TEST(test_fin_out_of_order)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	seg(&fx, 7, DEC_TCP_ACK | DEC_TCP_FIN, ""); /* FIN at 7, hole [4,7) */
	ck_assert_uint_eq(fx.d.flags & REASM_F_FIN, REASM_F_FIN);
	ck_assert_uint_eq(fx.d.flags & REASM_F_CLOSED, 0);
	seg(&fx, 4, DEC_TCP_ACK, "defXY"); /* "XY" lies past the FIN */
	ck_log(&fx, "D:abc|D:def|");
	ck_assert_uint_eq(fx.pool.st.after_fin, 2);
	ck_assert_uint_eq(fx.d.flags & REASM_F_CLOSED, REASM_F_CLOSED);
	ck_assert_uint_eq(fx.d.next_seq, 7);
	fx_done(&fx);
}
END_TEST

START_TEST(test_rst_flushes_and_closes)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	seg(&fx, 7, DEC_TCP_ACK, "ghi");
	seg(&fx, 12, DEC_TCP_ACK, "l");
	/* RST data is diagnostic text, never stream bytes */
	seg(&fx, 13, DEC_TCP_RST | DEC_TCP_ACK, "reset!");
	ck_log(&fx, "D:abc|G:3|D:ghi|G:2|D:l|");
	ck_assert_uint_eq(fx.d.flags & REASM_F_CLOSED, REASM_F_CLOSED);
	ck_assert_uint_eq(fx.pool.in_use, 0);
	seg(&fx, 13, DEC_TCP_ACK, "late");
	ck_log(&fx, "D:abc|G:3|D:ghi|G:2|D:l|");
	fx_done(&fx);
}
END_TEST

/* ---- snaplen ---- */

START_TEST(test_snaplen_truncated_segment)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	reasm_segment(&fx.pool, &fx.d, 0, 1, DEC_TCP_ACK, (const uint8_t *)"abc", 3, 10, &fx.cb);
	ck_log(&fx, "D:abc|G:7|");
	ck_assert_uint_eq(fx.d.next_seq, 11);
	seg(&fx, 11, DEC_TCP_ACK, "xyz");
	ck_log(&fx, "D:abc|G:7|D:xyz|");
	/* nothing captured at all: the whole segment is a gap */
	reasm_segment(&fx.pool, &fx.d, 0, 14, DEC_TCP_ACK, NULL, 0, 5, &fx.cb);
	ck_log(&fx, "D:abc|G:7|D:xyz|G:5|");
	ck_assert_uint_eq(fx.pool.st.gap_bytes, 12);
	ck_assert_uint_eq(fx.d.next_seq, 19);
	fx_done(&fx);
}
END_TEST

/* ---- caps ---- */

#define CAP_SEG 1600u
#define CAP_STRIDE 1700u /* a 100-byte hole before each segment */

/* The per-direction cap (64 KiB, the minimum) holds 40 segments of 1600
 * bytes; the 41st makes room by giving up the oldest hole. */
START_TEST(test_dir_cap)
{
	struct fixture fx;
	uint8_t *buf = malloc(CAP_SEG);
	ck_assert_ptr_nonnull(buf);
	fx_init(&fx, 64 * sizeof(struct reasm_block), 1, 1u << 20);
	ck_assert_uint_eq(fx.pool.dir_cap_bytes, 64u * 1024u);
	syn(&fx, 0);
	for (unsigned i = 0; i < 41; i++) {
		memset(buf, 'A' + (int)(i % 26), CAP_SEG);
		seg_bytes(&fx, 1 + 100 + i * CAP_STRIDE, buf, CAP_SEG);
		ck_assert_uint_le(fx.d.held_bytes, fx.pool.dir_cap_bytes);
		if (i < 40) {
			ck_assert_uint_eq(fx.pool.st.depth_hits, 0);
			ck_assert_uint_eq(fx.d.held_bytes, (i + 1) * CAP_SEG);
		}
	}
	ck_assert_uint_eq(fx.pool.st.depth_hits, 1);
	ck_log(&fx, "G:100|D#1600|"); /* the oldest hole given up */
	ck_assert_uint_eq(fx.d.held_bytes, 40 * CAP_SEG);
	reasm_flush(&fx.pool, &fx.d, 0, &fx.cb);
	ck_assert_uint_eq(fx.rec.data_len, 41 * CAP_SEG);
	ck_assert_uint_eq(fx.rec.gap_calls, 41);
	ck_assert_uint_eq(fx.rec.gap_total, 41 * 100);
	for (unsigned i = 0; i < 41; i++) {
		ck_assert_uint_eq(fx.rec.data[i * CAP_SEG], 'A' + i % 26);
		ck_assert_uint_eq(fx.rec.data[i * CAP_SEG + CAP_SEG - 1], 'A' + i % 26);
	}
	ck_assert_uint_eq(fx.d.next_seq, 1 + 41 * CAP_STRIDE);
	free(buf);
	fx_done(&fx);
}
END_TEST

/* A tiny memcap gives the 16-block minimum pool. The 17th out-of-order
 * segment finds no block: the hole is given up and everything is delivered
 * in order. */
START_TEST(test_memcap)
{
	struct fixture fx;
	char s[11];
	fx_init(&fx, 0, 0, 0);
	ck_assert_uint_eq(fx.pool.cap, 16);
	syn(&fx, 0);
	for (unsigned i = 0; i < 17; i++) {
		memset(s, 'a' + (int)i, 10);
		s[10] = '\0';
		seg(&fx, 11 + i * 10, DEC_TCP_ACK, s); /* hole [1,11) first */
		if (i < 16)
			ck_log(&fx, "");
	}
	ck_assert_uint_eq(fx.pool.st.memcap_hits, 1);
	ck_assert_uint_eq(fx.pool.st.ooo_segments, 16);
	ck_log(&fx, "G:10|D:aaaaaaaaaa|D:bbbbbbbbbb|D:cccccccccc|D:dddddddddd|D:eeeeeeeeee|"
		    "D:ffffffffff|D:gggggggggg|D:hhhhhhhhhh|D:iiiiiiiiii|D:jjjjjjjjjj|"
		    "D:kkkkkkkkkk|D:llllllllll|D:mmmmmmmmmm|D:nnnnnnnnnn|D:oooooooooo|"
		    "D:pppppppppp|D:qqqqqqqqqq|");
	ck_assert_uint_eq(fx.d.next_seq, 11 + 170);
	ck_assert_uint_eq(fx.pool.in_use, 0);
	/* and the pool works again afterwards */
	seg(&fx, 191, DEC_TCP_ACK, "late");
	seg(&fx, 181, DEC_TCP_ACK, "0123456789");
	ck_assert_uint_eq(fx.pool.in_use, 0);
	ck_assert_uint_eq(fx.d.next_seq, 195);
	fx_done(&fx);
}
END_TEST

/* A segment larger than one block, held out of order, arrives intact. */
START_TEST(test_large_segment_held)
{
	struct fixture fx;
	const size_t big = 4000;
	uint8_t *buf = malloc(big);
	uint8_t *first = malloc(100);
	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(first);
	for (size_t i = 0; i < big; i++)
		buf[i] = (uint8_t)(i * 7 + i / 251);
	memset(first, '#', 100);
	fx_default(&fx);
	syn(&fx, 0);
	seg_bytes(&fx, 101, buf, big);
	ck_assert_uint_eq(fx.pool.in_use, (big + REASM_BLOCK_BYTES - 1) / REASM_BLOCK_BYTES);
	ck_assert_uint_eq(fx.d.held_bytes, big);
	ck_assert_uint_eq(fx.pool.st.ooo_segments, 1);
	seg_bytes(&fx, 1, first, 100);
	ck_assert_uint_eq(fx.rec.data_len, 100 + big);
	ck_assert_mem_eq(fx.rec.data, first, 100);
	ck_assert_mem_eq(fx.rec.data + 100, buf, big);
	ck_assert_uint_eq(fx.rec.gap_calls, 0);
	ck_assert_uint_eq(fx.d.next_seq, 1 + 100 + big);
	free(buf);
	free(first);
	fx_done(&fx);
}
END_TEST

START_TEST(test_window_jump)
{
	struct fixture fx;
	fx_init(&fx, (size_t)1 << 20, 0, 0); /* window = dir cap = 64 KiB */
	ck_assert_uint_eq(fx.pool.window_bytes, 65536);
	syn(&fx, 0);
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	seg(&fx, 4 + 70000, DEC_TCP_ACK, "xyz");
	ck_log(&fx, "D:abc|G:70000|D:xyz|");
	ck_assert_uint_eq(fx.pool.st.window_jumps, 1);
	ck_assert_uint_eq(fx.pool.st.ooo_segments, 0);
	ck_assert_uint_eq(fx.d.next_seq, 70007);
	/* just inside the window: held, no jump */
	seg(&fx, 70007 + 65536, DEC_TCP_ACK, "w");
	ck_assert_uint_eq(fx.pool.st.window_jumps, 1);
	ck_assert_uint_eq(fx.pool.st.ooo_segments, 1);
	ck_log(&fx, "D:abc|G:70000|D:xyz|");
	fx_done(&fx);
}
END_TEST

/* A window jump also gives up held data below the new segment, in order. */
START_TEST(test_window_jump_with_held)
{
	struct fixture fx;
	fx_init(&fx, (size_t)1 << 20, 0, 0);
	syn(&fx, 0);
	seg(&fx, 11, DEC_TCP_ACK, "held");
	seg(&fx, 200000, DEC_TCP_ACK, "far");
	ck_log(&fx, "G:10|D:held|G:199985|D:far|");
	ck_assert_uint_eq(fx.pool.st.window_jumps, 1);
	ck_assert_uint_eq(fx.d.next_seq, 200003);
	fx_done(&fx);
}
END_TEST

/* Release returns held blocks without delivering them. */
START_TEST(test_release)
{
	struct fixture fx;
	fx_default(&fx);
	syn(&fx, 0);
	seg(&fx, 5, DEC_TCP_ACK, "held");
	seg(&fx, 20, DEC_TCP_ACK, "more");
	ck_assert_uint_eq(fx.pool.in_use, 2);
	reasm_release(&fx.pool, &fx.d);
	ck_log(&fx, "");
	ck_assert_uint_eq(fx.pool.in_use, 0);
	/* recycled blocks are reused */
	seg(&fx, 30, DEC_TCP_ACK, "again");
	ck_assert_uint_eq(fx.pool.in_use, 1);
	ck_assert_uint_le(fx.pool.bump, 2);
	fx_done(&fx);
}
END_TEST

/* Two directions share the pool but not their state. */
START_TEST(test_two_directions)
{
	struct fixture fx;
	struct reasm_dir d1;
	fx_default(&fx);
	reasm_dir_init(&d1);
	syn(&fx, 0);
	reasm_segment(&fx.pool, &d1, 1, 9000, DEC_TCP_SYN | DEC_TCP_ACK, NULL, 0, 0, &fx.cb);
	reasm_segment(&fx.pool, &d1, 1, 9004, DEC_TCP_ACK, (const uint8_t *)"DEF", 3, 3, &fx.cb);
	seg(&fx, 1, DEC_TCP_ACK, "abc");
	ck_assert_int_eq(fx.rec.last_dir, 0);
	reasm_segment(&fx.pool, &d1, 1, 9001, DEC_TCP_ACK, (const uint8_t *)"ABC", 3, 3, &fx.cb);
	ck_assert_int_eq(fx.rec.last_dir, 1);
	ck_log(&fx, "D:abc|D:ABC|D:DEF|");
	ck_assert_uint_eq(d1.next_seq, 9007);
	ck_assert_uint_eq(fx.d.next_seq, 4);
	reasm_release(&fx.pool, &d1);
	fx_done(&fx);
}
END_TEST

/* ---- property test: consistent segments in any order ---- */

static uint32_t rng_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

/* A 20000-byte stream cut into random segments, with random overlapping
 * retransmissions (same bytes), fed in a shuffled order starting at a random
 * ISN (so some runs wrap). Every copy agrees, so the result must be exactly
 * the stream, with no gap, whatever the order. */
START_TEST(test_random_consistent_segments)
{
	enum { N = 20000, MAXSEG = 64 * 4 };
	struct fixture fx;
	uint64_t rs = 0x9e3779b97f4a7c15ull ^ (uint64_t)_i * 0x100000001b3ull;
	uint8_t *stream = malloc(N);
	uint32_t *off = malloc(MAXSEG * sizeof(uint32_t));
	uint32_t *len = malloc(MAXSEG * sizeof(uint32_t));
	ck_assert_ptr_nonnull(stream);
	ck_assert_ptr_nonnull(off);
	ck_assert_ptr_nonnull(len);
	for (size_t i = 0; i < N; i++)
		stream[i] = (uint8_t)rng_next(&rs);
	unsigned n = 0;
	for (uint32_t pos = 0; pos < N && n < MAXSEG;) {
		uint32_t l = 1 + rng_next(&rs) % 3000;
		if (l > N - pos)
			l = N - pos;
		off[n] = pos;
		len[n] = l;
		n++;
		pos += l;
	}
	ck_assert_uint_eq(off[n - 1] + len[n - 1], N);
	unsigned base_n = n;
	while (n < base_n * 2 && n < MAXSEG) { /* overlapping retransmissions */
		uint32_t a = rng_next(&rs) % N;
		uint32_t l = 1 + rng_next(&rs) % 2500;
		if (l > N - a)
			l = N - a;
		off[n] = a;
		len[n] = l;
		n++;
	}
	for (unsigned i = n - 1; i > 0; i--) { /* Fisher-Yates */
		unsigned j = rng_next(&rs) % (i + 1);
		uint32_t t = off[i];
		off[i] = off[j];
		off[j] = t;
		t = len[i];
		len[i] = len[j];
		len[j] = t;
	}
	uint32_t isn = _i == 0 ? 0xffffd000u : rng_next(&rs);
	fx_default(&fx);
	syn(&fx, isn);
	for (unsigned i = 0; i < n; i++)
		seg_bytes(&fx, isn + 1 + off[i], stream + off[i], len[i]);
	reasm_flush(&fx.pool, &fx.d, 0, &fx.cb);
	ck_assert_uint_eq(fx.rec.gap_calls, 0);
	ck_assert_uint_eq(fx.rec.data_len, N);
	ck_assert_mem_eq(fx.rec.data, stream, N);
	ck_assert_uint_eq(fx.d.next_seq, isn + 1 + N);
	ck_assert_uint_eq(fx.pool.st.delivered_bytes, N);
	free(stream);
	free(off);
	free(len);
	fx_done(&fx);
}
END_TEST

static Suite *reasm_suite(void)
{
	Suite *s = suite_create("reasm");
	TCase *tc = tcase_create("order");
	tcase_add_test(tc, test_in_order);
	tcase_add_test(tc, test_reversed_order);
	tcase_add_test(tc, test_overlap_held_first_wins);
	tcase_add_test(tc, test_overlap_delivered_first_wins);
	tcase_add_test(tc, test_overlap_in_order_over_held);
	tcase_add_test(tc, test_overlap_spanning_several_held);
	tcase_add_test(tc, test_exact_duplicates);
	tcase_add_test(tc, test_two_directions);
	tcase_add_loop_test(tc, test_random_consistent_segments, 0, 8);
	suite_add_tcase(s, tc);

	TCase *tg = tcase_create("gaps");
	tcase_add_test(tg, test_hole_then_flush);
	tcase_add_test(tg, test_ack_past_hole);
	tcase_add_test(tg, test_ack_beyond_held_data);
	tcase_add_test(tg, test_ack_at_held_start);
	tcase_add_test(tg, test_ack_ignored_when_nothing_held);
	tcase_add_test(tg, test_snaplen_truncated_segment);
	tcase_add_test(tg, test_snaplen_gap_over_held);
	suite_add_tcase(s, tg);

	TCase *tq = tcase_create("sequence");
	tcase_add_test(tq, test_wraparound);
	tcase_add_test(tq, test_syn_consumes_one);
	tcase_add_test(tq, test_midstream_pickup);
	tcase_add_test(tq, test_fin_closes);
	tcase_add_test(tq, test_fin_out_of_order);
	tcase_add_test(tq, test_rst_flushes_and_closes);
	suite_add_tcase(s, tq);

	TCase *tm = tcase_create("caps");
	tcase_add_test(tm, test_dir_cap);
	tcase_add_test(tm, test_memcap);
	tcase_add_test(tm, test_large_segment_held);
	tcase_add_test(tm, test_window_jump);
	tcase_add_test(tm, test_window_jump_with_held);
	tcase_add_test(tm, test_release);
	suite_add_tcase(s, tm);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(reasm_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
