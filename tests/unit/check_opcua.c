/* check_opcua.c - unit tests for the OPC UA binary framing dissector
 * (dissectors/opcua.c), driven through the real stream framework
 * (dissectors/dis_stream.c).
 *
 * Each test builds a dis_runtime whose emit callback copies every event into
 * an array, and a zeroed struct flow on port 4840, then feeds reassembled
 * stream bytes with dis_stream_data() / dis_stream_gap() / dis_flow_end().
 * Chunks are counted in rt.proto[UA_PIDX].counters at
 * dir * OPCUA_COUNTERS_PER_DIR + type * 3 + chunk, types in the order HEL
 * ACK ERR RHE OPN MSG CLO and chunk types F C A (UA_C() below).
 *
 * Most messages are real: the TCP payload of one frame of a capture under
 * pcaps/opcua/, taken with `tshark -r CAPTURE -T fields -e tcp.payload`; the
 * comment above each array names the capture and frame. The others are built
 * by hand from OPC 10000-6 (UA Part 6) section 7.1.2 and say so.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/flow.h"
#include "capture/reasm.h"
#include "dissectors/dis.h"
#include "dissectors/dis_event.h"
#include "dissectors/opcua.h"

#define MAX_EVENTS 64
#define TS0 1700000000000000ull

#include "tests/unit/dis_fixture.h"
#define UA_PIDX 2          /* registry order: mbtcp, tpkt, opcua */
#define UA_PREFIX 8192     /* opcua.c OPCUA_PARSE_PREFIX: bytes of a chunk read */

/* Message types and chunk types in counter order. */
enum { UA_HEL, UA_ACK, UA_ERR, UA_RHE, UA_OPN, UA_MSG, UA_CLO };
enum { UA_F, UA_C, UA_A };
#define UA_C(dir, type, chunk) ((unsigned)(dir) * OPCUA_COUNTERS_PER_DIR + (type) * 3u + (chunk))

/* ---- messages from captures ---- */

/* HEL from the client (opcua/opcua-read-service.pcap frame 5): version 0, receive and
 * send buffer 131072, max message size 1073741824, max chunk count 32768,
 * endpoint "opc.tcp://localhost:4840". */
static const uint8_t hel[] = {
	0x48, 0x45, 0x4c, 0x46, 0x38, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x40,
	0x00, 0x80, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x6f, 0x70, 0x63, 0x2e,
	0x74, 0x63, 0x70, 0x3a, 0x2f, 0x2f, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x68,
	0x6f, 0x73, 0x74, 0x3a, 0x34, 0x38, 0x34, 0x30,
};

/* ACK from the server (opcua/opcua-read-service.pcap frame 7), the same values. */
static const uint8_t ack[] = {
	0x41, 0x43, 0x4b, 0x46, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x40,
	0x00, 0x80, 0x00, 0x00,
};

/* OPN request, SecurityPolicy#None, channel 0, null certificate and
 * thumbprint (opcua/opcua-read-service.pcap frame 9). */
static const uint8_t opn_none_req[] = {
	0x4f, 0x50, 0x4e, 0x46, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x2f, 0x00, 0x00, 0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f,
	0x70, 0x63, 0x66, 0x6f, 0x75, 0x6e, 0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e,
	0x2e, 0x6f, 0x72, 0x67, 0x2f, 0x55, 0x41, 0x2f, 0x53, 0x65, 0x63, 0x75,
	0x72, 0x69, 0x74, 0x79, 0x50, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x23, 0x4e,
	0x6f, 0x6e, 0x65, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0xbe, 0x01, 0x00,
	0x00, 0x48, 0x84, 0x00, 0x4b, 0xa2, 0xd9, 0xd8, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xc0, 0x27, 0x09, 0x00,
};

/* OPN response, channel 1 (opcua/opcua-read-service.pcap frame 11). */
static const uint8_t opn_none_resp[] = {
	0x4f, 0x50, 0x4e, 0x46, 0x87, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x2f, 0x00, 0x00, 0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f,
	0x70, 0x63, 0x66, 0x6f, 0x75, 0x6e, 0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e,
	0x2e, 0x6f, 0x72, 0x67, 0x2f, 0x55, 0x41, 0x2f, 0x53, 0x65, 0x63, 0x75,
	0x72, 0x69, 0x74, 0x79, 0x50, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x23, 0x4e,
	0x6f, 0x6e, 0x65, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0xc1, 0x01, 0xee,
	0x88, 0x00, 0x4b, 0xa2, 0xd9, 0xd8, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xee,
	0x88, 0x00, 0x4b, 0xa2, 0xd9, 0xd8, 0x01, 0xc0, 0x27, 0x09, 0x00, 0xff,
	0xff, 0xff, 0xff,
};

