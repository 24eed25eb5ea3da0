/* cap.c - capture sources (libpcap offline and live) and the packet pipeline:
 * decode -> flow table -> nDPI (until classified) -> TCP reassembly ->
 * dissector -> events. See cap.h.
 */
#include "config.h"

#include "capture/cap.h"
#include "dissectors/tftp.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CAP_LIVE_TIMEOUT_MS 100 /* ring block retire time and poll timeout */
#define CAP_PROGRESS_EVERY 65536   /* packets between progress clock checks */

void cap_config_defaults(struct cap_config *c)
{
	memset(c, 0, sizeof(*c));
	c->max_flows = 300000;
	c->tcp_est_timeout_s = 3600;
	c->tcp_short_timeout_s = 30;
	c->tcp_closed_timeout_s = 60;
	c->udp_timeout_s = 120;
	c->reasm_memcap_bytes = (size_t)64 << 20;
	c->reasm_dir_cap_bytes = 256u << 10;
	c->dis_buf_memcap_bytes = (size_t)64 << 20;
	c->ndpi_slots = 32768;
	c->aggregate = 1;
	c->snaplen = 262144;
	c->promisc = 1;
	c->buffer_mib = 64;
}

/* ---- glue between reassembly, dissectors and the flow table ---- */

struct stream_ctx {
	struct cap_engine *e;
	struct flow *f;
	uint64_t ts_us;
};

static void on_stream_data(void *user, int dir, const uint8_t *data, size_t len)
{
	struct stream_ctx *sc = user;
	dis_stream_data(&sc->e->dr, sc->f, dir, data, len, sc->ts_us);
}

static void on_stream_gap(void *user, int dir, uint32_t len)
{
	struct stream_ctx *sc = user;
	dis_stream_gap(&sc->e->dr, sc->f, dir, len, sc->ts_us);
}

static void on_flow_end(void *user, struct flow *f, enum flow_end_reason why)
{
	struct cap_engine *e = user;
	struct stream_ctx sc = { e, f, f->last_us };
	struct reasm_cb cb = { on_stream_data, on_stream_gap, &sc };
	if (f->dis) {
		reasm_flush(&e->rp, &f->rs[0], 0, &cb);
		reasm_flush(&e->rp, &f->rs[1], 1, &cb);
	}
	reasm_release(&e->rp, &f->rs[0]);
	reasm_release(&e->rp, &f->rs[1]);
	dis_flow_end(&e->dr, f, f->last_us);
	if (e->nd)
		dis_ndpi_finish(e->nd, f);
	if (!f->rule.classified && e->sinks.classified) {
		f->rule.classified = 1;
		e->sinks.classified(e->sinks.user, f);
	}
	if (e->sinks.flow)
		e->sinks.flow(e->sinks.user, f, why);
}

/* 1 when nothing more will be learnt about the flow's protocol. */
static inline int app_known(const struct cap_engine *e, const struct flow *f)
{
	int passive = f->dis_proto && dis_protos[f->dis_proto - 1]->passive;
	if (f->dis_confirmed && !passive)
		return 1;
	if (f->dis && !passive)
		return 0; /* one of ours is still deciding */
	if (e->nd)
		return f->ndpi.done;
	return f->key.l4_proto != 6 || f->dis_gave_up;
}

static void on_event(void *user, const struct dis_event *ev)
{
	struct cap_engine *e = user;
	if (e->sinks.event)
		e->sinks.event(e->sinks.user, ev);
}

int cap_engine_init(struct cap_engine *e, const struct cap_config *cfg,
		    const struct cap_sinks *sinks, char *errbuf, size_t errlen)
{
	memset(e, 0, sizeof(*e));
	e->cfg = *cfg;
	if (sinks)
		e->sinks = *sinks;
	e->dlt = -1;
	struct flow_config fc = { cfg->max_flows, cfg->tcp_est_timeout_s, cfg->tcp_short_timeout_s,
				  cfg->tcp_closed_timeout_s, cfg->udp_timeout_s };
	if (flow_table_init(&e->ft, &fc, on_flow_end, e, errbuf, errlen) < 0)
		return -1;
	if (reasm_pool_init(&e->rp, cfg->reasm_memcap_bytes, cfg->reasm_dir_cap_bytes,
			    16u << 20, errbuf, errlen) < 0)
		goto fail_flow;
	if (dis_runtime_init(&e->dr, cfg->max_flows, cfg->dis_buf_memcap_bytes, on_event, e,
			     errbuf, errlen) < 0)
		goto fail_reasm;
	e->dr.aggregate = cfg->aggregate;
	if (cfg->ndpi_slots) {
		e->nd = dis_ndpi_new(cfg->ndpi_slots, cfg->ndpi_max_pkts, errbuf, errlen);
		if (!e->nd)
			goto fail_dis;
	}
	return 0;
fail_dis:
	dis_runtime_destroy(&e->dr);
fail_reasm:
	reasm_pool_destroy(&e->rp);
fail_flow:
	flow_table_destroy(&e->ft);
	return -1;
}

