/* http.c - HTTP/1.x (passive): requests and their responses, with the file names transferred.
 *
 * RFC 9112: a message is a start line, header lines and an empty line, then
 * a body whose length is Content-Length (section 6.3); chunked bodies and
 * bodies delimited by the connection's close are not followed (the
 * direction stops there). Request line "METHOD SP request-target SP
 * HTTP/1.x", status line "HTTP/1.x SP code SP reason".
 *
 * Each request waits in a small FIFO for its response (pipelining keeps the
 * order); one event "http_request" (class other) per pair, emitted when the
 * response headers end, or at flow end with outcome "unanswered". Fields:
 * method, uri, host, user_agent, request.content_type,
 * response.status_code, response.content_type, file.name (the
 * Content-Disposition filename of either message, else the last segment of
 * the URI path when it has a dot), outcome (acknowledged for 2xx, else
 * failed). Bodies are skipped by length without being buffered (dis.h,
 * DIS_OK with *used past the chunk). After HTTP_MAX_REQUESTS requests the
 * dissector stops.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dissectors/dis_text.h"
#include "dissectors/sess.h"

#define HTTP_PORT 80
#define HTTP_LINE_MAX 1024   /* longer header lines (cookies) are skipped */
#define HTTP_MAX_REQUESTS 32 /* per flow */
#define HTTP_PENDING 2
#define HTTP_MAX_HEADERS 100 /* per message; more: the direction stops */
#define HTTP_METHOD_MAX 16
#define HTTP_URI_MAX 192
#define HTTP_HOST_MAX 64
#define HTTP_UA_MAX 96
#define HTTP_CTYPE_MAX 64
#define HTTP_NAME_MAX 96

enum http_step { HS_START, HS_HEADERS };

struct http_req {
	uint8_t is_head;
	TXT_STR(HTTP_METHOD_MAX) method;
	TXT_STR(HTTP_URI_MAX) uri;
	TXT_STR(HTTP_HOST_MAX) host;
	TXT_STR(HTTP_UA_MAX) ua;
	TXT_STR(HTTP_CTYPE_MAX) ctype;
	TXT_STR(HTTP_NAME_MAX) fname;
};

/* The message whose headers are being read, per direction. */
struct http_msg {
	uint8_t step, chunked, has_len, bad_len;
	uint16_t headers;
	uint16_t status;
	uint64_t clen;
};

struct http_state {
	uint8_t done, client_dir_known, client_dir;
	uint8_t skipping[2];
	uint8_t n_pend, requests;
	struct http_msg msg[2];
	struct http_req pend[HTTP_PENDING];
	struct http_req cur; /* the request being read */
	TXT_STR(HTTP_CTYPE_MAX) rsp_ctype;
	TXT_STR(HTTP_NAME_MAX) rsp_fname;
};

#define HTTP_M(s) { s, sizeof(s) - 1 }
static const struct {
	const char *s;
	size_t len;
} http_methods[] = {
	HTTP_M("GET "), HTTP_M("POST "), HTTP_M("PUT "), HTTP_M("HEAD "), HTTP_M("DELETE "),
	HTTP_M("OPTIONS "), HTTP_M("PATCH "), HTTP_M("CONNECT "), HTTP_M("TRACE "),
};
#undef HTTP_M

enum dis_probe_result http_probe(const uint8_t *buf, size_t len, int dir)
{
	(void)dir;
	if (txt_maybe(buf, len, "HTTP/1.")) {
		if (len < 7)
			return DIS_PROBE_MORE;
		return memcmp(buf, "HTTP/1.", 7) == 0 ? DIS_PROBE_YES : DIS_PROBE_NO;
	}
	for (size_t i = 0; i < sizeof(http_methods) / sizeof(http_methods[0]); i++) {
		size_t ml = http_methods[i].len;
		size_t k = len < ml ? len : ml;
		if (k && buf[0] != (uint8_t)http_methods[i].s[0])
			continue; /* the first byte tells most of them apart */
		if (memcmp(buf, http_methods[i].s, k) != 0)
			continue;
		const uint8_t *lf = memchr(buf, '\n', len);
		size_t line = lf ? (size_t)(lf - buf) : len;
		if (!lf)
			return len < DIS_PROBE_BYTES ? DIS_PROBE_MORE : DIS_PROBE_NO;
		/* the request line ends with the version */
		long v = txt_find(buf, line, " HTTP/1.");
		return v > 0 ? DIS_PROBE_YES : DIS_PROBE_NO;
	}
	return DIS_PROBE_NO;
}

/* The filename parameter of a Content-Disposition value. */
static void http_disposition(const uint8_t *v, size_t n, const uint8_t **name, size_t *nl)
{
	long at = txt_find(v, n, "filename=");
	*nl = 0;
	if (at < 0)
		return;
	const uint8_t *p = v + at + 9;
	size_t left = n - (size_t)at - 9, l = 0;
	if (left && *p == '"') {
		p++;
		left--;
		while (l < left && p[l] != '"')
			l++;
	} else {
		while (l < left && p[l] != ';' && p[l] != ' ')
			l++;
	}
	*name = p;
	*nl = l;
}

