/* dis_event.h - the event: what a dissector saw on the wire, as data.
 *
 * An event is a fixed-size record: the protocol, an action name (a static
 * snake_case string such as "read_holding_registers"), the function class the
 * policy speaks about, the direction, and a bounded list of typed fields.
 * Field keys are static strings; a dot in a key nests it in the output
 * ("device.vendor_name"). Strings are copied into the event's own arena, so an
 * event never points into packet or reassembly memory. When the arena or the
 * field list is full, further fields are dropped and DIS_EV_TRUNCATED is set.
 */
#ifndef ZW_DIS_EVENT_H
#define ZW_DIS_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define DIS_EV_MAX_FIELDS 32
#define DIS_EV_STR_BYTES 1536

enum dis_fclass {
	DIS_FC_READ,
	DIS_FC_WRITE,
	DIS_FC_PROGRAM,
	DIS_FC_CONTROL,
	DIS_FC_DIAGNOSTIC,
	DIS_FC_SESSION,
	DIS_FC_OTHER,
	DIS_FC__COUNT
};

enum dis_ftype { DIS_F_UINT, DIS_F_INT, DIS_F_BOOL, DIS_F_STR };

/* Event flags */
#define DIS_EV_RESPONSE 0x01  /* sent by the responder of the operation */
#define DIS_EV_TRUNCATED 0x02 /* a field or string did not fit */
#define DIS_EV_ANOMALY 0x04   /* protocol anomaly (malformed, gap, ...) */

struct dis_field {
	const char *key;
	uint8_t type;
	/* strlen(key) and where its leaf starts (just after the last dot, 0
	 * if none), recorded when the field is added so that neither the
	 * output nor the policy has to scan the key. key_len 0: not recorded
	 * (a key longer than 255 bytes), compute them. */
	uint8_t key_len, leaf_off;
	uint16_t str_off, str_len;
	union {
		uint64_t u;
		int64_t i;
	} v;
};

struct flow;
struct dis_proto;

struct dis_event {
	const struct dis_proto *proto;
	const struct flow *flow; /* valid while the event is being emitted */
	const char *action;      /* static string */
	uint64_t ts_us;          /* capture time of the packet that completed it */
	uint32_t count;          /* identical operations folded into this event (>= 1) */
	uint8_t dir;             /* 0 sent by the flow initiator, 1 by the responder */
	uint8_t fclass;          /* enum dis_fclass */
	uint8_t flags;
	uint8_t nfields;
	uint16_t str_used;
	struct dis_field f[DIS_EV_MAX_FIELDS];
	char str[DIS_EV_STR_BYTES];
};

/* The out-of-line adders, with the key's dis_key_meta(); call them through
 * the functions below. */
void dis_ev_uint_m(struct dis_event *ev, const char *key, unsigned meta, uint64_t v);
void dis_ev_int_m(struct dis_event *ev, const char *key, unsigned meta, int64_t v);
void dis_ev_bool_m(struct dis_event *ev, const char *key, unsigned meta, int v);
void dis_ev_str_m(struct dis_event *ev, const char *key, unsigned meta, const char *s, size_t len);

/* key_len | leaf_off << 8 of a key (0 if longer than 255 bytes). Inline: for
 * a literal key (nearly every caller) strlen and strrchr fold to constants. */
static inline unsigned dis_key_meta(const char *key)
{
	size_t kl = strlen(key);
	if (kl == 0 || kl > 255)
		return 0;
	const char *dot = strrchr(key, '.');
	return (unsigned)kl | (unsigned)(dot ? (size_t)(dot + 1 - key) : 0) << 8;
}

static inline void dis_ev_uint(struct dis_event *ev, const char *key, uint64_t v)
{
	dis_ev_uint_m(ev, key, dis_key_meta(key), v);
}

static inline void dis_ev_int(struct dis_event *ev, const char *key, int64_t v)
{
	dis_ev_int_m(ev, key, dis_key_meta(key), v);
}

static inline void dis_ev_bool(struct dis_event *ev, const char *key, int v)
{
	dis_ev_bool_m(ev, key, dis_key_meta(key), v);
}

/* Copies len bytes of s (not necessarily NUL-terminated, may hold any byte:
 * the output escapes it). Long strings are cut and flagged. */
static inline void dis_ev_str(struct dis_event *ev, const char *key, const char *s, size_t len)
{
	dis_ev_str_m(ev, key, dis_key_meta(key), s, len);
}

/* A NUL-terminated string; inline so that the length of a literal (most
 * callers pass one, or a name from a table) is known at compile time. */
static inline void dis_ev_cstr(struct dis_event *ev, const char *key, const char *s)
{
	dis_ev_str(ev, key, s, strlen(s));
}

/* The key length of a field, and where its leaf starts (0: no dot). */
static inline size_t dis_field_key_len(const struct dis_field *f)
{
	return f->key_len ? f->key_len : strlen(f->key);
}

static inline size_t dis_field_leaf_off(const struct dis_field *f)
{
	if (f->key_len)
		return f->leaf_off;
	const char *dot = strrchr(f->key, '.');
	return dot ? (size_t)(dot + 1 - f->key) : 0;
}

const char *dis_fclass_name(enum dis_fclass c);

#endif /* ZW_DIS_EVENT_H */
