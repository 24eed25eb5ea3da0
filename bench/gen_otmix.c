#include "config.h"
/*
 * gen_otmix - synthetic "OT mix" pcap generator for zonewatch benchmarks.
 *
 * Writes a classic little-endian pcap file (microsecond timestamps,
 * version 2.4, snaplen 65535, DLT_EN10MB) containing byte-correct
 * Ethernet/IPv4/TCP+UDP traffic: Modbus/TCP, S7comm (TPKT/COTP),
 * OPC UA binary, TLS, HTTP and DNS.  Thousands of TCP flows are in flight
 * at the same time; each one has a full three-way handshake, consistent
 * sequence/acknowledgement numbers and (mostly) an orderly teardown.
 *
 * The output is fully deterministic for a given seed (own xoshiro256**
 * PRNG seeded through splitmix64).  No libpcap needed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "gen_otmix"

#define DEF_OUT      "otmix.pcap"
#define DEF_PACKETS  11000000ULL
#define DEF_FLOWS    290000ULL
#define DEF_CONC     8000ULL
#define DEF_SEED     1ULL
#define MAX_PACKETS  4000000000ULL
#define MAX_FLOWS    4000000000ULL
#define MAX_CONC     1000000ULL

#define TS_START_SEC 1700000000ULL
#define STDIO_BUF    (8u << 20)

/* Frame buffer layout: pcap record header followed by the frame. */
#define REC_LEN      16u
#define ETH_LEN      14u
#define IP_LEN       20u
#define TCP_LEN      20u
#define UDP_LEN      8u
#define OFF_ETH      REC_LEN
#define OFF_IP       (OFF_ETH + ETH_LEN)
#define OFF_L4       (OFF_IP + IP_LEN)
#define OFF_TCP_PAY  (OFF_L4 + TCP_LEN)
#define OFF_UDP_PAY  (OFF_L4 + UDP_LEN)
#define MAX_PAY      1460u
#define MIN_FRAME    60u
#define FRAME_BUF    (OFF_TCP_PAY + MAX_PAY + 64u)

#define TH_FIN 0x01u
#define TH_SYN 0x02u
#define TH_RST 0x04u
#define TH_PSH 0x08u
#define TH_ACK 0x10u

/* Ephemeral client port range (Linux default). */
#define EPH_LO    32768u
#define EPH_HI    60999u
#define EPH_N     (EPH_HI - EPH_LO + 1u)
#define EPH_BYTES ((EPH_N + 7u) / 8u)

enum proto { P_MODBUS, P_S7, P_OPCUA, P_TLS, P_HTTP, P_DNS, P_COUNT };

/* Flow share per mille, in enum order. */
static const unsigned proto_share[P_COUNT] = { 450, 200, 150, 100, 50, 50 };
/* Setup exchanges before the "service" exchanges (COTP+setup, HEL+OPN, hello). */
static const unsigned proto_setup[P_COUNT] = { 0, 2, 2, 1, 0, 0 };
/* Extra client message before an orderly close (OPC UA CLO, TLS alert). */
static const unsigned proto_preclose[P_COUNT] = { 0, 0, 1, 1, 0, 0 };
static const uint16_t proto_port[P_COUNT] = { 502, 102, 4840, 443, 80, 53 };
static const unsigned proto_nservers[P_COUNT] = { 200, 100, 20, 8, 8, 2 };
/* Server MAC OUIs per protocol (clients use 00:0c:29). */
static const uint8_t proto_oui[P_COUNT][3] = {
	{ 0x00, 0x80, 0xf4 }, /* Modbus PLCs */
	{ 0x00, 0x1b, 0x1b }, /* S7 PLCs */
	{ 0x00, 0x15, 0x5d }, /* OPC UA servers */
	{ 0x00, 0x50, 0x56 }, /* TLS servers */
	{ 0x00, 0x50, 0x57 }, /* HTTP servers */
	{ 0x00, 0x50, 0x58 }, /* DNS resolvers */
};
static const uint8_t client_oui[3] = { 0x00, 0x0c, 0x29 };
static const uint8_t proto_ttl[P_COUNT] = { 64, 30, 128, 64, 64, 128 };
static const uint16_t proto_win[P_COUNT] = { 4096, 8192, 65535, 64240, 64240, 65535 };

#define CLIENT_WIN 64240u
#define CLIENT_TTL 128u
/* Probability (per mille) that the client sends a bare ACK after a response. */
#define PURE_ACK_PM 250u

enum state {
	ST_SYN, ST_SYNACK, ST_ACK, ST_REQ, ST_RESP, ST_CACK,
	ST_PRECLOSE, ST_CLOSE, ST_FIN2, ST_FIN3
};
enum endkind { END_FIN, END_RST, END_OPEN };

#define STEP_EMIT 1
#define STEP_DONE 2

static const char *const tls_hosts[] = {
	"historian.example", "mes.example", "pi-web.historian.example",
	"scada-portal.example", "grafana.ot.example", "vault.corp.example",
	"updates.vendor.example", "historian2.example",
};
static const char *const http_hosts[] = {
	"plc-web01.plant.local", "historian.example", "hmi-panel12.plant.local",
	"ups-mgmt.plant.local", "camera03.plant.local", "switch-core.plant.local",
	"printer2.plant.local", "energy-meter.plant.local",
};
static const char *const dns_names[] = {
	"historian.plant.local", "opcua-gw01.plant.local", "scada-db.plant.local",
	"ntp1.plant.local", "eng-ws07.plant.local", "mes.example",
	"historian.example", "wsus.corp.example", "pki.corp.example",
	"license.plant.local", "hmi-panel12.plant.local", "wpad.plant.local",
};
#define DNS_NXDOMAIN_NAME 11u
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char ua_policy_none[] = "http://opcfoundation.org/UA/SecurityPolicy#None";

struct rng {
	uint64_t s[4];
};

struct client {
	uint32_t ip;
	uint32_t next; /* next ephemeral port offset to try */
};

struct flow {
	uint64_t seed;      /* per-flow seed (TLS session id, OPC UA auth token) */
	uint32_t cip, sip;
	uint32_t cseq, sseq; /* next sequence number to send, per side */
	uint32_t ctr;       /* Modbus tid, S7 PDU ref, OPC UA request id */
	uint32_t useq_c, useq_s; /* OPC UA sequence numbers per side */
	uint32_t chan, token, rhandle;
	uint16_t cport, sport;
	uint16_t cipid, sipid;
	uint16_t swin;
	uint16_t client, server;
	uint16_t k, nex;    /* exchanges done / planned */
	uint16_t base;      /* base register / DB / tag number */
	uint16_t paddr, pqty, pval, pid;
	uint8_t proto, st, endk, closer_s2c, rst_s2c;
	uint8_t sttl, unit, pfc, pexc, pn, perr, nnodes, nodekind, pname;
	uint8_t plen[4];
};

struct gen {
	struct rng rng;
	FILE *fp;
	const char *path;
	uint64_t ts_us;
	uint64_t npkts, nbytes, nflows;
	struct client *clients;
	uint8_t *portmap;
	uint32_t nclients;
	/* exchange-count distribution */
	uint32_t ex_lo, ex_hi, long_lo, long_hi, long_ppm;
	uint8_t buf[FRAME_BUF];
};

/* ------------------------------------------------------------------ */
/* PRNG: splitmix64 seeding + xoshiro256**                             */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

static uint32_t rng_u32(struct rng *r)
{
	return (uint32_t)(rng_next(r) >> 32);
}

/* Uniform in [0, n) (n > 0); Lemire's multiply-shift, bias negligible here. */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((uint64_t)rng_u32(r) * n) >> 32);
}

/* Uniform in [lo, hi]. */
static uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rng_below(r, hi - lo + 1u);
}

