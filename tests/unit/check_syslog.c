/* check_syslog.c - RFC 5424 structured-data escaping, CEF escaping, UTF-8
 * repair, message layout, destination URLs, and the JSON alert record being
 * valid UTF-8 JSON whatever bytes its strings hold. */
#include "config.h"

#include <check.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "capture/flow.h"
#include "output/out_json.h"
#include "output/out_jw.h"
#include "output/out_sink.h"
#include "output/out_syslog.h"
#include "rules/rule.h"

static struct jw b;

static void setup(void)
{
	jw_init(&b);
}

static void teardown(void)
{
	jw_free(&b);
}

/* b's bytes as a NUL-terminated string */
static const char *str(void)
{
	jw_put(&b, "", 1);
	b.len--;
	return b.buf;
}

static void sd(const char *in, size_t n, const char *want)
{
	jw_reset(&b);
	out_sd_escape(&b, in, n);
	ck_assert_str_eq(str(), want);
}

START_TEST(sd_escape_specials)
{
	/* RFC 5424 6.3.3: '"', '\' and ']' MUST be escaped; nothing else is. */
	sd("a\"b\\c]d", 7, "a\\\"b\\\\c\\]d");
	sd("=[|x y", 6, "=[|x y");
	sd("", 0, "");
	/* control characters become the text \xNN (never a raw line break) */
	sd("a\nb\r\x01\x7f", 6, "a\\x0ab\\x0d\\x01\\x7f");
}
END_TEST

