/* fuzz_mbtcp.c - libFuzzer target: Modbus/TCP through the stream framework,
 * as a TCP flow to port 502 (fuzz_stream.h has the input format). The last byte
 * switches folding of reads off (--no-aggregate).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "dissectors/dis_cursor.h"
#include "tests/fuzz/fuzz_stream.h"

/* Length of the ADU starting at p per its MBAP header, clipped to left. */
static size_t adu_len(const uint8_t *p, size_t left)
{
	struct rd r = rd_init(p, left);
	rd_skip(&r, 4);
	uint16_t mlen = rd_be16(&r);
	if (!rd_ok(&r))
		return left;
	size_t n = 6u + mlen;
	return n < left ? n : left;
}

static const struct fuzz_stream_target target = {
	.name = "fuzz_mbtcp",
	.port = 502,
	.unit_len = adu_len,
	.aggregate_from_last_byte = 1,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_stream_run(&target, data, size);
}
