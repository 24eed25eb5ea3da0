/* out_jw.c - streaming JSON writer: buffer growth and string escaping
 * (the rest is inline in out_jw.h). */
#include "config.h"

#include "output/out_jw.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define JW_INITIAL_CAP 8192

const char jw_digit_pairs[200] = {
	'0','0','0','1','0','2','0','3','0','4','0','5','0','6','0','7','0','8','0','9',
	'1','0','1','1','1','2','1','3','1','4','1','5','1','6','1','7','1','8','1','9',
	'2','0','2','1','2','2','2','3','2','4','2','5','2','6','2','7','2','8','2','9',
	'3','0','3','1','3','2','3','3','3','4','3','5','3','6','3','7','3','8','3','9',
	'4','0','4','1','4','2','4','3','4','4','4','5','4','6','4','7','4','8','4','9',
	'5','0','5','1','5','2','5','3','5','4','5','5','5','6','5','7','5','8','5','9',
	'6','0','6','1','6','2','6','3','6','4','6','5','6','6','6','7','6','8','6','9',
	'7','0','7','1','7','2','7','3','7','4','7','5','7','6','7','7','7','8','7','9',
	'8','0','8','1','8','2','8','3','8','4','8','5','8','6','8','7','8','8','8','9',
	'9','0','9','1','9','2','9','3','9','4','9','5','9','6','9','7','9','8','9','9',
};

/* Bytes that need escaping: in every string (bit 0) and in wire strings (bit 1). */
static uint8_t esc_class[256];

static void esc_init(void)
{
	if (esc_class['"'])
		return;
	for (int c = 0; c < 256; c++) {
		uint8_t v = 0;
		if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
			v |= 1; /* >= 0x80: checked to be valid UTF-8 */
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			v |= 2;
		esc_class[c] = v;
	}
}

/* Exactly 8 digits of v (< 10^8), with leading zeros. */
static char *utoa8(char *o, uint32_t v)
{
	/* two halves of 4 digits, each two pairs: three divisions */
	uint32_t a = v / 10000, b = v % 10000;
	memcpy(o, jw_digit_pairs + 2 * (a / 100), 2);
	memcpy(o + 2, jw_digit_pairs + 2 * (a % 100), 2);
	memcpy(o + 4, jw_digit_pairs + 2 * (b / 100), 2);
	memcpy(o + 6, jw_digit_pairs + 2 * (b % 100), 2);
	return o + 8;
}

/* In 8-digit pieces, each with 32-bit arithmetic. */
char *jw_utoa_big(char *o, uint64_t v)
{
	uint32_t lo = (uint32_t)(v % 100000000u);
	uint64_t hi = v / 100000000u;
	if (hi >= 10000000u && hi < 100000000u) {
		o = utoa8(o, (uint32_t)hi); /* microsecond times of this century */
	} else if (hi <= UINT32_MAX) {
		o = jw_utoa32(o, (uint32_t)hi);
	} else {
		o = jw_utoa32(o, (uint32_t)(hi / 100000000u));
		o = utoa8(o, (uint32_t)(hi % 100000000u));
	}
	return utoa8(o, lo);
}

void jw_init(struct jw *w)
{
	esc_init();
	memset(w, 0, sizeof(*w));
	w->first[0] = 1;
}

void jw_free(struct jw *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

int jw_grow(struct jw *w, size_t n)
{
	if (w->oom)
		return 0;
	if (n <= w->cap - w->len)
		return 1;
	size_t cap = w->cap ? w->cap : JW_INITIAL_CAP;
	while (cap - w->len < n) {
		if (cap > SIZE_MAX / 2) {
			w->oom = 1;
			return 0;
		}
		cap *= 2;
	}
	char *nb = realloc(w->buf, cap);
	if (!nb) {
		w->oom = 1;
		return 0;
	}
	w->buf = nb;
	w->cap = cap;
	return 1;
}

size_t jw_utf8_len(const unsigned char *s, size_t n)
{
	/* RFC 3629 section 4: no overlong forms, no surrogates, at most U+10FFFF. */
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xbf)
			return 0;
	return len;
}

/* Nonzero if one of the 8 bytes of x needs escaping: a byte below 0x20,
 * from 0x80, '"', the backslash, or a byte equal to those of del (0x7f in
 * every lane for wire strings). Per lane on the low 7 bits, so no carry
 * crosses lanes: y + 0x60 has the high bit iff y >= 0x20, (y ^ c) + 0x7f
 * iff y != c. */
