/* dis_cursor.h - bounded byte cursor: the only way packet and stream bytes are read.
 *
 * A cursor is {base, len, off, err}. Every read checks the remaining length
 * first; a read past the end sets err, returns 0 and parks the cursor at the end
 * so that every later read fails too. Check rd_ok() once after a group of reads
 * and always before acting on what was read. A length field read off the wire
 * becomes a sub-cursor (rd_sub) so that the inner parse cannot see past it.
 *
 * Byte order is in the name: rd_be16 (network order: Ethernet, IP, Modbus,
 * S7comm) and rd_le32 (OPC UA binary). Values are assembled byte by byte, so
 * there is no unaligned access and no aliasing of packet memory.
 */
#ifndef ZW_DIS_CURSOR_H
#define ZW_DIS_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rd {
	const uint8_t *base;
	size_t len;
	size_t off;
	int err; /* 1 once any read ran past the end */
};

static inline struct rd rd_init(const uint8_t *base, size_t len)
{
	struct rd r = { base, len, 0, 0 };
	return r;
}

static inline size_t rd_left(const struct rd *r)
{
	return r->len - r->off;
}

static inline int rd_ok(const struct rd *r)
{
	return !r->err;
}

/* Returns 1 when n bytes remain; otherwise marks the cursor failed. */
static inline int rd_need(struct rd *r, size_t n)
{
	if (r->err || n > r->len - r->off) {
		r->err = 1;
		r->off = r->len;
		return 0;
	}
	return 1;
}

static inline const uint8_t *rd_ptr(const struct rd *r)
{
	return r->base + r->off;
}

static inline uint8_t rd_u8(struct rd *r)
{
	if (!rd_need(r, 1))
		return 0;
	return r->base[r->off++];
}

static inline uint16_t rd_be16(struct rd *r)
{
	if (!rd_need(r, 2))
		return 0;
	const uint8_t *p = r->base + r->off;
	r->off += 2;
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rd_be24(struct rd *r)
{
	if (!rd_need(r, 3))
		return 0;
	const uint8_t *p = r->base + r->off;
	r->off += 3;
	return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

static inline uint32_t rd_be32(struct rd *r)
{
	if (!rd_need(r, 4))
		return 0;
	const uint8_t *p = r->base + r->off;
	r->off += 4;
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint16_t rd_le16(struct rd *r)
{
	if (!rd_need(r, 2))
		return 0;
	const uint8_t *p = r->base + r->off;
	r->off += 2;
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t rd_le32(struct rd *r)
{
	if (!rd_need(r, 4))
		return 0;
	const uint8_t *p = r->base + r->off;
	r->off += 4;
	return p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t rd_le64(struct rd *r)
{
	if (!rd_need(r, 8))
		return 0;
	uint64_t lo = rd_le32(r);
	uint64_t hi = rd_le32(r);
	return lo | (hi << 32);
}

static inline void rd_skip(struct rd *r, size_t n)
{
	if (rd_need(r, n))
		r->off += n;
}

/* Copies n bytes into dst (which must hold n); zero-fills dst on failure. */
static inline void rd_copy(struct rd *r, void *dst, size_t n)
{
	if (!rd_need(r, n)) {
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, r->base + r->off, n);
	r->off += n;
}

/* Peek without consuming: byte at offset i from the current position, or -1. */
static inline int rd_peek(const struct rd *r, size_t i)
{
	if (r->err || i >= r->len - r->off)
		return -1;
	return r->base[r->off + i];
}

/* A sub-cursor over the next n bytes; the parent advances past them. When
 * fewer than n bytes remain, both the parent and the returned cursor fail. */
static inline struct rd rd_sub(struct rd *r, size_t n)
{
	struct rd s = { r->base + r->off, 0, 0, 0 };
	if (!rd_need(r, n)) {
		s.base = r->base + r->len;
		s.err = 1;
		return s;
	}
	s.len = n;
	r->off += n;
	return s;
}

#endif /* ZW_DIS_CURSOR_H */