static void rng_fill(struct rng *r, uint8_t *p, size_t n)
{
	while (n > 0) {
		uint64_t v = rng_next(r);
		size_t m = n < 8 ? n : 8;
		for (size_t i = 0; i < m; i++)
			p[i] = (uint8_t)(v >> (8 * i));
		p += m;
		n -= m;
	}
}

/* ------------------------------------------------------------------ */
/* Byte helpers                                                        */

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Decimal digits of v at p; returns the number of bytes written. */
static size_t put_dec(uint8_t *p, uint32_t v)
{
	uint8_t tmp[10];
	size_t n = 0;
	do {
		tmp[n++] = (uint8_t)('0' + v % 10u);
		v /= 10u;
	} while (v != 0);
	for (size_t i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

static size_t put_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return n;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	while (n > 1) {
		sum += ((uint32_t)p[0] << 8) | p[1];
		p += 2;
		n -= 2;
	}
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */

static void die_io(const struct gen *g, const char *what)
{
	fprintf(stderr, "%s: %s %s: %s\n", PROG, what, g->path, strerror(errno));
	exit(1);
}

/* ------------------------------------------------------------------ */
/* Addresses                                                           */

static uint32_t server_ip(unsigned proto, unsigned idx)
{
	switch (proto) {
	case P_MODBUS: /* 192.168.10-13.10-59 */
		return 0xc0a80000u | ((10u + idx / 50u) << 8) | (10u + idx % 50u);
	case P_S7:     /* 192.168.20-21.10-59 */
		return 0xc0a80000u | ((20u + idx / 50u) << 8) | (10u + idx % 50u);
	case P_OPCUA:  /* 10.10.1.10-29 */
		return 0x0a0a0100u | (10u + idx);
	case P_TLS:    /* 10.10.2.10-17 */
		return 0x0a0a0200u | (10u + idx);
	case P_HTTP:   /* 10.10.3.10-17 */
		return 0x0a0a0300u | (10u + idx);
	default:       /* DNS: 10.10.0.2-3 */
		return 0x0a0a0000u | (2u + idx);
	}
}

static uint32_t client_ip(uint32_t idx)
{
	/* 10.20.0.10 ... : 240 hosts per /24 */
	return 0x0a140000u | ((idx / 240u) << 8) | (10u + idx % 240u);
}

static void put_mac(uint8_t *p, const uint8_t *oui, uint32_t ip)
{
	p[0] = oui[0];
	p[1] = oui[1];
	p[2] = oui[2];
	put24(p + 3, ip & 0xffffffu);
}

/* Allocate a free ephemeral port for client ci; 0 if none is free. */
static uint16_t port_alloc(struct gen *g, uint32_t ci)
{
	struct client *c = &g->clients[ci];
	uint8_t *map = g->portmap + (size_t)ci * EPH_BYTES;
	for (uint32_t tries = 0; tries < EPH_N; tries++) {
		uint32_t off = c->next;
		c->next = (c->next + 1u + rng_below(&g->rng, 4)) % EPH_N;
		if (!(map[off >> 3] & (1u << (off & 7u)))) {
			map[off >> 3] |= (uint8_t)(1u << (off & 7u));
			return (uint16_t)(EPH_LO + off);
		}
	}
	return 0;
}

static void port_release(struct gen *g, uint32_t ci, uint16_t port)
{
	uint32_t off = (uint32_t)port - EPH_LO;
	uint8_t *map = g->portmap + (size_t)ci * EPH_BYTES;
	map[off >> 3] &= (uint8_t)~(1u << (off & 7u));
}

/* ------------------------------------------------------------------ */
/* Frame output                                                        */

static void write_frame(struct gen *g, size_t len)
{
	uint8_t *rec = g->buf;
	if (len < MIN_FRAME) {
		memset(g->buf + OFF_ETH + len, 0, MIN_FRAME - len);
		len = MIN_FRAME;
	}
	if (g->npkts > 0)
		g->ts_us += 1u + rng_below(&g->rng, 20);
	le32(rec, (uint32_t)(g->ts_us / 1000000u));
	le32(rec + 4, (uint32_t)(g->ts_us % 1000000u));
	le32(rec + 8, (uint32_t)len);
	le32(rec + 12, (uint32_t)len);
	if (fwrite(g->buf, 1, REC_LEN + len, g->fp) != REC_LEN + len)
		die_io(g, "write error on");
	g->npkts++;
	g->nbytes += REC_LEN + len;
}

static void fill_eth_ip(struct gen *g, const struct flow *f, int s2c,
			uint8_t ipproto, size_t l4len)
{
	uint8_t *eth = g->buf + OFF_ETH;
	uint8_t *ip = g->buf + OFF_IP;
	uint32_t src = s2c ? f->sip : f->cip;
	uint32_t dst = s2c ? f->cip : f->sip;

	if (s2c) {
		put_mac(eth, client_oui, f->cip);
		put_mac(eth + 6, proto_oui[f->proto], f->sip);
	} else {
		put_mac(eth, proto_oui[f->proto], f->sip);
		put_mac(eth + 6, client_oui, f->cip);
	}
	eth[12] = 0x08;
	eth[13] = 0x00;

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint32_t)(IP_LEN + l4len));
	put16(ip + 4, s2c ? f->sipid : f->cipid);
	put16(ip + 6, ipproto == 6 ? 0x4000u : 0);
	ip[8] = s2c ? f->sttl : (uint8_t)CLIENT_TTL;
	ip[9] = ipproto;
	ip[10] = 0;
	ip[11] = 0;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, csum_fold(csum_add(0, ip, IP_LEN)));
}

static uint32_t pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, size_t len)
{
	return (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) +
	       proto + (uint32_t)len;
}

/*
 * Emit one TCP segment of flow f.  The payload (plen bytes) must already be
 * at g->buf + OFF_TCP_PAY.  Advances the sender's sequence number.
 */
static void emit_tcp(struct gen *g, struct flow *f, int s2c, unsigned flags, size_t plen)
{
	uint8_t *th = g->buf + OFF_L4;
	size_t optlen = 0;
	uint32_t seq = s2c ? f->sseq : f->cseq;
	uint32_t ack = s2c ? f->cseq : f->sseq;

	if (flags & TH_SYN) {
		static const uint8_t syn_opts[8] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };
		memcpy(th + TCP_LEN, syn_opts, s2c ? 4 : 8); /* MSS (+SACK perm.) */
		optlen = s2c ? 4 : 8;
	}
	size_t tcplen = TCP_LEN + optlen + plen;

	put16(th, s2c ? f->sport : f->cport);
	put16(th + 2, s2c ? f->cport : f->sport);
	put32(th + 4, seq);
	put32(th + 8, (flags & TH_ACK) ? ack : 0);
	th[12] = (uint8_t)(((TCP_LEN + optlen) / 4u) << 4);
	th[13] = (uint8_t)flags;
	put16(th + 14, s2c ? f->swin : CLIENT_WIN);
	th[16] = th[17] = 0;
	th[18] = th[19] = 0;

	fill_eth_ip(g, f, s2c, 6, tcplen);
	uint32_t sum = pseudo_sum(s2c ? f->sip : f->cip, s2c ? f->cip : f->sip, 6, tcplen);
	put16(th + 16, csum_fold(csum_add(sum, th, tcplen)));

	uint32_t adv = (uint32_t)plen + ((flags & TH_SYN) ? 1u : 0u) + ((flags & TH_FIN) ? 1u : 0u);
	if (s2c) {
		f->sseq += adv;
		f->sipid++;
	} else {
		f->cseq += adv;
		f->cipid++;
	}
	write_frame(g, ETH_LEN + IP_LEN + tcplen);
}

