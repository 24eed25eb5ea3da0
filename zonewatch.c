/* zonewatch.c - command line: `zonewatch read FILE...` and `zonewatch live -i IFACE`.
 *
 * main() owns every decision about printing and exiting; the modules return
 * statuses and error strings.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <ndpi_api.h>
#include <pcap/pcap.h>

#include "capture/cap.h"
#include "output/log.h"
#include "output/out_config.h"
#include "output/out_inventory.h"
#include "output/out_json.h"
#include "output/out_sink.h"
#include "rules/rule_model.h"
#include "rules/rule_run.h"
#include "zw_commands.h"

enum { EXIT_USAGE = 2 };

static volatile sig_atomic_t got_stop, got_usr1, got_hup;
static struct cap_engine *g_engine; /* for the signal handler only */

static void on_signal(int sig)
{
	if (sig == SIGUSR1) {
		got_usr1 = 1;
		return;
	}
	if (sig == SIGHUP) { /* policy reload; JSON file reopen (logrotate) */
		got_hup = 1;
		return;
	}
	got_stop = 1;
	if (g_engine)
		g_engine->stop = 1;
}

static void usage_main(FILE *fp)
{
	fprintf(fp,
		"Usage: zonewatch COMMAND [OPTION]...\n"
		"Passive IEC 62443 zone/conduit monitor for OT networks.\n"
		"\n"
		"Commands:\n"
		"  read FILE...       replay pcap/pcapng files (forensics, acceptance tests)\n"
		"  live -i IFACE      capture on an interface (SPAN/mirror port sensor)\n"
		"  policy check FILE  validate a zone/conduit policy and summarise it\n"
		"  policy protocols   the protocol names a policy may use\n"
		"  sat -p P FILE...   site acceptance test: observed vs approved, verdict, report\n"
		"  inventory FILE...  assets seen: MAC, vendor, zone, protocols, identities\n"
		"  learn FILE...      a draft policy from observed traffic, for review\n"
		"\n"
		"  zonewatch COMMAND --help   options of a command\n"
		"  zonewatch --version        version and library versions\n"
		"\n"
		"Alerts come from the zone/conduit policy given with --policy (docs/policy.md),\n"
		"or from a built-in default policy without one.\n"
		"Output is JSON lines with Elastic Common Schema field names (docs/schema.md);\n"
		"statistics go to standard error at exit. See zonewatch(8).\n");
}