void cap_engine_finish(struct cap_engine *e)
{
	flow_end_all(&e->ft);
}

void cap_engine_destroy(struct cap_engine *e)
{
	free(e->rbuf);
	e->rbuf = NULL;
	dis_ndpi_free(e->nd);
	e->nd = NULL;
	dis_runtime_destroy(&e->dr);
	reasm_pool_destroy(&e->rp);
	flow_table_destroy(&e->ft);
}

/* Time, expiry and the flow-level work for one decoded packet. */
static void process_decoded(struct cap_engine *e, const struct dec_pkt *pp, enum dec_result r,
			    const struct flow_key *key, uint32_t hash, int src_is_lo)
{
	uint64_t ts_us = pp->ts_us;
	const uint8_t *frame = pp->frame;

	if (!e->cs.first_us || ts_us < e->cs.first_us)
		e->cs.first_us = ts_us;
	if (ts_us >= e->now_us) {
		e->now_us = ts_us;
		uint64_t s = ts_us / 1000000u;
		if (s != e->last_expire_s) {
			e->last_expire_s = s;
			flow_expire(&e->ft, ts_us);
			if (e->sinks.tick)
				e->sinks.tick(e->sinks.user, ts_us);
		}
	} else {
		e->cs.time_backwards++;
	}
	e->cs.last_us = e->now_us;

	if (r != DEC_TCP && r != DEC_UDP)
		return;

	int dir;
	struct flow *f = flow_packet_keyed(&e->ft, pp, key, hash, src_is_lo, &dir);
	if (!f)
		return;
	if (r == DEC_TCP) {
		if (!f->dis && f->dis_gave_up) {
			/* No dissector wants this stream: skip reassembly entirely. */
			if (f->rs[0].held_head != REASM_NONE || f->rs[1].held_head != REASM_NONE) {
				reasm_release(&e->rp, &f->rs[0]);
				reasm_release(&e->rp, &f->rs[1]);
			}
			e->cs.reasm_skipped++;
		} else {
			struct stream_ctx sc = { e, f, ts_us };
			struct reasm_cb cb = { on_stream_data, on_stream_gap, &sc };
			if ((pp->tcp_flags & DEC_TCP_ACK) && f->rs[!dir].held_head != REASM_NONE)
				reasm_ack(&e->rp, &f->rs[!dir], !dir, pp->ack, &cb);
			if (pp->payload_wire_len ||
			    (pp->tcp_flags & (DEC_TCP_SYN | DEC_TCP_FIN | DEC_TCP_RST)))
				reasm_segment(&e->rp, &f->rs[dir], dir, pp->seq, pp->tcp_flags,
					      frame + pp->payload_off, pp->payload_len,
					      pp->payload_wire_len, &cb);
			/* Both directions closed: nothing more can be parsed, so
			 * the dissector flushes now and its state goes back to
			 * the pool instead of waiting for the flow's timeout. */
			if (f->dis && (f->rs[0].flags & REASM_F_CLOSED) &&
			    (f->rs[1].flags & REASM_F_CLOSED))
				dis_flow_end(&e->dr, f, ts_us);
		}
	}

	/* TFTP read/write requests (file names); UDP has no stream framework. */
	if (r == DEC_UDP && dir == 0 && pp->payload_len && f->pkts[0] == 1 &&
	    flow_port(f, 1) == TFTP_PORT)
		dis_tftp_datagram(&e->dr, f, dir, frame + pp->payload_off, pp->payload_len, ts_us);

	/* nDPI names what our own dissectors do not handle. While one of ours
	 * holds the flow nDPI waits; once ours has confirmed it (a good PDU both
	 * ways) nDPI's answer so far is final and its slot is freed; if ours
	 * rejects the flow, nDPI carries on. */
	if (e->nd && !f->ndpi.done) {
		int passive = f->dis_proto && dis_protos[f->dis_proto - 1]->passive;
		if (f->dis_confirmed && !passive)
			dis_ndpi_stop(e->nd, f);
		else if (f->dis && !passive)
			; /* one of ours holds it: nDPI waits */
		else if (r == DEC_TCP && pp->payload_len == 0 && !f->dis_gave_up &&
			 (dis_tcp_port_hint(f->key.port[0]) || dis_tcp_port_hint(f->key.port[1])) &&
			 dis_ndpi_defer(e->nd, f, frame + pp->l3_off, pp->l3_len, ts_us) == 0)
			; /* handshake on a dissector's port: held back */
		else
			dis_ndpi_packet(e->nd, f, frame + pp->l3_off, pp->l3_len, ts_us);
	}
	if (!f->rule.classified && e->sinks.classified && app_known(e, f)) {
		f->rule.classified = 1;
		e->sinks.classified(e->sinks.user, f);
	}
}


