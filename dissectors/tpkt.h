/* tpkt.h - TPKT/COTP framing, ISO transport over TCP (see tpkt.c). */
#ifndef ZW_TPKT_H
#define ZW_TPKT_H

#include <stdint.h>

#include "dissectors/dis.h"
#include "dissectors/s7comm.h"

/* Counter layout per direction. */
enum {
	TPKT_C_DT = 0,          /* COTP data TPDUs */
	TPKT_C_OTHER_TPDU = 1,  /* other COTP TPDU types (ED, AK, ER, ...) */
	TPKT_C_S7COMM = 2,      /* TSDUs starting with S7comm 0x32 */
	TPKT_C_S7COMMP = 3,     /* S7comm-plus 0x72 */
	TPKT_C_OTHER = 4,       /* anything else (e.g. MMS over ISO session) */
	TPKT_C_ROSCTR = 5,      /* + S7comm ROSCTR 0..7 */
	TPKT_C_JOB_FUNC = 13,   /* + S7comm job function code 0..255 */
	TPKT_C_DT_FRAGMENTED = 13 + 256, /* TSDUs reassembled from several DT TPDUs */
	TPKT_C_S7 = 13 + 256 + 1, /* + S7 counters (s7comm.h S7_C_*) */
	TPKT_COUNTERS_PER_DIR = TPKT_C_S7 + S7_C__COUNT,
	TPKT_C_S7_GLOBAL = 2 * TPKT_COUNTERS_PER_DIR, /* + S7_G_* */
	TPKT_N_COUNTERS = TPKT_C_S7_GLOBAL + S7_G__COUNT
};

struct tpkt_state {
	uint8_t continuing[2]; /* last DT had EOT clear: the TSDU continues */
	uint8_t frag_cut[2];   /* the TSDU being reassembled outgrew frag[] */
	uint16_t frag_len[2];  /* bytes of it in frag[] */
	struct s7_state s7;           /* ends with its request copies, s7.pend_b */
	/* From s7.pend_b on, buffers only read below their fill level: not
	 * zeroed when the state is attached (dis_proto.state_zero). */
	uint8_t frag[2][S7_TSDU_MAX]; /* COTP DT reassembly, per direction */
};

enum dis_probe_result tpkt_probe(const uint8_t *buf, size_t len, int dir);

extern const struct dis_proto tpkt_proto;

#endif /* ZW_TPKT_H */
