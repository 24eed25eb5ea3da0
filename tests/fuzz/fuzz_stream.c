/* fuzz_stream.c - the shared body of the stream fuzz targets (fuzz_mbtcp,
 * fuzz_tpkt, fuzz_opcua): see fuzz_stream.h for what it does and the input
 * format. */
#include "config.h"

#include "tests/fuzz/fuzz_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/flow.h"
#include "capture/reasm.h"
#include "dissectors/dis.h"
#include "dissectors/dis_event.h"

#define FUZZ_TS_BASE_US 1700000000000000ull
#define FUZZ_MAX_STATES 4
#define FUZZ_BUF_MEMCAP ((size_t)1 << 20)

static struct dis_runtime rt;
static int rt_ready;
static volatile uint64_t sink; /* keeps the event reads from being optimised away */
static const char *target_name = "fuzz_stream";

static void die(const char *why)
{
	fprintf(stderr, "%s: invariant violated: %s\n", target_name, why);
	abort();
}

/* The emit callback: reads every byte an output would read. */
static void touch_event(void *user, const struct dis_event *ev)
{
	uint64_t acc = (uint64_t)(uintptr_t)user;

	if (!ev || !ev->action)
		die("event without an action");
	if (ev->dir > 1 || ev->fclass >= DIS_FC__COUNT || ev->count == 0)
		die("event direction, class or count out of range");
	if (ev->nfields > DIS_EV_MAX_FIELDS || ev->str_used > DIS_EV_STR_BYTES)
		die("event field list or string arena overflowed");
	acc += strlen(ev->action) + strlen(dis_fclass_name((enum dis_fclass)ev->fclass));
	acc += ev->ts_us + ev->count + ev->flags;
	if (ev->proto)
		acc += strlen(ev->proto->name) + strlen(ev->proto->label);
	if (ev->flow)
		acc += ev->flow->key.port[0] + ev->flow->key.port[1] + ev->flow->id;
	for (unsigned i = 0; i < ev->nfields; i++) {
		const struct dis_field *f = &ev->f[i];
		if (!f->key)
			die("field without a key");
		acc += strlen(f->key);
		switch (f->type) {
		case DIS_F_UINT:
		case DIS_F_INT:
		case DIS_F_BOOL:
			acc += f->v.u;
			break;
		case DIS_F_STR:
			if (f->str_off > ev->str_used || f->str_len > ev->str_used - f->str_off)
				die("string field outside the used arena");
			for (unsigned j = 0; j < f->str_len; j++)
				acc += (uint8_t)ev->str[f->str_off + j];
			break;
		default:
			die("unknown field type");
		}
	}
	sink += acc;
}

static void runtime_once(void)
{
	char err[256];

	if (rt_ready)
		return;
	if (dis_runtime_init(&rt, FUZZ_MAX_STATES, FUZZ_BUF_MEMCAP, touch_event, NULL, err,
			     sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", target_name, err);
		abort();
	}
	rt_ready = 1;
}

static uint32_t rng_next(uint32_t *s)
{
	uint32_t x = *s; /* xorshift32 */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

int fuzz_stream_run(const struct fuzz_stream_target *t, const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	target_name = t->name;
	runtime_once();

	uint8_t *buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	const uint8_t mode = buf[0];
	const unsigned dir_mode = mode >> 6;
	const unsigned split_mode = (mode >> 4) & 3;
	const int whole_first = (mode >> 3) & 1;
	const unsigned gap_rate = mode & 7;
	rt.aggregate = t->aggregate_from_last_byte ? !(buf[size - 1] & 1) : 1;
	uint32_t rng = 0x9e3779b9u ^ ((uint32_t)mode * 0x01000193u);
	if (!rng)
		rng = 1;

	struct flow f;
	memset(&f, 0, sizeof(f));
	f.key.port[0] = 49152;
	f.key.port[1] = t->port;
	f.key.l4_proto = 6;
	f.key.ip_ver = 4;
	f.init_is_lo = 1;
	f.in_use = 1;
	f.id = 1;
	f.tcp_state = FLOW_TCP_ESTABLISHED;
	f.ndpi.slot = FLOW_NONE;
	reasm_dir_init(&f.rs[0]);
	reasm_dir_init(&f.rs[1]);

	const uint8_t *p = buf + 1;
	size_t left = size - 1;
	uint64_t ts = FUZZ_TS_BASE_US;
	unsigned unit_no = 0;
	int seen_dir[2] = { 0, 0 };

	while (left > 0) {
		size_t unit = (dir_mode == 1 || dir_mode == 2) ? t->unit_len(p, left) : left;
		int dir = dir_mode == 1 ? (int)(unit_no & 1) : dir_mode == 2 ? (int)(rng_next(&rng) & 1) : 0;
		unit_no++;

		while (unit > 0) {
			if (dir_mode == 3)
				dir = (int)(rng_next(&rng) & 1);
			size_t n;
			if (whole_first && !seen_dir[dir])
				n = t->unit_len(p, unit);
			else if (split_mode == 0)
				n = unit;
			else if (split_mode == 1)
				n = 1;
			else if (split_mode == 2)
				n = 1 + rng_next(&rng) % 8;
			else
				n = 1 + rng_next(&rng) % 300;
			if (n > unit)
				n = unit;
			seen_dir[dir] = 1;

			ts += 1 + rng_next(&rng) % 5000;
			dis_stream_data(&rt, &f, dir, p, n, ts);
			p += n;
			left -= n;
			unit -= n;

			if (gap_rate && rng_next(&rng) % 32 < gap_rate) {
				uint32_t skip = 1 + rng_next(&rng) % 16;
				if (skip > unit)
					skip = (uint32_t)unit;
				p += skip;
				left -= skip;
				unit -= skip;
				dis_stream_gap(&rt, &f, dir, skip ? skip : 1 + rng_next(&rng) % 64, ts);
			}
		}
	}

	dis_flow_end(&rt, &f, ts + 1);
	if (f.dis)
		die("dis_flow_end left the dissector attached");
	if (f.probe_buf[0] || f.probe_buf[1] || f.probe_len[0] || f.probe_len[1])
		die("probe buffers still held after dis_flow_end");
	if (rt.st.buf_bytes != 0)
		die("leftover buffers still held after dis_flow_end");
	free(buf);
	return 0;
}
