/* rule_model.h - the loaded policy: zones, assets, conduits, allow-rules,
 * remote access, hygiene, maintenance windows; the loader and the
 * address-to-zone lookup. docs/policy.md documents the file format.
 *
 * A policy is immutable once loaded, so it can be swapped atomically (live
 * mode reloads it on SIGHUP) and shared by the evaluator without locks.
 */
#ifndef ZW_RULE_MODEL_H
#define ZW_RULE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/dis_event.h"

#define RULE_NONE 0xffffu     /* no zone / asset / conduit / window */
#define RULE_MAX_ERRORS 50    /* errors collected before the loader stops */

struct rule_range {
	uint32_t lo, hi;
};

/* A set of closed ranges; n == 0 means "any". */
struct rule_ranges {
	struct rule_range *r;
	uint32_t n;
};

struct rule_net {
	uint8_t ver;   /* 4 or 6 */
	uint8_t plen;  /* prefix length */
	uint8_t addr[16];
};

struct rule_strs {
	char **s;
	uint32_t n;
};

struct rule_zone {
	const char *name;
	int security_level;     /* 0..4 (IEC 62443 SL), -1 if not given */
	struct rule_net *nets;
	uint32_t nnets;
	struct rule_ranges vlans; /* the flow's VLAN must be one of these; any if empty */
	const char *description;
	uint32_t line;
};

struct rule_asset {
	const char *name;
	struct rule_net addr;   /* host address (plen 32/128) */
	uint16_t zone;
	const char *vendor, *model, *role;
	uint32_t line;
};

/* OPC UA message security modes, ordered by strength. */
enum rule_secmode {
	RULE_SM_UNSET,
	RULE_SM_NONE,
	RULE_SM_SIGN,
	RULE_SM_SIGN_AND_ENCRYPT,
};

struct rule_allow {
	const char *label;      /* "<conduit>#<n>" or the rule's name */
	struct rule_strs protos; /* canonical protocol names; any if empty */
	uint8_t transport;      /* 0 any, 6 tcp, 17 udp */
	struct rule_ranges ports; /* responder (server) ports; any if empty */
	uint8_t fclass_mask;    /* bit per enum dis_fclass; 0 = any */
	/* Modbus */
	struct rule_ranges unit_ids;
	struct rule_ranges mb_addr[DIS_FC__COUNT]; /* per function class */
	uint8_t mb_addr_set;    /* bit per class that has address ranges */
	/* S7comm */
	uint32_t s7_area_mask;  /* bit per enum rule_s7_area; 0 = any */
	struct rule_ranges s7_db;
	/* OPC UA */
	struct rule_strs ua_services; /* service names (snake_case); any if empty */
	uint8_t ua_min_mode;    /* enum rule_secmode; UNSET = no requirement */
	int8_t ua_anon_write;   /* -1 not said (default: forbidden), 0 forbidden, 1 allowed */
	uint16_t window;        /* program/control allowed only inside; RULE_NONE = always */
	uint32_t line;
};

enum rule_s7_area {
	RULE_S7_INPUTS, RULE_S7_OUTPUTS, RULE_S7_FLAGS, RULE_S7_DB, RULE_S7_DI, RULE_S7_LOCAL,
	RULE_S7_COUNTERS, RULE_S7_TIMERS, RULE_S7_PERIPHERAL, RULE_S7_OTHER, RULE_S7__COUNT
};

struct rule_conduit {
	const char *name;
	uint16_t from, to;      /* zone indexes */
	uint8_t bidir;          /* either zone may initiate */
	struct rule_allow *allow;
	uint32_t nallow;
	uint32_t line;
};

/* A maintenance window: weekly hours and/or an absolute period. */
struct rule_window {
	const char *name;
	uint8_t days;           /* bit 0 Monday .. bit 6 Sunday; 0x7f = every day */
	uint16_t start_min, end_min; /* minutes of the day; end < start wraps midnight */
	uint8_t has_hours;
	int32_t utc_offset_min; /* local time of the site */
	uint64_t from_us, until_us; /* 0 = open */
	uint32_t line;
};

#define RULE_ZONE_EXTERNAL 0xfffeu /* remote_access.from: outside all zones */
#define RULE_ZONE_ANY 0xfffdu

struct rule_remote {
	const char *name;
	uint16_t from, to;      /* zone index, RULE_ZONE_EXTERNAL or RULE_ZONE_ANY */
	uint16_t via;           /* asset the session must reach (jump host), RULE_NONE = any */
	struct rule_strs protos; /* any remote-access protocol if empty */
	uint64_t valid_from_us, valid_until_us; /* 0 = open */
	uint16_t window;        /* weekly hours, RULE_NONE = always */
	uint32_t line;
};

/* Scans a policy tolerates (commissioning, SAT): from a zone (or external,
 * any) inside a window. */
struct rule_scan_allow {
	uint16_t from;          /* zone index, RULE_ZONE_EXTERNAL or RULE_ZONE_ANY */
	uint16_t window;        /* RULE_NONE = always */
};

struct rule_scans {
	int enabled;
	uint64_t interval_us;   /* counting window */
	uint32_t ports;         /* distinct server ports of one host, per interval */
	uint32_t hosts;         /* distinct servers on one port, per interval */
	uint32_t modbus_units;  /* distinct unit ids from one client to one server */
	uint32_t modbus_functions; /* distinct function codes, same */
	uint32_t s7_szl_ids;    /* distinct SZL ids read by one client */
	struct rule_scan_allow *allow;
	uint32_t nallow;
};