static void usage_cmd(FILE *fp, int live)
{
	if (live)
		fprintf(fp, "Usage: zonewatch live -i IFACE [OPTION]...\n"
			    "Capture on IFACE until interrupted (SIGINT/SIGTERM); SIGUSR1 prints statistics,\n"
			    "SIGHUP reloads the policy (a bad file keeps the running policy).\n");
	else
		fprintf(fp, "Usage: zonewatch read [OPTION]... FILE...\n"
			    "Replay pcap or pcapng FILEs in order (\"-\" reads standard input) as one capture.\n");
	fprintf(fp,
		"\nPolicy:\n"
		"  -p, --policy FILE        zone/conduit policy (YAML or JSON, docs/policy.md);\n"
		"                           without it a built-in default policy reports remote\n"
		"                           access from public addresses, program and control\n"
		"                           operations, OPC UA anonymous writes and TLS/cleartext\n"
		"                           hygiene\n"
		"      --geoip-db FILE      MaxMind country database (mmdb) for external peers\n"
		"      --asn-db FILE        MaxMind ASN database (mmdb) for external peers\n"
		"\nOutput:\n"
		"  -j, --json FILE          JSON lines to FILE (\"-\" = standard output, the default)\n"
		"      --flows              also write one record per flow when it ends\n"
		"      --no-events          do not write protocol events\n"
		"      --no-aggregate       one event per cyclic read (Modbus FC1-4, S7 reads,\n"
		"                           OPC UA Read/Browse/Publish) instead of one folded\n"
		"                           event per flow and kind of read\n"
		"      --metrics            also write the statistics as a record at the end\n"
		"      --observer NAME      observer.name in every record (sensor name)\n"
		"      --inventory-file F   keep an asset inventory (JSON, docs/inventory.md) in F,\n"
		"                           rewritten atomically every --inventory-interval S\n"
		"                           seconds of capture time (default 300) and at the end\n"
		"  -q, --quiet              no statistics or progress on standard error\n"
		"      --no-progress        no progress line (shown only on a terminal)\n"
		"  -v, --verbose            more diagnostics\n"
		"\nCapture and resources:\n"
		"  -f, --filter EXPR        BPF filter (tcpdump syntax)\n"
		"      --max-flows N        flow table size, allocated up front (default 300000)\n"
		"      --tcp-timeout S      idle timeout of established TCP flows (default 3600)\n"
		"      --tcp-short-timeout S  idle timeout of TCP flows still opening (default 30)\n"
		"      --tcp-closed-timeout S idle timeout of closed TCP flows (default 60)\n"
		"      --udp-timeout S      idle timeout of UDP flows (default 120)\n"
		"      --reasm-memcap MIB   memory for out-of-order TCP segments (default 64)\n"
		"      --ndpi-slots N       flows classified by nDPI at once (default 32768)\n"
		"      --ndpi-packets N     packets of a TCP flow nDPI may see before it must\n"
		"                           decide (default 12; UDP half as many)\n"
		"      --no-ndpi            do not classify flows with nDPI\n");
	if (live)
		fprintf(fp,
			"\nLive capture:\n"
			"  -i, --interface IFACE    interface to capture on (required)\n"
			"  -s, --snaplen N          bytes captured per packet (default 262144)\n"
			"      --no-promisc         do not put the interface in promiscuous mode\n"
			"  -B, --buffer MIB         kernel capture buffer (default 64)\n");
	out_config_usage(fp);
	fprintf(fp, "\n  -h, --help               this help\n");
}

static void version(void)
{
	printf("zonewatch %s\n", PACKAGE_VERSION);
	printf("  %s\n", pcap_lib_version());
	printf("  nDPI %s\n", ndpi_revision());
	printf("  json-c %s\n", json_c_version());
}