void cap_engine_packet(struct cap_engine *e, uint64_t ts_us, const uint8_t *frame, uint32_t caplen,
		       uint32_t wirelen)
{
	struct dec_pkt p;
	e->cs.packets++;
	e->cs.bytes += wirelen;
	enum dec_result r = dec_packet(e->dlt, frame, caplen, wirelen, ts_us, &p, &e->ds);
	struct flow_key k;
	uint32_t h = 0;
	int lo = 0;
	if (r == DEC_TCP || r == DEC_UDP)
		h = flow_hash_prefetch(&e->ft, &p, &k, &lo);
	process_decoded(e, &p, r, &k, h, lo);
}

/* ---- batches ----
 *
 * Looking up an active flow costs two dependent cache misses (index slot,
 * then entry) when thousands of flows are active. Packets are therefore
 * taken in small batches: all are decoded and their index slots
 * prefetched, then their entries prefetched, then each is processed in
 * order, by which time its memory has mostly arrived. libpcap reuses its
 * buffer for every packet, so each frame is copied into the batch arena
 * (small: a typical OT frame is well under 300 bytes). */

static void batch_flush(struct cap_engine *e)
{
	struct cap_batch *b = &e->batch;
	for (unsigned i = 0; i < b->n; i++) {
		struct cap_batch_pkt *bp = &b->pkt[i];
		bp->r = dec_packet(e->dlt, bp->frame, bp->caplen, bp->wirelen, bp->ts_us, &bp->p,
				   &e->ds);
		if (bp->r == DEC_TCP || bp->r == DEC_UDP)
			bp->hash = flow_hash_prefetch(&e->ft, &bp->p, &bp->key, &bp->src_is_lo);
	}
	for (unsigned i = 0; i < b->n; i++) {
		struct cap_batch_pkt *bp = &b->pkt[i];
		if (bp->r == DEC_TCP || bp->r == DEC_UDP)
			flow_prefetch_entry(&e->ft, bp->hash);
	}
	/* Third step: the dissector state the flow points to. */
	for (unsigned i = 0; i < b->n; i++) {
		struct cap_batch_pkt *bp = &b->pkt[i];
		if (bp->r != DEC_TCP)
			continue;
		struct flow *f = flow_peek(&e->ft, bp->hash);
		if (f && f->dis) {
			__builtin_prefetch(f->dis);
			__builtin_prefetch((const char *)f->dis + 64);
			__builtin_prefetch((const char *)f->dis + 128);
		}
	}
	for (unsigned i = 0; i < b->n; i++) {
		struct cap_batch_pkt *bp = &b->pkt[i];
		process_decoded(e, &bp->p, bp->r, &bp->key, bp->hash, bp->src_is_lo);
	}
	b->n = 0;
	b->used = 0;
}

