/* rule_load.c - the policy file (YAML via libyaml; JSON is accepted as the
 * YAML subset it is) into struct rule_policy.
 *
 * Loading is strict: every unknown key, bad value, unknown zone, overlapping
 * zone network or bad port range is an error naming file:line:column with a
 * hint, and the loader goes on to report the others (up to RULE_MAX_ERRORS)
 * so one run of `zonewatch policy check` shows them all. The document is
 * first read into a small tree (bounded in depth and size; aliases refused),
 * then walked.
 */
#include "config.h"

#include "rules/rule_model.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <yaml.h>

#define Y_MAX_DEPTH 32
#define Y_MAX_NODES 200000
#define Y_MAX_FILE (16u << 20)
#define MAX_ZONES 4096
#define MAX_LIST 65536

/* ---- arena: everything a policy owns ---- */

struct rule_arena {
	struct rule_arena *next;
	size_t used, cap;
	unsigned char mem[];
};

static void *arena_alloc(struct rule_arena **ap, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct rule_arena *a = *ap;
	if (!a || a->cap - a->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		struct rule_arena *b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = a;
		b->used = 0;
		b->cap = cap;
		*ap = a = b;
	}
	void *p = a->mem + a->used;
	a->used += n;
	memset(p, 0, n);
	return p;
}

static void arena_free(struct rule_arena *a)
{
	while (a) {
		struct rule_arena *n = a->next;
		free(a);
		a = n;
	}
}