/* Emit one UDP datagram; payload must be at g->buf + OFF_UDP_PAY. */
static void emit_udp(struct gen *g, struct flow *f, int s2c, size_t plen)
{
	uint8_t *uh = g->buf + OFF_L4;
	size_t ulen = UDP_LEN + plen;

	put16(uh, s2c ? f->sport : f->cport);
	put16(uh + 2, s2c ? f->cport : f->sport);
	put16(uh + 4, (uint32_t)ulen);
	uh[6] = uh[7] = 0;
	fill_eth_ip(g, f, s2c, 17, ulen);
	uint32_t sum = pseudo_sum(s2c ? f->sip : f->cip, s2c ? f->cip : f->sip, 17, ulen);
	uint16_t c = csum_fold(csum_add(sum, uh, ulen));
	put16(uh + 6, c == 0 ? 0xffffu : c);
	if (s2c)
		f->sipid++;
	else
		f->cipid++;
	write_frame(g, ETH_LEN + IP_LEN + ulen);
}

/* ------------------------------------------------------------------ */
/* Modbus/TCP                                                          */

static size_t mb_req(struct gen *g, struct flow *f, uint8_t *p)
{
	struct rng *r = &g->rng;
	uint32_t x = rng_below(r, 1000);
	size_t pdu;
	uint8_t fc;

	if (x < 20)
		fc = 6;
	else if (x < 30)
		fc = 16;
	else if (x < 640)
		fc = 3;
	else if (x < 820)
		fc = 4;
	else if (x < 910)
		fc = 1;
	else
		fc = 2;
	f->ctr = (f->ctr + 1u) & 0xffffu;
	f->pfc = fc;
	f->paddr = (uint16_t)(f->base + 8u * rng_below(r, 64));
	f->pexc = rng_below(r, 1000) < 5;

	put16(p, f->ctr);
	put16(p + 2, 0);
	p[6] = f->unit;
	p[7] = fc;
	put16(p + 8, f->paddr);
	switch (fc) {
	case 1:
	case 2:
		f->pqty = (uint16_t)rng_range(r, 1, 64);
		put16(p + 10, f->pqty);
		pdu = 5;
		break;
	case 3:
	case 4:
		f->pqty = (uint16_t)rng_range(r, 1, 60);
		put16(p + 10, f->pqty);
		pdu = 5;
		break;
	case 6:
		f->pval = (uint16_t)rng_below(r, 4096);
		put16(p + 10, f->pval);
		pdu = 5;
		break;
	default: /* 16 */
		f->pqty = (uint16_t)rng_range(r, 1, 10);
		put16(p + 10, f->pqty);
		p[12] = (uint8_t)(2u * f->pqty);
		for (unsigned i = 0; i < f->pqty; i++)
			put16(p + 13 + 2 * i, rng_below(r, 4096));
		pdu = 6u + 2u * f->pqty;
		break;
	}
	put16(p + 4, (uint32_t)(1 + pdu));
	return 7 + pdu;
}

static size_t mb_resp(struct gen *g, struct flow *f, uint8_t *p)
{
	struct rng *r = &g->rng;
	size_t pdu;
	uint8_t fc = f->pfc;

	put16(p, f->ctr);
	put16(p + 2, 0);
	p[6] = f->unit;
	if (f->pexc) {
		p[7] = (uint8_t)(fc | 0x80u);
		p[8] = 2; /* illegal data address */
		pdu = 2;
	} else {
		p[7] = fc;
		switch (fc) {
		case 1:
		case 2: {
			unsigned bc = (f->pqty + 7u) / 8u;
			p[8] = (uint8_t)bc;
			rng_fill(r, p + 9, bc);
			if (f->pqty % 8u)
				p[8 + bc] &= (uint8_t)((1u << (f->pqty % 8u)) - 1u);
			pdu = 2 + bc;
			break;
		}
		case 3:
		case 4:
			p[8] = (uint8_t)(2u * f->pqty);
			for (unsigned i = 0; i < f->pqty; i++)
				put16(p + 9 + 2 * i, rng_below(r, 3000));
			pdu = 2u + 2u * f->pqty;
			break;
		case 6:
			put16(p + 8, f->paddr);
			put16(p + 10, f->pval);
			pdu = 5;
			break;
		default: /* 16 */
			put16(p + 8, f->paddr);
			put16(p + 10, f->pqty);
			pdu = 5;
			break;
		}
	}
	put16(p + 4, (uint32_t)(1 + pdu));
	return 7 + pdu;
}

/* ------------------------------------------------------------------ */
/* S7comm over TPKT/COTP (ISO-on-TCP)                                  */

static size_t s7_cotp_conn(uint8_t *p, int confirm, uint16_t cref, uint16_t sref)
{
	p[0] = 3;
	p[1] = 0;
	put16(p + 2, 22);
	p[4] = 17; /* length indicator */
	if (!confirm) {
		static const uint8_t params[] = {
			0xc1, 2, 0x01, 0x00, 0xc2, 2, 0x01, 0x02, 0xc0, 1, 0x0a
		};
		p[5] = 0xe0;
		put16(p + 6, 0);
		put16(p + 8, cref);
		p[10] = 0;
		memcpy(p + 11, params, sizeof params);
	} else {
		static const uint8_t params[] = {
			0xc0, 1, 0x0a, 0xc1, 2, 0x01, 0x00, 0xc2, 2, 0x01, 0x02
		};
		p[5] = 0xd0;
		put16(p + 6, cref);
		put16(p + 8, sref);
		p[10] = 0;
		memcpy(p + 11, params, sizeof params);
	}
	return 22;
}

/* TPKT + COTP DT header + S7 header; returns offset of the parameters. */
static size_t s7_hdr(uint8_t *p, uint8_t rosctr, uint32_t ref, size_t plen, size_t dlen)
{
	p[0] = 3;
	p[1] = 0;
	/* p[2..3] (TPKT length) filled in by s7_finish */
	p[4] = 2;
	p[5] = 0xf0;
	p[6] = 0x80;
	uint8_t *s = p + 7;
	s[0] = 0x32;
	s[1] = rosctr;
	s[2] = s[3] = 0;
	put16(s + 4, ref);
	put16(s + 6, (uint32_t)plen);
	put16(s + 8, (uint32_t)dlen);
	if (rosctr == 3) {
		s[10] = s[11] = 0;
		return 7 + 12;
	}
	return 7 + 10;
}

static size_t s7_finish(uint8_t *p, size_t len)
{
	put16(p + 2, (uint32_t)len);
	return len;
}

static size_t s7_req(struct gen *g, struct flow *f, uint8_t *p)
{
	struct rng *r = &g->rng;
	size_t o;

	if (f->k == 0)
		return s7_cotp_conn(p, 0, (uint16_t)f->pid, 0);

	f->ctr = (f->ctr + 1u) & 0xffffu;
	if (f->ctr == 0)
		f->ctr = 1;
	if (f->k == 1) { /* setup communication */
		static const uint8_t setup[8] = { 0xf0, 0, 0, 1, 0, 1, 0x01, 0xe0 };
		o = s7_hdr(p, 1, f->ctr, 8, 0);
		memcpy(p + o, setup, 8);
		return s7_finish(p, o + 8);
	}

	unsigned n;
	size_t dlen = 0;
	if (rng_below(r, 1000) < 30) { /* write var */
		f->pfc = 5;
		n = rng_range(r, 1, 2);
		for (unsigned i = 0; i < n; i++) {
			f->plen[i] = (uint8_t)rng_range(r, 1, 8);
			dlen += 4u + f->plen[i] + ((f->plen[i] & 1u) && i + 1 < n ? 1u : 0u);
		}
	} else { /* read var */
		f->pfc = 4;
		n = rng_range(r, 1, 4);
		f->perr = 0;
		for (unsigned i = 0; i < n; i++) {
			static const uint8_t sizes[] = { 1, 2, 2, 4, 4, 4, 8, 10, 16, 20, 24, 32 };
			f->plen[i] = sizes[rng_below(r, NELEM(sizes))];
			if (rng_below(r, 1000) < 5)
				f->perr |= (uint8_t)(1u << i);
		}
	}
	f->pn = (uint8_t)n;
	size_t plen = 2u + 12u * n;
	o = s7_hdr(p, 1, f->ctr, plen, dlen);
	uint8_t *q = p + o;
	q[0] = f->pfc;
	q[1] = (uint8_t)n;
	q += 2;
	for (unsigned i = 0; i < n; i++, q += 12) {
		uint32_t addr = (f->base * 4u + 2u * rng_below(r, 250)) * 8u;
		q[0] = 0x12;
		q[1] = 0x0a;
		q[2] = 0x10;
		q[3] = 0x02; /* BYTE */
		put16(q + 4, f->plen[i]);
		put16(q + 6, 1u + (f->base + i) % 200u);
		q[8] = 0x84; /* DB */
		put24(q + 9, addr);
	}
	if (f->pfc == 5) {
		for (unsigned i = 0; i < n; i++) {
			q[0] = 0x00;
			q[1] = 0x04;
			put16(q + 2, 8u * f->plen[i]);
			rng_fill(r, q + 4, f->plen[i]);
			q += 4 + f->plen[i];
			if ((f->plen[i] & 1u) && i + 1 < n)
				*q++ = 0;
		}
	}
	return s7_finish(p, (size_t)(q - p));
}

