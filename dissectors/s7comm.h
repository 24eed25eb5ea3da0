/* s7comm.h - Siemens S7comm and S7comm-plus PDU decoding (see s7comm.c).
 *
 * tpkt.c frames TPKT/COTP and reassembles COTP data TPDUs into TSDUs; each
 * complete TSDU (or its first S7_TSDU_MAX bytes) is handed to s7_tsdu(),
 * which decodes the S7comm (protocol id 0x32) or S7comm-plus (0x72) PDU,
 * pairs requests with responses and emits the events. Its per-flow state is
 * embedded in struct tpkt_state.
 */
#ifndef ZW_S7COMM_H
#define ZW_S7COMM_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/dis.h"

#define S7_TSDU_MAX 1024      /* TSDU bytes decoded; S7-300/400 PDU size is <= 960 */
#define S7_PENDING 16         /* outstanding requests kept per flow */
#define S7_PEND_COPY 160      /* request bytes kept per pending entry */
#define S7_FOLDS 8            /* folded read kinds per flow */
#define S7_SZL_REC_MAX 64     /* largest SZL record we decode across fragments */
#define S7_IDENT_STR 34       /* identity strings: SZL 0x001c text is 32 bytes */

/* A request waiting for its response: S7comm job or userdata request
 * (keyed by PDU reference), S7comm-plus request (keyed by sequence number). */
struct s7_pending {
	uint64_t ts_us;
	uint16_t ref;      /* PDU reference or S7comm-plus sequence number */
	uint8_t kind;      /* 0 free, 1 job, 7 userdata, 0x72 S7comm-plus */
	uint8_t dir;       /* direction of the request */
	uint8_t folded;    /* a folded read: no event of its own */
	uint8_t truncated; /* the request was longer than the copy */
	uint16_t func;     /* job function, userdata group << 8 | subfunction, S7+ function */
	uint16_t len;      /* bytes of the request in s7_state.pend_b[slot] */
};

/* Folded reads of one kind, both directions. */
struct s7_fold {
	uint64_t first_us, last_us;
	uint32_t requests, responses;
	const char *action; /* NULL: slot free */
	uint32_t key;       /* function or group/subfunction, and protocol */
	uint8_t proto;      /* 0 S7comm, 1 S7comm-plus */
	uint8_t dir;        /* of the requests; of the pushes when there are none */
};

/* The module identity collected from SZL 0x0011/0x001c answers, which may
 * span several userdata fragments. */
struct s7_ident {
	char order_number[S7_IDENT_STR];
	char firmware[S7_IDENT_STR];
	char hardware[S7_IDENT_STR];
	char system_name[S7_IDENT_STR];
	char module_name[S7_IDENT_STR];
	char plant_id[S7_IDENT_STR];
	char serial_number[S7_IDENT_STR];
	char module_type[S7_IDENT_STR];
	char copyright[S7_IDENT_STR];
	uint16_t module_type_id;
	uint8_t have;   /* new fields since the last identity event */
	uint8_t dir;
	uint64_t ts_us;
};

/* SZL records being read across userdata fragments (one list at a time). */
struct s7_szl {
	uint16_t id, index;
	uint16_t rec_len, n_left; /* record length, records still to come */
	uint16_t part_len;        /* bytes of the current record in part[] */
	uint8_t active;
	uint8_t part[S7_SZL_REC_MAX];
};

/* What every PDU touches comes first: the capture engine prefetches the
 * first lines of a flow's dissector state. */
struct s7_state {
	uint16_t pend_used;   /* bit i: pend[i] is in use (its kind is not 0) */
	uint16_t pdu_size;           /* negotiated by setup communication */
	uint8_t plus_continuing[2];  /* an S7comm-plus PDU goes on in the next TSDU */
	uint64_t pend_min_us; /* no pending request is older: while the oldest
			       * cannot have timed out, nothing is scanned */
	struct s7_pending pend[S7_PENDING];
	struct s7_fold fold[S7_FOLDS];
	struct s7_ident ident;
	struct s7_szl szl;
	/* The requests' bytes, apart from their entries so that a table scan
	 * touches a few cache lines, and last so that they need not be zeroed
	 * when the state is attached: only ever read below s7_pending.len. */
	uint8_t pend_b[S7_PENDING][S7_PEND_COPY];
};

/* Counter layout per direction (after tpkt's own, see tpkt.h). */
#define S7_UD_GROUPS 16
#define S7_UD_SUBS 32           /* subfunctions 0..30; 31 counts the others */
#define S7_PLUS_FUNCS 24        /* known S7comm-plus functions + unknown */

/* One complete TSDU (at most S7_TSDU_MAX bytes of it; is_cut: there was
 * more) from direction dir. Emits events, bumps the counters of base. */
void s7_tsdu(struct s7_state *s, struct dis_ctx *ctx, int dir, const uint8_t *buf, size_t len,
	     int is_cut, unsigned counter_base);
/* Flow end: unanswered requests, folds and a pending identity. */
void s7_close(struct s7_state *s, struct dis_ctx *ctx);
/* A gap: fragments in progress are abandoned. */
void s7_gap(struct s7_state *s, int dir);
/* Counter names for the S7 part of tpkt's counter table (idx relative to
 * the S7 block of one direction); 0 or -1 as dis_proto.counter_name. */
int s7_counter_name(unsigned idx, char *buf, size_t len);
const char *s7_job_func_name(unsigned f);

/* S7 counters, relative to the S7 block of one direction. */
enum {
	S7_C_ACKD_FUNC = 0,                               /* + ack-data function */
	S7_C_UD = S7_C_ACKD_FUNC + 256,                   /* + group * S7_UD_SUBS + sub */
	S7_C_PLUS_REQ = S7_C_UD + S7_UD_GROUPS * S7_UD_SUBS, /* + S7+ request function idx */
	S7_C_PLUS_RES = S7_C_PLUS_REQ + S7_PLUS_FUNCS,    /* + S7+ response function idx */
	S7_C_PLUS_NOTIFICATION = S7_C_PLUS_RES + S7_PLUS_FUNCS,
	S7_C_PLUS_OTHER_OPCODE,
	S7_C_PLUS_FRAGMENT,  /* S7comm-plus continuation fragments */
	S7_C_PLUS_V1, S7_C_PLUS_V2, S7_C_PLUS_V3, S7_C_PLUS_SYSEVENT, S7_C_PLUS_VOTHER,
	S7_C_PLC_START,      /* PI service P_PROGRAM jobs */
	S7_C_UD_FRAGMENT,    /* userdata with "last data unit: no" */
	S7_C_PLUS_RESPONSE2, /* S7comm-plus responses with opcode 0x02 (also in PLUS_RES) */
	S7_C__COUNT
};

/* S7 counters of the flow as a whole, after both directions' blocks. */
enum {
	S7_G_PENDING_EVICTED,   /* table full: the oldest request emitted as unanswered */
	S7_G_PENDING_TIMED_OUT, /* request unanswered after S7_PENDING_TIMEOUT_US */
	S7_G_FOLD_EVICTED,      /* fold table full: the oldest fold emitted early */
	S7_G_UNMATCHED,         /* responses without a request */
	S7_G_TRUNCATED,         /* TSDU longer than S7_TSDU_MAX: decoded from its start */
	S7_G__COUNT
};
/* Names of the flow-wide counters (idx relative to their block). */
int s7_global_counter_name(unsigned idx, char *buf, size_t len);

extern const struct dis_proto s7_event_proto;
extern const struct dis_proto s7_plus_event_proto;

#endif /* ZW_S7COMM_H */
