/* fuzz_decode.c - libFuzzer target: the whole per-packet pipeline.
 *
 * Frames go through cap_engine_packet() exactly as libpcap hands them over:
 * link/VLAN/IP/TCP/UDP decoding, the flow table (timeouts, eviction, port
 * reuse), nDPI classification, TCP reassembly and the dissectors. At the end
 * of each input every flow is ended (cap_engine_finish), which must give all
 * reassembly blocks, dissector buffers and nDPI slots back: the engine is
 * created once and reused, so anything one input leaks shows up as a failed
 * check here rather than as memory slowly filling up.
 *
 * Input format (all numbers big-endian):
 *   byte 0       link type: byte % 7 indexes EN10MB, LINUX_SLL, LINUX_SLL2,
 *                RAW, NULL, PPP, IPV6
 *   then frames, each:
 *     u16 h      bits 13-0 caplen (a frame cut short by the end of the input
 *                keeps what is there); bit 15: a u16 follows, wirelen =
 *                caplen + that (snaplen truncation); bit 14: a u8 follows,
 *                the clock jumps by that many times 30 s before the frame
 *                (flow timeouts)
 *     [u16 extra] [u8 jump] caplen bytes of frame
 * Timestamps start at a fixed time and advance 1 ms per frame plus jumps.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/cap.h"
#include "dissectors/dis_cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_TS_BASE_US 1700000000000000ull
#define FUZZ_FRAME_STEP_US 1000u
#define FUZZ_JUMP_US 30000000ull
#define FUZZ_MAX_FRAMES 2048
#define FUZZ_CAPLEN_MASK 0x3fffu
#define FUZZ_F_WIRELEN 0x8000u
#define FUZZ_F_JUMP 0x4000u

/* Link types (libpcap DLT_ values) by input byte 0 % 7. */
static const int fuzz_dlts[] = { 1 /* EN10MB */,   113 /* LINUX_SLL */, 276 /* LINUX_SLL2 */,
				 12 /* RAW */,     0 /* NULL */,        9 /* PPP */,
				 229 /* IPV6 */ };
#define FUZZ_N_DLTS (sizeof(fuzz_dlts) / sizeof(fuzz_dlts[0]))

static struct cap_engine engine;
static int engine_ready;

static void die(const char *why)
{
	fprintf(stderr, "fuzz_decode: invariant violated: %s\n", why);
	abort();
}

static void engine_once(void)
{
	struct cap_config cfg;
	char err[ZW_ERRBUF_SIZE];

	if (engine_ready)
		return;
	cap_config_defaults(&cfg);
	cfg.max_flows = 1024;
	cfg.ndpi_slots = 64;
	cfg.reasm_memcap_bytes = (size_t)4 << 20;
	if (cap_engine_init(&engine, &cfg, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_decode: %s\n", err);
		abort();
	}
	engine_ready = 1;
}

static void feed_frame(struct cap_engine *e, uint64_t ts, const uint8_t *src, uint32_t caplen,
		       uint32_t wirelen)
{
	/* Exact size, so ASan sees any read past the captured bytes. */
	uint8_t *frame = malloc(caplen ? caplen : 1);
	if (!frame)
		return;
	if (caplen)
		memcpy(frame, src, caplen);
	cap_engine_packet(e, ts, frame, caplen, wirelen);
	free(frame);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	engine_once();
	struct cap_engine *e = &engine;

	uint8_t *buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	struct rd r = rd_init(buf, size);
	e->dlt = fuzz_dlts[rd_u8(&r) % FUZZ_N_DLTS];
	/* Each input is its own capture: counters and the clock start afresh. */
	e->now_us = 0;
	e->last_expire_s = 0;
	memset(&e->ds, 0, sizeof(e->ds));
	memset(&e->cs, 0, sizeof(e->cs));

	uint64_t ts = FUZZ_TS_BASE_US;
	for (unsigned n = 0; n < FUZZ_MAX_FRAMES && rd_left(&r) >= 2; n++) {
		uint16_t h = rd_be16(&r);
		uint32_t caplen = h & FUZZ_CAPLEN_MASK;
		uint32_t extra = 0;
		if (h & FUZZ_F_WIRELEN)
			extra = rd_be16(&r);
		if (h & FUZZ_F_JUMP)
			ts += FUZZ_JUMP_US * rd_u8(&r);
		if (!rd_ok(&r))
			break;
		if (caplen > rd_left(&r))
			caplen = (uint32_t)rd_left(&r);
		ts += FUZZ_FRAME_STEP_US;
		feed_frame(e, ts, rd_ptr(&r), caplen, caplen + extra);
		rd_skip(&r, caplen);
	}

	cap_engine_finish(e);
	if (e->ft.st.active != 0)
		die("flows still active after cap_engine_finish");
	if (e->rp.in_use != 0)
		die("reassembly blocks still held after every flow ended");
	if (e->dr.st.buf_bytes != 0)
		die("dissector leftover buffers still held after every flow ended");
	if (e->nd && dis_ndpi_stats(e->nd)->slots_in_use != 0)
		die("nDPI slots still held after every flow ended");
	free(buf);
	return 0;
}
