/* check_decode.c - unit tests for link/IP/TCP/UDP decoding (capture/dec.c).
 *
 * Every input is a hand-built frame (a static const array with a comment
 * saying what it encodes). Checksums are zero: the decoder does not verify
 * them. Addresses: 192.168.1.10 -> 192.168.1.20 for IPv4, 2001:db8::1 ->
 * 2001:db8::2 for IPv6; ports 50000 -> 502 for TCP and 1234 -> 161 for UDP.
 */
#include "config.h"

#include <check.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/dec.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

#define TS_US 1700000000123456ull

/* ---- frame building blocks ---- */

/* Ethernet destination and source MAC addresses. */
#define ETH_MACS 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb
/* 20-byte IPv4 header: IHL 5, DF, TTL 64, 192.168.1.10 -> 192.168.1.20. */
#define IP4_HDR(total, proto)                                                             \
	0x45, 0x00, ((total) >> 8) & 0xff, (total) & 0xff, 0x12, 0x34, 0x40, 0x00, 0x40, (proto), \
		0x00, 0x00, 192, 168, 1, 10, 192, 168, 1, 20
/* IPv4 header with the fragment field given (flags + offset). */
#define IP4_FRAG_HDR(total, proto, fr_hi, fr_lo)                                               \
	0x45, 0x00, ((total) >> 8) & 0xff, (total) & 0xff, 0x12, 0x34, (fr_hi), (fr_lo), 0x40, \
		(proto), 0x00, 0x00, 192, 168, 1, 10, 192, 168, 1, 20
/* 20-byte TCP header: 50000 -> 502, seq 0x11223344, ack 0x55667788, data
 * offset 5, the given flags, window 0x2000. */
#define TCP_HDR(flags)                                                                      \
	0xc3, 0x50, 0x01, 0xf6, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x50, (flags), \
		0x20, 0x00, 0x00, 0x00, 0x00, 0x00
/* TCP header with a given data-offset byte. */
#define TCP_HDR_OFF(offbyte)                                                                  \
	0xc3, 0x50, 0x01, 0xf6, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, (offbyte), 0x18, \
		0x20, 0x00, 0x00, 0x00, 0x00, 0x00
/* 8-byte UDP header: 1234 -> 161 with the given length. */
#define UDP_HDR(len) 0x04, 0xd2, 0x00, 0xa1, ((len) >> 8) & 0xff, (len) & 0xff, 0x00, 0x00
/* IPv6 fixed header: payload length, next header, hop limit 64,
 * 2001:db8::1 -> 2001:db8::2. */
#define IP6_HDR(plen, nh)                                                                     \
	0x60, 0x00, 0x00, 0x00, ((plen) >> 8) & 0xff, (plen) & 0xff, (nh), 0x40, 0x20, 0x01, 0x0d, \
		0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, \
		0, 0, 0, 0, 0, 0x02
/* Payloads */
#define HELLO 'h', 'e', 'l', 'l', 'o'
#define ABCD 'a', 'b', 'c', 'd'

/* ---- frames ---- */

/* Ethernet II + IPv4 (total 45) + TCP PSH|ACK + "hello": 59 bytes. */
static const uint8_t eth_ip4_tcp[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(45, 6), TCP_HDR(0x18), HELLO };

/* Ethernet + 802.1Q (PCP 1, VID 100) + IPv4 (total 32) + UDP (len 12) + "abcd". */
static const uint8_t eth_vlan_ip4_udp[] = { ETH_MACS, 0x81, 0x00, 0x20, 0x64, 0x08, 0x00,
					    IP4_HDR(32, 17), UDP_HDR(12), ABCD };

/* QinQ: 802.1ad S-tag (0x88a8, VID 200) then 802.1Q C-tag (VID 100), IPv4/UDP. */
static const uint8_t eth_qinq_ip4_udp[] = { ETH_MACS, 0x88, 0xa8, 0x00, 0xc8, 0x81, 0x00, 0x00, 0x64,
					    0x08, 0x00, IP4_HDR(32, 17), UDP_HDR(12), ABCD };

/* Four stacked 802.1Q tags (VIDs 1, 2, 3, 4): the most DEC_MAX_VLAN_DEPTH allows. */
static const uint8_t eth_vlan4_ip4_udp[] = { ETH_MACS, 0x81, 0x00, 0x00, 0x01, 0x81, 0x00, 0x00,
					     0x02, 0x81, 0x00, 0x00, 0x03, 0x81, 0x00, 0x00, 0x04,
					     0x08, 0x00, IP4_HDR(32, 17), UDP_HDR(12), ABCD };

/* Five stacked 802.1Q tags: one more than DEC_MAX_VLAN_DEPTH. */
static const uint8_t eth_vlan5_ip4_udp[] = { ETH_MACS, 0x81, 0x00, 0x00, 0x01, 0x81, 0x00, 0x00,
					     0x02, 0x81, 0x00, 0x00, 0x03, 0x81, 0x00, 0x00, 0x04,
					     0x81, 0x00, 0x00, 0x05, 0x08, 0x00, IP4_HDR(32, 17),
					     UDP_HDR(12), ABCD };

/* Linux cooked v1 (16 bytes: packet type 0 "to us", ARPHRD_ETHER, address
 * length 6, address + 2 pad bytes, protocol 0x0800) + IPv4/TCP "hello". */
static const uint8_t sll_ip4_tcp[] = { 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x66, 0x77, 0x88, 0x99,
				       0xaa, 0xbb, 0x00, 0x00, 0x08, 0x00, IP4_HDR(45, 6),
				       TCP_HDR(0x18), HELLO };

/* Linux cooked v2 (20 bytes: protocol 0x0800, reserved, ifindex 2,
 * ARPHRD_ETHER, packet type 0, address length 6, address + pad) + IPv4/TCP. */
static const uint8_t sll2_ip4_tcp[] = { 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
					0x00, 0x06, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x00,
					IP4_HDR(45, 6), TCP_HDR(0x18), HELLO };

/* Raw IPv4 (no link header) + TCP "hello". */
static const uint8_t raw_ip4_tcp[] = { IP4_HDR(45, 6), TCP_HDR(0x18), HELLO };

/* Raw IPv6 (payload length 23) + TCP PSH|ACK + "abc". */
static const uint8_t raw_ip6_tcp[] = { IP6_HDR(23, 6), TCP_HDR(0x18), 'a', 'b', 'c' };

/* BSD loopback: AF_INET (2) written little-endian (x86 host order) + IPv4/TCP. */
static const uint8_t null_le_ip4_tcp[] = { 0x02, 0x00, 0x00, 0x00, IP4_HDR(45, 6), TCP_HDR(0x18),
					   HELLO };

/* BSD loopback: AF_INET (2) written big-endian (e.g. a SPARC host) + IPv4/TCP. */
static const uint8_t null_be_ip4_tcp[] = { 0x00, 0x00, 0x00, 0x02, IP4_HDR(45, 6), TCP_HDR(0x18),
					   HELLO };

/* BSD loopback: AF_INET6 as macOS writes it (30, little-endian) + IPv6/TCP. */
static const uint8_t null_le_ip6_tcp[] = { 0x1e, 0x00, 0x00, 0x00, IP6_HDR(23, 6), TCP_HDR(0x18),
					   'a', 'b', 'c' };

/* PPP in HDLC-like framing: address 0xff, control 0x03, protocol 0x0021 (IPv4). */
static const uint8_t ppp_hdlc_ip4_tcp[] = { 0xff, 0x03, 0x00, 0x21, IP4_HDR(45, 6), TCP_HDR(0x18),
					    HELLO };

