/* fuzz_opcua.c - libFuzzer target: OPC UA binary through the stream framework,
 * as a TCP flow to port 4840 (fuzz_stream.h has the input format; bit 0 of
 * the last byte switches folding of read-class services off, as
 * --no-aggregate does).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "dissectors/dis_cursor.h"
#include "tests/fuzz/fuzz_stream.h"

/* Length of the OPC UA message chunk starting at p per its header (UA Part 6
 * 7.1.2: 3-byte type, chunk type, 32-bit little-endian size including the
 * header), clipped to left; a size below the 8 header bytes is taken as the
 * rest. */
static size_t msg_len(const uint8_t *p, size_t left)
{
	struct rd r = rd_init(p, left);
	rd_skip(&r, 4);
	uint32_t size = rd_le32(&r);
	if (!rd_ok(&r) || size < 8)
		return left;
	return size < left ? size : left;
}

static const struct fuzz_stream_target target = {
	.name = "fuzz_opcua",
	.port = 4840,
	.unit_len = msg_len,
	.aggregate_from_last_byte = 1,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_stream_run(&target, data, size);
}