static inline uint64_t swar_bad(uint64_t x, uint64_t del)
{
	const uint64_t ones = 0x0101010101010101ull, low7 = 0x7f * ones;
	uint64_t y = x & low7;
	uint64_t ok = (y + 0x60 * ones) & ((y ^ (0x22 * ones)) + low7) &
		      ((y ^ (0x5c * ones)) + low7) & ((y ^ del) + low7) & ~x;
	return ~ok & (0x80 * ones);
}

static inline uint64_t load8(const char *s)
{
	uint64_t x;
	memcpy(&x, s, 8);
	return x;
}

#ifdef __SSE2__
/* swar_bad() of 16 bytes: a signed compare below 0x20 also takes the bytes
 * from 0x80. */
static inline int sse_bad(const char *s, __m128i del)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i b = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
				 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x22)),
					      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x5c)),
							   _mm_cmpeq_epi8(v, del))));
	return _mm_movemask_epi8(b);
}
#endif

/* How many leading bytes of s surely need no escaping: n if none does,
 * else at most the offset of the first that does. Whole words, the last
 * one overlapping; strings of 4 to 7 bytes as two overlapping 4-byte
 * words. */
static inline size_t clean_prefix(const char *s, size_t n, int wire)
{
	uint64_t del = wire ? 0x7f7f7f7f7f7f7f7full : 0x2222222222222222ull;
	if (n < 4)
		return 0;
	if (n < 8) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		return swar_bad(a | (uint64_t)b << 32, del) ? 0 : n;
	}
	size_t k = 0;
#ifdef __SSE2__
	if (n >= 16) {
		__m128i d = _mm_set1_epi8((char)(del & 0xff));
		while (k + 16 <= n) {
			if (sse_bad(s + k, d))
				return k;
			k += 16;
		}
		if (k < n && sse_bad(s + n - 16, d))
			return k;
		return n;
	}
#endif
	while (k + 8 <= n) {
		if (swar_bad(load8(s + k), del))
			return k;
		k += 8;
	}
	if (k < n && swar_bad(load8(s + n - 8), del))
		return k;
	return n;
}

/* RFC 8259 section 7 escaping. Wire strings: every byte outside printable
 * ASCII, and the backslash, become the four characters \xNN. Runs of bytes
 * that need no escaping are copied whole. Other strings keep valid UTF-8
 * sequences and get U+FFFD for each byte that is not part of one, so the
 * record is valid UTF-8 JSON whatever the string held. */
static void escape_slow(struct jw *w, const char *s, size_t n, int wire, size_t run);

void jw_escape(struct jw *w, const char *s, size_t n, int wire)
{
	/* Worst case 6 output bytes per input byte. */
	if (n > SIZE_MAX / 6 || !jw_room(w, n * 6))
		return;
	/* Nearly every string needs no escaping: found out a word at a time,
	 * and copied whole; the rest in escape_slow(). */
	size_t run = clean_prefix(s, n, wire);
	if (run != n) {
		escape_slow(w, s, n, wire, run);
		return;
	}
	char *o = w->buf + w->len;
	if (n <= 16)
		jw_cpy_short(o, s, n);
	else
		memcpy(o, s, n);
	w->len += n;
}

/* jw_escape() of a string that may need escaping from byte run on (room
 * made). */
static __attribute__((noinline)) void escape_slow(struct jw *w, const char *s, size_t n, int wire,
						  size_t run)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t mask = wire ? 2 : 1;
	char *o = w->buf + w->len;
	size_t i = 0;
	while (i < n) {
		if (i)
			run = i;
		while (run < n && !(esc_class[(unsigned char)s[run]] & mask))
			run++;
		memcpy(o, s + i, run - i);
		o += run - i;
		if (run >= n)
			break;
		unsigned char c = (unsigned char)s[run];
		i = run + 1;
		*o++ = '\\';
		if (wire && (c < 0x20 || c >= 0x7f || c == '\\')) {
			/* the text \xNN: an escaped backslash, then xNN */
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
			continue;
		}
		if (c >= 0x80) {
			size_t ul = jw_utf8_len((const unsigned char *)s + run, n - run);
			o--; /* no backslash before a kept sequence */
			if (ul) {
				memcpy(o, s + run, ul);
				o += ul;
				i = run + ul;
			} else {
				memcpy(o, "\\ufffd", 6);
				o += 6;
			}
			continue;
		}
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
			break;
		}
	}
	w->len = (size_t)(o - w->buf);
}