static size_t s7_resp(struct gen *g, struct flow *f, uint8_t *p)
{
	struct rng *r = &g->rng;
	size_t o;
	unsigned n = f->pn;

	if (f->k == 0)
		return s7_cotp_conn(p, 1, (uint16_t)f->pid, (uint16_t)f->pval);
	if (f->k == 1) {
		static const uint8_t setup[8] = { 0xf0, 0, 0, 1, 0, 1, 0x01, 0xe0 };
		o = s7_hdr(p, 3, f->ctr, 8, 0);
		memcpy(p + o, setup, 8);
		return s7_finish(p, o + 8);
	}
	if (f->pfc == 5) {
		o = s7_hdr(p, 3, f->ctr, 2, n);
		p[o] = 5;
		p[o + 1] = (uint8_t)n;
		memset(p + o + 2, 0xff, n);
		return s7_finish(p, o + 2 + n);
	}
	size_t dlen = 0;
	for (unsigned i = 0; i < n; i++) {
		if (f->perr & (1u << i))
			dlen += 4;
		else
			dlen += 4u + f->plen[i] + ((f->plen[i] & 1u) && i + 1 < n ? 1u : 0u);
	}
	o = s7_hdr(p, 3, f->ctr, 2, dlen);
	uint8_t *q = p + o;
	q[0] = 4;
	q[1] = (uint8_t)n;
	q += 2;
	for (unsigned i = 0; i < n; i++) {
		if (f->perr & (1u << i)) {
			q[0] = 0x0a; /* object does not exist */
			q[1] = 0x00;
			put16(q + 2, 0);
			q += 4;
			continue;
		}
		q[0] = 0xff;
		q[1] = 0x04;
		put16(q + 2, 8u * f->plen[i]);
		rng_fill(r, q + 4, f->plen[i]);
		q += 4 + f->plen[i];
		if ((f->plen[i] & 1u) && i + 1 < n)
			*q++ = 0;
	}
	return s7_finish(p, (size_t)(q - p));
}

/* ------------------------------------------------------------------ */
/* OPC UA binary (UA TCP / UASC, SecurityPolicy None)                  */

static uint64_t ua_now(const struct gen *g)
{
	/* 100 ns ticks since 1601-01-01 */
	return (g->ts_us + 11644473600ULL * 1000000ULL) * 10ULL;
}

static size_t ua_string(uint8_t *p, const char *s)
{
	size_t n = strlen(s);
	le32(p, (uint32_t)n);
	memcpy(p + 4, s, n);
	return 4 + n;
}

static size_t ua_null(uint8_t *p)
{
	le32(p, 0xffffffffu);
	return 4;
}

static void ua_msghdr(uint8_t *p, const char *type)
{
	memcpy(p, type, 3);
	p[3] = 'F';
}

static size_t ua_finish(uint8_t *p, size_t len)
{
	le32(p + 4, (uint32_t)len);
	return len;
}

static size_t ua_req_header(const struct gen *g, struct flow *f, uint8_t *p, int with_token)
{
	size_t o = 0;
	if (with_token) { /* numeric NodeId ns=1 */
		p[0] = 0x02;
		le16(p + 1, 1);
		le32(p + 3, (uint32_t)(f->seed >> 32));
		o = 7;
	} else {
		p[0] = 0x00;
		p[1] = 0x00;
		o = 2;
	}
	le64(p + o, ua_now(g));
	o += 8;
	le32(p + o, ++f->rhandle);
	o += 4;
	le32(p + o, 0); /* return diagnostics */
	o += 4;
	o += ua_null(p + o); /* audit entry id */
	le32(p + o, 10000); /* timeout hint */
	o += 4;
	p[o++] = 0; /* additional header: null ExtensionObject */
	p[o++] = 0;
	p[o++] = 0;
	return o;
}

static size_t ua_resp_header(const struct gen *g, const struct flow *f, uint8_t *p)
{
	size_t o = 0;
	le64(p, ua_now(g));
	o += 8;
	le32(p + o, f->rhandle);
	o += 4;
	le32(p + o, 0); /* service result Good */
	o += 4;
	p[o++] = 0; /* service diagnostics: empty DiagnosticInfo */
	le32(p + o, 0); /* string table: empty array */
	o += 4;
	p[o++] = 0; /* additional header */
	p[o++] = 0;
	p[o++] = 0;
	return o;
}

static size_t ua_sym_hdr(struct flow *f, uint8_t *p, int s2c, uint8_t id_lo, uint8_t id_hi)
{
	le32(p + 8, f->chan);
	le32(p + 12, f->token);
	if (s2c) {
		le32(p + 16, f->useq_s++);
	} else {
		le32(p + 16, f->useq_c++);
		f->ctr++;
	}
	le32(p + 20, f->ctr);
	p[24] = 0x01; /* four-byte NodeId, ns 0 */
	p[25] = 0x00;
	p[26] = id_lo;
	p[27] = id_hi;
	return 28;
}

/* NodeId of the i-th polled tag of flow f. */
static size_t ua_tag_nodeid(const struct flow *f, unsigned i, uint8_t *p)
{
	uint32_t tag = (uint32_t)f->base + i;
	if (f->nodekind == 0) { /* four-byte numeric, ns 2 */
		p[0] = 0x01;
		p[1] = 0x02;
		le16(p + 2, 1000u + tag);
		return 4;
	}
	/* string NodeId ns 2 "PLC<n>.DB<n>.Tag<n>" */
	uint8_t *s = p + 7;
	size_t n = 0;
	n += put_str(s + n, "PLC");
	n += put_dec(s + n, 1u + f->server % 40u);
	n += put_str(s + n, ".DB");
	n += put_dec(s + n, 1u + tag / 50u);
	n += put_str(s + n, ".Tag");
	n += put_dec(s + n, tag);
	p[0] = 0x03;
	le16(p + 1, 2);
	le32(p + 3, (uint32_t)n);
	return 7 + n;
}