/* MSG F request on channel 1 (opcua/opcua-read-service.pcap frame 13). */
static const uint8_t msg_req1[] = {
	0x4d, 0x53, 0x47, 0x46, 0x5d, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xac, 0x01, 0x00, 0x00, 0xac, 0x8e, 0x00, 0x4b, 0xa2, 0xd9,
	0xd8, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
	0xff, 0xff, 0x10, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00,
	0x00, 0x6f, 0x70, 0x63, 0x2e, 0x74, 0x63, 0x70, 0x3a, 0x2f, 0x2f, 0x6c,
	0x6f, 0x63, 0x61, 0x6c, 0x68, 0x6f, 0x73, 0x74, 0x3a, 0x34, 0x38, 0x34,
	0x30, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* MSG F response (opcua/opcua-read-service.pcap frame 15). */
static const uint8_t msg_resp1[] = {
	0x4d, 0x53, 0x47, 0x46, 0xf8, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xaf, 0x01, 0xc4, 0x94, 0x00, 0x4b, 0xa2, 0xd9, 0xd8, 0x01,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
	0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00,
	0x6f, 0x70, 0x63, 0x2e, 0x74, 0x63, 0x70, 0x3a, 0x2f, 0x2f, 0x6c, 0x6f,
	0x63, 0x61, 0x6c, 0x68, 0x6f, 0x73, 0x74, 0x3a, 0x34, 0x38, 0x34, 0x30,
	0x20, 0x00, 0x00, 0x00, 0x75, 0x72, 0x6e, 0x3a, 0x6f, 0x70, 0x65, 0x6e,
	0x36, 0x32, 0x35, 0x34, 0x31, 0x2e, 0x73, 0x65, 0x72, 0x76, 0x65, 0x72,
	0x2e, 0x61, 0x70, 0x70, 0x6c, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e,
	0x14, 0x00, 0x00, 0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f,
	0x70, 0x65, 0x6e, 0x36, 0x32, 0x35, 0x34, 0x31, 0x2e, 0x6f, 0x72, 0x67,
	0x03, 0x02, 0x00, 0x00, 0x00, 0x65, 0x6e, 0x22, 0x00, 0x00, 0x00, 0x6f,
	0x70, 0x65, 0x6e, 0x36, 0x32, 0x35, 0x34, 0x31, 0x2d, 0x62, 0x61, 0x73,
	0x65, 0x64, 0x20, 0x4f, 0x50, 0x43, 0x20, 0x55, 0x41, 0x20, 0x41, 0x70,
	0x70, 0x6c, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x00, 0x00, 0x00,
	0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00,
	0x00, 0x18, 0x00, 0x00, 0x00, 0x6f, 0x70, 0x63, 0x2e, 0x74, 0x63, 0x70,
	0x3a, 0x2f, 0x2f, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x68, 0x6f, 0x73, 0x74,
	0x3a, 0x34, 0x38, 0x34, 0x30, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00,
	0x00, 0x2f, 0x00, 0x00, 0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f,
	0x6f, 0x70, 0x63, 0x66, 0x6f, 0x75, 0x6e, 0x64, 0x61, 0x74, 0x69, 0x6f,
	0x6e, 0x2e, 0x6f, 0x72, 0x67, 0x2f, 0x55, 0x41, 0x2f, 0x53, 0x65, 0x63,
	0x75, 0x72, 0x69, 0x74, 0x79, 0x50, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x23,
	0x4e, 0x6f, 0x6e, 0x65, 0x02, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x00,
	0x6f, 0x70, 0x65, 0x6e, 0x36, 0x32, 0x35, 0x34, 0x31, 0x2d, 0x61, 0x6e,
	0x6f, 0x6e, 0x79, 0x6d, 0x6f, 0x75, 0x73, 0x2d, 0x70, 0x6f, 0x6c, 0x69,
	0x63, 0x79, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x19, 0x00, 0x00, 0x00, 0x6f, 0x70,
	0x65, 0x6e, 0x36, 0x32, 0x35, 0x34, 0x31, 0x2d, 0x75, 0x73, 0x65, 0x72,
	0x6e, 0x61, 0x6d, 0x65, 0x2d, 0x70, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x01,
	0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x2f,
	0x00, 0x00, 0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f, 0x70,
	0x63, 0x66, 0x6f, 0x75, 0x6e, 0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2e,
	0x6f, 0x72, 0x67, 0x2f, 0x55, 0x41, 0x2f, 0x53, 0x65, 0x63, 0x75, 0x72,
	0x69, 0x74, 0x79, 0x50, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x23, 0x4e, 0x6f,
	0x6e, 0x65, 0x41, 0x00, 0x00, 0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f,
	0x2f, 0x6f, 0x70, 0x63, 0x66, 0x6f, 0x75, 0x6e, 0x64, 0x61, 0x74, 0x69,
	0x6f, 0x6e, 0x2e, 0x6f, 0x72, 0x67, 0x2f, 0x55, 0x41, 0x2d, 0x50, 0x72,
	0x6f, 0x66, 0x69, 0x6c, 0x65, 0x2f, 0x54, 0x72, 0x61, 0x6e, 0x73, 0x70,
	0x6f, 0x72, 0x74, 0x2f, 0x75, 0x61, 0x74, 0x63, 0x70, 0x2d, 0x75, 0x61,
	0x73, 0x63, 0x2d, 0x75, 0x61, 0x62, 0x69, 0x6e, 0x61, 0x72, 0x79, 0x01,
};

/* MSG F request (opcua/opcua-read-service.pcap frame 17). */
static const uint8_t msg_req2[] = {
	0x4d, 0x53, 0x47, 0x46, 0xa6, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xcd, 0x01, 0x00, 0x00, 0xb8, 0x9b, 0x00, 0x4b, 0xa2, 0xd9,
	0xd8, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
	0xff, 0xff, 0x10, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00,
	0x00, 0x75, 0x72, 0x6e, 0x3a, 0x75, 0x6e, 0x63, 0x6f, 0x6e, 0x66, 0x69,
	0x67, 0x75, 0x72, 0x65, 0x64, 0x3a, 0x61, 0x70, 0x70, 0x6c, 0x69, 0x63,
	0x61, 0x74, 0x69, 0x6f, 0x6e, 0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x00,
	0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x18, 0x00, 0x00, 0x00, 0x6f, 0x70,
	0x63, 0x2e, 0x74, 0x63, 0x70, 0x3a, 0x2f, 0x2f, 0x6c, 0x6f, 0x63, 0x61,
	0x6c, 0x68, 0x6f, 0x73, 0x74, 0x3a, 0x34, 0x38, 0x34, 0x30, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00,
	0x00, 0x00, 0x80, 0x4f, 0x32, 0x41, 0xff, 0xff, 0xff, 0x7f,
};

/* CLO from the client on channel 8 (opcua/opcua-get-endpoints.pcap frame 17). */
static const uint8_t clo[] = {
	0x43, 0x4c, 0x4f, 0x46, 0x39, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xc4, 0x01, 0x00, 0x00, 0xee, 0xc3, 0xd9, 0x9b, 0x55, 0x95,
	0xd7, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
	0xff, 0xff, 0x10, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* OPN request with SecurityPolicy#Basic256Sha256, an 850-byte sender
 * certificate and a 20-byte receiver thumbprint, channel 0
 * (opcua/opcua-python-secured-channel.pcap frame 31). */
static const uint8_t opn_b256_req[] = {
	0x4f, 0x50, 0x4e, 0x46, 0xb7, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x39, 0x00, 0x00, 0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f,
	0x70, 0x63, 0x66, 0x6f, 0x75, 0x6e, 0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e,
	0x2e, 0x6f, 0x72, 0x67, 0x2f, 0x55, 0x41, 0x2f, 0x53, 0x65, 0x63, 0x75,
	0x72, 0x69, 0x74, 0x79, 0x50, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x23, 0x42,
	0x61, 0x73, 0x69, 0x63, 0x32, 0x35, 0x36, 0x53, 0x68, 0x61, 0x32, 0x35,
	0x36, 0x52, 0x03, 0x00, 0x00, 0x30, 0x82, 0x03, 0x4e, 0x30, 0x82, 0x02,
	0x36, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x09, 0x00, 0x9b, 0x1c, 0x24,
	0xd6, 0x1f, 0xb1, 0x61, 0x47, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48,
	0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00, 0x30, 0x23, 0x31, 0x21,
	0x30, 0x1f, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x18, 0x70, 0x79, 0x74,
	0x68, 0x6f, 0x6e, 0x2d, 0x6f, 0x70, 0x63, 0x75, 0x61, 0x2e, 0x65, 0x78,
	0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x30, 0x1e, 0x17,
	0x0d, 0x31, 0x36, 0x30, 0x31, 0x30, 0x34, 0x32, 0x33, 0x30, 0x38, 0x32,
	0x33, 0x5a, 0x17, 0x0d, 0x32, 0x35, 0x30, 0x39, 0x32, 0x33, 0x32, 0x33,
	0x30, 0x38, 0x32, 0x33, 0x5a, 0x30, 0x23, 0x31, 0x21, 0x30, 0x1f, 0x06,
	0x03, 0x55, 0x04, 0x03, 0x0c, 0x18, 0x70, 0x79, 0x74, 0x68, 0x6f, 0x6e,
	0x2d, 0x6f, 0x70, 0x63, 0x75, 0x61, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70,
	0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x30, 0x82, 0x01, 0x22, 0x30, 0x0d,
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05,
	0x00, 0x03, 0x82, 0x01, 0x0f, 0x00, 0x30, 0x82, 0x01, 0x0a, 0x02, 0x82,
	0x01, 0x01, 0x00, 0x9f, 0x68, 0x30, 0x7b, 0xa4, 0xaf, 0xdf, 0x98, 0xff,
	0xc8, 0xec, 0x8b, 0xac, 0x48, 0xaf, 0x25, 0x4c, 0x20, 0x67, 0x3d, 0x98,
	0x21, 0xa8, 0x86, 0xd5, 0x2e, 0xdd, 0x90, 0x1d, 0x80, 0x0c, 0xa0, 0x41,
	0x75, 0x09, 0xa1, 0x78, 0x17, 0x8a, 0xf1, 0xa3, 0x6b, 0xe5, 0xd4, 0xcb,
	0x7c, 0x83, 0x0b, 0x2a, 0xe1, 0x3d, 0xe8, 0xb1, 0x01, 0x59, 0x32, 0xf9,
	0xcb, 0x60, 0x76, 0xfb, 0x28, 0xdc, 0x94, 0xa0, 0x98, 0x13, 0x8c, 0xbc,
	0x49, 0x40, 0x00, 0xef, 0xda, 0xee, 0x10, 0xdd, 0x4d, 0xfc, 0x85, 0xe0,
	0x33, 0x2b, 0x94, 0xe9, 0xe2, 0xbc, 0xb8, 0x30, 0x29, 0xee, 0xc8, 0x92,
	0x2a, 0x00, 0xf2, 0xb5, 0x1a, 0x2a, 0xee, 0xc0, 0x4a, 0xb8, 0xcd, 0x0a,
	0xf1, 0xf9, 0x6c, 0xd5, 0x8b, 0x1f, 0x28, 0xb4, 0xed, 0xfb, 0x4a, 0xe5,
	0xbd, 0xb7, 0x39, 0x25, 0xaa, 0x53, 0x46, 0x32, 0x20, 0x18, 0x04, 0xbd,
	0x13, 0x04, 0xa1, 0xef, 0x4b, 0x95, 0xcc, 0x6e, 0x33, 0xf5, 0x89, 0xd0,
	0x4c, 0x07, 0xc7, 0xab, 0x33, 0x3d, 0xbd, 0xc3, 0xf4, 0xd5, 0x42, 0x71,
	0x01, 0x2a, 0x3d, 0x2f, 0x09, 0xd6, 0x63, 0xad, 0xb5, 0x4f, 0x2b, 0x28,
	0x29, 0xb6, 0xde, 0x64, 0x71, 0x2a, 0xcb, 0xe5, 0xfe, 0x31, 0x09, 0x9c,
	0x14, 0xfa, 0xe7, 0xf3, 0xed, 0xca, 0x74, 0x18, 0xbc, 0x29, 0x44, 0xc2,
	0x7e, 0xb2, 0x11, 0xbd, 0x60, 0x92, 0x45, 0x07, 0x16, 0xf4, 0x8a, 0xd3,
	0xc5, 0xb3, 0x2e, 0x75, 0xbc, 0x0c, 0x84, 0xb5, 0xd0, 0x42, 0xee, 0x38,
	0x00, 0x53, 0xde, 0x99, 0x55, 0xe4, 0x34, 0xea, 0x7a, 0xf2, 0x0e, 0xad,
	0x43, 0xd8, 0x4a, 0x68, 0x54, 0xc1, 0x25, 0xa8, 0xdc, 0x8b, 0xe3, 0xa2,
	0x68, 0xde, 0x59, 0xca, 0x6c, 0x6a, 0xae, 0x18, 0xac, 0xd7, 0xcd, 0x06,
	0x14, 0x04, 0xdd, 0xf6, 0xfe, 0xc7, 0x03, 0x02, 0x03, 0x01, 0x00, 0x01,
	0xa3, 0x81, 0x84, 0x30, 0x81, 0x81, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d,
	0x0e, 0x04, 0x16, 0x04, 0x14, 0xe2, 0x8f, 0xdb, 0xc5, 0x9b, 0xa0, 0x38,
	0xf2, 0x86, 0x4f, 0x5a, 0xf7, 0xb8, 0xe9, 0x5a, 0x8a, 0xcd, 0x2b, 0xe9,
	0x54, 0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16,
	0x80, 0x14, 0xe2, 0x8f, 0xdb, 0xc5, 0x9b, 0xa0, 0x38, 0xf2, 0x86, 0x4f,
	0x5a, 0xf7, 0xb8, 0xe9, 0x5a, 0x8a, 0xcd, 0x2b, 0xe9, 0x54, 0x30, 0x0c,
	0x06, 0x03, 0x55, 0x1d, 0x13, 0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff,
	0x30, 0x31, 0x06, 0x03, 0x55, 0x1d, 0x11, 0x04, 0x2a, 0x30, 0x28, 0x86,
	0x26, 0x75, 0x72, 0x6e, 0x3a, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x2e, 0x6f, 0x72, 0x67, 0x3a, 0x46, 0x72, 0x65, 0x65, 0x4f, 0x70, 0x63,
	0x55, 0x61, 0x3a, 0x70, 0x79, 0x74, 0x68, 0x6f, 0x6e, 0x2d, 0x6f, 0x70,
	0x63, 0x75, 0x61, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
	0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00, 0x03, 0x82, 0x01, 0x01, 0x00, 0x00,
	0x57, 0xa8, 0x03, 0xa2, 0x2d, 0x49, 0xee, 0xd2, 0xda, 0xe7, 0x69, 0x1f,
	0x6b, 0x27, 0x79, 0xb4, 0xf6, 0xde, 0xaa, 0xdc, 0x8c, 0x28, 0x88, 0xc5,
	0x38, 0xb5, 0xa5, 0xfa, 0x6e, 0xf0, 0xbd, 0x1a, 0xe1, 0x09, 0x4f, 0xea,
	0x20, 0xc3, 0x76, 0x05, 0x0d, 0xfd, 0x07, 0x9f, 0x57, 0xff, 0xb5, 0x1a,
	0x28, 0x5e, 0x12, 0x35, 0xbc, 0xff, 0xa4, 0xd7, 0xd5, 0x0b, 0x1c, 0xb8,
	0x6c, 0x15, 0x6d, 0x5f, 0x15, 0xec, 0x6f, 0xf5, 0x78, 0x4a, 0xab, 0xd3,
	0x2a, 0x6f, 0x73, 0xb6, 0x01, 0xcf, 0xf7, 0x5d, 0x37, 0xa5, 0x65, 0xb5,
	0x53, 0x90, 0xdd, 0xb5, 0x62, 0x3a, 0x03, 0xe0, 0x97, 0x0a, 0x7e, 0x5a,
	0x05, 0x31, 0x92, 0x7b, 0xd1, 0xd5, 0x18, 0x90, 0x33, 0xf8, 0xf8, 0x34,
	0xd5, 0xf1, 0x3d, 0x28, 0xec, 0x67, 0xc5, 0x3b, 0x4d, 0x97, 0xa3, 0x28,
	0x97, 0x74, 0x3b, 0xf1, 0xbb, 0xdf, 0x71, 0xb8, 0xaf, 0x99, 0x43, 0xc1,
	0x41, 0x55, 0x6f, 0xb2, 0x81, 0x75, 0xd8, 0x7e, 0x3e, 0xd6, 0x05, 0x50,
	0x63, 0x90, 0xde, 0x9a, 0xa6, 0x49, 0x7a, 0xb5, 0xcf, 0xae, 0x2c, 0x90,
	0x92, 0x02, 0xc8, 0x76, 0x61, 0xe8, 0xc7, 0x5c, 0x15, 0x61, 0x3e, 0x91,
	0x71, 0xaa, 0xe8, 0xb7, 0xdb, 0x78, 0xc3, 0x24, 0x64, 0x8b, 0x07, 0x4a,
	0xf3, 0xec, 0x02, 0xd5, 0x74, 0x37, 0x77, 0x17, 0x68, 0x70, 0xdc, 0xa4,
	0xfa, 0x6c, 0x4f, 0x1e, 0x27, 0xb1, 0x1c, 0xa3, 0xe9, 0x67, 0x79, 0x21,
	0xbe, 0x4c, 0x43, 0x00, 0xc1, 0x85, 0x34, 0xe5, 0xa4, 0xbc, 0x52, 0xf8,
	0x29, 0xe9, 0x05, 0x73, 0xe8, 0x37, 0xec, 0x2e, 0xf9, 0x77, 0xba, 0xf3,
	0x19, 0x94, 0x08, 0x9e, 0xfe, 0x8c, 0xfd, 0x5d, 0x6c, 0x81, 0x4f, 0xd7,
	0x29, 0x5e, 0x40, 0xbd, 0x1c, 0x30, 0x71, 0x09, 0xba, 0xbe, 0x79, 0xf6,
	0x1a, 0x78, 0xd2, 0x14, 0x00, 0x00, 0x00, 0x0e, 0xd5, 0xb7, 0x40, 0x1e,
	0xe5, 0x30, 0x17, 0x40, 0x75, 0xf0, 0x27, 0x97, 0x3d, 0x1d, 0x46, 0x64,
	0x16, 0xa8, 0x66, 0x31, 0x31, 0x68, 0xbc, 0x59, 0xd4, 0xd8, 0xb7, 0xd0,
	0x57, 0x24, 0x9c, 0xac, 0x10, 0x21, 0x51, 0x3d, 0x74, 0x07, 0xa3, 0x9d,
	0x91, 0xef, 0x30, 0xda, 0xa7, 0xe8, 0xa7, 0x66, 0xb1, 0x9b, 0xfe, 0xb6,
	0x3f, 0xe6, 0xe4, 0x59, 0xc0, 0xb3, 0x55, 0x48, 0x25, 0xcb, 0x13, 0x6e,
	0x27, 0x6c, 0x68, 0x46, 0xc4, 0x5f, 0x8a, 0xdf, 0x1f, 0x30, 0xbf, 0xbc,
	0x1b, 0x7a, 0xad, 0x8a, 0x61, 0xbd, 0x22, 0xc4, 0x4a, 0xd2, 0x4b, 0x1a,
	0x81, 0xba, 0x03, 0x86, 0xdf, 0x19, 0x8b, 0x2b, 0xf1, 0x21, 0x3a, 0xe5,
	0x41, 0xaf, 0x3a, 0x3c, 0xd3, 0x16, 0x9a, 0xc8, 0x4b, 0x5a, 0x06, 0xbd,
	0x86, 0x99, 0x44, 0x42, 0x0d, 0x57, 0xe4, 0x91, 0x9a, 0x18, 0x2e, 0x97,
	0x08, 0xea, 0x0a, 0x78, 0x5e, 0xb0, 0x15, 0x33, 0x54, 0x5a, 0x08, 0xfd,
	0x82, 0x4e, 0x90, 0x14, 0xbe, 0x4b, 0x09, 0xd4, 0xe4, 0x29, 0x8b, 0x95,
	0x17, 0xab, 0x1a, 0x78, 0xaa, 0x08, 0x37, 0x77, 0x44, 0x47, 0xd1, 0x4a,
	0xd1, 0xb0, 0x6a, 0x58, 0xf1, 0x2b, 0x05, 0xeb, 0xaf, 0x4e, 0xcb, 0xad,
	0x80, 0xac, 0x2a, 0xf0, 0x33, 0x2c, 0xae, 0x86, 0x4f, 0x80, 0xcc, 0x02,
	0x98, 0x7d, 0x63, 0x0f, 0xae, 0x3c, 0x45, 0x74, 0x6c, 0xdc, 0xbb, 0xe7,
	0xb4, 0x11, 0x5c, 0x3c, 0x46, 0x7d, 0x42, 0x09, 0x76, 0x4c, 0x73, 0x8a,
	0xd1, 0x8f, 0x19, 0x17, 0x7b, 0xbe, 0x99, 0xb9, 0x8f, 0x7e, 0x40, 0xc2,
	0x80, 0x70, 0x45, 0x80, 0x44, 0x86, 0x8c, 0x16, 0x92, 0xfe, 0xbd, 0x3e,
	0xe3, 0x62, 0xaa, 0xb8, 0xfc, 0xbc, 0x30, 0x12, 0x9b, 0xca, 0x81, 0xa3,
	0x7e, 0x77, 0x3d, 0x9e, 0x7b, 0x0e, 0xf1, 0xfc, 0x82, 0x91, 0x8e, 0x5b,
	0x03, 0x4a, 0xfe, 0xf6, 0x1b, 0x00, 0x8b, 0x02, 0xf3, 0x7c, 0x79, 0xd8,
	0x04, 0x8f, 0xc8, 0xab, 0xd0, 0xb0, 0x06, 0x91, 0x7e, 0x4f, 0xa1, 0xbe,
	0xb2, 0x25, 0x57, 0x76, 0x55, 0x89, 0x74, 0xde, 0xdc, 0x8d, 0xaf, 0x06,
	0xfc, 0x47, 0x1c, 0x48, 0x37, 0x15, 0x95, 0xca, 0x8c, 0x87, 0x2d, 0xed,
	0xf6, 0x64, 0x40, 0x7a, 0x2c, 0x87, 0xdd, 0xbb, 0x8a, 0xb2, 0xa9, 0x4a,
	0xdf, 0xb7, 0x30, 0xba, 0x29, 0x59, 0x56, 0x0a, 0x15, 0x67, 0x65, 0x6c,
	0x8d, 0x70, 0x98, 0xed, 0x0d, 0xc1, 0xf7, 0x2d, 0x2f, 0x19, 0x49, 0xc1,
	0x3c, 0xbf, 0x13, 0x9f, 0x06, 0x7c, 0x53, 0xfa, 0x7d, 0x73, 0xe9, 0x16,
	0xad, 0xdc, 0x10, 0x3c, 0x6b, 0x08, 0x67, 0x93, 0xff, 0xfb, 0x42, 0x7f,
	0xbb, 0x1d, 0xfb, 0xd3, 0xc7, 0xd4, 0x93, 0x7d, 0x84, 0xef, 0xf6, 0x25,
	0x77, 0xae, 0x84, 0x89, 0x68, 0x77, 0x98, 0x7e, 0x07, 0x2b, 0x1a, 0xd6,
	0x70, 0xaf, 0xd1, 0x58, 0x07, 0xfc, 0xdf, 0x3b, 0xcc, 0x69, 0x06, 0xf8,
	0x7a, 0x40, 0x73, 0x5e, 0x31, 0x7d, 0xc2, 0x16, 0xcf, 0x65, 0x2a, 0x1b,
	0x99, 0x93, 0xd8, 0xb3, 0x36, 0x2b, 0x4d, 0x26, 0xa4, 0xc2, 0xed, 0x73,
	0xf3, 0xe7, 0x43, 0xf8, 0xf2, 0x12, 0x2a, 0x79, 0x68, 0xbe, 0x59, 0xac,
	0xe0, 0x69, 0x2d, 0x30, 0x66, 0xca, 0x2c, 0x8b, 0x2a, 0x31, 0x85, 0xb7,
	0x03, 0x0b, 0x96, 0xcd, 0x68, 0x60, 0xc7, 0x77, 0xf9, 0xcd, 0x29, 0x01,
	0x1d, 0xd8, 0xeb, 0x85, 0xdd, 0xd7, 0x17, 0x00, 0xd2, 0xa2, 0x23, 0x25,
	0xb4, 0xe8, 0x36, 0x8b, 0x63, 0x70, 0x9c, 0x6a, 0x56, 0xd2, 0x0d, 0x7b,
	0x77, 0x53, 0x4e, 0x9b, 0x13, 0xc9, 0xdb, 0x42, 0x2f, 0xd4, 0xdf, 0x08,
	0xaf, 0xf2, 0xde, 0x65, 0xc7, 0x9e, 0xfb, 0xe8, 0xa0, 0x40, 0xb7, 0xae,
	0x26, 0x31, 0x5f, 0xc2, 0xb5, 0x8a, 0x72, 0xbe, 0x05, 0xc8, 0x82, 0x88,
	0x5b, 0x84, 0x4c, 0x78, 0x97, 0xa4, 0x2c, 0xec, 0x02, 0xf3, 0xa9,
};

/* MSG F from the server, the first payload of a capture that starts
 * midstream (opcua/opcua-mainloop-midstream-no-handshake.pcap frame 2). */
static const uint8_t mid_msg[] = {
	0x4d, 0x53, 0x47, 0x46, 0xdc, 0x01, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xaf, 0x01, 0xb8, 0xb6, 0x16, 0x4f, 0x2d, 0xd1, 0xd5, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
	0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00,
	0x6f, 0x70, 0x63, 0x2e, 0x74, 0x63, 0x70, 0x3a, 0x2f, 0x2f, 0x6c, 0x6f,
	0x63, 0x61, 0x6c, 0x68, 0x6f, 0x73, 0x74, 0x3a, 0x34, 0x38, 0x34, 0x30,
	0x20, 0x00, 0x00, 0x00, 0x75, 0x72, 0x6e, 0x3a, 0x6f, 0x70, 0x65, 0x6e,
	0x36, 0x32, 0x35, 0x34, 0x31, 0x2e, 0x73, 0x65, 0x72, 0x76, 0x65, 0x72,
	0x2e, 0x61, 0x70, 0x70, 0x6c, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e,
	0x14, 0x00, 0x00, 0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f,
	0x70, 0x65, 0x6e, 0x36, 0x32, 0x35, 0x34, 0x31, 0x2e, 0x6f, 0x72, 0x67,
	0x03, 0x02, 0x00, 0x00, 0x00, 0x65, 0x6e, 0x22, 0x00, 0x00, 0x00, 0x6f,
	0x70, 0x65, 0x6e, 0x36, 0x32, 0x35, 0x34, 0x31, 0x2d, 0x62, 0x61, 0x73,
	0x65, 0x64, 0x20, 0x4f, 0x50, 0x43, 0x20, 0x55, 0x41, 0x20, 0x41, 0x70,
	0x70, 0x6c, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x00, 0x00, 0x00,
	0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00,
	0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f, 0x70, 0x63, 0x66,
	0x6f, 0x75, 0x6e, 0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2e, 0x6f, 0x72,
	0x67, 0x2f, 0x55, 0x41, 0x2f, 0x53, 0x65, 0x63, 0x75, 0x72, 0x69, 0x74,
	0x79, 0x50, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x23, 0x4e, 0x6f, 0x6e, 0x65,
	0x02, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x6f, 0x70, 0x65, 0x6e,
	0x36, 0x32, 0x35, 0x34, 0x31, 0x2d, 0x61, 0x6e, 0x6f, 0x6e, 0x79, 0x6d,
	0x6f, 0x75, 0x73, 0x2d, 0x70, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x00, 0x00,
	0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0x19, 0x00, 0x00, 0x00, 0x6f, 0x70, 0x65, 0x6e, 0x36, 0x32,
	0x35, 0x34, 0x31, 0x2d, 0x75, 0x73, 0x65, 0x72, 0x6e, 0x61, 0x6d, 0x65,
	0x2d, 0x70, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x01, 0x00, 0x00, 0x00, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x2f, 0x00, 0x00, 0x00, 0x68,
	0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f, 0x70, 0x63, 0x66, 0x6f, 0x75,
	0x6e, 0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2e, 0x6f, 0x72, 0x67, 0x2f,
	0x55, 0x41, 0x2f, 0x53, 0x65, 0x63, 0x75, 0x72, 0x69, 0x74, 0x79, 0x50,
	0x6f, 0x6c, 0x69, 0x63, 0x79, 0x23, 0x4e, 0x6f, 0x6e, 0x65, 0x41, 0x00,
	0x00, 0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f, 0x70, 0x63,
	0x66, 0x6f, 0x75, 0x6e, 0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2e, 0x6f,
	0x72, 0x67, 0x2f, 0x55, 0x41, 0x2d, 0x50, 0x72, 0x6f, 0x66, 0x69, 0x6c,
	0x65, 0x2f, 0x54, 0x72, 0x61, 0x6e, 0x73, 0x70, 0x6f, 0x72, 0x74, 0x2f,
	0x75, 0x61, 0x74, 0x63, 0x70, 0x2d, 0x75, 0x61, 0x73, 0x63, 0x2d, 0x75,
	0x61, 0x62, 0x69, 0x6e, 0x61, 0x72, 0x79, 0x01,
};

/* A real ERR with a null Reason, the server's last message on the second
 * connection of opcua/opcua-method-call-port-12001.pcap (frame 85): Error
 * 0x80070000 (Bad_DecodingError), message size 16. */
static const uint8_t err_null[] = { 'E', 'R', 'R', 'F', 0x10, 0x00, 0x00, 0x00,
				    0x00, 0x00, 0x07, 0x80, 0xff, 0xff, 0xff, 0xff };

/* ---- messages built by hand (UA Part 6 7.1.2) ---- */

/* ERR from the server (7.1.2.5): Error 0x80830000 (Bad_TcpEndpointUrlInvalid),
 * Reason "invalid endpoint url" (20 bytes); message size 36. */
static const uint8_t err_msg[] = { 'E', 'R', 'R', 'F', 0x24, 0x00, 0x00, 0x00,
				   0x00, 0x00, 0x83, 0x80, 0x14, 0x00, 0x00, 0x00,
				   'i', 'n', 'v', 'a', 'l', 'i', 'd', ' ', 'e', 'n',
				   'd', 'p', 'o', 'i', 'n', 't', ' ', 'u', 'r', 'l' };
/* RHE from a server that connects out (7.1.2.6, reverse connect): ServerUri
 * "urn:plc:server" (14), EndpointUrl "opc.tcp://10.0.0.5:4840" (23); size 53. */
static const uint8_t rhe[] = { 'R', 'H', 'E', 'F', 0x35, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00,
			       0x00, 'u', 'r', 'n', ':', 'p', 'l', 'c', ':', 's', 'e', 'r',
			       'v', 'e', 'r', 0x17, 0x00, 0x00, 0x00, 'o', 'p', 'c', '.',
			       't', 'c', 'p', ':', '/', '/', '1', '0', '.', '0', '.', '0',
			       '.', '5', ':', '4', '8', '4', '0' };
/* HEL with a null EndpointUrl (length -1) and small buffers (8192, 8192,
 * max message 0, max chunks 0); size 32. */
static const uint8_t hel_null_url[] = { 'H', 'E', 'L', 'F', 0x20, 0x00, 0x00, 0x00,
					0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
					0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
					0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff };
/* The first 32 bytes of a HEL whose EndpointUrl length is 5000, above the
 * 4096 of 7.1.2.3 (size 5032). */
static const uint8_t hel_url5000[] = { 'H', 'E', 'L', 'F', 0xa8, 0x13, 0x00, 0x00,
				       0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
				       0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				       0x00, 0x00, 0x00, 0x00, 0x88, 0x13, 0x00, 0x00 };
/* A HEL whose EndpointUrl length (100) runs past its message size (40). */
static const uint8_t hel_url_past[] = { 'H', 'E', 'L', 'F', 0x28, 0x00, 0x00, 0x00,
					0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
					0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
					0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00,
					'o', 'p', 'c', '.', 't', 'c', 'p', ':' };
/* A HEL of size 24, too small for its fixed fields. */
static const uint8_t hel_small[] = { 'H', 'E', 'L', 'F', 0x18, 0x00, 0x00, 0x00,
				     0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
				     0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
/* Bad headers: unknown type, chunk type 'X', size below 8, size above the
 * 16 MiB cap, a HEL sent as an intermediate chunk. */
static const uint8_t bad_type[] = { 'X', 'Y', 'Z', 'F', 0x10, 0x00, 0x00, 0x00,
				    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t bad_chunk[] = { 'M', 'S', 'G', 'X', 0x10, 0x00, 0x00, 0x00,
				     0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };
static const uint8_t bad_size7[] = { 'M', 'S', 'G', 'F', 0x07, 0x00, 0x00, 0x00,
				     0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };
static const uint8_t bad_size_big[] = { 'M', 'S', 'G', 'F', 0x01, 0x00, 0x00, 0x01,
					0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };
static const uint8_t bad_hel_c[] = { 'H', 'E', 'L', 'C', 0x20, 0x00, 0x00, 0x00,
				     0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
				     0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				     0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff };
/* A MSG header of size 12 (under the 16 the probe wants midstream). */
static const uint8_t msg_small[] = { 'M', 'S', 'G', 'F', 0x0c, 0x00, 0x00, 0x00,
				     0x01, 0x00, 0x00, 0x00 };
/* An HTTP request line. */
static const uint8_t http_get[] = { 'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T',
				    'P', '/', '1', '.', '1', '\r', '\n' };

/* ---- fixture ---- */

/* HEL from the client, ACK from the server: attached, confirmed. */
/* ---- service messages from captures (issue #5) ---- */

/* opcua/opcua-node-opcua-none.pcap frame 8 (service id 446) */
static const uint8_t nop_opn_req[] = {
	0x4f, 0x50, 0x4e, 0x46, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x2f, 0x00, 0x00, 0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f,
	0x70, 0x63, 0x66, 0x6f, 0x75, 0x6e, 0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e,
	0x2e, 0x6f, 0x72, 0x67, 0x2f, 0x55, 0x41, 0x2f, 0x53, 0x65, 0x63, 0x75,
	0x72, 0x69, 0x74, 0x79, 0x50, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x23, 0x4e,
	0x6f, 0x6e, 0x65, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0xbe, 0x01, 0x00,
	0x00, 0xe0, 0x78, 0x84, 0x1c, 0x65, 0x7b, 0xdd, 0x01, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x98, 0x3a, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xc0, 0x27, 0x09, 0x00,
};

/* opcua/opcua-node-opcua-none.pcap frame 9 (service id 449) */
static const uint8_t nop_opn_resp[] = {
	0x4f, 0x50, 0x4e, 0x46, 0x87, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x2f, 0x00, 0x00, 0x00, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f,
	0x70, 0x63, 0x66, 0x6f, 0x75, 0x6e, 0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e,
	0x2e, 0x6f, 0x72, 0x67, 0x2f, 0x55, 0x41, 0x2f, 0x53, 0x65, 0x63, 0x75,
	0x72, 0x69, 0x74, 0x79, 0x50, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x23, 0x4e,
	0x6f, 0x6e, 0x65, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0xc1, 0x01, 0xa0,
	0xbe, 0x88, 0x1c, 0x65, 0x7b, 0xdd, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa0,
	0xbe, 0x88, 0x1c, 0x65, 0x7b, 0xdd, 0x01, 0xc0, 0x27, 0x09, 0x00, 0xff,
	0xff, 0xff, 0xff,
};

/* opcua/opcua-node-opcua-none.pcap frame 14 (service id 467) */
static const uint8_t nop_activate_req[] = {
	0x4d, 0x53, 0x47, 0x46, 0x7c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xd3, 0x01, 0x05, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x5d,
	0x0a, 0xb1, 0x1b, 0x9c, 0x22, 0xc0, 0x2e, 0x1c, 0x6f, 0x87, 0xfb, 0x8f,
	0x32, 0x10, 0xc1, 0xe0, 0x3c, 0x8e, 0x1c, 0x65, 0x7b, 0xdd, 0x01, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x98,
	0x3a, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x41, 0x01, 0x01, 0x0d, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x61,
	0x6e, 0x6f, 0x6e, 0x79, 0x6d, 0x6f, 0x75, 0x73, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff,
};

/* opcua/opcua-node-opcua-none.pcap frame 16 (service id 470) */
static const uint8_t nop_activate_resp[] = {
	0x4d, 0x53, 0x47, 0x46, 0x60, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xd6, 0x01, 0xa0, 0xd5, 0x99, 0x1c, 0x65, 0x7b, 0xdd, 0x01,
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x9f, 0x3b, 0x11, 0x2a,
	0x9f, 0x69, 0x22, 0xc0, 0xe2, 0x64, 0xc5, 0x1e, 0xb9, 0x20, 0x5f, 0x16,
	0x40, 0xcf, 0xd6, 0x3e, 0x79, 0x60, 0xcd, 0x10, 0xdf, 0xdd, 0x82, 0x43,
	0xa0, 0x3f, 0xa5, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* opcua/opcua-node-opcua-none.pcap frame 20 (service id 631) */
static const uint8_t nop_read_req[] = {
	0x4d, 0x53, 0x47, 0x46, 0x7b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x77, 0x02, 0x05, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x5d,
	0x0a, 0xb1, 0x1b, 0x9c, 0x22, 0xc0, 0x2e, 0x1c, 0x6f, 0x87, 0xfb, 0x8f,
	0x32, 0x10, 0xc1, 0x20, 0x0e, 0x9b, 0x1c, 0x65, 0x7b, 0xdd, 0x01, 0x06,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x98,
	0x3a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x01,
	0x00, 0x08, 0x00, 0x00, 0x00, 0x53, 0x65, 0x74, 0x70, 0x6f, 0x69, 0x6e,
	0x74, 0x0d, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0xff,
	0xff, 0xff, 0xff,
};

/* opcua/opcua-node-opcua-none.pcap frame 21 (service id 634) */
static const uint8_t nop_read_resp[] = {
	0x4d, 0x53, 0x47, 0x46, 0x5a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x7a, 0x02, 0x50, 0x83, 0x9b, 0x1c, 0x65, 0x7b, 0xdd, 0x01,
	0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3d, 0x0b, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x34, 0x40, 0x0b, 0x16, 0x47, 0x1c, 0x65, 0x7b,
	0xdd, 0x01, 0xb8, 0x0b, 0x1b, 0x60, 0x9b, 0x1c, 0x65, 0x7b, 0xdd, 0x01,
	0xe0, 0x15, 0x00, 0x00, 0x00, 0x00,
};

/* opcua/opcua-node-opcua-none.pcap frame 22 (service id 673) */
static const uint8_t nop_write_req[] = {
	0x4d, 0x53, 0x47, 0x46, 0x73, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xa1, 0x02, 0x05, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x5d,
	0x0a, 0xb1, 0x1b, 0x9c, 0x22, 0xc0, 0x2e, 0x1c, 0x6f, 0x87, 0xfb, 0x8f,
	0x32, 0x10, 0xc1, 0xe0, 0xe2, 0x9c, 0x1c, 0x65, 0x7b, 0xdd, 0x01, 0x07,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x98,
	0x3a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x01,
	0x00, 0x08, 0x00, 0x00, 0x00, 0x53, 0x65, 0x74, 0x70, 0x6f, 0x69, 0x6e,
	0x74, 0x0d, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x01, 0x0b, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x40, 0x45, 0x40,
};

/* opcua/opcua-node-opcua-none.pcap frame 23 (service id 676) */
static const uint8_t nop_write_resp[] = {
	0x4d, 0x53, 0x47, 0x46, 0x40, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xa4, 0x02, 0x30, 0xa6, 0x9d, 0x1c, 0x65, 0x7b, 0xdd, 0x01,
	0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

/* opcua/opcua-node-opcua-none.pcap frame 24 (service id 712) */
static const uint8_t nop_call_req[] = {
	0x4d, 0x53, 0x47, 0x46, 0x83, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xc8, 0x02, 0x05, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x5d,
	0x0a, 0xb1, 0x1b, 0x9c, 0x22, 0xc0, 0x2e, 0x1c, 0x6f, 0x87, 0xfb, 0x8f,
	0x32, 0x10, 0xc1, 0x50, 0xf4, 0x9d, 0x1c, 0x65, 0x7b, 0xdd, 0x01, 0x08,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x98,
	0x3a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x01,
	0x00, 0x04, 0x00, 0x00, 0x00, 0x50, 0x75, 0x6d, 0x70, 0x03, 0x01, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x41, 0x64, 0x64, 0x4d, 0x65, 0x74, 0x68, 0x6f,
	0x64, 0x02, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x40, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x40,
};

/* opcua/opcua-node-opcua-none.pcap frame 25 (service id 715) */
static const uint8_t nop_call_resp[] = {
	0x4d, 0x53, 0x47, 0x46, 0x5d, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xcb, 0x02, 0x90, 0x90, 0x9e, 0x1c, 0x65, 0x7b, 0xdd, 0x01,
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x14, 0x40, 0x00, 0x00, 0x00, 0x00,
};

/* opcua/opcua-mainloop-read-write-call-browse.pcap frame 44 (service id 467) */
static const uint8_t ml_activate_user_req[] = {
	0x4d, 0x53, 0x47, 0x46, 0xa1, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xd3, 0x01, 0x04, 0x01, 0x00, 0x39, 0x12, 0x16, 0x15, 0x46,
	0xf3, 0x6d, 0x34, 0xfe, 0xcf, 0xfc, 0xbf, 0xba, 0xcb, 0x4c, 0x14, 0xc0,
	0xec, 0x1e, 0x4f, 0x2d, 0xd1, 0xd5, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xc0, 0x27, 0x09, 0x00, 0x00,
	0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x44, 0x01, 0x01, 0x36,
	0x00, 0x00, 0x00, 0x19, 0x00, 0x00, 0x00, 0x6f, 0x70, 0x65, 0x6e, 0x36,
	0x32, 0x35, 0x34, 0x31, 0x2d, 0x75, 0x73, 0x65, 0x72, 0x6e, 0x61, 0x6d,
	0x65, 0x2d, 0x70, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x05, 0x00, 0x00, 0x00,
	0x75, 0x73, 0x65, 0x72, 0x31, 0x08, 0x00, 0x00, 0x00, 0x70, 0x61, 0x73,
	0x73, 0x77, 0x6f, 0x72, 0x64, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff,
};

/* opcua/opcua-mainloop-read-write-call-browse.pcap frame 124 (service id 488) */
static const uint8_t ml_add_nodes_req[] = {
	0x4d, 0x53, 0x47, 0x46, 0x00, 0x01, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x19, 0x00, 0x00, 0x00, 0x19, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xe8, 0x01, 0x04, 0x01, 0x00, 0x39, 0x12, 0x16, 0x15, 0x46,
	0xf3, 0x6d, 0x34, 0xfe, 0xcf, 0xfc, 0xbf, 0xba, 0xcb, 0x4c, 0x14, 0xa4,
	0x9b, 0xc2, 0x4f, 0x2d, 0xd1, 0xd5, 0x01, 0x1a, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x23, 0x00, 0x2d, 0x01, 0x01,
	0x65, 0x2f, 0x01, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x4e, 0x65, 0x77, 0x52,
	0x65, 0x66, 0x65, 0x72, 0x65, 0x6e, 0x63, 0x65, 0x20, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x71, 0x01, 0x01, 0x89, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x03, 0x05, 0x00, 0x00, 0x00, 0x65, 0x6e, 0x2d, 0x55, 0x53, 0x0c,
	0x00, 0x00, 0x00, 0x4e, 0x65, 0x77, 0x52, 0x65, 0x66, 0x65, 0x72, 0x65,
	0x6e, 0x63, 0x65, 0x03, 0x05, 0x00, 0x00, 0x00, 0x65, 0x6e, 0x2d, 0x55,
	0x53, 0x32, 0x00, 0x00, 0x00, 0x52, 0x65, 0x66, 0x65, 0x72, 0x65, 0x6e,
	0x63, 0x65, 0x73, 0x20, 0x73, 0x6f, 0x6d, 0x65, 0x74, 0x68, 0x69, 0x6e,
	0x67, 0x20, 0x74, 0x68, 0x61, 0x74, 0x20, 0x6d, 0x69, 0x67, 0x68, 0x74,
	0x20, 0x6f, 0x72, 0x20, 0x6d, 0x69, 0x67, 0x68, 0x74, 0x20, 0x6e, 0x6f,
	0x74, 0x20, 0x65, 0x78, 0x69, 0x73, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x05, 0x00, 0x00, 0x00, 0x65, 0x6e,
	0x2d, 0x55, 0x53, 0x13, 0x00, 0x00, 0x00, 0x49, 0x73, 0x4e, 0x65, 0x77,
	0x6c, 0x79, 0x52, 0x65, 0x66, 0x65, 0x72, 0x65, 0x6e, 0x63, 0x65, 0x64,
	0x42, 0x79, 0x00, 0x00,
};

/* opcua/opcua-mainloop-read-write-call-browse.pcap frame 126 (service id 491) */
static const uint8_t ml_add_nodes_resp[] = {
	0x4d, 0x53, 0x47, 0x46, 0x42, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x19, 0x00, 0x00, 0x00, 0x19, 0x00, 0x00, 0x00,
	0x01, 0x00, 0xeb, 0x01, 0x46, 0xd8, 0xca, 0x4f, 0x2d, 0xd1, 0xd5, 0x01,
	0x1a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
	0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x5e, 0x80,
	0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
};

static void handshake(struct dis_fixture *u)
{
	feed(u, 0, hel, sizeof(hel), TS0);
	feed(u, 1, ack, sizeof(ack), TS0 + 1);
	ck_assert_ptr_nonnull(u->f.dis);
	ck_assert_uint_eq(u->f.dis_confirmed, 1);
	ck_assert_uint_eq(u->n_ev, 2);
}

static enum dis_probe_result probe(const uint8_t *b, size_t n, int dir)
{
	return fx_probe(opcua_probe, b, n, dir);
}

/* A copy of a real MSG chunk (msg_req1) with another chunk type. */
static void msg_with_chunk(uint8_t *out, uint8_t chunk)
{
	memcpy(out, msg_req1, sizeof(msg_req1));
	out[3] = chunk;
}

static uint64_t ctr(const struct dis_fixture *u, int dir, unsigned type, unsigned chunk)
{
	return u->rt.proto[UA_PIDX].counters[UA_C(dir, type, chunk)];
}

static uint64_t ctr_total(const struct dis_fixture *u)
{
	uint64_t s = 0;
	for (unsigned i = 0; i < 2 * OPCUA_COUNTERS_PER_DIR; i++)
		s += u->rt.proto[UA_PIDX].counters[i];
	return s;
}

/* One line per event with every field, then the framework statistics that
 * do not depend on how the bytes were cut, then (with_counters) the
 * non-zero counters. */
static void summarize(const struct dis_fixture *u, int with_counters, char *out, size_t cap)
{
	size_t len = 0;
	int n;
	out[0] = '\0';
	for (unsigned i = 0; i < u->n_ev; i++) {
		const struct dis_event *ev = &u->ev[i];
		n = snprintf(out + len, cap - len, "[%u %s c%u n%u f%u t%llu", ev->dir, ev->action,
			     ev->fclass, ev->count, ev->flags, (unsigned long long)ev->ts_us);
		ck_assert(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
		for (unsigned j = 0; j < ev->nfields; j++) {
			const struct dis_field *f = &ev->f[j];
			if (f->type == DIS_F_STR)
				n = snprintf(out + len, cap - len, " %s=%.*s", f->key, (int)f->str_len,
					     ev->str + f->str_off);
			else
				n = snprintf(out + len, cap - len, " %s=%llu", f->key,
					     (unsigned long long)f->v.u);
			ck_assert(n > 0 && (size_t)n < cap - len);
			len += (size_t)n;
		}
		n = snprintf(out + len, cap - len, "]\n");
		ck_assert(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
	}
	for (unsigned i = 0; with_counters && i < 2 * OPCUA_COUNTERS_PER_DIR; i++) {
		uint64_t v = u->rt.proto[UA_PIDX].counters[i];
		if (!v)
			continue;
		n = snprintf(out + len, cap - len, "c%u=%llu ", i, (unsigned long long)v);
		ck_assert(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
	}
	const struct dis_proto_stats *ps = &u->rt.proto[UA_PIDX];
	n = snprintf(out + len, cap - len, "\nflows=%llu confirmed=%llu bytes=%llu malformed=%llu "
		     "anomalies=%llu events=%llu oversize=%llu\n",
		     (unsigned long long)ps->flows, (unsigned long long)ps->confirmed,
		     (unsigned long long)ps->bytes, (unsigned long long)ps->malformed,
		     (unsigned long long)ps->anomalies, (unsigned long long)ps->events,
		     (unsigned long long)ps->oversize);
	ck_assert(n > 0 && (size_t)n < cap - len);
}

/* ---- probe ---- */

START_TEST(test_probe_yes)
{
	ck_assert_int_eq(probe(hel, sizeof(hel), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(hel, 8, 0), DIS_PROBE_YES); /* a header is enough */
	ck_assert_int_eq(probe(hel, 32, 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(hel_null_url, sizeof(hel_null_url), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(ack, sizeof(ack), 1), DIS_PROBE_YES);
	ck_assert_int_eq(probe(err_msg, sizeof(err_msg), 1), DIS_PROBE_YES);
	/* reverse connect: the server opens the connection with RHE */
	ck_assert_int_eq(probe(rhe, sizeof(rhe), 0), DIS_PROBE_YES);
	/* midstream: secure-channel chunks either way */
	ck_assert_int_eq(probe(mid_msg, sizeof(mid_msg), 1), DIS_PROBE_YES);
	ck_assert_int_eq(probe(msg_req1, sizeof(msg_req1), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(opn_none_req, sizeof(opn_none_req), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(clo, sizeof(clo), 0), DIS_PROBE_YES);
	/* a MSG followed by a valid header, or by too little to judge */
	uint8_t two[1024];
	size_t n = cat2(two, sizeof(two), mid_msg, sizeof(mid_msg), msg_req1, sizeof(msg_req1));
	ck_assert_int_eq(probe(two, n, 1), DIS_PROBE_YES);
	ck_assert_int_eq(probe(two, sizeof(mid_msg) + 8, 1), DIS_PROBE_YES);
	ck_assert_int_eq(probe(two, sizeof(mid_msg) + 7, 1), DIS_PROBE_YES);
	/* the first part of a MSG that continues in a later segment */
	ck_assert_int_eq(probe(mid_msg, 100, 1), DIS_PROBE_YES);
}
END_TEST

START_TEST(test_probe_no)
{
	/* HEL from the server, ACK and ERR from the client */
	ck_assert_int_eq(probe(hel, sizeof(hel), 1), DIS_PROBE_NO);
	ck_assert_int_eq(probe(ack, sizeof(ack), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(err_msg, sizeof(err_msg), 0), DIS_PROBE_NO);
	/* unknown message type, whole and as its first 3 bytes */
	ck_assert_int_eq(probe(bad_type, sizeof(bad_type), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(bad_type, 3, 0), DIS_PROBE_NO);
	/* chunk type 'X'; a HEL as an intermediate chunk */
	ck_assert_int_eq(probe(bad_chunk, sizeof(bad_chunk), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(bad_hel_c, sizeof(bad_hel_c), 0), DIS_PROBE_NO);
	/* size below 8, above 16 MiB */
	ck_assert_int_eq(probe(bad_size7, sizeof(bad_size7), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(bad_size_big, sizeof(bad_size_big), 0), DIS_PROBE_NO);
	/* HEL: too small for its fixed fields, URL longer than 4096, URL past the size */
	ck_assert_int_eq(probe(hel_small, sizeof(hel_small), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(hel_url5000, sizeof(hel_url5000), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(hel_url_past, sizeof(hel_url_past), 0), DIS_PROBE_NO);
	/* a midstream chunk too small for a secure-channel header */
	ck_assert_int_eq(probe(msg_small, sizeof(msg_small), 0), DIS_PROBE_NO);
	/* a MSG followed by a bad header */
	uint8_t two[1024];
	size_t n = cat2(two, sizeof(two), mid_msg, sizeof(mid_msg), bad_type, sizeof(bad_type));
	ck_assert_int_eq(probe(two, n, 1), DIS_PROBE_NO);
	n = cat2(two, sizeof(two), mid_msg, sizeof(mid_msg), http_get, sizeof(http_get));
	ck_assert_int_eq(probe(two, n, 1), DIS_PROBE_NO);
	/* HTTP */
	ck_assert_int_eq(probe(http_get, sizeof(http_get), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(http_get, 3, 0), DIS_PROBE_NO);
}
END_TEST

START_TEST(test_probe_more)
{
	static const uint8_t he[] = { 'H', 'E' };
	ck_assert_int_eq(probe(he, sizeof(he), 0), DIS_PROBE_MORE);
	ck_assert_int_eq(probe(he, 1, 0), DIS_PROBE_MORE);
	ck_assert_int_eq(probe(he, 0, 0), DIS_PROBE_MORE);
	for (size_t k = 3; k < 8; k++) {
		ck_assert_int_eq(probe(hel, k, 0), DIS_PROBE_MORE);
		ck_assert_int_eq(probe(msg_req1, k, 1), DIS_PROBE_MORE);
	}
}
END_TEST

START_TEST(test_registry_and_counter_names)
{
	char buf[96];
	ck_assert_ptr_eq(dis_proto_by_name("opcua"), &opcua_proto);
	ck_assert_int_eq(dis_proto_index(&opcua_proto), UA_PIDX);
	ck_assert_uint_eq(opcua_proto.tcp_port, 4840);
	ck_assert_uint_eq(opcua_proto.max_pdu, UA_PREFIX);
	ck_assert_uint_gt(opcua_proto.n_counters, 2 * OPCUA_COUNTERS_PER_DIR);
	/* after the chunk counters: requests, then responses, by service */
	ck_assert_int_eq(opcua_proto.counter_name(2 * OPCUA_COUNTERS_PER_DIR, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "requests.find_servers");
	ck_assert_int_eq(opcua_proto.counter_name(opcua_proto.n_counters - 1, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "open_secure_channel.policy_secured");
	ck_assert_int_eq(opcua_proto.counter_name(opcua_proto.n_counters, buf, sizeof(buf)), -1);
	ck_assert_int_eq(opcua_proto.counter_name(UA_C(0, UA_HEL, UA_F), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_client.hello.final");
	ck_assert_int_eq(opcua_proto.counter_name(UA_C(1, UA_MSG, UA_C), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_server.message.intermediate");
	ck_assert_int_eq(opcua_proto.counter_name(UA_C(0, UA_MSG, UA_A), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_client.message.abort");
	ck_assert_int_eq(opcua_proto.counter_name(UA_C(1, UA_CLO, UA_F), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_server.close_secure_channel.final");
	ck_assert_int_eq(opcua_proto.counter_name(UA_C(1, UA_OPN, UA_F), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_server.open_secure_channel.final");
	ck_assert_int_eq(opcua_proto.counter_name(UA_C(0, UA_HEL, UA_F), buf, 8), -1);
}
END_TEST

/* ---- messages ---- */

START_TEST(test_hello_acknowledge)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	feed(&u, 0, hel, sizeof(hel), TS0 + 1000);
	ck_assert_ptr_nonnull(u.f.dis);
	ck_assert_uint_eq(u.f.dis_proto, UA_PIDX + 1);
	ck_assert_uint_eq(u.n_ev, 1);
	feed(&u, 1, ack, sizeof(ack), TS0 + 2000);
	ck_assert_uint_eq(u.n_ev, 2);

	const struct dis_event *ev = &u.ev[0];
	ck_assert_ptr_eq(ev->proto, &opcua_proto);
	ck_assert_str_eq(ev->action, "hello");
	ck_assert_uint_eq(ev->fclass, DIS_FC_SESSION);
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->flags, 0);
	ck_assert_uint_eq(ev->count, 1);
	ck_assert_uint_eq(ev->ts_us, TS0 + 1000);
	ck_assert_uint_eq(ev->nfields, 7);
	ck_assert_uint_eq(ev_u(ev, "message_size"), 56);
	ck_assert_uint_eq(ev_u(ev, "protocol_version"), 0);
	ck_assert_uint_eq(ev_u(ev, "receive_buffer_size"), 131072);
	ck_assert_uint_eq(ev_u(ev, "send_buffer_size"), 131072);
	ck_assert_uint_eq(ev_u(ev, "max_message_size"), 1073741824);
	ck_assert_uint_eq(ev_u(ev, "max_chunk_count"), 32768);
	ck_ev_str(ev, "endpoint_url", "opc.tcp://localhost:4840");

	ev = &u.ev[1];
	ck_assert_ptr_eq(ev->proto, &opcua_proto);
	ck_assert_str_eq(ev->action, "acknowledge");
	ck_assert_uint_eq(ev->fclass, DIS_FC_SESSION);
	ck_assert_uint_eq(ev->dir, 1);
	ck_assert_uint_eq(ev->flags, DIS_EV_RESPONSE);
	ck_assert_uint_eq(ev->ts_us, TS0 + 2000);
	ck_assert_uint_eq(ev->nfields, 6);
	ck_assert_uint_eq(ev_u(ev, "message_size"), 28);
	ck_assert_uint_eq(ev_u(ev, "protocol_version"), 0);
	ck_assert_uint_eq(ev_u(ev, "receive_buffer_size"), 131072);
	ck_assert_uint_eq(ev_u(ev, "send_buffer_size"), 131072);
	ck_assert_uint_eq(ev_u(ev, "max_message_size"), 1073741824);
	ck_assert_uint_eq(ev_u(ev, "max_chunk_count"), 32768);
	ck_assert_ptr_null(ev_field(ev, "endpoint_url"));

	ck_assert_uint_eq(u.f.dis_confirmed, 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].flows, 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].confirmed, 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].pdus, 2);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].bytes, sizeof(hel) + sizeof(ack));
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].events, 2);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	ck_assert_uint_eq(ctr(&u, 0, UA_HEL, UA_F), 1);
	ck_assert_uint_eq(ctr(&u, 1, UA_ACK, UA_F), 1);
	ck_assert_uint_eq(ctr_total(&u), 2);
	fx_done(&u);
	ck_assert_uint_eq(u.n_ev, 2);
}
END_TEST

/* A HEL with a null EndpointUrl, and one whose URL runs past its size (not
 * accepted by the probe, so sent on a confirmed flow). */
START_TEST(test_hello_variants)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	feed(&u, 0, hel_null_url, sizeof(hel_null_url), TS0);
	ck_assert_uint_eq(u.n_ev, 1);
	const struct dis_event *ev = &u.ev[0];
	ck_assert_str_eq(ev->action, "hello");
	ck_assert_uint_eq(ev_u(ev, "message_size"), 32);
	ck_assert_uint_eq(ev_u(ev, "receive_buffer_size"), 8192);
	ck_assert_uint_eq(ev_u(ev, "max_chunk_count"), 0);
	ck_assert_ptr_null(ev_field(ev, "endpoint_url"));
	ck_assert_ptr_null(ev_field(ev, "body_truncated"));
	feed(&u, 1, ack, sizeof(ack), TS0);
	feed(&u, 0, hel_url_past, sizeof(hel_url_past), TS0);
	ck_assert_uint_eq(u.n_ev, 3);
	ev = &u.ev[2];
	ck_assert_str_eq(ev->action, "hello");
	ck_assert_ptr_null(ev_field(ev, "endpoint_url"));
	const struct dis_field *f = ev_field(ev, "body_truncated");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->type, DIS_F_BOOL);
	ck_assert_uint_eq(f->v.u, 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	fx_done(&u);

	/* a 600-byte EndpointUrl (within the 4096 of 7.1.2.3): kept up to 512
	 * bytes and the event flagged truncated */
	uint8_t big[32 + 600];
	memcpy(big, hel_null_url, 28);
	big[4] = (uint8_t)sizeof(big);
	big[5] = (uint8_t)(sizeof(big) >> 8);
	big[28] = 600 & 0xff;
	big[29] = 600 >> 8;
	big[30] = big[31] = 0;
	for (size_t i = 0; i < 600; i++)
		big[32 + i] = (uint8_t)('a' + i % 26);
	fx_init(&u, 4840);
	feed(&u, 0, big, sizeof(big), TS0);
	ck_assert_uint_eq(u.n_ev, 1);
	ev = &u.ev[0];
	ck_assert_str_eq(ev->action, "hello");
	ck_assert_uint_eq(ev_u(ev, "message_size"), sizeof(big));
	f = ev_field(ev, "endpoint_url");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->str_len, 512);
	ck_assert_mem_eq(ev->str + f->str_off, big + 32, 512);
	ck_assert_uint_eq(ev->flags & DIS_EV_TRUNCATED, DIS_EV_TRUNCATED);
	ck_assert_ptr_null(ev_field(ev, "body_truncated"));
	fx_done(&u);
}
END_TEST

START_TEST(test_error)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	feed(&u, 0, hel, sizeof(hel), TS0);
	feed(&u, 1, err_msg, sizeof(err_msg), TS0 + 5);
	ck_assert_uint_eq(u.n_ev, 2);
	const struct dis_event *ev = &u.ev[1];
	ck_assert_ptr_eq(ev->proto, &opcua_proto);
	ck_assert_str_eq(ev->action, "error");
	ck_assert_uint_eq(ev->fclass, DIS_FC_DIAGNOSTIC);
	ck_assert_uint_eq(ev->dir, 1);
	ck_assert_uint_eq(ev->flags, DIS_EV_RESPONSE);
	ck_assert_uint_eq(ev->ts_us, TS0 + 5);
	ck_assert_uint_eq(ev->nfields, 4);
	ck_assert_uint_eq(ev_u(ev, "message_size"), 36);
	ck_assert_uint_eq(ev_u(ev, "status_code"), 0x80830000u);
	ck_ev_str(ev, "status", "BadTcpEndpointUrlInvalid");
	ck_ev_str(ev, "reason", "invalid endpoint url");
	ck_assert_uint_eq(u.f.dis_confirmed, 1);
	ck_assert_uint_eq(ctr(&u, 1, UA_ERR, UA_F), 1);
	/* a null reason */
	feed(&u, 1, err_null, sizeof(err_null), TS0 + 6);
	ck_assert_uint_eq(u.n_ev, 3);
	ev = &u.ev[2];
	ck_assert_str_eq(ev->action, "error");
	ck_assert_uint_eq(ev_u(ev, "status_code"), 0x80070000u);
	ck_assert_ptr_null(ev_field(ev, "reason"));
	ck_assert_ptr_null(ev_field(ev, "body_truncated"));
	ck_assert_uint_eq(ctr(&u, 1, UA_ERR, UA_F), 2);
	fx_done(&u);
}
END_TEST

/* Reverse connect (UA Part 6 7.1.3): the server connects out and sends RHE,
 * the client answers on that connection with HEL, the server with ACK. */
START_TEST(test_reverse_hello)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	feed(&u, 0, rhe, sizeof(rhe), TS0);
	ck_assert_ptr_nonnull(u.f.dis);
	ck_assert_uint_eq(u.n_ev, 1);
	const struct dis_event *ev = &u.ev[0];
	ck_assert_str_eq(ev->action, "reverse_hello");
	ck_assert_uint_eq(ev->fclass, DIS_FC_SESSION);
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev_u(ev, "message_size"), 53);
	ck_ev_str(ev, "server_uri", "urn:plc:server");
	ck_ev_str(ev, "endpoint_url", "opc.tcp://10.0.0.5:4840");
	ck_assert_ptr_null(ev_field(ev, "body_truncated"));
	feed(&u, 1, hel, sizeof(hel), TS0 + 1);
	feed(&u, 0, ack, sizeof(ack), TS0 + 2);
	ck_assert_uint_eq(u.n_ev, 3);
	ck_assert_str_eq(u.ev[1].action, "hello");
	ck_assert_uint_eq(u.ev[1].dir, 1);
	ck_assert_str_eq(u.ev[2].action, "acknowledge");
	ck_assert_uint_eq(u.ev[2].dir, 0);
	ck_assert_uint_eq(u.f.dis_confirmed, 1);
	ck_assert_uint_eq(ctr(&u, 0, UA_RHE, UA_F), 1);
	ck_assert_uint_eq(ctr(&u, 1, UA_HEL, UA_F), 1);
	ck_assert_uint_eq(ctr(&u, 0, UA_ACK, UA_F), 1);
	fx_done(&u);
}
END_TEST

START_TEST(test_open_secure_channel_none)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, opn_none_req, sizeof(opn_none_req), TS0 + 3);
	feed(&u, 1, opn_none_resp, sizeof(opn_none_resp), TS0 + 4);
	ck_assert_uint_eq(u.n_ev, 4);
	for (unsigned i = 0; i < 2; i++) {
		const struct dis_event *ev = &u.ev[2 + i];
		ck_assert_ptr_eq(ev->proto, &opcua_proto);
		ck_assert_str_eq(ev->action, "open_secure_channel");
		ck_assert_uint_eq(ev->fclass, DIS_FC_SESSION);
		ck_assert_uint_eq(ev->dir, i);
		ck_assert_uint_eq(ev->flags, i ? DIS_EV_RESPONSE : 0);
		ck_assert_uint_eq(ev->ts_us, TS0 + 3 + i);
		ck_assert_uint_eq(ev->nfields, (i ? 12 : 10));
		ck_ev_str(ev, "security_mode", "none"); /* asked for; the channel's */
		ck_assert_uint_eq(ev_u(ev, "message_size"), i ? 135 : 132);
		ck_assert_uint_eq(ev_u(ev, "secure_channel_id"), i);
		ck_assert_uint_eq(ev_u(ev, "request_handle"), 0);
		if (i == 0) {
			/* OpenSecureChannelRequest body (Part 4 5.5.2) */
			ck_ev_str(ev, "request_type", "issue");
			ck_ev_str(ev, "security_mode", "none");
			ck_assert_uint_eq(ev_u(ev, "requested_lifetime_ms"), 600000);
		} else {
			ck_assert_uint_eq(ev_u(ev, "service_result"), 0);
			ck_ev_str(ev, "status", "Good");
			ck_assert_uint_eq(ev_u(ev, "token_id"), 1);
			ck_assert_uint_eq(ev_u(ev, "revised_lifetime_ms"), 600000);
		}
		ck_assert_ptr_null(ev_field(ev, "encrypted"));
		ck_ev_str(ev, "security_policy_uri",
			  "http://opcfoundation.org/UA/SecurityPolicy#None");
		ck_ev_str(ev, "security_policy", "None");
		ck_assert_int_eq(ev_i(ev, "sender_certificate_length"), -1);
		ck_assert_int_eq(ev_i(ev, "receiver_thumbprint_length"), -1);
		ck_assert_ptr_null(ev_field(ev, "chunk_type"));
		ck_assert_ptr_null(ev_field(ev, "body_truncated"));
	}
	ck_assert_uint_eq(ctr(&u, 0, UA_OPN, UA_F), 1);
	ck_assert_uint_eq(ctr(&u, 1, UA_OPN, UA_F), 1);
	fx_done(&u);
}
END_TEST

START_TEST(test_open_secure_channel_basic256sha256)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, opn_b256_req, sizeof(opn_b256_req), TS0 + 3);
	ck_assert_uint_eq(u.n_ev, 3);
	const struct dis_event *ev = &u.ev[2];
	ck_assert_str_eq(ev->action, "open_secure_channel");
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->nfields, 10);
	ck_ev_str(ev, "security_mode", "unknown"); /* in the encrypted body */
	ck_assert_uint_eq(ev_u(ev, "message_size"), 1463);
	/* SHA-1 of the 850 certificate bytes (Python hashlib); this client
	 * used the same certificate as the server, so the receiver
	 * thumbprint on the wire is the same value */
	ck_ev_str(ev, "sender_certificate_thumbprint", "0ed5b7401ee530174075f027973d1d466416a866");
	ck_ev_str(ev, "receiver_thumbprint", "0ed5b7401ee530174075f027973d1d466416a866");
	ck_assert_int_eq(ev_b(ev, "encrypted"), 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].counters[opcua_proto.n_counters - 1], 1);
	ck_assert_uint_eq(ev_u(ev, "secure_channel_id"), 0);
	ck_ev_str(ev, "security_policy_uri",
		  "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256");
	ck_ev_str(ev, "security_policy", "Basic256Sha256");
	ck_assert_int_eq(ev_i(ev, "sender_certificate_length"), 850);
	ck_assert_int_eq(ev_i(ev, "receiver_thumbprint_length"), 20);
	ck_assert_ptr_null(ev_field(ev, "body_truncated"));
	ck_assert_uint_eq(ctr(&u, 0, UA_OPN, UA_F), 1);
	fx_done(&u);
}
END_TEST

/* Other policy URIs: each known name, a URI with a known prefix but an
 * unknown name, and one that is not an OPC Foundation policy. The OPN is
 * the real None request with its URI replaced. */
START_TEST(test_security_policy_names)
{
	static const char *const uris[] = {
		"http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15",
		"http://opcfoundation.org/UA/SecurityPolicy#Basic256",
		"http://opcfoundation.org/UA/SecurityPolicy#Aes128_Sha256_RsaOaep",
		"http://opcfoundation.org/UA/SecurityPolicy#Aes256_Sha256_RsaPss",
		"http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha",
		"http://opcfoundation.org/UA/SecurityPolicy#",
		"urn:vendor:policy#None",
	};
	static const char *const names[] = { "Basic128Rsa15", "Basic256", "Aes128_Sha256_RsaOaep",
					     "Aes256_Sha256_RsaPss", "unknown", "unknown",
					     "unknown" };
	const size_t uri_off = 16, old_len = 47; /* header, channel id, length */
	for (unsigned i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		uint8_t m[256];
		size_t ul = strlen(uris[i]);
		size_t size = sizeof(opn_none_req) - old_len + ul;
		ck_assert_uint_le(size, sizeof(m));
		memcpy(m, opn_none_req, uri_off - 4);
		m[4] = (uint8_t)size;
		m[5] = (uint8_t)(size >> 8);
		m[6] = m[7] = 0;
		m[uri_off - 4] = (uint8_t)ul;
		m[uri_off - 3] = m[uri_off - 2] = m[uri_off - 1] = 0;
		memcpy(m + uri_off, uris[i], ul);
		memcpy(m + uri_off + ul, opn_none_req + uri_off + old_len,
		       sizeof(opn_none_req) - uri_off - old_len);

		struct dis_fixture u;
		fx_init(&u, 4840);
		feed(&u, 0, m, size, TS0);
		ck_assert_uint_eq(u.n_ev, 1);
		ck_assert_str_eq(u.ev[0].action, "open_secure_channel");
		ck_ev_str(&u.ev[0], "security_policy_uri", uris[i]);
		ck_ev_str(&u.ev[0], "security_policy", names[i]);
		ck_assert_int_eq(ev_i(&u.ev[0], "sender_certificate_length"), -1);
		fx_done(&u);
	}
}
END_TEST

START_TEST(test_close_secure_channel)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, clo, sizeof(clo), TS0 + 9);
	ck_assert_uint_eq(u.n_ev, 3);
	const struct dis_event *ev = &u.ev[2];
	ck_assert_ptr_eq(ev->proto, &opcua_proto);
	ck_assert_str_eq(ev->action, "close_secure_channel");
	ck_assert_uint_eq(ev->fclass, DIS_FC_SESSION);
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->ts_us, TS0 + 9);
	ck_assert_uint_eq(ev_u(ev, "secure_channel_id"), 8);
	ck_assert_uint_eq(ctr(&u, 0, UA_CLO, UA_F), 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	fx_done(&u);
}
END_TEST

/* MSG chunks F, C and A are counted by type; a final chunk completes a
 * message, whose service is decoded: the GetEndpoints pair is one event,
 * the C chunks with request id 2 are aborted by the A chunk, and the
 * CreateSession request waits for its response. */
START_TEST(test_msg_chunks_counted)
{
	struct dis_fixture u;
	uint8_t m[sizeof(msg_req1)];
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, opn_none_req, sizeof(opn_none_req), TS0);
	feed(&u, 1, opn_none_resp, sizeof(opn_none_resp), TS0);
	feed(&u, 0, msg_req1, sizeof(msg_req1), TS0);
	feed(&u, 1, msg_resp1, sizeof(msg_resp1), TS0);
	msg_with_chunk(m, 'C');
	feed(&u, 0, m, sizeof(m), TS0);
	feed(&u, 0, m, sizeof(m), TS0);
	msg_with_chunk(m, 'A');
	feed(&u, 0, m, sizeof(m), TS0);
	feed(&u, 0, msg_req2, sizeof(msg_req2), TS0);
	msg_with_chunk(m, 'C');
	feed(&u, 1, m, sizeof(m), TS0);
	ck_assert_uint_eq(u.n_ev, 5); /* HEL, ACK, two OPN, GetEndpoints */
	ck_assert_str_eq(u.ev[4].action, "get_endpoints");
	ck_assert_uint_eq(ev_u(&u.ev[4], "request_handle"), 1);
	ck_ev_str(&u.ev[4], "outcome", "good");
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 2);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_C), 2);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_A), 1);
	ck_assert_uint_eq(ctr(&u, 1, UA_MSG, UA_F), 1);
	ck_assert_uint_eq(ctr(&u, 1, UA_MSG, UA_C), 1);
	ck_assert_uint_eq(ctr(&u, 1, UA_MSG, UA_A), 0);
	/* exact counter indices: dir * 21 + type * 3 + chunk */
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].counters[0 * 21 + 5 * 3 + 0], 2);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].counters[0 * 21 + 5 * 3 + 2], 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].counters[1 * 21 + 5 * 3 + 1], 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].counters[1 * 21 + 4 * 3 + 0], 1);
	ck_assert_uint_eq(ctr_total(&u), 2 + 2 + 7);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	fx_done(&u);
}
END_TEST