START_TEST(sd_escape_utf8)
{
	sd("caf\xc3\xa9", 5, "caf\xc3\xa9");                   /* valid 2-byte kept */
	sd("\xe2\x82\xac", 3, "\xe2\x82\xac");                 /* euro sign kept */
	sd("\xf0\x9f\x94\x92", 4, "\xf0\x9f\x94\x92");         /* 4-byte kept */
	sd("a\xff" "b", 3, "a\xef\xbf\xbd" "b");               /* stray byte */
	sd("\xe2\x82", 2, "\xef\xbf\xbd\xef\xbf\xbd");         /* truncated sequence */
	sd("\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd");         /* overlong '/' */
	sd("\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	sd("\xf4\x90\x80\x80", 4,
	   "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* above U+10FFFF */
	/* an escaped char right after a repaired byte */
	sd("\x80]", 2, "\xef\xbf\xbd\\]");
}
END_TEST

START_TEST(cef_header_escape)
{
	jw_reset(&b);
	out_cef_header_escape(&b, "a|b\\c=d\ne", 9);
	ck_assert_str_eq(str(), "a\\|b\\\\c=d e");
	jw_reset(&b);
	out_cef_header_escape(&b, "x\xfe", 2);
	ck_assert_str_eq(str(), "x\xef\xbf\xbd");
}
END_TEST

START_TEST(cef_value_escape)
{
	jw_reset(&b);
	out_cef_value_escape(&b, "a=b\\c|d\ne\rf\tg", 13);
	/* '=' and '\' escaped, '|' not (only the header needs it), LF/CR as
	 * \n and \r, other control characters a space */
	ck_assert_str_eq(str(), "a\\=b\\\\c|d\\ne\\rf g");
	jw_reset(&b);
	out_cef_value_escape(&b, "==\\\\", 4);
	ck_assert_str_eq(str(), "\\=\\=\\\\\\\\");
	jw_reset(&b);
	out_cef_value_escape(&b, "\xc3(", 2);
	ck_assert_str_eq(str(), "\xef\xbf\xbd(");
}
END_TEST

/* A fixed alert: Modbus write from 10.10.2.7:40001 to 10.10.1.5:502. */
static struct flow fl;
static struct rule_alert al;

static void make_alert(void)
{
	memset(&fl, 0, sizeof(fl));
	fl.key.ip_ver = 4;
	fl.key.l4_proto = 6;
	static const uint8_t a0[4] = { 10, 10, 2, 7 }, a1[4] = { 10, 10, 1, 5 };
	memcpy(fl.key.addr[0] + 12, a0, 4);
	memcpy(fl.key.addr[1] + 12, a1, 4);
	fl.key.port[0] = 40001;
	fl.key.port[1] = 502;
	fl.init_is_lo = 1;
	fl.id = 17;
	memset(&al, 0, sizeof(al));
	al.kind = RULE_UNAPPROVED_OPERATION;
	al.severity = RULE_SEV_HIGH;
	al.count = 3;
	al.ts_us = 1700000000123456ull; /* 2023-11-14T22:13:20.123456Z */
	al.first_us = al.last_us = al.ts_us;
	al.flow = &fl;
	al.zone[0] = "supervisory";
	al.zone[1] = "control";
	al.asset[1] = "plc-1";
	al.conduit = "hmi]to\"plc";
	al.protocol = "modbus";
	snprintf(al.seen, sizeof(al.seen), "write=1|2");
	snprintf(al.allowed, sizeof(al.allowed), "read");
	snprintf(al.message, sizeof(al.message), "write\nby hmi");
}

static const struct out_syslog_id test_id = { "sensor-host", "42", "s1", 20 };

START_TEST(rfc5424_layout)
{
	make_alert();
	jw_reset(&b);
	out_syslog_format(&b, OUT_FMT_RFC5424_TEXT, &test_id, &al, NULL, 0);
	/* PRI = local4 (20) * 8 + 3 (error, for high) = 163 */
	ck_assert_str_eq(str(),
		"<163>1 2023-11-14T22:13:20.123456Z sensor-host zonewatch 42 ZW-201 "
		"[zonewatch@32473 rule=\"operation_not_allowed\" severity=\"high\" count=\"3\" "
		"src=\"10.10.2.7\" spt=\"40001\" dst=\"10.10.1.5\" dpt=\"502\" transport=\"tcp\" "
		"flow_id=\"17\" protocol=\"modbus\" src_zone=\"supervisory\" dst_zone=\"control\" "
		"dst_asset=\"plc-1\" conduit=\"hmi\\]to\\\"plc\" observer=\"s1\"] write by hmi");

	const char json[] = "{\"a\":1}";
	jw_reset(&b);
	out_syslog_format(&b, OUT_FMT_RFC5424_JSON, &test_id, &al, json, strlen(json));
	const char *s = str();
	ck_assert_ptr_nonnull(strstr(s, "observer=\"s1\"] {\"a\":1}"));
	ck_assert_uint_eq(b.buf[b.len - 1], '}');
}
END_TEST

START_TEST(cef_layout)
{
	make_alert();
	jw_reset(&b);
	out_syslog_format(&b, OUT_FMT_CEF, &test_id, &al, NULL, 0);
	const char *s = str();
	const char *want_start = "<163>1 2023-11-14T22:13:20.123456Z sensor-host zonewatch 42 ZW-201 - "
				 "CEF:0|zonewatch|zonewatch|" PACKAGE_VERSION
				 "|ZW-201|operation_not_allowed|8|rt=1700000000123 msg=write\\nby hmi cnt=3 "
				 "src=10.10.2.7 spt=40001 dst=10.10.1.5 dpt=502 proto=TCP externalId=17 ";
	ck_assert_int_eq(strncmp(s, want_start, strlen(want_start)), 0);
	ck_assert_ptr_nonnull(strstr(s, " cs3Label=conduit cs3=hmi]to\"plc "));
	ck_assert_ptr_nonnull(strstr(s, " cs4Label=seen cs4=write\\=1|2 "));
	/* the local sink gets the CEF line alone */
	jw_reset(&b);
	out_syslog_format_body(&b, OUT_FMT_CEF, &test_id, &al, NULL, 0);
	ck_assert_int_eq(strncmp(str(), "CEF:0|", 6), 0);
}
END_TEST

START_TEST(cef_severity_map)
{
	ck_assert_uint_eq(out_cef_severity(RULE_SEV_INFO), 1);
	ck_assert_uint_eq(out_cef_severity(RULE_SEV_LOW), 3);
	ck_assert_uint_eq(out_cef_severity(RULE_SEV_MEDIUM), 5);
	ck_assert_uint_eq(out_cef_severity(RULE_SEV_HIGH), 8);
	ck_assert_uint_eq(out_cef_severity(RULE_SEV_CRITICAL), 10);
	ck_assert_uint_eq(out_cef_severity(99), 1);
}
END_TEST

START_TEST(drop_record)
{
	uint64_t per[5] = { 7, 2, 0, 0, 0 };
	jw_reset(&b);
	out_syslog_format_drop(&b, OUT_FMT_RFC5424_JSON, &test_id, 1700000000123456ull, 9, per,
			       "tcp://h:514", 0);
	const char *s = str();
	ck_assert_ptr_nonnull(strstr(s, " ZW-900 [zonewatch@32473 rule=\"alerts_dropped\" severity=\"high\" count=\"9\""));
	const char *j = strchr(s, '{');
	ck_assert_ptr_nonnull(j);
	json_object *o = json_tokener_parse(j);
	ck_assert_ptr_nonnull(o);
	json_object *zw, *dr, *info;
	ck_assert(json_object_object_get_ex(o, "zonewatch", &zw));
	ck_assert(json_object_object_get_ex(zw, "dropped", &dr));
	ck_assert(json_object_object_get_ex(dr, "info", &info));
	ck_assert_int_eq(json_object_get_int(info), 7);
	json_object_put(o);
}
END_TEST

static int valid_utf8(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t l = jw_utf8_len((const unsigned char *)s + i, n - i);
		if (!l)
			return 0;
		i += l;
	}
	return 1;
}

/* Every single byte, and pseudo-random byte strings, in the message, the
 * seen text, zone and asset names: the record parses as JSON and is valid
 * UTF-8. */