/* PPP without address/control (RFC 1661 ACFC): protocol 0x0021 (IPv4). */
static const uint8_t ppp_ip4_tcp[] = { 0x00, 0x21, IP4_HDR(45, 6), TCP_HDR(0x18), HELLO };

/* PPP, HDLC framing, protocol 0x0057 (IPv6). */
static const uint8_t ppp_ip6_tcp[] = { 0xff, 0x03, 0x00, 0x57, IP6_HDR(23, 6), TCP_HDR(0x18), 'a',
				       'b', 'c' };

/* PPP carrying LCP (protocol 0xc021): Configure-Request, id 1, length 4. */
static const uint8_t ppp_lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };

/* Ethernet + PPPoE session (0x8864; ver/type 0x11, code 0, session 0x1234,
 * length 47 = 2 + 45) + PPP protocol 0x0021 + IPv4/TCP "hello". */
static const uint8_t eth_pppoe_ip4_tcp[] = { ETH_MACS, 0x88, 0x64, 0x11, 0x00, 0x12, 0x34, 0x00,
					     0x2f, 0x00, 0x21, IP4_HDR(45, 6), TCP_HDR(0x18),
					     HELLO };

/* Ethernet + PPPoE session carrying LCP (0xc021): not followed, non-IP. */
static const uint8_t eth_pppoe_lcp[] = { ETH_MACS, 0x88, 0x64, 0x11, 0x00, 0x12, 0x34, 0x00, 0x06,
					 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };

/* IPv4 with IHL 6 (4 option bytes: NOP NOP NOP EOL), total 49, TCP "hello". */
static const uint8_t eth_ip4opt_tcp[] = { ETH_MACS, 0x08, 0x00, 0x46, 0x00, 0x00, 49, 0x12, 0x34,
					  0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 192, 168, 1, 10, 192,
					  168, 1, 20, 0x01, 0x01, 0x01, 0x00, TCP_HDR(0x18), HELLO };

/* IPv4 first fragment: MF set, offset 0, UDP header + "abcd". */
static const uint8_t eth_ip4_frag_first[] = { ETH_MACS, 0x08, 0x00, IP4_FRAG_HDR(32, 17, 0x20, 0x00),
					      UDP_HDR(100), ABCD };

/* IPv4 last fragment: MF clear, offset 185 (x 8 bytes), 12 bytes of data. */
static const uint8_t eth_ip4_frag_last[] = { ETH_MACS, 0x08, 0x00,
					     IP4_FRAG_HDR(32, 17, 0x00, 0xb9), 'x', 'x', 'x', 'x',
					     'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x' };

/* IPv6 + hop-by-hop options (next 60, length 0, PadN 4) + destination options
 * (next 6, length 0, PadN 4) + TCP PSH|ACK + "abc"; payload length 39. */
static const uint8_t eth_ip6_ext_tcp[] = { ETH_MACS, 0x86, 0xdd, IP6_HDR(39, 0), 60, 0x00, 0x01,
					   0x04, 0x00, 0x00, 0x00, 0x00, 6, 0x00, 0x01, 0x04,
					   0x00, 0x00, 0x00, 0x00, TCP_HDR(0x18), 'a', 'b', 'c' };

/* IPv6 + fragment header (next 17, offset 0, M=1, id 42) + UDP header + "abcd". */
static const uint8_t eth_ip6_frag[] = { ETH_MACS, 0x86, 0xdd, IP6_HDR(20, 44), 17, 0x00, 0x00,
					0x01, 0x00, 0x00, 0x00, 0x2a, UDP_HDR(100), ABCD };

/* IPv6 + atomic fragment header (offset 0, M=0: RFC 6946) + UDP "abcd". */
static const uint8_t eth_ip6_atomic_frag_udp[] = { ETH_MACS, 0x86, 0xdd, IP6_HDR(20, 44), 17, 0x00,
						   0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,
						   UDP_HDR(12), ABCD };

/* IPv6 + nine destination-options headers (one more than DEC_MAX_IP6_EXT) + TCP. */
#define DSTOPT_60 60, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00
static const uint8_t eth_ip6_ext9_tcp[] = { ETH_MACS, 0x86, 0xdd, IP6_HDR(92, 60), DSTOPT_60,
					    DSTOPT_60, DSTOPT_60, DSTOPT_60, DSTOPT_60, DSTOPT_60,
					    DSTOPT_60, DSTOPT_60, 6, 0x00, 0x01, 0x04, 0x00, 0x00,
					    0x00, 0x00, TCP_HDR(0x18) };

/* IPv4 ICMP echo request (type 8, code 0, id 0, seq 0), total 28. */
static const uint8_t eth_ip4_icmp[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(28, 1), 0x08, 0x00, 0xf7,
					0xff, 0x00, 0x00, 0x00, 0x00 };

/* IPv6 ICMPv6 echo request (next header 58), payload length 8. */
static const uint8_t eth_ip6_icmp6[] = { ETH_MACS, 0x86, 0xdd, IP6_HDR(8, 58), 0x80, 0x00, 0x00,
					 0x00, 0x00, 0x01, 0x00, 0x01 };

/* ARP request (EtherType 0x0806): who has 192.168.1.20, tell 192.168.1.10. */
static const uint8_t eth_arp[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x66, 0x77, 0x88, 0x99,
				   0xaa, 0xbb, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04,
				   0x00, 0x01, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 192, 168, 1,
				   10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 192, 168, 1, 20 };

/* LLDP (EtherType 0x88cc): chassis id TLV then end TLV. */
static const uint8_t eth_lldp[] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x66, 0x77, 0x88, 0x99,
				    0xaa, 0xbb, 0x88, 0xcc, 0x02, 0x07, 0x04, 0x66, 0x77, 0x88,
				    0x99, 0xaa, 0xbb, 0x00, 0x00 };

/* IEEE 802.3 frame with an LLC header (length field 0x0006 < 0x0600): STP BPDU start. */
static const uint8_t eth_llc[] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0x66, 0x77, 0x88, 0x99,
				   0xaa, 0xbb, 0x00, 0x06, 0x42, 0x42, 0x03, 0x00, 0x00, 0x00 };

/* IPv4/TCP ACK without payload (total 40) padded to the 60-byte Ethernet minimum. */
static const uint8_t eth_ip4_tcp_padded[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(40, 6), TCP_HDR(0x10),
					      0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };

/* IPv4/UDP "abcd" (total 32) padded with 0xee to 60 bytes. */
static const uint8_t eth_ip4_udp_padded[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(32, 17), UDP_HDR(12),
					      ABCD, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
					      0xee, 0xee };

/* TCP with a 12-byte header (data offset 3 < 5), total 45. */
static const uint8_t eth_ip4_tcp_doff3[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(45, 6), TCP_HDR_OFF(0x30),
					     HELLO };

/* TCP data offset 8 (32 bytes) but only 25 bytes of TCP in the IP packet. */
static const uint8_t eth_ip4_tcp_doff8[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(45, 6), TCP_HDR_OFF(0x80),
					     HELLO };

/* TCP data offset 6 (4 option bytes: NOP NOP NOP EOL), total 49: valid. */
static const uint8_t eth_ip4_tcp_opts[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(49, 6), TCP_HDR_OFF(0x60),
					    0x01, 0x01, 0x01, 0x00, HELLO };

/* IP total length 30: only 10 bytes of TCP header inside the IP packet. */
static const uint8_t eth_ip4_tcp_short[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(30, 6), 0xc3, 0x50, 0x01,
					     0xf6, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };

