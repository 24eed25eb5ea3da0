/* out_jw.h - a streaming JSON writer into one reusable buffer.
 *
 * Why not json-c for every record: json-c builds a tree of heap objects (one
 * allocation per key and value) and then prints it; at the rate of flow
 * records and events of a busy capture that allocation churn cost more than
 * the whole packet path (measured with `make bench`, see README.md). json-c
 * still builds the statistics record, which is written once. This writer
 * appends straight into a buffer that is reused from record to record, so a
 * record costs no allocation once the buffer has grown to the largest record.
 * The functions are inline so that the lengths of literal keys are known at
 * compile time.
 *
 * Commas are inserted automatically; the caller opens and closes objects and
 * arrays in order. Keys must be string literals of our own that need no
 * escaping (they are copied as they are); our own string values are escaped
 * per RFC 8259; strings read off the wire go through jw_str_wire(), which
 * also writes every byte outside printable ASCII, and the backslash, as the
 * text \xNN, so the output is always valid UTF-8 and nothing is hidden.
 */
#ifndef ZW_OUT_JW_H
#define ZW_OUT_JW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define JW_MAX_DEPTH 16
#define JW_SLACK 256 /* bytes always available after a successful jw_room() */

struct jw {
	char *buf;
	size_t len, cap;
	int depth;
	uint8_t first[JW_MAX_DEPTH]; /* no element written yet at this depth */
	int oom;                     /* an allocation failed: the record is incomplete */
};

void jw_init(struct jw *w);
void jw_free(struct jw *w);
/* Grows the buffer so that n more bytes fit; returns 0 (and sets oom) on failure. */
int jw_grow(struct jw *w, size_t n);
/* Length (1..4) of the valid UTF-8 sequence at s, 0 if s[0] starts none. */
size_t jw_utf8_len(const unsigned char *s, size_t n);
/* Escaped string body (no quotes); wire selects the \xNN rule. */
void jw_escape(struct jw *w, const char *s, size_t n, int wire);

static inline int jw_room(struct jw *w, size_t n)
{
	if (n + JW_SLACK <= w->cap - w->len)
		return 1;
	return jw_grow(w, n + JW_SLACK);
}

/* Starts a new record (clears the buffer, keeps its memory). */
static inline void jw_reset(struct jw *w)
{
	w->len = 0;
	w->depth = 0;
	w->first[0] = 1;
	w->oom = 0;
}

