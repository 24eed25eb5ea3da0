/* rule_lpm.c - address-to-zone lookup: a binary trie built at load time.
 *
 * One trie per address family; a node per prefix bit, children by index in
 * one array (no per-node allocation). A lookup walks at most 32 or 128
 * nodes and remembers the deepest one carrying a value, so host routes
 * (assets) win over their zone's networks. It runs once per flow, not per
 * packet (rule_run.c caches the answer in the flow).
 */
#include "config.h"

#include "rules/rule_model.h"

#include <stdlib.h>
#include <fnmatch.h>
#include <strings.h>
#include <string.h>

#define LPM_NONE UINT32_MAX

struct lpm_node {
	uint32_t child[2];
	uint32_t val;
};

struct rule_lpm {
	struct lpm_node *n;
	uint32_t used, cap;
};

static uint32_t node_new(struct rule_lpm *t)
{
	if (t->used == t->cap) {
		uint32_t nc = t->cap ? t->cap * 2 : 64;
		struct lpm_node *nn = realloc(t->n, (size_t)nc * sizeof(*nn));
		if (!nn)
			return LPM_NONE;
		t->n = nn;
		t->cap = nc;
	}
	struct lpm_node *x = &t->n[t->used];
	x->child[0] = x->child[1] = LPM_NONE;
	x->val = LPM_NONE;
	return t->used++;
}

struct rule_lpm *rule_lpm_new(void)
{
	struct rule_lpm *t = calloc(1, sizeof(*t));
	if (t && node_new(t) == LPM_NONE) {
		free(t);
		return NULL;
	}
	return t;
}

void rule_lpm_free(struct rule_lpm *t)
{
	if (!t)
		return;
	free(t->n);
	free(t);
}

static inline unsigned bit_at(const uint8_t *a, unsigned i)
{
	return (a[i >> 3] >> (7 - (i & 7))) & 1u;
}

int rule_lpm_insert(struct rule_lpm *t, const uint8_t *addr, unsigned plen, uint32_t val,
		    uint32_t *old)
{
	uint32_t cur = 0;
	for (unsigned i = 0; i < plen; i++) {
		unsigned b = bit_at(addr, i);
		uint32_t nx = t->n[cur].child[b];
		if (nx == LPM_NONE) {
			nx = node_new(t); /* may move t->n */
			if (nx == LPM_NONE)
				return -1;
			t->n[cur].child[b] = nx;
		}
		cur = nx;
	}
	if (t->n[cur].val != LPM_NONE) {
		if (old)
			*old = t->n[cur].val;
		return 1;
	}
	t->n[cur].val = val;
	return 0;
}

uint32_t rule_lpm_find(const struct rule_lpm *t, const uint8_t *addr, unsigned bits)
{
	if (!t)
		return LPM_NONE;
	uint32_t cur = 0, best = t->n[0].val;
	for (unsigned i = 0; i < bits; i++) {
		cur = t->n[cur].child[bit_at(addr, i)];
		if (cur == LPM_NONE)
			break;
		if (t->n[cur].val != LPM_NONE)
			best = t->n[cur].val;
	}
	return best;
}

int rule_ranges_has(const struct rule_ranges *r, uint32_t v)
{
	if (r->n == 0)
		return 1;
	for (uint32_t i = 0; i < r->n; i++)
		if (v >= r->r[i].lo && v <= r->r[i].hi)
			return 1;
	return 0;
}

/* Trie values: zone index in the low 16 bits, asset index in the high 16. */
void rule_lookup(const struct rule_policy *p, const uint8_t *addr, uint8_t ver, uint16_t vlan,
		 uint16_t *zone, uint16_t *asset)
{
	*zone = *asset = RULE_NONE;
	uint32_t v = rule_lpm_find(p->lpm[ver == 6], ver == 6 ? addr : addr + 12, ver == 6 ? 128 : 32);
	if (v == LPM_NONE)
		return;
	uint16_t z = (uint16_t)(v & 0xffffu), a = (uint16_t)(v >> 16);
	*asset = a;
	if (z != RULE_NONE && z < p->nzones && p->zones[z].vlans.n &&
	    !rule_ranges_has(&p->zones[z].vlans, vlan))
		z = RULE_NONE; /* the zone's networks, but on another VLAN */
	*zone = z;
}

static int in4(const uint8_t *a, uint8_t b0, uint8_t b1, unsigned plen)
{
	uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	uint32_t n = (uint32_t)b0 << 24 | (uint32_t)b1 << 16;
	uint32_t m = plen ? ~0u << (32 - plen) : 0;
	return (x & m) == (n & m);
}