/* An OPN sent as an intermediate chunk reports its chunk type. */
START_TEST(test_open_secure_channel_chunked)
{
	struct dis_fixture u;
	uint8_t m[sizeof(opn_none_req)];
	memcpy(m, opn_none_req, sizeof(m));
	m[3] = 'C';
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, m, sizeof(m), TS0);
	ck_assert_uint_eq(u.n_ev, 3);
	ck_assert_str_eq(u.ev[2].action, "open_secure_channel");
	ck_ev_str(&u.ev[2], "chunk_type", "C");
	ck_assert_uint_eq(ctr(&u, 0, UA_OPN, UA_C), 1);
	fx_done(&u);
}
END_TEST

/* ---- framing: the same events and counters however the bytes are cut ---- */

static uint8_t msg_c[sizeof(msg_req1)], msg_a[sizeof(msg_req1)];

/* The reference conversation: the start of the session of
 * opcua/opcua-read-service.pcap (HEL, ACK, OPN both ways, MSG both ways),
 * then MSG chunks C and A, and an ERR from the server. (A CLO is left out:
 * see test_regress_clo_split_header.) */
static const uint8_t *const conv0[] = { hel, opn_none_req, msg_req1, msg_c, msg_a, msg_req2 };
static const size_t conv0_len[] = { sizeof(hel),      sizeof(opn_none_req), sizeof(msg_req1),
				    sizeof(msg_req1), sizeof(msg_req1),     sizeof(msg_req2) };