static void http_emit(struct http_state *st, struct dis_ctx *ctx, const struct http_req *q,
		      const struct http_msg *rsp)
{
	struct dis_event ev;
	dis_ev_init(&ev, ctx, st->client_dir, "http_request", DIS_FC_OTHER);
	TXT_EMIT(&ev, "method", q->method);
	TXT_EMIT(&ev, "uri", q->uri);
	TXT_EMIT(&ev, "host", q->host);
	TXT_EMIT(&ev, "user_agent", q->ua);
	TXT_EMIT(&ev, "request.content_type", q->ctype);
	if (rsp) {
		dis_ev_uint(&ev, "response.status_code", rsp->status);
		TXT_EMIT(&ev, "response.content_type", st->rsp_ctype);
	}
	if (rsp && st->rsp_fname.len) {
		TXT_EMIT(&ev, "file.name", st->rsp_fname);
	} else if (q->fname.len) {
		TXT_EMIT(&ev, "file.name", q->fname);
	} else {
		/* the last path segment of the URI, when it looks like a file */
		size_t end = q->uri.len;
		const char *qm = memchr(q->uri.s, '?', end);
		if (qm)
			end = (size_t)(qm - q->uri.s);
		const char *hash = memchr(q->uri.s, '#', end);
		if (hash)
			end = (size_t)(hash - q->uri.s);
		size_t start = end;
		while (start > 0 && q->uri.s[start - 1] != '/')
			start--;
		if (start < end && memchr(q->uri.s + start, '.', end - start))
			dis_ev_str(&ev, "file.name", q->uri.s + start, end - start);
	}
	const char *outcome = !rsp ? "unanswered" : rsp->status / 100 == 2 ? "acknowledged" : "failed";
	dis_ev_cstr(&ev, "outcome", outcome);
	if (q->uri.cut || q->host.cut || q->ua.cut || q->fname.cut)
		ev.flags |= DIS_EV_TRUNCATED;
	dis_emit(ctx, &ev);
}

/* Request line: "GET /firmware.bin HTTP/1.1". Returns 0 when it is not one. */
static int http_request_line(struct http_state *st, const uint8_t *p, size_t n)
{
	const uint8_t *sp = memchr(p, ' ', n);
	size_t a = sp ? (size_t)(sp - p) : n;
	if (a == 0 || a == n || a > HTTP_METHOD_MAX)
		return 0;
	sp = memchr(p + a + 1, ' ', n - a - 1);
	size_t b = sp ? (size_t)(sp - p) : n;
	if (b == n || !txt_prefix(p + b + 1, n - b - 1, "HTTP/"))
		return 0;
	/* a new request: only the lengths and flags need resetting (the
	 * string bytes are read only below their length) */
	st->cur.host.len = st->cur.ua.len = st->cur.ctype.len = st->cur.fname.len = 0;
	st->cur.host.cut = st->cur.ua.cut = st->cur.ctype.cut = st->cur.fname.cut = 0;
	TXT_SET(st->cur.method, p, a);
	TXT_SET(st->cur.uri, p + a + 1, b - a - 1);
	st->cur.is_head = a == 4 && memcmp(p, "HEAD", 4) == 0;
	return 1;
}

/* Status line: "HTTP/1.1 200 OK". */
static int http_status_line(struct http_msg *m, const uint8_t *p, size_t n)
{
	if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ')
		return 0;
	unsigned code = 0;
	for (int i = 9; i < 12; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		code = code * 10 + (unsigned)(p[i] - '0');
	}
	m->status = (uint16_t)code;
	return 1;
}

static void http_header(struct http_state *st, int is_client, struct http_msg *m,
			const uint8_t *p, size_t n)
{
	const uint8_t *colon = memchr(p, ':', n);
	if (!colon)
		return;
	size_t nl = (size_t)(colon - p);
	const uint8_t *v = colon + 1;
	size_t vl = n - nl - 1;
	txt_ltrim(&v, &vl);
	txt_rtrim(v, &vl);
	/* the usual spelling first (one compare of known length), then any case */
#define IS(name)                                                                            \
	(nl == sizeof(name) - 1 && (memcmp(p, name, sizeof(name) - 1) == 0 || txt_prefix(p, nl, name)))
	if (IS("Content-Length")) {
		uint64_t x = 0;
		size_t i = 0;
		for (; i < vl && v[i] >= '0' && v[i] <= '9' && x < (1ull << 48); i++)
			x = x * 10 + (uint64_t)(v[i] - '0');
		if (i == 0 || i != vl)
			m->bad_len = 1;
		m->clen = x;
		m->has_len = 1;
	} else if (IS("Transfer-Encoding")) {
		if (txt_find(v, vl, "chunked") >= 0)
			m->chunked = 1;
	} else if (IS("Content-Type")) {
		if (is_client)
			TXT_SET(st->cur.ctype, v, vl);
		else
			TXT_SET(st->rsp_ctype, v, vl);
	} else if (IS("Content-Disposition")) {
		const uint8_t *f = NULL;
		size_t fl = 0;
		http_disposition(v, vl, &f, &fl);
		if (fl && is_client)
			TXT_SET(st->cur.fname, f, fl);
		else if (fl)
			TXT_SET(st->rsp_fname, f, fl);
	} else if (is_client && IS("Host")) {
		TXT_SET(st->cur.host, v, vl);
	} else if (is_client && IS("User-Agent")) {
		TXT_SET(st->cur.ua, v, vl);
	}
#undef IS
}

