/* check_tpkt.c - unit tests for the TPKT/COTP framing dissector
 * (dissectors/tpkt.c), driven through the real stream framework
 * (dissectors/dis_stream.c).
 *
 * Each test builds a dis_runtime whose emit callback copies every event into
 * an array, and a zeroed struct flow on port 102, then feeds reassembled
 * stream bytes with dis_stream_data() / dis_stream_gap() / dis_flow_end().
 * What the data TPDUs carry is checked in rt.proto[TK_PIDX].counters at the
 * indices of tpkt.h's TPKT_C_* (dir * TPKT_COUNTERS_PER_DIR + index).
 *
 * Most TPKTs are real: the TCP payload of one frame of a capture under
 * pcaps/, taken with `tshark -r CAPTURE -T fields -e tcp.payload`; the
 * comment above each array names the capture and frame. The others are built
 * by hand from RFC 1006 section 6 (TPKT) and ISO 8073 section 13 (COTP), and
 * say so.
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
#include "dissectors/tpkt.h"

#define MAX_EVENTS 64
#define TS0 1700000000000000ull

#include "tests/unit/dis_fixture.h"
#define TK_PIDX 1        /* registry order: mbtcp, tpkt, opcua */
#define TK_PREFIX 1024   /* tpkt.c TPKT_PARSE_PREFIX: bytes of a TPDU decoded */
#define TK_DT(dir, c) ((unsigned)(dir) * TPKT_COUNTERS_PER_DIR + (c))

/* ---- TPKTs from captures ---- */

/* COTP CR from the initiator (s7comm/s7comm-blocklist-online-view.pcap frame 5): dst-ref 0,
 * src-ref 0x000a, class 0, calling TSAP 0100, called TSAP 0102 (PG, rack 0,
 * slot 2), TPDU size 0x0a (1024). */
static const uint8_t cr_pg[] = {
	0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00, 0x00, 0x0a, 0x00, 0xc1,
	0x02, 0x01, 0x00, 0xc2, 0x02, 0x01, 0x02, 0xc0, 0x01, 0x0a,
};

/* COTP CC from the responder (s7comm/s7comm-blocklist-online-view.pcap frame 6): dst-ref
 * 0x000a, src-ref 3, class 0, TPDU size 1024, TSAPs 0100 / 0102. */
static const uint8_t cc_pg[] = {
	0x03, 0x00, 0x00, 0x16, 0x11, 0xd0, 0x00, 0x0a, 0x00, 0x03, 0x00, 0xc0,
	0x01, 0x0a, 0xc1, 0x02, 0x01, 0x00, 0xc2, 0x02, 0x01, 0x02,
};

/* DT with S7comm job 0xf0 setup communication (s7comm/s7comm-setup-communication.pcapng
 * frame 1): ROSCTR 1, PDU ref 0xffff, param length 8, max AmQ 1/1, PDU size 1920. */
static const uint8_t job_setup[] = {
	0x03, 0x00, 0x00, 0x19, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0xff,
	0xff, 0x00, 0x08, 0x00, 0x00, 0xf0, 0x00, 0x00, 0x01, 0x00, 0x01, 0x07,
	0x80,
};

/* DT with the S7comm ack_data to it (same capture, frame 2): ROSCTR 3,
 * error class/code 0, function 0xf0, PDU size 240. */
static const uint8_t ack_setup[] = {
	0x03, 0x00, 0x00, 0x1b, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0xff,
	0xff, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x00, 0x00, 0x01, 0x00,
	0x01, 0x00, 0xf0,
};

/* Setup communication job (s7comm/s7comm-blocklist-online-view.pcap frame 7). */
static const uint8_t blk_job_setup[] = {
	0x03, 0x00, 0x00, 0x19, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x08, 0x00, 0x00, 0xf0, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01,
	0xe0,
};

/* Its ack_data (s7comm/s7comm-blocklist-online-view.pcap frame 8). */
static const uint8_t blk_ack_setup[] = {
	0x03, 0x00, 0x00, 0x1b, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x00, 0x00, 0x01, 0x00,
	0x01, 0x00, 0xf0,
};

/* S7comm userdata (ROSCTR 7) request, block functions
 * (s7comm/s7comm-blocklist-online-view.pcap frame 10). */
static const uint8_t blk_ud_req1[] = {
	0x03, 0x00, 0x00, 0x21, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x08, 0x00, 0x08, 0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01,
	0x00, 0xff, 0x09, 0x00, 0x04, 0x01, 0x32, 0x00, 0x04,
};

