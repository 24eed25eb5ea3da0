/* dis_fixture.h - driving one dissector through the real stream framework in
 * a Check test: a dissector runtime whose emit callback copies every event,
 * a zeroed TCP flow to a given server port, exact-size heap copies of every
 * input (so ASan sees over-reads), and event field lookups.
 *
 * The including file defines MAX_EVENTS (events kept) and TS0 (a capture
 * time) first. Shared by check_mbtcp.c, check_tpkt.c and check_opcua.c.
 */
#ifndef ZW_DIS_FIXTURE_H
#define ZW_DIS_FIXTURE_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/flow.h"
#include "capture/reasm.h"
#include "dissectors/dis.h"
#include "dissectors/dis_event.h"

struct dis_fixture {
	struct dis_runtime rt;
	struct flow f;
	struct dis_event *ev;
	unsigned n_ev;
	/* non-NULL: keep only the events of this protocol (check_tpkt keeps
	 * the COTP framing events and leaves S7 events to check_s7comm) */
	const struct dis_proto *only;
};

static inline void fx_on_emit(void *user, const struct dis_event *ev)
{
	struct dis_fixture *x = user;
	ck_assert_uint_lt(x->n_ev, MAX_EVENTS);
	ck_assert_ptr_eq(ev->flow, &x->f);
	if (x->only && ev->proto != x->only)
		return;
	memcpy(&x->ev[x->n_ev++], ev, sizeof(*ev));
}

/* A new flow from port 50000 (the initiator, key endpoint 0) to server_port. */
static inline void flow_reset(struct dis_fixture *x, uint16_t server_port)
{
	memset(&x->f, 0, sizeof(x->f));
	x->f.id = 1;
	x->f.key.port[0] = 50000;
	x->f.key.port[1] = server_port;
	x->f.init_is_lo = 1;
	x->f.key.l4_proto = 6;
	x->f.key.ip_ver = 4;
	x->f.ndpi.slot = FLOW_NONE;
	reasm_dir_init(&x->f.rs[0]);
	reasm_dir_init(&x->f.rs[1]);
}

static inline void fx_init(struct dis_fixture *x, uint16_t server_port)
{
	char err[256];
	memset(x, 0, sizeof(*x));
	ck_assert_int_eq(dis_runtime_init(&x->rt, 16, (size_t)1 << 20, fx_on_emit, x, err,
					  sizeof(err)),
			 0);
	x->ev = calloc(MAX_EVENTS, sizeof(*x->ev));
	ck_assert_ptr_nonnull(x->ev);
	flow_reset(x, server_port);
}

/* Ends the flow; every leftover buffer must have been returned. */
static inline void fx_done(struct dis_fixture *x)
{
	dis_flow_end(&x->rt, &x->f, TS0 + 999999);
	ck_assert_ptr_null(x->f.dis);
	ck_assert_uint_eq(x->rt.st.buf_bytes, 0);
	dis_runtime_destroy(&x->rt);
	free(x->ev);
}

/* Feeds n bytes from an exact-size heap copy, so ASan sees over-reads. */
static inline void feed(struct dis_fixture *x, int dir, const uint8_t *b, size_t n, uint64_t ts)
{
	uint8_t *c = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(c);
	if (n)
		memcpy(c, b, n);
	dis_stream_data(&x->rt, &x->f, dir, c, n, ts);
	free(c);
}

/* Runs a probe on an exact-size heap copy. */
static inline enum dis_probe_result
fx_probe(enum dis_probe_result (*fn)(const uint8_t *, size_t, int), const uint8_t *b, size_t n,
	 int dir)
{
	uint8_t *c = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(c);
	if (n)
		memcpy(c, b, n);
	enum dis_probe_result r = fn(c, n, dir);
	free(c);
	return r;
}

/* a followed by b, in out (which must hold both). */
static inline size_t cat2(uint8_t *out, size_t cap, const uint8_t *a, size_t la,
			  const uint8_t *b, size_t lb)
{
	ck_assert_uint_le(la, cap);
	ck_assert_uint_le(lb, cap - la);
	memcpy(out, a, la);
	memcpy(out + la, b, lb);
	return la + lb;
}

static inline const struct dis_field *ev_field(const struct dis_event *ev, const char *key)
{
	for (unsigned i = 0; i < ev->nfields; i++)
		if (strcmp(ev->f[i].key, key) == 0)
			return &ev->f[i];
	return NULL;
}

/* The field key of ev, which must exist and have type type. */
static inline const struct dis_field *ev_typed(const struct dis_event *ev, const char *key,
					       uint8_t type)
{
	const struct dis_field *f = ev_field(ev, key);
	ck_assert_msg(f != NULL, "event %s has no field %s", ev->action, key);
	ck_assert_uint_eq(f->type, type);
	return f;
}

static inline uint64_t ev_u(const struct dis_event *ev, const char *key)
{
	return ev_typed(ev, key, DIS_F_UINT)->v.u;
}

static inline int64_t ev_i(const struct dis_event *ev, const char *key)
{
	return ev_typed(ev, key, DIS_F_INT)->v.i;
}

static inline int ev_b(const struct dis_event *ev, const char *key)
{
	return ev_typed(ev, key, DIS_F_BOOL)->v.u != 0;
}

static inline void ck_ev_str(const struct dis_event *ev, const char *key, const char *want)
{
	const struct dis_field *f = ev_typed(ev, key, DIS_F_STR);
	ck_assert_uint_eq(f->str_len, strlen(want));
	ck_assert_uint_le((size_t)f->str_off + f->str_len, ev->str_used);
	ck_assert_mem_eq(ev->str + f->str_off, want, f->str_len);
}

#endif /* ZW_DIS_FIXTURE_H */
