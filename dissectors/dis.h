/* dis.h - dissector registry, stream framing and the event path.
 *
 * A protocol is one file that exports one const struct dis_proto; the list
 * lives in dis_registry.c. For every TCP flow the framework offers the first
 * in-order payload chunks to the probes (protocols whose port matches first,
 * then all others, so an OT protocol on a non-standard port is still found),
 * attaches the first protocol that says yes, and from then on feeds it the
 * reassembled bytes of each direction.
 *
 * parse() contract: it is called with bytes starting at a PDU boundary.
 *   DIS_OK          *used = bytes consumed (>= 1, one or more whole PDUs); it
 *                   may exceed len when the PDU goes on past this chunk and
 *                   the dissector needs none of the rest (a body it does not
 *                   decode): the framework then skips the remaining bytes
 *                   without buffering them, and a gap that falls inside them
 *                   only shortens the skip
 *   DIS_NEED_MORE   *used = total bytes the next PDU needs if known, else 0;
 *                   the framework keeps the bytes in the direction's leftover
 *                   buffer (bounded by max_pdu) and calls again with more
 *   DIS_MALFORMED   *used = bytes to discard (>= 1); counted; a flow that has
 *                   not yet shown one good PDU in each direction is detached
 *   DIS_UNSUPPORTED *used = bytes to skip; 0 stops parsing this direction
 * gap() is called when reassembly reports missing bytes; buffered bytes of a
 * partial PDU are discarded first. close() flushes pending state at flow end.
 */
#ifndef ZW_DIS_H
#define ZW_DIS_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/dis_event.h"

#define DIS_MAX_PROTOS 16
#define DIS_PROBE_TRIES 4       /* payload chunks per direction offered to probes */
#define DIS_PROBE_BYTES 512     /* first bytes kept per direction while probes want more */
#define DIS_ANOMALY_EVENTS_PER_FLOW 8 /* further anomalies are only counted */

enum dis_status { DIS_OK, DIS_NEED_MORE, DIS_MALFORMED, DIS_UNSUPPORTED };
enum dis_probe_result { DIS_PROBE_NO, DIS_PROBE_YES, DIS_PROBE_MORE };

struct dis_ctx;

struct dis_proto {
	const char *name;   /* snake_case, also the JSON object name: "modbus" */
	const char *label;  /* for humans: "Modbus/TCP" */
	uint16_t tcp_port;  /* well-known port, tried first; 0 if none */
	/* A passive dissector only observes (session attribution: banners,
	 * user names, file names) a flow that nDPI goes on classifying: nDPI
	 * neither waits for it nor stops when it confirms, and the flow's
	 * protocol is known only when nDPI has decided. When both directions
	 * have stopped parsing (DIS_UNSUPPORTED with *used 0) it is closed and
	 * detached, and the flow's bytes are no longer reassembled. */
	uint8_t passive;
	size_t state_size;  /* per-flow state, zeroed before init */
	size_t state_zero;  /* if not 0: only the first state_zero bytes are zeroed
			     * (large buffers at the end that are read only below
			     * their fill level need not be) */
	size_t max_pdu;     /* largest PDU the leftover buffer must hold */
	/* dir: 0 = bytes from the flow initiator. Must not keep buf. */
	enum dis_probe_result (*probe)(const uint8_t *buf, size_t len, int dir);
	void (*init)(void *state);
	enum dis_status (*parse)(void *state, int dir, const uint8_t *buf, size_t len,
				 size_t *used, struct dis_ctx *ctx);
	void (*gap)(void *state, int dir, uint32_t len, struct dis_ctx *ctx);
	void (*close)(void *state, struct dis_ctx *ctx);
	/* Per-operation counters for the statistics record. counter_name fills
	 * buf with the name of counter idx and returns 0, or -1 if idx is not a
	 * counter worth naming. */
	unsigned n_counters;
	int (*counter_name)(unsigned idx, char *buf, size_t len);
};

/* ---- registry (dis_registry.c) ---- */
extern const struct dis_proto *const dis_protos[];
unsigned dis_proto_count(void);
const struct dis_proto *dis_proto_by_name(const char *name);
int dis_proto_index(const struct dis_proto *p);
/* 1 when port is the well-known TCP port of a registered dissector. */
int dis_tcp_port_hint(uint16_t port);
/* Bit i set: dis_protos[i] has p0 or p1 as its well-known TCP port. */
unsigned dis_tcp_port_match(uint16_t p0, uint16_t p1);