/* The headers of a message ended: *used grows by the body to skip. Returns
 * DIS_UNSUPPORTED when the body's length is unknown (the direction stops). */
static enum dis_status http_end(struct http_state *st, struct dis_ctx *ctx, int is_client,
				size_t *used)
{
	struct http_msg *m = &st->msg[is_client ? st->client_dir : !st->client_dir];
	int stop = 0;
	uint64_t body = 0;
	if (is_client) {
		if (st->n_pend == HTTP_PENDING) {
			http_emit(st, ctx, &st->pend[0], NULL);
			st->n_pend--;
			memmove(&st->pend[0], &st->pend[1], st->n_pend * sizeof(st->pend[0]));
		}
		st->pend[st->n_pend++] = st->cur;
		st->requests++;
		if (m->chunked || m->bad_len)
			stop = 1;
		else
			body = m->has_len ? m->clen : 0;
		if (st->requests >= HTTP_MAX_REQUESTS)
			stop = 1;
	} else {
		int is_head = st->n_pend && st->pend[0].is_head;
		if (m->status >= 100 && m->status < 200) {
			/* interim (100 Continue): the final response follows */
		} else if (st->n_pend) {
			http_emit(st, ctx, &st->pend[0], m);
			st->n_pend--;
			memmove(&st->pend[0], &st->pend[1], st->n_pend * sizeof(st->pend[0]));
		}
		st->rsp_ctype.len = st->rsp_fname.len = 0;
		if (is_head || m->status == 204 || m->status == 304 || m->status < 200)
			body = 0;
		else if (m->chunked || m->bad_len || !m->has_len)
			stop = 1; /* until the connection closes, or chunked */
		else
			body = m->clen;
		/* the client has stopped and every request is answered */
		if (!st->n_pend && (ctx->df->dead_dirs & (1u << st->client_dir)))
			stop = 1;
	}
	memset(m, 0, sizeof(*m));
	if (stop)
		return DIS_UNSUPPORTED;
	*used += body;
	return DIS_OK;
}

static enum dis_status http_parse(void *state, int dir, const uint8_t *buf, size_t len,
				  size_t *used, struct dis_ctx *ctx)
{
	struct http_state *st = state;
	struct http_msg *m = &st->msg[dir];
	size_t n = 0;
	enum dis_status ret;
	*used = 0;
	if (st->done)
		return DIS_UNSUPPORTED;
	if (!txt_frame(&st->skipping[dir], buf, len, HTTP_LINE_MAX, &n, used, &ret))
		return ret;
	if (!st->client_dir_known) {
		/* the client speaks first; a capture may start with a response */
		st->client_dir_known = 1;
		st->client_dir = (uint8_t)(txt_prefix(buf, n, "HTTP/1.") ? !dir : dir);
	}
	int is_client = dir == st->client_dir;
	if (m->step == HS_START) {
		if (n == 0)
			return DIS_OK; /* CRLF between messages */
		if (is_client ? !http_request_line(st, buf, n) : !http_status_line(m, buf, n)) {
			*used = 0;
			return DIS_UNSUPPORTED; /* not HTTP/1 any more (an upgrade, TLS ...) */
		}
		m->step = HS_HEADERS;
		return DIS_OK;
	}
	if (n == 0) {
		ret = http_end(st, ctx, is_client, used);
		if (ret == DIS_UNSUPPORTED)
			*used = 0;
		return ret;
	}
	if (++m->headers > HTTP_MAX_HEADERS) {
		*used = 0;
		return DIS_UNSUPPORTED;
	}
	http_header(st, is_client, m, buf, n);
	return DIS_OK;
}

/* Bytes are missing: a body length or a message boundary may be lost, so
 * the direction stops; requests still pending are reported at flow end
 * (or paired, when it is the client's direction that stopped). */
static void http_gap(void *state, int dir, uint32_t len, struct dis_ctx *ctx)
{
	(void)state;
	(void)len;
	txt_stop_dir(ctx, dir);
}

static void http_close(void *state, struct dis_ctx *ctx)
{
	struct http_state *st = state;
	for (unsigned i = 0; i < st->n_pend; i++)
		http_emit(st, ctx, &st->pend[i], NULL);
	st->n_pend = 0;
	st->done = 1;
}

const struct dis_proto http_proto = {
	.name = "http",
	.label = "HTTP",
	.tcp_port = HTTP_PORT,
	.passive = 1,
	.state_size = sizeof(struct http_state),
	.max_pdu = HTTP_LINE_MAX,
	.probe = http_probe,
	.parse = http_parse,
	.gap = http_gap,
	.close = http_close,
};
