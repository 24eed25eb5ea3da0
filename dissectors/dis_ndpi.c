/* dis_ndpi.c - nDPI classification with a bounded pool of detection slots. */
#include "config.h"

#include "dissectors/dis_ndpi.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi_api.h>

struct dis_ndpi {
	struct ndpi_detection_module_struct *mod;
	struct ndpi_flow_struct *slots; /* slot i in use iff owner[i] != NULL */
	struct flow **owner;
	uint32_t *free_stack;
	uint32_t free_top;
	unsigned max_tcp_pkts, max_udp_pkts;
	void *defer_free;     /* recycled deferral buffers */
	uint32_t defer_in_use;
	struct dis_ndpi_stats st;
};

/* A deferral buffer holds up to DIS_NDPI_DEFER_PKTS records of
 * (8-byte capture time, 2-byte length, IP+TCP header bytes). */
#define DEFER_BYTES 512
#define DEFER_REC_HDR 10

struct dis_ndpi *dis_ndpi_new(uint32_t slots, unsigned max_pkts, char *errbuf, size_t errlen)
{
	struct dis_ndpi *n = calloc(1, sizeof(*n));
	if (!n)
		goto oom;
	if (max_pkts == 0)
		max_pkts = DIS_NDPI_MAX_TCP_PKTS;
	if (max_pkts > 255)
		max_pkts = 255;
	n->max_tcp_pkts = max_pkts;
	n->max_udp_pkts = max_pkts / 2 ? max_pkts / 2 : 1;
	if (slots == 0)
		slots = 1;
	n->slots = calloc(slots, sizeof(struct ndpi_flow_struct));
	n->owner = calloc(slots, sizeof(*n->owner));
	n->free_stack = malloc(slots * sizeof(uint32_t));
	if (!n->slots || !n->owner || !n->free_stack)
		goto oom;
	for (uint32_t i = 0; i < slots; i++)
		n->free_stack[i] = slots - 1 - i;
	n->free_top = slots;
	n->st.slots = slots;

	n->mod = ndpi_init_detection_module(ndpi_no_prefs);
	if (!n->mod) {
		snprintf(errbuf, errlen, "nDPI: cannot initialise the detection module");
		dis_ndpi_free(n);
		return NULL;
	}
	NDPI_PROTOCOL_BITMASK all;
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(n->mod, &all);
	ndpi_finalize_initialization(n->mod);
	return n;
oom:
	snprintf(errbuf, errlen, "nDPI: cannot allocate %u classification slots: %s", slots,
		 strerror(errno));
	dis_ndpi_free(n);
	return NULL;
}

void dis_ndpi_free(struct dis_ndpi *n)
{
	if (!n)
		return;
	if (n->slots && n->owner) {
		for (uint32_t i = 0; i < n->st.slots; i++)
			if (n->owner[i])
				ndpi_free_flow_data(&n->slots[i]);
	}
	while (n->defer_free) {
		void *next;
		memcpy(&next, n->defer_free, sizeof(next));
		free(n->defer_free);
		n->defer_free = next;
	}
	if (n->mod)
		ndpi_exit_detection_module(n->mod);
	free(n->slots);
	free(n->owner);
	free(n->free_stack);
	free(n);
}

static int is_tls(uint16_t id)
{
	return id == NDPI_PROTOCOL_TLS || id == NDPI_PROTOCOL_DTLS;
}

static void release(struct dis_ndpi *n, struct flow *f)
{
	uint32_t s = f->ndpi.slot;
	if (is_tls(f->ndpi.master) || is_tls(f->ndpi.app)) {
		uint16_t v = n->slots[s].protos.tls_quic.ssl_version;
		if ((v >= 0x0300 && v <= 0x0304) || (v >= 0xfefc && v <= 0xfeff))
			f->ndpi.tls_version = v;
	}
	ndpi_free_flow_data(&n->slots[s]);
	n->owner[s] = NULL;
	n->free_stack[n->free_top++] = s;
	n->st.slots_in_use--;
	f->ndpi.slot = FLOW_NONE;
}

static void finish(struct dis_ndpi *n, struct flow *f, ndpi_protocol p)
{
	struct ndpi_flow_struct *nf = &n->slots[f->ndpi.slot];
	f->ndpi.master = p.master_protocol;
	f->ndpi.app = p.app_protocol;
	f->ndpi.category = (uint16_t)p.category;
	f->ndpi.risk = nf->risk;
	f->ndpi.done = 1;
	if (p.app_protocol != NDPI_PROTOCOL_UNKNOWN || p.master_protocol != NDPI_PROTOCOL_UNKNOWN)
		n->st.flows_classified++;
	else
		n->st.flows_unknown++;
	release(n, f);
}

static void defer_release(struct dis_ndpi *n, struct flow *f)
{
	if (!f->ndpi_defer)
		return;
	memcpy(f->ndpi_defer, &n->defer_free, sizeof(void *));
	n->defer_free = f->ndpi_defer;
	f->ndpi_defer = NULL;
	f->ndpi_defer_len = 0;
	n->defer_in_use--;
}