/* ---- runtime (dis_stream.c) ---- */
struct dis_proto_stats {
	uint64_t flows;     /* flows attached */
	uint64_t confirmed; /* flows with a good PDU both ways */
	uint64_t rejected;  /* detached after a malformed PDU before confirmation */
	uint64_t pdus;      /* parse() calls returning DIS_OK */
	uint64_t bytes;
	uint64_t malformed;
	uint64_t gaps;
	uint64_t oversize;  /* PDU larger than max_pdu or the buffer memcap */
	uint64_t events;
	uint64_t anomalies;
	uint64_t *counters; /* n_counters entries */
};

struct dis_stats {
	uint64_t probes;
	uint64_t no_dissector;   /* TCP flows no probe accepted */
	uint64_t state_exhausted; /* flow state pool at its cap */
	uint64_t buf_memcap_hits;
	uint64_t buf_bytes, buf_bytes_max;
};

typedef void (*dis_emit_fn)(void *user, const struct dis_event *ev);

struct dis_pool;

struct dis_runtime {
	struct dis_proto_stats proto[DIS_MAX_PROTOS];
	struct dis_stats st;
	struct dis_pool *pools; /* one per protocol */
	uint32_t max_states;    /* per protocol */
	size_t buf_memcap;      /* leftover buffers, all flows */
	dis_emit_fn emit;
	void *emit_user;
	/* 1 (default, set by dis_runtime_init): dissectors may fold cyclic
	 * operations (Modbus reads) into one event per flow; 0: every
	 * operation is its own event (zonewatch --no-aggregate). */
	int aggregate;
};

/* Per-flow dissector attachment, allocated from the protocol's pool. */
struct dis_flow {
	const struct dis_proto *proto;
	uint8_t pidx;
	uint8_t ok_dirs;   /* bit per direction: a PDU parsed OK */
	uint8_t dead_dirs; /* bit per direction: parsing stopped */
	uint8_t anomaly_events;
	uint8_t confirmed; /* a PDU parsed OK in both directions */
	uint32_t left_len[2], left_need[2], left_cap[2];
	uint32_t skip[2];  /* bytes of the current PDU still to skip (see DIS_OK) */
	uint8_t *left[2];
	uint64_t state[]; /* state_size bytes, 8-byte aligned */
};

/* What a dissector sees of its flow while parsing. */
struct dis_ctx {
	struct dis_runtime *rt;
	const struct flow *flow;
	struct dis_flow *df;
	uint64_t ts_us;
};

int dis_runtime_init(struct dis_runtime *rt, uint32_t max_states, size_t buf_memcap,
		     dis_emit_fn emit, void *user, char *errbuf, size_t errlen)
	__attribute__((warn_unused_result));
void dis_runtime_destroy(struct dis_runtime *rt);

struct flow;
/* In-order stream bytes of TCP flow f in direction dir (0 from initiator). */
void dis_stream_data(struct dis_runtime *rt, struct flow *f, int dir, const uint8_t *data,
		     size_t len, uint64_t ts_us);
/* len bytes are missing in direction dir. */
void dis_stream_gap(struct dis_runtime *rt, struct flow *f, int dir, uint32_t len, uint64_t ts_us);
/* The flow ends: close() the dissector and release its state. */
void dis_flow_end(struct dis_runtime *rt, struct flow *f, uint64_t ts_us);

/* ---- for dissectors ---- */
void dis_ev_init(struct dis_event *ev, const struct dis_ctx *ctx, int dir, const char *action,
		 enum dis_fclass fclass);
void dis_emit(struct dis_ctx *ctx, struct dis_event *ev);
static inline void dis_count(struct dis_ctx *ctx, unsigned idx)
{
	struct dis_proto_stats *ps = &ctx->rt->proto[ctx->df->pidx];
	if (idx < ctx->df->proto->n_counters)
		ps->counters[idx]++;
}
/* Counts a protocol anomaly and, for the first few per flow, emits it as an
 * event with action `what` (static string) and flag DIS_EV_ANOMALY. */
void dis_anomaly(struct dis_ctx *ctx, int dir, const char *what);

#endif /* ZW_DIS_H */
