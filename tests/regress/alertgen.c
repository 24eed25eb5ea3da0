/* alertgen.c - a deterministic alert source for the output tests.
 *
 * Fabricates N alerts (fake IPv4 flows, severities cycling or fixed, hostile
 * bytes in the strings: '=', '\\', '|', ']', '"', newlines, bytes that are
 * not UTF-8) and feeds each one, like the evaluator's callback would, to
 * out_json_alert() and to out_sinks_alert().
 *
 *   alertgen [-n N] [--json FILE] [--syslog URL]... [--format F] [--ca FILE]
 *            [--cert FILE --key FILE] [--spool-dir DIR] [--spool-max-kib K]
 *            [--interval-us US] [--severity S] [--low-first N]
 *            [--drain-timeout MS] [--observer NAME]
 *
 * --severity fixes the severity (0 info .. 4 critical); --low-first N makes
 * the first N alerts info and the rest high (spool drop-order test). Exit
 * status 0; the sinks' summary lines go to standard error.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/flow.h"
#include "output/log.h"
#include "output/out_json.h"
#include "output/out_sink.h"
#include "rules/rule.h"

static void usage(void)
{
	fprintf(stderr, "usage: alertgen [-n N] [--json FILE] [--syslog URL]... [--format F] "
			"[--ca FILE] [--cert FILE --key FILE] [--spool-dir DIR] [--spool-max-kib K] "
			"[--interval-us US] [--severity S] [--low-first N] [--drain-timeout MS] "
			"[--observer NAME]\n");
	exit(2);
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", required_argument, NULL, 'j' },
		{ "syslog", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'F' },
		{ "ca", required_argument, NULL, 'C' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "spool-dir", required_argument, NULL, 'd' },
		{ "spool-max-kib", required_argument, NULL, 'm' },
		{ "interval-us", required_argument, NULL, 'i' },
		{ "severity", required_argument, NULL, 'S' },
		{ "low-first", required_argument, NULL, 'L' },
		{ "drain-timeout", required_argument, NULL, 'T' },
		{ "observer", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *json_path = NULL, *observer = "sensor \"7\"=[a|b]";
	const char *urls[OUT_SINKS_MAX];
	unsigned nurls = 0;
	struct out_sink_config base;
	unsigned long n = 10, interval_us = 0, drain_ms = 10000, low_first = 0;
	long fixed_sev = -1;
	char errbuf[ZW_ERRBUF_SIZE];
	int c;

	out_sink_config_init(&base);
	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		switch (c) {
		case 'n': n = num(optarg); break;
		case 'j': json_path = optarg; break;
		case 's':
			if (nurls == OUT_SINKS_MAX)
				usage();
			urls[nurls++] = optarg;
			break;
		case 'F': {
			int f = out_fmt_parse(optarg);
			if (f < 0)
				usage();
			base.fmt = (enum out_fmt)f;
			break;
		}
		case 'C': snprintf(base.ca_file, sizeof(base.ca_file), "%s", optarg); break;
		case 'c': snprintf(base.cert_file, sizeof(base.cert_file), "%s", optarg); break;
		case 'k': snprintf(base.key_file, sizeof(base.key_file), "%s", optarg); break;
		case 'd': snprintf(base.spool_dir, sizeof(base.spool_dir), "%s", optarg); break;
		case 'm': base.spool_max_bytes = (uint64_t)num(optarg) << 10; break;
		case 'i': interval_us = num(optarg); break;
		case 'S': fixed_sev = (long)num(optarg); break;
		case 'L': low_first = num(optarg); break;
		case 'T': drain_ms = num(optarg); break;
		case 'o': observer = optarg; break;
		default: usage();
		}
	}
	signal(SIGPIPE, SIG_IGN);
	log_level = LOG_INFO;
	/* Short backoff so that the fault tests reconnect quickly. */
	base.backoff_max_ms = 400;

	struct out_json json;
	if (out_json_open(&json, json_path ? json_path : "/dev/null", OUT_JSON_ALERTS, errbuf,
			  sizeof(errbuf)) < 0) {
		fprintf(stderr, "alertgen: %s\n", errbuf);
		return 1;
	}
	json.observer = observer;
	struct out_sinks sinks;
	out_sinks_init(&sinks, observer);
	for (unsigned i = 0; i < nurls; i++) {
		struct out_sink_config sc = base;
		if (out_sink_parse_url(&sc, urls[i], errbuf, sizeof(errbuf)) < 0 ||
		    out_sinks_add(&sinks, &sc, errbuf, sizeof(errbuf)) < 0) {
			fprintf(stderr, "alertgen: %s\n", errbuf);
			return 1;
		}
	}

	struct flow f;
	struct rule_alert a;
	static const char *const zones[] = { "supervisory", "zone \"q\" ] x", "enterprise=it" };
	char asset0[64], asset1[64];
	for (unsigned long i = 0; i < n; i++) {
		memset(&f, 0, sizeof(f));
		f.key.ip_ver = 4;
		f.key.l4_proto = i % 7 == 3 ? 17 : 6;
		uint8_t lo[4] = { 10, 10, 2, (uint8_t)(1 + i % 250) };
		uint8_t hi[4] = { 10, 10, 1, 5 };
		memcpy(f.key.addr[0] + 12, lo, 4);
		memcpy(f.key.addr[1] + 12, hi, 4);
		f.key.port[0] = (uint16_t)(40000 + i % 20000);
		f.key.port[1] = 502;
		f.init_is_lo = 1;
		f.id = i + 1;
		f.first_us = 1700000000000000ull + i * 1000;
		f.last_us = f.first_us + 500;

		memset(&a, 0, sizeof(a));
		a.kind = (enum rule_kind)(i % RULE_KIND__COUNT);
		if (fixed_sev >= 0)
			a.severity = (uint8_t)fixed_sev;
		else if (low_first)
			a.severity = i < low_first ? RULE_SEV_INFO : RULE_SEV_HIGH;
		else
			a.severity = (uint8_t)(i % RULE_SEV__COUNT);
		a.phase = RULE_ALERT_FIRST;
		a.count = (uint32_t)(1 + i % 3);
		a.ts_us = f.last_us;
		a.first_us = f.first_us;
		a.last_us = f.last_us;
		a.flow = &f;
		a.zone[0] = zones[i % 3];
		a.zone[1] = i % 4 ? "control" : NULL;
		snprintf(asset0, sizeof(asset0), "hmi-%lu=\\|]\"", i);
		/* bytes that are not UTF-8, and a valid multi-byte sequence */
		snprintf(asset1, sizeof(asset1), "plc\xff\xfe-%lu-\xc3\xa9", i);
		a.asset[0] = asset0;
		a.asset[1] = asset1;
		a.conduit = i % 2 ? "hmi-to-plc" : NULL;
		a.policy_rule = "allow[0]";
		a.policy_name = "Water plant 3";
		a.protocol = "modbus";
		a.outcome = i % 2 ? "acknowledged" : NULL;
		snprintf(a.seen, sizeof(a.seen), "Modbus/TCP write_single_register=%lu on tcp/502 | \\x ]", i);
		snprintf(a.allowed, sizeof(a.allowed), "read only\r\nnothing else \"here\"");
		snprintf(a.message, sizeof(a.message),
			 "alert %lu: write from \"hmi\" to plc\nsecond line\x80\xbf=|\\] end", i);

		out_json_alert(&json, &a);
		out_sinks_alert(&sinks, &a);
		if (interval_us) {
			struct timespec d = { (time_t)(interval_us / 1000000),
					      (long)(interval_us % 1000000) * 1000 };
			nanosleep(&d, NULL);
		}
	}
	int rc = 0;
	if (out_json_close(&json) < 0)
		rc = 1;
	out_sinks_stats_text(stderr, &sinks);
	(void)out_sinks_close(&sinks, (unsigned)drain_ms);
	return rc;
}