static size_t ua_req(struct gen *g, struct flow *f, uint8_t *p)
{
	size_t o;

	if (f->k == 0) { /* HEL */
		char url[64];
		int un = snprintf(url, sizeof url, "opc.tcp://%u.%u.%u.%u:4840",
				  f->sip >> 24, (f->sip >> 16) & 0xffu,
				  (f->sip >> 8) & 0xffu, f->sip & 0xffu);
		(void)un;
		ua_msghdr(p, "HEL");
		le32(p + 8, 0);
		le32(p + 12, 65536);
		le32(p + 16, 65536);
		le32(p + 20, 0);
		le32(p + 24, 0);
		o = 28 + ua_string(p + 28, url);
		return ua_finish(p, o);
	}
	if (f->k == 1) { /* OPN request */
		ua_msghdr(p, "OPN");
		le32(p + 8, 0);
		o = 12 + ua_string(p + 12, ua_policy_none);
		o += ua_null(p + o); /* sender certificate */
		o += ua_null(p + o); /* receiver thumbprint */
		le32(p + o, f->useq_c++);
		le32(p + o + 4, ++f->ctr);
		o += 8;
		p[o] = 0x01;
		p[o + 1] = 0x00;
		p[o + 2] = 0xbe; /* 446 OpenSecureChannelRequest */
		p[o + 3] = 0x01;
		o += 4;
		o += ua_req_header(g, f, p + o, 0);
		le32(p + o, 0);      /* client protocol version */
		le32(p + o + 4, 0);  /* request type Issue */
		le32(p + o + 8, 1);  /* security mode None */
		le32(p + o + 12, 0); /* client nonce: empty */
		le32(p + o + 16, 3600000); /* requested lifetime */
		o += 20;
		return ua_finish(p, o);
	}
	/* MSG ReadRequest */
	ua_msghdr(p, "MSG");
	o = ua_sym_hdr(f, p, 0, 0x77, 0x02); /* 631 */
	o += ua_req_header(g, f, p + o, 1);
	le64(p + o, 0); /* maxAge 0.0 */
	le32(p + o + 8, 0); /* timestamps to return: Source */
	le32(p + o + 12, f->nnodes);
	o += 16;
	for (unsigned i = 0; i < f->nnodes; i++) {
		o += ua_tag_nodeid(f, i, p + o);
		le32(p + o, 13); /* attribute Value */
		o += 4;
		o += ua_null(p + o); /* index range */
		le16(p + o, 0); /* data encoding: null QualifiedName */
		o += 2;
		o += ua_null(p + o);
	}
	return ua_finish(p, o);
}

static size_t ua_resp(struct gen *g, struct flow *f, uint8_t *p)
{
	struct rng *r = &g->rng;
	size_t o;

	if (f->k == 0) { /* ACK */
		ua_msghdr(p, "ACK");
		le32(p + 8, 0);
		le32(p + 12, 65536);
		le32(p + 16, 65536);
		le32(p + 20, 16777216);
		le32(p + 24, 5000);
		return ua_finish(p, 28);
	}
	if (f->k == 1) { /* OPN response */
		ua_msghdr(p, "OPN");
		le32(p + 8, f->chan);
		o = 12 + ua_string(p + 12, ua_policy_none);
		o += ua_null(p + o);
		o += ua_null(p + o);
		le32(p + o, f->useq_s++);
		le32(p + o + 4, f->ctr);
		o += 8;
		p[o] = 0x01;
		p[o + 1] = 0x00;
		p[o + 2] = 0xc1; /* 449 OpenSecureChannelResponse */
		p[o + 3] = 0x01;
		o += 4;
		o += ua_resp_header(g, f, p + o);
		le32(p + o, 0); /* server protocol version */
		le32(p + o + 4, f->chan);
		le32(p + o + 8, f->token);
		le64(p + o + 12, ua_now(g));
		le32(p + o + 20, 3600000);
		le32(p + o + 24, 0); /* server nonce: empty */
		o += 28;
		return ua_finish(p, o);
	}
	/* MSG ReadResponse */
	ua_msghdr(p, "MSG");
	o = ua_sym_hdr(f, p, 1, 0x7a, 0x02); /* 634 */
	o += ua_resp_header(g, f, p + o);
	le32(p + o, f->nnodes);
	o += 4;
	uint64_t now = ua_now(g);
	for (unsigned i = 0; i < f->nnodes; i++) {
		uint32_t tag = (uint32_t)f->base + i;
		p[o++] = 0x05; /* value + source timestamp */
		switch (tag % 4u) {
		case 0: /* Float */
			p[o++] = 10;
			rng_fill(r, p + o, 2);
			p[o + 2] = (uint8_t)(0x20 + rng_below(r, 0x20)); /* exponent bits */
			p[o + 3] = 0x42;
			o += 4;
			break;
		case 1: /* Double */
			p[o++] = 11;
			rng_fill(r, p + o, 6);
			p[o + 6] = (uint8_t)(0x40 | rng_below(r, 16));
			p[o + 7] = 0x40;
			o += 8;
			break;
		case 2: /* Int32 */
			p[o++] = 6;
			le32(p + o, rng_below(r, 100000));
			o += 4;
			break;
		default: /* Boolean */
			p[o++] = 1;
			p[o++] = (uint8_t)rng_below(r, 2);
			break;
		}
		le64(p + o, now - 10000ULL * rng_below(r, 1000));
		o += 8;
	}
	le32(p + o, 0); /* diagnostic infos: empty */
	o += 4;
	return ua_finish(p, o);
}

static size_t ua_close(struct gen *g, struct flow *f, uint8_t *p)
{
	ua_msghdr(p, "CLO");
	size_t o = ua_sym_hdr(f, p, 0, 0xc4, 0x01); /* 452 CloseSecureChannelRequest */
	o += ua_req_header(g, f, p + o, 1);
	return ua_finish(p, o);
}

/* ------------------------------------------------------------------ */
/* TLS 1.2 (abbreviated handshake / session resumption)                */

static void tls_session_id(const struct flow *f, uint8_t *p)
{
	uint64_t x = f->seed;
	for (int i = 0; i < 4; i++) {
		uint64_t v = splitmix64(&x);
		for (int j = 0; j < 8; j++)
			p[8 * i + j] = (uint8_t)(v >> (8 * j));
	}
}

static size_t tls_record(uint8_t *p, uint8_t type, size_t len)
{
	p[0] = type;
	p[1] = 3;
	p[2] = 3;
	put16(p + 3, (uint32_t)len);
	return 5;
}

static size_t tls_appdata(struct rng *r, uint8_t *p, size_t plain)
{
	size_t len = 8 + plain + 16; /* AES-GCM: explicit nonce + tag */
	tls_record(p, 23, len);
	rng_fill(r, p + 5, len);
	return 5 + len;
}

static size_t tls_client_hello(struct gen *g, struct flow *f, uint8_t *p)
{
	static const uint8_t suites[] = {
		0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9, 0xcc, 0xa8,
		0xc0, 0x13, 0xc0, 0x14, 0x00, 0x9c, 0x00, 0x9d, 0x00, 0x2f, 0x00, 0x35,
	};
	static const uint8_t ext_tail[] = {
		0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
		0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
		0x00, 0x0d, 0x00, 0x12, 0x00, 0x10, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01,
		0x05, 0x03, 0x08, 0x05, 0x05, 0x01, 0x08, 0x06, 0x06, 0x01,
		0x00, 0x23, 0x00, 0x00,
		0x00, 0x17, 0x00, 0x00,
		0xff, 0x01, 0x00, 0x01, 0x00,
	};
	const char *host = tls_hosts[f->server % NELEM(tls_hosts)];
	size_t hl = strlen(host);
	uint8_t *h = p + 5;
	size_t o = 4;

	p[0] = 22;
	p[1] = 3;
	p[2] = 1;
	h[0] = 1; /* ClientHello */
	h[o++] = 3;
	h[o++] = 3;
	rng_fill(&g->rng, h + o, 32);
	o += 32;
	h[o++] = 32;
	tls_session_id(f, h + o);
	o += 32;
	put16(h + o, sizeof suites);
	memcpy(h + o + 2, suites, sizeof suites);
	o += 2 + sizeof suites;
	h[o++] = 1; /* compression methods */
	h[o++] = 0;
	size_t ext_len = 4 + 5 + hl + sizeof ext_tail;
	put16(h + o, (uint32_t)ext_len);
	o += 2;
	put16(h + o, 0x0000); /* server_name */
	put16(h + o + 2, (uint32_t)(5 + hl));
	put16(h + o + 4, (uint32_t)(3 + hl));
	h[o + 6] = 0; /* host_name */
	put16(h + o + 7, (uint32_t)hl);
	memcpy(h + o + 9, host, hl);
	o += 9 + hl;
	memcpy(h + o, ext_tail, sizeof ext_tail);
	o += sizeof ext_tail;
	put24(h + 1, (uint32_t)(o - 4));
	put16(p + 3, (uint32_t)o);
	return 5 + o;
}

