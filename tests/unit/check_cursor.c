/* check_cursor.c - unit tests for the bounded byte cursor (dissectors/dis_cursor.h).
 *
 * The cursor is the only way packet and stream bytes are read, so its
 * contract is tested to the letter: values in both byte orders, a read past
 * the end sets err, returns 0 and parks the cursor at the end, sub-cursors
 * cannot see past their length, rd_copy zero-fills on failure and rd_peek does
 * not consume.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dissectors/dis_cursor.h"

/* Eight distinct bytes, so every byte-order mistake shows in the value. */
static const uint8_t seq8[8] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };

/* Asserts that r failed and is parked at its end. */
static void assert_parked(const struct rd *r)
{
	ck_assert_int_eq(rd_ok(r), 0);
	ck_assert_int_eq(r->err, 1);
	ck_assert_uint_eq(r->off, r->len);
	ck_assert_uint_eq(rd_left(r), 0);
}

START_TEST(test_init_state)
{
	struct rd r = rd_init(seq8, sizeof(seq8));
	ck_assert_ptr_eq(r.base, seq8);
	ck_assert_uint_eq(r.len, 8);
	ck_assert_uint_eq(r.off, 0);
	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(rd_ok(&r), 1);
	ck_assert_uint_eq(rd_left(&r), 8);
	ck_assert_ptr_eq(rd_ptr(&r), seq8);
}
END_TEST

START_TEST(test_big_endian_values)
{
	struct rd r = rd_init(seq8, sizeof(seq8));
	ck_assert_uint_eq(rd_u8(&r), 0x12);
	ck_assert_uint_eq(rd_be16(&r), 0x3456);
	ck_assert_uint_eq(rd_be24(&r), 0x789abc);
	ck_assert_uint_eq(rd_left(&r), 2);
	ck_assert_int_eq(rd_ok(&r), 1);

	r = rd_init(seq8, sizeof(seq8));
	ck_assert_uint_eq(rd_be32(&r), 0x12345678u);
	ck_assert_uint_eq(rd_be32(&r), 0x9abcdef0u);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert_int_eq(rd_ok(&r), 1);
	ck_assert_ptr_eq(rd_ptr(&r), seq8 + 8);
}
END_TEST

START_TEST(test_little_endian_values)
{
	struct rd r = rd_init(seq8, sizeof(seq8));
	ck_assert_uint_eq(rd_le16(&r), 0x3412);
	ck_assert_uint_eq(rd_le32(&r), 0xbc9a7856u);
	ck_assert_uint_eq(rd_le16(&r), 0xf0de);
	ck_assert_int_eq(rd_ok(&r), 1);

	r = rd_init(seq8, sizeof(seq8));
	ck_assert_uint_eq(rd_le64(&r), 0xf0debc9a78563412ull);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert_int_eq(rd_ok(&r), 1);
	/* rd_le64 with fewer than 4 bytes: both halves fail */
	r = rd_init(seq8, 3);
	ck_assert_uint_eq(rd_le64(&r), 0);
	assert_parked(&r);
}
END_TEST