static char *arena_strdup(struct rule_arena **ap, const char *s, size_t n)
{
	char *d = arena_alloc(ap, n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* ---- the document tree ---- */

enum { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	uint8_t type;
	uint8_t plain;     /* unquoted scalar */
	uint32_t line, col;
	char *str;         /* scalar, NUL-terminated */
	size_t len;
	struct ynode **kid; /* sequence items, or map keys and values alternating */
	uint32_t n, cap;
};

struct ld {
	const char *file;
	struct rule_errors *err;
	struct rule_policy *p;
	rule_proto_known_fn known;
	void *user;
	struct rule_arena *tree; /* the document tree, freed after loading */
	uint32_t nodes;
	int oom;
};

static void lerr_at(struct ld *L, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void lerr_at(struct ld *L, uint32_t line, uint32_t col, const char *fmt, ...)
{
	if (L->err->n >= RULE_MAX_ERRORS) {
		L->err->dropped++;
		return;
	}
	char *m = L->err->msg[L->err->n++];
	size_t sz = sizeof(L->err->msg[0]);
	int k = snprintf(m, sz, "%s:%u:%u: ", L->file, line, col);
	if (k < 0 || (size_t)k >= sz)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m + k, sz - (size_t)k, fmt, ap);
	va_end(ap);
}

#define lerr(L, node, ...) lerr_at((L), (node)->line, (node)->col, __VA_ARGS__)

static struct ynode *ynew(struct ld *L, int type, const yaml_mark_t *m)
{
	if (++L->nodes > Y_MAX_NODES) {
		L->oom = 1;
		return NULL;
	}
	struct ynode *n = arena_alloc(&L->tree, sizeof(*n));
	if (!n) {
		L->oom = 1;
		return NULL;
	}
	n->type = (uint8_t)type;
	n->line = (uint32_t)m->line + 1;
	n->col = (uint32_t)m->column + 1;
	return n;
}

static int yadd(struct ld *L, struct ynode *parent, struct ynode *kid)
{
	if (parent->n == parent->cap) {
		uint32_t nc = parent->cap ? parent->cap * 2 : 8;
		struct ynode **k = arena_alloc(&L->tree, nc * sizeof(*k));
		if (!k) {
			L->oom = 1;
			return -1;
		}
		if (parent->n)
			memcpy(k, parent->kid, parent->n * sizeof(*k));
		parent->kid = k;
		parent->cap = nc;
	}
	parent->kid[parent->n++] = kid;
	return 0;
}

/* Reads the whole document into a tree. Returns the root or NULL. */
static struct ynode *yparse(struct ld *L, const char *buf, size_t len)
{
	yaml_parser_t ps;
	yaml_event_t ev;
	struct ynode *stack[Y_MAX_DEPTH + 1];
	int depth = 0, done = 0;
	struct ynode *root = NULL;

	if (!yaml_parser_initialize(&ps)) {
		lerr_at(L, 1, 1, "cannot initialise the YAML parser");
		return NULL;
	}
	yaml_parser_set_input_string(&ps, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&ps, &ev)) {
			lerr_at(L, (uint32_t)ps.problem_mark.line + 1, (uint32_t)ps.problem_mark.column + 1,
				"YAML syntax error: %s%s%s (hint: check indentation, colons and quotes)",
				ps.problem ? ps.problem : "unknown problem",
				ps.context ? " " : "", ps.context ? ps.context : "");
			root = NULL;
			break;
		}
		struct ynode *n = NULL;
		int push = 0, pop = 0;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (root) {
				lerr_at(L, (uint32_t)ev.start_mark.line + 1, (uint32_t)ev.start_mark.column + 1,
					"more than one YAML document (hint: a policy is one document; remove '---')");
				done = 1;
				root = NULL;
			}
			break;
		case YAML_ALIAS_EVENT:
			lerr_at(L, (uint32_t)ev.start_mark.line + 1, (uint32_t)ev.start_mark.column + 1,
				"YAML aliases (*name) are not supported (hint: write the value out)");
			done = 1;
			root = NULL;
			break;
		case YAML_SCALAR_EVENT:
			n = ynew(L, Y_SCALAR, &ev.start_mark);
			if (n) {
				n->str = arena_strdup(&L->tree, (const char *)ev.data.scalar.value,
						      ev.data.scalar.length);
				n->len = ev.data.scalar.length;
				n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
				if (!n->str)
					L->oom = 1;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
			n = ynew(L, Y_SEQ, &ev.start_mark);
			push = 1;
			break;
		case YAML_MAPPING_START_EVENT:
			n = ynew(L, Y_MAP, &ev.start_mark);
			push = 1;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			pop = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (L->oom) {
			lerr_at(L, 1, 1, "policy document too large or out of memory (limit %u nodes)",
				Y_MAX_NODES);
			root = NULL;
			break;
		}
		if (n) {
			if (depth == 0) {
				if (!root)
					root = n;
			} else if (yadd(L, stack[depth - 1], n) < 0) {
				root = NULL;
				break;
			}
			if (push) {
				if (depth >= Y_MAX_DEPTH) {
					lerr(L, n, "nesting deeper than %d levels", Y_MAX_DEPTH);
					root = NULL;
					break;
				}
				stack[depth++] = n;
			}
		}
		if (pop && depth > 0)
			depth--;
	}
	yaml_parser_delete(&ps);
	return root;
}

/* ---- value helpers ---- */

static const char *type_name(const struct ynode *n)
{
	return n->type == Y_MAP ? "a mapping" : n->type == Y_SEQ ? "a list" : "a scalar";
}

static int want(struct ld *L, const struct ynode *n, int type, const char *what)
{
	if (n->type == type)
		return 1;
	lerr(L, n, "%s must be %s, not %s", what,
	     type == Y_MAP ? "a mapping (key: value)" : type == Y_SEQ ? "a list" : "a single value",
	     type_name(n));
	return 0;
}

/* Strict keys: known is a NULL-terminated list (NULL: any key, only
 * duplicates are checked). Reports unknown and duplicate keys; returns 0
 * if there was any. */
static int check_keys(struct ld *L, const struct ynode *m, const char *what,
		      const char *const *known)
{
	int ok = 1;
	for (uint32_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->kid[i];
		if (k->type != Y_SCALAR) {
			lerr(L, k, "%s: keys must be plain names", what);
			ok = 0;
			continue;
		}
		int found = !known;
		for (const char *const *s = known; s && *s; s++)
			if (strcmp(k->str, *s) == 0)
				found = 1;
		if (!found) {
			char hint[256];
			size_t o = 0;
			for (const char *const *s = known; *s && o < sizeof(hint) - 40; s++)
				o += (size_t)snprintf(hint + o, sizeof(hint) - o, "%s%s",
						      s == known ? "" : ", ", *s);
			lerr(L, k, "unknown key '%s' in %s (hint: allowed keys are %s)", k->str, what,
			     hint);
			ok = 0;
		}
		for (uint32_t j = 0; j < i; j += 2)
			if (m->kid[j]->type == Y_SCALAR && strcmp(m->kid[j]->str, k->str) == 0) {
				lerr(L, k, "duplicate key '%s' in %s (first at line %u)", k->str, what,
				     m->kid[j]->line);
				ok = 0;
			}
	}
	return ok;
}

static const struct ynode *get(const struct ynode *m, const char *key)
{
	if (!m || m->type != Y_MAP)
		return NULL;
	for (uint32_t i = 0; i + 1 < m->n; i += 2)
		if (m->kid[i]->type == Y_SCALAR && strcmp(m->kid[i]->str, key) == 0)
			return m->kid[i + 1];
	return NULL;
}

static const char *str_of(struct ld *L, const struct ynode *n, const char *what)
{
	if (!want(L, n, Y_SCALAR, what))
		return NULL;
	char *s = arena_strdup(&L->p->arena, n->str, n->len);
	if (!s)
		L->oom = 1;
	return s;
}

static int u64_of(const char *s, uint64_t *out)
{
	if (!*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int uint_of(struct ld *L, const struct ynode *n, const char *what, uint64_t min,
		   uint64_t max, uint64_t *out)
{
	if (!want(L, n, Y_SCALAR, what))
		return -1;
	uint64_t v;
	if (u64_of(n->str, &v) < 0 || v < min || v > max) {
		lerr(L, n, "%s: '%s' is not a number in %llu..%llu", what, n->str,
		     (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

static int bool_of(struct ld *L, const struct ynode *n, const char *what, int *out)
{
	if (!want(L, n, Y_SCALAR, what))
		return -1;
	static const char *const t[] = { "true", "yes", "on", "True", "Yes", "On", "TRUE", NULL };
	static const char *const f[] = { "false", "no", "off", "False", "No", "Off", "FALSE", NULL };
	for (int i = 0; t[i]; i++)
		if (strcmp(n->str, t[i]) == 0) {
			*out = 1;
			return 0;
		}
	for (int i = 0; f[i]; i++)
		if (strcmp(n->str, f[i]) == 0) {
			*out = 0;
			return 0;
		}
	lerr(L, n, "%s: '%s' is not true or false", what, n->str);
	return -1;
}

/* "30", "30s", "15m", "2h", "7d" */
static int duration_of(struct ld *L, const struct ynode *n, const char *what, uint64_t *us)
{
	if (!want(L, n, Y_SCALAR, what))
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(n->str, &end, 10);
	uint64_t mul = 1;
	if (end == n->str || errno)
		goto bad;
	if (*end) {
		if (end[1])
			goto bad;
		switch (*end) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		default: goto bad;
		}
	}
	if (v > 366ull * 86400 * 100 / mul)
		goto bad;
	*us = v * mul * 1000000ull;
	return 0;
bad:
	lerr(L, n, "%s: '%s' is not a duration (hint: 90, 90s, 15m, 2h or 7d)", what, n->str);
	return -1;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* "2026-11-01", "2026-11-01T06:00:00Z", "2026-11-01T06:00:00+01:00" */
static int time_of(struct ld *L, const struct ynode *n, const char *what, uint64_t *us)
{
	if (!want(L, n, Y_SCALAR, what))
		return -1;
	unsigned y, mo, d, h = 0, mi = 0, s = 0;
	int k = 0, oh = 0, om = 0;
	char sign = 0, z = 0;
	const char *str = n->str;
	if (sscanf(str, "%4u-%2u-%2u%n", &y, &mo, &d, &k) != 3 || k != 10)
		goto bad;
	str += 10;
	if (*str == 'T' || *str == 't' || *str == ' ') {
		int k2 = 0;
		if (sscanf(str + 1, "%2u:%2u:%2u%n", &h, &mi, &s, &k2) != 3 || k2 != 8)
			goto bad;
		str += 9;
		if (*str == 'Z' || *str == 'z') {
			z = 1;
			str++;
		} else if (*str == '+' || *str == '-') {
			sign = *str;
			int k3 = 0;
			if (sscanf(str + 1, "%2d:%2d%n", &oh, &om, &k3) != 2 || k3 != 5)
				goto bad;
			str += 6;
		} else {
			goto bad; /* a time without zone is ambiguous */
		}
	}
	(void)z;
	if (*str || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 ||
	    oh > 14 || om > 59)
		goto bad;
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	int64_t off = (int64_t)(oh * 60 + om) * 60;
	t -= sign == '-' ? -off : sign == '+' ? off : 0;
	if (t < 0)
		goto bad;
	*us = (uint64_t)t * 1000000ull;
	return 0;
bad:
	lerr(L, n, "%s: '%s' is not a date or time (hint: 2026-11-01 or 2026-11-01T06:00:00Z)",
	     what, n->str);
	return -1;
}

/* "502", 502, "1000-2000" into ranges (a list or a single value). */
static int ranges_of(struct ld *L, const struct ynode *n, const char *what, uint32_t min,
		     uint32_t max, struct rule_ranges *out)
{
	const struct ynode *one[1];
	const struct ynode *const *items;
	uint32_t cnt;
	if (n->type == Y_SCALAR) {
		one[0] = n;
		items = one;
		cnt = 1;
	} else if (n->type == Y_SEQ) {
		items = (const struct ynode *const *)n->kid;
		cnt = n->n;
		if (cnt == 0) {
			lerr(L, n, "%s: empty list (hint: leave the key out to allow any)", what);
			return -1;
		}
	} else {
		lerr(L, n, "%s must be a number, a range 'a-b' or a list of them", what);
		return -1;
	}
	if (cnt > MAX_LIST) {
		lerr(L, n, "%s: too many entries", what);
		return -1;
	}
	out->n = 0;
	out->r = arena_alloc(&L->p->arena, cnt * sizeof(*out->r));
	if (!out->r) {
		L->oom = 1;
		return -1;
	}
	int ok = 0;
	for (uint32_t i = 0; i < cnt; i++) {
		const struct ynode *it = items[i];
		if (it->type != Y_SCALAR) {
			lerr(L, it, "%s: entries must be numbers or ranges 'a-b'", what);
			ok = -1;
			continue;
		}
		char a[32], b[32];
		uint64_t lo, hi;
		const char *dash = strchr(it->str, '-');
		if (dash && dash != it->str && (size_t)(dash - it->str) < sizeof(a) &&
		    strlen(dash + 1) < sizeof(b)) {
			memcpy(a, it->str, (size_t)(dash - it->str));
			a[dash - it->str] = '\0';
			strcpy(b, dash + 1);
			if (u64_of(a, &lo) < 0 || u64_of(b, &hi) < 0)
				goto bad;
		} else if (u64_of(it->str, &lo) == 0) {
			hi = lo;
		} else {
			goto bad;
		}
		if (lo < min || hi > max) {
			lerr(L, it, "%s: '%s' is outside %u..%u", what, it->str, min, max);
			ok = -1;
			continue;
		}
		if (lo > hi) {
			lerr(L, it, "%s: range '%s' is backwards (hint: write low-high)", what, it->str);
			ok = -1;
			continue;
		}
		out->r[out->n].lo = (uint32_t)lo;
		out->r[out->n].hi = (uint32_t)hi;
		out->n++;
		continue;
bad:
		lerr(L, it, "%s: '%s' is not a number or a range 'a-b'", what, it->str);
		ok = -1;
	}
	return ok;
}

/* A scalar or a list of scalars into strings (lower-cased when lower). */
static int strs_of(struct ld *L, const struct ynode *n, const char *what, int lower,
		   struct rule_strs *out)
{
	const struct ynode *one[1];
	const struct ynode *const *items;
	uint32_t cnt;
	if (n->type == Y_SCALAR) {
		one[0] = n;
		items = one;
		cnt = 1;
	} else if (n->type == Y_SEQ && n->n > 0 && n->n <= MAX_LIST) {
		items = (const struct ynode *const *)n->kid;
		cnt = n->n;
	} else {
		lerr(L, n, "%s must be a name or a non-empty list of names", what);
		return -1;
	}
	out->n = 0;
	out->s = arena_alloc(&L->p->arena, cnt * sizeof(char *));
	if (!out->s) {
		L->oom = 1;
		return -1;
	}
	int ok = 0;
	for (uint32_t i = 0; i < cnt; i++) {
		if (items[i]->type != Y_SCALAR || items[i]->len == 0) {
			lerr(L, items[i], "%s: entries must be non-empty names", what);
			ok = -1;
			continue;
		}
		char *s = arena_strdup(&L->p->arena, items[i]->str, items[i]->len);
		if (!s) {
			L->oom = 1;
			return -1;
		}
		if (lower)
			for (char *c = s; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		out->s[out->n++] = s;
	}
	return ok;
}

/* ---- names ---- */

static const struct {
	const char *alias, *canon;
} proto_aliases[] = {
	{ "modbus", "modbus" }, { "modbus-tcp", "modbus" }, { "modbus_tcp", "modbus" },
	{ "modbustcp", "modbus" }, { "mbtcp", "modbus" },
	{ "s7comm", "s7comm" }, { "s7", "s7comm" }, { "s7comm-plus", "s7comm-plus" },
	{ "s7comm_plus", "s7comm-plus" }, { "s7commplus", "s7comm-plus" }, { "s7plus", "s7comm-plus" },
	{ "opcua", "opcua" }, { "opc-ua", "opcua" }, { "opc_ua", "opcua" }, { "opcua-binary", "opcua" },
	{ "cotp", "cotp" }, { "iso-tsap", "cotp" }, { "tpkt", "cotp" }, { "iso_tsap", "cotp" },
};

const char *rule_proto_canon(const char *name, char *buf, size_t len)
{
	size_t i;
	for (i = 0; name[i] && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)name[i]);
	buf[i < len ? i : 0] = '\0';
	for (size_t k = 0; k < sizeof(proto_aliases) / sizeof(proto_aliases[0]); k++)
		if (strcmp(buf, proto_aliases[k].alias) == 0)
			return proto_aliases[k].canon;
	return buf;
}

static int own_proto(const char *canon)
{
	for (size_t k = 0; k < sizeof(proto_aliases) / sizeof(proto_aliases[0]); k++)
		if (strcmp(canon, proto_aliases[k].canon) == 0)
			return 1;
	return 0;
}

/* Canonicalises and checks a protocol list in place. */
static int protos_of(struct ld *L, const struct ynode *n, const char *what, struct rule_strs *out)
{
	if (strs_of(L, n, what, 1, out) < 0)
		return -1;
	int ok = 0;
	for (uint32_t i = 0; i < out->n; i++) {
		char buf[64];
		const char *c = rule_proto_canon(out->s[i], buf, sizeof(buf));
		if (strcmp(c, "any") == 0) {
			out->n = 0; /* any protocol */
			return 0;
		}
		if (!own_proto(c) && L->known && !L->known(L->user, c)) {
			const struct ynode *at = n->type == Y_SEQ && i < n->n ? n->kid[i] : n;
			lerr(L, at,
			     "%s: unknown protocol '%s' (hint: modbus, s7comm, s7comm-plus, opcua, or an "
			     "nDPI protocol name such as http, tls, ssh, rdp; see `zonewatch policy protocols`)",
			     what, out->s[i]);
			ok = -1;
			continue;
		}
		char *s = arena_strdup(&L->p->arena, c, strlen(c));
		if (!s) {
			L->oom = 1;
			return -1;
		}
		out->s[i] = s;
	}
	return ok;
}

static int zone_index(const struct rule_policy *p, const char *name)
{
	for (uint32_t i = 0; i < p->nzones; i++)
		if (strcmp(p->zones[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int zone_ref(struct ld *L, const struct ynode *n, const char *what, int special,
		    uint16_t *out)
{
	if (!want(L, n, Y_SCALAR, what))
		return -1;
	if (special && strcmp(n->str, "external") == 0) {
		*out = RULE_ZONE_EXTERNAL;
		return 0;
	}
	if (special && strcmp(n->str, "any") == 0) {
		*out = RULE_ZONE_ANY;
		return 0;
	}
	int z = zone_index(L->p, n->str);
	if (z < 0) {
		char hint[200];
		size_t o = 0;
		for (uint32_t i = 0; i < L->p->nzones && o < sizeof(hint) - 40; i++)
			o += (size_t)snprintf(hint + o, sizeof(hint) - o, "%s%s", i ? ", " : "",
					      L->p->zones[i].name);
		lerr(L, n, "%s: unknown zone '%s' (hint: zones are %s%s)", what, n->str,
		     o ? hint : "(none defined)", special ? "; or external, any" : "");
		return -1;
	}
	*out = (uint16_t)z;
	return 0;
}

static int window_ref(struct ld *L, const struct ynode *n, const char *what, uint16_t *out)
{
	if (!want(L, n, Y_SCALAR, what))
		return -1;
	for (uint32_t i = 0; i < L->p->nwindows; i++)
		if (strcmp(L->p->windows[i].name, n->str) == 0) {
			*out = (uint16_t)i;
			return 0;
		}
	lerr(L, n, "%s: unknown window '%s' (hint: define it under windows:)", what, n->str);
	return -1;
}

static const char *const fclass_names[DIS_FC__COUNT] = {
	"read", "write", "program", "control", "diagnostic", "session", "other",
};

static int fclasses_of(struct ld *L, const struct ynode *n, uint8_t *mask)
{
	struct rule_strs s = { 0 };
	if (strs_of(L, n, "functions", 1, &s) < 0)
		return -1;
	int ok = 0;
	*mask = 0;
	for (uint32_t i = 0; i < s.n; i++) {
		if (strcmp(s.s[i], "any") == 0) {
			*mask = 0;
			return 0;
		}
		int f = -1;
		for (int k = 0; k < DIS_FC__COUNT; k++)
			if (strcmp(s.s[i], fclass_names[k]) == 0)
				f = k;
		if (f < 0) {
			lerr(L, n->type == Y_SEQ ? n->kid[i] : n,
			     "functions: unknown function class '%s' (hint: read, write, program, "
			     "control, diagnostic, session, other, any)", s.s[i]);
			ok = -1;
			continue;
		}
		*mask |= (uint8_t)(1u << f);
	}
	return ok;
}

static const char *const secmode_names[] = { "unset", "none", "sign", "sign_and_encrypt" };

const char *rule_secmode_name(enum rule_secmode m)
{
	return (unsigned)m < 4 ? secmode_names[m] : "unset";
}

static const char *const s7_area_names[RULE_S7__COUNT] = {
	"inputs", "outputs", "flags", "db", "di", "local", "counters", "timers", "peripheral", "other",
};

const char *rule_s7_area_name(enum rule_s7_area a)
{
	return (unsigned)a < RULE_S7__COUNT ? s7_area_names[a] : "other";
}

/* ---- addresses ---- */

static int cidr_parse(const char *s, struct rule_net *out, int host_only)
{
	char buf[64];
	size_t n = strlen(s);
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	char *slash = strchr(buf, '/');
	long plen = -1;
	if (slash) {
		if (host_only)
			return -1;
		*slash = '\0';
		char *end;
		errno = 0;
		plen = strtol(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || !isdigit((unsigned char)slash[1]))
			return -1;
	}
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->ver = 4;
		if (plen < 0)
			plen = 32;
		if (plen > 32)
			return -1;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->ver = 6;
		if (plen < 0)
			plen = 128;
		if (plen > 128)
			return -1;
	} else {
		return -1;
	}
	out->plen = (uint8_t)plen;
	return 0;
}

/* 1 when the host bits of the network are not zero. */
static int host_bits_set(const struct rule_net *n)
{
	unsigned bits = n->ver == 4 ? 32 : 128;
	for (unsigned i = n->plen; i < bits; i++)
		if (n->addr[i >> 3] >> (7 - (i & 7)) & 1)
			return 1;
	return 0;
}

/* 1 when a covers b or b covers a. */
static int nets_overlap(const struct rule_net *a, const struct rule_net *b)
{
	if (a->ver != b->ver)
		return 0;
	unsigned p = a->plen < b->plen ? a->plen : b->plen;
	for (unsigned i = 0; i < p; i++) {
		unsigned x = a->addr[i >> 3] >> (7 - (i & 7)) & 1;
		unsigned y = b->addr[i >> 3] >> (7 - (i & 7)) & 1;
		if (x != y)
			return 0;
	}
	return 1;
}

static int net_contains(const struct rule_net *net, const struct rule_net *host)
{
	return net->plen <= host->plen && nets_overlap(net, host);
}

static void net_str(const struct rule_net *n, char *buf, size_t len)
{
	char a[64];
	inet_ntop(n->ver == 4 ? AF_INET : AF_INET6, n->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, n->plen);
}

static int ranges_disjoint(const struct rule_ranges *a, const struct rule_ranges *b)
{
	if (!a->n || !b->n)
		return 0;
	for (uint32_t i = 0; i < a->n; i++)
		for (uint32_t j = 0; j < b->n; j++)
			if (a->r[i].lo <= b->r[j].hi && b->r[j].lo <= a->r[i].hi)
				return 0;
	return 1;
}

/* ---- sections ---- */

/* A map of named entries (zones, assets, windows, conduits): checks it,
 * reports duplicate names and allocates room for its entries. NULL when
 * there is nothing to load. */
static void *named_map(struct ld *L, const struct ynode *m, const char *what, uint32_t max,
		       size_t size)
{
	if (!want(L, m, Y_MAP, what))
		return NULL;
	check_keys(L, m, what, NULL);
	uint32_t cnt = m->n / 2;
	if (cnt > max) {
		lerr(L, m, "%s: at most %u entries", what, max);
		return NULL;
	}
	void *a = arena_alloc(&L->p->arena, (cnt ? cnt : 1) * size);
	if (!a)
		L->oom = 1;
	return a;
}

/* 1 when the key at index i of map m is a name not used earlier in m (a
 * repeated name was reported by named_map). */
static int first_name(const struct ynode *m, uint32_t i)
{
	const struct ynode *k = m->kid[i];
	if (k->type != Y_SCALAR || !k->len)
		return 0;
	for (uint32_t j = 0; j < i; j += 2)
		if (m->kid[j]->type == Y_SCALAR && strcmp(m->kid[j]->str, k->str) == 0)
			return 0;
	return 1;
}

static void load_zones(struct ld *L, const struct ynode *zs)
{
	static const char *const keys[] = { "security_level", "networks", "vlans", "description",
					    NULL };
	if (!(L->p->zones = named_map(L, zs, "zones", MAX_ZONES, sizeof(struct rule_zone))))
		return;
	for (uint32_t i = 0; i + 1 < zs->n; i += 2) {
		const struct ynode *k = zs->kid[i], *v = zs->kid[i + 1];
		if (!first_name(zs, i))
			continue;
		if (strcmp(k->str, "external") == 0 || strcmp(k->str, "any") == 0) {
			lerr(L, k, "zones: '%s' is a reserved name (hint: choose another)", k->str);
			continue;
		}
		struct rule_zone *z = &L->p->zones[L->p->nzones++];
		z->name = arena_strdup(&L->p->arena, k->str, k->len);
		z->security_level = -1;
		z->line = k->line;
		if (!want(L, v, Y_MAP, "a zone"))
			continue;
		char what[128];
		snprintf(what, sizeof(what), "zone '%s'", k->str);
		check_keys(L, v, what, keys);
		const struct ynode *x;
		uint64_t u;
		if ((x = get(v, "security_level")) && uint_of(L, x, "security_level", 0, 4, &u) == 0)
			z->security_level = (int)u;
		if ((x = get(v, "description")))
			z->description = str_of(L, x, "description");
		if ((x = get(v, "vlans")))
			ranges_of(L, x, "vlans", 0, 4095, &z->vlans);
		x = get(v, "networks");
		if (!x) {
			lerr(L, k, "zone '%s' has no networks (hint: networks: [10.10.1.0/24])", k->str);
			continue;
		}
		if (x->type == Y_SCALAR) {
			lerr(L, x, "networks must be a list (hint: networks: [%s])", x->str);
			continue;
		}
		if (!want(L, x, Y_SEQ, "networks") || x->n == 0) {
			if (x->type == Y_SEQ)
				lerr(L, x, "zone '%s': networks is empty", k->str);
			continue;
		}
		z->nets = arena_alloc(&L->p->arena, x->n * sizeof(*z->nets));
		if (!z->nets) {
			L->oom = 1;
			return;
		}
		for (uint32_t j = 0; j < x->n; j++) {
			const struct ynode *it = x->kid[j];
			struct rule_net net;
			if (it->type != Y_SCALAR || cidr_parse(it->str, &net, 0) < 0) {
				lerr(L, it, "'%s' is not an IPv4 or IPv6 network (hint: 10.10.1.0/24, "
					    "fd00:10::/64 or a single address)",
				     it->type == Y_SCALAR ? it->str : type_name(it));
				continue;
			}
			if (host_bits_set(&net)) {
				char s[80];
				net_str(&net, s, sizeof(s));
				lerr(L, it, "network '%s' has host bits set (hint: did you mean the "
					    "network address, or a /%u host?)",
				     it->str, net.ver == 4 ? 32 : 128);
				(void)s;
				continue;
			}
			z->nets[z->nnets++] = net;
		}
	}
	/* Overlaps between zones (and inside one) */
	struct rule_policy *p = L->p;
	for (uint32_t a = 0; a < p->nzones; a++)
		for (uint32_t i = 0; i < p->zones[a].nnets; i++)
			for (uint32_t b = a; b < p->nzones; b++)
				for (uint32_t j = (a == b ? i + 1 : 0); j < p->zones[b].nnets; j++) {
					const struct rule_net *x = &p->zones[a].nets[i], *y = &p->zones[b].nets[j];
					if (!nets_overlap(x, y))
						continue;
					if (a != b && ranges_disjoint(&p->zones[a].vlans, &p->zones[b].vlans))
						continue;
					char sx[80], sy[80];
					net_str(x, sx, sizeof(sx));
					net_str(y, sy, sizeof(sy));
					if (a == b)
						lerr_at(L, p->zones[a].line, 1,
							"zone '%s': networks %s and %s overlap",
							p->zones[a].name, sx, sy);
					else
						lerr_at(L, p->zones[b].line, 1,
							"zones '%s' (%s) and '%s' (%s) overlap (hint: an address "
							"belongs to one zone; split the networks, or give both "
							"zones disjoint vlans)",
							p->zones[a].name, sx, p->zones[b].name, sy);
				}
}

static void load_assets(struct ld *L, const struct ynode *as)
{
	static const char *const keys[] = { "ip", "zone", "vendor", "model", "role", "description",
					    NULL };
	if (!(L->p->assets = named_map(L, as, "assets", 65000, sizeof(struct rule_asset))))
		return;
	for (uint32_t i = 0; i + 1 < as->n; i += 2) {
		const struct ynode *k = as->kid[i], *v = as->kid[i + 1];
		int dup = 0;
		if (!first_name(as, i) || !want(L, v, Y_MAP, "an asset"))
			continue;
		char what[128];
		snprintf(what, sizeof(what), "asset '%s'", k->str);
		check_keys(L, v, what, keys);
		struct rule_asset a = { 0 };
		a.name = arena_strdup(&L->p->arena, k->str, k->len);
		a.line = k->line;
		a.zone = RULE_NONE;
		const struct ynode *x;
		if ((x = get(v, "vendor")))
			a.vendor = str_of(L, x, "vendor");
		if ((x = get(v, "model")))
			a.model = str_of(L, x, "model");
		if ((x = get(v, "role")))
			a.role = str_of(L, x, "role");
		x = get(v, "ip");
		if (!x) {
			lerr(L, k, "asset '%s' has no ip (hint: ip: 10.10.1.5)", k->str);
			continue;
		}
		if (x->type != Y_SCALAR || cidr_parse(x->str, &a.addr, 1) < 0) {
			lerr(L, x, "asset '%s': '%s' is not an IPv4 or IPv6 address", k->str,
			     x->type == Y_SCALAR ? x->str : type_name(x));
			continue;
		}
		/* The zone whose networks hold the address */
		int inzone = -1;
		for (uint32_t z = 0; z < L->p->nzones && inzone < 0; z++)
			for (uint32_t j = 0; j < L->p->zones[z].nnets; j++)
				if (net_contains(&L->p->zones[z].nets[j], &a.addr)) {
					inzone = (int)z;
					break;
				}
		x = get(v, "zone");
		if (x) {
			if (zone_ref(L, x, "zone", 0, &a.zone) < 0)
				continue;
			if (inzone >= 0 && (uint16_t)inzone != a.zone) {
				lerr(L, x, "asset '%s' (%s) lies in the networks of zone '%s', not '%s' "
					   "(hint: fix the address or the zone)",
				     k->str, get(v, "ip")->str, L->p->zones[inzone].name,
				     L->p->zones[a.zone].name);
				continue;
			}
		} else if (inzone >= 0) {
			a.zone = (uint16_t)inzone;
		} else {
			lerr(L, k, "asset '%s' (%s) is in no zone's networks and names no zone "
				   "(hint: add zone: NAME)", k->str, get(v, "ip")->str);
			continue;
		}
		for (uint32_t j = 0; j < L->p->nassets; j++)
			if (L->p->assets[j].addr.ver == a.addr.ver &&
			    memcmp(L->p->assets[j].addr.addr, a.addr.addr, 16) == 0) {
				lerr(L, x ? x : k, "assets '%s' and '%s' have the same address",
				     L->p->assets[j].name, k->str);
				dup = 1;
			}
		if (!dup)
			L->p->assets[L->p->nassets++] = a;
	}
}

static void load_windows(struct ld *L, const struct ynode *ws)
{
	static const char *const keys[] = { "days", "hours", "utc_offset", "from", "until",
					    "description", NULL };
	static const char *const days[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	if (!(L->p->windows = named_map(L, ws, "windows", 4096, sizeof(struct rule_window))))
		return;
	for (uint32_t i = 0; i + 1 < ws->n; i += 2) {
		const struct ynode *k = ws->kid[i], *v = ws->kid[i + 1];
		if (!first_name(ws, i) || !want(L, v, Y_MAP, "a window"))
			continue;
		char what[128];
		snprintf(what, sizeof(what), "window '%s'", k->str);
		check_keys(L, v, what, keys);
		struct rule_window w = { 0 };
		w.name = arena_strdup(&L->p->arena, k->str, k->len);
		w.line = k->line;
		w.days = 0x7f;
		const struct ynode *x;
		if ((x = get(v, "days"))) {
			struct rule_strs s = { 0 };
			if (strs_of(L, x, "days", 1, &s) == 0) {
				w.days = 0;
				for (uint32_t j = 0; j < s.n; j++) {
					int d = -1;
					for (int q = 0; q < 7; q++)
						if (strncmp(s.s[j], days[q], 3) == 0 && strlen(s.s[j]) >= 3)
							d = q;
					if (strcmp(s.s[j], "every_day") == 0 || strcmp(s.s[j], "daily") == 0)
						w.days = 0x7f;
					else if (d < 0)
						lerr(L, x->type == Y_SEQ ? x->kid[j] : x,
						     "days: '%s' is not a weekday (hint: mon, tue, wed, thu, "
						     "fri, sat, sun)", s.s[j]);
					else
						w.days |= (uint8_t)(1u << d);
				}
			}
		}
		if ((x = get(v, "hours"))) {
			unsigned h1, m1, h2, m2;
			int n = 0;
			if (x->type != Y_SCALAR ||
			    sscanf(x->str, "%2u:%2u-%2u:%2u%n", &h1, &m1, &h2, &m2, &n) != 4 ||
			    (size_t)n != x->len || h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59 ||
			    h1 * 60 + m1 > 1440 || h2 * 60 + m2 > 1440 || h1 * 60 + m1 == h2 * 60 + m2) {
				lerr(L, x, "hours: '%s' is not a time range (hint: \"06:00-10:00\"; "
					   "\"22:00-02:00\" wraps midnight)",
				     x->type == Y_SCALAR ? x->str : type_name(x));
			} else {
				w.has_hours = 1;
				w.start_min = (uint16_t)(h1 * 60 + m1);
				w.end_min = (uint16_t)(h2 * 60 + m2);
			}
		} else if (get(v, "days")) {
			w.has_hours = 1;
			w.start_min = 0;
			w.end_min = 1440;
		}
		if ((x = get(v, "utc_offset"))) {
			int hh, mm, n = 0;
			char sg;
			if (x->type != Y_SCALAR ||
			    sscanf(x->str, "%c%2d:%2d%n", &sg, &hh, &mm, &n) != 3 ||
			    (size_t)n != x->len || (sg != '+' && sg != '-') || hh > 14 || mm > 59)
				lerr(L, x, "utc_offset: '%s' is not an offset (hint: \"+01:00\")",
				     x->type == Y_SCALAR ? x->str : type_name(x));
			else
				w.utc_offset_min = (sg == '-' ? -1 : 1) * (hh * 60 + mm);
		}
		if ((x = get(v, "from")))
			time_of(L, x, "from", &w.from_us);
		if ((x = get(v, "until")))
			time_of(L, x, "until", &w.until_us);
		if (w.from_us && w.until_us && w.until_us <= w.from_us)
			lerr(L, k, "window '%s': until is not after from", k->str);
		if (!w.has_hours && !w.from_us && !w.until_us)
			lerr(L, k, "window '%s' says neither days/hours nor from/until (hint: "
				   "hours: \"06:00-10:00\")", k->str);
		L->p->windows[L->p->nwindows++] = w;
	}
}

static const char *const mb_class_keys[] = { "read", "write", "program", "control", "diagnostic",
					     "session", "other", NULL };

static void load_allow(struct ld *L, const struct rule_conduit *c, const struct ynode *v,
		       uint32_t idx, struct rule_allow *a)
{
	static const char *const keys[] = { "name", "protocol", "transport", "port", "ports",
					    "functions", "modbus", "s7", "opcua", "window",
					    "description", NULL };
	char what[160];
	snprintf(what, sizeof(what), "an allow rule of conduit '%s'", c->name);
	a->window = RULE_NONE;
	a->ua_anon_write = -1;
	a->line = v->line;
	if (!want(L, v, Y_MAP, what))
		return;
	check_keys(L, v, what, keys);
	const struct ynode *x;
	if ((x = get(v, "name")))
		a->label = str_of(L, x, "name");
	if (!a->label) {
		char lb[160];
		snprintf(lb, sizeof(lb), "%s#%u", c->name, idx + 1);
		a->label = arena_strdup(&L->p->arena, lb, strlen(lb));
	}
	if ((x = get(v, "protocol")))
		protos_of(L, x, "protocol", &a->protos);
	if ((x = get(v, "transport"))) {
		if (want(L, x, Y_SCALAR, "transport")) {
			if (strcmp(x->str, "tcp") == 0)
				a->transport = 6;
			else if (strcmp(x->str, "udp") == 0)
				a->transport = 17;
			else if (strcmp(x->str, "any") != 0)
				lerr(L, x, "transport: '%s' is not tcp, udp or any", x->str);
		}
	}
	const struct ynode *pt = get(v, "port"), *pts = get(v, "ports");
	if (pt && pts)
		lerr(L, pts, "give port or ports, not both");
	else if (pt || pts)
		ranges_of(L, pt ? pt : pts, pt ? "port" : "ports", 1, 65535, &a->ports);
	if ((x = get(v, "functions")))
		fclasses_of(L, x, &a->fclass_mask);
	if ((x = get(v, "window")))
		window_ref(L, x, "window", &a->window);

	int has_mb = 0, has_s7 = 0, has_ua = 0;
	for (uint32_t i = 0; i < a->protos.n; i++) {
		has_mb |= strcmp(a->protos.s[i], "modbus") == 0;
		has_s7 |= strcmp(a->protos.s[i], "s7comm") == 0 || strcmp(a->protos.s[i], "cotp") == 0;
		has_ua |= strcmp(a->protos.s[i], "opcua") == 0;
	}
	if ((x = get(v, "modbus"))) {
		if (!has_mb)
			lerr(L, x, "modbus: options need protocol: modbus in the same rule");
		else if (want(L, x, Y_MAP, "modbus")) {
			static const char *const mk[] = { "unit_ids", "addresses", NULL };
			check_keys(L, x, "modbus", mk);
			const struct ynode *y;
			if ((y = get(x, "unit_ids")))
				ranges_of(L, y, "unit_ids", 0, 255, &a->unit_ids);
			if ((y = get(x, "addresses")) && want(L, y, Y_MAP, "addresses")) {
				check_keys(L, y, "modbus addresses (per function class)", mb_class_keys);
				for (int f = 0; f < DIS_FC__COUNT; f++) {
					const struct ynode *r = get(y, fclass_names[f]);
					if (r && ranges_of(L, r, "addresses", 0, 65535, &a->mb_addr[f]) == 0)
						a->mb_addr_set |= (uint8_t)(1u << f);
				}
			}
		}
	}
	if ((x = get(v, "s7"))) {
		if (!has_s7)
			lerr(L, x, "s7: options need protocol: s7comm in the same rule");
		else if (want(L, x, Y_MAP, "s7")) {
			static const char *const sk[] = { "areas", "db", NULL };
			check_keys(L, x, "s7", sk);
			const struct ynode *y;
			struct rule_strs s = { 0 };
			if ((y = get(x, "areas")) && strs_of(L, y, "areas", 1, &s) == 0)
				for (uint32_t i = 0; i < s.n; i++) {
					int ar = -1;
					for (int q = 0; q < RULE_S7__COUNT; q++)
						if (strcmp(s.s[i], s7_area_names[q]) == 0)
							ar = q;
					if (ar < 0)
						lerr(L, y->type == Y_SEQ ? y->kid[i] : y,
						     "areas: unknown S7 area '%s' (hint: inputs, outputs, flags, "
						     "db, di, local, counters, timers, peripheral)", s.s[i]);
					else
						a->s7_area_mask |= 1u << ar;
				}
			if ((y = get(x, "db")))
				ranges_of(L, y, "db", 0, 65535, &a->s7_db);
		}
	}
	if ((x = get(v, "opcua"))) {
		if (!has_ua)
			lerr(L, x, "opcua: options need protocol: opcua in the same rule");
		else if (want(L, x, Y_MAP, "opcua")) {
			static const char *const uk[] = { "services", "security_mode", "anonymous_write",
							  NULL };
			check_keys(L, x, "opcua", uk);
			const struct ynode *y;
			if ((y = get(x, "services")))
				strs_of(L, y, "services", 1, &a->ua_services);
			if ((y = get(x, "security_mode")) && want(L, y, Y_SCALAR, "security_mode")) {
				int m = -1;
				for (int q = 1; q < 4; q++)
					if (strcmp(y->str, secmode_names[q]) == 0)
						m = q;
				if (m < 0)
					lerr(L, y, "security_mode: '%s' is not none, sign or "
						   "sign_and_encrypt (the minimum accepted)", y->str);
				else
					a->ua_min_mode = (uint8_t)m;
			}
			if ((y = get(x, "anonymous_write"))) {
				int b;
				if (bool_of(L, y, "anonymous_write", &b) == 0)
					a->ua_anon_write = (int8_t)b;
			}
		}
	}
}

static void load_conduits(struct ld *L, const struct ynode *cs)
{
	static const char *const keys[] = { "from", "to", "bidirectional", "allow", "description",
					    NULL };
	if (!(L->p->conduits = named_map(L, cs, "conduits", 65000, sizeof(struct rule_conduit))))
		return;
	for (uint32_t i = 0; i + 1 < cs->n; i += 2) {
		const struct ynode *k = cs->kid[i], *v = cs->kid[i + 1];
		if (!first_name(cs, i) || !want(L, v, Y_MAP, "a conduit"))
			continue;
		char what[128];
		snprintf(what, sizeof(what), "conduit '%s'", k->str);
		check_keys(L, v, what, keys);
		struct rule_conduit c = { 0 };
		c.name = arena_strdup(&L->p->arena, k->str, k->len);
		c.line = k->line;
		const struct ynode *f = get(v, "from"), *t = get(v, "to"), *x;
		int ok = 1;
		if (!f || !t) {
			lerr(L, k, "conduit '%s' needs from: and to: zones", k->str);
			ok = 0;
		} else {
			ok &= zone_ref(L, f, "from", 0, &c.from) == 0;
			ok &= zone_ref(L, t, "to", 0, &c.to) == 0;
			if (ok && c.from == c.to)
				lerr(L, t, "conduit '%s' joins zone '%s' to itself (hint: traffic "
					   "inside a zone needs no conduit)", k->str, t->str);
		}
		if ((x = get(v, "bidirectional"))) {
			int b;
			if (bool_of(L, x, "bidirectional", &b) == 0)
				c.bidir = (uint8_t)b;
		}
		x = get(v, "allow");
		if (!x) {
			lerr(L, k, "conduit '%s' has no allow rules (hint: allow: [{protocol: modbus, "
				   "port: 502, functions: [read]}])", k->str);
		} else if (want(L, x, Y_SEQ, "allow")) {
			if (x->n == 0)
				lerr(L, x, "conduit '%s': allow is empty", k->str);
			c.allow = arena_alloc(&L->p->arena, (x->n ? x->n : 1) * sizeof(*c.allow));
			if (!c.allow) {
				L->oom = 1;
				return;
			}
			for (uint32_t j = 0; j < x->n; j++)
				load_allow(L, &c, x->kid[j], j, &c.allow[c.nallow++]);
		}
		L->p->conduits[L->p->nconduits++] = c;
	}
}

static void load_remote(struct ld *L, const struct ynode *r)
{
	if (!want(L, r, Y_MAP, "remote_access"))
		return;
	static const char *const keys[] = { "protocols", "external_is_vendor", "approved", NULL };
	check_keys(L, r, "remote_access", keys);
	const struct ynode *x;
	if ((x = get(r, "protocols")))
		protos_of(L, x, "protocols", &L->p->remote_protos);
	if ((x = get(r, "external_is_vendor")))
		bool_of(L, x, "external_is_vendor", &L->p->external_is_vendor);
	x = get(r, "approved");
	if (!x || !want(L, x, Y_SEQ, "approved"))
		return;
	if (x->n > 65000) {
		lerr(L, x, "approved: too many entries");
		return;
	}
	L->p->remote = arena_alloc(&L->p->arena, (x->n ? x->n : 1) * sizeof(struct rule_remote));
	if (!L->p->remote) {
		L->oom = 1;
		return;
	}
	static const char *const ek[] = { "name", "from", "to", "via", "protocol", "valid_from",
					  "valid_until", "window", "description", NULL };
	for (uint32_t i = 0; i < x->n; i++) {
		const struct ynode *e = x->kid[i], *y;
		if (!want(L, e, Y_MAP, "an approved remote-access entry"))
			continue;
		check_keys(L, e, "an approved remote-access entry", ek);
		struct rule_remote re = { 0 };
		re.via = RULE_NONE;
		re.window = RULE_NONE;
		re.from = re.to = RULE_ZONE_ANY;
		re.line = e->line;
		if ((y = get(e, "name")))
			re.name = str_of(L, y, "name");
		if (!re.name) {
			char lb[64];
			snprintf(lb, sizeof(lb), "remote_access#%u", i + 1);
			re.name = arena_strdup(&L->p->arena, lb, strlen(lb));
		}
		if ((y = get(e, "from")))
			zone_ref(L, y, "from", 1, &re.from);
		if ((y = get(e, "to")))
			zone_ref(L, y, "to", 1, &re.to);
		if (re.to == RULE_ZONE_EXTERNAL && re.from == RULE_ZONE_EXTERNAL)
			lerr(L, get(e, "to"), "from and to are both external (hint: one side is a zone)");
		if ((y = get(e, "via")) && want(L, y, Y_SCALAR, "via")) {
			for (uint32_t q = 0; q < L->p->nassets; q++)
				if (strcmp(L->p->assets[q].name, y->str) == 0)
					re.via = (uint16_t)q;
			if (re.via == RULE_NONE)
				lerr(L, y, "via: unknown asset '%s' (hint: the jump host must be "
					   "declared under assets:)", y->str);
		}
		if ((y = get(e, "protocol")))
			protos_of(L, y, "protocol", &re.protos);
		if ((y = get(e, "valid_from")))
			time_of(L, y, "valid_from", &re.valid_from_us);
		if ((y = get(e, "valid_until")))
			time_of(L, y, "valid_until", &re.valid_until_us);
		if ((y = get(e, "window")))
			window_ref(L, y, "window", &re.window);
		L->p->remote[L->p->nremote++] = re;
	}
}

static void load_hygiene(struct ld *L, const struct ynode *h)
{
	if (!want(L, h, Y_MAP, "hygiene"))
		return;
	static const char *const keys[] = { "min_tls_version", "tls_risks", "cleartext",
					    "opcua_deprecated_policies", "design_data", NULL };
	check_keys(L, h, "hygiene", keys);
	const struct ynode *x;
	if ((x = get(h, "min_tls_version")) && want(L, x, Y_SCALAR, "min_tls_version")) {
		static const struct {
			const char *s;
			uint16_t v;
		} tv[] = { { "1.0", 0x0301 }, { "1.1", 0x0302 }, { "1.2", 0x0303 }, { "1.3", 0x0304 },
			   { "none", 0 } };
		int found = 0;
		for (size_t i = 0; i < sizeof(tv) / sizeof(tv[0]); i++)
			if (strcmp(x->str, tv[i].s) == 0) {
				L->p->min_tls = tv[i].v;
				found = 1;
			}
		if (!found)
			lerr(L, x, "min_tls_version: '%s' is not 1.0, 1.1, 1.2, 1.3 or none "
				   "(hint: quote it: \"1.2\")", x->str);
	}
	if ((x = get(h, "tls_risks")))
		bool_of(L, x, "tls_risks", &L->p->tls_risks);
	if ((x = get(h, "opcua_deprecated_policies")))
		bool_of(L, x, "opcua_deprecated_policies", &L->p->opcua_deprecated);
	if ((x = get(h, "design_data"))) {
		if (x->type == Y_SEQ && x->n == 0)
			L->p->design_patterns.n = 0;
		else
			strs_of(L, x, "design_data", 1, &L->p->design_patterns);
	}
	if ((x = get(h, "cleartext"))) {
		static const char *const ok[] = { "ftp", "tftp", "telnet", "http", "http_basic_auth",
						  "smbv1", "smtp", "pop3", "imap", NULL };
		if (x->type == Y_SEQ && x->n == 0) {
			L->p->cleartext.n = 0; /* nothing forbidden */
			return;
		}
		struct rule_strs s = { 0 };
		if (strs_of(L, x, "cleartext", 1, &s) == 0) {
			for (uint32_t i = 0; i < s.n; i++) {
				int f = 0;
				for (int q = 0; ok[q]; q++)
					f |= strcmp(s.s[i], ok[q]) == 0;
				if (!f)
					lerr(L, x->type == Y_SEQ ? x->kid[i] : x,
					     "cleartext: '%s' is not one of ftp, tftp, telnet, http, "
					     "http_basic_auth, smbv1, smtp, pop3, imap",
					     s.s[i]);
			}
			L->p->cleartext = s;
		}
	}
}

static char *default_remote[] = { "rdp", "vnc", "teamviewer", "anydesk", "ssh", "telnet",
				  "rlogin", "radmin", "splashtop", "rustdesk", "ammyyadmin" };
static char *default_cleartext[] = { "ftp", "tftp", "telnet", "http_basic_auth", "smbv1", "smtp" };

/* PLC project archives, firmware images, PCB and CAD data, BOMs. */
static char *default_design[] = {
	"*.zap*", "*.ap1?", "*.ap2?", "*.s7p", "*.acd", "*.l5x", "*.l5k", "*.rss", "*.mer",
	"*.stu", "*.sta", "*.pro", "*.gxw", "*.bin", "*.hex", "*.fw", "*.img", "*.upd",
	"*.gbr", "*.ger", "*.gtl", "*.gbl", "*.gto", "*.gbo", "*.drl", "*.odb*", "*.step",
	"*.stp", "*.iges", "*.igs", "*.dwg", "*.dxf", "*bom*.xls*", "*bom*.csv",
};

static void policy_defaults(struct rule_policy *p)
{
	p->design_patterns.s = default_design;
	p->design_patterns.n = sizeof(default_design) / sizeof(default_design[0]);
	p->scans.enabled = 1;
	p->scans.interval_us = 60ull * 1000000ull;
	p->scans.ports = 20;
	p->scans.hosts = 20;
	p->scans.modbus_units = 8;
	p->scans.modbus_functions = 10;
	p->scans.s7_szl_ids = 6;
	p->remote_protos.s = default_remote;
	p->remote_protos.n = sizeof(default_remote) / sizeof(default_remote[0]);
	p->external_is_vendor = 1;
	p->min_tls = 0x0303;
	p->tls_risks = 1;
	p->cleartext.s = default_cleartext;
	p->cleartext.n = sizeof(default_cleartext) / sizeof(default_cleartext[0]);
	p->opcua_deprecated = 1;
	p->summary_us = 300ull * 1000000ull;
	p->site = "built-in default";
}

/* rule_design_meta() of every design-data pattern, once. */
static int build_design_meta(struct rule_policy *p)
{
	if (!p->design_patterns.n)
		return 0;
	p->design_meta = malloc(p->design_patterns.n * sizeof(*p->design_meta));
	if (!p->design_meta)
		return -1;
	for (uint32_t i = 0; i < p->design_patterns.n; i++)
		p->design_meta[i] = rule_design_meta(p->design_patterns.s[i]);
	return 0;
}

static int build_lpm(struct rule_policy *p)
{
	p->lpm[0] = rule_lpm_new();
	p->lpm[1] = rule_lpm_new();
	if (!p->lpm[0] || !p->lpm[1])
		return -1;
	for (uint32_t z = 0; z < p->nzones; z++)
		for (uint32_t j = 0; j < p->zones[z].nnets; j++) {
			const struct rule_net *n = &p->zones[z].nets[j];
			uint32_t old;
			/* value: zone, no asset */
			if (rule_lpm_insert(p->lpm[n->ver == 6], n->addr, n->plen,
					    (uint32_t)RULE_NONE << 16 | z, &old) < 0)
				return -1;
		}
	for (uint32_t a = 0; a < p->nassets; a++) {
		const struct rule_net *n = &p->assets[a].addr;
		uint32_t old;
		if (rule_lpm_insert(p->lpm[n->ver == 6], n->addr, n->plen,
				    a << 16 | p->assets[a].zone, &old) < 0)
			return -1;
	}
	return 0;
}

static void load_scans(struct ld *L, const struct ynode *sc)
{
	struct rule_scans *s = &L->p->scans;
	if (!want(L, sc, Y_MAP, "scans"))
		return;
	static const char *const keys[] = { "enabled", "interval", "ports", "hosts", "modbus_units",
					    "modbus_functions", "s7_szl_ids", "allowed", NULL };
	check_keys(L, sc, "scans", keys);
	const struct ynode *x;
	uint64_t u;
	if ((x = get(sc, "enabled")))
		bool_of(L, x, "enabled", &s->enabled);
	if ((x = get(sc, "interval")) && duration_of(L, x, "interval", &s->interval_us) == 0 &&
	    s->interval_us == 0)
		lerr(L, x, "interval must be at least 1s");
	static const struct {
		const char *key;
		size_t off;
	} th[] = {
		{ "ports", offsetof(struct rule_scans, ports) },
		{ "hosts", offsetof(struct rule_scans, hosts) },
		{ "modbus_units", offsetof(struct rule_scans, modbus_units) },
		{ "modbus_functions", offsetof(struct rule_scans, modbus_functions) },
		{ "s7_szl_ids", offsetof(struct rule_scans, s7_szl_ids) },
	};
	for (size_t i = 0; i < sizeof(th) / sizeof(th[0]); i++)
		if ((x = get(sc, th[i].key)) && uint_of(L, x, th[i].key, 2, 65535, &u) == 0)
			*(uint32_t *)((char *)s + th[i].off) = (uint32_t)u;
	x = get(sc, "allowed");
	if (!x || !want(L, x, Y_SEQ, "allowed"))
		return;
	s->allow = arena_alloc(&L->p->arena, (x->n ? x->n : 1) * sizeof(*s->allow));
	if (!s->allow) {
		L->oom = 1;
		return;
	}
	static const char *const ak[] = { "from", "window", "description", NULL };
	for (uint32_t i = 0; i < x->n; i++) {
		const struct ynode *e = x->kid[i], *y;
		if (!want(L, e, Y_MAP, "an allowed scan"))
			continue;
		check_keys(L, e, "an allowed scan", ak);
		struct rule_scan_allow a = { RULE_ZONE_ANY, RULE_NONE };
		if ((y = get(e, "from")))
			zone_ref(L, y, "from", 1, &a.from);
		if ((y = get(e, "window")))
			window_ref(L, y, "window", &a.window);
		s->allow[s->nallow++] = a;
	}
}

static void load_root(struct ld *L, const struct ynode *root)
{
	struct rule_policy *p = L->p;
	if (!root) {
		lerr_at(L, 1, 1, "the policy is empty (hint: see examples/plant-policy.yaml)");
		return;
	}
	if (!want(L, root, Y_MAP, "the policy"))
		return;
	static const char *const keys[] = { "version", "site", "zones", "assets", "conduits",
					    "windows", "remote_access", "hygiene", "new_assets",
					    "alerts", "scans", NULL };
	check_keys(L, root, "the policy", keys);
	const struct ynode *x;
	if ((x = get(root, "version"))) {
		uint64_t v;
		(void)uint_of(L, x, "version", 1, 1, &v);
	}
	if ((x = get(root, "site")))
		p->site = str_of(L, x, "site");
	else
		p->site = "unnamed site";
	x = get(root, "zones");
	if (!x) {
		lerr_at(L, root->line, root->col, "the policy has no zones: section (hint: zones: "
			"{control: {security_level: 3, networks: [10.10.1.0/24]}})");
		return;
	}
	load_zones(L, x);
	if ((x = get(root, "assets")))
		load_assets(L, x);
	if ((x = get(root, "windows")))
		load_windows(L, x);
	if ((x = get(root, "conduits")))
		load_conduits(L, x);
	if ((x = get(root, "remote_access")))
		load_remote(L, x);
	if ((x = get(root, "hygiene")))
		load_hygiene(L, x);
	if ((x = get(root, "new_assets")) && want(L, x, Y_MAP, "new_assets")) {
		static const char *const nk[] = { "enabled", "learning_period", NULL };
		check_keys(L, x, "new_assets", nk);
		const struct ynode *y;
		p->new_assets = 1;
		if ((y = get(x, "enabled")))
			bool_of(L, y, "enabled", &p->new_assets);
		if ((y = get(x, "learning_period")))
			duration_of(L, y, "learning_period", &p->learning_us);
	}
	if ((x = get(root, "scans")))
		load_scans(L, x);
	if ((x = get(root, "alerts")) && want(L, x, Y_MAP, "alerts")) {
		static const char *const ak[] = { "summary_interval", NULL };
		check_keys(L, x, "alerts", ak);
		const struct ynode *y;
		if ((y = get(x, "summary_interval")) &&
		    duration_of(L, y, "summary_interval", &p->summary_us) == 0 && p->summary_us == 0)
			lerr(L, y, "summary_interval must be at least 1s");
	}
}

struct rule_policy *rule_policy_load_mem(const char *name, const char *buf, size_t len,
					 rule_proto_known_fn known, void *user,
					 struct rule_errors *err)
{
	struct ld L = { 0 };
	memset(err, 0, sizeof(*err));
	L.file = name;
	L.err = err;
	L.known = known;
	L.user = user;
	struct rule_policy *p = calloc(1, sizeof(*p));
	if (!p) {
		lerr_at(&L, 1, 1, "out of memory");
		return NULL;
	}
	L.p = p;
	policy_defaults(p);
	p->path = strdup(name);
	if (memchr(buf, '\0', len)) {
		lerr_at(&L, 1, 1, "the file contains NUL bytes; it is not a text policy");
	} else {
		struct ynode *root = yparse(&L, buf, len);
		if (!err->n)
			load_root(&L, root);
	}
	if (L.oom && !err->n)
		lerr_at(&L, 1, 1, "out of memory");
	if (!err->n && (build_lpm(p) < 0 || build_design_meta(p) < 0))
		lerr_at(&L, 1, 1, "out of memory building the zone lookup");
	arena_free(L.tree);
	if (err->n || !p->path) {
		rule_policy_free(p);
		return NULL;
	}
	return p;
}

struct rule_policy *rule_policy_load(const char *path, rule_proto_known_fn known, void *user,
				     struct rule_errors *err)
{
	memset(err, 0, sizeof(*err));
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err->msg[0], sizeof(err->msg[0]), "%s: cannot open the policy: %s", path,
			 strerror(errno));
		err->n = 1;
		return NULL;
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (len == cap) {
			if (cap >= Y_MAX_FILE) {
				snprintf(err->msg[0], sizeof(err->msg[0]),
					 "%s: the policy is larger than %u MiB", path, Y_MAX_FILE >> 20);
				err->n = 1;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t r = fread(buf + len, 1, cap - len, fp);
		len += r;
		if (r == 0)
			break;
	}
	int rerr = ferror(fp);
	fclose(fp);
	if (!buf || rerr || err->n) {
		if (!err->n) {
			snprintf(err->msg[0], sizeof(err->msg[0]), "%s: cannot read the policy", path);
			err->n = 1;
		}
		free(buf);
		return NULL;
	}
	struct rule_policy *p = rule_policy_load_mem(path, buf, len, known, user, err);
	free(buf);
	return p;
}

struct rule_policy *rule_policy_builtin(void)
{
	struct rule_policy *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	policy_defaults(p);
	p->builtin = 1;
	p->path = strdup("(built-in default)");
	if (!p->path || build_lpm(p) < 0 || build_design_meta(p) < 0) {
		rule_policy_free(p);
		return NULL;
	}
	return p;
}

void rule_policy_free(struct rule_policy *p)
{
	if (!p)
		return;
	rule_lpm_free(p->lpm[0]);
	rule_lpm_free(p->lpm[1]);
	free(p->design_meta);
	arena_free(p->arena);
	free(p->path);
	free(p);
}
