/* log.c - diagnostics to stderr: "zonewatch: <level>: <message>". */
#include "config.h"

#include "output/log.h"

#include <stdarg.h>
#include <stdio.h>

int log_level = LOG_NOTICE;

static const char *level_name(int level)
{
	switch (level) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

void log_write(int level, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "zonewatch: %s: ", level_name(level));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