/* UDP length field 4 (< 8). */
static const uint8_t eth_ip4_udp_len4[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(32, 17), UDP_HDR(4),
					    ABCD };

/* UDP length field 100 (> 12 bytes of IP payload). */
static const uint8_t eth_ip4_udp_len100[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(32, 17), UDP_HDR(100),
					      ABCD };

/* IP total 24: 4 bytes of UDP header inside the IP packet. */
static const uint8_t eth_ip4_udp_short[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(24, 17), 0x04, 0xd2,
					     0x00, 0xa1 };

/* IPv4 header with IHL 4 (16 bytes < 20). */
static const uint8_t eth_ip4_ihl4[] = { ETH_MACS, 0x08, 0x00, 0x44, 0x00, 0x00, 45, 0x12, 0x34, 0x40,
					0x00, 0x40, 0x06, 0x00, 0x00, 192, 168, 1, 10, 192, 168, 1,
					20, TCP_HDR(0x18), HELLO };

/* EtherType IPv4 but version nibble 6. */
static const uint8_t eth_ip4_ver6[] = { ETH_MACS, 0x08, 0x00, 0x65, 0x00, 0x00, 45, 0x12, 0x34, 0x40,
					0x00, 0x40, 0x06, 0x00, 0x00, 192, 168, 1, 10, 192, 168, 1,
					20, TCP_HDR(0x18), HELLO };

/* IPv4 total length 256 in a 59-byte frame. */
static const uint8_t eth_ip4_total256[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(256, 6), TCP_HDR(0x18),
					    HELLO };

/* IPv4 total length 16 (below the 20-byte header). */
static const uint8_t eth_ip4_total16[] = { ETH_MACS, 0x08, 0x00, IP4_HDR(16, 6), TCP_HDR(0x18),
					   HELLO };

/* EtherType IPv6 but version nibble 4. */
static const uint8_t eth_ip6_ver4[] = { ETH_MACS, 0x86, 0xdd, 0x40, 0x00, 0x00, 0x00, 0x00, 23, 6,
					0x40, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
					0, 0, 0, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0x02, TCP_HDR(0x18), 'a', 'b', 'c' };

/* IPv6 payload length 200 in a frame holding 23 bytes of payload. */
static const uint8_t eth_ip6_plen200[] = { ETH_MACS, 0x86, 0xdd, IP6_HDR(200, 6), TCP_HDR(0x18),
					   'a', 'b', 'c' };

/* IPv6 payload length 0 (a jumbogram, RFC 2675: not followed). */
static const uint8_t eth_ip6_plen0[] = { ETH_MACS, 0x86, 0xdd, IP6_HDR(0, 6), TCP_HDR(0x18), 'a',
					 'b', 'c' };

/* Ethernet + 802.1Q tag whose inner EtherType is cut off (16 bytes). */
static const uint8_t eth_vlan_cut[] = { ETH_MACS, 0x81, 0x00, 0x00, 0x64 };

/* Raw IP whose version nibble is 5. */
static const uint8_t raw_ver5[] = { 0x55, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x40, 0x06,
				    0x00, 0x00, 192, 168, 1, 10, 192, 168, 1, 20 };

/* ---- expected values ---- */

static const uint8_t v4_src[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 10 };
static const uint8_t v4_dst[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 20 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

/* ---- helpers ---- */

static enum dec_result decode(int dlt, const uint8_t *f, size_t len, struct dec_pkt *p,
			      struct dec_stats *st)
{
	memset(p, 0, sizeof(*p));
	return dec_packet(dlt, f, (uint32_t)len, (uint32_t)len, TS_US, p, st);
}

static uint64_t err_total(const struct dec_stats *st)
{
	uint64_t n = 0;
	for (int i = 0; i < DEC_ERR__COUNT; i++)
		n += st->err[i];
	return n;
}

/* Decodes f and asserts DEC_ERROR with exactly one error counted, of kind e. */
static void assert_error(int dlt, const uint8_t *f, size_t caplen, size_t wirelen, enum dec_err e)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	memset(&p, 0, sizeof(p));
	enum dec_result r = dec_packet(dlt, f, (uint32_t)caplen, (uint32_t)wirelen, TS_US, &p, &st);
	ck_assert_int_eq(r, DEC_ERROR);
	ck_assert_msg(st.err[e] == 1, "expected error %s, counters: %s=%llu total=%llu",
		      dec_err_name(e), dec_err_name(e), (unsigned long long)st.err[e],
		      (unsigned long long)err_total(&st));
	ck_assert_uint_eq(err_total(&st), 1);
	ck_assert_uint_eq(st.tcp + st.udp, 0);
}

/* The IPv4/TCP "hello" packet, wherever its IP header starts. */
static void assert_ip4_tcp_hello(const struct dec_pkt *p, const uint8_t *frame, uint32_t l3_off)
{
	ck_assert_uint_eq(p->ip_ver, 4);
	ck_assert_uint_eq(p->l4_proto, 6);
	ck_assert_uint_eq(p->l3_off, l3_off);
	ck_assert_uint_eq(p->l3_len, 45);
	ck_assert_uint_eq(p->sport, 50000);
	ck_assert_uint_eq(p->dport, 502);
	ck_assert_uint_eq(p->seq, 0x11223344u);
	ck_assert_uint_eq(p->ack, 0x55667788u);
	ck_assert_uint_eq(p->tcp_flags, DEC_TCP_PSH | DEC_TCP_ACK);
	ck_assert_uint_eq(p->tcp_win, 0x2000);
	ck_assert_uint_eq(p->payload_off, l3_off + 40);
	ck_assert_uint_eq(p->payload_len, 5);
	ck_assert_uint_eq(p->payload_wire_len, 5);
	ck_assert_mem_eq(p->frame + p->payload_off, "hello", 5);
	ck_assert_mem_eq(p->saddr, v4_src, 16);
	ck_assert_mem_eq(p->daddr, v4_dst, 16);
	ck_assert_ptr_eq(p->frame, frame);
}

static void assert_ip6_tcp_abc(const struct dec_pkt *p, uint32_t l3_off, uint32_t ext_bytes)
{
	ck_assert_uint_eq(p->ip_ver, 6);
	ck_assert_uint_eq(p->l4_proto, 6);
	ck_assert_uint_eq(p->l3_off, l3_off);
	ck_assert_uint_eq(p->l3_len, 40 + ext_bytes + 23);
	ck_assert_uint_eq(p->sport, 50000);
	ck_assert_uint_eq(p->dport, 502);
	ck_assert_uint_eq(p->seq, 0x11223344u);
	ck_assert_uint_eq(p->payload_off, l3_off + 40 + ext_bytes + 20);
	ck_assert_uint_eq(p->payload_len, 3);
	ck_assert_uint_eq(p->payload_wire_len, 3);
	ck_assert_mem_eq(p->frame + p->payload_off, "abc", 3);
	ck_assert_mem_eq(p->saddr, v6_src, 16);
	ck_assert_mem_eq(p->daddr, v6_dst, 16);
}

static void assert_udp_abcd(const struct dec_pkt *p, uint32_t l3_off)
{
	ck_assert_uint_eq(p->ip_ver, 4);
	ck_assert_uint_eq(p->l4_proto, 17);
	ck_assert_uint_eq(p->l3_off, l3_off);
	ck_assert_uint_eq(p->l3_len, 32);
	ck_assert_uint_eq(p->sport, 1234);
	ck_assert_uint_eq(p->dport, 161);
	ck_assert_uint_eq(p->payload_off, l3_off + 28);
	ck_assert_uint_eq(p->payload_len, 4);
	ck_assert_uint_eq(p->payload_wire_len, 4);
	ck_assert_mem_eq(p->frame + p->payload_off, "abcd", 4);
	ck_assert_mem_eq(p->saddr, v4_src, 16);
	ck_assert_mem_eq(p->daddr, v4_dst, 16);
}

