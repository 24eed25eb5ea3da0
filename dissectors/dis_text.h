/* dis_text.h - shared helpers of the passive session dissectors (ssh, rdp,
 * vnc, telnet, ftp, http, smtp): line framing on a reassembled stream,
 * ASCII case-insensitive matching, bounded string copies into per-flow
 * state, and the client/server roles of a flow.
 *
 * Line framing: a line ends at LF (a CR before it is dropped from the text).
 * A line longer than the protocol's limit is not an error but is skipped up
 * to its LF (txt_frame keeps a per-direction flag), so one overlong header
 * or command line never costs more than the limit in leftover buffer.
 */
#ifndef ZW_DIS_TEXT_H
#define ZW_DIS_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture/flow.h"
#include "dissectors/dis.h"
#include "dissectors/dis_cursor.h"

/* A bounded string kept in per-flow state. */
#define TXT_STR(n)                                                                          \
	struct {                                                                            \
		uint16_t len;                                                               \
		uint8_t cut; /* longer on the wire than kept */                             \
		char s[n];                                                                  \
	}

/* Copies n bytes of p into a TXT_STR. */
#define TXT_SET(dst, p, n) txt_set((dst).s, sizeof((dst).s), &(dst).len, &(dst).cut, (p), (n))

static inline void txt_set(char *s, size_t cap, uint16_t *len, uint8_t *cut, const uint8_t *p,
			   size_t n)
{
	*cut = n > cap;
	if (n > cap)
		n = cap;
	if (n)
		memcpy(s, p, n);
	*len = (uint16_t)n;
}

/* Adds a TXT_STR as a string field when it is not empty. */
#define TXT_EMIT(ev, key, str)                                                              \
	do {                                                                                \
		if ((str).len)                                                              \
			dis_ev_str((ev), (key), (str).s, (str).len);                        \
	} while (0)

static inline int txt_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* 1 when the n bytes at p begin with the ASCII word w, ignoring case. */
static inline int txt_prefix(const uint8_t *p, size_t n, const char *w)
{
	size_t wl = strlen(w);
	if (n < wl)
		return 0;
	for (size_t i = 0; i < wl; i++)
		if (p[i] != (unsigned char)w[i] && /* the usual case: same case */
		    txt_lower(p[i]) != txt_lower((unsigned char)w[i]))
			return 0;
	return 1;
}

/* Offset of the ASCII word w (any case) in the n bytes at p, or -1. */
static inline long txt_find(const uint8_t *p, size_t n, const char *w)
{
	size_t wl = strlen(w);
	for (size_t i = 0; wl <= n && i <= n - wl; i++)
		if (txt_prefix(p + i, n - i, w))
			return (long)i;
	return -1;
}

/* For a probe: 1 when the n bytes at p could still become w (any case),
 * i.e. they are a prefix of w or begin with it. */
static inline int txt_maybe(const uint8_t *p, size_t n, const char *w)
{
	size_t wl = strlen(w);
	size_t k = n < wl ? n : wl;
	for (size_t i = 0; i < k; i++)
		if (txt_lower(p[i]) != txt_lower((unsigned char)w[i]))
			return 0;
	return 1;
}

/* Skips spaces and tabs. */
static inline void txt_ltrim(const uint8_t **p, size_t *n)
{
	while (*n && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
}

static inline void txt_rtrim(const uint8_t *p, size_t *n)
{
	while (*n && (p[*n - 1] == ' ' || p[*n - 1] == '\t' || p[*n - 1] == '\r'))
		(*n)--;
}

/* Frames one line at buf. Returns 1 with *text_len (without CR LF) and
 * *used (with the LF) when a whole line is there; returns 0 when the caller
 * must return *st with *used as they are: DIS_NEED_MORE for a partial line,
 * or DIS_OK for bytes of an overlong line that are skipped. *skipping is the
 * direction's "inside an overlong line" flag. max must be the protocol's
 * max_pdu. */
static inline int txt_frame(uint8_t *skipping, const uint8_t *buf, size_t len, size_t max,
			    size_t *text_len, size_t *used, enum dis_status *st)
{
	struct rd r = rd_init(buf, len);
	size_t look = rd_left(&r) < max ? rd_left(&r) : max;
	const uint8_t *lf = look ? memchr(rd_ptr(&r), '\n', look) : NULL;
	if (*skipping) {
		*st = DIS_OK;
		if (!lf) {
			*used = look;
			return 0;
		}
		*used = (size_t)(lf - rd_ptr(&r)) + 1;
		*skipping = 0;
		return 0;
	}
	if (!lf) {
		if (len < max) {
			*st = DIS_NEED_MORE;
			*used = 0;
			return 0;
		}
		*skipping = 1; /* overlong: drop it up to its end */
		*st = DIS_OK;
		*used = max;
		return 0;
	}
	size_t n = (size_t)(lf - rd_ptr(&r));
	*used = n + 1;
	if (n && buf[n - 1] == '\r')
		n--;
	*text_len = n;
	return 1;
}

/* A reply line of FTP or SMTP (RFC 959 4.2, RFC 5321 4.2): three digits
 * then SP, '-' (more lines follow) or the end. Returns the code or 0. */
static inline unsigned txt_reply_code(const uint8_t *p, size_t n, int *more)
{
	if (n < 3)
		return 0;
	for (int i = 0; i < 3; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	if (p[0] < '1' || p[0] > '5')
		return 0;
	if (n > 3 && p[3] != ' ' && p[3] != '-')
		return 0;
	*more = n > 3 && p[3] == '-';
	return (unsigned)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
}

/* For a probe: 1 when p (n bytes, n >= 1) could be the start of a reply
 * line, 2 when it is one (a whole line with a valid code). */
static inline int txt_probe_reply(const uint8_t *p, size_t n)
{
	int more;
	for (size_t i = 0; i < n && i < 3; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	if (n < 4)
		return 1;
	if (!txt_reply_code(p, n, &more))
		return 0;
	return memchr(p, '\n', n) ? 2 : 1;
}

/* The direction of the client: the flow's responder unless only the
 * initiator uses the service port (a capture that missed the SYN and
 * took the server's first packet as the initiator's). */
static inline int txt_client_dir(const struct dis_ctx *ctx, uint16_t port)
{
	if (ctx->flow && flow_port(ctx->flow, 0) == port && flow_port(ctx->flow, 1) != port)
		return 1;
	return 0;
}

/* A passive dissector that has what it wanted stops both directions at
 * once: the framework then closes it and stops reassembling the flow. */
static inline void txt_stop(struct dis_ctx *ctx)
{
	ctx->df->dead_dirs = 3;
}

/* Stops one direction from a gap() hook (the framework has just cleared its
 * stopped bit): used where missing bytes leave no way to find the next
 * message boundary. Gaps are counted by the framework; passive dissectors
 * emit no anomaly event for them. */
static inline void txt_stop_dir(struct dis_ctx *ctx, int dir)
{
	ctx->df->dead_dirs |= (uint8_t)(1u << dir);
}

#endif /* ZW_DIS_TEXT_H */