static const uint8_t *const conv1[] = { ack, opn_none_resp, msg_resp1, err_msg };
static const size_t conv1_len[] = { sizeof(ack), sizeof(opn_none_resp), sizeof(msg_resp1),
				    sizeof(err_msg) };
#define CONV0_N (sizeof(conv0) / sizeof(conv0[0]))
#define CONV1_N (sizeof(conv1) / sizeof(conv1[0]))
#define CONV_MAX 2048
#define SUM_BYTES 8192

static void conv_prepare(void)
{
	msg_with_chunk(msg_c, 'C');
	msg_with_chunk(msg_a, 'A');
}

static size_t conv_stream(int dir, uint8_t *out)
{
	size_t n = 0, cnt = dir ? CONV1_N : CONV0_N;
	for (size_t i = 0; i < cnt; i++) {
		const uint8_t *a = dir ? conv1[i] : conv0[i];
		size_t l = dir ? conv1_len[i] : conv0_len[i];
		ck_assert_uint_le(l, CONV_MAX - n);
		memcpy(out + n, a, l);
		n += l;
	}
	return n;
}

/* One message per chunk: the expected summary. */
static void conv_whole(int with_counters, char *out, size_t cap)
{
	struct dis_fixture u;
	conv_prepare();
	fx_init(&u, 4840);
	for (size_t i = 0; i < CONV0_N; i++)
		feed(&u, 0, conv0[i], conv0_len[i], TS0);
	for (size_t i = 0; i < CONV1_N; i++)
		feed(&u, 1, conv1[i], conv1_len[i], TS0);
	dis_flow_end(&u.rt, &u.f, TS0);
	/* HEL, OPN; ACK, OPN, GetEndpoints pair, ERR; at flow end the
	 * CreateSession request, unanswered */
	ck_assert_uint_eq(u.n_ev, 7);
	ck_assert_str_eq(u.ev[0].action, "hello");
	ck_assert_str_eq(u.ev[1].action, "open_secure_channel");
	ck_assert_str_eq(u.ev[2].action, "acknowledge");
	ck_assert_str_eq(u.ev[3].action, "open_secure_channel");
	ck_assert_str_eq(u.ev[4].action, "get_endpoints");
	ck_assert_str_eq(u.ev[5].action, "error");
	ck_assert_str_eq(u.ev[6].action, "create_session");
	ck_ev_str(&u.ev[6], "outcome", "unanswered");
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 2);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_C), 1);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_A), 1);
	ck_assert_uint_eq(ctr(&u, 1, UA_MSG, UA_F), 1);
	ck_assert_uint_eq(ctr_total(&u), 10);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	summarize(&u, with_counters, out, cap);
	fx_done(&u);
}