/* ---- valid frames ---- */

START_TEST(test_eth_ip4_tcp)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip4_tcp, sizeof(eth_ip4_tcp), &p, &st), DEC_TCP);
	assert_ip4_tcp_hello(&p, eth_ip4_tcp, 14);
	ck_assert_uint_eq(p.caplen, sizeof(eth_ip4_tcp));
	ck_assert_uint_eq(p.wirelen, sizeof(eth_ip4_tcp));
	ck_assert_uint_eq(p.ts_us, TS_US);
	ck_assert_uint_eq(p.vlan_id, 0);
	ck_assert_uint_eq(p.vlan_depth, 0);
	ck_assert_uint_eq(p.ip4_has_options, 0);
	ck_assert_uint_eq(st.ip4, 1);
	ck_assert_uint_eq(st.tcp, 1);
	ck_assert_uint_eq(st.udp, 0);
	ck_assert_uint_eq(st.ip4_fragments, 0);
	ck_assert_uint_eq(st.snap_truncated, 0);
	ck_assert_uint_eq(err_total(&st), 0);
}
END_TEST

START_TEST(test_eth_vlan_ip4_udp)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_EN10MB, eth_vlan_ip4_udp, sizeof(eth_vlan_ip4_udp), &p, &st),
			 DEC_UDP);
	assert_udp_abcd(&p, 18);
	ck_assert_uint_eq(p.vlan_id, 100); /* PCP bits are not part of the id */
	ck_assert_uint_eq(p.vlan_depth, 1);
	ck_assert_uint_eq(st.udp, 1);
	ck_assert_uint_eq(st.ip4, 1);
}
END_TEST

START_TEST(test_eth_qinq)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_EN10MB, eth_qinq_ip4_udp, sizeof(eth_qinq_ip4_udp), &p, &st),
			 DEC_UDP);
	assert_udp_abcd(&p, 22);
	ck_assert_uint_eq(p.vlan_id, 200); /* the outer (S-tag) id is kept */
	ck_assert_uint_eq(p.vlan_depth, 2);
}
END_TEST

START_TEST(test_vlan_depth_limit)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_EN10MB, eth_vlan4_ip4_udp, sizeof(eth_vlan4_ip4_udp), &p, &st),
			 DEC_UDP);
	ck_assert_uint_eq(p.vlan_depth, DEC_MAX_VLAN_DEPTH);
	ck_assert_uint_eq(p.vlan_id, 1);
	assert_udp_abcd(&p, 30);
	assert_error(DLT_EN10MB, eth_vlan5_ip4_udp, sizeof(eth_vlan5_ip4_udp),
		     sizeof(eth_vlan5_ip4_udp), DEC_ERR_VLAN_DEPTH);
}
END_TEST

START_TEST(test_linux_sll)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(dec_linktype_supported(DLT_LINUX_SLL), 1);
	ck_assert_int_eq(DLT_LINUX_SLL, 113);
	ck_assert_int_eq(decode(DLT_LINUX_SLL, sll_ip4_tcp, sizeof(sll_ip4_tcp), &p, &st), DEC_TCP);
	assert_ip4_tcp_hello(&p, sll_ip4_tcp, 16);
}
END_TEST

START_TEST(test_linux_sll2)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(dec_linktype_supported(DLT_LINUX_SLL2), 1);
	ck_assert_int_eq(decode(DLT_LINUX_SLL2, sll2_ip4_tcp, sizeof(sll2_ip4_tcp), &p, &st),
			 DEC_TCP);
	assert_ip4_tcp_hello(&p, sll2_ip4_tcp, 20);
}
END_TEST

START_TEST(test_raw_ip4)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_RAW, raw_ip4_tcp, sizeof(raw_ip4_tcp), &p, &st), DEC_TCP);
	assert_ip4_tcp_hello(&p, raw_ip4_tcp, 0);
	ck_assert_int_eq(decode(DLT_IPV4, raw_ip4_tcp, sizeof(raw_ip4_tcp), &p, &st), DEC_TCP);
	assert_ip4_tcp_hello(&p, raw_ip4_tcp, 0);
	ck_assert_uint_eq(st.ip4, 2);
	ck_assert_uint_eq(st.tcp, 2);
}
END_TEST

START_TEST(test_raw_ip6)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_IPV6, raw_ip6_tcp, sizeof(raw_ip6_tcp), &p, &st), DEC_TCP);
	assert_ip6_tcp_abc(&p, 0, 0);
	ck_assert_uint_eq(p.ip6_ext_count, 0);
	ck_assert_int_eq(decode(DLT_RAW, raw_ip6_tcp, sizeof(raw_ip6_tcp), &p, &st), DEC_TCP);
	assert_ip6_tcp_abc(&p, 0, 0);
	ck_assert_uint_eq(st.ip6, 2);
	ck_assert_uint_eq(st.ip4, 0);
	ck_assert_uint_eq(st.tcp, 2);
}
END_TEST

START_TEST(test_bsd_null)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(DLT_NULL, 0);
	ck_assert_int_eq(decode(DLT_NULL, null_le_ip4_tcp, sizeof(null_le_ip4_tcp), &p, &st), DEC_TCP);
	assert_ip4_tcp_hello(&p, null_le_ip4_tcp, 4);
	ck_assert_int_eq(decode(DLT_NULL, null_be_ip4_tcp, sizeof(null_be_ip4_tcp), &p, &st), DEC_TCP);
	assert_ip4_tcp_hello(&p, null_be_ip4_tcp, 4);
	ck_assert_int_eq(decode(DLT_NULL, null_le_ip6_tcp, sizeof(null_le_ip6_tcp), &p, &st), DEC_TCP);
	assert_ip6_tcp_abc(&p, 4, 0);

	/* AF_INET in this host's byte order, as a capture on this host holds it. */
	uint8_t *f = malloc(sizeof(raw_ip4_tcp) + 4);
	ck_assert_ptr_nonnull(f);
	uint32_t af = 2;
	memcpy(f, &af, 4);
	memcpy(f + 4, raw_ip4_tcp, sizeof(raw_ip4_tcp));
	ck_assert_int_eq(decode(DLT_NULL, f, sizeof(raw_ip4_tcp) + 4, &p, &st), DEC_TCP);
	assert_ip4_tcp_hello(&p, f, 4);
	free(f);
	ck_assert_uint_eq(st.tcp, 4);
}
END_TEST

START_TEST(test_ppp)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(DLT_PPP, 9);
	ck_assert_int_eq(decode(DLT_PPP, ppp_hdlc_ip4_tcp, sizeof(ppp_hdlc_ip4_tcp), &p, &st),
			 DEC_TCP);
	assert_ip4_tcp_hello(&p, ppp_hdlc_ip4_tcp, 4);
	ck_assert_int_eq(decode(DLT_PPP, ppp_ip4_tcp, sizeof(ppp_ip4_tcp), &p, &st), DEC_TCP);
	assert_ip4_tcp_hello(&p, ppp_ip4_tcp, 2);
	ck_assert_int_eq(decode(DLT_PPP, ppp_ip6_tcp, sizeof(ppp_ip6_tcp), &p, &st), DEC_TCP);
	assert_ip6_tcp_abc(&p, 4, 0);
	ck_assert_uint_eq(err_total(&st), 0);
	assert_error(DLT_PPP, ppp_lcp, sizeof(ppp_lcp), sizeof(ppp_lcp), DEC_ERR_PPP);
}
END_TEST