static void batch_add(struct cap_engine *e, uint64_t ts_us, const uint8_t *frame, uint32_t caplen,
		      uint32_t wirelen)
{
	struct cap_batch *b = &e->batch;
	e->cs.packets++;
	e->cs.bytes += wirelen;
	if (caplen > CAP_BATCH_ARENA - b->used) {
		batch_flush(e);
		if (caplen > CAP_BATCH_ARENA) {
			/* Too big for the arena: process it where it lies. */
			e->cs.packets--;
			e->cs.bytes -= wirelen;
			cap_engine_packet(e, ts_us, frame, caplen, wirelen);
			return;
		}
	}
	struct cap_batch_pkt *bp = &b->pkt[b->n++];
	bp->frame = b->arena + b->used;
	bp->caplen = caplen;
	bp->wirelen = wirelen;
	bp->ts_us = ts_us;
	memcpy(b->arena + b->used, frame, caplen);
	b->used += (caplen + 7u) & ~7u;
	if (b->n == CAP_BATCH)
		batch_flush(e);
}

/* A frame that stays where it is until the batch is flushed (direct read). */
static inline void batch_add_ref(struct cap_engine *e, uint64_t ts_us, const uint8_t *frame,
				 uint32_t caplen, uint32_t wirelen)
{
	struct cap_batch *b = &e->batch;
	e->cs.packets++;
	e->cs.bytes += wirelen;
	struct cap_batch_pkt *bp = &b->pkt[b->n++];
	bp->frame = frame;
	bp->caplen = caplen;
	bp->wirelen = wirelen;
	bp->ts_us = ts_us;
	if (b->n == CAP_BATCH)
		batch_flush(e);
}

/* ---- offline ---- */

static void pcap_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cap_engine *e = (struct cap_engine *)user;
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	batch_add(e, ts, bytes, h->caplen, h->len);
}

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_line(struct cap_engine *e, uint64_t pos, double t0, uint64_t pkts0, int final)
{
	double dt = mono_now() - t0;
	uint64_t done = e->progress_done_bytes + pos;
	double pct = e->progress_total_bytes ? 100.0 * (double)done / (double)e->progress_total_bytes : 0;
	if (pct > 100)
		pct = 100;
	double pps = dt > 0 ? (double)(e->cs.packets - pkts0) / dt : 0;
	fprintf(stderr, "\rzonewatch: %5.1f%%  %llu/%llu MiB  %llu packets  %.2f Mpps  %llu flows active%s",
		pct, (unsigned long long)(done >> 20),
		(unsigned long long)(e->progress_total_bytes >> 20),
		(unsigned long long)e->cs.packets, pps / 1e6, (unsigned long long)e->ft.st.active,
		final ? "\n" : "   ");
}

static int set_filter(pcap_t *p, const char *filter, bpf_u_int32 netmask, char *errbuf,
		      size_t errlen)
{
	struct bpf_program prog;
	if (!filter || !*filter)
		return 0;
	if (pcap_compile(p, &prog, filter, 1, netmask) < 0) {
		snprintf(errbuf, errlen, "BPF filter '%s': %s", filter, pcap_geterr(p));
		return -1;
	}
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(errbuf, errlen, "BPF filter '%s': %s", filter, pcap_geterr(p));
		return -1;
	}
	return 0;
}

/* ---- offline, direct ----
 *
 * libpcap reads a savefile with two fread() calls per packet through a
 * 4 KiB stdio buffer: the kernel copies every byte into that buffer, stdio
 * copies it into libpcap's packet buffer, and we copied it once more into
 * the batch arena. On the bench mix that was more time than all of
 * decoding and the flow table together (a bare libpcap loop: 8-13 Mpps
 * here; walking the same file's records in a 1 MiB buffer: 35-40 Mpps).
 * libpcap has no way to read a file in large blocks, so for the plain case
 * we read a classic pcap file ourselves, 1 MiB at a time with pread(), and
 * hand the frames to the batch where they lie in that buffer.
 *
 * pread() rather than a memory mapping: a mapped file that another
 * process truncates (a capture ring overwriting its oldest file) raises
 * SIGBUS on the next access; a read just ends early. (Mapped windows were
 * also measured: no faster.)
 *
 * libpcap still opens and checks the file (magic, version, link type,
 * snapshot length) and keeps everything else: pcapng, standard input and
 * pipes, BPF filters, other pcap versions, and every record the walk does
 * not take as plainly valid (a length above the snapshot length or above
 * libpcap's own maximum, a record cut short by the end of the file). There
 * the walk stops and libpcap goes on reading from that record's offset, so a
 * damaged file ends with libpcap's own diagnosis, and packets appended while
 * we read are still read. */

