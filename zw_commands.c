/* zw_commands.c - `zonewatch sat`, `inventory` and `learn` (issue #8).
 *
 * Each replays its capture files through the same engine as `zonewatch
 * read` (capture, dissectors, nDPI, and for sat the same policy run-time
 * with its deduplicated alerts) and feeds the flows, events and alerts to
 * its bookkeeping: rules/rule_sat.c, output/out_inventory.c,
 * rules/rule_learn.c. Like main(), this file decides what is printed and
 * the exit status; the modules return statuses.
 */
#include "config.h"

#include "zw_commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "capture/cap.h"
#include "output/log.h"
#include "output/out_inventory.h"
#include "output/out_report.h"
#include "rules/rule_learn.h"
#include "rules/rule_model.h"
#include "rules/rule_run.h"
#include "rules/rule_sat.h"

enum { ZW_EXIT_FAIL = 1, ZW_EXIT_USAGE = 2 };

struct replay {
	struct cap_engine *engine;
	struct rule_run *rules;
	struct rule_sat *sat;
	struct out_inv *inv;
	struct rule_learn *learn;
	/* --baseline-window given as a duration from the first packet */
	uint64_t win_from_off_us, win_len_us;
	int win_pending;
};

static void resolve_window(struct replay *r)
{
	if (!r->win_pending || !r->engine->cs.first_us)
		return;
	uint64_t from = r->engine->cs.first_us + r->win_from_off_us;
	rule_sat_window(r->sat, from, from + r->win_len_us);
	r->win_pending = 0;
}

static void rp_event(void *user, const struct dis_event *ev)
{
	struct replay *r = user;
	resolve_window(r);
	if (r->rules)
		rule_run_event(r->rules, ev);
	if (r->sat)
		rule_sat_event(r->sat, ev);
	if (r->inv)
		out_inv_event(r->inv, ev);
	if (r->learn)
		rule_learn_event(r->learn, ev);
}

static void rp_flow(void *user, const struct flow *f, enum flow_end_reason why)
{
	struct replay *r = user;
	(void)why;
	resolve_window(r);
	if (r->rules)
		rule_run_flow_end(r->rules, f);
	if (r->sat)
		rule_sat_flow(r->sat, f);
	if (r->inv)
		out_inv_flow(r->inv, f, 1);
	if (r->learn)
		rule_learn_flow(r->learn, f);
}

static void rp_classified(void *user, struct flow *f)
{
	struct replay *r = user;
	resolve_window(r);
	if (r->rules)
		rule_run_flow(r->rules, f);
}

static void rp_tick(void *user, uint64_t now_us)
{
	struct replay *r = user;
	if (r->rules)
		rule_run_tick(r->rules, now_us);
}

static void rp_alert(void *user, const struct rule_alert *a)
{
	struct replay *r = user;
	resolve_window(r);
	if (r->sat)
		rule_sat_alert(r->sat, a);
}

int zw_proto_known(void *user, const char *name)
{
	char buf[96];
	if (dis_ndpi_proto_known(user, name))
		return 1;
	snprintf(buf, sizeof(buf), "%s_control", name);
	return dis_ndpi_proto_known(user, buf);
}

void zw_print_policy_errors(const struct rule_errors *err)
{
	for (unsigned i = 0; i < err->n; i++)
		fprintf(stderr, "%s\n", err->msg[i]);
	if (err->dropped)
		fprintf(stderr, "... and %u more errors\n", err->dropped);
}

/* Loads a policy file, printing every error. NULL on failure. */
static struct rule_policy *load(const char *path, struct dis_ndpi *nd)
{
	static struct rule_errors err;
	struct rule_policy *p = rule_policy_load(path, nd ? zw_proto_known : NULL, nd, &err);
	if (!p) {
		zw_print_policy_errors(&err);
		log_msg(LOG_ERR, "policy %s not loaded (errors above)", path);
	}
	return p;
}