/* Its userdata response (s7comm/s7comm-blocklist-online-view.pcap frame 11). */
static const uint8_t blk_ud_resp1[] = {
	0x03, 0x00, 0x00, 0x51, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x0c, 0x00, 0x34, 0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01,
	0x01, 0x00, 0x00, 0x00, 0x00, 0xff, 0x09, 0x00, 0x30, 0x01, 0x32, 0x00,
	0x04, 0x00, 0x28, 0x00, 0x01, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x56, 0x56, 0xbc, 0x04, 0xa3,
	0xd5, 0x84, 0x01, 0xd6, 0xb2, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Userdata request (s7comm/s7comm-blocklist-online-view.pcap frame 13). */
static const uint8_t blk_ud_req2[] = {
	0x03, 0x00, 0x00, 0x21, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x04,
	0x00, 0x00, 0x08, 0x00, 0x08, 0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01,
	0x00, 0xff, 0x09, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
};

/* Userdata response, 247 bytes (s7comm/s7comm-blocklist-online-view.pcap frame 14). */
static const uint8_t blk_ud_resp2[] = {
	0x03, 0x00, 0x00, 0xf7, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x04,
	0x00, 0x00, 0x0c, 0x00, 0xda, 0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01,
	0x01, 0x03, 0x01, 0x00, 0x00, 0xff, 0x09, 0x00, 0xd6, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x70, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x02, 0x00,
	0x11, 0x01, 0x11, 0x0f, 0x11, 0x00, 0x12, 0x01, 0x12, 0x0f, 0x12, 0x00,
	0x13, 0x01, 0x13, 0x00, 0x14, 0x0f, 0x14, 0x00, 0x15, 0x01, 0x15, 0x00,
	0x17, 0x01, 0x17, 0x0f, 0x17, 0x00, 0x18, 0x01, 0x18, 0x0f, 0x18, 0x00,
	0x19, 0x0f, 0x19, 0x00, 0x1a, 0x0f, 0x1a, 0x00, 0x1b, 0x0f, 0x1b, 0x00,
	0x1c, 0x01, 0x1c, 0x0f, 0x1c, 0x00, 0x21, 0x0a, 0x21, 0x0f, 0x21, 0x02,
	0x22, 0x00, 0x23, 0x0f, 0x23, 0x00, 0x24, 0x01, 0x24, 0x04, 0x24, 0x05,
	0x24, 0x00, 0x25, 0x01, 0x25, 0x02, 0x25, 0x0f, 0x25, 0x01, 0x31, 0x01,
	0x32, 0x02, 0x32, 0x00, 0x36, 0x01, 0x36, 0x0f, 0x36, 0x00, 0x37, 0x01,
	0x37, 0x0f, 0x37, 0x00, 0x38, 0x01, 0x38, 0x02, 0x38, 0x0f, 0x38, 0x01,
	0x39, 0x00, 0x3a, 0x0f, 0x3a, 0x00, 0x74, 0x01, 0x74, 0x0f, 0x74, 0x05,
	0x91, 0x0a, 0x91, 0x0c, 0x91, 0x0d, 0x91, 0x00, 0x92, 0x02, 0x92, 0x06,
	0x92, 0x0f, 0x92, 0x00, 0x94, 0x01, 0x94, 0x02, 0x94, 0x06, 0x94, 0x07,
	0x94, 0x0f, 0x94, 0x00, 0x95, 0x01, 0x95, 0x0f, 0x95, 0x06, 0x96, 0x0c,
	0x96, 0x0c, 0x97, 0x0d, 0x97, 0x01, 0x9a, 0x02, 0x9a, 0x0f, 0x9a, 0x0c,
	0x9b, 0x00, 0x9c, 0x01, 0x9c, 0x02, 0x9c, 0x03, 0x9c, 0x0f, 0x9c, 0x00,
	0xa0, 0x01, 0xa0, 0x0f, 0xa0, 0x00, 0xb1, 0x00, 0xb2, 0x00, 0xb3, 0x00,
	0xb4, 0x01, 0xb5, 0x02, 0xb5, 0x03, 0xb5,
};

/* STEP 7 userdata request, the first TPKT of a capture that starts
 * midstream (s7comm/s7comm-step7-read-diag-data.pcapng frame 1). */
static const uint8_t s7_diag_req[] = {
	0x03, 0x00, 0x00, 0x27, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x62,
	0x06, 0x00, 0x08, 0x00, 0x0e, 0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x02,
	0x00, 0xff, 0x09, 0x00, 0x0a, 0x01, 0x00, 0x30, 0x30, 0x30, 0x64, 0x30,
	0x33, 0x30, 0x61,
};

/* Its userdata response (same capture, frame 2). */
static const uint8_t s7_diag_resp[] = {
	0x03, 0x00, 0x00, 0x23, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x62,
	0x06, 0x00, 0x0c, 0x00, 0x06, 0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x02,
	0x03, 0x00, 0x00, 0x00, 0x00, 0xff, 0x09, 0x00, 0x02, 0x02, 0x00,
};

/* The next userdata request (same capture, frame 4), sent right after
 * an empty DT with EOT clear (frame 3, dt_empty_noeot). */
static const uint8_t s7_diag_req2[] = {
	0x03, 0x00, 0x00, 0x21, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x63,
	0x06, 0x00, 0x08, 0x00, 0x08, 0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01,
	0x00, 0xff, 0x09, 0x00, 0x04, 0x01, 0x31, 0x00, 0x02,
};

/* TIA Portal CR to an S7-1200 (s7comm/s7comm-plus-s7-1200-upload-ob1.pcap
 * frame 4): calling TSAP 0600, called TSAP "SIMATIC-ROOT-ES" (15 bytes). */
static const uint8_t tia_cr[] = {
	0x03, 0x00, 0x00, 0x23, 0x1e, 0xe0, 0x00, 0x00, 0x00, 0x11, 0x00, 0xc1,
	0x02, 0x06, 0x00, 0xc2, 0x0f, 0x53, 0x49, 0x4d, 0x41, 0x54, 0x49, 0x43,
	0x2d, 0x52, 0x4f, 0x4f, 0x54, 0x2d, 0x45, 0x53, 0xc0, 0x01, 0x0a,
};

/* Its CC (same capture, frame 5). */
static const uint8_t tia_cc[] = {
	0x03, 0x00, 0x00, 0x23, 0x1e, 0xd0, 0x00, 0x11, 0x00, 0x07, 0x00, 0xc0,
	0x01, 0x0a, 0xc1, 0x02, 0x06, 0x00, 0xc2, 0x0f, 0x53, 0x49, 0x4d, 0x41,
	0x54, 0x49, 0x43, 0x2d, 0x52, 0x4f, 0x4f, 0x54, 0x2d, 0x45, 0x53,
};

/* S7comm-plus (0x72) CreateObject request, 221 bytes (same capture, frame 6). */
static const uint8_t s7p_req[] = {
	0x03, 0x00, 0x00, 0xdd, 0x02, 0xf0, 0x80, 0x72, 0x01, 0x00, 0xce, 0x31,
	0x00, 0x00, 0x04, 0xca, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x20,
	0x36, 0x00, 0x00, 0x01, 0x1d, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xa1, 0x00, 0x00, 0x00, 0xd3, 0x82, 0x1f, 0x00, 0x00, 0xa3, 0x81, 0x69,
	0x00, 0x15, 0x14, 0x53, 0x65, 0x72, 0x76, 0x65, 0x72, 0x53, 0x65, 0x73,
	0x73, 0x69, 0x6f, 0x6e, 0x5f, 0x32, 0x44, 0x43, 0x36, 0x44, 0x32, 0xa3,
	0x82, 0x21, 0x00, 0x15, 0x2c, 0x31, 0x3a, 0x3a, 0x3a, 0x36, 0x2e, 0x30,
	0x3a, 0x3a, 0x54, 0x43, 0x50, 0x2f, 0x49, 0x50, 0x20, 0x2d, 0x3e, 0x20,
	0x41, 0x74, 0x68, 0x65, 0x72, 0x6f, 0x73, 0x20, 0x41, 0x52, 0x38, 0x31,
	0x32, 0x31, 0x2f, 0x41, 0x52, 0x38, 0x31, 0x31, 0x33, 0x2f, 0x2e, 0x2e,
	0x2e, 0xa3, 0x82, 0x28, 0x00, 0x15, 0x00, 0xa3, 0x82, 0x29, 0x00, 0x15,
	0x00, 0xa3, 0x82, 0x2a, 0x00, 0x15, 0x0f, 0x56, 0x4f, 0x52, 0x54, 0x45,
	0x58, 0x5f, 0x32, 0x31, 0x30, 0x33, 0x32, 0x34, 0x39, 0x31, 0xa3, 0x82,
	0x2b, 0x00, 0x04, 0x01, 0xa3, 0x82, 0x2c, 0x00, 0x12, 0x00, 0x2d, 0xc6,
	0xd2, 0xa3, 0x82, 0x2d, 0x00, 0x15, 0x00, 0xa1, 0x00, 0x00, 0x00, 0xd3,
	0x81, 0x7f, 0x00, 0x00, 0xa3, 0x81, 0x69, 0x00, 0x15, 0x15, 0x53, 0x75,
	0x62, 0x73, 0x63, 0x72, 0x69, 0x70, 0x74, 0x69, 0x6f, 0x6e, 0x43, 0x6f,
	0x6e, 0x74, 0x61, 0x69, 0x6e, 0x65, 0x72, 0xa2, 0xa2, 0x00, 0x00, 0x00,
	0x00, 0x72, 0x01, 0x00, 0x00,
};

/* S7comm-plus response, 31 bytes (same capture, frame 11). */
static const uint8_t s7p_small[] = {
	0x03, 0x00, 0x00, 0x1f, 0x02, 0xf0, 0x80, 0x72, 0x02, 0x00, 0x10, 0x32,
	0x00, 0x00, 0x05, 0x42, 0x00, 0x00, 0x00, 0x02, 0x34, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x72, 0x02, 0x00, 0x00,
};

/* S7comm-plus request, 67 bytes (same capture, frame 13). */
static const uint8_t s7p_req_67[] = {
	0x03, 0x00, 0x00, 0x43, 0x02, 0xf0, 0x80, 0x72, 0x02, 0x00, 0x34, 0x31,
	0x00, 0x00, 0x05, 0x86, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0xc0,
	0x34, 0x00, 0x00, 0x00, 0x32, 0x20, 0x04, 0x01, 0x9a, 0x7b, 0x00, 0x00,
	0x04, 0xe8, 0x89, 0x69, 0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x89, 0x6a,
	0x00, 0x13, 0x00, 0x89, 0x6b, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x72, 0x02, 0x00, 0x00,
};

/* S7comm-plus TPDU of 1020 bytes, longer than the parse prefix (512),
 * from the initiator (same capture, frame 128). */
static const uint8_t s7p_big[] = {
	0x03, 0x00, 0x03, 0xfc, 0x02, 0xf0, 0x80, 0x72, 0x02, 0x03, 0xf1, 0x00,
	0x82, 0x3f, 0x98, 0x00, 0x00, 0x02, 0x78, 0x7d, 0x66, 0x05, 0x2b, 0x13,
	0xad, 0x96, 0x49, 0x0e, 0xc2, 0x30, 0x0c, 0x45, 0xef, 0x92, 0x7d, 0x55,
	0x67, 0x42, 0xc9, 0xa6, 0xa7, 0xe0, 0x02, 0x45, 0x2d, 0x3b, 0x24, 0x96,
	0x48, 0x88, 0xbb, 0x93, 0x79, 0xb0, 0x43, 0x91, 0x10, 0x2b, 0x04, 0x55,
	0x62, 0xd3, 0xff, 0xfc, 0xfd, 0xbf, 0x3b, 0xa3, 0xa1, 0xc6, 0x88, 0x04,
	0x49, 0xd2, 0x57, 0x03, 0x00, 0x16, 0xf7, 0x50, 0x68, 0x8c, 0xb3, 0x24,
	0x63, 0xb8, 0x23, 0xfa, 0xdf, 0x21, 0x2e, 0x1a, 0xc8, 0xe3, 0x32, 0xea,
	0x86, 0x0d, 0xa0, 0xe6, 0x6c, 0xa9, 0xa4, 0x7a, 0xeb, 0xac, 0xfd, 0x45,
	0x9f, 0x25, 0x2e, 0xc4, 0x8d, 0x95, 0x4a, 0x49, 0x33, 0x49, 0xab, 0xf4,
	0xa4, 0xac, 0x86, 0xc9, 0x6e, 0xfb, 0xea, 0xbe, 0x5e, 0xd7, 0xcd, 0x5c,
	0xd6, 0x6d, 0xdd, 0x34, 0xb1, 0xaa, 0xa7, 0xe0, 0xc0, 0x25, 0x88, 0x49,
	0x09, 0x7d, 0x7a, 0xb1, 0xf1, 0xa6, 0xf1, 0x1c, 0x14, 0x44, 0xff, 0xb6,
	0x24, 0xdc, 0x1f, 0x4c, 0xb4, 0xfb, 0x46, 0x4e, 0x59, 0xec, 0xf3, 0x7e,
	0xbb, 0x27, 0x94, 0xe1, 0xe1, 0xb9, 0xc0, 0x2c, 0xa3, 0xc9, 0x13, 0x89,
	0x78, 0xf7, 0x82, 0xe7, 0xa5, 0xb3, 0x8a, 0x94, 0x6f, 0x06, 0xbb, 0x08,
	0x18, 0x09, 0x28, 0x40, 0x22, 0x0a, 0x0c, 0x42, 0x4a, 0x2c, 0x32, 0x77,
	0x55, 0x66, 0xaf, 0x8e, 0xfb, 0x28, 0x6a, 0x95, 0x4d, 0x52, 0x79, 0x11,
	0x99, 0x97, 0x1c, 0x72, 0xfc, 0x99, 0xaa, 0x70, 0xb8, 0x34, 0x84, 0x9c,
	0x7a, 0x44, 0xe6, 0x23, 0x49, 0x86, 0x96, 0x87, 0x66, 0x8b, 0x16, 0x2a,
	0xb8, 0xc7, 0x76, 0x41, 0xdb, 0xa5, 0x3c, 0x95, 0x9e, 0xe9, 0xa1, 0xef,
	0x36, 0x33, 0xef, 0x8e, 0x87, 0x3b, 0xe3, 0x20, 0x41, 0x7c, 0xf1, 0xc9,
	0x5b, 0x5d, 0x96, 0x08, 0x5d, 0x76, 0xf7, 0xff, 0x50, 0xae, 0x37, 0x1c,
	0x52, 0x71, 0x50, 0x02, 0x65, 0x21, 0x12, 0x15, 0xb2, 0x95, 0xe1, 0xcc,
	0x00, 0x7d, 0x6a, 0x00, 0x94, 0x1b, 0x00, 0x25, 0x07, 0x40, 0xd9, 0x01,
	0x3e, 0xa6, 0x07, 0x18, 0xe5, 0x07, 0xd2, 0x7b, 0x4b, 0x04, 0xd6, 0x56,
	0x65, 0x6d, 0x0b, 0xd3, 0xc7, 0xd6, 0x31, 0x02, 0x65, 0xae, 0x98, 0xe5,
	0x5f, 0xfa, 0x89, 0x5b, 0xde, 0x4b, 0x53, 0xa5, 0x86, 0xa3, 0x93, 0x71,
	0x00, 0x14, 0x00, 0x82, 0x0c, 0x98, 0x00, 0x00, 0x02, 0x78, 0xf9, 0x13,
	0x98, 0xa3, 0x7f, 0xed, 0x56, 0xb1, 0x0e, 0x82, 0x30, 0x10, 0xdd, 0x4d,
	0xfc, 0x07, 0xd2, 0x1d, 0xd2, 0x2b, 0x46, 0x36, 0x07, 0x0d, 0xc6, 0x81,
	0x0d, 0x43, 0xdc, 0xd8, 0xfc, 0x49, 0x07, 0x3f, 0xc9, 0x5f, 0x90, 0x42,
	0x7b, 0x6d, 0xe9, 0xb5, 0x12, 0x95, 0xad, 0x03, 0x09, 0x0d, 0xbd, 0xd7,
	0xd7, 0x77, 0xef, 0xee, 0x78, 0x3d, 0x9e, 0x0b, 0xae, 0x08, 0x50, 0xf0,
	0x62, 0x78, 0xd8, 0x61, 0xbb, 0xc9, 0x32, 0x2d, 0x92, 0x7c, 0x1f, 0x56,
	0x4e, 0xee, 0x19, 0x5e, 0x99, 0x65, 0xca, 0x07, 0x9d, 0x28, 0x84, 0xf4,
	0x02, 0xb9, 0xdd, 0x11, 0x06, 0x43, 0x64, 0x82, 0x4b, 0xd1, 0x07, 0xa3,
	0xa4, 0x82, 0xee, 0xe6, 0x7d, 0x5f, 0xb7, 0x95, 0xf2, 0x85, 0x80, 0x5d,
	0x0e, 0x97, 0xba, 0xe4, 0x39, 0xbf, 0x1d, 0x79, 0x10, 0x04, 0x53, 0x80,
	0x48, 0x6d, 0x05, 0x82, 0x63, 0x00, 0x7a, 0x60, 0x5c, 0xb8, 0x96, 0x99,
	0x92, 0xc3, 0x34, 0xb0, 0xed, 0xb2, 0x0e, 0x44, 0xcf, 0xf5, 0x17, 0xef,
	0xd0, 0x60, 0xba, 0x91, 0xc4, 0x59, 0x96, 0x8c, 0x45, 0x5a, 0x9b, 0x76,
	0xa2, 0x84, 0x4e, 0x25, 0x48, 0x59, 0x5e, 0x09, 0x30, 0x83, 0x18, 0x33,
	0x53, 0xa1, 0xc8, 0x85, 0x2e, 0x2a, 0x43, 0xce, 0x07, 0xb1, 0x6a, 0x1b,
	0x51, 0x06, 0x8b, 0x46, 0x42, 0xbc, 0x16, 0x60, 0xd2, 0xb1, 0xa4, 0xee,
	0x23, 0xc8, 0xa6, 0x97, 0x20, 0xa4, 0x6a, 0x2a, 0x5f, 0xcb, 0x2b, 0xaf,
	0x92, 0xa4, 0xfd, 0xbb, 0xb4, 0x56, 0x4f, 0x4b, 0xf2, 0xae, 0x23, 0x6f,
	0x72, 0xee, 0x2a, 0xd2, 0xb6, 0xa7, 0x86, 0xd1, 0xe3, 0x85, 0x18, 0xc9,
	0x78, 0xe2, 0x7d, 0xd6, 0xe3, 0x67, 0xd3, 0xcd, 0x9b, 0xdc, 0x0b, 0x03,
	0xa9, 0x01, 0x4f, 0x87, 0x7e, 0xb8, 0xd4, 0xb5, 0x49, 0x5e, 0xf9, 0xd9,
	0x2b, 0x91, 0xff, 0xc2, 0x37, 0xd2, 0xbb, 0xdd, 0x27, 0xa3, 0x93, 0x72,
	0x40, 0x14, 0x01, 0x00, 0x17, 0x98, 0x00, 0x00, 0x02, 0x78, 0x7d, 0x3c,
	0x55, 0x43, 0x6a, 0xc3, 0xee, 0x0e, 0x34, 0x27, 0xe8, 0xdb, 0x01, 0x00,
	0x21, 0xab, 0x0d, 0x40, 0x00, 0xa3, 0x93, 0x65, 0x40, 0x14, 0x02, 0x00,
	0x83, 0x46, 0x98, 0x00, 0x00, 0x02, 0x78, 0x7d, 0xef, 0xae, 0xae, 0x49,
	0xb5, 0x57, 0xdf, 0x4f, 0xc2, 0x30, 0x10, 0x7e, 0x37, 0xf1, 0x7f, 0x30,
	0xf1, 0xdd, 0x29, 0x95, 0xed, 0x65, 0x21, 0x19, 0x03, 0x23, 0xc9, 0x08,
	0xc4, 0x29, 0xef, 0x1d, 0x2b, 0xba, 0xb8, 0xd1, 0xa5, 0xdd, 0x8c, 0xfc,
	0xf7, 0xde, 0xb5, 0x1d, 0xdd, 0x86, 0x82, 0x92, 0xf8, 0x46, 0xef, 0x76,
	0x3f, 0xfa, 0x71, 0xfd, 0xee, 0xae, 0x97, 0x44, 0x1c, 0x46, 0xe7, 0x05,
	0x07, 0xc0, 0xc1, 0xd3, 0x92, 0x4b, 0xdd, 0xed, 0xc0, 0x4f, 0xcc, 0x6b,
	0xb1, 0x66, 0xad, 0xde, 0x7e, 0x33, 0x40, 0xc5, 0xae, 0x48, 0x38, 0x4e,
	0xe4, 0xfa, 0xc7, 0x55, 0x98, 0xa3, 0xf5, 0x52, 0xb2, 0x3a, 0xe5, 0x5a,
	0x04, 0xe8, 0xee, 0x0a, 0xe3, 0x32, 0xae, 0x93, 0x30, 0xa7, 0x52, 0xe2,
	0x31, 0x66, 0xf9, 0x66, 0x8c, 0x73, 0x9f, 0x82, 0xba, 0x63, 0x1e, 0x67,
	0x45, 0x99, 0xb3, 0x9e, 0xb9, 0xdb, 0x65, 0x91, 0x5f, 0x58, 0x58, 0x8a,
	0x25, 0xbf, 0xb4, 0xf0, 0xba, 0xbc, 0xe1, 0x3b, 0xfb, 0xeb, 0x3d, 0x71,
	0x6e, 0x0b, 0x4f, 0x1e, 0xa0, 0xd0, 0x68, 0x4c, 0x37, 0xc2, 0x7a, 0x9f,
	0x41, 0x8c, 0xe7, 0x40, 0x4a, 0x50, 0x4f, 0x3f, 0x4b, 0x18, 0x95, 0xd0,
	0xc0, 0x34, 0x4c, 0x57, 0xeb, 0x51, 0xbe, 0x14, 0x59, 0x31, 0xd1, 0x40,
	0xae, 0xa8, 0x31, 0x1f, 0x6a, 0xf5, 0x8a, 0x8a, 0x20, 0x91, 0x98, 0x9c,
	0xbd, 0x83, 0x63, 0x7d, 0x8d, 0xfc, 0x71, 0x84, 0xa2, 0x45, 0x19, 0x48,
	0x33, 0x0b, 0xe8, 0xac, 0xb5, 0xb8, 0x1f, 0x74, 0x78, 0xdb, 0x0d, 0x1a,
	0xe2, 0x73, 0xe5, 0x5b, 0x09, 0x63, 0xcb, 0x14, 0xc7, 0xfb, 0x6b, 0x9a,
	0xac, 0xd3, 0x66, 0xdd, 0x32, 0x19, 0x28, 0xbd, 0xde, 0x2f, 0x74, 0x12,
	0xee, 0x61, 0x12, 0x0f, 0x59, 0x5c, 0x69, 0xac, 0x1a, 0x10, 0xa0, 0x30,
	0x23, 0xe3, 0x47, 0x4f, 0xe6, 0x3d, 0x78, 0x88, 0x77, 0x02, 0x9e, 0xc1,
	0x51, 0x78, 0x08, 0x39, 0x17, 0x9e, 0xfb, 0x63, 0xf0, 0x78, 0x27, 0xe0,
	0xb9, 0x1b, 0x90, 0xfd, 0x5a, 0xe3, 0xfe, 0x00, 0x8f, 0xf7, 0x37, 0x78,
	0x86, 0xa6, 0xca, 0xba, 0xc5, 0x85, 0xdf, 0x36, 0xcf, 0x6d, 0xe4, 0xbf,
	0x6c, 0xb3, 0xca, 0xd2, 0xf8, 0x1c, 0x5e, 0xad, 0xad, 0x3d, 0xf5, 0xa0,
	0x5a, 0xc7, 0xd1, 0xe5, 0x05, 0x10, 0xd5, 0x23, 0xa3, 0x29, 0x70, 0x01,
	0xbc, 0xfa, 0x8f, 0x2c, 0x45, 0x76, 0x8f, 0xd5, 0x30, 0x1d, 0xf2, 0xa2,
	0xcc, 0x72, 0x26, 0x80, 0xb7, 0x91, 0xaf, 0x6d, 0x3c, 0x45, 0xff, 0x4a,
	0x66, 0x9a, 0x8e, 0x34, 0x7b, 0xab, 0xf2, 0xd6, 0x2a, 0x7a, 0x23, 0x69,
};

/* IEC 61850 MMS client CR (ot/ot-iec61850-mms-on-port-102.pcap frame 4):
 * src-ref 0x0778, TSAPs 0001 / 0001, TPDU size 0x0d (8192). */
static const uint8_t mms_cr[] = {
	0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00, 0x07, 0x78, 0x00, 0xc1,
	0x02, 0x00, 0x01, 0xc2, 0x02, 0x00, 0x01, 0xc0, 0x01, 0x0d,
};

/* Its CC (same capture, frame 6): dst-ref 0x0778, src-ref 0x3400, TPDU size 1024. */
static const uint8_t mms_cc[] = {
	0x03, 0x00, 0x00, 0x16, 0x11, 0xd0, 0x07, 0x78, 0x34, 0x00, 0x00, 0xc1,
	0x02, 0x00, 0x01, 0xc2, 0x02, 0x00, 0x01, 0xc0, 0x01, 0x0a,
};

/* MMS confirmed request over ISO session/presentation, 22 bytes (same
 * capture, frame 15). */
static const uint8_t mms_req[] = {
	0x03, 0x00, 0x00, 0x16, 0x02, 0xf0, 0x80, 0x01, 0x00, 0x01, 0x00, 0x61,
	0x09, 0x30, 0x07, 0x02, 0x01, 0x03, 0xa0, 0x02, 0x8b, 0x00,
};

/* Its response (same capture, frame 16). */
static const uint8_t mms_resp[] = {
	0x03, 0x00, 0x00, 0x16, 0x02, 0xf0, 0x80, 0x01, 0x00, 0x01, 0x00, 0x61,
	0x09, 0x30, 0x07, 0x02, 0x01, 0x03, 0xa0, 0x02, 0x8c, 0x00,
};

/* RDP client X.224 CR with a routing cookie and no TSAPs
 * (remote/remote-rdp-3.pcap frame 4). */
static const uint8_t rdp_cr_cookie[] = {
	0x03, 0x00, 0x00, 0x27, 0x22, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43,
	0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x3a, 0x20, 0x6d, 0x73, 0x74, 0x73, 0x68,
	0x61, 0x73, 0x68, 0x3d, 0x41, 0x64, 0x6d, 0x69, 0x6e, 0x69, 0x73, 0x74,
	0x72, 0x0d, 0x0a,
};

/* The RDP server's X.224 CC, no parameters (remote/remote-rdp-3.pcap frame 5). */
static const uint8_t rdp_cc[] = {
	0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
};

/* RDP client CR with an RDP negotiation request (remote/remote-rdp.pcap frame 4). */
static const uint8_t rdp_cr_neg[] = {
	0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x08, 0x00, 0x0b, 0x00, 0x00, 0x00,
};

/* The first 16 bytes of a DT carrying a T.125 MCS connect-initial (0x7f 0x65)
 * (remote/remote-rdp-3.pcap frame 6, 412 bytes). */
static const uint8_t rdp_mcs_dt[] = {
	0x03, 0x00, 0x01, 0x9c, 0x02, 0xf0, 0x80, 0x7f, 0x65, 0x82, 0x01, 0x90,
	0x04, 0x01, 0x01, 0x04,
};

/* ---- TPKTs built by hand ---- */

/* Empty DT, EOT clear: what STEP 7 sends before each request (as in
 * s7comm/s7comm-step7-read-diag-data.pcapng frame 3 and
 * s7comm/s7comm-blocklist-online-view.pcap frames 9 and 12). */
static const uint8_t dt_empty_noeot[] = { 0x03, 0x00, 0x00, 0x07, 0x02, 0xf0, 0x00 };
/* Empty DT with EOT set: the end of a TSDU with no further data. */
static const uint8_t dt_empty_eot[] = { 0x03, 0x00, 0x00, 0x07, 0x02, 0xf0, 0x80 };
/* DR from the initiator (ISO 8073 13.5): LI 6, dst-ref 0x0003, src-ref
 * 0x000a, reason 0x80 (normal disconnect initiated by the session entity). */
static const uint8_t dr[] = { 0x03, 0x00, 0x00, 0x0b, 0x06, 0x80, 0x00,
			      0x03, 0x00, 0x0a, 0x80 };
/* DC (ISO 8073 13.6): LI 5, dst-ref 0x000a, src-ref 0x0003. */
static const uint8_t dc[] = { 0x03, 0x00, 0x00, 0x0a, 0x05, 0xc0, 0x00, 0x0a, 0x00, 0x03 };
/* ER (ISO 8073 13.12): LI 4, dst-ref 0x000a, reject cause 0 (unspecified). */
static const uint8_t er[] = { 0x03, 0x00, 0x00, 0x09, 0x04, 0x70, 0x00, 0x0a, 0x00 };
/* The first DT of a two-TPDU TSDU (EOT clear): an S7comm job header (PDU
 * ref 5, param length 14) and the first two parameter bytes of read_var
 * (function 0x04, 1 item). */
static const uint8_t dt_frag1[] = { 0x03, 0x00, 0x00, 0x13, 0x02, 0xf0, 0x00, 0x32, 0x01, 0x00,
				    0x00, 0x00, 0x05, 0x00, 0x0e, 0x00, 0x00, 0x04, 0x01 };
/* The last DT of that TSDU (EOT set). Its user data is the rest of the
 * TSDU; its first bytes are chosen to read as an S7comm setup communication
 * job header, so counting it as a new S7 PDU would show in the counters. */
static const uint8_t dt_frag2[] = { 0x03, 0x00, 0x00, 0x19, 0x02, 0xf0, 0x80, 0x32, 0x01,
				    0x00, 0x00, 0xff, 0xff, 0x00, 0x08, 0x00, 0x00, 0xf0,
				    0x00, 0x00, 0x01, 0x00, 0x01, 0x07, 0x80 };
/* A middle DT of a TSDU (EOT clear) whose data also starts with 0x32 0x01. */
static const uint8_t dt_mid[] = { 0x03, 0x00, 0x00, 0x0d, 0x02, 0xf0, 0x00,
				  0x32, 0x01, 0x00, 0x00, 0x00, 0x07 };
/* A CR to an OP (called TSAP 0201: type 2, rack 0, slot 1), class 0. */
static const uint8_t cr_op[] = { 0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00, 0x00, 0x01, 0x00,
				 0xc1, 0x02, 0x10, 0x00, 0xc2, 0x02, 0x02, 0x01, 0xc0, 0x01, 0x09 };
/* A CR with called TSAP 0322 (S7 basic, rack 1, slot 2) and TPDU size 0x0b. */
static const uint8_t cr_basic[] = { 0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00, 0x00, 0x01,
				    0x00, 0xc1, 0x02, 0x10, 0x00, 0xc2, 0x02, 0x03, 0x22,
				    0xc0, 0x01, 0x0b };
/* A CR with called TSAP 1000 (connection type 0x10: "other", rack 0,
 * slot 0) and an out-of-range TPDU size code 0x0e (not reported). */
static const uint8_t cr_other[] = { 0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00, 0x00, 0x01,
				    0x00, 0xc1, 0x02, 0x10, 0x00, 0xc2, 0x02, 0x10, 0x00,
				    0xc0, 0x01, 0x0e };
/* A CR with only its fixed part (LI 6: no parameters). */
static const uint8_t cr_bare[] = { 0x03, 0x00, 0x00, 0x0b, 0x06, 0xe0,
				   0x00, 0x00, 0x00, 0x01, 0x00 };
/* A CR whose LI (2) is too short for the fixed part: reported as truncated. */
static const uint8_t cr_short_li[] = { 0x03, 0x00, 0x00, 0x07, 0x02, 0xe0, 0x00 };
/* Bad TPKT headers. */
static const uint8_t bad_len6[] = { 0x03, 0x00, 0x00, 0x06, 0x02, 0xf0 };     /* length < 7 */
static const uint8_t bad_rsvd[] = { 0x03, 0x01, 0x00, 0x07, 0x02, 0xf0, 0x80 }; /* reserved 1 */
static const uint8_t bad_li[] = { 0x03, 0x00, 0x00, 0x07, 0x05, 0xf0, 0x80 };   /* LI past end */
static const uint8_t bad_li1[] = { 0x03, 0x00, 0x00, 0x07, 0x01, 0xf0, 0x80 };  /* LI < 2 */
static const uint8_t bad_type[] = { 0x03, 0x00, 0x00, 0x07, 0x02, 0x30, 0x80 }; /* COTP 0x30 */
/* A DT with LI 4 (class 2-4 layout): not accepted by the probe. */
static const uint8_t dt_li4[] = { 0x03, 0x00, 0x00, 0x09, 0x04, 0xf0, 0x00, 0x01, 0x80 };
/* A TPKT length longer than the data that follows (100 declared, 25 sent). */
static const uint8_t dt_long_len[] = { 0x03, 0x00, 0x00, 0x64, 0x02, 0xf0, 0x80, 0x32, 0x01,
				       0x00, 0x00, 0xff, 0xff, 0x00, 0x08, 0x00, 0x00, 0xf0,
				       0x00, 0x00, 0x01, 0x00, 0x01, 0x07, 0x80 };
/* An HTTP request line. */
static const uint8_t http_get[] = { 'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T',
				    'P', '/', '1', '.', '1', '\r', '\n' };

/* ---- fixture ---- */

/* CR from the initiator, then CC from the responder: attached, confirmed. */
static void connect_pg(struct dis_fixture *t)
{
	feed(t, 0, cr_pg, sizeof(cr_pg), TS0);
	feed(t, 1, cc_pg, sizeof(cc_pg), TS0 + 1);
	ck_assert_ptr_nonnull(t->f.dis);
	ck_assert_uint_eq(t->f.dis_confirmed, 1);
	ck_assert_uint_eq(t->n_ev, 2);
}

static enum dis_probe_result probe(const uint8_t *b, size_t n, int dir)
{
	return fx_probe(tpkt_probe, b, n, dir);
}

static uint64_t ctr(const struct dis_fixture *t, int dir, unsigned c)
{
	return t->rt.proto[TK_PIDX].counters[TK_DT(dir, c)];
}

/* Sum of the framing counters (COTP TPDUs, S7 ROSCTR and job function)
 * of both directions; the S7 decoding counters are check_s7comm's. */
static uint64_t ctr_total(const struct dis_fixture *t)
{
	uint64_t s = 0;
	for (int d = 0; d < 2; d++)
		for (unsigned i = 0; i < TPKT_C_DT_FRAGMENTED; i++)
			s += t->rt.proto[TK_PIDX].counters[TK_DT(d, i)];
	return s;
}

/* One line per event with every field, then the non-zero counters and the
 * framework statistics that do not depend on how the bytes were cut. */
static void summarize(const struct dis_fixture *t, char *out, size_t cap)
{
	size_t len = 0;
	int n;
	out[0] = '\0';
	for (unsigned i = 0; i < t->n_ev; i++) {
		const struct dis_event *ev = &t->ev[i];
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
	for (unsigned i = 0; i < 2 * TPKT_COUNTERS_PER_DIR; i++) {
		uint64_t v = t->rt.proto[TK_PIDX].counters[i];
		if (!v)
			continue;
		n = snprintf(out + len, cap - len, "c%u=%llu ", i, (unsigned long long)v);
		ck_assert(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
	}
	const struct dis_proto_stats *ps = &t->rt.proto[TK_PIDX];
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
	ck_assert_int_eq(probe(cr_pg, sizeof(cr_pg), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(cc_pg, sizeof(cc_pg), 1), DIS_PROBE_YES);
	ck_assert_int_eq(probe(tia_cr, sizeof(tia_cr), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(mms_cr, sizeof(mms_cr), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(cr_op, sizeof(cr_op), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(mms_cc, sizeof(mms_cc), 1), DIS_PROBE_YES);
	/* midstream: data TPDUs either way */
	ck_assert_int_eq(probe(job_setup, sizeof(job_setup), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(ack_setup, sizeof(ack_setup), 1), DIS_PROBE_YES);
	ck_assert_int_eq(probe(s7_diag_req, sizeof(s7_diag_req), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(s7p_big, sizeof(s7p_big), 0), DIS_PROBE_YES);
	ck_assert_int_eq(probe(s7p_big, 8, 0), DIS_PROBE_YES); /* up to the protocol id */
	ck_assert_int_eq(probe(s7p_small, sizeof(s7p_small), 1), DIS_PROBE_YES);
	/* two TPKTs back to back, and one followed by too little to judge */
	uint8_t two[64];
	size_t n = cat2(two, sizeof(two), job_setup, sizeof(job_setup), dt_empty_noeot,
			sizeof(dt_empty_noeot));
	ck_assert_int_eq(probe(two, n, 0), DIS_PROBE_YES);
	n = cat2(two, sizeof(two), job_setup, sizeof(job_setup), http_get, 5);
	ck_assert_int_eq(probe(two, n, 0), DIS_PROBE_YES);
}
END_TEST

START_TEST(test_probe_no)
{
	/* a CR from the responder, a CC from the initiator */
	ck_assert_int_eq(probe(cr_pg, sizeof(cr_pg), 1), DIS_PROBE_NO);
	ck_assert_int_eq(probe(cc_pg, sizeof(cc_pg), 0), DIS_PROBE_NO);
	/* TPKT version 2 and 4, whole and as the first byte alone */
	uint8_t v[sizeof(cr_pg)];
	memcpy(v, cr_pg, sizeof(v));
	v[0] = 2;
	ck_assert_int_eq(probe(v, sizeof(v), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(v, 1, 0), DIS_PROBE_NO);
	v[0] = 4;
	ck_assert_int_eq(probe(v, sizeof(v), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(bad_rsvd, sizeof(bad_rsvd), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(bad_rsvd, 2, 0), DIS_PROBE_NO);
	/* TPKT length below 7 */
	ck_assert_int_eq(probe(bad_len6, sizeof(bad_len6), 0), DIS_PROBE_NO);
	/* COTP header past the end of the packet, LI below 2, unknown TPDU code */
	ck_assert_int_eq(probe(bad_li, sizeof(bad_li), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(bad_li1, sizeof(bad_li1), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(bad_type, sizeof(bad_type), 0), DIS_PROBE_NO);
	/* a DT with LI 4; a DR or ER does not start a stream */
	ck_assert_int_eq(probe(dt_li4, sizeof(dt_li4), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(dr, sizeof(dr), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(er, sizeof(er), 1), DIS_PROBE_NO);
	/* a CR or CC that names no TSAP: RDP's X.224 connection, left to nDPI */
	ck_assert_int_eq(probe(rdp_cr_cookie, sizeof(rdp_cr_cookie), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(rdp_cr_neg, sizeof(rdp_cr_neg), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(rdp_cc, sizeof(rdp_cc), 1), DIS_PROBE_NO);
	ck_assert_int_eq(probe(cr_bare, sizeof(cr_bare), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(cr_short_li, sizeof(cr_short_li), 0), DIS_PROBE_NO);
	/* midstream, a DT that carries neither S7comm nor S7comm-plus: RDP's
	 * MCS, MMS over ISO session */
	ck_assert_int_eq(probe(rdp_mcs_dt, sizeof(rdp_mcs_dt), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(mms_req, sizeof(mms_req), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(mms_resp, sizeof(mms_resp), 1), DIS_PROBE_NO);
	/* HTTP */
	ck_assert_int_eq(probe(http_get, sizeof(http_get), 0), DIS_PROBE_NO);
	ck_assert_int_eq(probe(http_get, 1, 0), DIS_PROBE_NO);
	/* a good DT followed by a bad header */
	uint8_t two[64];
	size_t n = cat2(two, sizeof(two), job_setup, sizeof(job_setup), http_get, sizeof(http_get));
	ck_assert_int_eq(probe(two, n, 0), DIS_PROBE_NO);
	n = cat2(two, sizeof(two), job_setup, sizeof(job_setup), bad_len6, sizeof(bad_len6));
	ck_assert_int_eq(probe(two, n, 0), DIS_PROBE_NO);
}
END_TEST

START_TEST(test_probe_more)
{
	static const uint8_t b0300[] = { 0x03, 0x00 };
	ck_assert_int_eq(probe(b0300, sizeof(b0300), 0), DIS_PROBE_MORE);
	ck_assert_int_eq(probe(b0300, sizeof(b0300), 1), DIS_PROBE_MORE);
	/* a CR or CC is judged whole (its TSAP parameters) */
	for (size_t k = 0; k < sizeof(cr_pg); k++)
		ck_assert_int_eq(probe(cr_pg, k, 0), DIS_PROBE_MORE);
	for (size_t k = 0; k < sizeof(cc_pg); k++)
		ck_assert_int_eq(probe(cc_pg, k, 1), DIS_PROBE_MORE);
	/* a DT up to its first data byte */
	ck_assert_int_eq(probe(job_setup, 7, 0), DIS_PROBE_MORE);
	ck_assert_int_eq(probe(dt_empty_noeot, sizeof(dt_empty_noeot), 0), DIS_PROBE_MORE);
}
END_TEST

START_TEST(test_registry_and_counter_names)
{
	char buf[96];
	ck_assert_ptr_eq(dis_proto_by_name("cotp"), &tpkt_proto);
	ck_assert_int_eq(dis_proto_index(&tpkt_proto), TK_PIDX);
	ck_assert_uint_eq(tpkt_proto.tcp_port, 102);
	ck_assert_uint_eq(tpkt_proto.max_pdu, TK_PREFIX);
	ck_assert_uint_eq(tpkt_proto.n_counters, TPKT_N_COUNTERS);
	ck_assert_int_eq(dis_tcp_port_hint(102), 1);

	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(0, TPKT_C_JOB_FUNC + 0xf0), buf,
						 sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_initiator.s7comm.job.setup_communication");
	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(1, TPKT_C_ROSCTR + 3), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_responder.s7comm.ack_data");
	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(0, TPKT_C_ROSCTR + 7), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_initiator.s7comm.userdata");
	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(0, TPKT_C_DT), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_initiator.cotp_data");
	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(1, TPKT_C_OTHER_TPDU), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_responder.cotp_other_tpdu");
	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(1, TPKT_C_S7COMM), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_responder.s7comm");
	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(0, TPKT_C_S7COMMP), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_initiator.s7comm_plus");
	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(1, TPKT_C_OTHER), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_responder.other_payload");
	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(0, TPKT_C_JOB_FUNC + 0x04), buf,
						 sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_initiator.s7comm.job.read_var");
	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(1, TPKT_C_JOB_FUNC + 0x99), buf,
						 sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_responder.s7comm.job.func_0x99");
	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(0, TPKT_C_JOB_FUNC + 0xff), buf,
						 sizeof(buf)), 0);
	ck_assert_str_eq(buf, "from_initiator.s7comm.job.func_0xff");
	/* does not fit */
	ck_assert_int_eq(tpkt_proto.counter_name(TK_DT(0, TPKT_C_DT), buf, 8), -1);
}
END_TEST

/* ---- connection establishment and release ---- */

START_TEST(test_connection_request_confirm)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, cr_pg, sizeof(cr_pg), TS0 + 1000);
	ck_assert_ptr_nonnull(t.f.dis);
	ck_assert_uint_eq(t.f.dis_proto, TK_PIDX + 1);
	ck_assert_uint_eq(t.n_ev, 1);
	feed(&t, 1, cc_pg, sizeof(cc_pg), TS0 + 2000);
	ck_assert_uint_eq(t.n_ev, 2);

	const struct dis_event *ev = &t.ev[0];
	ck_assert_ptr_eq(ev->proto, &tpkt_proto);
	ck_assert_str_eq(ev->action, "connection_request");
	ck_assert_uint_eq(ev->fclass, DIS_FC_SESSION);
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->flags, 0);
	ck_assert_uint_eq(ev->count, 1);
	ck_assert_uint_eq(ev->ts_us, TS0 + 1000);
	ck_assert_uint_eq(ev->nfields, 9);
	ck_assert_uint_eq(ev_u(ev, "dst_ref"), 0);
	ck_assert_uint_eq(ev_u(ev, "src_ref"), 0x000a);
	ck_assert_uint_eq(ev_u(ev, "class"), 0);
	ck_ev_str(ev, "src_tsap", "0100");
	ck_ev_str(ev, "dst_tsap", "0102");
	ck_ev_str(ev, "s7.connection_type", "pg");
	ck_assert_uint_eq(ev_u(ev, "s7.rack"), 0);
	ck_assert_uint_eq(ev_u(ev, "s7.slot"), 2);
	ck_assert_uint_eq(ev_u(ev, "tpdu_size"), 1024);

	ev = &t.ev[1];
	ck_assert_ptr_eq(ev->proto, &tpkt_proto);
	ck_assert_str_eq(ev->action, "connection_confirm");
	ck_assert_uint_eq(ev->fclass, DIS_FC_SESSION);
	ck_assert_uint_eq(ev->dir, 1);
	ck_assert_uint_eq(ev->flags, DIS_EV_RESPONSE);
	ck_assert_uint_eq(ev->ts_us, TS0 + 2000);
	ck_assert_uint_eq(ev->nfields, 9);
	ck_assert_uint_eq(ev_u(ev, "dst_ref"), 0x000a);
	ck_assert_uint_eq(ev_u(ev, "src_ref"), 0x0003);
	ck_assert_uint_eq(ev_u(ev, "class"), 0);
	ck_assert_uint_eq(ev_u(ev, "tpdu_size"), 1024);
	ck_ev_str(ev, "src_tsap", "0100");
	ck_ev_str(ev, "dst_tsap", "0102");
	ck_ev_str(ev, "s7.connection_type", "pg");
	ck_assert_uint_eq(ev_u(ev, "s7.rack"), 0);
	ck_assert_uint_eq(ev_u(ev, "s7.slot"), 2);

	ck_assert_uint_eq(t.f.dis_confirmed, 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].flows, 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].confirmed, 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].pdus, 2);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].bytes, sizeof(cr_pg) + sizeof(cc_pg));
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].events, 2);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	ck_assert_uint_eq(ctr_total(&t), 0); /* CR and CC are events, not counters */
	fx_done(&t);
	ck_assert_uint_eq(t.n_ev, 2); /* nothing flushed at flow end */
}
END_TEST

/* The MMS client of an IEC 61850 capture: TSAPs 0001 (connection type 0). */
START_TEST(test_connection_request_mms)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, mms_cr, sizeof(mms_cr), TS0);
	feed(&t, 1, mms_cc, sizeof(mms_cc), TS0);
	ck_assert_uint_eq(t.n_ev, 2);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->action, "connection_request");
	ck_assert_uint_eq(ev_u(ev, "dst_ref"), 0);
	ck_assert_uint_eq(ev_u(ev, "src_ref"), 0x0778);
	ck_assert_uint_eq(ev_u(ev, "class"), 0);
	ck_ev_str(ev, "src_tsap", "0001");
	ck_ev_str(ev, "dst_tsap", "0001");
	ck_ev_str(ev, "s7.connection_type", "unknown");
	ck_assert_uint_eq(ev_u(ev, "s7.rack"), 0);
	ck_assert_uint_eq(ev_u(ev, "s7.slot"), 1);
	ck_assert_uint_eq(ev_u(ev, "tpdu_size"), 8192);
	ev = &t.ev[1];
	ck_assert_str_eq(ev->action, "connection_confirm");
	ck_assert_uint_eq(ev_u(ev, "dst_ref"), 0x0778);
	ck_assert_uint_eq(ev_u(ev, "src_ref"), 0x3400);
	ck_assert_uint_eq(ev_u(ev, "tpdu_size"), 1024);
	fx_done(&t);
}
END_TEST

/* Called TSAPs of other S7 connection types, a string TSAP (TIA Portal to
 * an S7-1200), and CRs without parameters or with a short fixed part. */
START_TEST(test_connection_request_variants)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, cr_op, sizeof(cr_op), TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	ck_ev_str(&t.ev[0], "src_tsap", "1000");
	ck_ev_str(&t.ev[0], "dst_tsap", "0201");
	ck_ev_str(&t.ev[0], "s7.connection_type", "op");
	ck_assert_uint_eq(ev_u(&t.ev[0], "s7.rack"), 0);
	ck_assert_uint_eq(ev_u(&t.ev[0], "s7.slot"), 1);
	ck_assert_uint_eq(ev_u(&t.ev[0], "tpdu_size"), 512);
	fx_done(&t);

	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, cr_basic, sizeof(cr_basic), TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	ck_ev_str(&t.ev[0], "dst_tsap", "0322");
	ck_ev_str(&t.ev[0], "s7.connection_type", "s7_basic");
	ck_assert_uint_eq(ev_u(&t.ev[0], "s7.rack"), 1);
	ck_assert_uint_eq(ev_u(&t.ev[0], "s7.slot"), 2);
	ck_assert_uint_eq(ev_u(&t.ev[0], "tpdu_size"), 2048);
	fx_done(&t);

	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, cr_other, sizeof(cr_other), TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	ck_ev_str(&t.ev[0], "dst_tsap", "1000");
	ck_ev_str(&t.ev[0], "s7.connection_type", "other");
	ck_assert_uint_eq(ev_u(&t.ev[0], "s7.rack"), 0);
	ck_assert_uint_eq(ev_u(&t.ev[0], "s7.slot"), 0);
	ck_assert_ptr_null(ev_field(&t.ev[0], "tpdu_size")); /* code 0x0e is out of range */
	fx_done(&t);

	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, tia_cr, sizeof(tia_cr), TS0);
	feed(&t, 1, tia_cc, sizeof(tia_cc), TS0);
	ck_assert_uint_eq(t.n_ev, 2);
	for (unsigned i = 0; i < 2; i++) {
		const struct dis_event *ev = &t.ev[i];
		ck_assert_str_eq(ev->action, i ? "connection_confirm" : "connection_request");
		ck_ev_str(ev, "src_tsap", "0600");
		ck_ev_str(ev, "dst_tsap", "53494d415449432d524f4f542d4553"); /* SIMATIC-ROOT-ES */
		ck_assert_ptr_null(ev_field(ev, "s7.connection_type"));
		ck_assert_ptr_null(ev_field(ev, "s7.rack"));
		ck_assert_uint_eq(ev_u(ev, "tpdu_size"), 1024);
	}
	ck_assert_uint_eq(ev_u(&t.ev[0], "src_ref"), 0x0011);
	ck_assert_uint_eq(ev_u(&t.ev[1], "dst_ref"), 0x0011);
	ck_assert_uint_eq(ev_u(&t.ev[1], "src_ref"), 0x0007);
	fx_done(&t);

	/* CRs the probe would not accept first, on a flow attached midstream */
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, job_setup, sizeof(job_setup), TS0);
	feed(&t, 1, ack_setup, sizeof(ack_setup), TS0);
	ck_assert_uint_eq(t.f.dis_confirmed, 1);
	feed(&t, 0, cr_bare, sizeof(cr_bare), TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	ck_assert_str_eq(t.ev[0].action, "connection_request");
	ck_assert_uint_eq(t.ev[0].nfields, 3);
	ck_assert_uint_eq(ev_u(&t.ev[0], "src_ref"), 1);
	feed(&t, 0, cr_short_li, sizeof(cr_short_li), TS0);
	ck_assert_uint_eq(t.n_ev, 2);
	ck_assert_str_eq(t.ev[1].action, "connection_request");
	const struct dis_field *f = ev_field(&t.ev[1], "truncated");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->type, DIS_F_BOOL);
	ck_assert_ptr_null(ev_field(&t.ev[1], "src_ref"));
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	fx_done(&t);
}
END_TEST

START_TEST(test_disconnect_request)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed(&t, 0, dr, sizeof(dr), TS0 + 5);
	ck_assert_uint_eq(t.n_ev, 3);
	const struct dis_event *ev = &t.ev[2];
	ck_assert_ptr_eq(ev->proto, &tpkt_proto);
	ck_assert_str_eq(ev->action, "disconnect_request");
	ck_assert_uint_eq(ev->fclass, DIS_FC_SESSION);
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->flags, 0);
	ck_assert_uint_eq(ev->ts_us, TS0 + 5);
	ck_assert_uint_eq(ev->nfields, 1);
	ck_assert_uint_eq(ev_u(ev, "reason"), 0x80);
	/* DC and ER are only counted */
	feed(&t, 1, dc, sizeof(dc), TS0 + 6);
	feed(&t, 1, er, sizeof(er), TS0 + 7);
	ck_assert_uint_eq(t.n_ev, 3);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_OTHER_TPDU), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_OTHER_TPDU), 0);
	ck_assert_uint_eq(ctr_total(&t), 2);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	fx_done(&t);
}
END_TEST

