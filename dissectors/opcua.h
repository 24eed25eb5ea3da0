/* opcua.h - OPC UA binary: connection protocol, secure channels, services (see opcua.c). */
#ifndef ZW_OPCUA_H
#define ZW_OPCUA_H

#include <stdint.h>

#include "dissectors/dis.h"

#define OPCUA_COUNTERS_PER_DIR 21 /* 7 message types x 3 chunk types */

#define OPCUA_CHANNELS 4        /* secure channels tracked per flow */
#define OPCUA_PENDING 16        /* outstanding service requests kept per flow */
#define OPCUA_PEND_COPIES 4     /* of which requests with a copy of their body */
#define OPCUA_PEND_COPY_BYTES 384 /* request body bytes kept in a copy */
#define OPCUA_ASM_BYTES 2048    /* message prefix reassembled from C chunks, per direction */
#define OPCUA_FOLDS 8           /* folded read-class services per flow */
#define OPCUA_NODE_STR 48       /* a node id rendered in a pending entry */
#define OPCUA_USER_BYTES 64     /* user name kept per channel */

/* A secure channel seen on the flow. */
struct opcua_channel {
	uint32_t id;       /* secure channel id */
	uint32_t token_id; /* current token, 0 if unknown */
	uint8_t in_use;
	uint8_t policy;    /* index into the policy names, see opcua.c */
	uint8_t mode;      /* enum in opcua.c: unknown, none, sign, sign_and_encrypt */
	uint8_t mode_src;  /* how mode was learnt: 0 not yet, 1 OPN body, 2 inferred */
	uint8_t identity;  /* identity token type of the last ActivateSession */
	uint8_t user_len;
	uint8_t user_cut;
	char user[OPCUA_USER_BYTES];
};

/* A service request waiting for its response. */
struct opcua_pending {
	uint64_t ts_us;
	uint32_t handle;     /* request handle */
	uint32_t request_id; /* sequence header request id */
	uint32_t count;      /* items in the request (nodes, methods, ...) */
	uint16_t svc;        /* service index + 1; 0: slot free */
	uint8_t dir;
	uint8_t chan;        /* channel slot + 1; 0 unknown */
	uint8_t copy;        /* copy index + 1; 0: folded, no copy */
	uint8_t node_len;    /* first node id of the request, rendered in
			      * opcua_state.pend_node[slot] */
	uint8_t node_numeric; /* or, when 1, a numeric one kept as node_ns and
			       * node_num and rendered only if an event needs it */
	uint16_t node_ns;
	uint32_t node_num;
};

struct opcua_copy {
	uint8_t in_use;
	uint8_t is_cut;      /* the body went on past the copy */
	uint16_t kept;        /* bytes of its buffer in opcua_state.copy_b */
};

/* Folded read-class services of one kind per flow. */
struct opcua_fold {
	uint64_t first_us, last_us;
	uint32_t requests, responses;
	uint16_t svc; /* service index + 1; 0: slot free */
	uint8_t chan;
};

/* The prefix of a message arriving in intermediate chunks. */
struct opcua_asm {
	uint64_t bytes;      /* message bytes so far (chunk sizes) */
	uint32_t request_id;
	uint32_t channel_id;
	uint32_t chunks;
	uint16_t len;        /* body bytes kept in b */
	uint8_t active;
	uint8_t cut;         /* more body than its buffer (opcua_state.as_b) holds */
};

/* What every message touches comes first (the capture engine prefetches
 * the first lines of a flow's dissector state): limits, chunk assembly,
 * the pending bitmap. */
struct opcua_state {
	/* limits negotiated by HEL/ACK for chunks and messages sent in each
	 * direction (0: no limit known) */
	uint32_t chunk_limit[2], msg_limit[2], chunks_limit[2];
	uint8_t opn_policy, opn_mode, opn_pending; /* last OPN request */
	uint8_t ch_evict; /* next channel slot to give way when all are taken */
	uint16_t pend_used;   /* bit i: pend[i] is in use (its svc is not 0) */
	uint64_t pend_min_us; /* no pending request is older: while the oldest
			       * cannot have timed out, nothing is scanned */
	struct opcua_asm as[2];
	struct opcua_channel ch[OPCUA_CHANNELS];
	struct opcua_pending pend[OPCUA_PENDING];
	struct opcua_copy copy[OPCUA_PEND_COPIES];
	struct opcua_fold fold[OPCUA_FOLDS];
	uint64_t enc_first_us, enc_last_us;
	uint32_t enc_msgs[2]; /* secured messages not decoded, folded */
	uint8_t enc_chan;
	uint32_t aborted_chunks;
	uint32_t truncated_bodies;
	/* Buffers last: they are not zeroed when the state is attached
	 * (dis_proto.state_zero), only ever read below their kept/len. */
	uint8_t copy_b[OPCUA_PEND_COPIES][OPCUA_PEND_COPY_BYTES];
	uint8_t as_b[2][OPCUA_ASM_BYTES];
	char pend_node[OPCUA_PENDING][OPCUA_NODE_STR]; /* read below node_len */
};

enum dis_probe_result opcua_probe(const uint8_t *buf, size_t len, int dir);

extern const struct dis_proto opcua_proto;

#endif /* ZW_OPCUA_H */