static inline void jw_put(struct jw *w, const char *s, size_t n)
{
	if (!jw_room(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* "00" "01" ... "99": two digits per step when formatting numbers. */
extern const char jw_digit_pairs[200];

/* Number of decimal digits of v (1..10). */
static inline unsigned jw_ndigits32(uint32_t v)
{
	unsigned n = 1;
	for (;;) {
		if (v < 10)
			return n;
		if (v < 100)
			return n + 1;
		if (v < 1000)
			return n + 2;
		if (v < 10000)
			return n + 3;
		v /= 10000;
		n += 4;
	}
}

/* Writes the decimal digits of v at o; returns the end. 32-bit arithmetic:
 * a 64-bit division costs several times more. */
static inline char *jw_utoa32(char *o, uint32_t v)
{
	char *end = o + jw_ndigits32(v), *p = end;
	while (v >= 100) {
		unsigned r = v % 100;
		v /= 100;
		p -= 2;
		memcpy(p, jw_digit_pairs + 2 * r, 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, jw_digit_pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	return end;
}

/* jw_utoa() of values above 32 bits (microsecond times), out of line. */
char *jw_utoa_big(char *o, uint64_t v);

/* Writes the decimal digits of v at o (room for 20 bytes); returns the end. */
static inline char *jw_utoa(char *o, uint64_t v)
{
	if (v <= UINT32_MAX)
		return jw_utoa32(o, (uint32_t)v);
	return jw_utoa_big(o, v);
}

/* Copies n bytes to o and returns the end: for text built by hand after
 * jw_raw_begin(). JW_LIT("...") gives a literal and its length. */
static inline char *jw_cpy(char *o, const char *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}
#define JW_LIT(s) (s), (sizeof(s) - 1)

/* jw_cpy() for a short string of variable length (keys, names): up to 16
 * bytes with two overlapping fixed-size copies instead of a memcpy() call.
 * Reads and writes only the n bytes. */
static inline char *jw_cpy_short(char *o, const char *s, size_t n)
{
	if (n >= 8 && n <= 16) {
		memcpy(o, s, 8);
		memcpy(o + n - 8, s + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(o, s, 4);
		memcpy(o + n - 4, s + n - 4, 4);
	} else if (n < 4) {
		if (n) {
			o[0] = s[0];
			o[n / 2] = s[n / 2];
			o[n - 1] = s[n - 1];
		}
	} else {
		memcpy(o, s, n);
	}
	return o + n;
}

/* Hand-built text for the fixed parts of a record, where the layout is
 * known and going through jw_member() for every key would cost more than
 * the text itself. jw_raw_begin() makes room for n bytes and returns where
 * to write (NULL if out of memory, with oom set); jw_raw_end() takes the
 * text up to o. Before the next jw_ member call the text must add whole
 * members to the innermost open object or array (a comma before each but
 * its first element) and close any object it opened itself; jw_escape()
 * may write string bodies in between. It counts as an element. */
static inline char *jw_raw_begin(struct jw *w, size_t n)
{
	return jw_room(w, n) ? w->buf + w->len : NULL;
}

static inline void jw_raw_end(struct jw *w, char *o)
{
	w->len = (size_t)(o - w->buf);
	w->first[w->depth] = 0;
}

/* Comma if needed, then "key": (key NULL inside arrays); kl is strlen(key). */
static inline void jw_member_n(struct jw *w, const char *key, size_t kl)
{
	if (!jw_room(w, kl + 4))
		return;
	char *o = w->buf + w->len;
	if (!w->first[w->depth])
		*o++ = ',';
	w->first[w->depth] = 0;
	if (key) {
		*o++ = '"';
		memcpy(o, key, kl);
		o += kl;
		*o++ = '"';
		*o++ = ':';
	}
	w->len = (size_t)(o - w->buf);
}

/* Comma if needed, then "key": (key NULL inside arrays). */
static inline void jw_member(struct jw *w, const char *key)
{
	jw_member_n(w, key, key ? strlen(key) : 0);
}

static inline void jw_open_n(struct jw *w, const char *key, size_t kl, char c)
{
	jw_member_n(w, key, kl);
	if (!jw_room(w, 1))
		return;
	w->buf[w->len++] = c;
	if (w->depth + 1 < JW_MAX_DEPTH)
		w->depth++;
	else
		w->oom = 1;
	w->first[w->depth] = 1;
}

static inline void jw_open(struct jw *w, const char *key, char c)
{
	jw_open_n(w, key, key ? strlen(key) : 0, c);
}

static inline void jw_close(struct jw *w, char c)
{
	if (!jw_room(w, 1))
		return;
	w->buf[w->len++] = c;
	if (w->depth > 0)
		w->depth--;
}

static inline void jw_obj_open(struct jw *w, const char *key) { jw_open(w, key, '{'); }
static inline void jw_obj_close(struct jw *w) { jw_close(w, '}'); }
static inline void jw_arr_open(struct jw *w, const char *key) { jw_open(w, key, '['); }
static inline void jw_arr_close(struct jw *w) { jw_close(w, ']'); }

static inline void jw_quoted(struct jw *w, const char *s, size_t n, int wire)
{
	if (!jw_room(w, 1))
		return;
	w->buf[w->len++] = '"';
	jw_escape(w, s, n, wire);
	if (!jw_room(w, 1))
		return;
	w->buf[w->len++] = '"';
}

/* A string of our own known to need no escaping (names from our static
 * tables, formatted addresses and times): copied as it is. Never use it for
 * bytes read off the wire or for configuration text. */
static inline void jw_name(struct jw *w, const char *key, const char *s)
{
	size_t n = strlen(s);
	jw_member(w, key);
	if (!jw_room(w, n + 2))
		return;
	char *o = w->buf + w->len;
	*o++ = '"';
	memcpy(o, s, n);
	o += n;
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
}

static inline void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_member(w, key);
	jw_quoted(w, s, strlen(s), 0);
}

static inline void jw_str_len(struct jw *w, const char *key, const char *s, size_t n)
{
	jw_member(w, key);
	jw_quoted(w, s, n, 0);
}

static inline void jw_str_wire(struct jw *w, const char *key, const char *s, size_t n)
{
	jw_member(w, key);
	jw_quoted(w, s, n, 1);
}

/* The concatenation of a and b as one string value. */
static inline void jw_str2(struct jw *w, const char *key, const char *a, const char *b)
{
	jw_member(w, key);
	if (!jw_room(w, 1))
		return;
	w->buf[w->len++] = '"';
	jw_escape(w, a, strlen(a), 0);
	jw_escape(w, b, strlen(b), 0);
	if (!jw_room(w, 1))
		return;
	w->buf[w->len++] = '"';
}

/* The decimal digits of v, no key. */
static inline void jw_digits(struct jw *w, uint64_t v)
{
	if (!jw_room(w, 21))
		return;
	w->len = (size_t)(jw_utoa(w->buf + w->len, v) - w->buf);
}

static inline void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_member(w, key);
	jw_digits(w, v);
}

static inline void jw_i64(struct jw *w, const char *key, int64_t v)
{
	jw_member(w, key);
	if (v < 0) {
		jw_put(w, "-", 1);
		jw_digits(w, (uint64_t)0 - (uint64_t)v);
	} else {
		jw_digits(w, (uint64_t)v);
	}
}

static inline void jw_bool(struct jw *w, const char *key, int v)
{
	jw_member(w, key);
	if (v)
		jw_put(w, "true", 4);
	else
		jw_put(w, "false", 5);
}

/* Appends pre-encoded JSON text (a complete value) under key. */
static inline void jw_raw(struct jw *w, const char *key, const char *json, size_t n)
{
	jw_member(w, key);
	jw_put(w, json, n);
}

#endif /* ZW_OUT_JW_H */
