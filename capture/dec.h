/* dec.h - link, network and transport decoding into a zero-copy packet view.
 *
 * dec_packet() reads one captured frame through the bounded cursor and fills a
 * struct dec_pkt with offsets, lengths and host-order header fields. It never
 * copies payload and never allocates; bad headers bump a counter in
 * struct dec_stats and the packet is dropped from further processing.
 */
#ifndef ZW_DEC_H
#define ZW_DEC_H

#include <stddef.h>
#include <stdint.h>

#define DEC_MAX_VLAN_DEPTH 4   /* QinQ plus margin; deeper stacks are counted */
#define DEC_MAX_IP6_EXT 8      /* extension headers followed before giving up */
#define DEC_ETHERTYPE_SLOTS 32 /* distinct non-IP EtherTypes counted by value */

/* Why a frame could not be decoded. Names in dec_err_name(). */
enum dec_err {
	DEC_ERR_LINKTYPE,     /* link type we do not decode */
	DEC_ERR_LINK_TRUNC,   /* frame shorter than its link header */
	DEC_ERR_VLAN_DEPTH,   /* more than DEC_MAX_VLAN_DEPTH tags */
	DEC_ERR_IP4_TRUNC,    /* IPv4 header cut short by the capture */
	DEC_ERR_IP4_HDR,      /* version or IHL invalid */
	DEC_ERR_IP4_LEN,      /* total length below header length or above frame */
	DEC_ERR_IP6_TRUNC,    /* IPv6 header or extension header cut short */
	DEC_ERR_IP6_HDR,      /* version invalid or payload length above frame */
	DEC_ERR_IP6_EXT,      /* extension header chain too long */
	DEC_ERR_TCP_TRUNC,    /* TCP header cut short */
	DEC_ERR_TCP_HDR,      /* data offset below 5 words or beyond the packet */
	DEC_ERR_UDP_TRUNC,    /* UDP header cut short */
	DEC_ERR_UDP_LEN,      /* UDP length below 8 or above the IP payload */
	DEC_ERR_PPP,          /* PPP frame with a protocol we cannot follow */
	DEC_ERR__COUNT
};

enum dec_result {
	DEC_TCP,      /* TCP segment: flow processing follows */
	DEC_UDP,      /* UDP datagram: flow processing follows */
	DEC_OTHER_IP, /* IPv4/IPv6 with another protocol (ICMP, ...): counted by number */
	DEC_FRAGMENT, /* IP fragment: counted, not reassembled */
	DEC_NON_IP,   /* ARP, LLDP, PROFINET, ...: counted by EtherType */
	DEC_ERROR     /* malformed or truncated: counted in dec_stats.err */
};

#define DEC_TCP_FIN 0x01
#define DEC_TCP_SYN 0x02
#define DEC_TCP_RST 0x04
#define DEC_TCP_PSH 0x08
#define DEC_TCP_ACK 0x10
#define DEC_TCP_URG 0x20
#define DEC_TCP_ECE 0x40
#define DEC_TCP_CWR 0x80

struct dec_pkt {
	const uint8_t *frame; /* start of the captured frame (libpcap's buffer) */
	uint32_t caplen;      /* bytes captured */
	uint32_t wirelen;     /* bytes on the wire */
	uint64_t ts_us;       /* capture time, microseconds since the epoch */

	uint32_t l3_off;     /* offset of the IP header in frame */
	uint32_t l3_len;     /* IP header + payload, bounded by caplen */
	uint32_t payload_off; /* offset of the L4 payload in frame */
	uint32_t payload_len; /* L4 payload bytes available (may be < on-wire) */
	uint32_t payload_wire_len; /* L4 payload bytes on the wire per IP/UDP length */

	uint32_t seq, ack; /* TCP only */
	uint16_t sport, dport;
	uint16_t vlan_id;  /* outermost VLAN id, 0 when untagged */
	uint16_t tcp_win;
	uint8_t ip_ver;    /* 4 or 6 */
	uint8_t l4_proto;  /* IP protocol number (after IPv6 extension headers) */
	uint8_t tcp_flags;
	uint8_t vlan_depth;
	uint8_t ip4_has_options;
	uint8_t ip6_ext_count;
	uint8_t has_eth;   /* Ethernet frame: source MAC at frame + 6 */
	/* Addresses as 16 bytes: IPv4 in IPv4-mapped form ::ffff:a.b.c.d. */
	uint8_t saddr[16];
	uint8_t daddr[16];
};

struct dec_stats {
	uint64_t err[DEC_ERR__COUNT];
	uint64_t ip4, ip6, tcp, udp;
	uint64_t ip4_fragments, ip6_fragments, ip4_options, ip6_ext_headers;
	uint64_t snap_truncated; /* caplen < wirelen: decoded with what was captured */
	uint64_t ip_proto[256];  /* DEC_OTHER_IP packets by IP protocol number */
	uint64_t non_ip;         /* DEC_NON_IP packets in total */
	uint16_t ethertype[DEC_ETHERTYPE_SLOTS];
	uint64_t ethertype_count[DEC_ETHERTYPE_SLOTS];
	uint64_t ethertype_other; /* non-IP EtherTypes beyond the slots */
};

/* Returns 1 when libpcap link type dlt is one we decode. */
int dec_linktype_supported(int dlt);

/* Decodes one frame captured on link type dlt. On DEC_TCP/DEC_UDP the whole
 * struct is filled; on other results only the fields up to the failing layer.
 * The frame must stay valid while p is used (p points into it). */
enum dec_result dec_packet(int dlt, const uint8_t *frame, uint32_t caplen, uint32_t wirelen,
			   uint64_t ts_us, struct dec_pkt *p, struct dec_stats *st);

const char *dec_err_name(enum dec_err e);

/* Formats a dec_pkt address (16 bytes, IPv4-mapped for IPv4) as text. */
void dec_addr_str(const uint8_t addr[16], int ip_ver, char *buf, size_t buflen);

#endif /* ZW_DEC_H */
