/* opcua.h - OPC UA binary connection protocol framing (see opcua.c). */
#ifndef ZW_OPCUA_H
#define ZW_OPCUA_H

#include <stdint.h>

#include "dissectors/dis.h"

#define OPCUA_COUNTERS_PER_DIR 21 /* 7 message types x 3 chunk types */

struct opcua_state {
	uint32_t aborted_chunks;
	uint32_t truncated_bodies;
};

enum dis_probe_result opcua_probe(const uint8_t *buf, size_t len, int dir);

extern const struct dis_proto opcua_proto;

#endif /* ZW_OPCUA_H */
