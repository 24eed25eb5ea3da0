/* check_tftp.c - unit tests for the TFTP request parser (dissectors/tftp.c):
 * golden requests from tftp-hpa (pcaps/remote/tftp-design-data.pcap), every
 * prefix, missing terminators, other opcodes, RFC 2347 options, and the
 * datagram path to an event.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "capture/flow.h"
#include "dissectors/dis.h"
#include "dissectors/tftp.h"

/* tftp-hpa's "get firmware.bin" in binary mode */
static const uint8_t rrq[] = { 0x00, 0x01, 'f', 'i', 'r', 'm', 'w', 'a', 'r', 'e', '.', 'b', 'i',
			       'n', 0x00, 'o', 'c', 't', 'e', 't', 0x00 };
/* "put board.gbr" with a blksize option */
static const uint8_t wrq[] = { 0x00, 0x02, 'b', 'o', 'a', 'r', 'd', '.', 'g', 'b', 'r', 0x00,
			       'o', 'c', 't', 'e', 't', 0x00, 'b', 'l', 'k', 's', 'i', 'z', 'e',
			       0x00, '1', '4', '6', '8', 0x00 };

START_TEST(golden_rrq_wrq)
{
	struct tftp_req q;
	ck_assert_int_eq(tftp_parse_request(rrq, sizeof(rrq), &q), 0);
	ck_assert_int_eq(q.opcode, TFTP_RRQ);
	ck_assert_uint_eq(q.file_len, 12);
	ck_assert(memcmp(q.file, "firmware.bin", 12) == 0);
	ck_assert_uint_eq(q.mode_len, 5);
	ck_assert(memcmp(q.mode, "octet", 5) == 0);
	ck_assert_uint_eq(q.options, 0);
	ck_assert_int_eq(tftp_parse_request(wrq, sizeof(wrq), &q), 0);
	ck_assert_int_eq(q.opcode, TFTP_WRQ);
	ck_assert(memcmp(q.file, "board.gbr", 9) == 0);
	ck_assert_uint_eq(q.options, 1);
}
END_TEST

START_TEST(every_prefix)
{
	struct tftp_req q;
	/* a request needs both terminators: every shorter prefix is refused */
	for (size_t n = 0; n < sizeof(rrq); n++)
		ck_assert_int_eq(tftp_parse_request(rrq, n, &q), -1);
	/* options cut short are ignored, the request stands */
	for (size_t n = 18; n <= sizeof(wrq); n++)
		ck_assert_int_eq(tftp_parse_request(wrq, n, &q), 0);
}
END_TEST

START_TEST(not_requests)
{
	struct tftp_req q;
	static const uint8_t data[] = { 0x00, 0x03, 0x00, 0x01, 'x' };     /* DATA */
	static const uint8_t ack[] = { 0x00, 0x04, 0x00, 0x01 };           /* ACK */
	static const uint8_t err[] = { 0x00, 0x05, 0x00, 0x01, 'n', 0x00 }; /* ERROR */
	static const uint8_t empty_name[] = { 0x00, 0x01, 0x00, 'o', 0x00 };
	static const uint8_t no_mode[] = { 0x00, 0x01, 'a', 0x00, 0x00 };
	ck_assert_int_eq(tftp_parse_request(data, sizeof(data), &q), -1);
	ck_assert_int_eq(tftp_parse_request(ack, sizeof(ack), &q), -1);
	ck_assert_int_eq(tftp_parse_request(err, sizeof(err), &q), -1);
	ck_assert_int_eq(tftp_parse_request(empty_name, sizeof(empty_name), &q), -1);
	ck_assert_int_eq(tftp_parse_request(no_mode, sizeof(no_mode), &q), -1);
	uint8_t longname[300];
	memset(longname, 'a', sizeof(longname));
	longname[0] = 0;
	longname[1] = 1;
	longname[290] = 0;
	longname[291] = 'o';
	longname[292] = 0;
	ck_assert_int_eq(tftp_parse_request(longname, 293, &q), -1); /* > 255 bytes */
}
END_TEST

static struct dis_event got;
static unsigned ngot;

static void on_event(void *user, const struct dis_event *ev)
{
	(void)user;
	got = *ev;
	ngot++;
}

START_TEST(datagram_event)
{
	struct dis_runtime rt;
	char eb[128];
	ck_assert_int_eq(dis_runtime_init(&rt, 16, 1 << 20, on_event, NULL, eb, sizeof(eb)), 0);
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.key.port[0] = 43000;
	f.key.port[1] = TFTP_PORT;
	f.init_is_lo = 1;
	f.key.ip_ver = 4;
	f.key.l4_proto = 17;
	ngot = 0;
	dis_tftp_datagram(&rt, &f, 0, wrq, sizeof(wrq), 7);
	ck_assert_uint_eq(ngot, 1);
	ck_assert_str_eq(got.action, "tftp_write");
	ck_assert_str_eq(got.proto->name, "tftp");
	ck_assert_uint_eq(got.nfields, 3);
	ck_assert_str_eq(got.f[0].key, "file.name");
	ck_assert(memcmp(got.str + got.f[0].str_off, "board.gbr", 9) == 0);
	/* the server's answers and datagrams to other ports are not requests */
	dis_tftp_datagram(&rt, &f, 1, rrq, sizeof(rrq), 8);
	f.key.port[1] = 70;
	dis_tftp_datagram(&rt, &f, 0, rrq, sizeof(rrq), 9);
	ck_assert_uint_eq(ngot, 1);
	f.key.port[1] = TFTP_PORT;
	static const uint8_t junk[] = { 0x00, 0x09, 'x' };
	dis_tftp_datagram(&rt, &f, 0, junk, sizeof(junk), 10);
	ck_assert_uint_eq(ngot, 1);
	ck_assert_uint_eq(rt.proto[dis_proto_index(&tftp_proto)].malformed, 1);
	dis_runtime_destroy(&rt);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tftp");
	TCase *t = tcase_create("tftp");
	tcase_add_test(t, golden_rrq_wrq);
	tcase_add_test(t, every_prefix);
	tcase_add_test(t, not_requests);
	tcase_add_test(t, datagram_event);
	suite_add_tcase(s, t);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
