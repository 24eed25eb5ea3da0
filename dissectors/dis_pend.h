/* dis_pend.h - the bookkeeping of the dissectors' pending-request tables
 * (Modbus, S7comm, OPC UA): a 16-bit map with a bit per entry in use, and a
 * lower bound on the capture time of the entries in use, so that the scan
 * for timed-out requests runs only when one of them may have timed out.
 * The entries themselves, and what dropping one means, stay with each
 * dissector. */
#ifndef ZW_DIS_PEND_H
#define ZW_DIS_PEND_H

#include <stdint.h>

/* The entries in use, lowest index first:
 * for (unsigned m = used; m; m &= m - 1) visits entry dis_pend_next(m). */
static inline unsigned dis_pend_next(unsigned m)
{
	return (unsigned)__builtin_ctz(m);
}

/* 1 when an entry taken at ts_us has waited more than timeout_us at now_us. */
static inline int dis_pend_expired(uint64_t ts_us, uint64_t now_us, uint64_t timeout_us)
{
	return now_us > ts_us && now_us - ts_us > timeout_us;
}

/* 1 when some entry in use may have timed out (the oldest is min_us old). */
static inline int dis_pend_may_expire(unsigned used, uint64_t min_us, uint64_t now_us,
				      uint64_t timeout_us)
{
	return used && dis_pend_expired(min_us, now_us, timeout_us);
}

/* The lowest free index of an n-entry table (n <= 16), or -1 when all are taken. */
static inline int dis_pend_free(unsigned used, unsigned n)
{
	unsigned f = ~used & ((1u << n) - 1);
	return f ? (int)dis_pend_next(f) : -1;
}

/* Entry i is taken at now_us. */
static inline void dis_pend_take(uint16_t *used, uint64_t *min_us, unsigned i, uint64_t now_us)
{
	if (!*used || now_us < *min_us)
		*min_us = now_us;
	*used |= (uint16_t)(1u << i);
}

/* Entry i is free again (min_us stays a lower bound). */
static inline void dis_pend_release(uint16_t *used, unsigned i)
{
	*used &= (uint16_t)~(1u << i);
}

#endif /* ZW_DIS_PEND_H */