/* Reads every file; 0, or -1 if one could not be read. */
static int read_files(struct cap_engine *e, char **files, int n)
{
	char errbuf[ZW_ERRBUF_SIZE];
	int rc = 0;
	for (int i = 0; i < n; i++) {
		int r = cap_read_file(e, files[i], errbuf, sizeof(errbuf));
		if (r < 0) {
			log_msg(LOG_ERR, "%s", errbuf);
			rc = -1;
		} else if (r > 0) {
			log_msg(LOG_WARNING, "%s", errbuf);
		}
	}
	return rc;
}

static int no_stdin(const char *cmd, char **files, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(files[i], "-") == 0) {
			log_msg(LOG_ERR, "%s: capture files only (standard input cannot be hashed "
					 "and replayed)", cmd);
			return -1;
		}
	return 0;
}

/* The command line, shell-quoted where needed, for the report. */
static char *command_line(int argc, char **argv)
{
	size_t len = 16;
	for (int i = 0; i < argc; i++)
		len += 4 * strlen(argv[i]) + 3;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	p += snprintf(p, len, "zonewatch");
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int plain = *a != '\0';
		for (const char *c = a; *c; c++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				    "-_./:=,+@%", *c))
				plain = 0;
		*p++ = ' ';
		if (plain) {
			size_t n = strlen(a);
			memcpy(p, a, n);
			p += n;
			continue;
		}
		*p++ = '\'';
		for (const char *c = a; *c; c++) {
			if (*c == '\'') {
				memcpy(p, "'\\''", 4);
				p += 4;
			} else {
				*p++ = *c;
			}
		}
		*p++ = '\'';
	}
	*p = '\0';
	return s;
}

static FILE *open_out(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return stdout;
	FILE *fp = fopen(path, "w");
	if (!fp)
		log_msg(LOG_ERR, "%s: %s", path, strerror(errno));
	return fp;
}

static int close_out(FILE *fp, const char *path)
{
	int bad = fflush(fp) != 0 || ferror(fp);
	if (fp != stdout && fclose(fp) != 0)
		bad = 1;
	if (bad)
		log_msg(LOG_ERR, "writing %s failed: %s", path ? path : "standard output",
			strerror(errno));
	return bad ? -1 : 0;
}

/* --baseline-window: START/END, START/DURATION, or DURATION (from the first
 * packet); START and END are RFC 3339 times. */
static int parse_window(const char *s, struct replay *r, struct rule_sat_config *cfg)
{
	char a[80];
	const char *slash = strchr(s, '/');
	if (!slash)
		slash = strstr(s, "..");
	if (!slash) {
		if (rule_sat_parse_duration(s, &r->win_len_us) < 0)
			return -1;
		r->win_pending = 1;
		return 0;
	}
	size_t n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(a))
		return -1;
	memcpy(a, s, n);
	a[n] = '\0';
	const char *b = slash + (*slash == '/' ? 1 : 2);
	if (rule_sat_parse_time(a, &cfg->from_us) < 0)
		return -1;
	uint64_t d;
	if (rule_sat_parse_time(b, &cfg->until_us) == 0) {
		if (cfg->until_us <= cfg->from_us)
			return -1;
		return 0;
	}
	if (rule_sat_parse_duration(b, &d) < 0)
		return -1;
	cfg->until_us = cfg->from_us + d;
	return 0;
}

static void usage_sat(FILE *fp)
{
	fprintf(fp,
		"Usage: zonewatch sat --policy FILE [OPTION]... FILE...\n"
		"Site acceptance test: replays the capture FILEs with the policy, as `read` does,\n"
		"and reports for every conduit and allow-rule whether it was exercised, all\n"
		"traffic no rule approves, unknown assets, remote-access sessions and hygiene\n"
		"findings, with a verdict (docs/sat.md).\n"
		"\n"
		"  -p, --policy FILE          the approved zone/conduit policy (required)\n"
		"  -f, --format FMT           json (default), markdown or html\n"
		"  -o, --output FILE          write the report to FILE (default standard output)\n"
		"  -w, --baseline-window W    only traffic inside W counts: START/END or\n"
		"                             START/DURATION (START, END RFC 3339, e.g.\n"
		"                             2026-11-23T16:12:00Z), or DURATION from the first\n"
		"                             packet (90s, 15m, 2h, 1d)\n"
		"      --fail-severity SEV    alerts at or above SEV fail the SAT: low, medium\n"
		"                             (default), high, critical\n"
		"      --require-exercised    approved allow-rules never exercised fail the SAT\n"
		"                             (default: listed as warnings)\n"
		"      --examples N           example flows per entry (default 3, at most 10)\n"
		"  -q, --quiet                no summary on standard error\n"
		"  -h, --help                 this help\n"
		"\n"
		"Exit status: 0 PASS, 1 FAIL (or a policy or capture file that cannot be read:\n"
		"no report is written then), 2 usage error.\n");
}