/* Feeds a direction's stream in chunks of the given sizes (0-terminated;
 * the last size repeats). The leftover buffers stay bounded. */
static void feed_chunks(struct dis_fixture *u, int dir, const uint8_t *s, size_t len, const size_t *sizes)
{
	size_t off = 0;
	unsigned k = 0;
	while (off < len) {
		size_t c = sizes[k];
		if (sizes[k + 1])
			k++;
		if (c > len - off)
			c = len - off;
		feed(u, dir, s + off, c, TS0);
		ck_assert_uint_le(u->rt.st.buf_bytes, 2 * UA_PREFIX + 512);
		off += c;
	}
}

static void conv_chunked_port(uint16_t port, const size_t *sz0, const size_t *sz1,
			      int with_counters, char *out, size_t cap)
{
	struct dis_fixture u;
	static uint8_t s0[CONV_MAX], s1[CONV_MAX];
	conv_prepare();
	size_t l0 = conv_stream(0, s0), l1 = conv_stream(1, s1);
	fx_init(&u, 4840);
	flow_reset(&u, port);
	feed_chunks(&u, 0, s0, l0, sz0);
	feed_chunks(&u, 1, s1, l1, sz1);
	dis_flow_end(&u.rt, &u.f, TS0);
	summarize(&u, with_counters, out, cap);
	fx_done(&u);
}

/* Events and statistics only: the counters are compared in
 * test_regress_counted_before_complete. */
static void conv_chunked(const size_t *sz0, const size_t *sz1, char *out, size_t cap)
{
	conv_chunked_port(4840, sz0, sz1, 0, out, cap);
}