START_TEST(test_pppoe)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_EN10MB, eth_pppoe_ip4_tcp, sizeof(eth_pppoe_ip4_tcp), &p, &st),
			 DEC_TCP);
	assert_ip4_tcp_hello(&p, eth_pppoe_ip4_tcp, 22);
	ck_assert_uint_eq(st.non_ip, 0);
	/* PPPoE carrying LCP is counted as a non-IP frame of EtherType 0x8864 */
	ck_assert_int_eq(decode(DLT_EN10MB, eth_pppoe_lcp, sizeof(eth_pppoe_lcp), &p, &st),
			 DEC_NON_IP);
	ck_assert_uint_eq(st.non_ip, 1);
	ck_assert_uint_eq(st.ethertype[0], 0x8864);
	ck_assert_uint_eq(st.ethertype_count[0], 1);
}
END_TEST

START_TEST(test_ip4_options)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip4opt_tcp, sizeof(eth_ip4opt_tcp), &p, &st), DEC_TCP);
	ck_assert_uint_eq(p.ip4_has_options, 1);
	ck_assert_uint_eq(st.ip4_options, 1);
	ck_assert_uint_eq(p.l3_off, 14);
	ck_assert_uint_eq(p.l3_len, 49);
	ck_assert_uint_eq(p.sport, 50000);
	ck_assert_uint_eq(p.dport, 502);
	ck_assert_uint_eq(p.payload_off, 14 + 24 + 20);
	ck_assert_uint_eq(p.payload_len, 5);
	ck_assert_mem_eq(p.frame + p.payload_off, "hello", 5);
	/* TCP options too */
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip4_tcp_opts, sizeof(eth_ip4_tcp_opts), &p, &st),
			 DEC_TCP);
	ck_assert_uint_eq(p.payload_off, 14 + 20 + 24);
	ck_assert_uint_eq(p.payload_len, 5);
	ck_assert_uint_eq(p.ip4_has_options, 0);
	ck_assert_mem_eq(p.frame + p.payload_off, "hello", 5);
	ck_assert_uint_eq(st.ip4_options, 1);
}
END_TEST

START_TEST(test_ip4_fragment)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip4_frag_first, sizeof(eth_ip4_frag_first), &p, &st),
			 DEC_FRAGMENT);
	ck_assert_uint_eq(p.ip_ver, 4);
	ck_assert_uint_eq(p.l4_proto, 17);
	ck_assert_uint_eq(p.l3_off, 14);
	ck_assert_uint_eq(p.l3_len, 32);
	ck_assert_mem_eq(p.saddr, v4_src, 16);
	ck_assert_uint_eq(st.ip4_fragments, 1);
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip4_frag_last, sizeof(eth_ip4_frag_last), &p, &st),
			 DEC_FRAGMENT);
	ck_assert_uint_eq(st.ip4_fragments, 2);
	ck_assert_uint_eq(st.ip4, 2);
	ck_assert_uint_eq(st.udp, 0); /* fragments are not decoded further */
	ck_assert_uint_eq(err_total(&st), 0);
}
END_TEST

START_TEST(test_ip6_ext_headers)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip6_ext_tcp, sizeof(eth_ip6_ext_tcp), &p, &st), DEC_TCP);
	assert_ip6_tcp_abc(&p, 14, 16);
	ck_assert_uint_eq(p.ip6_ext_count, 2);
	ck_assert_uint_eq(st.ip6_ext_headers, 2);
	ck_assert_uint_eq(st.ip6, 1);
	ck_assert_uint_eq(st.tcp, 1);
}
END_TEST

START_TEST(test_ip6_fragment)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip6_frag, sizeof(eth_ip6_frag), &p, &st), DEC_FRAGMENT);
	ck_assert_uint_eq(p.ip_ver, 6);
	ck_assert_uint_eq(p.l4_proto, 17);
	ck_assert_uint_eq(p.ip6_ext_count, 1);
	ck_assert_uint_eq(st.ip6_fragments, 1);
	ck_assert_uint_eq(st.udp, 0);
	/* an atomic fragment (offset 0, M clear) is a whole datagram */
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip6_atomic_frag_udp, sizeof(eth_ip6_atomic_frag_udp),
				&p, &st),
			 DEC_UDP);
	ck_assert_uint_eq(p.l4_proto, 17);
	ck_assert_uint_eq(p.sport, 1234);
	ck_assert_uint_eq(p.payload_off, 14 + 40 + 8 + 8);
	ck_assert_uint_eq(p.payload_len, 4);
	ck_assert_mem_eq(p.frame + p.payload_off, "abcd", 4);
	ck_assert_uint_eq(st.ip6_fragments, 1);
	ck_assert_uint_eq(st.udp, 1);
}
END_TEST

START_TEST(test_ip6_ext_chain_too_long)
{
	assert_error(DLT_EN10MB, eth_ip6_ext9_tcp, sizeof(eth_ip6_ext9_tcp), sizeof(eth_ip6_ext9_tcp),
		     DEC_ERR_IP6_EXT);
}
END_TEST

START_TEST(test_icmp_other_ip)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip4_icmp, sizeof(eth_ip4_icmp), &p, &st), DEC_OTHER_IP);
	ck_assert_uint_eq(p.l4_proto, 1);
	ck_assert_uint_eq(p.ip_ver, 4);
	ck_assert_uint_eq(p.l3_len, 28);
	ck_assert_uint_eq(st.ip_proto[1], 1);
	ck_assert_uint_eq(st.ip4, 1);
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip6_icmp6, sizeof(eth_ip6_icmp6), &p, &st),
			 DEC_OTHER_IP);
	ck_assert_uint_eq(p.l4_proto, 58);
	ck_assert_uint_eq(p.ip_ver, 6);
	ck_assert_uint_eq(st.ip_proto[58], 1);
	ck_assert_uint_eq(st.ip_proto[1], 1);
	ck_assert_uint_eq(st.tcp + st.udp, 0);
	ck_assert_uint_eq(err_total(&st), 0);
}
END_TEST

START_TEST(test_non_ip_by_ethertype)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode(DLT_EN10MB, eth_arp, sizeof(eth_arp), &p, &st), DEC_NON_IP);
	ck_assert_uint_eq(st.non_ip, 1);
	ck_assert_uint_eq(st.ethertype[0], 0x0806);
	ck_assert_uint_eq(st.ethertype_count[0], 1);
	ck_assert_int_eq(decode(DLT_EN10MB, eth_lldp, sizeof(eth_lldp), &p, &st), DEC_NON_IP);
	ck_assert_int_eq(decode(DLT_EN10MB, eth_arp, sizeof(eth_arp), &p, &st), DEC_NON_IP);
	ck_assert_int_eq(decode(DLT_EN10MB, eth_llc, sizeof(eth_llc), &p, &st), DEC_NON_IP);
	ck_assert_uint_eq(st.non_ip, 4);
	ck_assert_uint_eq(st.ethertype[0], 0x0806);
	ck_assert_uint_eq(st.ethertype_count[0], 2);
	ck_assert_uint_eq(st.ethertype[1], 0x88cc);
	ck_assert_uint_eq(st.ethertype_count[1], 1);
	ck_assert_uint_eq(st.ethertype[2], 0x0000); /* 802.3 length field: LLC */
	ck_assert_uint_eq(st.ethertype_count[2], 1);
	ck_assert_uint_eq(st.ethertype_other, 0);
	ck_assert_uint_eq(st.ip4 + st.ip6, 0);
	ck_assert_uint_eq(err_total(&st), 0);
}
END_TEST