int zw_cmd_sat(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "baseline-window", required_argument, NULL, 'w' },
		{ "fail-severity", required_argument, NULL, 1000 },
		{ "require-exercised", no_argument, NULL, 1001 },
		{ "examples", required_argument, NULL, 1002 },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy_path = NULL, *out_path = NULL, *window = NULL;
	int fmt = OUT_REPORT_JSON, quiet = 0, c;
	struct rule_sat_config scfg = { 0, 0, 3, 0, RULE_SEV_MEDIUM };
	struct replay rp;
	memset(&rp, 0, sizeof(rp));
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:f:o:w:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'p': policy_path = optarg; break;
		case 'f':
			fmt = out_report_fmt_parse(optarg);
			if (fmt < 0) {
				log_msg(LOG_ERR, "sat: --format must be json, markdown or html");
				return ZW_EXIT_USAGE;
			}
			break;
		case 'o': out_path = optarg; break;
		case 'w':
			window = optarg;
			if (parse_window(optarg, &rp, &scfg) < 0) {
				log_msg(LOG_ERR, "sat: --baseline-window '%s': expected START/END, "
						 "START/DURATION or DURATION (docs/sat.md)", optarg);
				return ZW_EXIT_USAGE;
			}
			break;
		case 1000: {
			int s = -1;
			for (int k = RULE_SEV_LOW; k < RULE_SEV__COUNT; k++)
				if (strcmp(optarg, rule_sev_name((enum rule_sev)k)) == 0)
					s = k;
			if (s < 0) {
				log_msg(LOG_ERR, "sat: --fail-severity must be low, medium, high or "
						 "critical");
				return ZW_EXIT_USAGE;
			}
			scfg.fail_severity = (uint8_t)s;
			break;
		}
		case 1001: scfg.require_exercised = 1; break;
		case 1002: {
			char *end;
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 0 || v > RULE_SAT_MAX_EXAMPLES) {
				log_msg(LOG_ERR, "sat: --examples must be 0..%d", RULE_SAT_MAX_EXAMPLES);
				return ZW_EXIT_USAGE;
			}
			scfg.max_examples = (unsigned)v;
			break;
		}
		case 'q': quiet = 1; break;
		case 'h': usage_sat(stdout); return 0;
		default: usage_sat(stderr); return ZW_EXIT_USAGE;
		}
	}
	if (!policy_path || optind >= argc) {
		log_msg(LOG_ERR, "sat: %s", !policy_path ? "a policy is required (--policy FILE)" :
							   "no capture file given");
		usage_sat(stderr);
		return ZW_EXIT_USAGE;
	}
	char **files = argv + optind;
	int nfiles = argc - optind;
	if (no_stdin("sat", files, nfiles) < 0)
		return ZW_EXIT_USAGE;

	char errbuf[ZW_ERRBUF_SIZE];
	int rc = ZW_EXIT_FAIL;
	struct rule_sat_meta meta;
	memset(&meta, 0, sizeof(meta));
	struct rule_sat_input *inputs = calloc((size_t)nfiles, sizeof(*inputs));
	char *cmdline = command_line(argc, argv);
	static struct cap_engine engine;
	int engine_up = 0;
	struct json_object *rep = NULL;
	FILE *fp = NULL;
	if (!inputs || !cmdline) {
		log_msg(LOG_ERR, "out of memory");
		goto out;
	}
	/* Hash first: the evidence names exactly the bytes that were replayed
	 * (a file changed in between would show as a different hash on a
	 * second run). */
	uint64_t pbytes;
	if (out_report_sha256_file(policy_path, meta.policy_sha256, &pbytes, errbuf,
				   sizeof(errbuf)) < 0) {
		log_msg(LOG_ERR, "%s", errbuf);
		goto out;
	}
	for (int i = 0; i < nfiles; i++) {
		inputs[i].path = files[i];
		if (out_report_sha256_file(files[i], inputs[i].sha256, &inputs[i].bytes, errbuf,
					   sizeof(errbuf)) < 0) {
			log_msg(LOG_ERR, "%s", errbuf);
			goto out;
		}
	}

	struct cap_config cfg;
	cap_config_defaults(&cfg);
	struct cap_sinks sinks = { rp_event, rp_flow, rp_classified, rp_tick, &rp };
	if (cap_engine_init(&engine, &cfg, &sinks, errbuf, sizeof(errbuf)) < 0) {
		log_msg(LOG_ERR, "%s", errbuf);
		goto out;
	}
	engine_up = 1;
	rp.engine = &engine;
	struct rule_policy *pol = load(policy_path, engine.nd);
	if (!pol)
		goto out;
	rp.rules = rule_run_new(pol, engine.nd, rp_alert, &rp);
	if (!rp.rules) {
		rule_policy_free(pol);
		log_msg(LOG_ERR, "out of memory");
		goto out;
	}
	rp.sat = rule_sat_new(pol, engine.nd, &scfg);
	if (!rp.sat) {
		log_msg(LOG_ERR, "out of memory");
		goto out;
	}
	if (read_files(&engine, files, nfiles) < 0)
		goto out;
	cap_engine_finish(&engine);
	rule_run_finish(rp.rules, engine.now_us);
	resolve_window(&rp);

	meta.version = PACKAGE_VERSION;
	meta.command_line = cmdline;
	meta.policy_path = policy_path;
	meta.inputs = inputs;
	meta.ninputs = (unsigned)nfiles;
	meta.first_us = engine.cs.first_us;
	meta.last_us = engine.cs.last_us;
	meta.packets = engine.cs.packets;
	meta.bytes = engine.cs.bytes;
	meta.window_text = window;
	rep = rule_sat_report(rp.sat, &meta);
	if (!rep) {
		log_msg(LOG_ERR, "out of memory");
		goto out;
	}
	/* opened only now: a failed run leaves no half-made report behind */
	fp = open_out(out_path);
	if (!fp)
		goto out;
	int wr = out_report_write(fp, rep, (enum out_report_fmt)fmt);
	if (close_out(fp, out_path) < 0) {
		fp = NULL;
		goto out;
	}
	fp = NULL;
	if (wr < 0)
		log_msg(LOG_WARNING, "sat: the zone drawing could not be made (Graphviz)");
	int passed = rule_sat_passed(rp.sat);
	if (!quiet) {
		struct json_object *reasons = NULL;
		json_object_object_get_ex(rep, "reasons", &reasons);
		size_t nr = reasons ? json_object_array_length(reasons) : 0;
		fprintf(stderr, "sat: %s (%zu reason%s) policy '%s'\n", passed ? "PASS" : "FAIL", nr,
			nr == 1 ? "" : "s", rule_run_policy(rp.rules)->site);
		for (size_t i = 0; i < nr; i++)
			fprintf(stderr, "  %s\n",
				json_object_get_string(json_object_array_get_idx(reasons, i)));
	}
	rc = passed ? 0 : ZW_EXIT_FAIL;