START_TEST(test_two_messages_per_chunk)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(1, want, sizeof(want)); /* whole messages: counters too */
	const size_t sz0[] = { sizeof(hel) + sizeof(opn_none_req),
			       sizeof(msg_req1) + sizeof(msg_req1),
			       sizeof(msg_req1) + sizeof(msg_req2), 0 };
	const size_t sz1[] = { sizeof(ack) + sizeof(opn_none_resp),
			       sizeof(msg_resp1) + sizeof(err_msg), 0 };
	conv_chunked_port(4840, sz0, sz1, 1, got, sizeof(got));
	ck_assert_str_eq(got, want);
	const size_t all[] = { CONV_MAX, 0 };
	conv_chunked_port(4840, all, all, 1, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

START_TEST(test_byte_at_a_time_from_start)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(0, want, sizeof(want));
	const size_t one[] = { 1, 0 };
	conv_chunked(one, one, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

/* On a non-standard port (as opcua/opcua-method-call-port-12001.pcap). */
START_TEST(test_byte_at_a_time_from_start_other_port)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(0, want, sizeof(want));
	const size_t one[] = { 1, 0 };
	conv_chunked_port(12001, one, one, 0, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

START_TEST(test_byte_at_a_time_after_attach)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(0, want, sizeof(want));
	const size_t sz0[] = { sizeof(hel), 1, 0 };
	const size_t sz1[] = { 1, 0 };
	conv_chunked(sz0, sz1, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

START_TEST(test_random_chunks)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	uint64_t s = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	size_t sz0[200], sz1[200];
	size_t max = (_i & 1) ? 300 : 20;
	conv_whole(0, want, sizeof(want));
	for (unsigned k = 0; k < 199; k++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		sz0[k] = 1 + (size_t)(s >> 33) % max;
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		sz1[k] = 1 + (size_t)(s >> 33) % max;
	}
	sz0[199] = sz1[199] = 0;
	conv_chunked(sz0, sz1, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

/* A message split across two chunks at every point, after the handshake
 * (loop index = split point in the OPN request). */
START_TEST(test_message_split_two_chunks)
{
	struct dis_fixture u;
	size_t k = (size_t)_i;
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, opn_none_req, k, TS0 + 1);
	ck_assert_uint_eq(u.n_ev, 2);
	feed(&u, 0, opn_none_req + k, sizeof(opn_none_req) - k, TS0 + 2);
	ck_assert_uint_eq(u.n_ev, 3);
	const struct dis_event *ev = &u.ev[2];
	ck_assert_str_eq(ev->action, "open_secure_channel");
	ck_assert_uint_eq(ev->ts_us, TS0 + 2);
	ck_ev_str(ev, "security_policy", "None");
	ck_assert_int_eq(ev_i(ev, "sender_certificate_length"), -1);
	/* then a MSG split at the same point (its header may be cut too) */
	size_t km = k < sizeof(msg_req1) ? k : sizeof(msg_req1) - 1;
	feed(&u, 0, msg_req1, km, TS0 + 3);
	feed(&u, 0, msg_req1 + km, sizeof(msg_req1) - km, TS0 + 4);
	feed(&u, 0, msg_req2, sizeof(msg_req2), TS0 + 5);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 2);
	ck_assert_uint_eq(u.n_ev, 3);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	fx_done(&u);
}
END_TEST

/* The first HEL of the flow split at every point: no event until the whole
 * message is there. */
START_TEST(test_first_hel_split_two_chunks)
{
	struct dis_fixture u;
	size_t k = (size_t)_i;
	fx_init(&u, 4840);
	feed(&u, 0, hel, k, TS0);
	ck_assert_uint_eq(u.n_ev, 0);
	feed(&u, 0, hel + k, sizeof(hel) - k, TS0 + 1);
	ck_assert_ptr_nonnull(u.f.dis);
	ck_assert_uint_eq(u.n_ev, 1);
	ck_assert_str_eq(u.ev[0].action, "hello");
	ck_assert_uint_eq(u.ev[0].ts_us, TS0 + 1);
	ck_ev_str(&u.ev[0], "endpoint_url", "opc.tcp://localhost:4840");
	ck_assert_uint_eq(ev_u(&u.ev[0], "max_chunk_count"), 32768);
	feed(&u, 1, ack, sizeof(ack), TS0 + 2);
	ck_assert_uint_eq(u.n_ev, 2);
	fx_done(&u);
}
END_TEST

/* Chunk sizes to cut the 200 KB MSG into (loop index). */
static const size_t big_chunks[] = { 1460, 7, 8, 9, 4096, 8191, 8192, 8193, 65536 };
#define BIG_BODY ((size_t)200 * 1024)

/* A MSG of 200 KB, more than the leftover buffer holds, delivered in pieces:
 * the body is skipped without buffering and the chunk after it parses. */
START_TEST(test_large_msg_skipped)
{
	struct dis_fixture u;
	size_t n = BIG_BODY + sizeof(msg_req2) + sizeof(clo);
	uint8_t *s = calloc(1, n);
	ck_assert_ptr_nonnull(s);
	memcpy(s, msg_req1, 24); /* header, channel, token, sequence, request */
	s[4] = (uint8_t)BIG_BODY;
	s[5] = (uint8_t)(BIG_BODY >> 8);
	s[6] = (uint8_t)(BIG_BODY >> 16);
	s[7] = 0;
	memcpy(s + BIG_BODY, msg_req2, sizeof(msg_req2));
	memcpy(s + BIG_BODY + sizeof(msg_req2), clo, sizeof(clo));
	const size_t sz[] = { big_chunks[_i], 0 };

	fx_init(&u, 4840);
	handshake(&u);
	size_t base = u.rt.st.buf_bytes_max;
	feed_chunks(&u, 0, s, n, sz);
	free(s);
	ck_assert_uint_le(u.rt.st.buf_bytes_max, base > UA_PREFIX ? base : UA_PREFIX);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 2);
	ck_assert_uint_eq(ctr(&u, 0, UA_CLO, UA_F), 1);
	/* HEL, ACK, the 200 KB chunk above the negotiated 131072-byte
	 * receive buffer, CLO (the two requests wait for responses) */
	ck_assert_uint_eq(u.n_ev, 4);
	ck_assert_str_eq(u.ev[2].action, "opcua_chunk_exceeds_buffer_size");
	ck_assert_str_eq(u.ev[3].action, "close_secure_channel");
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].oversize, 0);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].anomalies, 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].bytes, sizeof(hel) + sizeof(ack) + n);
	fx_done(&u);
}
END_TEST

/* A MSG at the 16 MiB cap: its body is skipped (here mostly as a gap). */
START_TEST(test_msg_at_size_cap)
{
	struct dis_fixture u;
	static uint8_t m[UA_PREFIX]; /* the decoded prefix: the request, zero-padded */
	memcpy(m, msg_req1, sizeof(msg_req1));
	m[4] = m[5] = m[6] = 0;
	m[7] = 1; /* 16 MiB */
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, m, sizeof(m), TS0);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 1);
	dis_stream_gap(&u.rt, &u.f, 0, (uint32_t)((16u << 20) - sizeof(m)), TS0 + 1);
	/* above the 131072-byte receive buffer the ACK negotiated */
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].anomalies, 1);
	ck_assert_str_eq(u.ev[u.n_ev - 1].action, "opcua_chunk_exceeds_buffer_size");
	feed(&u, 0, msg_req2, sizeof(msg_req2), TS0 + 2);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 2);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	fx_done(&u);
}
END_TEST

/* An OPN longer than the parse prefix (8192): the prefix is decoded, the
 * rest skipped, and the next message parses. The OPN is the real
 * Basic256Sha256 request with its size raised and the tail zero-padded. */
START_TEST(test_long_opn_skipped)
{
	struct dis_fixture u;
	size_t size = 20000;
	uint8_t *m = calloc(1, size + sizeof(msg_req1));
	ck_assert_ptr_nonnull(m);
	memcpy(m, opn_b256_req, sizeof(opn_b256_req));
	m[4] = (uint8_t)size;
	m[5] = (uint8_t)(size >> 8);
	memcpy(m + size, msg_req1, sizeof(msg_req1));
	const size_t sz[] = { 1000, 0 };
	fx_init(&u, 4840);
	handshake(&u);
	feed_chunks(&u, 0, m, size + sizeof(msg_req1), sz);
	free(m);
	ck_assert_uint_eq(u.n_ev, 3);
	const struct dis_event *ev = &u.ev[2];
	ck_assert_str_eq(ev->action, "open_secure_channel");
	ck_assert_uint_eq(ev_u(ev, "message_size"), size);
	ck_ev_str(ev, "security_policy", "Basic256Sha256");
	ck_assert_int_eq(ev_i(ev, "sender_certificate_length"), 850);
	ck_assert_int_eq(ev_i(ev, "receiver_thumbprint_length"), 20);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].oversize, 0);
	fx_done(&u);
}
END_TEST

/* A capture that starts midstream with a MSG from the server. */
START_TEST(test_midstream_msg)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	feed(&u, 1, mid_msg, sizeof(mid_msg), TS0);
	ck_assert_ptr_nonnull(u.f.dis);
	feed(&u, 0, msg_req1, sizeof(msg_req1), TS0 + 1);
	ck_assert_uint_eq(u.f.dis_confirmed, 1);
	/* the server's message decodes although its channel was never
	 * opened in the capture: security unknown */
	ck_assert_uint_eq(u.n_ev, 1);
	const struct dis_event *ev = &u.ev[0];
	ck_assert_str_eq(ev->action, "get_endpoints");
	ck_assert_uint_eq(ev->dir, 1);
	ck_assert_uint_eq(ev->flags, DIS_EV_RESPONSE);
	ck_assert_int_eq(ev_b(ev, "matched"), 0);
	ck_ev_str(ev, "security_mode", "unknown");
	ck_ev_str(ev, "security_policy", "unknown");
	ck_ev_str(ev, "outcome", "good");
	ck_assert_uint_eq(ctr(&u, 1, UA_MSG, UA_F), 1);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 1);
	fx_done(&u);
}
END_TEST

/* ---- malformed input ---- */

/* After confirmation a bad header is counted (malformed + anomaly) and
 * parsing goes on with the next chunk. */
START_TEST(test_bad_header_after_confirmation)
{
	static const uint8_t *const bads[] = { bad_type, bad_chunk, bad_size7, bad_size_big,
					       bad_hel_c };
	static const size_t bad_lens[] = { sizeof(bad_type), sizeof(bad_chunk), sizeof(bad_size7),
					   sizeof(bad_size_big), sizeof(bad_hel_c) };
	struct dis_fixture u;
	fx_init(&u, 4840);
	handshake(&u);
	for (unsigned i = 0; i < 5; i++) {
		int dir = (int)(i & 1);
		unsigned n0 = u.n_ev;
		feed(&u, dir, bads[i], bad_lens[i], TS0 + 10 + i);
		ck_assert_ptr_nonnull(u.f.dis);
		ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, i + 1);
		ck_assert_uint_eq(u.rt.proto[UA_PIDX].rejected, 0);
		ck_assert_uint_eq(u.rt.proto[UA_PIDX].anomalies, i + 1);
		ck_assert_uint_eq(u.n_ev, n0 + 1);
		const struct dis_event *ev = &u.ev[n0];
		ck_assert_ptr_eq(ev->proto, &opcua_proto);
		ck_assert_str_eq(ev->action, "opcua_bad_header");
		ck_assert_uint_eq(ev->flags & DIS_EV_ANOMALY, DIS_EV_ANOMALY);
		ck_assert_uint_eq(ev->fclass, DIS_FC_OTHER);
		ck_assert_uint_eq(ev->dir, dir);
		ck_assert_uint_eq(ev->ts_us, TS0 + 10 + i);
		/* the next good chunk parses */
		if (dir)
			feed(&u, 1, msg_resp1, sizeof(msg_resp1), TS0);
		else
			feed(&u, 0, msg_req1, sizeof(msg_req1), TS0);
	}
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 3);
	ck_assert_uint_eq(ctr(&u, 1, UA_MSG, UA_F), 2);
	ck_assert_uint_eq(ctr_total(&u), 2 + 5); /* bad headers are not counted by type */
	/* the good chunks are GetEndpoints requests and responses (handle 1):
	 * two pairs and one response without a request */
	unsigned anomalies = 0, pairs = 0, unmatched = 0;
	for (unsigned i = 0; i < u.n_ev; i++) {
		if (u.ev[i].flags & DIS_EV_ANOMALY)
			anomalies++;
		else if (strcmp(u.ev[i].action, "get_endpoints") == 0)
			ev_b(&u.ev[i], "matched") ? pairs++ : unmatched++;
	}
	ck_assert_uint_eq(anomalies, 5);
	ck_assert_uint_eq(pairs, 2);
	ck_assert_uint_eq(unmatched, 0);
	ck_assert_uint_eq(u.n_ev, 2 + 5 + 2);
	fx_done(&u);
}
END_TEST

/* Before confirmation a bad header means "not OPC UA": detach. */
START_TEST(test_bad_header_before_confirmation)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	feed(&u, 0, hel, sizeof(hel), TS0);
	ck_assert_ptr_nonnull(u.f.dis);
	ck_assert_uint_eq(u.n_ev, 1);
	feed(&u, 0, bad_type, sizeof(bad_type), TS0 + 1);
	ck_assert_ptr_null(u.f.dis);
	ck_assert_uint_eq(u.f.dis_proto, 0);
	ck_assert_uint_eq(u.f.dis_gave_up, 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].rejected, 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].confirmed, 0);
	ck_assert_uint_eq(u.rt.st.buf_bytes, 0);
	unsigned n = u.n_ev;
	feed(&u, 1, ack, sizeof(ack), TS0 + 2);
	feed(&u, 0, msg_req1, sizeof(msg_req1), TS0 + 3);
	ck_assert_ptr_null(u.f.dis);
	ck_assert_uint_eq(u.n_ev, n);
	fx_done(&u);
}
END_TEST

/* Not OPC UA on port 4840, with a first chunk too short to judge. */
START_TEST(test_not_opcua_on_port_4840)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	feed(&u, 0, http_get, 2, TS0);
	feed(&u, 0, http_get + 2, sizeof(http_get) - 2, TS0 + 1);
	/* the passive http dissector (#9) may take it, opcua never */
	ck_assert(!u.f.dis || u.f.dis->proto != &opcua_proto);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].flows, 0);
	ck_assert_uint_eq(u.n_ev, 0);
	fx_done(&u);

	/* "HE" then not a HEL */
	static const uint8_t fake[] = { 'H', 'E', 'A', 'D', ' ', '/', ' ', 'H', 'T', 'T', 'P' };
	fx_init(&u, 4840);
	feed(&u, 0, fake, 2, TS0);
	ck_assert_ptr_null(u.f.dis);
	feed(&u, 0, fake + 2, sizeof(fake) - 2, TS0 + 1);
	ck_assert_ptr_null(u.f.dis);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].flows, 0);
	ck_assert_uint_eq(u.n_ev, 0);
	fx_done(&u);
}
END_TEST

/* A message size longer than the data: waits, never emits. */
START_TEST(test_length_longer_than_data)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, opn_none_req, sizeof(opn_none_req) - 1, TS0);
	ck_assert_uint_eq(u.n_ev, 2);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	dis_flow_end(&u.rt, &u.f, TS0 + 1);
	ck_assert_uint_eq(u.n_ev, 2);
	fx_done(&u);
}
END_TEST

/* ---- gaps ---- */

/* A gap inside the skipped part of a MSG (past the decoded prefix) only
 * shortens the skip. The MSG is the real GetEndpoints response with its size
 * raised past the prefix and the tail zero-padded. */
START_TEST(test_gap_in_skipped_body)
{
	struct dis_fixture u;
	size_t size = UA_PREFIX + 2000;
	uint8_t *m = calloc(1, size);
	ck_assert_ptr_nonnull(m);
	memcpy(m, msg_resp1, sizeof(msg_resp1));
	m[4] = (uint8_t)size;
	m[5] = (uint8_t)(size >> 8);
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 1, m, UA_PREFIX + 100, TS0 + 1);
	dis_stream_gap(&u.rt, &u.f, 1, 300, TS0 + 2);
	feed(&u, 1, m + UA_PREFIX + 400, size - UA_PREFIX - 400, TS0 + 3);
	feed(&u, 1, msg_resp1, sizeof(msg_resp1), TS0 + 4);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].gaps, 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].anomalies, 0);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	ck_assert_uint_eq(ctr(&u, 1, UA_MSG, UA_F), 2);
	/* a gap that ends exactly at the end of the chunk */
	feed(&u, 1, m, UA_PREFIX + 100, TS0 + 5);
	dis_stream_gap(&u.rt, &u.f, 1, (uint32_t)(size - UA_PREFIX - 100), TS0 + 6);
	feed(&u, 1, msg_resp1, sizeof(msg_resp1), TS0 + 7);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].anomalies, 0);
	ck_assert_uint_eq(ctr(&u, 1, UA_MSG, UA_F), 4);
	/* a gap past the end of the chunk, into the next header */
	feed(&u, 1, m, UA_PREFIX + 100, TS0 + 8);
	dis_stream_gap(&u.rt, &u.f, 1, (uint32_t)(size - UA_PREFIX - 100 + 4), TS0 + 9);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].anomalies, 1);
	const struct dis_event *ev = &u.ev[u.n_ev - 1];
	ck_assert_str_eq(ev->action, "stream_gap");
	ck_assert_uint_eq(ev->flags & DIS_EV_ANOMALY, DIS_EV_ANOMALY);
	ck_assert_uint_eq(ev->dir, 1);
	feed(&u, 1, msg_resp1, sizeof(msg_resp1), TS0 + 10);
	ck_assert_uint_eq(ctr(&u, 1, UA_MSG, UA_F), 6);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	free(m);
	fx_done(&u);
}
END_TEST

/* A gap inside a header, or inside a message being buffered: the partial
 * message is dropped, the anomaly counted, the next message parses. */
START_TEST(test_gap_mid_header)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, msg_req1, 5, TS0 + 1);
	dis_stream_gap(&u.rt, &u.f, 0, (uint32_t)sizeof(msg_req1) - 5, TS0 + 2);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].gaps, 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].anomalies, 1);
	ck_assert_uint_eq(u.n_ev, 3);
	ck_assert_str_eq(u.ev[2].action, "stream_gap");
	ck_assert_uint_eq(u.ev[2].dir, 0);
	ck_assert_uint_eq(u.ev[2].ts_us, TS0 + 2);
	feed(&u, 0, msg_req1, sizeof(msg_req1), TS0 + 3);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 1);
	/* inside an OPN being buffered */
	feed(&u, 0, opn_none_req, 50, TS0 + 4);
	dis_stream_gap(&u.rt, &u.f, 0, 10, TS0 + 5);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].anomalies, 2);
	feed(&u, 0, opn_none_req, sizeof(opn_none_req), TS0 + 6);
	ck_assert_uint_eq(u.n_ev, 5);
	ck_assert_str_eq(u.ev[4].action, "open_secure_channel");
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	/* the other direction was not disturbed */
	feed(&u, 1, opn_none_resp, 20, TS0 + 7);
	dis_stream_gap(&u.rt, &u.f, 0, 3, TS0 + 8);
	feed(&u, 1, opn_none_resp + 20, sizeof(opn_none_resp) - 20, TS0 + 9);
	ck_assert_uint_eq(u.n_ev, 7);
	ck_assert_str_eq(u.ev[6].action, "open_secure_channel");
	ck_assert_uint_eq(u.ev[6].dir, 1);
	fx_done(&u);
}
END_TEST

/* ---- truncation loops ---- */

/* Every proper prefix of the HEL, alone on a fresh flow from an exact-size
 * copy: no event (not even at flow end), no PDU, no crash. */
START_TEST(test_truncation_loop_hel)
{
	struct dis_fixture u;
	size_t k = (size_t)_i;
	fx_init(&u, 4840);
	feed(&u, 0, hel, k, TS0);
	ck_assert_uint_eq(u.n_ev, 0);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].pdus, 0);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	dis_flow_end(&u.rt, &u.f, TS0 + 1);
	ck_assert_uint_eq(u.n_ev, 0);
	fx_done(&u);
}
END_TEST