/* More distinct EtherTypes than slots: the rest go to ethertype_other. */
START_TEST(test_ethertype_slots_overflow)
{
	struct dec_pkt p;
	struct dec_stats st;
	uint8_t f[20];
	memset(&st, 0, sizeof(st));
	memcpy(f, eth_lldp, sizeof(f));
	for (unsigned i = 0; i < DEC_ETHERTYPE_SLOTS + 3; i++) {
		f[12] = 0x90;
		f[13] = (uint8_t)(0x10 + i); /* 0x9010.. (not 0x9100: that is a VLAN tag) */
		ck_assert_int_eq(decode(DLT_EN10MB, f, sizeof(f), &p, &st), DEC_NON_IP);
	}
	ck_assert_uint_eq(st.non_ip, DEC_ETHERTYPE_SLOTS + 3);
	ck_assert_uint_eq(st.ethertype_other, 3);
	ck_assert_uint_eq(st.ethertype[DEC_ETHERTYPE_SLOTS - 1], 0x9010 + DEC_ETHERTYPE_SLOTS - 1);
	ck_assert_uint_eq(st.ethertype_count[DEC_ETHERTYPE_SLOTS - 1], 1);
}
END_TEST

START_TEST(test_ethernet_padding_trimmed)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	ck_assert_uint_eq(sizeof(eth_ip4_tcp_padded), 60);
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip4_tcp_padded, sizeof(eth_ip4_tcp_padded), &p, &st),
			 DEC_TCP);
	ck_assert_uint_eq(p.l3_len, 40);
	ck_assert_uint_eq(p.payload_off, 54);
	ck_assert_uint_eq(p.payload_len, 0); /* the 6 pad bytes are not payload */
	ck_assert_uint_eq(p.payload_wire_len, 0);
	ck_assert_uint_eq(p.tcp_flags, DEC_TCP_ACK);
	ck_assert_int_eq(decode(DLT_EN10MB, eth_ip4_udp_padded, sizeof(eth_ip4_udp_padded), &p, &st),
			 DEC_UDP);
	assert_udp_abcd(&p, 14);
	ck_assert_uint_eq(st.snap_truncated, 0);
}
END_TEST

START_TEST(test_snaplen_truncated_payload)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	/* 2 of the 5 payload bytes captured */
	enum dec_result r = dec_packet(DLT_EN10MB, eth_ip4_tcp, 56, sizeof(eth_ip4_tcp), TS_US, &p, &st);
	ck_assert_int_eq(r, DEC_TCP);
	ck_assert_uint_eq(p.caplen, 56);
	ck_assert_uint_eq(p.wirelen, 59);
	ck_assert_uint_eq(p.payload_off, 54);
	ck_assert_uint_eq(p.payload_len, 2);
	ck_assert_uint_eq(p.payload_wire_len, 5);
	ck_assert_uint_lt(p.payload_len, p.payload_wire_len);
	ck_assert_uint_eq(p.l3_len, 56 - 14);
	ck_assert_uint_eq(st.snap_truncated, 1);
	/* headers only: no payload captured at all */
	r = dec_packet(DLT_EN10MB, eth_ip4_tcp, 54, sizeof(eth_ip4_tcp), TS_US, &p, &st);
	ck_assert_int_eq(r, DEC_TCP);
	ck_assert_uint_eq(p.payload_len, 0);
	ck_assert_uint_eq(p.payload_wire_len, 5);
	/* UDP: 1 of 4 payload bytes */
	r = dec_packet(DLT_EN10MB, eth_vlan_ip4_udp, 47, sizeof(eth_vlan_ip4_udp), TS_US, &p, &st);
	ck_assert_int_eq(r, DEC_UDP);
	ck_assert_uint_eq(p.payload_len, 1);
	ck_assert_uint_eq(p.payload_wire_len, 4);
	ck_assert_uint_eq(st.snap_truncated, 3);
	ck_assert_uint_eq(err_total(&st), 0);
	/* the TCP header itself cut by the snaplen */
	assert_error(DLT_EN10MB, eth_ip4_tcp, 44, sizeof(eth_ip4_tcp), DEC_ERR_TCP_TRUNC);
	/* TCP options cut by the snaplen */
	assert_error(DLT_EN10MB, eth_ip4_tcp_opts, 56, sizeof(eth_ip4_tcp_opts), DEC_ERR_TCP_TRUNC);
	/* IPv6 extension header cut by the snaplen */
	assert_error(DLT_EN10MB, eth_ip6_ext_tcp, 14 + 40 + 12, sizeof(eth_ip6_ext_tcp),
		     DEC_ERR_IP6_TRUNC);
}
END_TEST

/* wirelen below caplen (a broken capture file) is raised to caplen. */
START_TEST(test_wirelen_below_caplen)
{
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	enum dec_result r = dec_packet(DLT_EN10MB, eth_ip4_tcp, sizeof(eth_ip4_tcp), 10, TS_US, &p, &st);
	ck_assert_int_eq(r, DEC_TCP);
	ck_assert_uint_eq(p.wirelen, sizeof(eth_ip4_tcp));
	ck_assert_uint_eq(st.snap_truncated, 0);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_err_link_truncated)
{
	assert_error(DLT_EN10MB, eth_ip4_tcp, 13, 13, DEC_ERR_LINK_TRUNC);
	assert_error(DLT_EN10MB, eth_vlan_cut, sizeof(eth_vlan_cut), sizeof(eth_vlan_cut),
		     DEC_ERR_LINK_TRUNC);
	assert_error(DLT_LINUX_SLL, sll_ip4_tcp, 15, 15, DEC_ERR_LINK_TRUNC);
	assert_error(DLT_LINUX_SLL2, sll2_ip4_tcp, 19, 19, DEC_ERR_LINK_TRUNC);
	assert_error(DLT_NULL, null_le_ip4_tcp, 3, 3, DEC_ERR_LINK_TRUNC);
	assert_error(DLT_NULL, null_le_ip4_tcp, 4, 4, DEC_ERR_LINK_TRUNC);
	assert_error(DLT_PPP, ppp_hdlc_ip4_tcp, 3, 3, DEC_ERR_LINK_TRUNC);
	assert_error(DLT_PPP, ppp_ip4_tcp, 1, 1, DEC_ERR_LINK_TRUNC);
	assert_error(DLT_RAW, raw_ip4_tcp, 0, 0, DEC_ERR_LINK_TRUNC);
}
END_TEST

START_TEST(test_err_linktype)
{
	ck_assert_int_eq(dec_linktype_supported(105), 0); /* IEEE 802.11 */
	ck_assert_int_eq(dec_linktype_supported(DLT_EN10MB), 1);
	ck_assert_int_eq(dec_linktype_supported(DLT_RAW), 1);
	ck_assert_int_eq(dec_linktype_supported(DLT_IPV6), 1);
	ck_assert_int_eq(dec_linktype_supported(DLT_NULL), 1);
	ck_assert_int_eq(dec_linktype_supported(DLT_PPP), 1);
	assert_error(105, eth_ip4_tcp, sizeof(eth_ip4_tcp), sizeof(eth_ip4_tcp), DEC_ERR_LINKTYPE);
}
END_TEST

START_TEST(test_err_ip4_truncated)
{
	assert_error(DLT_EN10MB, eth_ip4_tcp, 14 + 19, 14 + 19, DEC_ERR_IP4_TRUNC);
	assert_error(DLT_RAW, raw_ip4_tcp, 1, 1, DEC_ERR_IP4_TRUNC);
	/* IHL 6 but the capture ends inside the options */
	assert_error(DLT_EN10MB, eth_ip4opt_tcp, 14 + 22, sizeof(eth_ip4opt_tcp), DEC_ERR_IP4_TRUNC);
}
END_TEST