out:
	if (fp)
		(void)close_out(fp, out_path);
	json_object_put(rep);
	rule_sat_free(rp.sat);
	rule_run_free(rp.rules);
	if (engine_up)
		cap_engine_destroy(&engine);
	free(inputs);
	free(cmdline);
	return rc;
}

static void usage_inventory(FILE *fp)
{
	fprintf(fp,
		"Usage: zonewatch inventory [OPTION]... FILE...\n"
		"Asset inventory of the capture FILEs: every address seen, its MAC and vendor,\n"
		"zone and asset name (with --policy), protocols served and used, first/last\n"
		"seen, traffic, and identities read from the wire (docs/inventory.md).\n"
		"\n"
		"  -f, --format FMT     csv (default, RFC 4180) or json\n"
		"  -p, --policy FILE    zones and asset names from this policy\n"
		"  -o, --output FILE    write to FILE (default standard output)\n"
		"      --oui FILE       IEEE OUI registry for MAC vendors (default\n"
		"                       " OUT_INV_OUI_DEFAULT ", Debian package\n"
		"                       ieee-data; without it vendors are unknown)\n"
		"  -h, --help           this help\n"
		"\nExit status: 0, 1 if a file could not be read, 2 usage error.\n");
}

int zw_cmd_inventory(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "policy", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "oui", required_argument, NULL, 1000 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy_path = NULL, *out_path = NULL, *oui = NULL;
	int json = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:p:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0) {
				json = 1;
			} else if (strcmp(optarg, "csv") == 0) {
				json = 0;
			} else {
				log_msg(LOG_ERR, "inventory: --format must be csv or json");
				return ZW_EXIT_USAGE;
			}
			break;
		case 'p': policy_path = optarg; break;
		case 'o': out_path = optarg; break;
		case 1000: oui = optarg; break;
		case 'h': usage_inventory(stdout); return 0;
		default: usage_inventory(stderr); return ZW_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		log_msg(LOG_ERR, "inventory: no capture file given");
		usage_inventory(stderr);
		return ZW_EXIT_USAGE;
	}
	char errbuf[ZW_ERRBUF_SIZE];
	int rc = ZW_EXIT_FAIL;
	struct replay rp;
	memset(&rp, 0, sizeof(rp));
	static struct cap_engine engine;
	int engine_up = 0;
	struct rule_policy *pol = NULL;
	FILE *fp = NULL;
	struct cap_config cfg;
	cap_config_defaults(&cfg);
	struct cap_sinks sinks = { rp_event, rp_flow, rp_classified, rp_tick, &rp };
	if (cap_engine_init(&engine, &cfg, &sinks, errbuf, sizeof(errbuf)) < 0) {
		log_msg(LOG_ERR, "%s", errbuf);
		goto out;
	}
	engine_up = 1;
	rp.engine = &engine;
	if (policy_path && !(pol = load(policy_path, engine.nd)))
		goto out;
	rp.inv = out_inv_new(pol, engine.nd);
	if (!rp.inv) {
		log_msg(LOG_ERR, "out of memory");
		goto out;
	}
	if (out_inv_load_oui(rp.inv, oui ? oui : OUT_INV_OUI_DEFAULT, errbuf, sizeof(errbuf)) < 0) {
		if (oui) {
			log_msg(LOG_ERR, "%s", errbuf);
			goto out;
		}
		log_msg(LOG_NOTICE, "%s: MAC vendors unknown (apt-get install ieee-data)", errbuf);
	}
	fp = open_out(out_path);
	if (!fp)
		goto out;
	if (read_files(&engine, argv + optind, argc - optind) < 0)
		goto out;
	cap_engine_finish(&engine);
	int wr;
	if (json) {
		struct json_object *j = out_inv_json(rp.inv);
		wr = j ? 0 : -1;
		if (j) {
			fputs(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_SPACED |
								JSON_C_TO_STRING_NOSLASHESCAPE), fp);
			fputc('\n', fp);
			json_object_put(j);
		}
	} else {
		wr = out_inv_csv(rp.inv, fp);
	}
	int cl = close_out(fp, out_path);
	fp = NULL;
	if (wr == 0 && cl == 0)
		rc = 0;
