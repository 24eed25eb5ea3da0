/* dec.c - link layer, IPv4/IPv6 and TCP/UDP decoding.
 *
 * Link types: Ethernet II and 802.3 (with 802.1Q / 802.1ad / QinQ tags),
 * Linux cooked capture v1 (SLL, 16-byte header) and v2 (SLL2, 20-byte header),
 * raw IP (DLT_RAW, DLT_IPV4, DLT_IPV6), BSD null/loopback (4-byte address
 * family in host or network order) and PPP (RFC 1661, with or without the
 * HDLC address/control bytes).
 *
 * IPv4 per RFC 791: IHL >= 5, options skipped and counted, fragments counted
 * and not reassembled. IPv6 per RFC 8200: hop-by-hop, routing, fragment,
 * destination options, AH (RFC 4302, length in 4-byte units) and mobility
 * headers are followed up to DEC_MAX_IP6_EXT. TCP per RFC 9293, UDP per RFC 768.
 */
#include "config.h"

#include "capture/dec.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "dissectors/dis_cursor.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

#define ETH_HDR_LEN 14
#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_PPPOE_SESSION 0x8864
#define ETHERTYPE_MIN 0x0600 /* IEEE 802.3: below this the field is a length */
#define IP4_MIN_HDR 20
#define IP6_HDR_LEN 40
#define TCP_MIN_HDR 20
#define UDP_HDR_LEN 8
/* Pseudo EtherType under which 802.3/LLC frames are counted. */
#define DEC_ETHERTYPE_LLC 0x0000

static const char *const err_names[DEC_ERR__COUNT] = {
	[DEC_ERR_LINKTYPE] = "unsupported_linktype",
	[DEC_ERR_LINK_TRUNC] = "link_truncated",
	[DEC_ERR_VLAN_DEPTH] = "vlan_too_deep",
	[DEC_ERR_IP4_TRUNC] = "ipv4_truncated",
	[DEC_ERR_IP4_HDR] = "ipv4_bad_header",
	[DEC_ERR_IP4_LEN] = "ipv4_bad_length",
	[DEC_ERR_IP6_TRUNC] = "ipv6_truncated",
	[DEC_ERR_IP6_HDR] = "ipv6_bad_header",
	[DEC_ERR_IP6_EXT] = "ipv6_ext_chain_too_long",
	[DEC_ERR_TCP_TRUNC] = "tcp_truncated",
	[DEC_ERR_TCP_HDR] = "tcp_bad_header",
	[DEC_ERR_UDP_TRUNC] = "udp_truncated",
	[DEC_ERR_UDP_LEN] = "udp_bad_length",
	[DEC_ERR_PPP] = "ppp_unsupported_protocol",
};

const char *dec_err_name(enum dec_err e)
{
	return (unsigned)e < DEC_ERR__COUNT ? err_names[e] : "unknown";
}

int dec_linktype_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_PPP:
#ifdef DLT_C_HDLC
	case DLT_C_HDLC:
#endif
		return 1;
	default:
		return 0;
	}
}

static enum dec_result fail(struct dec_stats *st, enum dec_err e)
{
	st->err[e]++;
	return DEC_ERROR;
}

static void count_ethertype(struct dec_stats *st, uint16_t type)
{
	st->non_ip++;
	for (unsigned i = 0; i < DEC_ETHERTYPE_SLOTS; i++) {
		if (st->ethertype_count[i] && st->ethertype[i] == type) {
			st->ethertype_count[i]++;
			return;
		}
		if (!st->ethertype_count[i]) {
			st->ethertype[i] = type;
			st->ethertype_count[i] = 1;
			return;
		}
	}
	st->ethertype_other++;
}

/* Big-endian loads from a header whose length was checked as a whole: one
 * bounds check per header instead of one per field. */
static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}