START_TEST(test_err_ip4_bad_header)
{
	assert_error(DLT_EN10MB, eth_ip4_ihl4, sizeof(eth_ip4_ihl4), sizeof(eth_ip4_ihl4),
		     DEC_ERR_IP4_HDR);
	assert_error(DLT_EN10MB, eth_ip4_ver6, sizeof(eth_ip4_ver6), sizeof(eth_ip4_ver6),
		     DEC_ERR_IP4_HDR);
	assert_error(DLT_RAW, raw_ver5, sizeof(raw_ver5), sizeof(raw_ver5), DEC_ERR_IP4_HDR);
}
END_TEST

START_TEST(test_err_ip4_length)
{
	/* total length beyond the frame (and the frame was not cut by a snaplen) */
	assert_error(DLT_EN10MB, eth_ip4_total256, sizeof(eth_ip4_total256), sizeof(eth_ip4_total256),
		     DEC_ERR_IP4_LEN);
	/* total length below the header length */
	assert_error(DLT_EN10MB, eth_ip4_total16, sizeof(eth_ip4_total16), sizeof(eth_ip4_total16),
		     DEC_ERR_IP4_LEN);
	/* a snaplen does not excuse a total length beyond the wire length */
	assert_error(DLT_EN10MB, eth_ip4_total256, 40, sizeof(eth_ip4_total256), DEC_ERR_IP4_LEN);
}
END_TEST

START_TEST(test_err_tcp_header)
{
	assert_error(DLT_EN10MB, eth_ip4_tcp_doff3, sizeof(eth_ip4_tcp_doff3),
		     sizeof(eth_ip4_tcp_doff3), DEC_ERR_TCP_HDR);
	assert_error(DLT_EN10MB, eth_ip4_tcp_doff8, sizeof(eth_ip4_tcp_doff8),
		     sizeof(eth_ip4_tcp_doff8), DEC_ERR_TCP_HDR);
}
END_TEST

START_TEST(test_err_tcp_truncated)
{
	assert_error(DLT_EN10MB, eth_ip4_tcp_short, sizeof(eth_ip4_tcp_short),
		     sizeof(eth_ip4_tcp_short), DEC_ERR_TCP_TRUNC);
	/* IPv6 whose payload holds only part of the TCP header */
	static const uint8_t ip6_tcp_10[] = { /* IPv6, payload length 10: half a TCP header */
					      IP6_HDR(10, 6), 0xc3, 0x50, 0x01, 0xf6, 0x11, 0x22,
					      0x33, 0x44, 0x55, 0x66 };
	assert_error(DLT_RAW, ip6_tcp_10, sizeof(ip6_tcp_10), sizeof(ip6_tcp_10), DEC_ERR_TCP_TRUNC);
}
END_TEST

START_TEST(test_err_udp)
{
	assert_error(DLT_EN10MB, eth_ip4_udp_len4, sizeof(eth_ip4_udp_len4), sizeof(eth_ip4_udp_len4),
		     DEC_ERR_UDP_LEN);
	assert_error(DLT_EN10MB, eth_ip4_udp_len100, sizeof(eth_ip4_udp_len100),
		     sizeof(eth_ip4_udp_len100), DEC_ERR_UDP_LEN);
	assert_error(DLT_EN10MB, eth_ip4_udp_short, sizeof(eth_ip4_udp_short),
		     sizeof(eth_ip4_udp_short), DEC_ERR_UDP_TRUNC);
}
END_TEST

START_TEST(test_err_ip6)
{
	assert_error(DLT_EN10MB, eth_ip6_ver4, sizeof(eth_ip6_ver4), sizeof(eth_ip6_ver4),
		     DEC_ERR_IP6_HDR);
	assert_error(DLT_EN10MB, eth_ip6_plen200, sizeof(eth_ip6_plen200), sizeof(eth_ip6_plen200),
		     DEC_ERR_IP6_HDR);
	assert_error(DLT_EN10MB, eth_ip6_plen0, sizeof(eth_ip6_plen0), sizeof(eth_ip6_plen0),
		     DEC_ERR_IP6_HDR);
	assert_error(DLT_EN10MB, eth_ip6_ext_tcp, 14 + 39, 14 + 39, DEC_ERR_IP6_TRUNC);
	assert_error(DLT_RAW, raw_ip6_tcp, 39, 39, DEC_ERR_IP6_TRUNC);
}
END_TEST

START_TEST(test_err_names)
{
	ck_assert_str_eq(dec_err_name(DEC_ERR_LINK_TRUNC), "link_truncated");
	ck_assert_str_eq(dec_err_name(DEC_ERR_VLAN_DEPTH), "vlan_too_deep");
	ck_assert_str_eq(dec_err_name(DEC_ERR_UDP_LEN), "udp_bad_length");
	ck_assert_str_eq(dec_err_name(DEC_ERR__COUNT), "unknown");
	for (int e = 0; e < DEC_ERR__COUNT; e++) {
		const char *n = dec_err_name((enum dec_err)e);
		ck_assert_ptr_nonnull(n);
		ck_assert_str_ne(n, "unknown");
	}
}
END_TEST

START_TEST(test_addr_str)
{
	char buf[64];
	dec_addr_str(v4_src, 4, buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.168.1.10");
	dec_addr_str(v6_dst, 6, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2001:db8::2");
	dec_addr_str(v4_src, 4, buf, 5); /* too small: empty, never cut */
	ck_assert_str_eq(buf, "");
}
END_TEST

/* ---- truncation loops ---- */

/* Every prefix of the Ethernet/IPv4/TCP frame, as if the frame itself were
 * that short (wirelen == caplen), in an exact-size heap copy. Anything short
 * of the full 59 bytes contradicts the IP total length: DEC_ERROR. */
START_TEST(test_truncation_loop_eth_ip4_tcp)
{
	size_t n = (size_t)_i;
	uint8_t *buf = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, eth_ip4_tcp, n);
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	enum dec_result r = dec_packet(DLT_EN10MB, buf, (uint32_t)n, (uint32_t)n, TS_US, &p, &st);
	if (n < sizeof(eth_ip4_tcp)) {
		ck_assert_int_eq(r, DEC_ERROR);
		ck_assert_uint_eq(err_total(&st), 1);
		if (n < 14)
			ck_assert_uint_eq(st.err[DEC_ERR_LINK_TRUNC], 1);
		else if (n < 34)
			ck_assert_uint_eq(st.err[DEC_ERR_IP4_TRUNC], 1);
		else
			ck_assert_uint_eq(st.err[DEC_ERR_IP4_LEN], 1);
	} else {
		ck_assert_int_eq(r, DEC_TCP);
		assert_ip4_tcp_hello(&p, buf, 14);
	}
	free(buf);
}
END_TEST

/* The same prefixes cut by a snaplen (wirelen stays 59): shorter than the
 * headers is DEC_ERROR, from the end of the TCP header on it is DEC_TCP with
 * the captured part of the payload. */
START_TEST(test_truncation_loop_snaplen)
{
	size_t n = (size_t)_i;
	uint8_t *buf = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, eth_ip4_tcp, n);
	struct dec_pkt p;
	struct dec_stats st;
	memset(&st, 0, sizeof(st));
	enum dec_result r =
		dec_packet(DLT_EN10MB, buf, (uint32_t)n, sizeof(eth_ip4_tcp), TS_US, &p, &st);
	if (n < 54) {
		ck_assert_int_eq(r, DEC_ERROR);
		ck_assert_uint_eq(err_total(&st), 1);
		if (n < 14)
			ck_assert_uint_eq(st.err[DEC_ERR_LINK_TRUNC], 1);
		else if (n < 34)
			ck_assert_uint_eq(st.err[DEC_ERR_IP4_TRUNC], 1);
		else
			ck_assert_uint_eq(st.err[DEC_ERR_TCP_TRUNC], 1);
	} else {
		ck_assert_int_eq(r, DEC_TCP);
		ck_assert_uint_eq(p.payload_off, 54);
		ck_assert_uint_eq(p.payload_len, n - 54);
		ck_assert_uint_eq(p.payload_wire_len, 5);
		ck_assert_uint_eq(p.seq, 0x11223344u);
	}
	free(buf);
}
END_TEST