int dis_ndpi_defer(struct dis_ndpi *n, struct flow *f, const uint8_t *l3, uint32_t l3_len,
		   uint64_t ts_us)
{
	if (f->ndpi.done || f->ndpi.slot != FLOW_NONE)
		return -1;
	/* In size_t: a buffer filled to within DEFER_REC_HDR bytes of its end
	 * made the old unsigned difference wrap, and the next record overran
	 * it (found by fuzz_decode). */
	if ((size_t)f->ndpi_defer_len + DEFER_REC_HDR + l3_len > DEFER_BYTES)
		return -1;
	if (!f->ndpi_defer) {
		if (n->defer_free) {
			f->ndpi_defer = n->defer_free;
			memcpy(&n->defer_free, n->defer_free, sizeof(void *));
		} else if (n->defer_in_use < n->st.slots) {
			f->ndpi_defer = malloc(DEFER_BYTES);
			if (!f->ndpi_defer)
				return -1;
		} else {
			return -1;
		}
		n->defer_in_use++;
		f->ndpi_defer_len = 0;
	}
	uint8_t *o = f->ndpi_defer + f->ndpi_defer_len;
	uint16_t len16 = (uint16_t)l3_len;
	memcpy(o, &ts_us, 8);
	memcpy(o + 8, &len16, 2);
	memcpy(o + DEFER_REC_HDR, l3, l3_len);
	f->ndpi_defer_len = (uint16_t)(f->ndpi_defer_len + DEFER_REC_HDR + l3_len);
	n->st.packets_deferred++;
	return 0;
}

static void feed_one(struct dis_ndpi *n, struct flow *f, const uint8_t *l3, uint32_t l3_len,
		     uint64_t ts_us);

/* Gives nDPI the packets held back for f, then frees the buffer. */
static void replay_deferred(struct dis_ndpi *n, struct flow *f)
{
	uint8_t *b = f->ndpi_defer;
	if (!b)
		return;
	uint16_t total = f->ndpi_defer_len;
	for (uint16_t off = 0; off + DEFER_REC_HDR <= total && !f->ndpi.done;) {
		uint64_t ts;
		uint16_t len;
		memcpy(&ts, b + off, 8);
		memcpy(&len, b + off + 8, 2);
		feed_one(n, f, b + off + DEFER_REC_HDR, len, ts);
		off = (uint16_t)(off + DEFER_REC_HDR + len);
	}
	defer_release(n, f);
}

void dis_ndpi_packet(struct dis_ndpi *n, struct flow *f, const uint8_t *l3, uint32_t l3_len,
		     uint64_t ts_us)
{
	if (f->ndpi.done) {
		defer_release(n, f);
		return;
	}
	/* nDPI is needed after all: first the packets held back, in order, as
	 * if they had never been deferred. */
	replay_deferred(n, f);
	feed_one(n, f, l3, l3_len, ts_us);
}

void dis_ndpi_stop(struct dis_ndpi *n, struct flow *f)
{
	defer_release(n, f);
	if (f->ndpi.done)
		return;
	f->ndpi.stopped = 1;
	if (f->ndpi.slot != FLOW_NONE) {
		/* Keep what nDPI had found so far; no guessing. */
		f->ndpi.risk = n->slots[f->ndpi.slot].risk;
		release(n, f);
	}
	f->ndpi.done = 1;
}

static void feed_one(struct dis_ndpi *n, struct flow *f, const uint8_t *l3, uint32_t l3_len,
		     uint64_t ts_us)
{
	if (f->ndpi.done)
		return;
	if (f->ndpi.slot == FLOW_NONE) {
		if (n->free_top == 0) {
			n->st.slots_exhausted++;
			f->ndpi.done = 1;
			return;
		}
		uint32_t s = n->free_stack[--n->free_top];
		memset(&n->slots[s], 0, sizeof(struct ndpi_flow_struct));
		n->owner[s] = f;
		f->ndpi.slot = s;
		if (++n->st.slots_in_use > n->st.slots_max_in_use)
			n->st.slots_max_in_use = n->st.slots_in_use;
	}
	if (l3_len > 0xffff)
		l3_len = 0xffff;
	struct ndpi_flow_struct *nf = &n->slots[f->ndpi.slot];
	ndpi_protocol p = ndpi_detection_process_packet(n->mod, nf, l3, (unsigned short)l3_len,
							ts_us / 1000);
	n->st.packets++;
	f->ndpi.pkts++;
	int known = p.app_protocol != NDPI_PROTOCOL_UNKNOWN ||
		    p.master_protocol != NDPI_PROTOCOL_UNKNOWN;
	if (known) { /* kept if classification is stopped early */
		f->ndpi.master = p.master_protocol;
		f->ndpi.app = p.app_protocol;
		f->ndpi.category = (uint16_t)p.category;
	}
	unsigned limit = f->key.l4_proto == 6 ? n->max_tcp_pkts : n->max_udp_pkts;
	if (known && !ndpi_extra_dissection_possible(n->mod, nf)) {
		finish(n, f, p);
	} else if (f->ndpi.pkts >= limit) {
		if (!known) {
			uint8_t guessed = 0;
			p = ndpi_detection_giveup(n->mod, nf, 1, &guessed);
		}
		finish(n, f, p);
	}
}

