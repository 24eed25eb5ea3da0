/* mbtcp.h - Modbus/TCP dissector (see mbtcp.c). */
#ifndef ZW_MBTCP_H
#define ZW_MBTCP_H

#include <stdint.h>

#include "dissectors/dis.h"

/* Folded cyclic reads of one function code in one direction. */
struct mbtcp_fold {
	uint64_t first_us, last_us;
	uint32_t count;
	uint8_t unit_id;
};

struct mbtcp_state {
	struct mbtcp_fold fold[2][5]; /* [direction][function code 1..4] */
	uint32_t malformed[2];
};

enum dis_probe_result mbtcp_probe(const uint8_t *buf, size_t len, int dir);

extern const struct dis_proto mbtcp_proto;

#endif /* ZW_MBTCP_H */