/* ---- what data TPDUs carry ---- */

START_TEST(test_s7comm_setup_communication)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0 + 2);
	feed(&t, 1, ack_setup, sizeof(ack_setup), TS0 + 3);
	ck_assert_uint_eq(t.n_ev, 2); /* data TPDUs are counted, not emitted */

	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_ROSCTR + 1), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_DT), 1);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_S7COMM), 1);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_ROSCTR + 3), 1);
	/* an ack_data is not a job */
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_JOB_FUNC + 0xf0), 0);
	ck_assert_uint_eq(ctr_total(&t), 7);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].pdus, 4);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	fx_done(&t);
}
END_TEST

/* A capture that starts midstream with STEP 7 userdata, and the empty DT
 * with EOT clear STEP 7 sends before each request: it must not make the
 * request that follows a continuation. */
START_TEST(test_step7_userdata_empty_dt)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, s7_diag_req, sizeof(s7_diag_req), TS0);
	ck_assert_ptr_nonnull(t.f.dis);
	feed(&t, 1, s7_diag_resp, sizeof(s7_diag_resp), TS0 + 1);
	ck_assert_uint_eq(t.f.dis_confirmed, 1);
	feed(&t, 0, dt_empty_noeot, sizeof(dt_empty_noeot), TS0 + 2);
	feed(&t, 0, s7_diag_req2, sizeof(s7_diag_req2), TS0 + 3);
	ck_assert_uint_eq(t.n_ev, 0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 3);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_ROSCTR + 7), 2);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_DT), 1);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_S7COMM), 1);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_ROSCTR + 7), 1);
	ck_assert_uint_eq(ctr_total(&t), 10);
	fx_done(&t);
}
END_TEST