struct rule_lpm;

struct rule_policy {
	char *path;
	const char *site;
	int builtin;            /* the embedded default policy (no --policy) */
	struct rule_zone *zones;
	uint32_t nzones;
	struct rule_asset *assets;
	uint32_t nassets;
	struct rule_conduit *conduits;
	uint32_t nconduits;
	struct rule_window *windows;
	uint32_t nwindows;
	struct rule_remote *remote;
	uint32_t nremote;
	struct rule_strs remote_protos; /* protocols that count as remote access */
	int external_is_vendor;
	/* hygiene */
	uint16_t min_tls;       /* 0x0303 = TLS 1.2 */
	int tls_risks;          /* report nDPI's other TLS risks */
	struct rule_strs cleartext; /* forbidden across conduits: ftp, tftp, telnet, ... */
	int opcua_deprecated;   /* report deprecated OPC UA security policies */
	struct rule_strs design_patterns; /* file names of design/production data (globs) */
	uint32_t *design_meta;  /* rule_design_meta() of each pattern, set by the loader; NULL:
				 * worked out per call */
	struct rule_scans scans;
	/* new assets */
	int new_assets;
	uint64_t learning_us;
	uint64_t summary_us;    /* repeats of an alert are summarised this often */
	struct rule_lpm *lpm[2]; /* IPv4, IPv6 */
	/* storage */
	struct rule_arena *arena;
};

/* FNV-1a over n bytes, continuing from h (start with RULE_HASH_SEED): the
 * hash of the bounded tables of rules/ and output/ (deduplication, scans,
 * new assets, SAT, learning, inventory). */
#define RULE_HASH_SEED 0xcbf29ce484222325ull
static inline uint64_t rule_hash(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* ---- loading (rule_load.c) ---- */

/* Optional check of protocol names the loader does not know itself (nDPI
 * names): returns 1 if known. */
typedef int (*rule_proto_known_fn)(void *user, const char *name);

struct rule_errors {
	unsigned n;
	char msg[RULE_MAX_ERRORS][320]; /* "file:line:col: message" */
	unsigned dropped;
};

/* Loads the policy file at path (YAML or JSON). Returns NULL and fills err
 * (every problem found, each with file:line:column and a hint) on error. */
struct rule_policy *rule_policy_load(const char *path, rule_proto_known_fn known, void *user,
				     struct rule_errors *err);
/* The same from memory (name is used in messages). */
struct rule_policy *rule_policy_load_mem(const char *name, const char *buf, size_t len,
					 rule_proto_known_fn known, void *user,
					 struct rule_errors *err);
/* The embedded default policy used without --policy. */
struct rule_policy *rule_policy_builtin(void);
void rule_policy_free(struct rule_policy *p);

/* Canonical policy name of a protocol name or alias ("Modbus-TCP" ->
 * "modbus"); lower-cases unknown names into buf. */
const char *rule_proto_canon(const char *name, char *buf, size_t len);
const char *rule_secmode_name(enum rule_secmode m);
const char *rule_s7_area_name(enum rule_s7_area a);

/* ---- lookup (rule_lpm.c) ---- */

/* Addresses are in the flow's form: 16 bytes, IPv4 as ::ffff:a.b.c.d.
 * Longest-prefix match of addr: zone and asset index (RULE_NONE when none).
 * The zone's VLAN list is checked against vlan. */
void rule_lookup(const struct rule_policy *p, const uint8_t *addr, uint8_t ver, uint16_t vlan,
		 uint16_t *zone, uint16_t *asset);
/* 1 if addr is not private, loopback, link-local, CGNAT, unique-local or
 * multicast: a public (external) address. */
int rule_addr_is_public(const uint8_t *addr, uint8_t ver);

struct rule_lpm *rule_lpm_new(void);
/* val: opaque 32-bit value. Returns 0, 1 if the exact prefix was already
 * present (old value in *old), -1 on allocation failure. */
int rule_lpm_insert(struct rule_lpm *t, const uint8_t *addr, unsigned plen, uint32_t val,
		    uint32_t *old);
/* Value of the longest prefix covering addr (bits = 32 or 128), or
 * UINT32_MAX if none. */
uint32_t rule_lpm_find(const struct rule_lpm *t, const uint8_t *addr, unsigned bits);
void rule_lpm_free(struct rule_lpm *t);

/* What rule_design_data() needs to know of a pattern, packed (never 0):
 * whether it starts with '*', the length of the literal run after that
 * star, and whether that run is the whole rest (a plain suffix). */
uint32_t rule_design_meta(const char *pattern);

/* 1 when the file name matches one of the policy's design-data patterns
 * (case-insensitive globs); *pattern receives the pattern. */
int rule_design_data(const struct rule_policy *p, const char *name, size_t len,
		     const char **pattern);

/* 1 when time ts_us lies inside window w. */
int rule_window_contains(const struct rule_window *w, uint64_t ts_us);
int rule_ranges_has(const struct rule_ranges *r, uint32_t v);

#endif /* ZW_RULE_MODEL_H */