/* The parser itself on every proper prefix of the HEL, each in an
 * exact-size heap copy: NEED_MORE, never OK, no event; then the whole HEL. */
START_TEST(test_truncation_loop_hel_parse)
{
	struct dis_fixture u;
	size_t k = (size_t)_i;
	fx_init(&u, 4840);
	feed(&u, 0, hel, sizeof(hel), TS0); /* attaches: a dis_flow to parse with */
	ck_assert_ptr_nonnull(u.f.dis);
	ck_assert_uint_eq(u.n_ev, 1);
	struct dis_ctx ctx = { &u.rt, &u.f, u.f.dis, TS0 + 1 };
	uint8_t *c = malloc(k);
	ck_assert_ptr_nonnull(c);
	memcpy(c, hel, k);
	size_t used = 0;
	enum dis_status st = opcua_proto.parse(u.f.dis->state, 0, c, k, &used, &ctx);
	free(c);
	ck_assert_int_eq(st, DIS_NEED_MORE);
	ck_assert_uint_gt(used, k);
	ck_assert_uint_le(used, sizeof(hel));
	ck_assert_uint_eq(u.n_ev, 1);

	c = malloc(sizeof(hel));
	ck_assert_ptr_nonnull(c);
	memcpy(c, hel, sizeof(hel));
	used = 0;
	st = opcua_proto.parse(u.f.dis->state, 0, c, sizeof(hel), &used, &ctx);
	free(c);
	ck_assert_int_eq(st, DIS_OK);
	ck_assert_uint_eq(used, sizeof(hel));
	ck_assert_uint_eq(u.n_ev, 2);
	ck_assert_str_eq(u.ev[1].action, "hello");
	ck_ev_str(&u.ev[1], "endpoint_url", "opc.tcp://localhost:4840");
	fx_done(&u);
}
END_TEST

/* Every proper prefix of the ACK and of the Basic256Sha256 OPN on an
 * attached flow: no event. */
START_TEST(test_truncation_loop_ack)
{
	struct dis_fixture u;
	size_t k = (size_t)_i;
	fx_init(&u, 4840);
	feed(&u, 0, hel, sizeof(hel), TS0);
	feed(&u, 1, ack, k, TS0);
	ck_assert_uint_eq(u.n_ev, 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	dis_flow_end(&u.rt, &u.f, TS0 + 1);
	ck_assert_uint_eq(u.n_ev, 1);
	fx_done(&u);
}
END_TEST

START_TEST(test_truncation_loop_opn)
{
	struct dis_fixture u;
	size_t k = (size_t)_i;
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, opn_b256_req, k, TS0);
	ck_assert_uint_eq(u.n_ev, 2);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	fx_done(&u);
}
END_TEST

/* ---- regressions: bugs these tests found in opcua.c, now fixed ---- */

/* opcua_parse() reads a CLO's SecureChannelId from the rest of the chunk it
 * was given (rd_init(buf + 8, len - 8)) without waiting for it: when the CLO
 * header reaches the parser alone (its header at the end of a segment, or
 * any byte-at-a-time feed, where the framework tops the leftover buffer up to
 * exactly the 8 header bytes the parser asked for), the event has no
 * secure_channel_id, unlike a whole-chunk feed (STYLE 10 (3)). */
START_TEST(test_regress_clo_split_header)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, clo, 8, TS0 + 1);
	feed(&u, 0, clo + 8, sizeof(clo) - 8, TS0 + 2);
	ck_assert_uint_eq(u.n_ev, 3);
	ck_assert_str_eq(u.ev[2].action, "close_secure_channel");
	ck_assert_msg(ev_field(&u.ev[2], "secure_channel_id") != NULL,
		      "CLO split after its header: no secure_channel_id");
	ck_assert_uint_eq(ev_u(&u.ev[2], "secure_channel_id"), 8);
	fx_done(&u);

	/* byte at a time */
	fx_init(&u, 4840);
	handshake(&u);
	for (size_t i = 0; i < sizeof(clo); i++)
		feed(&u, 0, clo + i, 1, TS0 + 1);
	ck_assert_uint_eq(u.n_ev, 3);
	ck_assert_msg(ev_field(&u.ev[2], "secure_channel_id") != NULL,
		      "CLO fed byte at a time: no secure_channel_id");
	fx_done(&u);
}
END_TEST

/* The same read ignores the CLO's own message size: a CLO whose size (8)
 * leaves no room for a SecureChannelId takes it from the next message in
 * the chunk (here "MSGF", the header of the MSG that follows: 0x4647534d). */
START_TEST(test_regress_clo_reads_past_its_size)
{
	static const uint8_t clo8[] = { 'C', 'L', 'O', 'F', 0x08, 0x00, 0x00, 0x00 };
	struct dis_fixture u;
	uint8_t two[128];
	size_t n = cat2(two, sizeof(two), clo8, sizeof(clo8), msg_req1, sizeof(msg_req1));
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, two, n, TS0);
	ck_assert_uint_eq(u.n_ev, 3);
	ck_assert_str_eq(u.ev[2].action, "close_secure_channel");
	const struct dis_field *f = ev_field(&u.ev[2], "secure_channel_id");
	ck_assert_msg(f == NULL, "secure_channel_id %llu read from the next message",
		      f ? (unsigned long long)f->v.u : 0ull);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 1);
	fx_done(&u);
}
END_TEST

/* docs/schema.md: sender_certificate_length and receiver_thumbprint_length
 * are "-1 when absent". An OPN whose SenderCertificate runs past the 8192
 * bytes decoded (a certificate chain; here the real Basic256Sha256 OPN with
 * a 10000-byte certificate) reports -1, as if there were no certificate:
 * ua_string() returns -1 both for a null string and for one longer than
 * the bytes at hand. */
START_TEST(test_regress_opn_certificate_past_prefix)
{
	struct dis_fixture u;
	const size_t cert_off = 16 + 57; /* header, channel, URI length, 57-byte URI */
	const size_t size = 12000;
	uint8_t *m = calloc(1, size);
	ck_assert_ptr_nonnull(m);
	memcpy(m, opn_b256_req, cert_off + 4);
	m[4] = (uint8_t)size;
	m[5] = (uint8_t)(size >> 8);
	m[cert_off] = 0x10; /* 10000 = 0x2710 */
	m[cert_off + 1] = 0x27;
	m[cert_off + 2] = m[cert_off + 3] = 0;
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, m, size, TS0);
	free(m);
	ck_assert_uint_eq(u.n_ev, 3);
	const struct dis_event *ev = &u.ev[2];
	ck_assert_str_eq(ev->action, "open_secure_channel");
	ck_ev_str(ev, "security_policy", "Basic256Sha256");
	ck_assert_int_eq(ev_i(ev, "sender_certificate_length"), 10000);
	fx_done(&u);
}
END_TEST

/* opcua_parse() counts a HEL/ACK/ERR/RHE/OPN chunk (dis_count, opcua.c
 * line 251) before it checks that the bytes it decodes are there (line 275,
 * DIS_NEED_MORE). The framework calls parse() again each time it adds bytes
 * to a partial message, so the message is counted once per call: a HEL fed
 * byte at a time counts 49 times, one split in two counts twice, and a
 * message that never completes is counted once. */
START_TEST(test_regress_counted_before_complete)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(1, want, sizeof(want));
	const size_t sz0[] = { 20, 0 };
	const size_t all[] = { CONV_MAX, 0 };
	conv_chunked_port(4840, sz0, all, 1, got, sizeof(got));
	ck_assert_str_eq(got, want);
	const size_t one[] = { 1, 0 };
	conv_chunked_port(4840, one, one, 1, got, sizeof(got));
	ck_assert_str_eq(got, want);

	struct dis_fixture u;
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, opn_none_req, sizeof(opn_none_req) - 1, TS0);
	ck_assert_msg(ctr(&u, 0, UA_OPN, UA_F) == 0, "an OPN that never completed was counted");
	fx_done(&u);
}
END_TEST

/* ---- services (issue #5) ---- */

/* ServiceFault (Part 4 7.30) answering nop_write_req (channel 1, token 1,
 * request id 7, request handle 7) with BadUserAccessDenied; by hand. */
static const uint8_t fault_write[] = {
	'M', 'S', 'G', 'F', 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* channel 1 */
	0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, /* token, seq, req */
	0x01, 0x00, 0x8d, 0x01,                         /* ServiceFault_Encoding_DefaultBinary */
	0, 0, 0, 0, 0, 0, 0, 0,                         /* timestamp */
	0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x80, /* handle 7, BadUserAccessDenied */
	0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, /* no diagnostics, null table, no header */
};

static const struct dis_event *find_ev(const struct dis_fixture *u, const char *action)
{
	for (unsigned i = 0; i < u->n_ev; i++)
		if (strcmp(u->ev[i].action, action) == 0)
			return &u->ev[i];
	ck_abort_msg("no event %s", action);
	return NULL;
}

static unsigned count_ev(const struct dis_fixture *u, const char *action)
{
	unsigned n = 0;
	for (unsigned i = 0; i < u->n_ev; i++)
		n += strcmp(u->ev[i].action, action) == 0;
	return n;
}

/* HEL, ACK and the node-opcua OPN pair: channel 1, token 1, policy None. */
static void open_none(struct dis_fixture *u)
{
	handshake(u);
	feed(u, 0, nop_opn_req, sizeof(nop_opn_req), TS0 + 2);
	feed(u, 1, nop_opn_resp, sizeof(nop_opn_resp), TS0 + 3);
	ck_assert_uint_eq(u->n_ev, 4);
}

/* A Write and a Call over security None after an anonymous
 * ActivateSession: one event each, with outcome and security context. */
START_TEST(test_service_write_call)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	open_none(&u);
	feed(&u, 0, nop_activate_req, sizeof(nop_activate_req), TS0 + 4);
	feed(&u, 1, nop_activate_resp, sizeof(nop_activate_resp), TS0 + 5);
	feed(&u, 0, nop_write_req, sizeof(nop_write_req), TS0 + 6);
	feed(&u, 1, nop_write_resp, sizeof(nop_write_resp), TS0 + 7);
	feed(&u, 0, nop_call_req, sizeof(nop_call_req), TS0 + 8);
	feed(&u, 1, nop_call_resp, sizeof(nop_call_resp), TS0 + 9);
	ck_assert_uint_eq(u.n_ev, 7);
	const struct dis_event *ev = &u.ev[4];
	ck_assert_str_eq(ev->action, "activate_session");
	ck_assert_uint_eq(ev->fclass, DIS_FC_SESSION);
	ck_ev_str(ev, "identity_token", "anonymous");
	ck_ev_str(ev, "outcome", "good");

	ev = &u.ev[5];
	ck_assert_str_eq(ev->action, "write");
	ck_assert_uint_eq(ev->fclass, DIS_FC_WRITE);
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->flags, 0);
	ck_assert_uint_eq(ev->ts_us, TS0 + 6); /* the request's time */
	ck_assert_uint_eq(ev_u(ev, "request_handle"), 7);
	ck_assert_uint_eq(ev_u(ev, "secure_channel_id"), 1);
	ck_ev_str(ev, "security_mode", "none");
	ck_ev_str(ev, "security_policy", "None");
	ck_ev_str(ev, "identity_token", "anonymous");
	ck_assert_uint_eq(ev_u(ev, "node_count"), 1);
	ck_ev_str(ev, "values.0.node_id", "ns=1;s=Setpoint");
	ck_assert_uint_eq(ev_u(ev, "values.0.attribute_id"), 13);
	ck_ev_str(ev, "values.0.type", "double");
	ck_ev_str(ev, "values.0.value", "42.5");
	ck_assert_uint_eq(ev_u(ev, "service_result"), 0);
	ck_ev_str(ev, "status", "Good");
	ck_assert_uint_eq(ev_u(ev, "response.results"), 1);
	ck_assert_uint_eq(ev_u(ev, "response.results_bad"), 0);
	ck_ev_str(ev, "outcome", "good");
	ck_assert_int_eq(ev_b(ev, "matched"), 1);
	ck_assert_uint_eq(ev_u(ev, "response_time_us"), 1);

	ev = &u.ev[6];
	ck_assert_str_eq(ev->action, "call");
	ck_assert_uint_eq(ev->fclass, DIS_FC_CONTROL);
	ck_assert_uint_eq(ev_u(ev, "method_count"), 1);
	ck_ev_str(ev, "object_id", "ns=1;s=Pump");
	ck_ev_str(ev, "method_id", "ns=1;s=AddMethod");
	ck_assert_uint_eq(ev_u(ev, "argument_count"), 2);
	ck_assert_uint_eq(ev_u(ev, "response.output_argument_count"), 1);
	ck_ev_str(ev, "outcome", "good");
	/* counters by service */
	char name[96];
	unsigned found = 0;
	for (unsigned i = 2 * OPCUA_COUNTERS_PER_DIR; i < opcua_proto.n_counters; i++) {
		if (!u.rt.proto[UA_PIDX].counters[i])
			continue;
		ck_assert_int_eq(opcua_proto.counter_name(i, name, sizeof(name)), 0);
		if (strcmp(name, "requests.write") == 0 || strcmp(name, "responses.call") == 0)
			found++;
	}
	ck_assert_uint_eq(found, 2);
	fx_done(&u);
}
END_TEST

/* A ServiceFault answers the Write: the write's event, outcome bad. */
START_TEST(test_service_fault)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	open_none(&u);
	feed(&u, 0, nop_write_req, sizeof(nop_write_req), TS0 + 6);
	feed(&u, 1, fault_write, sizeof(fault_write), TS0 + 7);
	ck_assert_uint_eq(u.n_ev, 5);
	const struct dis_event *ev = &u.ev[4];
	ck_assert_str_eq(ev->action, "write");
	ck_ev_str(&u.ev[4], "values.0.value", "42.5");
	ck_assert_uint_eq(ev_u(ev, "service_result"), 0x801f0000u);
	ck_ev_str(ev, "status", "BadUserAccessDenied");
	ck_assert_int_eq(ev_b(ev, "service_fault"), 1);
	ck_ev_str(ev, "outcome", "bad");
	fx_done(&u);
}
END_TEST

/* Reads fold per flow (one event at flow end) unless --no-aggregate. */
START_TEST(test_service_read_folded)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	u.rt.aggregate = _i;
	open_none(&u);
	for (unsigned k = 0; k < 3; k++) {
		feed(&u, 0, nop_read_req, sizeof(nop_read_req), TS0 + 10 + 2 * k);
		feed(&u, 1, nop_read_resp, sizeof(nop_read_resp), TS0 + 11 + 2 * k);
	}
	ck_assert_uint_eq(u.n_ev, _i ? 4 : 7);
	dis_flow_end(&u.rt, &u.f, TS0 + 20);
	ck_assert_uint_eq(count_ev(&u, "read"), _i ? 1 : 3);
	const struct dis_event *ev = find_ev(&u, "read");
	ck_assert_uint_eq(ev->fclass, DIS_FC_READ);
	if (_i) {
		ck_assert_uint_eq(ev->count, 3);
		ck_assert_uint_eq(ev_u(ev, "requests"), 3);
		ck_assert_uint_eq(ev_u(ev, "responses"), 3);
		ck_assert_uint_eq(ev_u(ev, "first_seen_us"), TS0 + 10);
		ck_assert_uint_eq(ev_u(ev, "last_seen_us"), TS0 + 15);
	} else {
		ck_assert_uint_eq(ev->count, 1);
		ck_ev_str(ev, "node_id", "ns=1;s=Setpoint");
		ck_assert_uint_eq(ev_u(ev, "item_count"), 1);
		ck_assert_uint_eq(ev_u(ev, "response.results"), 1);
		ck_ev_str(ev, "outcome", "good");
	}
	fx_done(&u);
}
END_TEST

/* A capture picked up mid-session: a user-name ActivateSession and an
 * AddNodes on a channel never opened in the capture (open62541). */
START_TEST(test_service_midstream_user_add_nodes)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	feed(&u, 0, ml_activate_user_req, sizeof(ml_activate_user_req), TS0);
	ck_assert_ptr_nonnull(u.f.dis);
	feed(&u, 0, ml_add_nodes_req, sizeof(ml_add_nodes_req), TS0 + 1);
	feed(&u, 1, ml_add_nodes_resp, sizeof(ml_add_nodes_resp), TS0 + 2);
	ck_assert_uint_eq(u.n_ev, 1);
	const struct dis_event *ev = &u.ev[0];
	ck_assert_str_eq(ev->action, "add_nodes");
	ck_assert_uint_eq(ev->fclass, DIS_FC_PROGRAM);
	ck_ev_str(ev, "security_mode", "unknown");
	ck_ev_str(ev, "security_policy", "unknown");
	ck_ev_str(ev, "identity_token", "user_name");
	ck_ev_str(ev, "user_name", "user1");
	ck_ev_str(ev, "parent_node_id", "i=35");
	ck_ev_str(ev, "browse_name", "NewReference");
	ck_assert_uint_eq(ev_u(ev, "response.results_bad"), 1);
	ck_ev_str(ev, "outcome", "bad");
	dis_flow_end(&u.rt, &u.f, TS0 + 3);
	ck_assert_uint_eq(u.n_ev, 2);
	ck_assert_str_eq(u.ev[1].action, "activate_session");
	ck_ev_str(&u.ev[1], "outcome", "unanswered");
	ck_ev_str(&u.ev[1], "identity_policy_id", "open62541-username-policy");
	fx_done(&u);
}
END_TEST