/* The same with a setup communication job after the empty DT, and with
 * several empty DTs in a row. */
START_TEST(test_empty_dt_before_request)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed(&t, 0, dt_empty_noeot, sizeof(dt_empty_noeot), TS0);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	for (int i = 0; i < 3; i++)
		feed(&t, 0, dt_empty_noeot, sizeof(dt_empty_noeot), TS0);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 6);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_ROSCTR + 1), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_OTHER), 0);
	fx_done(&t);
}
END_TEST

/* A TSDU in two DTs: only the first starts an S7 PDU. */
START_TEST(test_eot_continuation)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed(&t, 0, dt_frag1, sizeof(dt_frag1), TS0);
	feed(&t, 0, dt_frag2, sizeof(dt_frag2), TS0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_ROSCTR + 1), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0x04), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_OTHER), 0);
	/* the TSDU ended: the next DT is a new S7 PDU */
	feed(&t, 0, job_setup, sizeof(job_setup), TS0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	/* three TPDUs with empty DTs (EOT clear) among them, the last with EOT */
	feed(&t, 0, dt_frag1, sizeof(dt_frag1), TS0);
	feed(&t, 0, dt_empty_noeot, sizeof(dt_empty_noeot), TS0);
	feed(&t, 0, dt_mid, sizeof(dt_mid), TS0);
	feed(&t, 0, dt_empty_noeot, sizeof(dt_empty_noeot), TS0);
	feed(&t, 0, dt_frag2, sizeof(dt_frag2), TS0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 8);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 3);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_ROSCTR + 1), 3);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0x04), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	/* a TSDU ended by an empty DT with EOT set */
	feed(&t, 0, dt_frag1, sizeof(dt_frag1), TS0);
	feed(&t, 0, dt_empty_eot, sizeof(dt_empty_eot), TS0);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 5);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0x04), 3);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 2);
	/* a continuation is per direction: the responder is not affected */
	feed(&t, 0, dt_frag1, sizeof(dt_frag1), TS0);
	feed(&t, 1, ack_setup, sizeof(ack_setup), TS0);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_S7COMM), 1);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_ROSCTR + 3), 1);
	/* CR, CC and one S7 anomaly: frag1 + the empty DT with EOT is an
	 * S7comm header whose parameter length runs past the TSDU */
	ck_assert_uint_eq(t.n_ev, 3);
	ck_assert_str_eq(t.ev[2].action, "s7comm_length_mismatch");
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT_FRAGMENTED), 4);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	fx_done(&t);
}
END_TEST