static size_t tls_server_hello(struct gen *g, struct flow *f, uint8_t *p)
{
	static const uint8_t exts[] = {
		0xff, 0x01, 0x00, 0x01, 0x00, /* renegotiation_info */
		0x00, 0x17, 0x00, 0x00,       /* extended_master_secret */
		0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
	};
	uint8_t *h = p + 5;
	size_t o = 4;

	h[0] = 2; /* ServerHello */
	h[o++] = 3;
	h[o++] = 3;
	rng_fill(&g->rng, h + o, 32);
	o += 32;
	h[o++] = 32;
	tls_session_id(f, h + o); /* same id: resumed session */
	o += 32;
	h[o++] = 0xc0; /* TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
	h[o++] = 0x2f;
	h[o++] = 0;
	put16(h + o, sizeof exts);
	memcpy(h + o + 2, exts, sizeof exts);
	o += 2 + sizeof exts;
	put24(h + 1, (uint32_t)(o - 4));
	tls_record(p, 22, o);
	size_t n = 5 + o;
	/* ChangeCipherSpec + encrypted Finished */
	n += tls_record(p + n, 20, 1);
	p[n++] = 1;
	n += tls_record(p + n, 22, 40);
	rng_fill(&g->rng, p + n, 40);
	return n + 40;
}

static size_t tls_req(struct gen *g, struct flow *f, uint8_t *p)
{
	size_t n = 0;
	if (f->k == 0)
		return tls_client_hello(g, f, p);
	if (f->k == 1) { /* ChangeCipherSpec + Finished, then the first request */
		n += tls_record(p, 20, 1);
		p[n++] = 1;
		n += tls_record(p + n, 22, 40);
		rng_fill(&g->rng, p + n, 40);
		n += 40;
	}
	return n + tls_appdata(&g->rng, p + n, rng_range(&g->rng, 40, 360));
}

static size_t tls_resp(struct gen *g, struct flow *f, uint8_t *p)
{
	if (f->k == 0)
		return tls_server_hello(g, f, p);
	uint32_t x = rng_below(&g->rng, 100);
	size_t plain = x < 60 ? rng_range(&g->rng, 60, 400) : rng_range(&g->rng, 400, 1380);
	return tls_appdata(&g->rng, p, plain);
}

static size_t tls_close(struct gen *g, uint8_t *p)
{
	size_t n = tls_record(p, 21, 26); /* encrypted close_notify */
	rng_fill(&g->rng, p + n, 26);
	return n + 26;
}

/* ------------------------------------------------------------------ */
/* HTTP/1.1                                                            */

static size_t http_req(struct gen *g, struct flow *f, uint8_t *p)
{
	struct rng *r = &g->rng;
	char path[96];
	uint32_t tag = f->base + rng_below(r, 64);

	switch (rng_below(r, 6)) {
	case 0:
		snprintf(path, sizeof path, "/api/v1/tags/%u/value", tag);
		break;
	case 1:
		snprintf(path, sizeof path, "/trend?tag=FIC%u&range=1h&step=10s", tag);
		break;
	case 2:
		snprintf(path, sizeof path, "/status");
		break;
	case 3:
		snprintf(path, sizeof path, "/alarms/active?area=%u", tag % 12u);
		break;
	case 4:
		snprintf(path, sizeof path, "/cgi-bin/readVal.exe?PDP,,%u,,float", tag);
		break;
	default:
		snprintf(path, sizeof path, "/diag/ports.csv");
		break;
	}
	f->pexc = rng_below(r, 100) < 2; /* 404 */
	int n = snprintf((char *)p, MAX_PAY,
			 "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: zw-hmi/3.2\r\n"
			 "Accept: */*\r\nConnection: keep-alive\r\n\r\n",
			 path, http_hosts[f->server % NELEM(http_hosts)]);
	if (n < 0 || (size_t)n >= MAX_PAY)
		n = 0;
	return (size_t)n;
}

static size_t http_body(struct rng *r, uint8_t *p, size_t len)
{
	size_t o = 0;
	uint8_t line[64];
	while (o < len) {
		size_t n = put_str(line, "FIC");
		n += put_dec(line + n, rng_below(r, 9000) + 100u);
		line[n++] = ',';
		n += put_dec(line + n, rng_below(r, 1000));
		line[n++] = '.';
		n += put_dec(line + n, 10u + rng_below(r, 90));
		n += put_str(line + n, ",GOOD\n");
		if (n > len - o)
			n = len - o;
		memcpy(p + o, line, n);
		o += n;
	}
	return o;
}

static size_t http_resp(struct gen *g, struct flow *f, uint8_t *p)
{
	struct rng *r = &g->rng;
	size_t blen;
	const char *status;
	if (f->pexc) {
		status = "404 Not Found";
		blen = 0;
	} else {
		status = "200 OK";
		blen = rng_below(r, 100) < 70 ? rng_range(r, 20, 300) : rng_range(r, 300, 1150);
	}
	int n = snprintf((char *)p, MAX_PAY,
			 "HTTP/1.1 %s\r\nServer: lighttpd/1.4.59\r\n"
			 "Content-Type: text/plain\r\nContent-Length: %zu\r\n"
			 "Connection: keep-alive\r\n\r\n",
			 status, f->pexc ? (size_t)9 : blen);
	if (n < 0 || (size_t)n >= MAX_PAY)
		return 0;
	if (f->pexc) {
		memcpy(p + n, "Not Found", 9);
		return (size_t)n + 9;
	}
	return (size_t)n + http_body(r, p + n, blen);
}

/* ------------------------------------------------------------------ */
/* DNS                                                                 */

static size_t dns_qname(uint8_t *p, const char *name)
{
	size_t o = 0;
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		p[o++] = (uint8_t)l;
		memcpy(p + o, name, l);
		o += l;
		name += l;
		if (*name == '.')
			name++;
	}
	p[o++] = 0;
	return o;
}

static size_t dns_msg(const struct flow *f, uint8_t *p, int response)
{
	int nx = f->pname == DNS_NXDOMAIN_NAME;
	put16(p, f->pid);
	put16(p + 2, !response ? 0x0100u : nx ? 0x8183u : 0x8180u);
	put16(p + 4, 1);
	put16(p + 6, response && !nx ? 1u : 0u);
	put16(p + 8, 0);
	put16(p + 10, 0);
	size_t o = 12 + dns_qname(p + 12, dns_names[f->pname]);
	put16(p + o, 1); /* A */
	put16(p + o + 2, 1); /* IN */
	o += 4;
	if (response && !nx) {
		put16(p + o, 0xc00c);
		put16(p + o + 2, 1);
		put16(p + o + 4, 1);
		put32(p + o + 6, 300u + 60u * f->pname);
		put16(p + o + 10, 4);
		put32(p + o + 12, 0x0a0a0400u + ((uint32_t)f->pname << 8) + 20u + f->pname * 7u);
		o += 16;
	}
	return o;
}

/* ------------------------------------------------------------------ */
/* Flows                                                               */

static uint32_t sample_exchanges(struct gen *g)
{
	struct rng *r = &g->rng;
	if (g->long_ppm && rng_below(r, 1000000) < g->long_ppm)
		return rng_range(r, g->long_lo, g->long_hi);
	return rng_range(r, g->ex_lo, g->ex_hi);
}

