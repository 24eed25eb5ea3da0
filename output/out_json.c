/* out_json.c - events, flow records and metrics as JSON lines (json-c).
 *
 * Field names follow the Elastic Common Schema where it has one
 * (@timestamp, event.*, source.*, destination.*, network.*, observer.name);
 * the rest lives under "zonewatch" and protocol fields under an object named
 * after the protocol ("modbus"). docs/schema.md documents every field.
 */
#include "config.h"

#include "output/out_json.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>

#include "capture/dec.h"
#include "dissectors/dis_ndpi.h"
#include "output/log.h"
#include "output/out_jw.h"
#include "output/out_sink.h"
#include "rules/rule.h"
#include "rules/rule_run.h"

#define OUT_FILE_BUFFER (1u << 18)

/* Records are written by the main thread only (the syslog sender threads
 * have their own buffers), so the stream lock fwrite() takes per record
 * is not needed where the unlocked form exists. */
#ifdef HAVE_FWRITE_UNLOCKED
#define record_write fwrite_unlocked
#else
#define record_write fwrite
#endif

/* The text of each IPv4 octet value and a dot ("7.", "42.", "255."), padded
 * to 4 bytes, and its length: an octet is one 4-byte copy. */
static struct {
	char txt[4];
} octet_txt[256];
static uint8_t octet_len[256];

static void octet_init(void)
{
	if (octet_len[0])
		return;
	for (unsigned v = 0; v < 256; v++) {
		char *t = octet_txt[v].txt;
		unsigned n = 0;
		if (v >= 100)
			t[n++] = (char)('0' + v / 100);
		if (v >= 10)
			t[n++] = (char)('0' + v / 10 % 10);
		t[n++] = (char)('0' + v % 10);
		t[n++] = '.';
		while (n < 4)
			t[n++] = '\0';
		octet_len[v] = (uint8_t)(v >= 100 ? 4 : v >= 10 ? 3 : 2);
	}
}