START_TEST(test_s7comm_plus)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, tia_cr, sizeof(tia_cr), TS0);
	feed(&t, 1, tia_cc, sizeof(tia_cc), TS0);
	feed(&t, 0, s7p_req, sizeof(s7p_req), TS0);
	feed(&t, 1, s7p_small, sizeof(s7p_small), TS0);
	feed(&t, 0, dt_empty_noeot, sizeof(dt_empty_noeot), TS0);
	feed(&t, 0, s7p_req_67, sizeof(s7p_req_67), TS0);
	ck_assert_uint_eq(t.n_ev, 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 3);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMMP), 2);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_DT), 1);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_S7COMMP), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_OTHER), 0);
	ck_assert_uint_eq(ctr_total(&t), 7);
	fx_done(&t);
}
END_TEST

/* MMS over the ISO session layer: counted as other payload. */
START_TEST(test_mms_other_payload)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, mms_cr, sizeof(mms_cr), TS0);
	feed(&t, 1, mms_cc, sizeof(mms_cc), TS0);
	feed(&t, 0, mms_req, sizeof(mms_req), TS0);
	feed(&t, 1, mms_resp, sizeof(mms_resp), TS0);
	ck_assert_uint_eq(t.n_ev, 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_OTHER), 1);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_DT), 1);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_OTHER), 1);
	ck_assert_uint_eq(ctr_total(&t), 4);
	fx_done(&t);
}
END_TEST