static void flow_init(struct gen *g, struct flow *f)
{
	struct rng *r = &g->rng;
	uint32_t x = rng_below(r, 1000);
	unsigned p = 0;

	memset(f, 0, sizeof *f);
	while (p + 1 < P_COUNT && x >= proto_share[p]) {
		x -= proto_share[p];
		p++;
	}
	f->proto = (uint8_t)p;
	f->seed = rng_next(r);
	f->server = (uint16_t)rng_below(r, proto_nservers[p]);
	f->sip = server_ip(p, f->server);
	f->sport = proto_port[p];
	for (;;) {
		uint32_t ci = rng_below(r, g->nclients);
		uint16_t port = port_alloc(g, ci);
		if (port) {
			f->client = (uint16_t)ci;
			f->cport = port;
			break;
		}
	}
	f->cip = g->clients[f->client].ip;
	f->cseq = rng_u32(r);
	f->sseq = rng_u32(r);
	f->cipid = (uint16_t)rng_u32(r);
	f->sipid = (uint16_t)rng_u32(r);
	f->swin = proto_win[p];
	f->sttl = proto_ttl[p];

	x = rng_below(r, 100);
	f->endk = x < 3 ? END_RST : x < 6 ? END_OPEN : END_FIN;
	f->closer_s2c = rng_below(r, 10) == 0;
	f->rst_s2c = (uint8_t)rng_below(r, 2);

	uint32_t e = proto_setup[p] + sample_exchanges(g);
	f->nex = (uint16_t)(e > 60000 ? 60000 : e);
	f->st = ST_SYN;

	switch (p) {
	case P_MODBUS:
		f->unit = (uint8_t)rng_range(r, 1, 5);
		f->ctr = rng_below(r, 2000);
		f->base = (uint16_t)(100u * rng_below(r, 400));
		break;
	case P_S7:
		f->ctr = rng_below(r, 1000);
		f->pid = (uint16_t)rng_range(r, 1, 0xffff);  /* COTP client ref */
		f->pval = (uint16_t)rng_range(r, 1, 0xffff); /* COTP server ref */
		f->base = (uint16_t)rng_range(r, 1, 200);
		break;
	case P_OPCUA:
		f->chan = rng_range(r, 1, 0x7fffffff);
		f->token = rng_range(r, 1, 20);
		f->useq_c = rng_range(r, 1, 100);
		f->useq_s = rng_range(r, 1, 100);
		f->ctr = 0;
		f->rhandle = rng_below(r, 1000);
		f->nnodes = (uint8_t)rng_range(r, 1, 12);
		f->nodekind = (uint8_t)rng_below(r, 2);
		f->base = (uint16_t)rng_below(r, 5000);
		break;
	case P_TLS:
	case P_HTTP:
		f->base = (uint16_t)rng_range(r, 100, 9000);
		break;
	default: /* DNS: 1-3 query/response pairs */
		f->nex = (uint16_t)rng_range(r, 1, 3);
		f->st = ST_REQ;
		break;
	}
}

static size_t build_req(struct gen *g, struct flow *f, uint8_t *p)
{
	switch (f->proto) {
	case P_MODBUS:
		return mb_req(g, f, p);
	case P_S7:
		return s7_req(g, f, p);
	case P_OPCUA:
		return ua_req(g, f, p);
	case P_TLS:
		return tls_req(g, f, p);
	default:
		return http_req(g, f, p);
	}
}

static size_t build_resp(struct gen *g, struct flow *f, uint8_t *p)
{
	switch (f->proto) {
	case P_MODBUS:
		return mb_resp(g, f, p);
	case P_S7:
		return s7_resp(g, f, p);
	case P_OPCUA:
		return ua_resp(g, f, p);
	case P_TLS:
		return tls_resp(g, f, p);
	default:
		return http_resp(g, f, p);
	}
}

static uint8_t after_exchange(const struct flow *f)
{
	if (f->k < f->nex)
		return ST_REQ;
	if (f->endk == END_FIN && proto_preclose[f->proto])
		return ST_PRECLOSE;
	return ST_CLOSE;
}

static int dns_step(struct gen *g, struct flow *f)
{
	uint8_t *p = g->buf + OFF_UDP_PAY;
	if (f->st == ST_REQ) {
		f->pid = (uint16_t)rng_u32(&g->rng);
		f->pname = (uint8_t)rng_below(&g->rng, NELEM(dns_names));
		if (f->k == 0)
			g->nflows++;
		emit_udp(g, f, 0, dns_msg(f, p, 0));
		f->st = ST_RESP;
		return STEP_EMIT;
	}
	emit_udp(g, f, 1, dns_msg(f, p, 1));
	f->st = ST_REQ;
	if (++f->k >= f->nex) {
		port_release(g, f->client, f->cport);
		return STEP_EMIT | STEP_DONE;
	}
	return STEP_EMIT;
}

/* Emit the next packet of flow f (at most one). */
static int flow_step(struct gen *g, struct flow *f)
{
	uint8_t *p = g->buf + OFF_TCP_PAY;

	if (f->proto == P_DNS)
		return dns_step(g, f);

	switch (f->st) {
	case ST_SYN:
		g->nflows++;
		emit_tcp(g, f, 0, TH_SYN, 0);
		f->st = ST_SYNACK;
		break;
	case ST_SYNACK:
		emit_tcp(g, f, 1, TH_SYN | TH_ACK, 0);
		f->st = ST_ACK;
		break;
	case ST_ACK:
		emit_tcp(g, f, 0, TH_ACK, 0);
		f->st = ST_REQ;
		break;
	case ST_REQ:
		emit_tcp(g, f, 0, TH_PSH | TH_ACK, build_req(g, f, p));
		f->st = ST_RESP;
		break;
	case ST_RESP:
		emit_tcp(g, f, 1, TH_PSH | TH_ACK, build_resp(g, f, p));
		f->k++;
		f->st = rng_below(&g->rng, 1000) < PURE_ACK_PM ? ST_CACK : after_exchange(f);
		break;
	case ST_CACK:
		emit_tcp(g, f, 0, TH_ACK, 0);
		f->st = after_exchange(f);
		break;
	case ST_PRECLOSE:
		emit_tcp(g, f, 0, TH_PSH | TH_ACK,
			 f->proto == P_OPCUA ? ua_close(g, f, p) : tls_close(g, p));
		f->st = ST_CLOSE;
		break;
	case ST_CLOSE:
		if (f->endk == END_OPEN)
			return STEP_DONE; /* abandoned: port stays reserved */
		if (f->endk == END_RST) {
			emit_tcp(g, f, f->rst_s2c, TH_RST | TH_ACK, 0);
			port_release(g, f->client, f->cport);
			return STEP_EMIT | STEP_DONE;
		}
		emit_tcp(g, f, f->closer_s2c, TH_FIN | TH_ACK, 0);
		f->st = ST_FIN2;
		break;
	case ST_FIN2:
		emit_tcp(g, f, !f->closer_s2c, TH_FIN | TH_ACK, 0);
		f->st = ST_FIN3;
		break;
	default: /* ST_FIN3 */
		emit_tcp(g, f, f->closer_s2c, TH_ACK, 0);
		port_release(g, f->client, f->cport);
		return STEP_EMIT | STEP_DONE;
	}
	return STEP_EMIT;
}

/*
 * Choose the exchange-count distribution so that the mean flow length is
 * about mean_pkts packets: mostly short flows plus a few long-lived polling
 * flows of 100-200 exchanges.
 */
