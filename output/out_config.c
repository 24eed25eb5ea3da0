/* out_config.c - output options and the `outputs:` section (out_config.h).
 *
 *   outputs:
 *     json:    { path: FILE, alerts_only: BOOL, events: BOOL, flows: BOOL,
 *                metrics: BOOL, max_size_mib: N, keep: N }
 *     syslog:
 *       - { url: tls://siem:6514, format: rfc5424-json, facility: local4,
 *           ca: FILE, cert: FILE, key: FILE, queue: N }
 *     spool:   { dir: DIR, max_mib: N }
 *     drain_timeout: SECONDS
 *
 * Strict: an unknown key, a wrong type or a bad value is an error naming
 * file:line:column, so a typo never silently turns an output off.
 */
#include "config.h"

#include "output/out_config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "output/out_json.h"

#define OUT_DRAIN_MAX_S 3600

void out_config_init(struct out_config *oc)
{
	memset(oc, 0, sizeof(*oc));
	oc->json_keep = OUT_JSON_KEEP_DEFAULT;
	out_sink_config_init(&oc->cli);
	oc->drain_timeout_ms = OUT_DRAIN_TIMEOUT_DEFAULT_MS;
}

void out_config_free(struct out_config *oc)
{
	free(oc->json_path);
	oc->json_path = NULL;
}

void out_config_usage(FILE *fp)
{
	fprintf(fp,
		"\nAlert delivery (see zonewatch(8), OUTPUTS):\n"
		"      --alerts-only        JSON output: alerts only (no events, flows, metrics)\n"
		"      --json-max-size MIB  rotate the JSON file at this size (FILE.1 newest;\n"
		"                           NK for KiB)\n"
		"      --json-keep N        rotated JSON files kept (default %d)\n"
		"      --syslog DEST        also send alerts to DEST: udp://HOST[:PORT],\n"
		"                           tcp://HOST[:PORT], tls://HOST[:PORT] or local\n"
		"                           (repeatable; in live mode SIGHUP reopens\n"
		"                           the JSON file)\n"
		"      --syslog-format F    rfc5424-json (default), rfc5424-text or cef\n"
		"      --syslog-facility F  syslog facility (default local4)\n"
		"      --syslog-ca FILE     TLS: CA certificates for the collector (default:\n"
		"                           the system's); its name must match HOST\n"
		"      --syslog-cert FILE   TLS: client certificate (with --syslog-key)\n"
		"      --syslog-key FILE    TLS: client private key\n"
		"      --spool-dir DIR      keep undeliverable alerts on disk, deliver later\n"
		"      --spool-max MIB      spool size per destination (default %d)\n"
		"      --sink-queue N       alerts held in memory per destination (default %d)\n"
		"      --drain-timeout S    at exit, wait up to S seconds for delivery (default %d)\n"
		"      --config FILE        read the outputs: section of FILE (YAML); options\n"
		"                           after it override it\n",
		OUT_JSON_KEEP_DEFAULT, OUT_SPOOL_MAX_DEFAULT_MIB, OUT_SINK_QUEUE_DEFAULT,
		OUT_DRAIN_TIMEOUT_DEFAULT_MS / 1000);
}