static enum dec_result dec_l4(struct rd *r, struct dec_pkt *p, struct dec_stats *st,
			      uint32_t l4_wire_len)
{
	size_t l4_start = r->off;
	const uint8_t *h = rd_ptr(r);

	if (p->l4_proto == IPPROTO_TCP) {
		if (rd_left(r) < TCP_MIN_HDR)
			return fail(st, DEC_ERR_TCP_TRUNC);
		p->sport = be16(h);
		p->dport = be16(h + 2);
		p->seq = be32(h + 4);
		p->ack = be32(h + 8);
		p->tcp_flags = h[13];
		p->tcp_win = be16(h + 14);
		size_t hlen = (size_t)(h[12] >> 4) * 4;
		if (hlen < TCP_MIN_HDR || hlen > l4_wire_len)
			return fail(st, DEC_ERR_TCP_HDR);
		if (hlen > r->len - l4_start)
			return fail(st, DEC_ERR_TCP_TRUNC);
		p->payload_off = (uint32_t)(l4_start + hlen);
		p->payload_len = (uint32_t)(r->len - l4_start - hlen);
		p->payload_wire_len = (uint32_t)(l4_wire_len - hlen);
		st->tcp++;
		return DEC_TCP;
	}
	/* UDP */
	if (rd_left(r) < UDP_HDR_LEN)
		return fail(st, DEC_ERR_UDP_TRUNC);
	p->sport = be16(h);
	p->dport = be16(h + 2);
	uint16_t ulen = be16(h + 4); /* then the checksum */
	if (ulen < UDP_HDR_LEN || ulen > l4_wire_len)
		return fail(st, DEC_ERR_UDP_LEN);
	size_t avail = r->len - l4_start;
	p->payload_off = (uint32_t)(l4_start + UDP_HDR_LEN);
	p->payload_wire_len = ulen - UDP_HDR_LEN;
	p->payload_len = (uint32_t)((avail < ulen ? avail : ulen) - UDP_HDR_LEN);
	st->udp++;
	return DEC_UDP;
}

static enum dec_result dec_ip4(struct rd *r, struct dec_pkt *p, struct dec_stats *st)
{
	size_t start = r->off;
	if (rd_left(r) < IP4_MIN_HDR)
		return fail(st, DEC_ERR_IP4_TRUNC);
	const uint8_t *h = rd_ptr(r);
	uint8_t vihl = h[0];          /* then DSCP/ECN */
	uint16_t total = be16(h + 2); /* then the identification */
	uint16_t frag = be16(h + 6);  /* then the TTL */
	p->l4_proto = h[9];           /* then the header checksum */
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	memcpy(p->saddr, v4mapped, 12);
	memcpy(p->daddr, v4mapped, 12);
	memcpy(p->saddr + 12, h + 12, 4);
	memcpy(p->daddr + 12, h + 16, 4);
	r->off += IP4_MIN_HDR;
	p->ip_ver = 4;
	if ((vihl >> 4) != 4)
		return fail(st, DEC_ERR_IP4_HDR);
	size_t hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < IP4_MIN_HDR)
		return fail(st, DEC_ERR_IP4_HDR);
	/* The IP total length is bounded by what was on the wire after the link
	 * header; the capture may hold less (snaplen). Ethernet padding beyond
	 * the total length is ignored. */
	size_t wire_avail = r->len - start;
	if (p->wirelen > p->caplen)
		wire_avail += p->wirelen - p->caplen;
	if (total < hlen || total > wire_avail)
		return fail(st, DEC_ERR_IP4_LEN);
	if (hlen > r->len - start)
		return fail(st, DEC_ERR_IP4_TRUNC);
	st->ip4++;
	if (hlen > IP4_MIN_HDR) {
		p->ip4_has_options = 1;
		st->ip4_options++;
	}
	size_t have = r->len - start;
	if (have > total)
		have = total;
	r->len = start + have; /* drop link padding / trailer */
	r->off = start + hlen;
	p->l3_off = (uint32_t)start;
	p->l3_len = (uint32_t)have;
	if ((frag & 0x3fff) != 0) { /* MF set or offset non-zero */
		st->ip4_fragments++;
		return DEC_FRAGMENT;
	}
	if (p->l4_proto != IPPROTO_TCP && p->l4_proto != IPPROTO_UDP) {
		st->ip_proto[p->l4_proto]++;
		return DEC_OTHER_IP;
	}
	return dec_l4(r, p, st, (uint32_t)(total - hlen));
}