out:
	if (fp)
		(void)close_out(fp, out_path);
	out_inv_free(rp.inv);
	if (engine_up)
		cap_engine_destroy(&engine);
	rule_policy_free(pol);
	return rc;
}

static void usage_learn(FILE *fp)
{
	fprintf(fp,
		"Usage: zonewatch learn [OPTION]... FILE... > draft-policy.yaml\n"
		"Writes a draft zone/conduit policy that approves the traffic of the capture\n"
		"FILEs, with counts and first/last times as comments, for an engineer to\n"
		"review (docs/policy.md, section \"Learning a draft policy\").\n"
		"\n"
		"  -z, --zones FILE     take the zones (and assets) of this policy file; other\n"
		"                       addresses get one zone per /24 (IPv4) or /64 (IPv6)\n"
		"  -o, --output FILE    write to FILE (default standard output)\n"
		"      --approve-remote write the remote-access sessions seen as approved\n"
		"                       entries (default: commented out, for review)\n"
		"  -h, --help           this help\n"
		"\nExit status: 0, 1 if a file could not be read, 2 usage error.\n");
}

int zw_cmd_learn(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "zones", required_argument, NULL, 'z' },
		{ "output", required_argument, NULL, 'o' },
		{ "approve-remote", no_argument, NULL, 1000 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *zones_path = NULL, *out_path = NULL;
	int approve = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "z:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'z': zones_path = optarg; break;
		case 'o': out_path = optarg; break;
		case 1000: approve = 1; break;
		case 'h': usage_learn(stdout); return 0;
		default: usage_learn(stderr); return ZW_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		log_msg(LOG_ERR, "learn: no capture file given");
		usage_learn(stderr);
		return ZW_EXIT_USAGE;
	}
	char errbuf[ZW_ERRBUF_SIZE];
	int rc = ZW_EXIT_FAIL;
	struct replay rp;
	memset(&rp, 0, sizeof(rp));
	static struct cap_engine engine;
	int engine_up = 0;
	struct rule_policy *pol = NULL;
	FILE *fp = NULL;
	char *header = NULL;
	struct cap_config cfg;
	cap_config_defaults(&cfg);
	struct cap_sinks sinks = { rp_event, rp_flow, rp_classified, rp_tick, &rp };
	if (cap_engine_init(&engine, &cfg, &sinks, errbuf, sizeof(errbuf)) < 0) {
		log_msg(LOG_ERR, "%s", errbuf);
		goto out;
	}
	engine_up = 1;
	rp.engine = &engine;
	pol = zones_path ? load(zones_path, engine.nd) : rule_policy_builtin();
	if (!pol)
		goto out;
	rp.learn = rule_learn_new(pol, engine.nd);
	if (!rp.learn) {
		log_msg(LOG_ERR, "out of memory");
		goto out;
	}
	fp = open_out(out_path);
	if (!fp)
		goto out;
	if (read_files(&engine, argv + optind, argc - optind) < 0)
		goto out;
	cap_engine_finish(&engine);
	char *cmd = command_line(argc, argv);
	char t1[40], t2[40];
	rule_sat_time(engine.cs.first_us, t1, sizeof(t1));
	rule_sat_time(engine.cs.last_us, t2, sizeof(t2));
	size_t hl = (cmd ? strlen(cmd) : 0) + 256;
	header = malloc(hl);
	if (header) {
		/* the command line may hold any byte: keep it on one comment line */
		snprintf(header, hl, "# %s\n# capture %s .. %s, %llu packets\n", cmd ? cmd : "", t1, t2,
			 (unsigned long long)engine.cs.packets);
		for (char *p = header + 2; *p && *p != '\n'; p++)
			if ((unsigned char)*p < 0x20)
				*p = '?';
	}
	free(cmd);
	int wr = rule_learn_write(rp.learn, fp, header, approve);
	int cl = close_out(fp, out_path);
	fp = NULL;
	if (wr == 0 && cl == 0)
		rc = 0;
out:
	if (fp)
		(void)close_out(fp, out_path);
	free(header);
	rule_learn_free(rp.learn);
	if (engine_up)
		cap_engine_destroy(&engine);
	rule_policy_free(pol);
	return rc;
}
