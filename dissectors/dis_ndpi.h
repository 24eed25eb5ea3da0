/* dis_ndpi.h - flow classification with nDPI (Debian's libndpi 4.2).
 *
 * nDPI names everything we do not dissect ourselves (RDP, VNC, SSH, TLS,
 * TeamViewer, AnyDesk, ...). Its per-flow state is large (~700 bytes), so it
 * lives in a fixed pool of slots held only while a flow is being classified:
 * a flow gets a slot with its first packet, gives it back once nDPI has
 * decided (and needs no further packets) or after a bounded number of
 * packets, and keeps only the result (protocol ids, category, risk bitmap).
 * nDPI runs independently of our own OT dissectors.
 */
#ifndef ZW_DIS_NDPI_H
#define ZW_DIS_NDPI_H

#include <stddef.h>
#include <stdint.h>

#include "capture/flow.h"

/* Packets of a TCP flow given to nDPI before it must decide (UDP: half).
 * ndpiReader uses up to 80; the captures in pcaps/ are all decided within
 * the default (tests/regress/expected.sh would show a change). */
#define DIS_NDPI_MAX_TCP_PKTS 12

struct dis_ndpi;

struct dis_ndpi_stats {
	uint64_t flows_classified;  /* nDPI named a protocol */
	uint64_t flows_unknown;     /* gave up without a name */
	uint64_t packets;           /* packets given to nDPI */
	uint64_t slots_exhausted;   /* flows not classified: no free slot */
	uint64_t packets_deferred;  /* handshake packets held back (see dis_ndpi_defer) */
	uint32_t slots, slots_in_use, slots_max_in_use;
};

/* max_pkts: packets per TCP flow before giving up (0 = default). */
struct dis_ndpi *dis_ndpi_new(uint32_t slots, unsigned max_pkts, char *errbuf, size_t errlen);
void dis_ndpi_free(struct dis_ndpi *n);

/* Offers one packet (l3 = IP header, l3_len bytes) of flow f to nDPI if the
 * flow is still being classified. Cheap when it is not. */
void dis_ndpi_packet(struct dis_ndpi *n, struct flow *f, const uint8_t *l3, uint32_t l3_len,
		     uint64_t ts_us);

/* Holds back a payload-less TCP packet (the handshake) of a flow that one
 * of our dissectors is likely to claim (its port is registered), so that
 * nDPI spends nothing on flows it will not be asked about. If nDPI is
 * needed after all, dis_ndpi_packet() first replays what was held, so nDPI
 * sees exactly the packets it would have seen. Returns 0 when held, -1 when
 * the caller must call dis_ndpi_packet() instead (buffer full, nDPI already
 * running). */
int dis_ndpi_defer(struct dis_ndpi *n, struct flow *f, const uint8_t *l3, uint32_t l3_len,
		   uint64_t ts_us);

/* One of our dissectors confirmed the flow: nDPI stops, keeping what it had
 * found so far (zonewatch.ndpi.stopped). */
void dis_ndpi_stop(struct dis_ndpi *n, struct flow *f);

/* Finishes classification (flow end): asks nDPI for its best answer and
 * releases the slot. */
void dis_ndpi_finish(struct dis_ndpi *n, struct flow *f);

/* "TLS", "TLS.Google", "Unknown" ... into buf. */
const char *dis_ndpi_proto_name(struct dis_ndpi *n, const struct flow_ndpi *fn, char *buf,
				size_t len);
const char *dis_ndpi_category_name(struct dis_ndpi *n, const struct flow_ndpi *fn);
/* Name of risk bit i (0..63), or NULL if unnamed. */
const char *dis_ndpi_risk_name(unsigned bit);

/* For the policy: 1 when name (lower case) is an nDPI protocol name. */
int dis_ndpi_proto_known(struct dis_ndpi *n, const char *name);
/* The protocols nDPI knows: ids 0 .. count-1 and their names. */
unsigned dis_ndpi_proto_count(struct dis_ndpi *n);
const char *dis_ndpi_proto_id_name(struct dis_ndpi *n, unsigned id);
/* Lower-case names of the master and (if different) app protocol into the
 * len-byte buffers; *m / *a point at them, or are NULL when unknown. */
void dis_ndpi_names(struct dis_ndpi *n, const struct flow_ndpi *fn, char *master, char *app,
		    size_t len, const char **m, const char **a);
/* The cleartext protocol of the flow in policy terms (ftp, tftp, telnet,
 * smbv1, pop3, imap, http_basic_auth, http), or NULL. SMTP is judged per
 * session (STARTTLS or not) by the smtp dissector's events. */
const char *dis_ndpi_cleartext(const struct flow_ndpi *fn);
/* 1 when nDPI files the protocol under remote access. */
int dis_ndpi_is_remote(const struct flow_ndpi *fn);
/* Names of the TLS weaknesses nDPI flagged (weak cipher, expired,
 * mismatched or self-signed certificate), comma separated; returns length. */
size_t dis_ndpi_tls_risks(const struct flow_ndpi *fn, char *buf, size_t len);

const struct dis_ndpi_stats *dis_ndpi_stats(const struct dis_ndpi *n);

#endif /* ZW_DIS_NDPI_H */