START_TEST(json_always_valid_utf8)
{
	struct jw w;
	char zone[32], asset[32];
	uint32_t x = 12345;
	jw_init(&w);
	make_alert();
	for (int round = 0; round < 600; round++) {
		size_t n;
		if (round < 256) {
			al.message[0] = (char)round;
			al.message[1] = (char)round;
			al.message[2] = '\0';
			n = 2;
		} else {
			n = 1 + x % (sizeof(al.message) - 2);
			for (size_t i = 0; i < n; i++) {
				x = x * 1103515245u + 12345u;
				char c = (char)(x >> 16);
				al.message[i] = c ? c : 'z';
			}
			al.message[n] = '\0';
		}
		memcpy(al.seen, al.message, n < sizeof(al.seen) ? n + 1 : sizeof(al.seen));
		al.seen[sizeof(al.seen) - 1] = '\0';
		snprintf(zone, sizeof(zone), "z%.20s", al.message);
		snprintf(asset, sizeof(asset), "%.25s", al.message + n / 2);
		al.zone[0] = zone;
		al.asset[0] = asset;
		out_alert_render(&w, &al, "obs\xff");
		ck_assert(!w.oom);
		ck_assert_msg(valid_utf8(w.buf, w.len), "round %d: not UTF-8", round);
		json_tokener *tok = json_tokener_new();
		json_object *o = json_tokener_parse_ex(tok, w.buf, (int)w.len);
		ck_assert_msg(o != NULL && json_tokener_get_error(tok) == json_tokener_success,
			      "round %d: not JSON: %.*s", round, (int)w.len, w.buf);
		json_object_put(o);
		json_tokener_free(tok);
		/* and the syslog forms stay valid UTF-8 too */
		for (int f = 0; f < OUT_FMT__COUNT; f++) {
			jw_reset(&b);
			out_syslog_format(&b, (enum out_fmt)f, &test_id, &al, w.buf, w.len);
			ck_assert_msg(valid_utf8(b.buf, b.len), "round %d format %d", round, f);
			ck_assert_ptr_null(memchr(b.buf, '\n', b.len));
		}
	}
	jw_free(&w);
}
END_TEST

START_TEST(names_and_urls)
{
	char err[256], name[300];
	struct out_sink_config c;
	ck_assert_int_eq(out_fmt_parse("rfc5424-json"), OUT_FMT_RFC5424_JSON);
	ck_assert_int_eq(out_fmt_parse("cef"), OUT_FMT_CEF);
	ck_assert_int_eq(out_fmt_parse("leef"), -1);
	ck_assert_int_eq(out_facility_parse("local4"), 20);
	ck_assert_int_eq(out_facility_parse("LOCAL7"), 23);
	ck_assert_int_eq(out_facility_parse("daemon"), 3);
	ck_assert_int_eq(out_facility_parse("23"), 23);
	ck_assert_int_eq(out_facility_parse("24"), -1);
	ck_assert_int_eq(out_facility_parse("local8"), -1);

	out_sink_config_init(&c);
	ck_assert_int_eq(out_sink_parse_url(&c, "tls://siem.example:6515", err, sizeof(err)), 0);
	ck_assert_int_eq(c.kind, OUT_SINK_TLS);
	ck_assert_str_eq(c.host, "siem.example");
	ck_assert_str_eq(c.port, "6515");
	ck_assert_int_eq(out_sink_parse_url(&c, "tls://siem.example", err, sizeof(err)), 0);
	ck_assert_str_eq(c.port, "6514");
	ck_assert_int_eq(out_sink_parse_url(&c, "udp://[2001:db8::1]:5514", err, sizeof(err)), 0);
	ck_assert_str_eq(c.host, "2001:db8::1");
	out_sink_config_name(&c, name, sizeof(name));
	ck_assert_str_eq(name, "udp://[2001:db8::1]:5514");
	ck_assert_int_eq(out_sink_parse_url(&c, "tcp://10.0.0.1", err, sizeof(err)), 0);
	ck_assert_str_eq(c.port, "514");
	ck_assert_int_eq(out_sink_parse_url(&c, "local", err, sizeof(err)), 0);
	ck_assert_int_eq(c.kind, OUT_SINK_LOCAL);
	ck_assert_int_eq(out_sink_parse_url(&c, "http://x:1", err, sizeof(err)), -1);
	ck_assert_int_eq(out_sink_parse_url(&c, "tcp://x:0", err, sizeof(err)), -1);
	ck_assert_int_eq(out_sink_parse_url(&c, "tcp://x:65536", err, sizeof(err)), -1);
	ck_assert_int_eq(out_sink_parse_url(&c, "tcp://:514", err, sizeof(err)), -1);
	ck_assert_int_eq(out_sink_parse_url(&c, "tcp://[::1", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "]"));
}
END_TEST

static Suite *syslog_suite(void)
{
	Suite *s = suite_create("syslog");
	TCase *t = tcase_create("escape");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, sd_escape_specials);
	tcase_add_test(t, sd_escape_utf8);
	tcase_add_test(t, cef_header_escape);
	tcase_add_test(t, cef_value_escape);
	suite_add_tcase(s, t);
	t = tcase_create("format");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, rfc5424_layout);
	tcase_add_test(t, cef_layout);
	tcase_add_test(t, cef_severity_map);
	tcase_add_test(t, drop_record);
	tcase_add_test(t, json_always_valid_utf8);
	tcase_add_test(t, names_and_urls);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(syslog_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
