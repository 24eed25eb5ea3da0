/* dis_event.c - building events field by field. */
#include "config.h"

#include "dissectors/dis_event.h"

#include <string.h>

static const char *const fclass_names[DIS_FC__COUNT] = {
	[DIS_FC_READ] = "read",		  [DIS_FC_WRITE] = "write",
	[DIS_FC_PROGRAM] = "program",	  [DIS_FC_CONTROL] = "control",
	[DIS_FC_DIAGNOSTIC] = "diagnostic", [DIS_FC_SESSION] = "session",
	[DIS_FC_OTHER] = "other",
};

const char *dis_fclass_name(enum dis_fclass c)
{
	return (unsigned)c < DIS_FC__COUNT ? fclass_names[c] : "other";
}

static inline struct dis_field *add(struct dis_event *ev, const char *key, unsigned meta,
				    uint8_t type)
{
	if (ev->nfields >= DIS_EV_MAX_FIELDS) {
		ev->flags |= DIS_EV_TRUNCATED;
		return NULL;
	}
	struct dis_field *f = &ev->f[ev->nfields++];
	f->key = key;
	f->type = type;
	f->key_len = (uint8_t)meta;
	f->leaf_off = (uint8_t)(meta >> 8);
	f->str_off = 0;
	f->str_len = 0;
	return f;
}

void dis_ev_uint_m(struct dis_event *ev, const char *key, unsigned meta, uint64_t v)
{
	struct dis_field *f = add(ev, key, meta, DIS_F_UINT);
	if (f)
		f->v.u = v;
}

void dis_ev_int_m(struct dis_event *ev, const char *key, unsigned meta, int64_t v)
{
	struct dis_field *f = add(ev, key, meta, DIS_F_INT);
	if (f)
		f->v.i = v;
}

void dis_ev_bool_m(struct dis_event *ev, const char *key, unsigned meta, int v)
{
	struct dis_field *f = add(ev, key, meta, DIS_F_BOOL);
	if (f)
		f->v.u = v != 0;
}

void dis_ev_str_m(struct dis_event *ev, const char *key, unsigned meta, const char *s, size_t len)
{
	struct dis_field *f = add(ev, key, meta, DIS_F_STR);
	if (!f)
		return;
	f->v.u = 0;
	size_t room = sizeof(ev->str) - ev->str_used;
	if (len > room) {
		len = room;
		ev->flags |= DIS_EV_TRUNCATED;
	}
	f->str_off = ev->str_used;
	f->str_len = (uint16_t)len;
	char *o = ev->str + ev->str_used;
	/* most strings are short: two overlapping fixed-size copies rather
	 * than a memcpy() call */
	if (len >= 8 && len <= 16) {
		memcpy(o, s, 8);
		memcpy(o + len - 8, s + len - 8, 8);
	} else if (len >= 4 && len < 8) {
		memcpy(o, s, 4);
		memcpy(o + len - 4, s + len - 4, 4);
	} else if (len > 16) {
		memcpy(o, s, len);
	} else if (len) {
		o[0] = s[0];
		o[len / 2] = s[len / 2];
		o[len - 1] = s[len - 1];
	}
	ev->str_used = (uint16_t)(ev->str_used + len);
}
