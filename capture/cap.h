/* cap.h - the packet engine: capture sources and the per-packet pipeline.
 *
 * One engine owns the flow table, the reassembly pool, the dissector runtime
 * and the nDPI classifier. Offline files and live interfaces feed the same
 * cap_engine_packet(), so a replay and a live capture of the same traffic give
 * the same result. Time is always the capture time of the packets.
 */
#ifndef ZW_CAP_H
#define ZW_CAP_H

#include <stddef.h>
#include <stdint.h>

#include "capture/dec.h"
#include "capture/flow.h"
#include "capture/reasm.h"
#include "dissectors/dis.h"
#include "dissectors/dis_ndpi.h"

#define ZW_ERRBUF_SIZE 256

struct cap_config {
	uint32_t max_flows;
	uint32_t tcp_est_timeout_s, tcp_short_timeout_s, tcp_closed_timeout_s, udp_timeout_s;
	size_t reasm_memcap_bytes;
	uint32_t reasm_dir_cap_bytes;
	size_t dis_buf_memcap_bytes;
	uint32_t ndpi_slots; /* 0 disables nDPI */
	uint32_t ndpi_max_pkts; /* per TCP flow, 0 = default */
	int aggregate;          /* fold cyclic reads (default 1); 0: --no-aggregate */
	const char *bpf_filter;
	/* live capture */
	int snaplen;
	int promisc;
	int buffer_mib;
};

void cap_config_defaults(struct cap_config *c);

/* Where results go. Any callback may be NULL. */
struct cap_sinks {
	void (*event)(void *user, const struct dis_event *ev);
	void (*flow)(void *user, const struct flow *f, enum flow_end_reason why);
	/* Once per flow, when its protocol is known (a dissector confirmed it,
	 * nDPI decided, or neither can say more), and at the latest just
	 * before the flow ends. The flow's f->rule belongs to the callee. */
	void (*classified)(void *user, struct flow *f);
	/* Once per second of capture time. */
	void (*tick)(void *user, uint64_t now_us);
	void *user;
};

struct cap_stats {
	uint64_t packets, bytes;
	uint64_t files, files_failed;
	uint64_t read_errors;     /* a file could not be read to its end */
	uint64_t files_direct;    /* classic pcap files read in large blocks (cap.c), not through libpcap */
	uint64_t pcap_recv, pcap_drop, pcap_ifdrop; /* live only */
	uint64_t time_backwards;  /* packets older than the newest seen */
	uint64_t first_us, last_us;
	uint64_t reasm_skipped;   /* TCP segments of flows without a dissector */
};

#define CAP_BATCH 16
#define CAP_BATCH_ARENA (64u * 1024u)

struct cap_batch_pkt {
	struct dec_pkt p;
	struct flow_key key;
	int src_is_lo;
	uint64_t ts_us;
	const uint8_t *frame; /* in the arena, or where it lies in the direct-read buffer */
	uint32_t caplen, wirelen;
	uint32_t hash;
	enum dec_result r;
};

struct cap_batch {
	unsigned n;
	uint32_t used;
	struct cap_batch_pkt pkt[CAP_BATCH];
	uint8_t arena[CAP_BATCH_ARENA] __attribute__((aligned(64)));
};

struct cap_engine {
	struct cap_config cfg;
	struct cap_sinks sinks;
	struct flow_table ft;
	struct reasm_pool rp;
	struct dis_runtime dr;
	struct dis_ndpi *nd;
	struct dec_stats ds;
	struct cap_stats cs;
	int dlt;
	uint64_t now_us;
	uint64_t last_expire_s;
	volatile int stop;  /* set from a signal handler: leave the loop */
	/* progress on a terminal (offline) */
	int progress;
	uint64_t progress_total_bytes, progress_done_bytes;
	struct cap_batch batch;
	uint8_t *rbuf; /* direct reading of classic pcap files (cap.c), allocated at first use */
};

int cap_engine_init(struct cap_engine *e, const struct cap_config *cfg,
		    const struct cap_sinks *sinks, char *errbuf, size_t errlen)
	__attribute__((warn_unused_result));
/* Ends all flows (emitting their records). Call once at the end of input. */
void cap_engine_finish(struct cap_engine *e);
void cap_engine_destroy(struct cap_engine *e);

/* The per-packet pipeline, for one frame of link type e->dlt. */
void cap_engine_packet(struct cap_engine *e, uint64_t ts_us, const uint8_t *frame, uint32_t caplen,
		       uint32_t wirelen);

/* Reads one pcap or pcapng file to its end. Returns 0, 1 when the file was
 * read only in part (damaged; errbuf says why and the packets before the
 * damage were processed), or -1 when it could not be opened. */
int cap_read_file(struct cap_engine *e, const char *path, char *errbuf, size_t errlen)
	__attribute__((warn_unused_result));

/* Captures on an interface until e->stop is set. on_tick (may be NULL) is
 * called about twice a second from the capture loop, e.g. to print
 * statistics on request. Returns 0 or -1 with errbuf. */
int cap_live(struct cap_engine *e, const char *iface, void (*on_tick)(struct cap_engine *e),
	     char *errbuf, size_t errlen) __attribute__((warn_unused_result));

#endif /* ZW_CAP_H */