int out_json_open(struct out_json *o, const char *path, unsigned what, char *errbuf, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	jw_init(&o->w);
	octet_init();
	o->what = what;
	if (!path || strcmp(path, "-") == 0) {
		o->fp = stdout;
		/* A pipe or a file gets the same large buffer as a named file
		 * (glibc's default is 4 KiB); a terminal stays line-buffered.
		 * Static: standard output outlives this writer. */
		static char stdout_buf[OUT_FILE_BUFFER];
		static int stdout_set;
		if (!stdout_set && !isatty(STDOUT_FILENO)) {
			stdout_set = 1;
			setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
		}
	} else {
		o->fp = fopen(path, "w");
		if (!o->fp) {
			snprintf(errbuf, errlen, "cannot open JSON output %s: %s", path, strerror(errno));
			return -1;
		}
		o->own_fp = 1;
		/* Our own buffer: with a NULL one glibc ignores the size and
		 * uses st_blksize (4 KiB), a write(2) every few records. */
		o->iobuf = malloc(OUT_FILE_BUFFER);
		setvbuf(o->fp, o->iobuf, _IOFBF, OUT_FILE_BUFFER);
		o->path = strdup(path);
		if (!o->path) {
			fclose(o->fp);
			o->fp = NULL;
			free(o->iobuf);
			o->iobuf = NULL;
			snprintf(errbuf, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* Closes the current file and opens path with mode; keeps the old stream if
 * the new one cannot be opened. */
static int swap_file(struct out_json *o, const char *mode, char *errbuf, size_t errlen)
{
	if (fflush(o->fp) != 0)
		o->write_errors++;
	FILE *nf = fopen(o->path, mode);
	if (!nf) {
		snprintf(errbuf, errlen, "cannot reopen JSON output %s: %s", o->path, strerror(errno));
		return -1;
	}
	if (fclose(o->fp) != 0)
		o->write_errors++;
	o->fp = nf;
	setvbuf(o->fp, o->iobuf, _IOFBF, OUT_FILE_BUFFER);
	struct stat st;
	o->bytes = fstat(fileno(nf), &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

int out_json_reopen(struct out_json *o, char *errbuf, size_t errlen)
{
	if (!o->own_fp || !o->fp || !o->path)
		return 0;
	if (swap_file(o, "a", errbuf, errlen) < 0)
		return -1;
	o->reopens++;
	return 0;
}

/* path.keep-1 -> path.keep, ..., path -> path.1, then a new path. */
static void rotate(struct out_json *o)
{
	char from[4096], to[4096], err[256];
	for (unsigned i = o->keep; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", o->path);
		else
			snprintf(from, sizeof(from), "%s.%u", o->path, i - 1);
		snprintf(to, sizeof(to), "%s.%u", o->path, i);
		if (rename(from, to) != 0 && errno != ENOENT)
			log_msg(LOG_WARNING, "JSON rotation: cannot rename %s: %s", from, strerror(errno));
	}
	if (o->keep == 0 && remove(o->path) != 0)
		log_msg(LOG_WARNING, "JSON rotation: cannot remove %s: %s", o->path, strerror(errno));
	if (swap_file(o, "w", err, sizeof(err)) < 0) {
		log_msg(LOG_WARNING, "%s", err);
		return;
	}
	o->rotations++;
}

static void account(struct out_json *o, size_t n)
{
	o->bytes += n + 1;
	if (o->max_bytes && o->path && o->bytes >= o->max_bytes)
		rotate(o);
}

int out_json_flush(struct out_json *o)
{
	if (!o->fp)
		return 0;
	if (fflush(o->fp) != 0) {
		o->write_errors++;
		return -1;
	}
	return 0;
}

int out_json_close(struct out_json *o)
{
	int rc = 0;
	if (!o->fp)
		return 0;
	if (fflush(o->fp) != 0 || ferror(o->fp))
		rc = -1;
	if (o->own_fp && fclose(o->fp) != 0)
		rc = -1;
	o->fp = NULL;
	free(o->iobuf);
	o->iobuf = NULL;
	jw_free(&o->w);
	free(o->path);
	o->path = NULL;
	if (o->write_errors)
		rc = -1;
	return rc;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian), after
 * Howard Hinnant's days_from_civil inverse; no locale, no libc calls. */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static char *put_digits(char *o, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		o[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return o + n;
}

void out_time_str(uint64_t ts_us, char *buf, size_t len)
{
	if (len < 28) {
		if (len)
			buf[0] = '\0';
		return;
	}
	uint64_t sec = ts_us / 1000000u;
	unsigned us = (unsigned)(ts_us % 1000000u);
	unsigned sod = (unsigned)(sec % 86400u);
	int y;
	unsigned m, d;
	civil_from_days((int64_t)(sec / 86400u), &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 9999; /* not a capture time: keep the format */
	char *o = buf;
	o = put_digits(o, (unsigned)y, 4);
	*o++ = '-';
	o = put_digits(o, m, 2);
	*o++ = '-';
	o = put_digits(o, d, 2);
	*o++ = 'T';
	o = put_digits(o, sod / 3600, 2);
	*o++ = ':';
	o = put_digits(o, sod / 60 % 60, 2);
	*o++ = ':';
	o = put_digits(o, sod % 60, 2);
	*o++ = '.';
	o = put_digits(o, us, 6);
	*o++ = 'Z';
	*o = '\0';
}

/* The 27 bytes of out_time_str() at p. The part up to the second changes
 * once a second, so it is kept in o->ts_cache and only the microseconds are
 * formatted per record. */
static char *put_time(struct out_json *o, char *p, uint64_t ts_us)
{
	uint64_t sec = ts_us / 1000000u;
	unsigned us = (unsigned)(ts_us % 1000000u);
	unsigned slot = (unsigned)(sec % 4);
	if (o->ts_cache[slot].key != sec + 1) {
		char full[40];
		out_time_str(ts_us, full, sizeof(full));
		memcpy(o->ts_cache[slot].head, full, sizeof(o->ts_cache[slot].head));
		o->ts_cache[slot].key = sec + 1;
	}
	p = jw_cpy(p, o->ts_cache[slot].head, sizeof(o->ts_cache[slot].head));
	memcpy(p, jw_digit_pairs + 2 * (us / 10000), 2);
	memcpy(p + 2, jw_digit_pairs + 2 * (us / 100 % 100), 2);
	memcpy(p + 4, jw_digit_pairs + 2 * (us % 100), 2);
	p[6] = 'Z';
	return p + 7;
}

static void emit(struct out_json *o, json_object *root)
{
	size_t n;
	const char *s = json_object_to_json_string_length(
		root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (fwrite(s, 1, n, o->fp) != n || fputc('\n', o->fp) == EOF)
		o->write_errors++;
	else
		o->records++;
	json_object_put(root);
	account(o, n);
}

static void finish_record(struct out_json *o)
{
	struct jw *w = &o->w;
	if (w->oom) {
		o->write_errors++;
		return;
	}
	/* The newline goes into the buffer so that a record is one fwrite()
	 * (each stdio call takes the stream lock). */
	size_t n = w->len;
	if (!jw_room(w, 1)) {
		o->write_errors++;
		return;
	}
	w->buf[n] = '\n';
	if (record_write(w->buf, 1, n + 1, o->fp) != n + 1)
		o->write_errors++;
	else
		o->records++;
	account(o, n);
}

static void begin_record(struct jw *w, const char *observer, uint64_t ts_us)
{
	char ts[40];
	out_time_str(ts_us, ts, sizeof(ts));
	jw_reset(w);
	jw_obj_open(w, NULL);
	jw_name(w, "@timestamp", ts);
	if (observer) {
		jw_obj_open(w, "observer");
		jw_str(w, "name", observer);
		jw_obj_close(w);
	}
}

/* begin_record() for our own records, with the cached time. */
static void add_common(struct out_json *o, uint64_t ts_us)
{
	struct jw *w = &o->w;
	jw_reset(w);
	jw_obj_open(w, NULL);
	char *p = jw_raw_begin(w, 64);
	if (!p)
		return;
	p = jw_cpy(p, JW_LIT("\"@timestamp\":\""));
	p = put_time(o, p, ts_us);
	*p++ = '"';
	jw_raw_end(w, p);
	if (o->observer) {
		jw_obj_open(w, "observer");
		jw_str(w, "name", o->observer);
		jw_obj_close(w);
	}
}

/* The address as dec_addr_str() gives it, at p (room for 64 bytes). IPv4,
 * nearly every address, is formatted in place. */
static inline char *put_addr(char *p, const uint8_t addr[16], int ip_ver)
{
	if (ip_ver != 4) {
		char ip[64];
		dec_addr_str(addr, ip_ver, ip, sizeof(ip));
		return jw_cpy(p, ip, strlen(ip));
	}
	for (int i = 12; i < 16; i++) {
		unsigned v = addr[i];
		memcpy(p, octet_txt[v].txt, 4);
		p += octet_len[v];
	}
	return p - 1;
}

/* Room put_endpoint() needs, and put_vlan(). */
#define ENDPOINT_ROOM 192
#define VLAN_ROOM 32

/* The endpoint object as hand-built text at p: pre is ,"name":{"ip":" */
/* Inlined so that the prefix is copied with its length known. */
static inline __attribute__((always_inline)) char *
put_endpoint(char *p, const char *pre, size_t pre_len, const struct flow *f, int dir, int with_counts)
{
	p = jw_cpy(p, pre, pre_len);
	p = put_addr(p, flow_addr(f, dir), f->key.ip_ver);
	p = jw_cpy(p, JW_LIT("\",\"port\":"));
	p = jw_utoa(p, flow_port(f, dir));
	if (with_counts) {
		p = jw_cpy(p, JW_LIT(",\"packets\":"));
		p = jw_utoa(p, f->pkts[dir]);
		p = jw_cpy(p, JW_LIT(",\"bytes\":"));
		p = jw_utoa(p, f->bytes[dir]);
	}
	*p++ = '}';
	return p;
}

/* add_vlan() as hand-built text. */
static char *put_vlan(char *p, const struct flow *f)
{
	if (!f->key.vlan_id)
		return p;
	p = jw_cpy(p, JW_LIT(",\"vlan\":{\"id\":"));
	p = jw_utoa(p, f->key.vlan_id);
	*p++ = '}';
	return p;
}

/* transport_name() as hand-built text. */
static char *put_transport(char *p, uint8_t proto)
{
	if (proto == 6)
		return jw_cpy(p, JW_LIT("tcp"));
	if (proto == 17)
		return jw_cpy(p, JW_LIT("udp"));
	return jw_cpy(p, JW_LIT("other"));
}

static const char *transport_name(uint8_t proto)
{
	return proto == 6 ? "tcp" : proto == 17 ? "udp" : "other";
}

static void add_vlan(struct jw *w, const struct flow *f)
{
	if (!f->key.vlan_id)
		return;
	jw_obj_open(w, "vlan");
	jw_u64(w, "id", f->key.vlan_id);
	jw_obj_close(w);
}

/* Number of whole dotted segments a and b (prefixes of la and lb bytes)
 * share: ("items.0", "items.1") -> 1. */
static int common_segments(const char *a, size_t la, const char *b, size_t lb)
{
	int segs = 0;
	size_t i = 0;
	for (;;) {
		int a_end = i == la || a[i] == '.', b_end = i == lb || b[i] == '.';
		if (a_end && b_end) {
			segs++;
			if (i == la || i == lb)
				return segs;
		} else if (a_end || b_end || a[i] != b[i]) {
			return segs;
		}
		i++;
	}
}

/* Writes the event's fields under the protocol object, opening and closing
 * nested objects as the dotted prefixes of consecutive keys change (fields
 * sharing a prefix are added consecutively by the dissectors). Only the
 * segments that differ are closed, so "items.0.x" then "items.1.x" stay in
 * one "items" object. */
static void add_fields(struct jw *w, const struct dis_event *ev)
{
	const char *open_path = "";
	size_t open_len = 0;
	int open_depth = 0;

	for (unsigned i = 0; i < ev->nfields; i++) {
		const struct dis_field *fl = &ev->f[i];
		/* The key and prefix lengths were recorded when the field was
		 * added: the leaf follows, and prefixes compare with memcmp. */
		size_t kl = dis_field_key_len(fl);
		size_t lo = dis_field_leaf_off(fl);
		size_t pl = lo ? lo - 1 : 0;
		if (pl != open_len || (pl && memcmp(fl->key, open_path, pl) != 0)) {
			int keep = open_len && pl ? common_segments(open_path, open_len, fl->key, pl) : 0;
			while (open_depth > keep) {
				jw_obj_close(w);
				open_depth--;
			}
			const char *p = fl->key;
			const char *end = fl->key + pl;
			for (int k = 0; k < keep && p < end; k++) {
				const char *d = memchr(p, '.', (size_t)(end - p));
				p = d ? d + 1 : end;
			}
			while (p < end) {
				const char *d = memchr(p, '.', (size_t)(end - p));
				if (!d)
					d = end;
				size_t n = (size_t)(d - p);
				if (n > 63)
					n = 63; /* the longest segment name ever written */
				jw_open_n(w, p, n, '{');
				open_depth++;
				p = d < end ? d + 1 : end;
			}
			open_path = fl->key;
			open_len = pl;
		}
		/* The member by hand: one room check for key and value. */
		const char *leaf = fl->key + lo;
		size_t ll = (size_t)(fl->key + kl - leaf);
		char *p = jw_raw_begin(w, ll + 32);
		if (!p)
			break;
		if (!w->first[w->depth])
			*p++ = ',';
		*p++ = '"';
		p = jw_cpy_short(p, leaf, ll);
		*p++ = '"';
		*p++ = ':';
		switch (fl->type) {
		case DIS_F_UINT: p = jw_utoa(p, fl->v.u); break;
		case DIS_F_INT:
			if (fl->v.i < 0) {
				*p++ = '-';
				p = jw_utoa(p, (uint64_t)0 - (uint64_t)fl->v.i);
			} else {
				p = jw_utoa(p, (uint64_t)fl->v.i);
			}
			break;
		case DIS_F_BOOL:
			if (fl->v.u)
				p = jw_cpy(p, JW_LIT("true"));
			else
				p = jw_cpy(p, JW_LIT("false"));
			break;
		default:
			jw_raw_end(w, p);
			jw_quoted(w, ev->str + fl->str_off, fl->str_len, 1);
			continue;
		}
		jw_raw_end(w, p);
	}
	while (open_depth-- > 0)
		jw_obj_close(w);
}

void out_json_event(struct out_json *o, const struct dis_event *ev)
{
	if (!(o->what & OUT_JSON_EVENTS) || !o->fp)
		return;
	const struct flow *f = ev->flow;
	const char *proto = ev->proto ? ev->proto->name : "unknown";
	/* dis_fclass_name() with its length */
	static const struct {
		const char *s;
		size_t n;
	} fclass_names[DIS_FC__COUNT + 1] = {
		[DIS_FC_READ] = { JW_LIT("read") },	  [DIS_FC_WRITE] = { JW_LIT("write") },
		[DIS_FC_PROGRAM] = { JW_LIT("program") }, [DIS_FC_CONTROL] = { JW_LIT("control") },
		[DIS_FC_DIAGNOSTIC] = { JW_LIT("diagnostic") },
		[DIS_FC_SESSION] = { JW_LIT("session") }, [DIS_FC_OTHER] = { JW_LIT("other") },
		[DIS_FC__COUNT] = { JW_LIT("other") },
	};
	unsigned fci = ev->fclass < DIS_FC__COUNT ? ev->fclass : DIS_FC__COUNT;
	const char *fclass = fclass_names[fci].s;
	size_t al = strlen(ev->action), pl = strlen(proto), fl = fclass_names[fci].n;
	struct jw *w = &o->w;
	add_common(o, ev->ts_us);

	/* Everything up to the protocol object has a fixed layout: it is
	 * written by hand (jw_raw_begin()), byte for byte what the jw_
	 * member calls gave (tests/regress compares), at a fraction of the
	 * cost: no comma bookkeeping, no strlen, one room check per part. */
	char *p = jw_raw_begin(w, 128 + al);
	if (!p)
		goto out;
	p = jw_cpy(p, JW_LIT(",\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":"));
	if (ev->flags & DIS_EV_ANOMALY)
		p = jw_cpy(p, JW_LIT("[\"info\"]"));
	else
		p = jw_cpy(p, JW_LIT("[\"protocol\"]"));
	p = jw_cpy(p, JW_LIT(",\"action\":\""));
	p = jw_cpy(p, ev->action, al);
	p = jw_cpy(p, JW_LIT("\",\"dataset\":\"zonewatch."));
	/* The name escaped: a name that jw_escape() once copied as it was
	 * (same length: every escape is longer than its byte) is remembered
	 * by address and copied directly after that. */
	const char **cn = &o->clean_names[((uintptr_t)proto >> 4) % 8];
	if (*cn == proto) {
		jw_raw_end(w, p);
		p = jw_raw_begin(w, 256 + 2 * ENDPOINT_ROOM + VLAN_ROOM + 2 * pl + fl);
		if (!p)
			goto out;
		p = jw_cpy(p, proto, pl);
	} else {
		jw_raw_end(w, p);
		size_t before = w->len;
		jw_escape(w, proto, pl, 0);
		if (w->len - before == pl)
			*cn = proto;
		p = jw_raw_begin(w, 256 + 2 * ENDPOINT_ROOM + VLAN_ROOM + pl + fl);
		if (!p)
			goto out;
	}
	p = jw_cpy(p, JW_LIT("\"}"));
	p = put_endpoint(p, JW_LIT(",\"source\":{\"ip\":\""), f, 0, 0);
	p = put_endpoint(p, JW_LIT(",\"destination\":{\"ip\":\""), f, 1, 0);
	p = jw_cpy(p, JW_LIT(",\"network\":{\"transport\":\""));
	p = put_transport(p, f->key.l4_proto);
	p = jw_cpy(p, JW_LIT("\",\"protocol\":\""));
	p = jw_cpy(p, proto, pl);
	*p++ = '"';
	p = put_vlan(p, f);
	p = jw_cpy(p, JW_LIT("},\"zonewatch\":{\"flow_id\":"));
	p = jw_utoa(p, f->id);
	if (ev->dir)
		p = jw_cpy(p, JW_LIT(",\"direction\":\"to_initiator\",\"function_class\":\""));
	else
		p = jw_cpy(p, JW_LIT(",\"direction\":\"to_responder\",\"function_class\":\""));
	p = jw_cpy(p, fclass, fl);
	*p++ = '"';
	if (ev->count > 1) {
		p = jw_cpy(p, JW_LIT(",\"count\":"));
		p = jw_utoa(p, ev->count);
	}
	if (ev->flags & DIS_EV_ANOMALY)
		p = jw_cpy(p, JW_LIT(",\"anomaly\":true"));
	if (ev->flags & DIS_EV_TRUNCATED)
		p = jw_cpy(p, JW_LIT(",\"truncated\":true"));
	*p++ = '}';
	jw_raw_end(w, p);

	jw_open_n(w, proto, pl, '{');
	add_fields(w, ev);
	jw_obj_close(w);
	jw_obj_close(w);
out:
	finish_record(o);
}

static void add_geo(struct jw *w, const struct rule_geo *g)
{
	if (!g->valid)
		return;
	if (g->country[0]) {
		jw_obj_open(w, "geo");
		jw_str(w, "country_iso_code", g->country);
		jw_obj_close(w);
	}
	if (g->asn) {
		jw_obj_open(w, "as");
		jw_u64(w, "number", g->asn);
		if (g->as_org[0]) {
			jw_obj_open(w, "organization");
			jw_str_wire(w, "name", g->as_org, strlen(g->as_org));
			jw_obj_close(w);
		}
		jw_obj_close(w);
	}
}

static void add_alert_endpoint(struct jw *w, const char *name, const struct rule_alert *a, int dir)
{
	const struct flow *f = a->flow;
	char ip[64];
	dec_addr_str(flow_addr(f, dir), f->key.ip_ver, ip, sizeof(ip));
	jw_obj_open(w, name);
	jw_name(w, "ip", ip);
	jw_u64(w, "port", flow_port(f, dir));
	if (a->phase == RULE_ALERT_END) {
		jw_u64(w, "packets", f->pkts[dir]);
		jw_u64(w, "bytes", f->bytes[dir]);
	}
	add_geo(w, &a->geo[dir]);
	jw_obj_close(w);
}

static const char *const phase_names[] = { "first", "repeat", "end" };

void out_alert_render(struct jw *w, const struct rule_alert *a, const char *observer)
{
	char t1[40], t2[40];
	const struct flow *f = a->flow;
	const struct dis_event *ev = a->ev;
	begin_record(w, observer, a->ts_us);

	jw_obj_open(w, "event");
	jw_name(w, "kind", "alert");
	jw_arr_open(w, "category");
	jw_name(w, NULL, "network");
	jw_name(w, NULL, "intrusion_detection");
	jw_arr_close(w);
	jw_name(w, "action", rule_kind_name(a->kind));
	jw_name(w, "dataset", "zonewatch.alert");
	jw_u64(w, "severity", (uint64_t)a->severity + 1);
	jw_u64(w, "count", a->count);
	out_time_str(a->first_us, t1, sizeof(t1));
	out_time_str(a->last_us, t2, sizeof(t2));
	jw_name(w, "start", t1);
	jw_name(w, "end", t2);
	if (a->phase == RULE_ALERT_END && f)
		jw_u64(w, "duration", (f->last_us - f->first_us) * 1000);
	if (a->outcome)
		jw_str(w, "outcome", a->outcome);
	jw_obj_close(w);

	jw_obj_open(w, "rule");
	jw_name(w, "id", rule_kind_id(a->kind));
	jw_name(w, "name", rule_kind_name(a->kind));
	if (a->policy_name)
		jw_str(w, "ruleset", a->policy_name);
	jw_obj_close(w);
	jw_str(w, "message", a->message);

	if (f) {
		add_alert_endpoint(w, "source", a, 0);
		add_alert_endpoint(w, "destination", a, 1);
		jw_obj_open(w, "network");
		jw_name(w, "transport", transport_name(f->key.l4_proto));
		if (a->protocol)
			jw_str(w, "protocol", a->protocol);
		add_vlan(w, f);
		jw_obj_close(w);
	}

	jw_obj_open(w, "zonewatch");
	if (f)
		jw_u64(w, "flow_id", f->id);
	jw_name(w, "severity", rule_sev_name((enum rule_sev)a->severity));
	jw_name(w, "phase", phase_names[a->phase < 3 ? a->phase : 0]);
	if (a->zone[0] || a->zone[1]) {
		jw_obj_open(w, "zone");
		if (a->zone[0])
			jw_str(w, "source", a->zone[0]);
		if (a->zone[1])
			jw_str(w, "destination", a->zone[1]);
		jw_obj_close(w);
	}
	if (a->asset[0] || a->asset[1]) {
		jw_obj_open(w, "asset");
		if (a->asset[0])
			jw_str(w, "source", a->asset[0]);
		if (a->asset[1])
			jw_str(w, "destination", a->asset[1]);
		jw_obj_close(w);
	}
	if (a->conduit)
		jw_str(w, "conduit", a->conduit);
	if (a->policy_rule)
		jw_str(w, "policy_rule", a->policy_rule);
	jw_str(w, "seen", a->seen);
	jw_str(w, "allowed", a->allowed);
	if (a->session) {
		const struct rule_session *ss = a->session;
		jw_obj_open(w, "session");
		if (ss->protocol)
			jw_str(w, "protocol", ss->protocol);
		if (ss->initiated_by)
			jw_str(w, "initiated_by", ss->initiated_by);
		if (ss->zone_entered)
			jw_str(w, "zone_entered", ss->zone_entered);
		if (ss->approved_by)
			jw_str(w, "approved_by", ss->approved_by);
		if (ss->user[0])
			jw_str_wire(w, "user", ss->user, strlen(ss->user));
		if (ss->client_software[0])
			jw_str_wire(w, "client_software", ss->client_software, strlen(ss->client_software));
		if (ss->server_software[0])
			jw_str_wire(w, "server_software", ss->server_software, strlen(ss->server_software));
		if (ss->security[0])
			jw_str_wire(w, "security", ss->security, strlen(ss->security));
		if (ss->nactivity) {
			jw_arr_open(w, "activity");
			for (unsigned i = 0; i < ss->nactivity; i++) {
				const struct rule_session_activity *ac = &ss->activity[i];
				jw_obj_open(w, NULL);
				jw_str(w, "protocol", ac->protocol);
				jw_str(w, "action", ac->action);
				jw_name(w, "function_class", dis_fclass_name((enum dis_fclass)ac->fclass));
				jw_str(w, "target", ac->target);
				jw_u64(w, "count", ac->count);
				jw_obj_close(w);
			}
			jw_arr_close(w);
		}
		if (ss->activity_dropped)
			jw_u64(w, "activity_dropped", ss->activity_dropped);
		jw_str(w, "summary", ss->summary);
		jw_obj_close(w);
	}
	if (ev) {
		const char *proto = ev->proto ? ev->proto->name : "unknown";
		jw_obj_open(w, "operation");
		jw_name(w, "protocol", proto);
		jw_name(w, "action", ev->action);
		jw_name(w, "function_class", dis_fclass_name((enum dis_fclass)ev->fclass));
		jw_name(w, "direction", ev->dir ? "to_initiator" : "to_responder");
		if (ev->count > 1)
			jw_u64(w, "count", ev->count);
		jw_obj_open(w, proto);
		add_fields(w, ev);
		jw_obj_close(w);
		jw_obj_close(w);
	}
	jw_obj_close(w);
	jw_obj_close(w);
}

void out_json_alert(struct out_json *o, const struct rule_alert *a)
{
	if (!(o->what & OUT_JSON_ALERTS) || !o->fp)
		return;
	out_alert_render(&o->w, a, o->observer);
	finish_record(o);
}

/* The TCP flags seen, as letters ("SAF"), at p. */
static char *put_flags(char *p, uint8_t fl)
{
	static const char letters[] = "FSRPAUEC";
	for (int i = 0; i < 8; i++)
		if (fl & (1u << i))
			*p++ = letters[i];
	return p;
}

/* "s", escaped, after the hand-built text ending at p (room for one more
 * byte); returns where to go on, with room for n more bytes, or NULL if
 * out of memory. */
static char *put_str(struct jw *w, char *p, const char *s, size_t n)
{
	*p++ = '"';
	jw_raw_end(w, p);
	jw_escape(w, s, strlen(s), 0);
	p = jw_raw_begin(w, n + 1);
	if (p)
		*p++ = '"';
	return p;
}

/* Room for the hand-built parts of a flow record between strings. */
#define FLOW_ROOM 512

void out_json_flow(struct out_json *o, const struct flow *f, enum flow_end_reason why)
{
	if (!(o->what & OUT_JSON_FLOWS) || !o->fp)
		return;
	struct jw *w = &o->w;
	add_common(o, f->last_us);

	/* The whole record after the common part is written by hand (see
	 * out_json_event()); strings that may need escaping go through
	 * put_str(). */
	char *p = jw_raw_begin(w, 256 + 2 * ENDPOINT_ROOM);
	if (!p)
		goto out;
	p = jw_cpy(p, JW_LIT(",\"event\":{\"kind\":\"event\",\"category\":[\"network\"],"
			     "\"type\":[\"connection\",\"end\"],\"action\":\"flow\","
			     "\"dataset\":\"zonewatch.flow\",\"start\":\""));
	p = put_time(o, p, f->first_us);
	p = jw_cpy(p, JW_LIT("\",\"end\":\""));
	p = put_time(o, p, f->last_us);
	p = jw_cpy(p, JW_LIT("\",\"duration\":"));
	p = jw_utoa(p, (f->last_us - f->first_us) * 1000);
	*p++ = '}';
	p = put_endpoint(p, JW_LIT(",\"source\":{\"ip\":\""), f, 0, 1);
	p = put_endpoint(p, JW_LIT(",\"destination\":{\"ip\":\""), f, 1, 1);
	jw_raw_end(w, p);

	int classified = f->ndpi.master || f->ndpi.app;
	char ndpi_name[64] = "Unknown";
	if (o->nd && classified)
		dis_ndpi_proto_name(o->nd, &f->ndpi, ndpi_name, sizeof(ndpi_name));
	const char *app = f->dis_proto ? dis_protos[f->dis_proto - 1]->name : NULL;
	size_t app_len = app ? strlen(app) : 0;
	const char *state = flow_tcp_state_name((enum flow_tcp_state)f->tcp_state);
	const char *reason = flow_end_reason_name(why);
	size_t state_len = strlen(state), reason_len = strlen(reason);

	p = jw_raw_begin(w, FLOW_ROOM + 2 * app_len + state_len + reason_len);
	if (!p)
		goto out;
	p = jw_cpy(p, JW_LIT(",\"network\":{\"transport\":\""));
	p = put_transport(p, f->key.l4_proto);
	if (f->key.ip_ver == 4)
		p = jw_cpy(p, JW_LIT("\",\"type\":\"ipv4\""));
	else
		p = jw_cpy(p, JW_LIT("\",\"type\":\"ipv6\""));
	if (app) {
		p = jw_cpy(p, JW_LIT(",\"protocol\":\""));
		p = jw_cpy(p, app, app_len);
		*p++ = '"';
	} else if (classified) {
		char lower[64];
		size_t i;
		for (i = 0; ndpi_name[i] && i + 1 < sizeof(lower); i++)
			lower[i] = (char)((ndpi_name[i] >= 'A' && ndpi_name[i] <= 'Z') ?
						  ndpi_name[i] + 32 : ndpi_name[i]);
		lower[i] = '\0';
		p = jw_cpy(p, JW_LIT(",\"protocol\":"));
		if (!(p = put_str(w, p, lower, FLOW_ROOM + 2 * app_len + state_len + reason_len)))
			goto out;
	}
	p = jw_cpy(p, JW_LIT(",\"packets\":"));
	p = jw_utoa(p, f->pkts[0] + f->pkts[1]);
	p = jw_cpy(p, JW_LIT(",\"bytes\":"));
	p = jw_utoa(p, f->bytes[0] + f->bytes[1]);
	p = put_vlan(p, f);

	p = jw_cpy(p, JW_LIT("},\"zonewatch\":{\"flow_id\":"));
	p = jw_utoa(p, f->id);
	p = jw_cpy(p, JW_LIT(",\"end_reason\":\""));
	p = jw_cpy(p, reason, reason_len);
	*p++ = '"';
	if (app) {
		p = jw_cpy(p, JW_LIT(",\"dissector\":{\"name\":\""));
		p = jw_cpy(p, app, app_len);
		if (f->dis_confirmed)
			p = jw_cpy(p, JW_LIT("\",\"confirmed\":true}"));
		else
			p = jw_cpy(p, JW_LIT("\",\"confirmed\":false}"));
	}
	if (f->key.l4_proto == 6) {
		p = jw_cpy(p, JW_LIT(",\"tcp\":{\"state\":\""));
		p = jw_cpy(p, state, state_len);
		p = jw_cpy(p, JW_LIT("\",\"flags_source\":\""));
		p = put_flags(p, f->tcp_flags[0]);
		p = jw_cpy(p, JW_LIT("\",\"flags_destination\":\""));
		p = put_flags(p, f->tcp_flags[1]);
		if (f->syn_seen)
			p = jw_cpy(p, JW_LIT("\",\"handshake_seen\":true}"));
		else
			p = jw_cpy(p, JW_LIT("\",\"handshake_seen\":false}"));
	}
	p = jw_cpy(p, JW_LIT(",\"ndpi\":{\"protocol\":"));
	if (!(p = put_str(w, p, ndpi_name, FLOW_ROOM)))
		goto out;
	if (f->ndpi.stopped)
		p = jw_cpy(p, JW_LIT(",\"stopped\":true"));
	if (o->nd && classified) {
		p = jw_cpy(p, JW_LIT(",\"category\":"));
		if (!(p = put_str(w, p, dis_ndpi_category_name(o->nd, &f->ndpi), FLOW_ROOM)))
			goto out;
	}
	if (f->ndpi.risk) {
		p = jw_cpy(p, JW_LIT(",\"risks\":["));
		int first = 1;
		for (unsigned b = 1; b < 64; b++) {
			if (!(f->ndpi.risk & (1ull << b)))
				continue;
			const char *rn = dis_ndpi_risk_name(b);
			if (!rn)
				continue;
			if (!first)
				*p++ = ',';
			first = 0;
			if (!(p = put_str(w, p, rn, FLOW_ROOM)))
				goto out;
		}
		*p++ = ']';
	}
	p = jw_cpy(p, JW_LIT("}}}"));
	jw_raw_end(w, p);
out:
	finish_record(o);
}

void out_json_metric(struct out_json *o, const struct cap_engine *e)
{
	if (!(o->what & OUT_JSON_METRICS) || !o->fp)
		return;
	char ts[40];
	json_object *root = json_object_new_object();
	out_time_str(e->cs.last_us, ts, sizeof(ts));
	json_object_object_add(root, "@timestamp", json_object_new_string(ts));
	if (o->observer) {
		json_object *obs = json_object_new_object();
		json_object_object_add(obs, "name", json_object_new_string(o->observer));
		json_object_object_add(root, "observer", obs);
	}
	json_object *ev = json_object_new_object();
	json_object_object_add(ev, "kind", json_object_new_string("metric"));
	json_object_object_add(ev, "action", json_object_new_string("statistics"));
	json_object_object_add(ev, "dataset", json_object_new_string("zonewatch.stats"));
	json_object_object_add(root, "event", ev);
	json_object *zw = json_object_new_object();
	json_object *st = out_stats_json(e);
	if (o->rule_stats) {
		const struct rule_run_stats *rs = o->rule_stats;
		json_object *a = json_object_new_object();
		json_object *by = json_object_new_object();
		uint64_t total = 0;
		for (int k = 0; k < RULE_KIND__COUNT; k++) {
			total += rs->alerts[k];
			if (rs->alerts[k])
				json_object_object_add(by, rule_kind_name((enum rule_kind)k),
						       json_object_new_uint64(rs->alerts[k]));
		}
		json_object_object_add(a, "occurrences", json_object_new_uint64(total));
		json_object_object_add(a, "records", json_object_new_uint64(rs->records));
		json_object_object_add(a, "repeats_folded", json_object_new_uint64(rs->suppressed));
		json_object_object_add(a, "summaries", json_object_new_uint64(rs->summaries));
		json_object_object_add(a, "sessions_ended", json_object_new_uint64(rs->sessions_ended));
		json_object_object_add(a, "dedup_table_full", json_object_new_uint64(rs->dedup_full));
		json_object_object_add(a, "asset_table_full", json_object_new_uint64(rs->assets_full));
		json_object_object_add(a, "policy_reloads", json_object_new_uint64(rs->reloads));
		json_object_object_add(a, "by_rule", by);
		json_object_object_add(st, "alerts", a);
	}
	if (o->sinks && o->sinks->n)
		json_object_object_add(st, "sinks", out_sinks_stats_json(o->sinks));
	json_object_object_add(zw, "stats", st);
	json_object_object_add(root, "zonewatch", zw);
	emit(o, root);
}
