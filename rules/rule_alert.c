/* rule_alert.c - names, ids and severities of alert kinds. */
#include "config.h"

#include "rules/rule.h"

static const struct {
	const char *id, *name;
} kinds[RULE_KIND__COUNT] = {
	[RULE_NO_CONDUIT] = { "ZW-101", "zone_pair_without_conduit" },
	[RULE_UNKNOWN_ASSET] = { "ZW-102", "address_in_no_zone" },
	[RULE_UNAPPROVED_PROTOCOL] = { "ZW-103", "protocol_not_allowed_on_conduit" },
	[RULE_UNAPPROVED_OPERATION] = { "ZW-201", "operation_not_allowed" },
	[RULE_OUTSIDE_WINDOW] = { "ZW-202", "operation_outside_maintenance_window" },
	[RULE_REMOTE_ACCESS] = { "ZW-301", "remote_access_not_approved" },
	[RULE_REMOTE_EXPIRED] = { "ZW-302", "remote_access_outside_approval_period" },
	[RULE_TLS_VERSION] = { "ZW-401", "tls_version_below_minimum" },
	[RULE_TLS_RISK] = { "ZW-402", "tls_weakness" },
	[RULE_CLEARTEXT] = { "ZW-403", "cleartext_across_conduit" },
	[RULE_OPCUA_SECURITY] = { "ZW-404", "opcua_security_below_required" },
	[RULE_OPCUA_ANON_WRITE] = { "ZW-405", "opcua_anonymous_write" },
	[RULE_NEW_ASSET] = { "ZW-501", "new_asset" },
	[RULE_REMOTE_SESSION] = { "ZW-303", "remote_session" },
	[RULE_CLEARTEXT_FILE] = { "ZW-406", "cleartext_file_transfer" },
	[RULE_SCAN] = { "ZW-601", "scan_or_enumeration" },
};

const char *rule_kind_id(enum rule_kind k)
{
	return (unsigned)k < RULE_KIND__COUNT ? kinds[k].id : "ZW-000";
}

const char *rule_kind_name(enum rule_kind k)
{
	return (unsigned)k < RULE_KIND__COUNT ? kinds[k].name : "unknown";
}

const char *rule_sev_name(enum rule_sev s)
{
	static const char *const names[RULE_SEV__COUNT] = { "info", "low", "medium", "high",
							    "critical" };
	return (unsigned)s < RULE_SEV__COUNT ? names[s] : "info";
}

int rule_sev_syslog(enum rule_sev s)
{
	/* RFC 5424 6.2.1: 2 critical, 3 error, 4 warning, 5 notice, 6 informational */
	static const int map[RULE_SEV__COUNT] = { 6, 5, 4, 3, 2 };
	return (unsigned)s < RULE_SEV__COUNT ? map[s] : 6;
}