/* ---- framing: the same events and counters however the bytes are cut ---- */

/* The reference conversation: the start of the block list flow of
 * s7comm/s7comm-blocklist-online-view.pcap (frames 5 to 14), then a TSDU in
 * two DTs, a TPDU longer than the parse prefix, an MMS payload and a DR. */
static const uint8_t *const conv0[] = { cr_pg,       blk_job_setup, dt_empty_noeot,
					blk_ud_req1, dt_empty_noeot, blk_ud_req2,
					dt_frag1,    dt_frag2,       s7p_big,
					mms_req,     dr };
static const size_t conv0_len[] = { sizeof(cr_pg),       sizeof(blk_job_setup),
				    sizeof(dt_empty_noeot), sizeof(blk_ud_req1),
				    sizeof(dt_empty_noeot), sizeof(blk_ud_req2),
				    sizeof(dt_frag1),       sizeof(dt_frag2),
				    sizeof(s7p_big),        sizeof(mms_req),
				    sizeof(dr) };
static const uint8_t *const conv1[] = { cc_pg, blk_ack_setup, blk_ud_resp1, blk_ud_resp2 };
static const size_t conv1_len[] = { sizeof(cc_pg), sizeof(blk_ack_setup), sizeof(blk_ud_resp1),
				    sizeof(blk_ud_resp2) };
#define CONV0_N (sizeof(conv0) / sizeof(conv0[0]))
#define CONV1_N (sizeof(conv1) / sizeof(conv1[0]))
#define CONV_MAX 2048
#define SUM_BYTES 8192

/* Concatenates one direction of the conversation. */
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

/* One TPKT per chunk: the expected summary. */
static void conv_whole(char *out, size_t cap)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	for (size_t i = 0; i < CONV0_N; i++)
		feed(&t, 0, conv0[i], conv0_len[i], TS0);
	for (size_t i = 0; i < CONV1_N; i++)
		feed(&t, 1, conv1[i], conv1_len[i], TS0);
	dis_flow_end(&t.rt, &t.f, TS0);
	ck_assert_uint_eq(t.n_ev, 3); /* CR, DR, CC */
	ck_assert_str_eq(t.ev[0].action, "connection_request");
	ck_assert_str_eq(t.ev[1].action, "disconnect_request");
	ck_assert_str_eq(t.ev[2].action, "connection_confirm");
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 9);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 4);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_ROSCTR + 1), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_ROSCTR + 7), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0x04), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMMP), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_OTHER), 1);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_DT), 3);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_S7COMM), 3);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_ROSCTR + 3), 1);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_ROSCTR + 7), 2);
	ck_assert_uint_eq(ctr_total(&t), 30);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	summarize(&t, out, cap);
	fx_done(&t);
}

/* Feeds a direction's stream in chunks of the given sizes (0-terminated;
 * the last size repeats until the stream is used up). The leftover buffers
 * never hold more than the parse prefix. */
static void feed_chunks(struct dis_fixture *t, int dir, const uint8_t *s, size_t len, const size_t *sizes)
{
	size_t off = 0;
	unsigned k = 0;
	while (off < len) {
		size_t c = sizes[k];
		if (sizes[k + 1])
			k++;
		if (c > len - off)
			c = len - off;
		feed(t, dir, s + off, c, TS0);
		ck_assert_uint_le(t->rt.st.buf_bytes, 2 * TK_PREFIX);
		off += c;
	}
}

static void conv_chunked_port(uint16_t port, const size_t *sz0, const size_t *sz1, char *out,
			      size_t cap)
{
	struct dis_fixture t;
	static uint8_t s0[CONV_MAX], s1[CONV_MAX];
	size_t l0 = conv_stream(0, s0), l1 = conv_stream(1, s1);
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	flow_reset(&t, port);
	feed_chunks(&t, 0, s0, l0, sz0);
	feed_chunks(&t, 1, s1, l1, sz1);
	dis_flow_end(&t.rt, &t.f, TS0);
	summarize(&t, out, cap);
	fx_done(&t);
}

static void conv_chunked(const size_t *sz0, const size_t *sz1, char *out, size_t cap)
{
	conv_chunked_port(102, sz0, sz1, out, cap);
}

START_TEST(test_two_tpkts_per_chunk)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(want, sizeof(want));
	/* CR+job, empty DT+userdata, ...: pairs of TPKTs per chunk */
	const size_t sz0[] = { sizeof(cr_pg) + sizeof(blk_job_setup),
			       sizeof(dt_empty_noeot) + sizeof(blk_ud_req1),
			       sizeof(dt_empty_noeot) + sizeof(blk_ud_req2),
			       sizeof(dt_frag1) + sizeof(dt_frag2),
			       sizeof(s7p_big) + sizeof(mms_req),
			       sizeof(dr),
			       0 };
	const size_t sz1[] = { sizeof(cc_pg) + sizeof(blk_ack_setup),
			       sizeof(blk_ud_resp1) + sizeof(blk_ud_resp2), 0 };
	conv_chunked(sz0, sz1, got, sizeof(got));
	ck_assert_str_eq(got, want);
	/* everything of a direction in one chunk */
	const size_t all[] = { CONV_MAX, 0 };
	conv_chunked(all, all, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

/* Two TPKTs in one chunk, checked directly. */
START_TEST(test_two_tpkts_one_chunk_counts)
{
	struct dis_fixture t;
	uint8_t two[64];
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	size_t n = cat2(two, sizeof(two), cr_pg, sizeof(cr_pg), job_setup, sizeof(job_setup));
	feed(&t, 0, two, n, TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	ck_assert_str_eq(t.ev[0].action, "connection_request");
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	n = cat2(two, sizeof(two), cc_pg, sizeof(cc_pg), ack_setup, sizeof(ack_setup));
	feed(&t, 1, two, n, TS0);
	ck_assert_uint_eq(t.n_ev, 2);
	ck_assert_str_eq(t.ev[1].action, "connection_confirm");
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_ROSCTR + 3), 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].pdus, 4);
	ck_assert_uint_eq(t.f.dis_confirmed, 1);
	fx_done(&t);
}
END_TEST

/* Byte-at-a-time from the first byte of the flow (STYLE 10 (3)): the probe
 * sees 1, 2, ... bytes and must keep them all. */
START_TEST(test_byte_at_a_time_from_start)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(want, sizeof(want));
	const size_t one[] = { 1, 0 };
	conv_chunked(one, one, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

/* The same on a non-standard port, where the protocol is found by the probes
 * of every protocol. */
START_TEST(test_byte_at_a_time_from_start_other_port)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(want, sizeof(want));
	const size_t one[] = { 1, 0 };
	conv_chunked_port(10102, one, one, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

/* Byte-at-a-time once attached: the CR whole, then every byte alone. */
START_TEST(test_byte_at_a_time_after_attach)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	conv_whole(want, sizeof(want));
	const size_t sz0[] = { sizeof(cr_pg), 1, 0 };
	const size_t sz1[] = { 1, 0 };
	conv_chunked(sz0, sz1, got, sizeof(got));
	ck_assert_str_eq(got, want);
}
END_TEST

/* Random chunk sizes (fixed seeds): 1..20 bytes, and 1..700 bytes so that
 * chunks also straddle the parse prefix of the long TPDU. */
START_TEST(test_random_chunks)
{
	static char want[SUM_BYTES], got[SUM_BYTES];
	uint64_t s = 0x2545f4914f6cdd1dull + (uint64_t)_i;
	size_t sz0[200], sz1[200];
	size_t max = (_i & 1) ? 700 : 20;
	conv_whole(want, sizeof(want));
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

/* A TPKT split across two chunks at every point, after attach (loop index =
 * split point in the setup communication job). */
START_TEST(test_tpkt_split_two_chunks)
{
	struct dis_fixture t;
	size_t k = (size_t)_i;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed(&t, 0, job_setup, k, TS0 + 1);
	ck_assert_uint_eq(ctr_total(&t), 0);
	feed(&t, 0, job_setup + k, sizeof(job_setup) - k, TS0 + 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	ck_assert_uint_eq(ctr_total(&t), 4);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	ck_assert_uint_eq(t.n_ev, 2);
	fx_done(&t);
}
END_TEST

/* The first CR of the flow split at every point: no event until the whole
 * TPDU is there, then the same event as a whole-TPDU feed. */
START_TEST(test_first_cr_split_two_chunks)
{
	struct dis_fixture t;
	size_t k = (size_t)_i;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, cr_pg, k, TS0);
	ck_assert_uint_eq(t.n_ev, 0);
	feed(&t, 0, cr_pg + k, sizeof(cr_pg) - k, TS0 + 1);
	ck_assert_ptr_nonnull(t.f.dis);
	ck_assert_uint_eq(t.n_ev, 1);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->action, "connection_request");
	ck_assert_uint_eq(ev->ts_us, TS0 + 1); /* the chunk that completed it */
	ck_ev_str(ev, "src_tsap", "0100");
	ck_ev_str(ev, "dst_tsap", "0102");
	ck_assert_uint_eq(ev_u(ev, "s7.slot"), 2);
	ck_assert_uint_eq(ev_u(ev, "tpdu_size"), 1024);
	feed(&t, 1, cc_pg, sizeof(cc_pg), TS0 + 2);
	ck_assert_uint_eq(t.n_ev, 2);
	fx_done(&t);
}
END_TEST

/* TPDU sizes to cut the long TPDU into (loop index). */
static const size_t big_chunks[] = { 1, 3, 6, 7, 100, 505, 511, 512, 513, 1019, 1020, 1460 };

/* A TPDU longer than the parse prefix, split over many chunks, followed by
 * another TPKT in the same stream: the tail is skipped, never buffered, and
 * the next TPKT parses. */
START_TEST(test_long_tpdu_skipped)
{
	struct dis_fixture t;
	static uint8_t s[sizeof(s7p_big) + sizeof(s7p_req_67) + sizeof(job_setup)];
	size_t n = 0;
	memcpy(s, s7p_big, sizeof(s7p_big));
	n += sizeof(s7p_big);
	memcpy(s + n, s7p_req_67, sizeof(s7p_req_67));
	n += sizeof(s7p_req_67);
	memcpy(s + n, job_setup, sizeof(job_setup));
	n += sizeof(job_setup);
	const size_t sz[] = { big_chunks[_i], 0 };

	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, tia_cr, sizeof(tia_cr), TS0);
	feed(&t, 1, tia_cc, sizeof(tia_cc), TS0);
	feed_chunks(&t, 0, s, n, sz);
	ck_assert_uint_eq(t.n_ev, 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 3);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMMP), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_OTHER), 0);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].oversize, 0);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].anomalies, 0);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].bytes, sizeof(tia_cr) + sizeof(tia_cc) + n);
	ck_assert_uint_le(t.rt.st.buf_bytes_max, 2 * TK_PREFIX);
	fx_done(&t);
}
END_TEST

/* The long TPDU as the very first bytes of a flow (a capture that starts
 * midstream), whole and with a first chunk too short for the probe. */
START_TEST(test_long_tpdu_first)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, s7p_big, sizeof(s7p_big), TS0);
	ck_assert_ptr_nonnull(t.f.dis);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMMP), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	fx_done(&t);

	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, s7p_big, 3, TS0);
	feed(&t, 0, s7p_big + 3, sizeof(s7p_big) - 3, TS0);
	ck_assert_ptr_nonnull(t.f.dis);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMMP), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	fx_done(&t);
}
END_TEST