/* High bits set in every byte: no sign extension may leak into the value. */
START_TEST(test_high_bytes_no_sign_extension)
{
	/* all-ones, then 0x80 0x00 ... patterns */
	static const uint8_t ff[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t hi[4] = { 0x80, 0x00, 0x00, 0x80 };
	struct rd r = rd_init(ff, sizeof(ff));
	ck_assert_uint_eq(rd_be32(&r), 0xffffffffu);
	ck_assert_uint_eq(rd_le32(&r), 0xffffffffu);
	r = rd_init(ff, sizeof(ff));
	ck_assert_uint_eq(rd_le64(&r), UINT64_MAX);
	r = rd_init(hi, sizeof(hi));
	ck_assert_uint_eq(rd_be32(&r), 0x80000080u);
	r = rd_init(hi, sizeof(hi));
	ck_assert_uint_eq(rd_le16(&r), 0x0080);
	ck_assert_uint_eq(rd_be16(&r), 0x0080);
	r = rd_init(hi, sizeof(hi));
	ck_assert_uint_eq(rd_be24(&r), 0x800000u);
	ck_assert_uint_eq(rd_u8(&r), 0x80);
}
END_TEST

/* A read one byte short of what it needs fails, returns 0, parks the cursor
 * at the end and keeps failing. Loop index = which reader. */
START_TEST(test_read_past_end_each_reader)
{
	struct rd r = rd_init(seq8, sizeof(seq8));
	uint64_t v = 1;
	size_t need[] = { 1, 2, 3, 4, 2, 4 }; /* rd_le64: test_le64_partial_returns_zero */
	/* leave need-1 bytes: skip the rest */
	rd_skip(&r, sizeof(seq8) - (need[_i] - 1));
	ck_assert_int_eq(rd_ok(&r), 1);
	switch (_i) {
	case 0: v = rd_u8(&r); break;
	case 1: v = rd_be16(&r); break;
	case 2: v = rd_be24(&r); break;
	case 3: v = rd_be32(&r); break;
	case 4: v = rd_le16(&r); break;
	case 5: v = rd_le32(&r); break;
	default: ck_abort_msg("bad loop index"); break;
	}
	ck_assert_uint_eq(v, 0);
	assert_parked(&r);
	/* later reads fail too, even of zero bytes */
	ck_assert_uint_eq(rd_u8(&r), 0);
	ck_assert_int_eq(rd_need(&r, 0), 0);
	assert_parked(&r);
}
END_TEST

/* rd_le64 is two rd_le32 reads: with 4..7 bytes left the first half
 * succeeds and the second fails. The contract says a failed read returns 0;
 * the low half must not leak out as a value. */
START_TEST(test_le64_partial_returns_zero)
{
	struct rd r = rd_init(seq8, 4 + (size_t)_i); /* 4..7 bytes */
	uint64_t v = rd_le64(&r);
	assert_parked(&r);
	ck_assert_uint_eq(v, 0);
}
END_TEST

START_TEST(test_error_is_sticky)
{
	struct rd r = rd_init(seq8, 3);
	ck_assert_uint_eq(rd_be32(&r), 0); /* 4 > 3 */
	assert_parked(&r);
	/* The bytes are still in memory, but the cursor will not give them. */
	ck_assert_uint_eq(rd_u8(&r), 0);
	ck_assert_uint_eq(rd_be16(&r), 0);
	ck_assert_int_eq(rd_peek(&r, 0), -1);
	rd_skip(&r, 0);
	assert_parked(&r);
}
END_TEST

START_TEST(test_empty_cursor)
{
	struct rd r = rd_init(seq8, 0);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert_int_eq(rd_need(&r, 0), 1); /* zero bytes are always available */
	ck_assert_int_eq(rd_ok(&r), 1);
	ck_assert_int_eq(rd_peek(&r, 0), -1);
	ck_assert_int_eq(rd_ok(&r), 1); /* peek does not fail the cursor */
	ck_assert_uint_eq(rd_u8(&r), 0);
	assert_parked(&r);
}
END_TEST

START_TEST(test_exact_end_is_ok)
{
	struct rd r = rd_init(seq8, 4);
	ck_assert_uint_eq(rd_be32(&r), 0x12345678u);
	ck_assert_int_eq(rd_ok(&r), 1);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert_int_eq(rd_need(&r, 0), 1);
	ck_assert_int_eq(rd_need(&r, 1), 0);
	assert_parked(&r);
}
END_TEST

START_TEST(test_sub_bounds)
{
	struct rd r = rd_init(seq8, sizeof(seq8));
	rd_skip(&r, 2);
	struct rd s = rd_sub(&r, 4);
	/* the parent advanced past the sub-range */
	ck_assert_int_eq(rd_ok(&r), 1);
	ck_assert_uint_eq(r.off, 6);
	/* the sub-cursor covers exactly seq8[2..6) */
	ck_assert_int_eq(rd_ok(&s), 1);
	ck_assert_ptr_eq(s.base, seq8 + 2);
	ck_assert_uint_eq(s.len, 4);
	ck_assert_uint_eq(s.off, 0);
	ck_assert_uint_eq(rd_be16(&s), 0x5678);
	ck_assert_uint_eq(rd_be16(&s), 0x9abc);
	/* it cannot read past its length although the parent has more bytes */
	ck_assert_uint_eq(rd_u8(&s), 0);
	assert_parked(&s);
	ck_assert_int_eq(rd_peek(&s, 0), -1);
	/* the sub-cursor failing does not fail the parent */
	ck_assert_int_eq(rd_ok(&r), 1);
	ck_assert_uint_eq(rd_be16(&r), 0xdef0);
	ck_assert_int_eq(rd_ok(&r), 1);
}
END_TEST

START_TEST(test_sub_too_short_fails_both)
{
	struct rd r = rd_init(seq8, sizeof(seq8));
	rd_skip(&r, 4);
	struct rd s = rd_sub(&r, 5); /* only 4 left */
	assert_parked(&r);
	ck_assert_int_eq(rd_ok(&s), 0);
	ck_assert_uint_eq(s.len, 0);
	ck_assert_uint_eq(rd_left(&s), 0);
	ck_assert_uint_eq(rd_u8(&s), 0);
	ck_assert_int_eq(rd_peek(&s, 0), -1);
	ck_assert_int_eq(rd_ok(&s), 0);
	/* a failed parent hands out only failed sub-cursors, even of 0 bytes */
	struct rd s2 = rd_sub(&r, 0);
	ck_assert_int_eq(rd_ok(&s2), 0);
	ck_assert_uint_eq(s2.len, 0);
}
END_TEST

START_TEST(test_sub_whole_and_empty)
{
	struct rd r = rd_init(seq8, sizeof(seq8));
	struct rd e = rd_sub(&r, 0);
	ck_assert_int_eq(rd_ok(&e), 1);
	ck_assert_uint_eq(e.len, 0);
	ck_assert_uint_eq(r.off, 0);
	struct rd s = rd_sub(&r, 8);
	ck_assert_int_eq(rd_ok(&s), 1);
	ck_assert_uint_eq(rd_left(&s), 8);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert_int_eq(rd_ok(&r), 1);
	ck_assert_uint_eq(rd_le64(&s), 0xf0debc9a78563412ull);
	/* nested sub-cursor over a sub-cursor */
	s = rd_sub(&r, 0);
	ck_assert_int_eq(rd_ok(&s), 1);
	struct rd outer = rd_init(seq8, sizeof(seq8));
	struct rd mid = rd_sub(&outer, 6);
	rd_skip(&mid, 1);
	struct rd inner = rd_sub(&mid, 3);
	ck_assert_uint_eq(rd_be24(&inner), 0x345678u);
	ck_assert_uint_eq(rd_u8(&inner), 0);
	ck_assert_int_eq(rd_ok(&inner), 0);
	ck_assert_uint_eq(rd_be16(&mid), 0x9abc);
	ck_assert_int_eq(rd_ok(&mid), 1);
	struct rd inner2 = rd_sub(&mid, 1); /* mid is exhausted */
	ck_assert_int_eq(rd_ok(&inner2), 0);
	ck_assert_int_eq(rd_ok(&mid), 0);
	ck_assert_int_eq(rd_ok(&outer), 1);
	ck_assert_uint_eq(rd_left(&outer), 2);
}
END_TEST

START_TEST(test_skip)
{
	struct rd r = rd_init(seq8, sizeof(seq8));
	rd_skip(&r, 3);
	ck_assert_int_eq(rd_ok(&r), 1);
	ck_assert_uint_eq(r.off, 3);
	ck_assert_uint_eq(rd_u8(&r), 0x78);
	rd_skip(&r, 4); /* exactly to the end */
	ck_assert_int_eq(rd_ok(&r), 1);
	ck_assert_uint_eq(rd_left(&r), 0);
	rd_skip(&r, 1);
	assert_parked(&r);

	/* a huge skip must not wrap around (the test subtracts, never adds) */
	r = rd_init(seq8, sizeof(seq8));
	rd_skip(&r, 2);
	rd_skip(&r, SIZE_MAX);
	assert_parked(&r);
	r = rd_init(seq8, sizeof(seq8));
	rd_skip(&r, 1);
	rd_skip(&r, sizeof(seq8)); /* one more than is left */
	assert_parked(&r);
	r = rd_init(seq8, sizeof(seq8));
	struct rd s = rd_sub(&r, SIZE_MAX);
	ck_assert_int_eq(rd_ok(&s), 0);
	assert_parked(&r);
}
END_TEST

START_TEST(test_copy)
{
	uint8_t dst[6];
	struct rd r = rd_init(seq8, sizeof(seq8));
	rd_skip(&r, 1);
	memset(dst, 0xaa, sizeof(dst));
	rd_copy(&r, dst, 4);
	ck_assert_int_eq(rd_ok(&r), 1);
	ck_assert_mem_eq(dst, seq8 + 1, 4);
	ck_assert_uint_eq(dst[4], 0xaa); /* nothing written past n */
	ck_assert_uint_eq(r.off, 5);

	/* 3 left, 6 asked: dst is zero-filled and the cursor fails */
	static const uint8_t zero[6] = { 0 };
	memset(dst, 0xaa, sizeof(dst));
	rd_copy(&r, dst, 6);
	ck_assert_mem_eq(dst, zero, 6);
	assert_parked(&r);

	/* a failed cursor zero-fills even when the bytes would fit */
	memset(dst, 0xaa, sizeof(dst));
	rd_copy(&r, dst, 0);
	ck_assert_uint_eq(dst[0], 0xaa);
	r.err = 1;
	r.off = 0; /* only err says it failed */
	rd_copy(&r, dst, 2);
	ck_assert_mem_eq(dst, zero, 2);
	ck_assert_uint_eq(dst[2], 0xaa);
}
END_TEST

START_TEST(test_peek)
{
	struct rd r = rd_init(seq8, 4);
	ck_assert_int_eq(rd_peek(&r, 0), 0x12);
	ck_assert_int_eq(rd_peek(&r, 3), 0x78);
	ck_assert_int_eq(rd_peek(&r, 4), -1); /* beyond len, though seq8[4] exists */
	ck_assert_int_eq(rd_peek(&r, SIZE_MAX), -1);
	ck_assert_uint_eq(r.off, 0); /* nothing consumed */
	ck_assert_int_eq(rd_ok(&r), 1); /* a failed peek does not fail the cursor */
	rd_skip(&r, 2);
	ck_assert_int_eq(rd_peek(&r, 0), 0x56);
	ck_assert_int_eq(rd_peek(&r, 1), 0x78);
	ck_assert_int_eq(rd_peek(&r, 2), -1);
	/* bytes >= 0x80 come back positive, -1 only means "not there" */
	struct rd h = rd_init(seq8 + 7, 1);
	ck_assert_int_eq(rd_peek(&h, 0), 0xf0);
}
END_TEST

/* Reads from an exact-size heap copy, so ASan sees any read past len. */
START_TEST(test_heap_exact_size)
{
	size_t n = (size_t)_i;
	uint8_t *buf = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(buf);
	if (n)
		memcpy(buf, seq8, n);
	struct rd r = rd_init(buf, n);
	uint32_t v = rd_be32(&r);
	if (n >= 4) {
		ck_assert_uint_eq(v, 0x12345678u);
		ck_assert_int_eq(rd_ok(&r), 1);
	} else {
		ck_assert_uint_eq(v, 0);
		assert_parked(&r);
	}
	r = rd_init(buf, n);
	uint64_t w = rd_le64(&r);
	ck_assert_int_eq(rd_ok(&r), n == 8);
	if (n == 8)
		ck_assert_uint_eq(w, 0xf0debc9a78563412ull);
	else
		ck_assert_uint_eq(r.off, n); /* parked (value: see test_le64_partial) */
	r = rd_init(buf, n);
	struct rd s = rd_sub(&r, 3);
	ck_assert_int_eq(rd_ok(&s), n >= 3);
	ck_assert_uint_eq(rd_be24(&s), n >= 3 ? 0x123456u : 0);
	ck_assert_int_eq(rd_peek(&r, 0), n > 3 ? seq8[3] : -1);
	free(buf);
}
END_TEST

static Suite *cursor_suite(void)
{
	Suite *s = suite_create("cursor");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_init_state);
	tcase_add_test(tc, test_big_endian_values);
	tcase_add_test(tc, test_little_endian_values);
	tcase_add_test(tc, test_high_bytes_no_sign_extension);
	tcase_add_loop_test(tc, test_read_past_end_each_reader, 0, 6);
	tcase_add_loop_test(tc, test_le64_partial_returns_zero, 0, 4);
	tcase_add_test(tc, test_error_is_sticky);
	tcase_add_test(tc, test_empty_cursor);
	tcase_add_test(tc, test_exact_end_is_ok);
	tcase_add_test(tc, test_sub_bounds);
	tcase_add_test(tc, test_sub_too_short_fails_both);
	tcase_add_test(tc, test_sub_whole_and_empty);
	tcase_add_test(tc, test_skip);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_peek);
	tcase_add_loop_test(tc, test_heap_exact_size, 0, (int)sizeof(seq8) + 1);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cursor_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
