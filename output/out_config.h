/* out_config.h - where alerts go: the output options of the command line and
 * the `outputs:` section of a configuration file (YAML, libyaml).
 *
 * The command line keeps its output options in one block (OUT_CONFIG_OPTIONS
 * spliced into main()'s option table, out_config_option() for their values)
 * so that main() stays short. A configuration file is read when --config is
 * met; options that come after it override it.
 */
#ifndef ZW_OUT_CONFIG_H
#define ZW_OUT_CONFIG_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/out_sink.h"

struct out_json;

enum {
	OUT_OPT_ALERTS_ONLY = 2000,
	OUT_OPT_JSON_MAX_SIZE,
	OUT_OPT_JSON_KEEP,
	OUT_OPT_SYSLOG,
	OUT_OPT_SYSLOG_FORMAT,
	OUT_OPT_SYSLOG_FACILITY,
	OUT_OPT_SYSLOG_CA,
	OUT_OPT_SYSLOG_CERT,
	OUT_OPT_SYSLOG_KEY,
	OUT_OPT_SPOOL_DIR,
	OUT_OPT_SPOOL_MAX,
	OUT_OPT_SINK_QUEUE,
	OUT_OPT_DRAIN_TIMEOUT,
	OUT_OPT_CONFIG,
	OUT_OPT__END
};

#define OUT_CONFIG_OPTIONS \
	{ "alerts-only", no_argument, NULL, OUT_OPT_ALERTS_ONLY }, \
	{ "json-max-size", required_argument, NULL, OUT_OPT_JSON_MAX_SIZE }, \
	{ "json-keep", required_argument, NULL, OUT_OPT_JSON_KEEP }, \
	{ "syslog", required_argument, NULL, OUT_OPT_SYSLOG }, \
	{ "syslog-format", required_argument, NULL, OUT_OPT_SYSLOG_FORMAT }, \
	{ "syslog-facility", required_argument, NULL, OUT_OPT_SYSLOG_FACILITY }, \
	{ "syslog-ca", required_argument, NULL, OUT_OPT_SYSLOG_CA }, \
	{ "syslog-cert", required_argument, NULL, OUT_OPT_SYSLOG_CERT }, \
	{ "syslog-key", required_argument, NULL, OUT_OPT_SYSLOG_KEY }, \
	{ "spool-dir", required_argument, NULL, OUT_OPT_SPOOL_DIR }, \
	{ "spool-max", required_argument, NULL, OUT_OPT_SPOOL_MAX }, \
	{ "sink-queue", required_argument, NULL, OUT_OPT_SINK_QUEUE }, \
	{ "drain-timeout", required_argument, NULL, OUT_OPT_DRAIN_TIMEOUT }, \
	{ "config", required_argument, NULL, OUT_OPT_CONFIG }

#define OUT_JSON_KEEP_DEFAULT 5

struct out_config {
	/* JSON lines */
	char *json_path;          /* from the file; NULL = not set there */
	int json_path_set;
	unsigned what_set, what_clear; /* OUT_JSON_* bits forced on / off */
	uint64_t json_max_bytes;
	unsigned json_keep;
	/* syslog sinks; the --syslog-* and --spool-* options apply to every
	 * sink given on the command line */
	struct out_sink_config sink[OUT_SINKS_MAX];
	int sink_from_cli[OUT_SINKS_MAX];
	unsigned nsinks;
	struct out_sink_config cli;  /* settings shared by command-line sinks */
	unsigned drain_timeout_ms;
};

void out_config_init(struct out_config *oc);
void out_config_free(struct out_config *oc);
/* Handles option opt (one of OUT_OPT_*); returns 0 or -1 with errbuf. */
int out_config_option(struct out_config *oc, int opt, const char *arg, char *errbuf,
		      size_t errlen) __attribute__((warn_unused_result));
/* Reads the configuration file path (strict: unknown keys are errors with
 * file:line:column). Returns 0 or -1 with errbuf. */
int out_config_load(struct out_config *oc, const char *path, char *errbuf, size_t errlen)
	__attribute__((warn_unused_result));
/* The help text of the options. */
void out_config_usage(FILE *fp);
/* After the options: what the JSON output writes (from the defaults
 * *what), the path if the file set one and the command line did not, size
 * rotation; then starts the sinks. Returns 0 or -1 with errbuf. */
int out_config_apply(struct out_config *oc, unsigned *what, const char **json_path,
		     int json_path_from_cli, struct out_sinks *sinks, char *errbuf, size_t errlen)
	__attribute__((warn_unused_result));
/* Rotation settings for an opened JSON output. */
void out_config_json(const struct out_config *oc, struct out_json *o);

#endif /* ZW_OUT_CONFIG_H */