static void plan_lengths(struct gen *g, double mean_pkts)
{
	double pa = PURE_ACK_PM / 1000.0;
	double per_ex = 2.0 + pa;
	double tcp_share = 0.0, over = 0.0;

	for (unsigned p = 0; p < P_COUNT; p++) {
		double s = proto_share[p] / 1000.0;
		if (p == P_DNS)
			continue;
		tcp_share += s;
		/* handshake + setup exchanges + 94% FIN (3 + preclose) + 3% RST */
		over += s * (3.0 + proto_setup[p] * per_ex +
			     0.94 * (3.0 + proto_preclose[p]) + 0.03);
	}
	over /= tcp_share;
	double dns_pk = 4.0, dns_share = 1.0 - tcp_share;
	double ebar = ((mean_pkts - dns_share * dns_pk) / tcp_share - over) / per_ex;

	if (ebar < 1.0)
		ebar = 1.0;
	if (ebar >= 150.0) {
		g->ex_lo = (uint32_t)(ebar * 0.5);
		g->ex_hi = (uint32_t)(ebar * 1.5 + 0.5);
		g->long_ppm = 0;
		return;
	}
	double s = ebar * 0.8;
	if (s < 1.0)
		s = 1.0;
	uint32_t lo = (uint32_t)(s / 2.0);
	if (lo < 1)
		lo = 1;
	uint32_t hi = (uint32_t)(2.0 * s - lo + 0.5);
	if (hi < lo)
		hi = lo;
	double sm = (lo + hi) / 2.0;
	double q = (ebar - sm) / (150.0 - sm);
	if (q < 0.0)
		q = 0.0;
	if (q > 1.0)
		q = 1.0;
	g->ex_lo = lo;
	g->ex_hi = hi;
	g->long_lo = 100;
	g->long_hi = 200;
	g->long_ppm = (uint32_t)(q * 1e6 + 0.5);
}

static void write_file_header(struct gen *g)
{
	uint8_t h[24];
	le32(h, 0xa1b2c3d4u);
	le16(h + 4, 2);
	le16(h + 6, 4);
	le32(h + 8, 0);
	le32(h + 12, 0);
	le32(h + 16, 65535);
	le32(h + 20, 1);
	if (fwrite(h, 1, sizeof h, g->fp) != sizeof h)
		die_io(g, "write error on");
	g->nbytes += sizeof h;
}

/* ------------------------------------------------------------------ */
/* Command line                                                        */

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [-o FILE] [-n PACKETS] [-f FLOWS] [-c CONCURRENT] [-s SEED]\n"
		"Generate a synthetic OT traffic mix as a classic pcap file.\n"
		"\n"
		"  -o FILE        output file, '-' for stdout (default %s)\n"
		"  -n PACKETS     number of packets to write (default %llu)\n"
		"  -f FLOWS       approximate number of flows; sets the mean flow\n"
		"                 length to PACKETS/FLOWS (default %llu)\n"
		"  -c CONCURRENT  flows in flight at once (default %llu, max %llu)\n"
		"  -s SEED        PRNG seed; same seed gives the same file (default %llu)\n"
		"  -h, --help     show this help\n"
		"\n"
		"Mix by flow: 45%% Modbus/TCP, 20%% S7comm, 15%% OPC UA, 10%% TLS,\n"
		"5%% HTTP, 5%% DNS.\n",
		PROG, DEF_OUT, DEF_PACKETS, DEF_FLOWS, DEF_CONC, MAX_CONC, DEF_SEED);
}

static int parse_u64(const char *opt, const char *s, unsigned long long min,
		     unsigned long long max, unsigned long long *out)
{
	char *end = NULL;
	unsigned long long v;

	if (s[0] < '0' || s[0] > '9') {
		fprintf(stderr, "%s: %s: invalid number '%s'\n", PROG, opt, s);
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0') {
		fprintf(stderr, "%s: %s: invalid number '%s'\n", PROG, opt, s);
		return -1;
	}
	if (v < min || v > max) {
		fprintf(stderr, "%s: %s: %llu out of range [%llu, %llu]\n",
			PROG, opt, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	const char *out = DEF_OUT;
	unsigned long long npackets = DEF_PACKETS, nflows = DEF_FLOWS;
	unsigned long long conc = DEF_CONC, seed = DEF_SEED;
	static struct gen g;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(a, "-o") != 0 && strcmp(a, "-n") != 0 && strcmp(a, "-f") != 0 &&
		    strcmp(a, "-c") != 0 && strcmp(a, "-s") != 0) {
			fprintf(stderr, "%s: unknown argument '%s'\n", PROG, a);
			usage(stderr);
			return 2;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "%s: option %s requires an argument\n", PROG, a);
			usage(stderr);
			return 2;
		}
		const char *v = argv[++i];
		int rc = 0;
		switch (a[1]) {
		case 'o':
			if (v[0] == '\0') {
				fprintf(stderr, "%s: -o: empty file name\n", PROG);
				rc = -1;
			}
			out = v;
			break;
		case 'n':
			rc = parse_u64("-n", v, 1, MAX_PACKETS, &npackets);
			break;
		case 'f':
			rc = parse_u64("-f", v, 1, MAX_FLOWS, &nflows);
			break;
		case 'c':
			rc = parse_u64("-c", v, 1, MAX_CONC, &conc);
			break;
		default:
			rc = parse_u64("-s", v, 0, ~0ULL, &seed);
			break;
		}
		if (rc != 0) {
			usage(stderr);
			return 2;
		}
	}

	rng_seed(&g.rng, seed);
	g.path = strcmp(out, "-") == 0 ? "<stdout>" : out;
	g.ts_us = TS_START_SEC * 1000000ULL;
	plan_lengths(&g, (double)npackets / (double)nflows);

	/* Clients: enough that no client ever has to reuse an ephemeral port. */
	unsigned long long nc = nflows / 500u;
	if (nc < 32)
		nc = 32;
	if (nc > 4096)
		nc = 4096;
	if (nc < conc / 1000u + 1u)
		nc = conc / 1000u + 1u;
	g.nclients = (uint32_t)nc;
	g.clients = calloc(g.nclients, sizeof *g.clients);
	g.portmap = calloc(g.nclients, EPH_BYTES);
	struct flow *flows = calloc((size_t)conc, sizeof *flows);
	char *iobuf = malloc(STDIO_BUF);
	if (!g.clients || !g.portmap || !flows || !iobuf) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return 1;
	}
	for (uint32_t i = 0; i < g.nclients; i++) {
		g.clients[i].ip = client_ip(i);
		g.clients[i].next = rng_below(&g.rng, EPH_N);
	}

	if (strcmp(out, "-") == 0) {
		g.fp = stdout;
	} else {
		g.fp = fopen(out, "wb");
		if (!g.fp) {
			fprintf(stderr, "%s: cannot create %s: %s\n", PROG, out, strerror(errno));
			return 1;
		}
	}
	if (setvbuf(g.fp, iobuf, _IOFBF, STDIO_BUF) != 0) {
		fprintf(stderr, "%s: setvbuf failed\n", PROG);
		return 1;
	}
	write_file_header(&g);

	size_t nactive = 0;
	while (g.npkts < npackets) {
		size_t slot;
		if (nactive < conc && (nactive == 0 || rng_below(&g.rng, 2) == 0)) {
			slot = nactive++;
			flow_init(&g, &flows[slot]);
		} else {
			slot = rng_below(&g.rng, (uint32_t)nactive);
		}
		if (flow_step(&g, &flows[slot]) & STEP_DONE)
			flow_init(&g, &flows[slot]);
	}

	if (fflush(g.fp) != 0)
		die_io(&g, "write error on");
	if (g.fp != stdout) {
		if (fclose(g.fp) != 0)
			die_io(&g, "error closing");
	}
	free(iobuf);
	free(flows);
	free(g.portmap);
	free(g.clients);

	uint64_t span_us = g.ts_us - TS_START_SEC * 1000000ULL;
	fprintf(stderr,
		"%s: wrote %llu packets, %llu flows started, %llu bytes, %.1f s of traffic to %s\n",
		PROG, (unsigned long long)g.npkts, (unsigned long long)g.nflows,
		(unsigned long long)g.nbytes, (double)span_us / 1e6, g.path);
	return 0;
}