/* The largest TPKT (length 65535) carrying a request_download job, in
 * 1460-byte chunks, then a setup communication job. */
START_TEST(test_max_length_tpkt)
{
	struct dis_fixture t;
	static const uint8_t hdr[] = { 0x03, 0x00, 0xff, 0xff, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00,
				       0x00, 0x00, 0x09, 0x00, 0x12, 0x00, 0x00, 0x1a };
	size_t n = 65535;
	uint8_t *big = calloc(1, n + sizeof(job_setup));
	ck_assert_ptr_nonnull(big);
	memcpy(big, hdr, sizeof(hdr));
	memcpy(big + n, job_setup, sizeof(job_setup));
	const size_t sz[] = { 1460, 0 };
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed_chunks(&t, 0, big, n + sizeof(job_setup), sz);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0x1a), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	ck_assert_uint_le(t.rt.st.buf_bytes_max, 2 * TK_PREFIX);
	/* all in one chunk */
	feed(&t, 0, big, n + sizeof(job_setup), TS0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0x1a), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 2);
	free(big);
	fx_done(&t);
}
END_TEST

/* ---- malformed input ---- */

/* After confirmation a bad TPKT header is counted (malformed + anomaly) and
 * parsing goes on with the next chunk. */
START_TEST(test_bad_version_after_confirmation)
{
	struct dis_fixture t;
	uint8_t bad[sizeof(job_setup)];
	memcpy(bad, job_setup, sizeof(bad));
	bad[0] = 2;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed(&t, 0, bad, sizeof(bad), TS0 + 7);
	ck_assert_ptr_nonnull(t.f.dis);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].rejected, 0);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].anomalies, 1);
	ck_assert_uint_eq(t.n_ev, 3);
	const struct dis_event *ev = &t.ev[2];
	ck_assert_ptr_eq(ev->proto, &tpkt_proto);
	ck_assert_str_eq(ev->action, "tpkt_bad_header");
	ck_assert_uint_eq(ev->flags & DIS_EV_ANOMALY, DIS_EV_ANOMALY);
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->fclass, DIS_FC_OTHER);
	ck_assert_uint_eq(ev->ts_us, TS0 + 7);
	ck_assert_uint_eq(ctr_total(&t), 0);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0 + 8);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	feed(&t, 1, ack_setup, sizeof(ack_setup), TS0 + 9);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_ROSCTR + 3), 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].pdus, 4);
	ck_assert_uint_eq(t.n_ev, 3);
	/* a bad header after a good TPKT in the same chunk */
	uint8_t two[64];
	size_t n = cat2(two, sizeof(two), job_setup, sizeof(job_setup), bad, sizeof(bad));
	feed(&t, 0, two, n, TS0 + 10);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 2);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 2);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0 + 11);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 3);
	fx_done(&t);
}
END_TEST

/* Every kind of bad TPKT/COTP header after confirmation. */
START_TEST(test_bad_headers_after_confirmation)
{
	static const uint8_t *const bads[] = { bad_len6, bad_rsvd, bad_li, bad_li1, bad_type };
	static const size_t bad_lens[] = { sizeof(bad_len6), sizeof(bad_rsvd), sizeof(bad_li),
					   sizeof(bad_li1), sizeof(bad_type) };
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	for (unsigned i = 0; i < 5; i++) {
		feed(&t, i & 1, bads[i], bad_lens[i], TS0);
		ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, i + 1);
		ck_assert_uint_eq(t.n_ev, 3 + i);
		ck_assert_str_eq(t.ev[2 + i].action, "tpkt_bad_header");
		ck_assert_uint_eq(t.ev[2 + i].dir, i & 1);
		feed(&t, i & 1, (i & 1) ? ack_setup : job_setup,
		     (i & 1) ? sizeof(ack_setup) : sizeof(job_setup), TS0);
	}
	ck_assert_ptr_nonnull(t.f.dis);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 3);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_ROSCTR + 3), 2);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].anomalies, 5);
	fx_done(&t);
}
END_TEST

/* Before confirmation a bad header means "not TPKT": detach. */
START_TEST(test_bad_version_before_confirmation)
{
	struct dis_fixture t;
	uint8_t bad[sizeof(job_setup)];
	memcpy(bad, job_setup, sizeof(bad));
	bad[0] = 4;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, cr_pg, sizeof(cr_pg), TS0);
	ck_assert_ptr_nonnull(t.f.dis);
	ck_assert_uint_eq(t.n_ev, 1);
	feed(&t, 0, bad, sizeof(bad), TS0 + 1);
	ck_assert_ptr_null(t.f.dis);
	ck_assert_uint_eq(t.f.dis_proto, 0);
	ck_assert_uint_eq(t.f.dis_gave_up, 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].rejected, 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].confirmed, 0);
	ck_assert_uint_eq(t.rt.st.buf_bytes, 0);
	ck_assert_str_eq(t.ev[0].action, "connection_request");
	unsigned n = t.n_ev;
	/* nothing more is parsed on this flow */
	feed(&t, 1, cc_pg, sizeof(cc_pg), TS0 + 2);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0 + 3);
	ck_assert_ptr_null(t.f.dis);
	ck_assert_uint_eq(t.n_ev, n);
	ck_assert_uint_eq(ctr_total(&t), 0);
	fx_done(&t);

	/* the same midstream: a DT, then a bad header from the responder */
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, job_setup, sizeof(job_setup), TS0);
	ck_assert_ptr_nonnull(t.f.dis);
	feed(&t, 1, bad_li, sizeof(bad_li), TS0 + 1);
	ck_assert_ptr_null(t.f.dis);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].rejected, 1);
	ck_assert_uint_eq(t.rt.st.buf_bytes, 0);
	fx_done(&t);
}
END_TEST

/* Not TPKT at all on port 102, with a first chunk too short to judge: the
 * bytes kept for the probe show it is not TPKT, and nothing is emitted. */
START_TEST(test_not_tpkt_on_port_102)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, http_get, 2, TS0);
	feed(&t, 0, http_get + 2, sizeof(http_get) - 2, TS0 + 1);
	/* the passive http dissector (#9) may take it, cotp never */
	ck_assert(!t.f.dis || t.f.dis->proto != &tpkt_proto);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].flows, 0);
	ck_assert_uint_eq(t.n_ev, 0);
	fx_done(&t);

	/* starts like TPKT (03 00), then the length is below the minimum */
	static const uint8_t fake[] = { 0x03, 0x00, 0x00, 0x05, 0x02, 0xf0, 0x80, 0x00 };
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, fake, 2, TS0);
	ck_assert_ptr_null(t.f.dis);
	feed(&t, 0, fake + 2, sizeof(fake) - 2, TS0 + 1);
	ck_assert_ptr_null(t.f.dis);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].flows, 0);
	ck_assert_uint_eq(t.n_ev, 0);
	fx_done(&t);

	/* Text no probe takes, both ways until the framework gives up (HTTP
	 * would be taken by the passive http dissector since #9) */
	static const uint8_t junk[] = { 'x', 'y', 'z', 'z', 'y', ' ', 'p', 'l', 'u', 'g', 'h', '\r', '\n' };
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	for (int i = 0; i < 2 * DIS_PROBE_TRIES; i++) {
		feed(&t, 0, junk, sizeof(junk), TS0);
		feed(&t, 1, junk, sizeof(junk), TS0);
	}
	ck_assert_ptr_null(t.f.dis);
	ck_assert_uint_eq(t.f.dis_gave_up, 1);
	feed(&t, 0, cr_pg, sizeof(cr_pg), TS0); /* too late */
	ck_assert_ptr_null(t.f.dis);
	ck_assert_uint_eq(t.n_ev, 0);
	fx_done(&t);
}
END_TEST

/* A TPKT length longer than the data: waits, never emits or counts. */
START_TEST(test_length_longer_than_data)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed(&t, 0, dt_long_len, sizeof(dt_long_len), TS0);
	ck_assert_uint_eq(ctr_total(&t), 0);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	dis_flow_end(&t.rt, &t.f, TS0 + 1);
	ck_assert_uint_eq(t.n_ev, 2);
	fx_done(&t);
}
END_TEST

/* ---- gaps ---- */

/* An S7comm-plus DT TPDU of LONG_S7P bytes (longer than the parse prefix),
 * built by hand: TPKT, DT with EOT, the S7comm-plus header of s7p_big, then
 * zeros. */
#define LONG_S7P 2000
static const uint8_t *long_s7p(void)
{
	static uint8_t b[LONG_S7P];
	static const uint8_t hdr[] = { 0x03, 0x00, LONG_S7P >> 8, LONG_S7P & 0xff, 0x02,
				       0xf0, 0x80, 0x72, 0x02, 0x07, 0xc5 };
	memcpy(b, hdr, sizeof(hdr));
	return b;
}

/* A gap inside the skipped tail of a long TPDU only shortens the skip. */
START_TEST(test_gap_in_skipped_body)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, tia_cr, sizeof(tia_cr), TS0);
	feed(&t, 1, tia_cc, sizeof(tia_cc), TS0);
	/* 1200 bytes: the 1024-byte prefix is parsed, 176 of the tail
	 * skipped, 800 still to skip */
	const uint8_t *big = long_s7p();
	feed(&t, 0, big, 1200, TS0 + 1);
	dis_stream_gap(&t.rt, &t.f, 0, 300, TS0 + 2);
	feed(&t, 0, big + 1500, LONG_S7P - 1500, TS0 + 3);
	feed(&t, 0, s7p_req_67, sizeof(s7p_req_67), TS0 + 4);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].gaps, 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].anomalies, 0);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	ck_assert_uint_eq(t.n_ev, 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMMP), 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 2);

	/* a gap that ends exactly at the end of the TPDU */
	feed(&t, 0, big, 1200, TS0 + 5);
	dis_stream_gap(&t.rt, &t.f, 0, (uint32_t)(LONG_S7P - 1200), TS0 + 6);
	feed(&t, 0, s7p_req_67, sizeof(s7p_req_67), TS0 + 7);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].anomalies, 0);
	ck_assert_uint_eq(t.n_ev, 2);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMMP), 4);

	/* a gap that runs past the end of the TPDU into the next header */
	feed(&t, 0, big, 1200, TS0 + 8);
	dis_stream_gap(&t.rt, &t.f, 0, (uint32_t)(LONG_S7P - 1200 + 10), TS0 + 9);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].anomalies, 1);
	ck_assert_uint_eq(t.n_ev, 3);
	ck_assert_str_eq(t.ev[2].action, "stream_gap");
	ck_assert_uint_eq(t.ev[2].flags & DIS_EV_ANOMALY, DIS_EV_ANOMALY);
	ck_assert_uint_eq(t.ev[2].dir, 0);
	feed(&t, 0, s7p_req_67, sizeof(s7p_req_67), TS0 + 10);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMMP), 6);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].gaps, 3);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	fx_done(&t);
}
END_TEST

/* A gap inside a TPKT header, or inside the buffered prefix of a TPDU: the
 * partial TPDU is dropped, the anomaly counted, and the next TPKT parses. */
START_TEST(test_gap_mid_header)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed(&t, 0, job_setup, 3, TS0 + 1);
	dis_stream_gap(&t.rt, &t.f, 0, (uint32_t)sizeof(job_setup) - 3, TS0 + 2);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].gaps, 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].anomalies, 1);
	ck_assert_uint_eq(t.n_ev, 3);
	ck_assert_str_eq(t.ev[2].action, "stream_gap");
	ck_assert_uint_eq(t.ev[2].flags & DIS_EV_ANOMALY, DIS_EV_ANOMALY);
	ck_assert_uint_eq(t.ev[2].dir, 0);
	ck_assert_uint_eq(t.ev[2].ts_us, TS0 + 2);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0 + 3);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);

	/* after a whole TPKT header was buffered */
	feed(&t, 0, job_setup, 10, TS0 + 4);
	dis_stream_gap(&t.rt, &t.f, 0, 15, TS0 + 5);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].anomalies, 2);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0 + 6);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 2);

	/* inside the buffered prefix of a long TPDU */
	feed(&t, 0, s7p_big, 300, TS0 + 7);
	dis_stream_gap(&t.rt, &t.f, 0, 100, TS0 + 8);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].anomalies, 3);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0 + 9);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 3);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].gaps, 3);
	ck_assert_uint_eq(t.n_ev, 5);

	/* the other direction was not disturbed */
	feed(&t, 1, ack_setup, 5, TS0 + 10);
	dis_stream_gap(&t.rt, &t.f, 0, 3, TS0 + 11);
	feed(&t, 1, ack_setup + 5, sizeof(ack_setup) - 5, TS0 + 12);
	ck_assert_uint_eq(ctr(&t, 1, TPKT_C_ROSCTR + 3), 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	fx_done(&t);
}
END_TEST

