/* mbtcp.h - Modbus/TCP dissector (see mbtcp.c). */
#ifndef ZW_MBTCP_H
#define ZW_MBTCP_H

#include <stdint.h>

#include "dissectors/dis.h"

#define MBTCP_PENDING 16       /* outstanding requests kept per flow */
#define MBTCP_PEND_HEAD 4      /* first request data bytes kept in every entry */
#define MBTCP_PEND_COPIES 4    /* of which requests with a longer copy (not folded) */
#define MBTCP_PEND_PDU_BYTES 64 /* request data bytes kept in a copy */
#define MBTCP_FOLDS 8          /* folded read kinds (unit id, function) per flow */

/* Folded cyclic reads of one (unit id, function code), both directions. */
struct mbtcp_fold {
	uint64_t first_us, last_us;
	uint32_t count;     /* requests */
	uint32_t responses; /* normal responses matched to a request */
	uint8_t unit_id;
	uint8_t fc;         /* 0: slot free */
};

/* A request waiting for its response. A folded read needs only its first
 * four data bytes (start address and quantity); every other request gets a
 * copy of its first MBTCP_PEND_PDU_BYTES data bytes, to describe it in the
 * transaction event. */
struct mbtcp_pending {
	uint64_t ts_us;
	uint16_t tid;
	uint8_t unit_id;
	uint8_t fc;        /* 0: slot free */
	uint8_t dir;       /* direction the request came from */
	uint8_t copy;      /* index + 1 into mbtcp_state.copy; 0: a folded read */
	uint8_t pdu_len;   /* request data bytes after the function code */
	uint8_t head_len;  /* of which kept in head[] */
	uint8_t head[MBTCP_PEND_HEAD];
};

struct mbtcp_req_copy {
	uint8_t in_use;
	uint8_t kept;
	uint8_t pdu[MBTCP_PEND_PDU_BYTES];
};

/* What every PDU touches comes first (the capture engine prefetches the
 * first lines of a flow's dissector state): the pending bitmap, the first
 * pending entries (a poller has one request out at a time) and the folds. */
struct mbtcp_state {
	uint16_t pend_used;   /* bit i: pend[i] is in use (its fc is not 0) */
	uint64_t pend_min_us; /* no pending request is older: while the oldest
			       * cannot have timed out, nothing is scanned */
	struct mbtcp_pending pend[MBTCP_PENDING];
	struct mbtcp_fold fold[MBTCP_FOLDS];
	struct mbtcp_req_copy copy[MBTCP_PEND_COPIES];
	uint64_t exc_window_us; /* start of the current exception-burst window */
	uint32_t exc_in_window;
	uint8_t exc_burst_reported;
	uint32_t malformed[2];
};

enum dis_probe_result mbtcp_probe(const uint8_t *buf, size_t len, int dir);

extern const struct dis_proto mbtcp_proto;

#endif /* ZW_MBTCP_H */