/* Splits msg (a single F chunk) into a C chunk carrying k body bytes and an
 * F chunk with the rest, both with the sequence header (next sequence
 * number for F). out must hold sizeof msg + 24. Returns the total length. */
static size_t split_msg(const uint8_t *msg, size_t n, size_t k, uint8_t *out)
{
	const size_t hdr = 24; /* header, channel, token, sequence number, request id */
	size_t body = n - hdr;
	ck_assert_uint_lt(k, body);
	size_t c = hdr + k, f = hdr + body - k;
	memcpy(out, msg, hdr);
	out[3] = 'C';
	out[4] = (uint8_t)c;
	out[5] = (uint8_t)(c >> 8);
	out[6] = out[7] = 0;
	memcpy(out + hdr, msg + hdr, k);
	memcpy(out + c, msg, hdr);
	out[c + 4] = (uint8_t)f;
	out[c + 5] = (uint8_t)(f >> 8);
	out[c + 6] = out[c + 7] = 0;
	out[c + 16]++; /* sequence number */
	memcpy(out + c + hdr, msg + hdr + k, body - k);
	return c + f;
}

/* The Write request cut into C + F at every body offset: the same event. */
START_TEST(test_chunk_reassembly)
{
	struct dis_fixture u;
	uint8_t two[sizeof(nop_write_req) + 24];
	size_t n = split_msg(nop_write_req, sizeof(nop_write_req), (size_t)_i, two);
	fx_init(&u, 4840);
	open_none(&u);
	feed(&u, 0, two, n, TS0 + 6);
	feed(&u, 1, nop_write_resp, sizeof(nop_write_resp), TS0 + 7);
	ck_assert_uint_eq(u.n_ev, 5);
	const struct dis_event *ev = &u.ev[4];
	ck_assert_str_eq(ev->action, "write");
	ck_ev_str(ev, "values.0.node_id", "ns=1;s=Setpoint");
	ck_ev_str(ev, "values.0.value", "42.5");
	ck_ev_str(ev, "outcome", "good");
	ck_assert_ptr_null(ev_field(ev, "request_truncated"));
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_C), 1);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_F), 1);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].anomalies, 0);
	fx_done(&u);
}
END_TEST

/* C then A: the message is dropped and counted; the next one decodes. */
START_TEST(test_chunk_abort)
{
	struct dis_fixture u;
	uint8_t two[sizeof(nop_write_req) + 24];
	size_t n = split_msg(nop_write_req, sizeof(nop_write_req), 40, two);
	size_t c = two[4] | (size_t)two[5] << 8;
	(void)n;
	fx_init(&u, 4840);
	open_none(&u);
	feed(&u, 0, two, c, TS0 + 6);
	uint8_t a[24 + 4];
	memcpy(a, two, 24);
	a[3] = 'A';
	a[4] = sizeof(a);
	a[5] = 0;
	memcpy(a + 24, "\x00\x00\x1f\x80", 4); /* abort chunk body: a status code */
	feed(&u, 0, a, sizeof(a), TS0 + 7);
	feed(&u, 0, nop_write_req, sizeof(nop_write_req), TS0 + 8);
	feed(&u, 1, nop_write_resp, sizeof(nop_write_resp), TS0 + 9);
	ck_assert_uint_eq(u.n_ev, 5);
	ck_assert_str_eq(u.ev[4].action, "write");
	ck_assert_uint_eq(u.ev[4].ts_us, TS0 + 8);
	ck_assert_uint_eq(ctr(&u, 0, UA_MSG, UA_A), 1);
	fx_done(&u);
}
END_TEST

/* More chunks than the negotiated MaxChunkCount: counted, one anomaly. */
START_TEST(test_chunk_count_over_limit)
{
	struct dis_fixture u;
	uint8_t ack1[sizeof(ack)];
	uint8_t two[sizeof(nop_write_req) + 24];
	size_t n = split_msg(nop_write_req, sizeof(nop_write_req), 40, two);
	memcpy(ack1, ack, sizeof(ack));
	ack1[24] = 1; /* MaxChunkCount 1 */
	ack1[25] = ack1[26] = ack1[27] = 0;
	fx_init(&u, 4840);
	feed(&u, 0, hel, sizeof(hel), TS0);
	feed(&u, 1, ack1, sizeof(ack1), TS0 + 1);
	feed(&u, 0, nop_opn_req, sizeof(nop_opn_req), TS0 + 2);
	feed(&u, 1, nop_opn_resp, sizeof(nop_opn_resp), TS0 + 3);
	feed(&u, 0, two, n, TS0 + 6);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].anomalies, 1);
	ck_assert_str_eq(u.ev[4].action, "opcua_message_exceeds_negotiated_size");
	fx_done(&u);
}
END_TEST

/* Every prefix of a Write request: no service event, nothing malformed. */
START_TEST(test_truncation_loop_write)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	open_none(&u);
	feed(&u, 0, nop_write_req, (size_t)_i, TS0 + 6);
	ck_assert_uint_eq(u.n_ev, 4);
	dis_flow_end(&u.rt, &u.f, TS0 + 7);
	ck_assert_uint_eq(u.n_ev, 4);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	fx_done(&u);
}
END_TEST

/* Whole messages, byte at a time and two per chunk: the same events. */
static const uint8_t *const svc0[] = { hel, nop_opn_req, nop_activate_req, nop_write_req,
				       nop_read_req, nop_call_req };
static const size_t svc0_len[] = { sizeof(hel), sizeof(nop_opn_req), sizeof(nop_activate_req),
				   sizeof(nop_write_req), sizeof(nop_read_req),
				   sizeof(nop_call_req) };
static const uint8_t *const svc1[] = { ack, nop_opn_resp, nop_activate_resp, nop_write_resp,
				       nop_read_resp, nop_call_resp };
static const size_t svc1_len[] = { sizeof(ack), sizeof(nop_opn_resp), sizeof(nop_activate_resp),
				   sizeof(nop_write_resp), sizeof(nop_read_resp),
				   sizeof(nop_call_resp) };

/* mode 0: whole messages; 1: byte at a time; 2: the service requests two
 * per chunk, then their two responses (the handshake as whole messages,
 * so the events come in the same order) */
static void svc_conv(int mode, char *out, size_t cap)
{
	struct dis_fixture u;
	fx_init(&u, 4840);
	for (size_t i = 0; i < 6; i++) {
		if (mode == 2 && i >= 2 && i % 2 == 0) {
			uint8_t b[1024];
			size_t n = cat2(b, sizeof(b), svc0[i], svc0_len[i], svc0[i + 1],
					svc0_len[i + 1]);
			feed(&u, 0, b, n, TS0);
			n = cat2(b, sizeof(b), svc1[i], svc1_len[i], svc1[i + 1], svc1_len[i + 1]);
			feed(&u, 1, b, n, TS0);
			i++;
			continue;
		}
		for (int d = 0; d < 2; d++) {
			const uint8_t *m = d ? svc1[i] : svc0[i];
			size_t n = d ? svc1_len[i] : svc0_len[i];
			if (mode == 1)
				for (size_t k = 0; k < n; k++)
					feed(&u, d, m + k, 1, TS0);
			else
				feed(&u, d, m, n, TS0);
		}
	}
	dis_flow_end(&u.rt, &u.f, TS0);
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	summarize(&u, 1, out, cap);
	fx_done(&u);
}

START_TEST(test_services_byte_at_a_time_and_glued)
{
	static char whole[SUM_BYTES], other[SUM_BYTES];
	svc_conv(0, whole, sizeof(whole));
	ck_assert_ptr_nonnull(strstr(whole, " write "));
	ck_assert_ptr_nonnull(strstr(whole, " call "));
	ck_assert_ptr_nonnull(strstr(whole, " read "));
	for (int mode = 1; mode <= 2; mode++) {
		svc_conv(mode, other, sizeof(other));
		/* the summaries are too long for Check's failure message */
		if (strcmp(whole, other) != 0)
			fprintf(stderr, "mode %d:\n%s\nwhole:\n%s\n", mode, other, whole);
		ck_assert_msg(strcmp(whole, other) == 0, "mode %d: events differ", mode);
	}
}
END_TEST

/* Length fields that lie inside the service body: a node count and a
 * string length past the message. The event says the request was
 * malformed; nothing is read past the message. */
START_TEST(test_service_lying_lengths)
{
	struct dis_fixture u;
	uint8_t m[sizeof(nop_write_req)];
	/* after the RequestHeader: token 23, time 8, handle, diagnostics, audit
	 * id (null), timeout 4 each, empty additional header 3 */
	const size_t count_off = 24 + 4 + 23 + 8 + 4 + 4 + 4 + 4 + 3; /* NodesToWrite length */
	memcpy(m, nop_write_req, sizeof(m));
	ck_assert_uint_eq(m[count_off], 1); /* the real count */
	m[count_off] = 0xff;
	m[count_off + 1] = 0xff;
	m[count_off + 2] = 0xff;
	m[count_off + 3] = 0x7f;
	fx_init(&u, 4840);
	open_none(&u);
	feed(&u, 0, m, sizeof(m), TS0 + 6);
	feed(&u, 1, nop_write_resp, sizeof(nop_write_resp), TS0 + 7);
	ck_assert_uint_eq(u.n_ev, 5);
	const struct dis_event *ev = &u.ev[4];
	ck_assert_str_eq(ev->action, "write");
	ck_assert_int_eq(ev_b(ev, "request_malformed"), 1);
	ck_assert_ptr_null(ev_field(ev, "values.0.node_id"));
	ck_ev_str(ev, "outcome", "good");
	/* the node id string length (ns=1;s=Setpoint, 8 bytes) said 2^31-1 */
	memcpy(m, nop_write_req, sizeof(m));
	m[count_off + 4 + 3] = 0xff;
	m[count_off + 4 + 4] = 0xff;
	m[count_off + 4 + 5] = 0xff;
	m[count_off + 4 + 6] = 0x7f;
	feed(&u, 0, m, sizeof(m), TS0 + 8);
	feed(&u, 1, nop_write_resp, sizeof(nop_write_resp), TS0 + 9);
	ck_assert_uint_eq(u.n_ev, 6);
	ck_assert_int_eq(ev_b(&u.ev[5], "request_malformed"), 1);
	ck_assert_ptr_null(ev_field(&u.ev[5], "values.0.node_id"));
	ck_assert_uint_eq(u.rt.proto[UA_PIDX].malformed, 0);
	fx_done(&u);
}
END_TEST

/* A Basic256Sha256 channel (OPN body encrypted); its messages decide the
 * mode: _i = 0 an opaque body (SignAndEncrypt: counted, never decoded),
 * _i = 1 a plain Write (Sign: decoded). */
START_TEST(test_secured_channel_mode_inferred)
{
	struct dis_fixture u;
	uint8_t resp[sizeof(opn_b256_req)];
	uint8_t w[sizeof(nop_write_req)];
	memcpy(resp, opn_b256_req, sizeof(resp));
	resp[8] = 7; /* the server's OPN response names channel 7 */
	memcpy(w, nop_write_req, sizeof(w));
	w[8] = 7;
	if (!_i)
		memset(w + 24, 0xa5, sizeof(w) - 24); /* ciphertext */
	fx_init(&u, 4840);
	handshake(&u);
	feed(&u, 0, opn_b256_req, sizeof(opn_b256_req), TS0 + 2);
	feed(&u, 1, resp, sizeof(resp), TS0 + 3);
	feed(&u, 0, w, sizeof(w), TS0 + 4);
	w[16]++;
	feed(&u, 0, w, sizeof(w), TS0 + 5);
	if (!_i) {
		/* a plain Write on the channel afterwards is not decoded */
		memcpy(w, nop_write_req, sizeof(w));
		w[8] = 7;
		feed(&u, 0, w, sizeof(w), TS0 + 6);
	}
	ck_assert_uint_eq(u.n_ev, 4);
	dis_flow_end(&u.rt, &u.f, TS0 + 9);
	const struct dis_event *ev = &u.ev[4];
	ck_assert_uint_eq(ev_u(ev, "secure_channel_id"), 7);
	ck_ev_str(ev, "security_policy", "Basic256Sha256");
	ck_assert_int_eq(ev_b(ev, "security_mode_inferred"), 1);
	if (!_i) {
		ck_assert_uint_eq(u.n_ev, 5);
		ck_assert_str_eq(ev->action, "message");
		ck_ev_str(ev, "security_mode", "sign_and_encrypt");
		ck_assert_int_eq(ev_b(ev, "encrypted"), 1);
		ck_assert_uint_eq(ev_u(ev, "messages_from_client"), 3);
		ck_assert_uint_eq(ev_u(ev, "messages_from_server"), 0);
		ck_assert_uint_eq(ev->count, 3);
		ck_ev_str(ev, "identity_token", "unknown");
	} else {
		/* both writes unanswered: two events at flow end */
		ck_assert_uint_eq(u.n_ev, 6);
		ck_assert_str_eq(ev->action, "write");
		ck_ev_str(ev, "security_mode", "sign");
		ck_ev_str(ev, "values.0.value", "42.5");
		ck_ev_str(ev, "outcome", "unanswered");
	}
	fx_done(&u);
}
END_TEST

static Suite *opcua_suite(void)
{
	Suite *s = suite_create("opcua");
	TCase *tp = tcase_create("probe");
	tcase_add_test(tp, test_probe_yes);
	tcase_add_test(tp, test_probe_no);
	tcase_add_test(tp, test_probe_more);
	tcase_add_test(tp, test_registry_and_counter_names);
	suite_add_tcase(s, tp);

	TCase *tc = tcase_create("messages");
	tcase_add_test(tc, test_hello_acknowledge);
	tcase_add_test(tc, test_hello_variants);
	tcase_add_test(tc, test_error);
	tcase_add_test(tc, test_reverse_hello);
	tcase_add_test(tc, test_open_secure_channel_none);
	tcase_add_test(tc, test_open_secure_channel_basic256sha256);
	tcase_add_test(tc, test_security_policy_names);
	tcase_add_test(tc, test_close_secure_channel);
	tcase_add_test(tc, test_msg_chunks_counted);
	tcase_add_test(tc, test_open_secure_channel_chunked);
	suite_add_tcase(s, tc);

	TCase *tf = tcase_create("framing");
	tcase_add_test(tf, test_two_messages_per_chunk);
	tcase_add_test(tf, test_byte_at_a_time_from_start);
	tcase_add_test(tf, test_byte_at_a_time_from_start_other_port);
	tcase_add_test(tf, test_byte_at_a_time_after_attach);
	tcase_add_loop_test(tf, test_random_chunks, 0, 16);
	tcase_add_loop_test(tf, test_message_split_two_chunks, 1, (int)sizeof(opn_none_req));
	tcase_add_loop_test(tf, test_first_hel_split_two_chunks, 1, (int)sizeof(hel));
	tcase_add_loop_test(tf, test_large_msg_skipped, 0,
			    (int)(sizeof(big_chunks) / sizeof(big_chunks[0])));
	tcase_add_test(tf, test_msg_at_size_cap);
	tcase_add_test(tf, test_long_opn_skipped);
	tcase_add_test(tf, test_midstream_msg);
	suite_add_tcase(s, tf);

	TCase *tm = tcase_create("malformed");
	tcase_add_test(tm, test_bad_header_after_confirmation);
	tcase_add_test(tm, test_bad_header_before_confirmation);
	tcase_add_test(tm, test_not_opcua_on_port_4840);
	tcase_add_test(tm, test_length_longer_than_data);
	tcase_add_test(tm, test_gap_in_skipped_body);
	tcase_add_test(tm, test_gap_mid_header);
	tcase_add_loop_test(tm, test_truncation_loop_hel, 1, (int)sizeof(hel));
	tcase_add_loop_test(tm, test_truncation_loop_hel_parse, 1, (int)sizeof(hel));
	tcase_add_loop_test(tm, test_truncation_loop_ack, 1, (int)sizeof(ack));
	tcase_add_loop_test(tm, test_truncation_loop_opn, 1, (int)sizeof(opn_b256_req));
	suite_add_tcase(s, tm);

	TCase *ts = tcase_create("services");
	tcase_add_test(ts, test_service_write_call);
	tcase_add_test(ts, test_service_fault);
	tcase_add_loop_test(ts, test_service_read_folded, 0, 2);
	tcase_add_test(ts, test_service_midstream_user_add_nodes);
	tcase_add_loop_test(ts, test_chunk_reassembly, 1, (int)sizeof(nop_write_req) - 24);
	tcase_add_test(ts, test_chunk_abort);
	tcase_add_test(ts, test_chunk_count_over_limit);
	tcase_add_loop_test(ts, test_truncation_loop_write, 1, (int)sizeof(nop_write_req));
	tcase_add_test(ts, test_services_byte_at_a_time_and_glued);
	tcase_add_test(ts, test_service_lying_lengths);
	tcase_add_loop_test(ts, test_secured_channel_mode_inferred, 0, 2);
	suite_add_tcase(s, ts);

	/* Regressions: bugs these tests found in the dissector (fixed in the
	 * commit that added them; each test says what went wrong). */
	TCase *tb = tcase_create("regressions");
	tcase_add_test(tb, test_regress_clo_split_header);
	tcase_add_test(tb, test_regress_clo_reads_past_its_size);
	tcase_add_test(tb, test_regress_opn_certificate_past_prefix);
	tcase_add_test(tb, test_regress_counted_before_complete);
	suite_add_tcase(s, tb);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(opcua_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