int rule_addr_is_public(const uint8_t *a16, uint8_t ver)
{
	const uint8_t *a = a16;
	if (ver == 4) {
		a = a16 + 12;
		return !(in4(a, 10, 0, 8) || in4(a, 172, 16, 12) || in4(a, 192, 168, 16) ||
			 in4(a, 127, 0, 8) || in4(a, 169, 254, 16) || in4(a, 100, 64, 10) ||
			 in4(a, 0, 0, 8) || in4(a, 224, 0, 4) || in4(a, 240, 0, 4));
	}
	static const uint8_t zero[16];
	if (memcmp(a, zero, 15) == 0)
		return 0; /* :: and ::1 */
	if ((a[0] & 0xfe) == 0xfc)
		return 0; /* fc00::/7 unique local */
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return 0; /* fe80::/10 link local */
	if (a[0] == 0xff)
		return 0; /* multicast */
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (memcmp(a, mapped, 12) == 0)
		return rule_addr_is_public(a, 4);
	return 1;
}

int rule_window_contains(const struct rule_window *w, uint64_t ts_us)
{
	if (w->from_us && ts_us < w->from_us)
		return 0;
	if (w->until_us && ts_us >= w->until_us)
		return 0;
	if (!w->has_hours)
		return 1;
	int64_t local_s = (int64_t)(ts_us / 1000000u) + (int64_t)w->utc_offset_min * 60;
	int64_t day = local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400;
	unsigned min = (unsigned)((local_s - day * 86400) / 60);
	/* 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7 */
	unsigned wd = (unsigned)(((day + 3) % 7 + 7) % 7);
	if (w->start_min <= w->end_min)
		return (w->days >> wd & 1u) && min >= w->start_min && min < w->end_min;
	/* wraps midnight: the part after midnight belongs to the previous day */
	if (min >= w->start_min)
		return w->days >> wd & 1u;
	if (min < w->end_min)
		return w->days >> ((wd + 6) % 7) & 1u;
	return 0;
}

/* The length of the literal run at the start of s: up to the first of
 * * ? [ \\ or the end. */
static size_t lit_run(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[' || s[i] == '\\')
			break;
	return i;
}

static unsigned char ascii_lower(char c)
{
	unsigned char u = (unsigned char)c;
	return u >= 'A' && u <= 'Z' ? (unsigned char)(u + 32) : u;
}

uint32_t rule_design_meta(const char *pat)
{
	uint32_t star = pat[0] == '*';
	size_t sl = star ? lit_run(pat + 1) : 0;
	uint32_t plain = star && pat[1 + sl] == '\0';
	if (sl > UINT32_MAX >> 3) {
		/* a shorter literal only weakens fnmatch's prefilter */
		sl = UINT32_MAX >> 3;
		plain = 0;
	}
	return (uint32_t)sl << 3 | star << 2 | plain << 1 | 1u;
}

/* 1 if hay (hl bytes) holds lit (ll >= 1 bytes), ASCII case folded as
 * fnmatch(FNM_CASEFOLD) folds in the C locale. */
static int has_folded(const char *hay, size_t hl, const char *lit, size_t ll)
{
	unsigned char c0 = ascii_lower(lit[0]);
	for (size_t i = 0; i + ll <= hl; i++) {
		if (ascii_lower(hay[i]) != c0)
			continue;
		size_t k = 1;
		while (k < ll && ascii_lower(hay[i + k]) == ascii_lower(lit[k]))
			k++;
		if (k == ll)
			return 1;
	}
	return 0;
}

int rule_design_data(const struct rule_policy *p, const char *name, size_t len,
		     const char **pattern)
{
	char buf[256];
	if (len == 0)
		return 0;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	/* the last path component */
	const char *base = buf;
	for (const char *c = buf; *c; c++)
		if (*c == '/' || *c == '\\')
			base = c + 1;
	size_t bl = strlen(base), sl;
	for (uint32_t i = 0; i < p->design_patterns.n; i++) {
		const char *pat = p->design_patterns.s[i];
		/* "*.ext": a suffix comparison, without fnmatch (every HTTP
		 * request with a file name is checked) */
		uint32_t m = p->design_meta ? p->design_meta[i] : rule_design_meta(pat);
		sl = m >> 3;
		if (m & 2) {
			/* the last bytes first (strcasecmp folds ASCII: no
			 * locale is set) */
			if (bl >= sl && (sl == 0 || ascii_lower(base[bl - 1]) == ascii_lower(pat[sl])) &&
			    strcasecmp(base + bl - sl, pat + 1) == 0) {
				if (pattern)
					*pattern = pat;
				return 1;
			}
			continue;
		}
		/* "*lit...": the name must hold lit somewhere, or fnmatch
		 * cannot match */
		if (sl && !has_folded(base, bl, pat + 1, sl))
			continue;
		if (fnmatch(pat, base, FNM_CASEFOLD) == 0) {
			if (pattern)
				*pattern = pat;
			return 1;
		}
	}
	return 0;
}
