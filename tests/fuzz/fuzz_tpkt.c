/* fuzz_tpkt.c - libFuzzer target: TPKT/COTP (ISO-on-TCP) through the stream framework,
 * as a TCP flow to port 102 (fuzz_stream.h has the input format).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "dissectors/dis_cursor.h"
#include "tests/fuzz/fuzz_stream.h"

/* Length of the TPKT starting at p per its header (RFC 1006 section 6:
 * version, reserved, 16-bit big-endian length including the header),
 * clipped to left; a length below the 4 header bytes is taken as the rest. */
static size_t tpkt_len(const uint8_t *p, size_t left)
{
	struct rd r = rd_init(p, left);
	rd_skip(&r, 2);
	uint16_t tl = rd_be16(&r);
	if (!rd_ok(&r) || tl < 4)
		return left;
	return tl < left ? tl : left;
}

static const struct fuzz_stream_target target = {
	.name = "fuzz_tpkt",
	.port = 102,
	.unit_len = tpkt_len,
	.aggregate_from_last_byte = 0,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_stream_run(&target, data, size);
}
