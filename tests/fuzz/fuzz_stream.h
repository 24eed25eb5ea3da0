/* fuzz_stream.h - one TCP protocol fed through the stream framework, the
 * shared body of the fuzz targets fuzz_mbtcp, fuzz_tpkt and fuzz_opcua.
 *
 * The input is fed exactly as a TCP flow on the target's port feeds it after
 * reassembly: dis_stream_data() per in-order chunk (probe, attach, framing,
 * leftover buffers, parse), dis_stream_gap() where bytes are missing and
 * dis_flow_end() at the end, which must give every buffer (leftover and
 * probe) and the dissector state back. Every emitted event is read field by
 * field, so ASan sees a key, action or string that points anywhere it should
 * not.
 *
 * Input format:
 *   byte 0      how the rest is cut into chunks (a small PRNG is seeded from it)
 *               bits 7-6  direction: 0 all from the initiator, 1 alternating
 *                         per unit (request, response, ...), 2 random per
 *                         unit, 3 random per chunk (unit boundaries ignored)
 *               bits 5-4  chunk size within a unit: 0 the whole unit, 1 one
 *                         byte, 2 random 1..8, 3 random 1..300
 *               bit 3     the first chunk in each direction is one whole unit
 *                         (so the probe sees a complete header)
 *               bits 2-0  gap rate: after a chunk, with probability n/32 a
 *                         gap is reported (1..16 bytes skipped, or none left)
 *   bytes 1..   the TCP payload, the protocol's PDUs back to back
 *   last byte   with aggregate_from_last_byte, bit 0 set: cyclic operations
 *               are not folded (zonewatch --no-aggregate)
 * A unit is one PDU (per the target's unit_len) in direction modes 1 and 2
 * and the whole remaining payload in modes 0 and 3.
 */
#ifndef ZW_FUZZ_STREAM_H
#define ZW_FUZZ_STREAM_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_stream_target {
	const char *name; /* in invariant messages */
	uint16_t port;    /* the flow's responder port */
	/* Length of the PDU starting at p per its own length field, clipped to
	 * left (left when the header is cut short or lies). */
	size_t (*unit_len)(const uint8_t *p, size_t left);
	int aggregate_from_last_byte;
};

int fuzz_stream_run(const struct fuzz_stream_target *t, const uint8_t *data, size_t size);

#endif /* ZW_FUZZ_STREAM_H */