#define CAP_DIRECT_BUF (1u << 20)     /* bytes read at a time */
#define CAP_DIRECT_MAX_CAPLEN 262144u /* libpcap's largest snapshot length */

struct cap_direct {
	int fd;
	uint8_t *buf;  /* CAP_DIRECT_BUF bytes (the engine's, reused) */
	uint64_t boff; /* file offset of buf[0] */
	size_t have;   /* bytes in buf */
	int eof;       /* a read found nothing more */
	int swapped, nsec;
	uint32_t snaplen;
};

static uint32_t rd32(const uint8_t *b, int swapped)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

/* The bytes [pos, pos + need) of the file, or NULL when the file ends
 * first (or cannot be read: libpcap then reads on and reports). The frames
 * of the current batch point into the buffer: it is flushed before the
 * buffer's bytes move. need <= 16 + CAP_DIRECT_MAX_CAPLEN. */
static const uint8_t *direct_get(struct cap_engine *e, struct cap_direct *d, uint64_t pos,
				 size_t need)
{
	if (pos >= d->boff && pos + need <= d->boff + d->have)
		return d->buf + (pos - d->boff);
	if (d->eof)
		return NULL;
	batch_flush(e);
	size_t keep = 0;
	if (pos >= d->boff && pos < d->boff + d->have) {
		keep = (size_t)(d->boff + d->have - pos);
		memmove(d->buf, d->buf + (pos - d->boff), keep);
	}
	d->boff = pos;
	d->have = keep;
	while (d->have < need) {
		ssize_t r = pread(d->fd, d->buf + d->have, CAP_DIRECT_BUF - d->have,
				  (off_t)(d->boff + d->have));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			d->eof = 1;
			return NULL;
		}
		d->have += (size_t)r;
	}
	return d->buf;
}