static int num(const char *what, const char *s, unsigned long min, unsigned long max,
	       unsigned long *out, char *errbuf, size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		snprintf(errbuf, errlen, "%s: '%s' is not a number in %lu..%lu", what, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int copy_path(char *dst, size_t len, const char *what, const char *s, char *errbuf,
		     size_t errlen)
{
	if (strlen(s) >= len || !s[0]) {
		snprintf(errbuf, errlen, "%s: bad or too long path", what);
		return -1;
	}
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int add_sink(struct out_config *oc, const char *url, int from_cli, struct out_sink_config **out,
		    char *errbuf, size_t errlen)
{
	if (oc->nsinks >= OUT_SINKS_MAX) {
		snprintf(errbuf, errlen, "too many syslog destinations (at most %d)", OUT_SINKS_MAX);
		return -1;
	}
	struct out_sink_config *c = &oc->sink[oc->nsinks];
	out_sink_config_init(c);
	if (out_sink_parse_url(c, url, errbuf, errlen) < 0)
		return -1;
	oc->sink_from_cli[oc->nsinks] = from_cli;
	oc->nsinks++;
	if (out)
		*out = c;
	return 0;
}

int out_config_option(struct out_config *oc, int opt, const char *arg, char *errbuf,
		      size_t errlen)
{
	unsigned long v;
	int r;
	switch (opt) {
	case OUT_OPT_ALERTS_ONLY:
		oc->what_set |= OUT_JSON_ALERTS;
		oc->what_clear |= OUT_JSON_EVENTS | OUT_JSON_FLOWS | OUT_JSON_METRICS;
		return 0;
	case OUT_OPT_JSON_MAX_SIZE: {
		/* MiB, or KiB with a K suffix ("512K") */
		char tmp[32];
		size_t n = strlen(arg);
		int kib = n > 1 && n < sizeof(tmp) && (arg[n - 1] == 'K' || arg[n - 1] == 'k');
		if (kib) {
			memcpy(tmp, arg, n - 1);
			tmp[n - 1] = '\0';
		}
		if (num("--json-max-size", kib ? tmp : arg, 1, kib ? 1u << 30 : 1u << 20, &v, errbuf,
			errlen) < 0)
			return -1;
		oc->json_max_bytes = (uint64_t)v << (kib ? 10 : 20);
		return 0;
	}
	case OUT_OPT_JSON_KEEP:
		if (num("--json-keep", arg, 0, 1000, &v, errbuf, errlen) < 0)
			return -1;
		oc->json_keep = (unsigned)v;
		return 0;
	case OUT_OPT_SYSLOG: return add_sink(oc, arg, 1, NULL, errbuf, errlen);
	case OUT_OPT_SYSLOG_FORMAT:
		r = out_fmt_parse(arg);
		if (r < 0) {
			snprintf(errbuf, errlen, "--syslog-format: '%s' is not rfc5424-json, rfc5424-text or cef", arg);
			return -1;
		}
		oc->cli.fmt = (enum out_fmt)r;
		return 0;
	case OUT_OPT_SYSLOG_FACILITY:
		r = out_facility_parse(arg);
		if (r < 0) {
			snprintf(errbuf, errlen, "--syslog-facility: unknown facility '%s' (local0..local7, user, daemon, ...)", arg);
			return -1;
		}
		oc->cli.facility = r;
		return 0;
	case OUT_OPT_SYSLOG_CA:
		return copy_path(oc->cli.ca_file, sizeof(oc->cli.ca_file), "--syslog-ca", arg, errbuf, errlen);
	case OUT_OPT_SYSLOG_CERT:
		return copy_path(oc->cli.cert_file, sizeof(oc->cli.cert_file), "--syslog-cert", arg, errbuf, errlen);
	case OUT_OPT_SYSLOG_KEY:
		return copy_path(oc->cli.key_file, sizeof(oc->cli.key_file), "--syslog-key", arg, errbuf, errlen);
	case OUT_OPT_SPOOL_DIR:
		return copy_path(oc->cli.spool_dir, sizeof(oc->cli.spool_dir), "--spool-dir", arg, errbuf, errlen);
	case OUT_OPT_SPOOL_MAX:
		if (num("--spool-max", arg, 1, 1u << 20, &v, errbuf, errlen) < 0)
			return -1;
		oc->cli.spool_max_bytes = (uint64_t)v << 20;
		return 0;
	case OUT_OPT_SINK_QUEUE:
		if (num("--sink-queue", arg, 1, 1u << 24, &v, errbuf, errlen) < 0)
			return -1;
		oc->cli.queue_max = (uint32_t)v;
		return 0;
	case OUT_OPT_DRAIN_TIMEOUT:
		if (num("--drain-timeout", arg, 0, OUT_DRAIN_MAX_S, &v, errbuf, errlen) < 0)
			return -1;
		oc->drain_timeout_ms = (unsigned)v * 1000;
		return 0;
	case OUT_OPT_CONFIG: return out_config_load(oc, arg, errbuf, errlen);
	default:
		snprintf(errbuf, errlen, "internal: unknown output option %d", opt);
		return -1;
	}
}

/* ---- the configuration file ---- */

struct cf {
	yaml_document_t doc;
	const char *path;
	char *errbuf;
	size_t errlen;
};

static int cf_err(struct cf *cf, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int cf_err(struct cf *cf, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(cf->errbuf, cf->errlen, "%s:%lu:%lu: %s", cf->path,
		 (unsigned long)n->start_mark.line + 1, (unsigned long)n->start_mark.column + 1, msg);
	return -1;
}

static const char *cf_str(struct cf *cf, yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SCALAR_NODE) {
		cf_err(cf, n, "%s: expected a string", key);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static int cf_bool(struct cf *cf, yaml_node_t *n, const char *key, int *out)
{
	const char *s = cf_str(cf, n, key);
	if (!s)
		return -1;
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
		*out = 1;
	else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
		*out = 0;
	else
		return cf_err(cf, n, "%s: expected true or false", key);
	return 0;
}

static int cf_num(struct cf *cf, yaml_node_t *n, const char *key, unsigned long min,
		  unsigned long max, unsigned long *out)
{
	const char *s = cf_str(cf, n, key);
	char tmp[160];
	if (!s)
		return -1;
	if (num(key, s, min, max, out, tmp, sizeof(tmp)) < 0)
		return cf_err(cf, n, "%s", tmp);
	return 0;
}

static int cf_path(struct cf *cf, yaml_node_t *n, const char *key, char *dst, size_t len)
{
	const char *s = cf_str(cf, n, key);
	if (!s)
		return -1;
	if (!s[0] || strlen(s) >= len)
		return cf_err(cf, n, "%s: bad or too long path", key);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* Calls fn for each key of mapping n; keys must be among names. */
#define CF_FOR_EACH(cf, n, what)                                                        \
	if ((n)->type != YAML_MAPPING_NODE)                                             \
		return cf_err(cf, n, "%s: expected a mapping", what);                   \
	for (yaml_node_pair_t *p_ = (n)->data.mapping.pairs.start;                      \
	     p_ < (n)->data.mapping.pairs.top; p_++)

static int cf_json(struct cf *cf, struct out_config *oc, yaml_node_t *n)
{
	CF_FOR_EACH(cf, n, "outputs.json") {
		yaml_node_t *k = yaml_document_get_node(&cf->doc, p_->key);
		yaml_node_t *v = yaml_document_get_node(&cf->doc, p_->value);
		const char *key = cf_str(cf, k, "key");
		unsigned long u;
		int b;
		if (!key)
			return -1;
		if (!strcmp(key, "path")) {
			const char *s = cf_str(cf, v, key);
			if (!s)
				return -1;
			free(oc->json_path);
			oc->json_path = strdup(s);
			if (!oc->json_path)
				return cf_err(cf, v, "%s: out of memory", key);
			oc->json_path_set = 1;
		} else if (!strcmp(key, "alerts_only")) {
			if (cf_bool(cf, v, key, &b) < 0)
				return -1;
			if (b) {
				oc->what_set |= OUT_JSON_ALERTS;
				oc->what_clear |= OUT_JSON_EVENTS | OUT_JSON_FLOWS | OUT_JSON_METRICS;
			}
		} else if (!strcmp(key, "events") || !strcmp(key, "flows") || !strcmp(key, "metrics")) {
			unsigned bit = key[0] == 'e' ? OUT_JSON_EVENTS : key[0] == 'f' ? OUT_JSON_FLOWS :
											OUT_JSON_METRICS;
			if (cf_bool(cf, v, key, &b) < 0)
				return -1;
			if (b) {
				oc->what_set |= bit;
				oc->what_clear &= ~bit;
			} else {
				oc->what_clear |= bit;
				oc->what_set &= ~bit;
			}
		} else if (!strcmp(key, "max_size_mib")) {
			if (cf_num(cf, v, key, 1, 1u << 20, &u) < 0)
				return -1;
			oc->json_max_bytes = (uint64_t)u << 20;
		} else if (!strcmp(key, "keep")) {
			if (cf_num(cf, v, key, 0, 1000, &u) < 0)
				return -1;
			oc->json_keep = (unsigned)u;
		} else {
			return cf_err(cf, k, "unknown key '%s' in outputs.json (path, alerts_only, events, flows, metrics, max_size_mib, keep)", key);
		}
	}
	return 0;
}

static int cf_syslog_one(struct cf *cf, struct out_config *oc, yaml_node_t *n)
{
	yaml_node_t *url = NULL;
	CF_FOR_EACH(cf, n, "outputs.syslog entry") {
		yaml_node_t *k = yaml_document_get_node(&cf->doc, p_->key);
		const char *key = cf_str(cf, k, "key");
		if (!key)
			return -1;
		if (!strcmp(key, "url"))
			url = yaml_document_get_node(&cf->doc, p_->value);
	}
	if (!url)
		return cf_err(cf, n, "%s", "outputs.syslog entry without url");
	const char *us = cf_str(cf, url, "url");
	if (!us)
		return -1;
	struct out_sink_config *c;
	char tmp[200];
	if (add_sink(oc, us, 0, &c, tmp, sizeof(tmp)) < 0)
		return cf_err(cf, url, "%s", tmp);
	CF_FOR_EACH(cf, n, "outputs.syslog entry") {
		yaml_node_t *k = yaml_document_get_node(&cf->doc, p_->key);
		yaml_node_t *v = yaml_document_get_node(&cf->doc, p_->value);
		const char *key = cf_str(cf, k, "key");
		unsigned long u;
		int r;
		if (!strcmp(key, "url")) {
			continue;
		} else if (!strcmp(key, "format")) {
			const char *s = cf_str(cf, v, key);
			if (!s)
				return -1;
			if ((r = out_fmt_parse(s)) < 0)
				return cf_err(cf, v, "format: '%s' is not rfc5424-json, rfc5424-text or cef", s);
			c->fmt = (enum out_fmt)r;
		} else if (!strcmp(key, "facility")) {
			const char *s = cf_str(cf, v, key);
			if (!s)
				return -1;
			if ((r = out_facility_parse(s)) < 0)
				return cf_err(cf, v, "facility: unknown facility '%s'", s);
			c->facility = r;
		} else if (!strcmp(key, "ca")) {
			if (cf_path(cf, v, key, c->ca_file, sizeof(c->ca_file)) < 0)
				return -1;
		} else if (!strcmp(key, "cert")) {
			if (cf_path(cf, v, key, c->cert_file, sizeof(c->cert_file)) < 0)
				return -1;
		} else if (!strcmp(key, "key")) {
			if (cf_path(cf, v, key, c->key_file, sizeof(c->key_file)) < 0)
				return -1;
		} else if (!strcmp(key, "queue")) {
			if (cf_num(cf, v, key, 1, 1u << 24, &u) < 0)
				return -1;
			c->queue_max = (uint32_t)u;
		} else {
			return cf_err(cf, k, "unknown key '%s' in an outputs.syslog entry (url, format, facility, ca, cert, key, queue)", key);
		}
	}
	return 0;
}

static int cf_spool(struct cf *cf, struct out_config *oc, yaml_node_t *n)
{
	CF_FOR_EACH(cf, n, "outputs.spool") {
		yaml_node_t *k = yaml_document_get_node(&cf->doc, p_->key);
		yaml_node_t *v = yaml_document_get_node(&cf->doc, p_->value);
		const char *key = cf_str(cf, k, "key");
		unsigned long u;
		if (!key)
			return -1;
		if (!strcmp(key, "dir")) {
			if (cf_path(cf, v, key, oc->cli.spool_dir, sizeof(oc->cli.spool_dir)) < 0)
				return -1;
		} else if (!strcmp(key, "max_mib")) {
			if (cf_num(cf, v, key, 1, 1u << 20, &u) < 0)
				return -1;
			oc->cli.spool_max_bytes = (uint64_t)u << 20;
		} else {
			return cf_err(cf, k, "unknown key '%s' in outputs.spool (dir, max_mib)", key);
		}
	}
	return 0;
}

static int cf_outputs(struct cf *cf, struct out_config *oc, yaml_node_t *n)
{
	CF_FOR_EACH(cf, n, "outputs") {
		yaml_node_t *k = yaml_document_get_node(&cf->doc, p_->key);
		yaml_node_t *v = yaml_document_get_node(&cf->doc, p_->value);
		const char *key = cf_str(cf, k, "key");
		unsigned long u;
		if (!key)
			return -1;
		if (!strcmp(key, "json")) {
			if (cf_json(cf, oc, v) < 0)
				return -1;
		} else if (!strcmp(key, "syslog")) {
			if (v->type != YAML_SEQUENCE_NODE)
				return cf_err(cf, v, "%s: expected a list of destinations", key);
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++)
				if (cf_syslog_one(cf, oc, yaml_document_get_node(&cf->doc, *it)) < 0)
					return -1;
		} else if (!strcmp(key, "spool")) {
			if (cf_spool(cf, oc, v) < 0)
				return -1;
		} else if (!strcmp(key, "drain_timeout")) {
			if (cf_num(cf, v, key, 0, OUT_DRAIN_MAX_S, &u) < 0)
				return -1;
			oc->drain_timeout_ms = (unsigned)u * 1000;
		} else {
			return cf_err(cf, k, "unknown key '%s' in outputs (json, syslog, spool, drain_timeout)", key);
		}
	}
	return 0;
}

int out_config_load(struct out_config *oc, const char *path, char *errbuf, size_t errlen)
{
	struct cf cf = { .path = path, .errbuf = errbuf, .errlen = errlen };
	yaml_parser_t parser;
	int rc = -1;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(errbuf, errlen, "cannot open configuration %s: %s", path, strerror(errno));
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(fp);
		snprintf(errbuf, errlen, "%s: cannot initialise the YAML parser", path);
		return -1;
	}
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &cf.doc)) {
		snprintf(errbuf, errlen, "%s:%lu:%lu: %s", path,
			 (unsigned long)parser.problem_mark.line + 1,
			 (unsigned long)parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		fclose(fp);
		return -1;
	}
	yaml_node_t *root = yaml_document_get_root_node(&cf.doc);
	if (!root) {
		snprintf(errbuf, errlen, "%s: empty configuration", path);
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		cf_err(&cf, root, "%s", "expected a mapping with an outputs: section");
		goto out;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&cf.doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&cf.doc, p->value);
		const char *key = cf_str(&cf, k, "key");
		if (!key)
			goto out;
		if (strcmp(key, "outputs") != 0) {
			cf_err(&cf, k, "unknown top-level key '%s' (expected outputs)", key);
			goto out;
		}
		if (cf_outputs(&cf, oc, v) < 0)
			goto out;
	}
	rc = 0;
out:
	yaml_document_delete(&cf.doc);
	yaml_parser_delete(&parser);
	fclose(fp);
	return rc;
}

int out_config_apply(struct out_config *oc, unsigned *what, const char **json_path,
		     int json_path_from_cli, struct out_sinks *sinks, char *errbuf, size_t errlen)
{
	*what = (*what | oc->what_set) & ~oc->what_clear;
	if (oc->json_path_set && !json_path_from_cli)
		*json_path = oc->json_path;
	for (unsigned i = 0; i < oc->nsinks; i++) {
		struct out_sink_config c = oc->sink[i];
		if (oc->sink_from_cli[i]) {
			/* the shared --syslog-* settings */
			c.fmt = oc->cli.fmt;
			c.facility = oc->cli.facility;
			memcpy(c.ca_file, oc->cli.ca_file, sizeof(c.ca_file));
			memcpy(c.cert_file, oc->cli.cert_file, sizeof(c.cert_file));
			memcpy(c.key_file, oc->cli.key_file, sizeof(c.key_file));
			c.queue_max = oc->cli.queue_max;
		}
		memcpy(c.spool_dir, oc->cli.spool_dir, sizeof(c.spool_dir));
		c.spool_max_bytes = oc->cli.spool_max_bytes;
		if (c.kind == OUT_SINK_TLS && !c.ca_file[0] && !oc->sink_from_cli[i] && oc->cli.ca_file[0])
			memcpy(c.ca_file, oc->cli.ca_file, sizeof(c.ca_file));
		if (out_sinks_add(sinks, &c, errbuf, errlen) < 0)
			return -1;
	}
	return 0;
}

void out_config_json(const struct out_config *oc, struct out_json *o)
{
	o->max_bytes = oc->json_max_bytes;
	o->keep = oc->json_keep;
}