static enum dec_result dec_ip6(struct rd *r, struct dec_pkt *p, struct dec_stats *st)
{
	size_t start = r->off;
	if (rd_left(r) < IP6_HDR_LEN)
		return fail(st, DEC_ERR_IP6_TRUNC);
	uint32_t vtcfl = rd_be32(r);
	uint16_t plen = rd_be16(r);
	uint8_t nh = rd_u8(r);
	rd_skip(r, 1); /* hop limit */
	rd_copy(r, p->saddr, 16);
	rd_copy(r, p->daddr, 16);
	p->ip_ver = 6;
	if ((vtcfl >> 28) != 6)
		return fail(st, DEC_ERR_IP6_HDR);
	size_t wire_avail = r->len - start;
	if (p->wirelen > p->caplen)
		wire_avail += p->wirelen - p->caplen;
	/* Payload length 0 means a jumbogram (RFC 2675); we do not follow those. */
	if (plen == 0 || (size_t)plen + IP6_HDR_LEN > wire_avail)
		return fail(st, DEC_ERR_IP6_HDR);
	st->ip6++;
	size_t have = r->len - start;
	if (have > (size_t)plen + IP6_HDR_LEN)
		have = (size_t)plen + IP6_HDR_LEN;
	r->len = start + have;
	p->l3_off = (uint32_t)start;
	p->l3_len = (uint32_t)have;

	uint32_t l4_wire = plen;
	for (unsigned n = 0;; n++) {
		switch (nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case 135: /* mobility, RFC 6275 */
		case IPPROTO_AH:
		case IPPROTO_FRAGMENT: {
			if (n >= DEC_MAX_IP6_EXT)
				return fail(st, DEC_ERR_IP6_EXT);
			uint8_t this_nh = nh;
			if (rd_left(r) < 8)
				return fail(st, DEC_ERR_IP6_TRUNC);
			nh = rd_u8(r);
			uint8_t hl = rd_u8(r);
			size_t elen;
			if (this_nh == IPPROTO_FRAGMENT)
				elen = 8;
			else if (this_nh == IPPROTO_AH)
				elen = ((size_t)hl + 2) * 4;
			else
				elen = ((size_t)hl + 1) * 8;
			if (elen > l4_wire)
				return fail(st, DEC_ERR_IP6_HDR);
			if (this_nh == IPPROTO_FRAGMENT) {
				uint16_t off_m = rd_be16(r);
				rd_skip(r, 4);
				st->ip6_ext_headers++;
				p->ip6_ext_count++;
				if ((off_m & 0xfff9) != 0) { /* offset or M flag */
					p->l4_proto = nh;
					st->ip6_fragments++;
					return DEC_FRAGMENT;
				}
			} else {
				rd_skip(r, elen - 2);
				if (!rd_ok(r))
					return fail(st, DEC_ERR_IP6_TRUNC);
				st->ip6_ext_headers++;
				p->ip6_ext_count++;
			}
			l4_wire -= (uint32_t)elen;
			continue;
		}
		default:
			break;
		}
		break;
	}
	p->l4_proto = nh;
	if (nh != IPPROTO_TCP && nh != IPPROTO_UDP) {
		st->ip_proto[nh]++;
		return DEC_OTHER_IP;
	}
	return dec_l4(r, p, st, l4_wire);
}

static enum dec_result dec_ethertype(struct rd *r, uint16_t type, struct dec_pkt *p,
				     struct dec_stats *st)
{
	for (;;) {
		if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
			if (p->vlan_depth >= DEC_MAX_VLAN_DEPTH)
				return fail(st, DEC_ERR_VLAN_DEPTH);
			uint16_t tci = rd_be16(r);
			type = rd_be16(r);
			if (!rd_ok(r))
				return fail(st, DEC_ERR_LINK_TRUNC);
			if (p->vlan_depth == 0)
				p->vlan_id = tci & 0x0fff;
			p->vlan_depth++;
			continue;
		}
		break;
	}
	if (type == ETHERTYPE_IPV4)
		return dec_ip4(r, p, st);
	if (type == ETHERTYPE_IPV6)
		return dec_ip6(r, p, st);
	if (type == ETHERTYPE_PPPOE_SESSION) {
		/* RFC 2516 section 4: ver/type, code, session id, length, then a
		 * PPP protocol field; only IPv4 and IPv6 are followed. */
		int pp0 = rd_peek(r, 6), pp1 = rd_peek(r, 7);
		if (pp0 == 0x00 && pp1 == 0x21) {
			rd_skip(r, 8);
			return dec_ip4(r, p, st);
		}
		if (pp0 == 0x00 && pp1 == 0x57) {
			rd_skip(r, 8);
			return dec_ip6(r, p, st);
		}
	}
	count_ethertype(st, type < ETHERTYPE_MIN ? DEC_ETHERTYPE_LLC : type);
	return DEC_NON_IP;
}