static int parse_u32(const char *opt, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		log_msg(LOG_ERR, "%s: '%s' is not a number in %u..%u", opt, s, min, max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

struct sink_ctx {
	struct out_json *json;
	struct rule_run *rules;
	struct out_sinks *sinks; /* syslog/CEF destinations of the alerts */
	struct out_inv *inv;      /* --inventory-file, or NULL */
	const char *inv_path;
	uint64_t inv_interval_us, inv_next_us;
};

static void sink_event(void *user, const struct dis_event *ev)
{
	struct sink_ctx *s = user;
	out_json_event(s->json, ev);
	rule_run_event(s->rules, ev);
	if (s->inv)
		out_inv_event(s->inv, ev);
}

static void sink_flow(void *user, const struct flow *f, enum flow_end_reason why)
{
	struct sink_ctx *s = user;
	rule_run_flow_end(s->rules, f);
	out_json_flow(s->json, f, why);
	if (s->inv)
		out_inv_flow(s->inv, f, 1);
}

static void sink_classified(void *user, struct flow *f)
{
	struct sink_ctx *s = user;
	rule_run_flow(s->rules, f);
	if (s->inv)
		out_inv_flow(s->inv, f, 0);
}

static void sink_tick(void *user, uint64_t now_us)
{
	struct sink_ctx *s = user;
	rule_run_tick(s->rules, now_us);
	if (s->inv && now_us >= s->inv_next_us) {
		char errbuf[ZW_ERRBUF_SIZE];
		if (s->inv_next_us && out_inv_write_file(s->inv, s->inv_path, errbuf, sizeof(errbuf)) < 0)
			log_msg(LOG_ERR, "inventory: %s", errbuf);
		s->inv_next_us = now_us + s->inv_interval_us;
	}
}

static void sink_alert(void *user, const struct rule_alert *a)
{
	struct sink_ctx *s = user;
	out_json_alert(s->json, a);
	out_sinks_alert(s->sinks, a);
}

/* Loads the policy file (NULL: the built-in default). */
static struct rule_policy *load_policy(const char *path, struct dis_ndpi *nd)
{
	if (!path) {
		struct rule_policy *p = rule_policy_builtin();
		if (!p)
			log_msg(LOG_ERR, "out of memory");
		return p;
	}
	static struct rule_errors err;
	struct rule_policy *p = rule_policy_load(path, zw_proto_known, nd, &err);
	if (!p)
		zw_print_policy_errors(&err);
	return p;
}

static const char *g_policy_path;
static struct rule_run *g_rules;

static struct out_json *g_json;
static struct out_sinks *g_sinks;
static struct out_inv *g_inv;
static int g_quiet;

static void on_tick(struct cap_engine *e)
{
	if (got_hup) {
		got_hup = 0;
		if (g_rules && g_policy_path) {
			struct rule_policy *p = load_policy(g_policy_path, e->nd);
			if (p) {
				rule_run_set_policy(g_rules, p, e->now_us);
				if (g_inv)
					out_inv_set_policy(g_inv, rule_run_policy(g_rules));
				log_msg(LOG_NOTICE, "policy %s reloaded", g_policy_path);
			} else {
				log_msg(LOG_ERR, "policy %s not reloaded: keeping the running policy",
					g_policy_path);
			}
		}
		if (g_json) {
			char err[ZW_ERRBUF_SIZE];
			if (out_json_reopen(g_json, err, sizeof(err)) < 0)
				log_msg(LOG_ERR, "%s", err);
		}
	}
	/* Records must not wait in the 256 KiB stdio buffer of a quiet
	 * sensor: out with them about once a second. */
	if (g_json) {
		static double last_flush;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		double t = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
		if (t - last_flush >= 1.0) {
			last_flush = t;
			out_json_flush(g_json);
		}
	}
	if (got_usr1) {
		got_usr1 = 0;
		out_stats_text(stderr, e);
		if (g_sinks)
			out_sinks_stats_text(stderr, g_sinks);
		if (g_json) {
			unsigned saved = g_json->what;
			g_json->what |= OUT_JSON_METRICS;
			out_json_metric(g_json, e);
			g_json->what = saved;
			fflush(g_json->fp);
		}
	}
}

enum {
	OPT_FLOWS = 1000, OPT_NO_EVENTS, OPT_METRICS, OPT_OBSERVER, OPT_NO_PROGRESS, OPT_MAX_FLOWS,
	OPT_TCP_TIMEOUT, OPT_TCP_SHORT_TIMEOUT, OPT_UDP_TIMEOUT, OPT_REASM_MEMCAP, OPT_NDPI_SLOTS,
	OPT_NO_NDPI, OPT_NO_PROMISC, OPT_NDPI_PACKETS, OPT_TCP_CLOSED_TIMEOUT, OPT_NO_AGGREGATE,
	OPT_GEOIP_DB, OPT_ASN_DB, OPT_INVENTORY_FILE, OPT_INVENTORY_INTERVAL,
};

static const struct option long_opts[] = {
	{ "policy", required_argument, NULL, 'p' },
	{ "geoip-db", required_argument, NULL, OPT_GEOIP_DB },
	{ "asn-db", required_argument, NULL, OPT_ASN_DB },
	{ "json", required_argument, NULL, 'j' },
	{ "flows", no_argument, NULL, OPT_FLOWS },
	{ "no-events", no_argument, NULL, OPT_NO_EVENTS },
	{ "no-aggregate", no_argument, NULL, OPT_NO_AGGREGATE },
	{ "metrics", no_argument, NULL, OPT_METRICS },
	{ "observer", required_argument, NULL, OPT_OBSERVER },
	{ "inventory-file", required_argument, NULL, OPT_INVENTORY_FILE },
	{ "inventory-interval", required_argument, NULL, OPT_INVENTORY_INTERVAL },
	{ "quiet", no_argument, NULL, 'q' },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "filter", required_argument, NULL, 'f' },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "tcp-timeout", required_argument, NULL, OPT_TCP_TIMEOUT },
	{ "tcp-short-timeout", required_argument, NULL, OPT_TCP_SHORT_TIMEOUT },
	{ "tcp-closed-timeout", required_argument, NULL, OPT_TCP_CLOSED_TIMEOUT },
	{ "udp-timeout", required_argument, NULL, OPT_UDP_TIMEOUT },
	{ "reasm-memcap", required_argument, NULL, OPT_REASM_MEMCAP },
	{ "ndpi-slots", required_argument, NULL, OPT_NDPI_SLOTS },
	{ "no-ndpi", no_argument, NULL, OPT_NO_NDPI },
	{ "ndpi-packets", required_argument, NULL, OPT_NDPI_PACKETS },
	{ "interface", required_argument, NULL, 'i' },
	{ "snaplen", required_argument, NULL, 's' },
	{ "no-promisc", no_argument, NULL, OPT_NO_PROMISC },
	{ "buffer", required_argument, NULL, 'B' },
	{ "help", no_argument, NULL, 'h' },
	OUT_CONFIG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static void print_alert_stats(FILE *fp, const struct rule_run *r);

static int run(int argc, char **argv, int live)
{
	struct cap_config cfg;
	const char *json_path = "-", *iface = NULL, *observer = NULL;
	const char *policy_path = NULL, *geoip_db = NULL, *asn_db = NULL, *inv_path = NULL;
	uint32_t inv_interval_s = 300;
	unsigned what = OUT_JSON_EVENTS | OUT_JSON_ALERTS;
	struct out_config oc;
	int json_from_cli = 0;
	int progress = 1;
	uint32_t v;
	char errbuf[ZW_ERRBUF_SIZE];
	int c;

	cap_config_defaults(&cfg);
	out_config_init(&oc);
	optind = 1;
	while ((c = getopt_long(argc, argv, live ? "p:j:qvf:i:s:B:h" : "p:j:qvf:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'p': policy_path = optarg; break;
		case OPT_GEOIP_DB: geoip_db = optarg; break;
		case OPT_ASN_DB: asn_db = optarg; break;
		case 'j': json_path = optarg; json_from_cli = 1; break;
		case OPT_FLOWS: what |= OUT_JSON_FLOWS; break;
		case OPT_NO_EVENTS: what &= ~(unsigned)OUT_JSON_EVENTS; break;
		case OPT_NO_AGGREGATE: cfg.aggregate = 0; break;
		case OPT_METRICS: what |= OUT_JSON_METRICS; break;
		case OPT_OBSERVER: observer = optarg; break;
		case OPT_INVENTORY_FILE: inv_path = optarg; break;
		case OPT_INVENTORY_INTERVAL:
			if (parse_u32("--inventory-interval", optarg, 1, 86400, &inv_interval_s) < 0)
				return EXIT_USAGE;
			break;
		case 'q': g_quiet = 1; log_level = LOG_WARNING; break;
		case OPT_NO_PROGRESS: progress = 0; break;
		case 'v': log_level = log_level < LOG_INFO ? LOG_INFO : LOG_DEBUG; break;
		case 'f': cfg.bpf_filter = optarg; break;
		case OPT_MAX_FLOWS:
			if (parse_u32("--max-flows", optarg, 1, 1u << 28, &cfg.max_flows) < 0)
				return EXIT_USAGE;
			break;
		case OPT_TCP_TIMEOUT:
			if (parse_u32("--tcp-timeout", optarg, 1, 86400 * 30, &cfg.tcp_est_timeout_s) < 0)
				return EXIT_USAGE;
			break;
		case OPT_TCP_SHORT_TIMEOUT:
			if (parse_u32("--tcp-short-timeout", optarg, 1, 86400, &cfg.tcp_short_timeout_s) < 0)
				return EXIT_USAGE;
			break;
		case OPT_TCP_CLOSED_TIMEOUT:
			if (parse_u32("--tcp-closed-timeout", optarg, 1, 86400, &cfg.tcp_closed_timeout_s) < 0)
				return EXIT_USAGE;
			break;
		case OPT_UDP_TIMEOUT:
			if (parse_u32("--udp-timeout", optarg, 1, 86400 * 30, &cfg.udp_timeout_s) < 0)
				return EXIT_USAGE;
			break;
		case OPT_REASM_MEMCAP:
			if (parse_u32("--reasm-memcap", optarg, 1, 65536, &v) < 0)
				return EXIT_USAGE;
			cfg.reasm_memcap_bytes = (size_t)v << 20;
			break;
		case OPT_NDPI_SLOTS:
			if (parse_u32("--ndpi-slots", optarg, 1, 1u << 24, &cfg.ndpi_slots) < 0)
				return EXIT_USAGE;
			break;
		case OPT_NO_NDPI: cfg.ndpi_slots = 0; break;
		case OPT_NDPI_PACKETS:
			if (parse_u32("--ndpi-packets", optarg, 1, 255, &cfg.ndpi_max_pkts) < 0)
				return EXIT_USAGE;
			break;
		case 'i': iface = optarg; break;
		case 's':
			if (parse_u32("--snaplen", optarg, 64, 262144, &v) < 0)
				return EXIT_USAGE;
			cfg.snaplen = (int)v;
			break;
		case OPT_NO_PROMISC: cfg.promisc = 0; break;
		case 'B':
			if (parse_u32("--buffer", optarg, 1, 4096, &v) < 0)
				return EXIT_USAGE;
			cfg.buffer_mib = (int)v;
			break;
		case 'h': usage_cmd(stdout, live); out_config_free(&oc); return 0;
		default:
			if (c >= OUT_OPT_ALERTS_ONLY && c < OUT_OPT__END) {
				if (out_config_option(&oc, c, optarg, errbuf, sizeof(errbuf)) == 0)
					break;
				log_msg(LOG_ERR, "%s", errbuf);
			} else {
				usage_cmd(stderr, live);
			}
			out_config_free(&oc);
			return EXIT_USAGE;
		}
	}
	if (live && !iface) {
		log_msg(LOG_ERR, "live: an interface is required (-i IFACE)");
		usage_cmd(stderr, live);
		return EXIT_USAGE;
	}
	if (live && optind < argc) {
		log_msg(LOG_ERR, "live: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!live && optind >= argc) {
		log_msg(LOG_ERR, "read: no capture file given");
		usage_cmd(stderr, live);
		return EXIT_USAGE;
	}

	/* Outputs: JSON lines, then the syslog sinks (their threads start
	 * connecting now; a collector that is down is not an error). */
	struct out_json json;
	static struct out_sinks alert_sinks;
	out_sinks_init(&alert_sinks, observer);
	if (out_config_apply(&oc, &what, &json_path, json_from_cli, &alert_sinks, errbuf,
			     sizeof(errbuf)) < 0 ||
	    out_json_open(&json, json_path, what, errbuf, sizeof(errbuf)) < 0) {
		log_msg(LOG_ERR, "%s", errbuf);
		(void)out_sinks_close(&alert_sinks, 0);
		out_config_free(&oc);
		return EXIT_FAILURE;
	}
	out_config_json(&oc, &json);
	json.sinks = &alert_sinks;
	g_sinks = &alert_sinks;
	json.observer = observer;
	struct sink_ctx sc = { &json, NULL, &alert_sinks, NULL, inv_path,
			       (uint64_t)inv_interval_s * 1000000u, 0 };
	struct cap_sinks sinks = { sink_event, sink_flow, sink_classified, sink_tick, &sc };
	static struct cap_engine engine;
	if (cap_engine_init(&engine, &cfg, &sinks, errbuf, sizeof(errbuf)) < 0) {
		log_msg(LOG_ERR, "%s", errbuf);
		(void)out_json_close(&json);
		(void)out_sinks_close(&alert_sinks, 0);
		out_config_free(&oc);
		return EXIT_FAILURE;
	}
	json.nd = engine.nd;
	struct dis_ndpi *names = engine.nd ? engine.nd : dis_ndpi_new(1, 0, errbuf, sizeof(errbuf));
	struct rule_policy *pol = load_policy(policy_path, names);
	if (names != engine.nd)
		dis_ndpi_free(names);
	sc.rules = pol ? rule_run_new(pol, engine.nd, sink_alert, &sc) : NULL;
	if (pol && !sc.rules)
		rule_policy_free(pol);
	if (sc.rules && rule_run_geoip(sc.rules, geoip_db, asn_db, errbuf, sizeof(errbuf)) < 0) {
		log_msg(LOG_ERR, "%s", errbuf);
		rule_run_free(sc.rules);
		sc.rules = NULL;
		pol = NULL;
	}
	if (!sc.rules) {
		if (pol)
			log_msg(LOG_ERR, "out of memory");
		else if (policy_path)
			log_msg(LOG_ERR, "policy %s not loaded (errors above)", policy_path);
		cap_engine_destroy(&engine);
		(void)out_json_close(&json);
		(void)out_sinks_close(&alert_sinks, 0);
		out_config_free(&oc);
		return EXIT_FAILURE;
	}
	if (policy_path)
		log_msg(LOG_INFO, "policy %s: site '%s'", policy_path, rule_run_policy(sc.rules)->site);
	else
		log_msg(LOG_NOTICE, "no --policy: built-in default policy (remote access from public "
				    "addresses, program/control operations, hygiene)");
	if (inv_path) {
		/* zones and asset names from the policy (also after a reload) */
		sc.inv = out_inv_new(policy_path ? rule_run_policy(sc.rules) : NULL, engine.nd);
		if (!sc.inv) {
			log_msg(LOG_ERR, "out of memory");
			rule_run_free(sc.rules);
			cap_engine_destroy(&engine);
			(void)out_json_close(&json);
			return EXIT_FAILURE;
		}
		if (out_inv_load_oui(sc.inv, OUT_INV_OUI_DEFAULT, errbuf, sizeof(errbuf)) < 0)
			log_msg(LOG_NOTICE, "%s: MAC vendors unknown (apt-get install ieee-data)", errbuf);
	}
	g_rules = sc.rules;
	g_inv = policy_path ? sc.inv : NULL;
	g_policy_path = policy_path;
	json.rule_stats = rule_run_stats(sc.rules);
	g_engine = &engine;
	g_json = &json;

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int rc = EXIT_SUCCESS;
	if (live) {
		log_msg(LOG_NOTICE, "capturing on %s", iface);
		if (cap_live(&engine, iface, on_tick, errbuf, sizeof(errbuf)) < 0) {
			log_msg(LOG_ERR, "%s", errbuf);
			rc = EXIT_FAILURE;
		}
	} else {
		engine.progress = progress && !g_quiet && isatty(STDERR_FILENO);
		for (int i = optind; i < argc; i++) {
			struct stat stt;
			if (strcmp(argv[i], "-") != 0 && stat(argv[i], &stt) == 0)
				engine.progress_total_bytes += (uint64_t)stt.st_size;
		}
		for (int i = optind; i < argc && !engine.stop; i++) {
			int r = cap_read_file(&engine, argv[i], errbuf, sizeof(errbuf));
			if (r < 0) {
				log_msg(LOG_ERR, "%s", errbuf);
				rc = EXIT_FAILURE;
			} else if (r > 0) {
				/* Damaged but read as far as possible: counted, not fatal. */
				log_msg(LOG_WARNING, "%s", errbuf);
			}
			if (got_usr1)
				on_tick(&engine);
		}
	}
	if (got_stop)
		log_msg(LOG_NOTICE, "interrupted: writing the records of the active flows");
	cap_engine_finish(&engine);
	rule_run_finish(sc.rules, engine.now_us);
	if (sc.inv && out_inv_write_file(sc.inv, inv_path, errbuf, sizeof(errbuf)) < 0) {
		log_msg(LOG_ERR, "inventory: %s", errbuf);
		rc = EXIT_FAILURE;
	}
	out_json_metric(&json, &engine);
	if (!g_quiet) {
		out_stats_text(stderr, &engine);
		print_alert_stats(stderr, sc.rules);
		out_sinks_stats_text(stderr, &alert_sinks);
	}
	/* Delivery: bounded wait, then what is left stays in the spool. */
	if (out_sinks_close(&alert_sinks, oc.drain_timeout_ms) > 0)
		rc = EXIT_FAILURE;
	g_sinks = NULL;
	out_config_free(&oc);
	if (out_json_close(&json) < 0) {
		log_msg(LOG_ERR, "writing JSON output to %s failed (%llu records lost)", json_path,
			(unsigned long long)json.write_errors);
		rc = EXIT_FAILURE;
	}
	g_engine = NULL;
	g_json = NULL;
	g_rules = NULL;
	g_inv = NULL;
	out_inv_free(sc.inv);
	rule_run_free(sc.rules);
	cap_engine_destroy(&engine);
	return rc;
}

static void print_alert_stats(FILE *fp, const struct rule_run *r)
{
	const struct rule_run_stats *st = rule_run_stats(r);
	uint64_t total = 0;
	for (int k = 0; k < RULE_KIND__COUNT; k++)
		total += st->alerts[k];
	fprintf(fp, "alerts: %llu (%llu records: %llu repeats folded into %llu summaries, %llu "
		    "session ends) policy '%s'\n",
		(unsigned long long)total, (unsigned long long)st->records,
		(unsigned long long)st->suppressed, (unsigned long long)st->summaries,
		(unsigned long long)st->sessions_ended, rule_run_policy(r)->site);
	for (int k = 0; k < RULE_KIND__COUNT; k++)
		if (st->alerts[k])
			fprintf(fp, "  %-8s %-40s %llu\n", rule_kind_id((enum rule_kind)k),
				rule_kind_name((enum rule_kind)k), (unsigned long long)st->alerts[k]);
	if (st->dedup_full)
		fprintf(fp, "  %llu alerts not deduplicated: table full\n",
			(unsigned long long)st->dedup_full);
}

/* zonewatch policy check FILE */
static int cmd_policy(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		FILE *fp = argc < 2 ? stderr : stdout;
		fprintf(fp, "Usage: zonewatch policy check FILE\n"
			    "       zonewatch policy protocols\n"
			    "check: validates a zone/conduit policy (docs/policy.md): prints every error\n"
			    "with file:line:column and exits 1, or prints a summary and exits 0.\n"
			    "protocols: lists the protocol names a policy may use.\n");
		return argc < 2 ? EXIT_USAGE : 0;
	}
	char errbuf[ZW_ERRBUF_SIZE];
	if (strcmp(argv[1], "protocols") == 0 && argc == 2) {
		printf("zonewatch dissectors: modbus s7comm s7comm-plus opcua cotp\n"
		       "nDPI protocols (case does not matter; \"ftp\" also covers ftp_control/ftp_data):\n");
		struct dis_ndpi *nd = dis_ndpi_new(1, 0, errbuf, sizeof(errbuf));
		if (!nd) {
			log_msg(LOG_ERR, "%s", errbuf);
			return EXIT_FAILURE;
		}
		for (unsigned id = 0; id < dis_ndpi_proto_count(nd); id++) {
			const char *n = dis_ndpi_proto_id_name(nd, id);
			if (n && *n)
				printf("  %s\n", n);
		}
		dis_ndpi_free(nd);
		return 0;
	}
	if (strcmp(argv[1], "check") != 0 || argc != 3) {
		log_msg(LOG_ERR, "policy: expected 'check FILE' or 'protocols'");
		return EXIT_USAGE;
	}
	struct dis_ndpi *nd = dis_ndpi_new(1, 0, errbuf, sizeof(errbuf));
	if (!nd)
		log_msg(LOG_WARNING, "%s: nDPI protocol names not checked", errbuf);
	static struct rule_errors err;
	struct rule_policy *p = rule_policy_load(argv[2], nd ? zw_proto_known : NULL, nd, &err);
	dis_ndpi_free(nd);
	if (!p) {
		zw_print_policy_errors(&err);
		fprintf(stderr, "%s: %u error%s\n", argv[2], err.n + err.dropped,
			err.n + err.dropped == 1 ? "" : "s");
		return EXIT_FAILURE;
	}
	printf("%s: OK: site '%s'\n", argv[2], p->site);
	printf("zones (%u):\n", p->nzones);
	for (uint32_t i = 0; i < p->nzones; i++) {
		const struct rule_zone *z = &p->zones[i];
		char sl[16] = "-";
		if (z->security_level >= 0)
			snprintf(sl, sizeof(sl), "SL%d", z->security_level);
		unsigned na = 0;
		for (uint32_t a = 0; a < p->nassets; a++)
			na += p->assets[a].zone == i;
		printf("  %-20s %-4s %u network%s, %u asset%s\n", z->name, sl, z->nnets,
		       z->nnets == 1 ? "" : "s", na, na == 1 ? "" : "s");
	}
	printf("assets: %u\n", p->nassets);
	printf("conduits (%u):\n", p->nconduits);
	for (uint32_t i = 0; i < p->nconduits; i++) {
		const struct rule_conduit *c = &p->conduits[i];
		printf("  %-20s %s %s %s, %u rule%s\n", c->name, p->zones[c->from].name,
		       c->bidir ? "<->" : "->", p->zones[c->to].name, c->nallow,
		       c->nallow == 1 ? "" : "s");
	}
	printf("remote access: %u approved path%s; hygiene: minimum TLS %s, %u cleartext "
	       "protocol%s forbidden across conduits\n",
	       p->nremote, p->nremote == 1 ? "" : "s",
	       p->min_tls == 0x0304 ? "1.3" : p->min_tls == 0x0303 ? "1.2" :
	       p->min_tls == 0x0302 ? "1.1" : p->min_tls == 0x0301 ? "1.0" : "none",
	       p->cleartext.n, p->cleartext.n == 1 ? "" : "s");
	rule_policy_free(p);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage_main(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage_main(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0) {
		version();
		return 0;
	}
	if (strcmp(cmd, "read") == 0)
		return run(argc - 1, argv + 1, 0);
	if (strcmp(cmd, "live") == 0)
		return run(argc - 1, argv + 1, 1);
	if (strcmp(cmd, "policy") == 0)
		return cmd_policy(argc - 1, argv + 1);
	if (strcmp(cmd, "sat") == 0)
		return zw_cmd_sat(argc - 1, argv + 1);
	if (strcmp(cmd, "inventory") == 0)
		return zw_cmd_inventory(argc - 1, argv + 1);
	if (strcmp(cmd, "learn") == 0)
		return zw_cmd_learn(argc - 1, argv + 1);
	log_msg(LOG_ERR, "unknown command '%s'", cmd);
	usage_main(stderr);
	return EXIT_USAGE;
}