/* Sets d up when the file at fp can be read directly; 0 if it cannot. */
static int direct_eligible(struct cap_engine *e, FILE *fp, pcap_t *p, struct cap_direct *d)
{
	struct stat st;
	uint8_t h[24];
	memset(d, 0, sizeof(*d));
	if (fp == stdin || (e->cfg.bpf_filter && *e->cfg.bpf_filter))
		return 0;
	d->fd = fileno(fp);
	if (d->fd < 0 || fstat(d->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (pread(d->fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return 0;
	uint32_t magic;
	memcpy(&magic, h, 4);
	if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du) {
		d->swapped = 0;
	} else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u) {
		d->swapped = 1;
		magic = __builtin_bswap32(magic);
	} else {
		return 0; /* pcapng or a pcap variant: libpcap */
	}
	d->nsec = magic == 0xa1b23c4du;
	uint16_t vmaj, vmin;
	memcpy(&vmaj, h + 4, 2);
	memcpy(&vmin, h + 6, 2);
	if (d->swapped) {
		vmaj = __builtin_bswap16(vmaj);
		vmin = __builtin_bswap16(vmin);
	}
	if (vmaj != 2 || vmin != 4)
		return 0;
	int snap = pcap_snapshot(p);
	if (snap <= 0)
		return 0;
	d->snaplen = (uint32_t)snap < CAP_DIRECT_MAX_CAPLEN ? (uint32_t)snap : CAP_DIRECT_MAX_CAPLEN;
	if (!e->rbuf && !(e->rbuf = malloc(CAP_DIRECT_BUF)))
		return 0;
	d->buf = e->rbuf;
	return 1;
}

/* Walks the records from offset 24. Returns the offset where it stopped:
 * the end of the file, or a record libpcap must read (and diagnose). */
static uint64_t direct_walk(struct cap_engine *e, struct cap_direct *d, double t0, double *last,
			    uint64_t pkts0)
{
	uint64_t pos = 24;
	unsigned since_check = 0;
	for (;;) {
		const uint8_t *r = direct_get(e, d, pos, 16);
		if (!r)
			break;
		uint32_t sec = rd32(r, d->swapped), frac = rd32(r + 4, d->swapped);
		uint32_t caplen = rd32(r + 8, d->swapped), len = rd32(r + 12, d->swapped);
		if (caplen > d->snaplen)
			break; /* libpcap's call: truncate, or report the damage */
		if (pos + 16 + caplen > d->boff + d->have) {
			r = direct_get(e, d, pos, 16 + (size_t)caplen);
			if (!r)
				break; /* cut short by the end of the file */
		}
		uint64_t ts = (uint64_t)sec * 1000000u + (d->nsec ? frac / 1000u : frac);
		batch_add_ref(e, ts, r + 16, caplen, len);
		pos += 16 + (uint64_t)caplen;
		if (++since_check == CAP_PROGRESS_EVERY) {
			since_check = 0;
			if (e->stop)
				break;
			if (e->progress) {
				double now = mono_now();
				if (now - *last >= 0.5) {
					*last = now;
					progress_line(e, pos, t0, pkts0, 0);
				}
			}
		}
	}
	batch_flush(e);
	return pos;
}

int cap_read_file(struct cap_engine *e, const char *path, char *errbuf, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	int rc = 0;
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		e->cs.files_failed++;
		return -1;
	}
	/* No bigger stdio buffer: glibc ignores the size when setvbuf() gets no
	 * buffer, and a real 1 MiB buffer measured slower than the default
	 * 4 KiB reads here (page cache, bench/pcap_count -b). */
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (!p) {
		snprintf(errbuf, errlen, "%s: not a pcap or pcapng file we can read: %s", path, perr);
		if (fp != stdin)
			fclose(fp);
		e->cs.files_failed++;
		return -1;
	}
	int dlt = pcap_datalink(p);
	if (!dec_linktype_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		snprintf(errbuf, errlen, "%s: link type %s (%d) is not supported; its packets are counted only",
			 path, name ? name : "?", dlt);
		rc = 1;
	}
	e->dlt = dlt;
	if (set_filter(p, e->cfg.bpf_filter, PCAP_NETMASK_UNKNOWN, errbuf, errlen) < 0) {
		pcap_close(p);
		e->cs.files_failed++;
		return -1;
	}
	e->cs.files++;

	double t0 = mono_now(), last = t0;
	uint64_t pkts0 = e->cs.packets;
	struct cap_direct d;
	int libpcap_reads = 1;
	if (direct_eligible(e, fp, p, &d)) {
		e->cs.files_direct++;
		uint64_t end = direct_walk(e, &d, t0, &last, pkts0);
		struct stat st;
		/* libpcap reads on from where the walk stopped: at the end of the
		 * file it finds nothing more at once. */
		if (e->stop) {
			libpcap_reads = 0;
		} else if (fstat(d.fd, &st) == 0 && (uint64_t)st.st_size < end) {
			/* cut short by someone else while we read it (a capture ring
			 * reusing its oldest file): say so rather than end quietly */
			snprintf(errbuf, errlen,
				 "%s: the file shrank to %llu bytes while being read (at byte %llu, "
				 "after %llu packets)", path, (unsigned long long)st.st_size,
				 (unsigned long long)end, (unsigned long long)e->cs.packets);
			e->cs.read_errors++;
			rc = 1;
			libpcap_reads = 0;
		} else if (fseeko(fp, (off_t)end, SEEK_SET) != 0) {
			snprintf(errbuf, errlen, "%s: read error after %llu packets: %s", path,
				 (unsigned long long)e->cs.packets, strerror(errno));
			e->cs.read_errors++;
			rc = 1;
			libpcap_reads = 0;
		}
	}
	while (libpcap_reads) {
		int n = pcap_dispatch(p, CAP_PROGRESS_EVERY, pcap_cb, (u_char *)e);
		batch_flush(e);
		if (n == PCAP_ERROR) {
			/* Damaged file: what came before the damage was processed. */
			snprintf(errbuf, errlen, "%s: read error after %llu packets: %s", path,
				 (unsigned long long)e->cs.packets, pcap_geterr(p));
			e->cs.read_errors++;
			rc = 1;
			break;
		}
		if (n == 0 || n == PCAP_ERROR_BREAK || e->stop)
			break;
		if (e->progress) {
			double now = mono_now();
			if (now - last >= 0.5) {
				last = now;
				long pos = ftell(fp);
				progress_line(e, pos > 0 ? (uint64_t)pos : 0, t0, pkts0, 0);
			}
		}
	}
	long pos = ftell(fp);
	if (e->progress && mono_now() - t0 >= 0.5)
		progress_line(e, pos > 0 ? (uint64_t)pos : 0, t0, pkts0, 1);
	if (pos > 0)
		e->progress_done_bytes += (uint64_t)pos;
	pcap_close(p); /* closes fp */
	return rc;
}

/* ---- live ---- */

int cap_live(struct cap_engine *e, const char *iface, void (*on_tick)(struct cap_engine *e),
	     char *errbuf, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, perr);
	if (!p) {
		snprintf(errbuf, errlen, "%s: %s", iface, perr);
		return -1;
	}
	pcap_set_snaplen(p, e->cfg.snaplen);
	pcap_set_promisc(p, e->cfg.promisc);
	pcap_set_timeout(p, CAP_LIVE_TIMEOUT_MS);
	if (e->cfg.buffer_mib > 0)
		pcap_set_buffer_size(p, e->cfg.buffer_mib << 20);
	int rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(errbuf, errlen, "%s: %s%s", iface, pcap_statustostr(rc),
			 rc == PCAP_ERROR_PERM_DENIED ?
				 " (capturing needs root or CAP_NET_RAW and CAP_NET_ADMIN)" :
				 rc == PCAP_ERROR_NO_SUCH_DEVICE ? "" : "");
		if (rc == PCAP_ERROR || rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_PERM_DENIED) {
			size_t l = strlen(errbuf);
			snprintf(errbuf + l, errlen - l, ": %s", pcap_geterr(p));
		}
		pcap_close(p);
		return -1;
	}
	e->dlt = pcap_datalink(p);
	if (!dec_linktype_supported(e->dlt)) {
		snprintf(errbuf, errlen, "%s: link type %d is not supported", iface, e->dlt);
		pcap_close(p);
		return -1;
	}
	bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
	if (pcap_lookupnet(iface, &net, &mask, perr) < 0)
		mask = PCAP_NETMASK_UNKNOWN;
	if (set_filter(p, e->cfg.bpf_filter, mask, errbuf, errlen) < 0) {
		pcap_close(p);
		return -1;
	}
	/* Non-blocking reads with our own poll(): libpcap's blocking read on a
	 * TPACKET_V3 ring waits for the next packet indefinitely, so an idle
	 * link would leave signals (stop, statistics) unanswered. */
	int fd = pcap_get_selectable_fd(p);
	if (fd < 0 || pcap_setnonblock(p, 1, perr) < 0) {
		snprintf(errbuf, errlen, "%s: cannot read without blocking: %s", iface,
			 fd < 0 ? "no selectable descriptor" : perr);
		pcap_close(p);
		return -1;
	}
	e->cs.files++;
	double last_tick = 0;
	while (!e->stop) {
		int n = pcap_dispatch(p, -1, pcap_cb, (u_char *)e);
		batch_flush(e);
		if (n == PCAP_ERROR) {
			snprintf(errbuf, errlen, "%s: capture failed: %s", iface, pcap_geterr(p));
			pcap_close(p);
			return -1;
		}
		if (n == PCAP_ERROR_BREAK)
			break;
		if (n == 0) {
			struct pollfd pfd = { fd, POLLIN, 0 };
			(void)poll(&pfd, 1, CAP_LIVE_TIMEOUT_MS); /* EINTR: loop and look */
		}
		double now = mono_now();
		if (now - last_tick >= 0.25) {
			last_tick = now;
			struct pcap_stat ps;
			if (pcap_stats(p, &ps) == 0) {
				e->cs.pcap_recv = ps.ps_recv;
				e->cs.pcap_drop = ps.ps_drop;
				e->cs.pcap_ifdrop = ps.ps_ifdrop;
			}
		}
		if (on_tick)
			on_tick(e);
	}
	struct pcap_stat ps;
	if (pcap_stats(p, &ps) == 0) {
		e->cs.pcap_recv = ps.ps_recv;
		e->cs.pcap_drop = ps.ps_drop;
		e->cs.pcap_ifdrop = ps.ps_ifdrop;
	}
	pcap_close(p);
	return 0;
}