/* After a gap the position in a TSDU is unknown: the next DT with data is
 * taken as the start of an S7 PDU. */
START_TEST(test_gap_resets_continuation)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed(&t, 0, dt_frag1, sizeof(dt_frag1), TS0);
	feed(&t, 0, dt_frag2, 4, TS0);
	dis_stream_gap(&t.rt, &t.f, 0, (uint32_t)sizeof(dt_frag2) - 4, TS0);
	feed(&t, 0, job_setup, sizeof(job_setup), TS0);
	/* the TSDU cut by the gap is dropped unfinished; the next DT starts
	 * a new one */
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_S7COMM), 1);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_JOB_FUNC + 0xf0), 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].anomalies, 1);
	fx_done(&t);
}
END_TEST

/* Anomaly events are capped per flow; the counter keeps counting. */
START_TEST(test_anomaly_event_cap)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	for (int i = 0; i < DIS_ANOMALY_EVENTS_PER_FLOW + 4; i++)
		dis_stream_gap(&t.rt, &t.f, i & 1, 3, TS0);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].anomalies, DIS_ANOMALY_EVENTS_PER_FLOW + 4);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].gaps, DIS_ANOMALY_EVENTS_PER_FLOW + 4);
	ck_assert_uint_eq(t.n_ev, 2 + DIS_ANOMALY_EVENTS_PER_FLOW);
	fx_done(&t);
}
END_TEST

/* RDP opens with an X.224 CR/CC too, without TSAPs: not claimed by cotp,
 * on the RDP port or on 102 (the passive rdp dissector of #9 takes it and
 * emits its rdp_negotiation event, which is all that may be emitted). */
START_TEST(test_rdp_not_claimed)
{
	struct dis_fixture t;
	for (int port = 0; port < 2; port++) {
		fx_init(&t, 102);
	t.only = &tpkt_proto;
		flow_reset(&t, port ? 102 : 3389);
		feed(&t, 0, rdp_cr_cookie, sizeof(rdp_cr_cookie), TS0);
		feed(&t, 1, rdp_cc, sizeof(rdp_cc), TS0 + 1);
		feed(&t, 0, rdp_mcs_dt, sizeof(rdp_mcs_dt), TS0 + 2);
		ck_assert_ptr_null(t.f.dis);
		ck_assert_uint_eq(t.rt.proto[TK_PIDX].flows, 0);
		for (unsigned i = 0; i < t.n_ev; i++)
			ck_assert_str_eq(t.ev[i].action, "rdp_negotiation");
		fx_done(&t);
	}
}
END_TEST

/* ---- regressions: bugs these tests found in tpkt.c, now fixed ---- */

/* A capture that starts midstream in a STEP 7 session where every request
 * follows an empty DT with EOT clear (as in
 * s7comm/s7comm-step7-read-diag-data.pcapng frames 3 and 4, each its own
 * segment). tpkt_probe() tests buf[7] for the S7 protocol id without
 * checking that the DT has user data: for the 7-byte empty DT, buf[7] is
 * the version byte (0x03) of the next TPKT, so the probe answers NO once
 * the request arrives behind the kept empty DT, the framework drops both,
 * and the first request of the flow is never counted. */
START_TEST(test_regress_midstream_empty_dt_first)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, dt_empty_noeot, sizeof(dt_empty_noeot), TS0);
	feed(&t, 0, s7_diag_req2, sizeof(s7_diag_req2), TS0 + 1);
	feed(&t, 1, s7_diag_resp, sizeof(s7_diag_resp), TS0 + 2);
	ck_assert_ptr_nonnull(t.f.dis);
	ck_assert_msg(ctr(&t, 0, TPKT_C_S7COMM) == 1,
		      "the request after the leading empty DT was counted %llu times, want 1",
		      (unsigned long long)ctr(&t, 0, TPKT_C_S7COMM));
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_ROSCTR + 7), 1);
	fx_done(&t);

	/* the cause: an empty DT followed by an S7comm DT is not S7 per the probe */
	uint8_t two[64];
	size_t n = cat2(two, sizeof(two), dt_empty_noeot, sizeof(dt_empty_noeot), s7_diag_req2,
			sizeof(s7_diag_req2));
	ck_assert_int_ne(probe(two, n, 0), DIS_PROBE_NO);
}
END_TEST

/* A DT whose user data is a lone 0x32 (an S7comm header cut after its
 * protocol id): count_data() counts ROSCTR 0 ("s7comm.rosctr0") for a ROSCTR
 * that was never read (rd_u8 failed and returned 0) instead of checking
 * rd_ok() first (STYLE 3). */
START_TEST(test_regress_truncated_s7_header_rosctr)
{
	static const uint8_t dt_32[] = { 0x03, 0x00, 0x00, 0x08, 0x02, 0xf0, 0x80, 0x32 };
	struct dis_fixture t;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed(&t, 0, dt_32, sizeof(dt_32), TS0);
	ck_assert_uint_eq(ctr(&t, 0, TPKT_C_DT), 1);
	ck_assert_msg(ctr(&t, 0, TPKT_C_ROSCTR + 0) == 0,
		      "s7comm.rosctr0 counted for a header without a ROSCTR byte");
	fx_done(&t);
}
END_TEST

/* ---- truncation loops ---- */

/* Every proper prefix of the CR, alone on a fresh flow from an exact-size
 * copy: no event (not even at flow end), no PDU, no crash. */
START_TEST(test_truncation_loop_cr)
{
	struct dis_fixture t;
	size_t k = (size_t)_i;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, cr_pg, k, TS0);
	ck_assert_uint_eq(t.n_ev, 0);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].pdus, 0);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	dis_flow_end(&t.rt, &t.f, TS0 + 1);
	ck_assert_uint_eq(t.n_ev, 0);
	fx_done(&t);
}
END_TEST

/* The parser itself on every proper prefix of the CR, each in an exact-size
 * heap copy: NEED_MORE with the number of bytes it needs, never OK, and no
 * event. The full CR gives OK and its event. */
START_TEST(test_truncation_loop_cr_parse)
{
	struct dis_fixture t;
	size_t k = (size_t)_i;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, cr_pg, sizeof(cr_pg), TS0); /* attaches: a dis_flow to parse with */
	ck_assert_ptr_nonnull(t.f.dis);
	ck_assert_uint_eq(t.n_ev, 1);
	struct dis_ctx ctx = { &t.rt, &t.f, t.f.dis, TS0 + 1 };
	uint8_t *c = malloc(k);
	ck_assert_ptr_nonnull(c);
	memcpy(c, cr_pg, k);
	size_t used = 0;
	enum dis_status st = tpkt_proto.parse(t.f.dis->state, 0, c, k, &used, &ctx);
	free(c);
	ck_assert_int_eq(st, DIS_NEED_MORE);
	ck_assert_uint_gt(used, k);
	ck_assert_uint_le(used, sizeof(cr_pg));
	ck_assert_uint_eq(t.n_ev, 1);

	c = malloc(sizeof(cr_pg));
	ck_assert_ptr_nonnull(c);
	memcpy(c, cr_pg, sizeof(cr_pg));
	used = 0;
	st = tpkt_proto.parse(t.f.dis->state, 0, c, sizeof(cr_pg), &used, &ctx);
	free(c);
	ck_assert_int_eq(st, DIS_OK);
	ck_assert_uint_eq(used, sizeof(cr_pg));
	ck_assert_uint_eq(t.n_ev, 2);
	ck_assert_str_eq(t.ev[1].action, "connection_request");
	ck_ev_str(&t.ev[1], "dst_tsap", "0102");
	fx_done(&t);
}
END_TEST

/* Every proper prefix of the CC from the responder after the CR. */
START_TEST(test_truncation_loop_cc)
{
	struct dis_fixture t;
	size_t k = (size_t)_i;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	feed(&t, 0, cr_pg, sizeof(cr_pg), TS0);
	feed(&t, 1, cc_pg, k, TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	dis_flow_end(&t.rt, &t.f, TS0 + 1);
	ck_assert_uint_eq(t.n_ev, 1);
	fx_done(&t);
}
END_TEST

/* On a confirmed flow, every proper prefix of a data TPDU waits for more. */
START_TEST(test_truncation_loop_attached)
{
	struct dis_fixture t;
	size_t k = (size_t)_i;
	fx_init(&t, 102);
	t.only = &tpkt_proto;
	connect_pg(&t);
	feed(&t, 0, job_setup, k, TS0);
	ck_assert_uint_eq(ctr_total(&t), 0);
	ck_assert_uint_eq(t.rt.proto[TK_PIDX].malformed, 0);
	ck_assert_uint_eq(t.n_ev, 2);
	fx_done(&t);
}
END_TEST

static Suite *tpkt_suite(void)
{
	Suite *s = suite_create("tpkt");
	TCase *tp = tcase_create("probe");
	tcase_add_test(tp, test_probe_yes);
	tcase_add_test(tp, test_probe_no);
	tcase_add_test(tp, test_probe_more);
	tcase_add_test(tp, test_registry_and_counter_names);
	suite_add_tcase(s, tp);

	TCase *tc = tcase_create("tpdus");
	tcase_add_test(tc, test_connection_request_confirm);
	tcase_add_test(tc, test_connection_request_mms);
	tcase_add_test(tc, test_connection_request_variants);
	tcase_add_test(tc, test_disconnect_request);
	tcase_add_test(tc, test_s7comm_setup_communication);
	tcase_add_test(tc, test_step7_userdata_empty_dt);
	tcase_add_test(tc, test_empty_dt_before_request);
	tcase_add_test(tc, test_eot_continuation);
	tcase_add_test(tc, test_s7comm_plus);
	tcase_add_test(tc, test_mms_other_payload);
	suite_add_tcase(s, tc);

	TCase *tf = tcase_create("framing");
	tcase_add_test(tf, test_two_tpkts_per_chunk);
	tcase_add_test(tf, test_two_tpkts_one_chunk_counts);
	tcase_add_test(tf, test_byte_at_a_time_from_start);
	tcase_add_test(tf, test_byte_at_a_time_from_start_other_port);
	tcase_add_test(tf, test_byte_at_a_time_after_attach);
	tcase_add_loop_test(tf, test_random_chunks, 0, 16);
	tcase_add_loop_test(tf, test_tpkt_split_two_chunks, 1, (int)sizeof(job_setup));
	tcase_add_loop_test(tf, test_first_cr_split_two_chunks, 1, (int)sizeof(cr_pg));
	tcase_add_loop_test(tf, test_long_tpdu_skipped, 0,
			    (int)(sizeof(big_chunks) / sizeof(big_chunks[0])));
	tcase_add_test(tf, test_long_tpdu_first);
	tcase_add_test(tf, test_max_length_tpkt);
	suite_add_tcase(s, tf);

	TCase *tm = tcase_create("malformed");
	tcase_add_test(tm, test_bad_version_after_confirmation);
	tcase_add_test(tm, test_bad_headers_after_confirmation);
	tcase_add_test(tm, test_bad_version_before_confirmation);
	tcase_add_test(tm, test_not_tpkt_on_port_102);
	tcase_add_test(tm, test_length_longer_than_data);
	tcase_add_test(tm, test_gap_in_skipped_body);
	tcase_add_test(tm, test_gap_mid_header);
	tcase_add_test(tm, test_gap_resets_continuation);
	tcase_add_test(tm, test_anomaly_event_cap);
	tcase_add_test(tm, test_rdp_not_claimed);
	tcase_add_loop_test(tm, test_truncation_loop_cr, 1, (int)sizeof(cr_pg));
	tcase_add_loop_test(tm, test_truncation_loop_cr_parse, 1, (int)sizeof(cr_pg));
	tcase_add_loop_test(tm, test_truncation_loop_cc, 1, (int)sizeof(cc_pg));
	tcase_add_loop_test(tm, test_truncation_loop_attached, 1, (int)sizeof(job_setup));
	suite_add_tcase(s, tm);

	/* Regressions: bugs these tests found in the dissector (fixed in the
	 * commit that added them; each test says what went wrong). */
	TCase *tb = tcase_create("regressions");
	tcase_add_test(tb, test_regress_midstream_empty_dt_first);
	tcase_add_test(tb, test_regress_truncated_s7_header_rosctr);
	suite_add_tcase(s, tb);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tpkt_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
