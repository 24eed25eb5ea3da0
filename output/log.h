/* log.h - diagnostics about zonewatch itself (never about traffic: that is
 * what events and alerts are for). Levels follow syslog. The macro tests the
 * level before its arguments are evaluated.
 */
#ifndef ZW_LOG_H
#define ZW_LOG_H

#include <syslog.h>

extern int log_level;

void log_write(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_msg(level, ...)                          \
	do {                                          \
		if ((level) <= log_level)             \
			log_write((level), __VA_ARGS__); \
	} while (0)


#endif /* ZW_LOG_H */