/* Raw IP: the version nibble says which. */
static enum dec_result dec_raw(struct rd *r, struct dec_pkt *p, struct dec_stats *st)
{
	int b = rd_peek(r, 0);
	if (b < 0)
		return fail(st, DEC_ERR_LINK_TRUNC);
	if ((b >> 4) == 4)
		return dec_ip4(r, p, st);
	if ((b >> 4) == 6)
		return dec_ip6(r, p, st);
	return fail(st, DEC_ERR_IP4_HDR);
}

enum dec_result dec_packet(int dlt, const uint8_t *frame, uint32_t caplen, uint32_t wirelen,
			   uint64_t ts_us, struct dec_pkt *p, struct dec_stats *st)
{
	struct rd r = rd_init(frame, caplen);

	memset(p, 0, offsetof(struct dec_pkt, saddr));
	p->frame = frame;
	p->caplen = caplen;
	p->wirelen = wirelen < caplen ? caplen : wirelen;
	p->ts_us = ts_us;
	if (wirelen > caplen)
		st->snap_truncated++;

	switch (dlt) {
	case DLT_EN10MB: {
		if (caplen < ETH_HDR_LEN)
			return fail(st, DEC_ERR_LINK_TRUNC);
		p->has_eth = 1;
		rd_skip(&r, 12);
		uint16_t type = rd_be16(&r);
		return dec_ethertype(&r, type, p, st);
	}
	case DLT_LINUX_SLL: {
		if (caplen < SLL_HDR_LEN)
			return fail(st, DEC_ERR_LINK_TRUNC);
		rd_skip(&r, 14);
		uint16_t type = rd_be16(&r);
		return dec_ethertype(&r, type, p, st);
	}
	case DLT_LINUX_SLL2: {
		if (caplen < SLL2_HDR_LEN)
			return fail(st, DEC_ERR_LINK_TRUNC);
		uint16_t type = rd_be16(&r);
		rd_skip(&r, SLL2_HDR_LEN - 2);
		return dec_ethertype(&r, type, p, st);
	}
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return dec_raw(&r, p, st);
	case DLT_NULL:
	case DLT_LOOP: {
		/* 4-byte address family, in the capturing host's byte order for
		 * DLT_NULL and network order for DLT_LOOP; the values for IPv6 differ
		 * between BSDs (24, 28, 30), so the IP version nibble decides. */
		if (caplen < 4)
			return fail(st, DEC_ERR_LINK_TRUNC);
		rd_skip(&r, 4);
		return dec_raw(&r, p, st);
	}
	case DLT_PPP:
#ifdef DLT_C_HDLC
	case DLT_C_HDLC:
#endif
	{
		/* Optional HDLC address 0xff / control 0x03, then the protocol
		 * field (RFC 1661 section 2): 0x0021 IPv4, 0x0057 IPv6. */
		if (rd_peek(&r, 0) == 0xff && rd_peek(&r, 1) == 0x03)
			rd_skip(&r, 2);
		else if (dlt != DLT_PPP)
			rd_skip(&r, 2); /* Cisco HDLC address + control */
		uint16_t proto = rd_be16(&r);
		if (!rd_ok(&r))
			return fail(st, DEC_ERR_LINK_TRUNC);
		if (proto == 0x0021 || proto == 0x0800)
			return dec_ip4(&r, p, st);
		if (proto == 0x0057 || proto == 0x86dd)
			return dec_ip6(&r, p, st);
		return fail(st, DEC_ERR_PPP);
	}
	default:
		return fail(st, DEC_ERR_LINKTYPE);
	}
}

void dec_addr_str(const uint8_t addr[16], int ip_ver, char *buf, size_t buflen)
{
	if (ip_ver == 4) {
		/* Dotted quad by hand: inet_ntop goes through printf. */
		char tmp[16];
		size_t n = 0;
		for (int i = 12; i < 16; i++) {
			unsigned v = addr[i];
			if (v >= 100)
				tmp[n++] = (char)('0' + v / 100);
			if (v >= 10)
				tmp[n++] = (char)('0' + v / 10 % 10);
			tmp[n++] = (char)('0' + v % 10);
			if (i < 15)
				tmp[n++] = '.';
		}
		if (buflen > n) {
			memcpy(buf, tmp, n);
			buf[n] = '\0';
		} else if (buflen) {
			buf[0] = '\0';
		}
	} else {
		if (!inet_ntop(AF_INET6, addr, buf, (socklen_t)buflen) && buflen)
			buf[0] = '\0';
	}
}