void dis_ndpi_finish(struct dis_ndpi *n, struct flow *f)
{
	/* Only held-back packets were seen: classify them now. */
	replay_deferred(n, f);
	if (f->ndpi.slot == FLOW_NONE)
		return;
	uint8_t guessed = 0;
	ndpi_protocol p = ndpi_detection_giveup(n->mod, &n->slots[f->ndpi.slot], 1, &guessed);
	finish(n, f, p);
}

const char *dis_ndpi_proto_name(struct dis_ndpi *n, const struct flow_ndpi *fn, char *buf,
				size_t len)
{
	ndpi_protocol p = { fn->master, fn->app, (ndpi_protocol_category_t)fn->category };
	return ndpi_protocol2name(n->mod, p, buf, (u_int)len);
}

const char *dis_ndpi_category_name(struct dis_ndpi *n, const struct flow_ndpi *fn)
{
	return ndpi_category_get_name(n->mod, (ndpi_protocol_category_t)fn->category);
}

const char *dis_ndpi_risk_name(unsigned bit)
{
	if (bit == 0 || bit >= NDPI_MAX_RISK)
		return NULL;
	return ndpi_risk2str((ndpi_risk_enum)bit);
}

const struct dis_ndpi_stats *dis_ndpi_stats(const struct dis_ndpi *n)
{
	return &n->st;
}

int dis_ndpi_proto_known(struct dis_ndpi *n, const char *name)
{
	if (!n || !name)
		return 0;
	if (strcmp(name, "unknown") == 0)
		return 1;
	return ndpi_get_proto_by_name(n->mod, name) != NDPI_PROTOCOL_UNKNOWN;
}

static const char *lower_name(struct dis_ndpi *n, uint16_t id, char *buf, size_t len)
{
	if (id == NDPI_PROTOCOL_UNKNOWN || len == 0)
		return NULL;
	const char *s = ndpi_get_proto_name(n->mod, id);
	if (!s)
		return NULL;
	size_t i;
	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

void dis_ndpi_names(struct dis_ndpi *n, const struct flow_ndpi *fn, char *master, char *app,
		    size_t len, const char **m, const char **a)
{
	*m = n ? lower_name(n, fn->master, master, len) : NULL;
	*a = n && fn->app != fn->master ? lower_name(n, fn->app, app, len) : NULL;
}

const char *dis_ndpi_cleartext(const struct flow_ndpi *fn)
{
	uint16_t ids[2] = { fn->master, fn->app };
	for (int i = 0; i < 2; i++) {
		switch (ids[i]) {
		case NDPI_PROTOCOL_FTP_CONTROL:
		case NDPI_PROTOCOL_FTP_DATA: return "ftp";
		case NDPI_PROTOCOL_TFTP: return "tftp";
		case NDPI_PROTOCOL_TELNET: return "telnet";
		case NDPI_PROTOCOL_SMBV1: return "smbv1";
		case NDPI_PROTOCOL_MAIL_POP: return "pop3";
		case NDPI_PROTOCOL_MAIL_IMAP: return "imap";
		default: break;
		}
	}
	if (fn->risk & (1ull << NDPI_SMB_INSECURE_VERSION))
		return "smbv1";
	if (fn->master == NDPI_PROTOCOL_HTTP || fn->app == NDPI_PROTOCOL_HTTP)
		return fn->risk & (1ull << NDPI_CLEAR_TEXT_CREDENTIALS) ? "http_basic_auth" : "http";
	return NULL;
}

int dis_ndpi_is_remote(const struct flow_ndpi *fn)
{
	return fn->category == NDPI_PROTOCOL_CATEGORY_REMOTE_ACCESS;
}

size_t dis_ndpi_tls_risks(const struct flow_ndpi *fn, char *buf, size_t len)
{
	static const ndpi_risk_enum tls[] = { NDPI_TLS_WEAK_CIPHER, NDPI_TLS_CERTIFICATE_EXPIRED,
					      NDPI_TLS_CERTIFICATE_MISMATCH,
					      NDPI_TLS_SELFSIGNED_CERTIFICATE };
	size_t o = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(tls) / sizeof(tls[0]); i++) {
		if (!(fn->risk & (1ull << tls[i])))
			continue;
		const char *r = ndpi_risk2str(tls[i]);
		int k = snprintf(buf + o, len > o ? len - o : 0, "%s%s", o ? ", " : "", r ? r : "?");
		if (k > 0)
			o += (size_t)k;
		if (o >= len) {
			o = len ? len - 1 : 0;
			break;
		}
	}
	return o;
}

unsigned dis_ndpi_proto_count(struct dis_ndpi *n)
{
	return n ? ndpi_get_num_supported_protocols(n->mod) : 0;
}

const char *dis_ndpi_proto_id_name(struct dis_ndpi *n, unsigned id)
{
	return n ? ndpi_get_proto_name(n->mod, (u_int16_t)id) : NULL;
}