struct frame_case {
	const char *name;
	int dlt;
	const uint8_t *f;
	size_t len;
};

#define FRAME(dlt, a) { #a, (dlt), (a), sizeof(a) }
static const struct frame_case all_frames[] = {
	FRAME(DLT_EN10MB, eth_ip4_tcp),
	FRAME(DLT_EN10MB, eth_vlan_ip4_udp),
	FRAME(DLT_EN10MB, eth_qinq_ip4_udp),
	FRAME(DLT_EN10MB, eth_vlan4_ip4_udp),
	FRAME(DLT_EN10MB, eth_vlan5_ip4_udp),
	FRAME(DLT_LINUX_SLL, sll_ip4_tcp),
	FRAME(DLT_LINUX_SLL2, sll2_ip4_tcp),
	FRAME(DLT_RAW, raw_ip4_tcp),
	FRAME(DLT_RAW, raw_ip6_tcp),
	FRAME(DLT_NULL, null_le_ip4_tcp),
	FRAME(DLT_NULL, null_le_ip6_tcp),
	FRAME(DLT_PPP, ppp_hdlc_ip4_tcp),
	FRAME(DLT_PPP, ppp_ip4_tcp),
	FRAME(DLT_PPP, ppp_ip6_tcp),
	FRAME(DLT_PPP, ppp_lcp),
	FRAME(DLT_EN10MB, eth_pppoe_ip4_tcp),
	FRAME(DLT_EN10MB, eth_pppoe_lcp),
	FRAME(DLT_EN10MB, eth_ip4opt_tcp),
	FRAME(DLT_EN10MB, eth_ip4_frag_first),
	FRAME(DLT_EN10MB, eth_ip6_ext_tcp),
	FRAME(DLT_EN10MB, eth_ip6_frag),
	FRAME(DLT_EN10MB, eth_ip6_atomic_frag_udp),
	FRAME(DLT_EN10MB, eth_ip6_ext9_tcp),
	FRAME(DLT_EN10MB, eth_ip4_icmp),
	FRAME(DLT_EN10MB, eth_ip6_icmp6),
	FRAME(DLT_EN10MB, eth_arp),
	FRAME(DLT_EN10MB, eth_ip4_tcp_padded),
	FRAME(DLT_EN10MB, eth_ip4_udp_padded),
	FRAME(DLT_EN10MB, eth_ip4_tcp_opts),
	FRAME(DLT_EN10MB, eth_ip4_tcp_doff8),
	FRAME(DLT_EN10MB, eth_ip4_udp_len100),
};

/* Checks what a successful decode promises: every offset and length lies
 * inside the captured bytes. */
static void assert_view_inside(enum dec_result r, const struct dec_pkt *p, size_t caplen)
{
	if (r == DEC_TCP || r == DEC_UDP) {
		ck_assert_uint_le(p->l3_off, caplen);
		ck_assert_uint_le(p->l3_len, caplen - p->l3_off);
		ck_assert_uint_le(p->payload_off, caplen);
		ck_assert_uint_le(p->payload_len, caplen - p->payload_off);
		ck_assert_uint_le(p->payload_len, p->payload_wire_len);
		ck_assert_uint_ge(p->payload_off, p->l3_off);
	}
}

/* Every prefix of every frame above, both as a short frame and as a snaplen
 * cut, in exact-size heap copies: never a crash or an out-of-bounds view. */
START_TEST(test_truncation_loop_all_frames)
{
	const struct frame_case *fc = &all_frames[_i];
	for (size_t n = 0; n <= fc->len; n++) {
		uint8_t *buf = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(buf);
		memcpy(buf, fc->f, n);
		struct dec_pkt p;
		struct dec_stats st;
		memset(&st, 0, sizeof(st));
		enum dec_result r = dec_packet(fc->dlt, buf, (uint32_t)n, (uint32_t)n, TS_US, &p, &st);
		assert_view_inside(r, &p, n);
		ck_assert_uint_eq(err_total(&st), r == DEC_ERROR ? 1 : 0);
		r = dec_packet(fc->dlt, buf, (uint32_t)n, (uint32_t)fc->len, TS_US, &p, &st);
		assert_view_inside(r, &p, n);
		free(buf);
	}
}
END_TEST

static Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("frames");
	tcase_add_test(tc, test_eth_ip4_tcp);
	tcase_add_test(tc, test_eth_vlan_ip4_udp);
	tcase_add_test(tc, test_eth_qinq);
	tcase_add_test(tc, test_vlan_depth_limit);
	tcase_add_test(tc, test_linux_sll);
	tcase_add_test(tc, test_linux_sll2);
	tcase_add_test(tc, test_raw_ip4);
	tcase_add_test(tc, test_raw_ip6);
	tcase_add_test(tc, test_bsd_null);
	tcase_add_test(tc, test_ppp);
	tcase_add_test(tc, test_pppoe);
	tcase_add_test(tc, test_ip4_options);
	tcase_add_test(tc, test_ip4_fragment);
	tcase_add_test(tc, test_ip6_ext_headers);
	tcase_add_test(tc, test_ip6_fragment);
	tcase_add_test(tc, test_icmp_other_ip);
	tcase_add_test(tc, test_non_ip_by_ethertype);
	tcase_add_test(tc, test_ethertype_slots_overflow);
	tcase_add_test(tc, test_ethernet_padding_trimmed);
	tcase_add_test(tc, test_snaplen_truncated_payload);
	tcase_add_test(tc, test_wirelen_below_caplen);
	tcase_add_test(tc, test_addr_str);
	suite_add_tcase(s, tc);

	TCase *te = tcase_create("errors");
	tcase_add_test(te, test_err_link_truncated);
	tcase_add_test(te, test_err_linktype);
	tcase_add_test(te, test_err_ip4_truncated);
	tcase_add_test(te, test_err_ip4_bad_header);
	tcase_add_test(te, test_err_ip4_length);
	tcase_add_test(te, test_err_tcp_header);
	tcase_add_test(te, test_err_tcp_truncated);
	tcase_add_test(te, test_err_udp);
	tcase_add_test(te, test_err_ip6);
	tcase_add_test(te, test_ip6_ext_chain_too_long);
	tcase_add_test(te, test_err_names);
	suite_add_tcase(s, te);

	TCase *tl = tcase_create("truncation");
	tcase_add_loop_test(tl, test_truncation_loop_eth_ip4_tcp, 0, (int)sizeof(eth_ip4_tcp) + 1);
	tcase_add_loop_test(tl, test_truncation_loop_snaplen, 0, (int)sizeof(eth_ip4_tcp) + 1);
	tcase_add_loop_test(tl, test_truncation_loop_all_frames, 0,
			    (int)(sizeof(all_frames) / sizeof(all_frames[0])));
	suite_add_tcase(s, tl);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(decode_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
