/* check_s7comm.c - unit tests for the S7comm and S7comm-plus decoding
 * (dissectors/s7comm.c) behind the TPKT/COTP framing (dissectors/tpkt.c),
 * driven through the real stream framework with tests/unit/dis_fixture.h.
 *
 * Every PDU below is real: the TCP payload (one TPKT) of one frame of a
 * capture under pcaps/s7comm/, taken with
 * `tshark -r CAPTURE -Y frame.number==N -T fields -e tcp.payload`; the
 * comment names the capture and frame. The golden values are what tshark 4.0
 * shows for those frames. Fragmented, truncated and lying variants are
 * derived from them by the helpers here and say so.
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
#include "dissectors/s7comm.h"
#include "dissectors/tpkt.h"

#define MAX_EVENTS 256
#define TS0 1700000000000000ull

#include "tests/unit/dis_fixture.h"
#define S7_PIDX 1 /* registry order: mbtcp, tpkt, opcua */
#define CTR(dir, c) ((unsigned)(dir) * TPKT_COUNTERS_PER_DIR + (c))

/* ---- PDUs from captures ---- */

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 1): setup communication job: PDU ref 0, max AmQ 1/1, PDU size 480 */
static const uint8_t setup_job[] = {
	0x03, 0x00, 0x00, 0x19, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x08, 0x00, 0x00, 0xf0, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01,
	0xe0,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 2): its ack-data: PDU size 240 */
static const uint8_t setup_ack[] = {
	0x03, 0x00, 0x00, 0x1b, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x00, 0x00, 0x01, 0x00,
	0x01, 0x00, 0xf0,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 3): userdata read SZL 0x0011 index 0 (module identification) */
static const uint8_t szl11_req[] = {
	0x03, 0x00, 0x00, 0x21, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x08, 0x00, 0x08, 0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01,
	0x00, 0xff, 0x09, 0x00, 0x04, 0x00, 0x11, 0x00, 0x00,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 4): its response: 4 records of 28 bytes, order number 6ES7 315-2EH14-0AB0, firmware V3.2.7 */
static const uint8_t szl11_resp[] = {
	0x03, 0x00, 0x00, 0x99, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x0c, 0x00, 0x7c, 0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0xff, 0x09, 0x00, 0x78, 0x00, 0x11, 0x00,
	0x00, 0x00, 0x1c, 0x00, 0x04, 0x00, 0x01, 0x36, 0x45, 0x53, 0x37, 0x20,
	0x33, 0x31, 0x35, 0x2d, 0x32, 0x45, 0x48, 0x31, 0x34, 0x2d, 0x30, 0x41,
	0x42, 0x30, 0x20, 0x00, 0xc0, 0x00, 0x03, 0x00, 0x01, 0x00, 0x06, 0x36,
	0x45, 0x53, 0x37, 0x20, 0x33, 0x31, 0x35, 0x2d, 0x32, 0x45, 0x48, 0x31,
	0x34, 0x2d, 0x30, 0x41, 0x42, 0x30, 0x20, 0x00, 0xc0, 0x00, 0x03, 0x00,
	0x01, 0x00, 0x07, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
	0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x00,
	0xc0, 0x56, 0x03, 0x02, 0x07, 0x00, 0x81, 0x42, 0x6f, 0x6f, 0x74, 0x20,
	0x4c, 0x6f, 0x61, 0x64, 0x65, 0x72, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
	0x20, 0x20, 0x20, 0x00, 0x00, 0x41, 0x20, 0x09, 0x09,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 5): userdata read SZL 0x001c index 0 (component identification) */
static const uint8_t szl1c_req[] = {
	0x03, 0x00, 0x00, 0x21, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x08, 0x00, 0x08, 0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01,
	0x00, 0xff, 0x09, 0x00, 0x04, 0x00, 0x1c, 0x00, 0x00,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 6): first fragment of its response (last data unit: no), 6 records and 2 bytes */
static const uint8_t szl1c_resp1[] = {
	0x03, 0x00, 0x00, 0xf7, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x0c, 0x00, 0xda, 0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01,
	0x02, 0xd5, 0x01, 0x00, 0x00, 0xff, 0x09, 0x00, 0xd6, 0x00, 0x1c, 0x00,
	0x00, 0x00, 0x22, 0x00, 0x0a, 0x00, 0x01, 0x53, 0x37, 0x33, 0x30, 0x30,
	0x2f, 0x45, 0x54, 0x32, 0x30, 0x30, 0x4d, 0x20, 0x73, 0x74, 0x61, 0x74,
	0x69, 0x6f, 0x6e, 0x5f, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x50, 0x4c, 0x43, 0x5f, 0x31, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x4f, 0x72, 0x69, 0x67, 0x69, 0x6e, 0x61, 0x6c, 0x20, 0x53, 0x69,
	0x65, 0x6d, 0x65, 0x6e, 0x73, 0x20, 0x45, 0x71, 0x75, 0x69, 0x70, 0x6d,
	0x65, 0x6e, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x53,
	0x20, 0x43, 0x2d, 0x42, 0x31, 0x55, 0x33, 0x39, 0x33, 0x31, 0x34, 0x32,
	0x30, 0x31, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x43, 0x50, 0x55,
	0x20, 0x33, 0x31, 0x35, 0x2d, 0x32, 0x20, 0x50, 0x4e, 0x2f, 0x44, 0x50,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 7): the continuation request (data unit reference 0xd5) */
static const uint8_t szl1c_req2[] = {
	0x03, 0x00, 0x00, 0x21, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x0c, 0x00, 0x04, 0x00, 0x01, 0x12, 0x08, 0x12, 0x44, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 8): the last fragment: the rest of the records */
static const uint8_t szl1c_resp2[] = {
	0x03, 0x00, 0x00, 0xa7, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x0c, 0x00, 0x8a, 0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01,
	0x02, 0xd5, 0x00, 0x00, 0x00, 0xff, 0x09, 0x00, 0x86, 0x4d, 0x4d, 0x43,
	0x20, 0x34, 0x41, 0x31, 0x41, 0x43, 0x30, 0x31, 0x39, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x2a, 0xf6, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 17): start upload job, file name _0B00000A (SDB 0, active) */
static const uint8_t upl_start_job[] = {
	0x03, 0x00, 0x00, 0x23, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x08,
	0x00, 0x00, 0x12, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x09, 0x5f, 0x30, 0x42, 0x30, 0x30, 0x30, 0x30, 0x30, 0x41,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 18): its ack-data: upload id 7, block length 216 */
static const uint8_t upl_start_ack[] = {
	0x03, 0x00, 0x00, 0x23, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0x08,
	0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x1d, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x07, 0x07, 0x30, 0x30, 0x30, 0x30, 0x32, 0x31, 0x36,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 43): start upload job for _0800000A (OB 0) */
static const uint8_t upl_err_job[] = {
	0x03, 0x00, 0x00, 0x23, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x15,
	0x00, 0x00, 0x12, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x09, 0x5f, 0x30, 0x38, 0x30, 0x30, 0x30, 0x30, 0x30, 0x41,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 44): answered by an ack (ROSCTR 2) with error class 0xd2 code 0x0c */
static const uint8_t upl_err_ack[] = {
	0x03, 0x00, 0x00, 0x13, 0x02, 0xf0, 0x80, 0x32, 0x02, 0x00, 0x00, 0x15,
	0x00, 0x00, 0x00, 0x00, 0x00, 0xd2, 0x0c,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 47): userdata set clock request (group 7, subfunction 2) */
static const uint8_t set_clock_req[] = {
	0x03, 0x00, 0x00, 0x27, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x17,
	0x00, 0x00, 0x08, 0x00, 0x0e, 0x00, 0x01, 0x12, 0x04, 0x11, 0x47, 0x02,
	0x00, 0xff, 0x09, 0x00, 0x0a, 0x00, 0x19, 0x16, 0x02, 0x08, 0x23, 0x08,
	0x10, 0x00, 0x02,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 48): its response */
static const uint8_t set_clock_resp[] = {
	0x03, 0x00, 0x00, 0x21, 0x02, 0xf0, 0x80, 0x32, 0x07, 0x00, 0x00, 0x17,
	0x00, 0x00, 0x0c, 0x00, 0x04, 0x00, 0x01, 0x12, 0x08, 0x12, 0x87, 0x02,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 49): write var job: 1 item, M16 REAL (flags area, byte 16), value 79 e9 f6 42 */
static const uint8_t write_job[] = {
	0x03, 0x00, 0x00, 0x27, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x18,
	0x00, 0x00, 0x0e, 0x00, 0x08, 0x05, 0x01, 0x12, 0x0a, 0x10, 0x08, 0x00,
	0x01, 0x00, 0x00, 0x83, 0x00, 0x00, 0x80, 0x00, 0x07, 0x00, 0x04, 0x79,
	0xe9, 0xf6, 0x42,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 50): its ack-data: return code 0xff */
static const uint8_t write_ack[] = {
	0x03, 0x00, 0x00, 0x16, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0x18,
	0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x05, 0x01, 0xff,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 51): read var job: 1 item */
static const uint8_t read_job[] = {
	0x03, 0x00, 0x00, 0x1f, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x19,
	0x00, 0x00, 0x0e, 0x00, 0x00, 0x04, 0x01, 0x12, 0x0a, 0x10, 0x08, 0x00,
	0x01, 0x00, 0x00, 0x83, 0x00, 0x00, 0x80,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 52): its ack-data */
static const uint8_t read_ack[] = {
	0x03, 0x00, 0x00, 0x1d, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0x19,
	0x00, 0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x04, 0x01, 0xff, 0x07, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x00,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 57): PLC stop job (function 0x29, P_PROGRAM) */
static const uint8_t stop_job[] = {
	0x03, 0x00, 0x00, 0x21, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x1c,
	0x00, 0x00, 0x10, 0x00, 0x00, 0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,
	0x50, 0x5f, 0x50, 0x52, 0x4f, 0x47, 0x52, 0x41, 0x4d,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 58): its ack-data */
static const uint8_t stop_ack[] = {
	0x03, 0x00, 0x00, 0x14, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0x1c,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x29,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 59): PI service _MODU (copy RAM to ROM), argument "EP" */
static const uint8_t modu_job[] = {
	0x03, 0x00, 0x00, 0x23, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x1d,
	0x00, 0x00, 0x12, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xfd, 0x00, 0x02, 0x45, 0x50, 0x05, 0x5f, 0x4d, 0x4f, 0x44, 0x55,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 60): its ack-data */
static const uint8_t modu_ack[] = {
	0x03, 0x00, 0x00, 0x14, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0x1d,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x28,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 63): PI service P_PROGRAM with argument "C " (cold start) */
static const uint8_t start_job[] = {
	0x03, 0x00, 0x00, 0x27, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x1f,
	0x00, 0x00, 0x16, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xfd, 0x00, 0x02, 0x43, 0x20, 0x09, 0x50, 0x5f, 0x50, 0x52, 0x4f, 0x47,
	0x52, 0x41, 0x4d,
};

/* TPKT (s7comm/s7comm-snap7-stop-start-upload-write.pcap frame 64): its ack-data */
static const uint8_t start_ack[] = {
	0x03, 0x00, 0x00, 0x14, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0x1f,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x28,
};

/* TPKT (s7comm/s7comm-tia-download-hwconfig-stop-start.pcapng frame 60): PI service _DELE of one block, SDB 2000 */
static const uint8_t dele_job[] = {
	0x03, 0x00, 0x00, 0x2b, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x74,
	0x00, 0x00, 0x1a, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xfd, 0x00, 0x0a, 0x01, 0x00, 0x30, 0x42, 0x30, 0x32, 0x30, 0x30, 0x30,
	0x41, 0x05, 0x5f, 0x44, 0x45, 0x4c, 0x45,
};

/* TPKT (s7comm/s7comm-tia-download-hwconfig-stop-start.pcapng frame 61): its ack-data */
static const uint8_t dele_ack[] = {
	0x03, 0x00, 0x00, 0x14, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0x74,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x28,
};

/* TPKT (s7comm/s7comm-download-block-ndpi.pcap frame 39): request download job */
static const uint8_t dl_req_job[] = {
	0x03, 0x00, 0x00, 0x31, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x0e,
	0x00, 0x00, 0x20, 0x00, 0x00, 0x1a, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x09, 0x5f, 0x30, 0x41, 0x30, 0x30, 0x30, 0x30, 0x31, 0x50, 0x0d,
	0x31, 0x30, 0x30, 0x30, 0x35, 0x30, 0x30, 0x30, 0x30, 0x30, 0x34, 0x30,
	0x30,
};

/* TPKT (s7comm/s7comm-download-block-ndpi.pcap frame 40): its ack-data */
static const uint8_t dl_req_ack[] = {
	0x03, 0x00, 0x00, 0x14, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0x0e,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x1a,
};

/* TPKT (s7comm/s7comm-download-block-ndpi.pcap frame 42): download block job (sent by the PLC: it asks for the block) */
static const uint8_t dl_blk_job[] = {
	0x03, 0x00, 0x00, 0x23, 0x02, 0xf0, 0x80, 0x32, 0x01, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x12, 0x00, 0x00, 0x1b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x09, 0x5f, 0x30, 0x41, 0x30, 0x30, 0x30, 0x30, 0x31, 0x50,
};

/* TPKT (s7comm/s7comm-download-block-ndpi.pcap frame 44): its ack-data carrying the block data */
static const uint8_t dl_blk_ack[] = {
	0x03, 0x00, 0x00, 0xf7, 0x02, 0xf0, 0x80, 0x32, 0x03, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x02, 0x00, 0xe2, 0x00, 0x00, 0x1b, 0x01, 0x00, 0xde, 0x00,
	0xfb, 0x70, 0x70, 0x01, 0x01, 0x05, 0x0a, 0x00, 0x01, 0x00, 0x00, 0x01,
	0xf4, 0x00, 0x00, 0x00, 0x00, 0x02, 0x91, 0x47, 0x60, 0x2b, 0xb5, 0x02,
	0x91, 0x47, 0x60, 0x2b, 0xb5, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* TPKT (s7comm/s7comm-plus-s7-1200-hmi.pcap frame 9): S7comm-plus V1 CreateObject request (a new session, request id 0x11d) */
static const uint8_t plus_create_req[] = {
	0x03, 0x00, 0x00, 0xd9, 0x02, 0xf0, 0x80, 0x72, 0x01, 0x00, 0xca, 0x31,
	0x00, 0x00, 0x04, 0xca, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x20,
	0x36, 0x00, 0x00, 0x01, 0x1d, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xa1, 0x00, 0x00, 0x00, 0xd3, 0x82, 0x1f, 0x00, 0x00, 0xa3, 0x81, 0x69,
	0x00, 0x15, 0x16, 0x53, 0x65, 0x72, 0x76, 0x65, 0x72, 0x53, 0x65, 0x73,
	0x73, 0x69, 0x6f, 0x6e, 0x5f, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
	0x30, 0xa3, 0x82, 0x21, 0x00, 0x15, 0x0a, 0x31, 0x3a, 0x3a, 0x3a, 0x36,
	0x2e, 0x33, 0x32, 0x3a, 0x3a, 0xa3, 0x82, 0x28, 0x00, 0x15, 0x08, 0x48,
	0x4d, 0x49, 0x20, 0x55, 0x53, 0x45, 0x52, 0xa3, 0x82, 0x29, 0x00, 0x15,
	0x05, 0x53, 0x4d, 0x40, 0x52, 0x54, 0xa3, 0x82, 0x2a, 0x00, 0x15, 0x08,
	0x48, 0x4d, 0x49, 0x20, 0x48, 0x4f, 0x53, 0x54, 0xa3, 0x82, 0x2b, 0x00,
	0x04, 0x02, 0xa3, 0x82, 0x2c, 0x00, 0x12, 0x10, 0x00, 0x00, 0x00, 0xa3,
	0x82, 0x2d, 0x00, 0x15, 0x16, 0x4f, 0x4d, 0x53, 0x2b, 0x20, 0x66, 0x6f,
	0x72, 0x20, 0x53, 0x4d, 0x41, 0x52, 0x54, 0x20, 0x52, 0x75, 0x6e, 0x74,
	0x69, 0x6d, 0x65, 0xa1, 0x00, 0x00, 0x00, 0xd3, 0x81, 0x7f, 0x00, 0x00,
	0xa3, 0x81, 0x69, 0x00, 0x15, 0x15, 0x53, 0x75, 0x62, 0x73, 0x63, 0x72,
	0x69, 0x70, 0x74, 0x69, 0x6f, 0x6e, 0x43, 0x6f, 0x6e, 0x74, 0x61, 0x69,
	0x6e, 0x65, 0x72, 0xa2, 0xa2, 0x00, 0x00, 0x00, 0x00, 0x72, 0x01, 0x00,
	0x00,
};

/* TPKT (s7comm/s7comm-plus-s7-1200-hmi.pcap frame 12): its response */
static const uint8_t plus_create_resp[] = {
	0x03, 0x00, 0x00, 0x89, 0x02, 0xf0, 0x80, 0x72, 0x01, 0x00, 0x7a, 0x32,
	0x00, 0x00, 0x04, 0xca, 0x00, 0x00, 0x00, 0x01, 0x36, 0x11, 0x02, 0x87,
	0x3e, 0x87, 0x23, 0xa1, 0x00, 0x00, 0x01, 0x20, 0x82, 0x1f, 0x00, 0x00,
	0xa3, 0x81, 0x69, 0x00, 0x15, 0x00, 0xa3, 0x82, 0x32, 0x00, 0x17, 0x00,
	0x00, 0x01, 0x3a, 0x82, 0x3b, 0x00, 0x04, 0x82, 0x00, 0x82, 0x3c, 0x00,
	0x04, 0x81, 0x40, 0x82, 0x3d, 0x00, 0x04, 0x84, 0x80, 0xc0, 0x40, 0x82,
	0x3e, 0x00, 0x04, 0x84, 0x80, 0xc0, 0x40, 0x82, 0x3f, 0x00, 0x15, 0x1b,
	0x31, 0x3b, 0x36, 0x45, 0x53, 0x37, 0x20, 0x32, 0x31, 0x31, 0x2d, 0x31,
	0x42, 0x45, 0x33, 0x31, 0x2d, 0x30, 0x58, 0x42, 0x30, 0x20, 0x3b, 0x56,
	0x33, 0x2e, 0x30, 0x82, 0x40, 0x00, 0x15, 0x05, 0x32, 0x3b, 0x32, 0x38,
	0x38, 0x82, 0x41, 0x00, 0x03, 0x00, 0x03, 0x00, 0xa2, 0x00, 0x00, 0x00,
	0x00, 0x72, 0x01, 0x00, 0x00,
};

/* TPKT (s7comm/s7comm-plus-s7-1200-hmi.pcap frame 15): S7comm-plus V2 SetMultiVariables request, sequence 2 */
static const uint8_t plus_setmulti_req[] = {
	0x03, 0x00, 0x00, 0x7a, 0x02, 0xf0, 0x80, 0x72, 0x02, 0x00, 0x6b, 0x31,
	0x00, 0x00, 0x05, 0x42, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x03, 0xbe,
	0x34, 0x00, 0x00, 0x03, 0xbe, 0x01, 0x01, 0x82, 0x32, 0x01, 0x00, 0x17,
	0x00, 0x00, 0x01, 0x3a, 0x82, 0x3b, 0x00, 0x04, 0x82, 0x00, 0x82, 0x3c,
	0x00, 0x04, 0x81, 0x40, 0x82, 0x3d, 0x00, 0x04, 0x84, 0x80, 0xc0, 0x40,
	0x82, 0x3e, 0x00, 0x04, 0x84, 0x80, 0xc0, 0x40, 0x82, 0x3f, 0x00, 0x15,
	0x00, 0x82, 0x40, 0x00, 0x15, 0x05, 0x32, 0x3b, 0x32, 0x38, 0x38, 0x82,
	0x41, 0x00, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x04, 0xe8, 0x89,
	0x69, 0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x89, 0x6a, 0x00, 0x13, 0x00,
	0x89, 0x6b, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x72, 0x02,
	0x00, 0x00,
};

/* TPKT (s7comm/s7comm-plus-s7-1200-hmi.pcap frame 17): its response */
static const uint8_t plus_setmulti_resp[] = {
	0x03, 0x00, 0x00, 0x1f, 0x02, 0xf0, 0x80, 0x72, 0x02, 0x00, 0x10, 0x32,
	0x00, 0x00, 0x05, 0x42, 0x00, 0x00, 0x00, 0x02, 0x34, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x72, 0x02, 0x00, 0x00,
};

/* TPKT (s7comm/s7comm-plus-and-s7comm-mixed.pcap frame 7): S7comm-plus V3 SetVariable request with a 32-byte integrity digest, sequence 0x831a */
static const uint8_t plus_v3_setvar_req[] = {
	0x03, 0x00, 0x00, 0x68, 0x02, 0xf0, 0x80, 0x72, 0x03, 0x00, 0x59, 0x20,
	0xe9, 0x69, 0xa9, 0x5a, 0x85, 0x2a, 0xb0, 0xe2, 0x88, 0x48, 0x0c, 0xce,
	0xcb, 0x61, 0x8e, 0x48, 0x77, 0x9f, 0x4b, 0x68, 0xa1, 0xce, 0x9a, 0x9c,
	0x42, 0xcd, 0x6a, 0xa5, 0x36, 0x80, 0x06, 0x83, 0x31, 0x00, 0x00, 0x04,
	0xf2, 0x00, 0x00, 0x83, 0x1a, 0x70, 0x00, 0x0e, 0x4d, 0x74, 0x70, 0x00,
	0x0e, 0x51, 0x01, 0x88, 0x1d, 0x00, 0x07, 0x00, 0xce, 0x00, 0x00, 0x04,
	0xe8, 0x89, 0x69, 0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x89, 0x6a, 0x00,
	0x13, 0x00, 0x89, 0x6b, 0x00, 0x04, 0x00, 0x00, 0x00, 0x84, 0xeb, 0x27,
	0x00, 0x00, 0x00, 0x00, 0x72, 0x03, 0x00, 0x00,
};

/* TPKT (s7comm/s7comm-plus-and-s7comm-mixed.pcap frame 30): S7comm-plus V3 GetMultiVariables request, sequence 0x831d */
static const uint8_t plus_v3_getmulti_req[] = {
	0x03, 0x00, 0x00, 0x79, 0x02, 0xf0, 0x80, 0x72, 0x03, 0x00, 0x6a, 0x20,
	0xee, 0xed, 0x63, 0x81, 0x5b, 0x2c, 0xdc, 0xb7, 0xe8, 0x99, 0xd5, 0x68,
	0xa2, 0x4e, 0xb0, 0x2b, 0x45, 0xed, 0x22, 0x46, 0xa8, 0x87, 0x00, 0x84,
	0x9f, 0x03, 0xa8, 0x72, 0x68, 0x7a, 0x7c, 0x09, 0x31, 0x00, 0x00, 0x05,
	0x4c, 0x00, 0x00, 0x83, 0x1d, 0x70, 0x00, 0x0e, 0x4d, 0x34, 0x00, 0x00,
	0x00, 0x00, 0x03, 0x0e, 0x00, 0x87, 0x80, 0x80, 0x9c, 0x4d, 0x01, 0x8e,
	0x32, 0x00, 0x81, 0x49, 0x02, 0x88, 0x39, 0x00, 0x00, 0x81, 0x49, 0x02,
	0x88, 0x39, 0x01, 0x00, 0x00, 0x04, 0xe8, 0x89, 0x69, 0x00, 0x12, 0x00,
	0x00, 0x00, 0x00, 0x89, 0x6a, 0x00, 0x13, 0x00, 0x89, 0x6b, 0x00, 0x04,
	0x00, 0x00, 0x81, 0x9a, 0x73, 0x00, 0x00, 0x00, 0x00, 0x72, 0x03, 0x00,
	0x00,
};

/* TPKT (s7comm/s7comm-plus-and-s7comm-mixed.pcap frame 31): its response */
static const uint8_t plus_v3_getmulti_resp[] = {
	0x03, 0x00, 0x00, 0x52, 0x02, 0xf0, 0x80, 0x72, 0x03, 0x00, 0x43, 0x20,
	0x3d, 0xca, 0xc8, 0xee, 0x11, 0x31, 0x08, 0xf0, 0xde, 0xfe, 0x64, 0xef,
	0xf4, 0xfa, 0xf6, 0x10, 0x6f, 0xe1, 0xfa, 0x3d, 0x75, 0x06, 0x4c, 0xde,
	0x9b, 0x83, 0x14, 0xd9, 0xf1, 0xe2, 0x76, 0xa3, 0x32, 0x00, 0x00, 0x05,
	0x4c, 0x00, 0x00, 0x83, 0x1d, 0x34, 0x00, 0x01, 0x00, 0x04, 0x01, 0x02,
	0x00, 0x08, 0x83, 0x72, 0x03, 0x00, 0x08, 0xbe, 0x04, 0x00, 0x00, 0x83,
	0xa1, 0x10, 0x00, 0x00, 0x00, 0x00, 0x72, 0x03, 0x00, 0x00,
};

/* ---- helpers ---- */

struct pdu {
	const uint8_t *b;
	size_t n;
};
#define P(a) { a, sizeof(a) }
#define L(a) a, sizeof(a)

static uint64_t ctr(const struct dis_fixture *t, unsigned idx)
{
	return t->rt.proto[S7_PIDX].counters[idx];
}

/* The first event with this action (and protocol, when p is not NULL). */
static const struct dis_event *find(const struct dis_fixture *t, const char *action,
				    unsigned nth)
{
	for (unsigned i = 0; i < t->n_ev; i++)
		if (strcmp(t->ev[i].action, action) == 0 && nth-- == 0)
			return &t->ev[i];
	ck_assert_msg(0, "no event %s", action);
	return NULL;
}

static unsigned count_action(const struct dis_fixture *t, const char *action)
{
	unsigned n = 0;
	for (unsigned i = 0; i < t->n_ev; i++)
		n += strcmp(t->ev[i].action, action) == 0;
	return n;
}

static void pair(struct dis_fixture *t, const uint8_t *q, size_t nq, const uint8_t *r, size_t nr,
		 uint64_t ts)
{
	feed(t, 0, q, nq, ts);
	feed(t, 1, r, nr, ts + 1000);
}

/* One line per event with every field, then the non-zero counters. */
static void summarize(const struct dis_fixture *t, char *out, size_t cap)
{
	size_t len = 0;
	int n;
	out[0] = '\0';
	for (unsigned i = 0; i < t->n_ev; i++) {
		const struct dis_event *ev = &t->ev[i];
		n = snprintf(out + len, cap - len, "[%s %u %s c%u n%u f%u", ev->proto->name, ev->dir,
			     ev->action, ev->fclass, ev->count, ev->flags);
		ck_assert(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
		for (unsigned j = 0; j < ev->nfields; j++) {
			const struct dis_field *f = &ev->f[j];
			if (f->type == DIS_F_STR)
				n = snprintf(out + len, cap - len, " %s=%.*s", f->key, (int)f->str_len,
					     ev->str + f->str_off);
			else if (strcmp(f->key, "response_time_us") == 0 ||
				 strcmp(f->key, "first_seen_us") == 0 ||
				 strcmp(f->key, "last_seen_us") == 0)
				n = 0; /* depend on when a chunk arrived */
			else
				n = snprintf(out + len, cap - len, " %s=%llu", f->key,
					     (unsigned long long)f->v.u);
			ck_assert(n >= 0 && (size_t)n < cap - len);
			len += (size_t)n;
		}
		n = snprintf(out + len, cap - len, "]\n");
		ck_assert(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
	}
	for (unsigned i = 0; i < TPKT_N_COUNTERS; i++) {
		uint64_t v = t->rt.proto[S7_PIDX].counters[i];
		if (!v)
			continue;
		n = snprintf(out + len, cap - len, "c%u=%llu ", i, (unsigned long long)v);
		ck_assert(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
	}
}

/* The conversation used by the feeding tests: requests from the
 * initiator, responses from the responder, in capture order. */
static const struct pdu conv[][2] = {
	{ P(setup_job), P(setup_ack) },	    { P(szl11_req), P(szl11_resp) },
	{ P(szl1c_req), P(szl1c_resp1) },   { P(szl1c_req2), P(szl1c_resp2) },
	{ P(upl_start_job), P(upl_start_ack) }, { P(set_clock_req), P(set_clock_resp) },
	{ P(write_job), P(write_ack) },	    { P(read_job), P(read_ack) },
	{ P(stop_job), P(stop_ack) },	    { P(modu_job), P(modu_ack) },
	{ P(start_job), P(start_ack) },
};
#define N_CONV (sizeof(conv) / sizeof(conv[0]))

/* Each direction of the conversation as one stream. */
static size_t conv_stream(int dir, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < N_CONV; i++) {
		ck_assert_uint_le(conv[i][dir].n, cap - n);
		memcpy(out + n, conv[i][dir].b, conv[i][dir].n);
		n += conv[i][dir].n;
	}
	return n;
}

/* The conversation fed PDU by PDU, request then response. */
static void conv_whole(int aggregate, char *out, size_t cap)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.rt.aggregate = aggregate;
	for (size_t i = 0; i < N_CONV; i++)
		pair(&t, conv[i][0].b, conv[i][0].n, conv[i][1].b, conv[i][1].n, TS0);
	dis_flow_end(&t.rt, &t.f, TS0 + 999999);
	summarize(&t, out, cap);
	fx_done(&t);
}

/* A DT TPDU (TPKT + class 0 DT header) around data, EOT as given. */
static size_t dt(uint8_t *out, const uint8_t *data, size_t n, int eot)
{
	size_t tl = 7 + n;
	out[0] = 3;
	out[1] = 0;
	out[2] = (uint8_t)(tl >> 8);
	out[3] = (uint8_t)tl;
	out[4] = 2;
	out[5] = 0xf0;
	out[6] = eot ? 0x80 : 0x00;
	memcpy(out + 7, data, n);
	return tl;
}

/* ---- S7comm: one request and response per function ---- */

START_TEST(test_setup_communication)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, setup_job, sizeof(setup_job), setup_ack, sizeof(setup_ack), TS0);
	ck_assert_uint_eq(t.n_ev, 1); /* one event, when the ack-data arrives */
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->proto->name, "s7comm");
	ck_assert_str_eq(ev->action, "setup_communication");
	ck_assert_uint_eq(ev->fclass, DIS_FC_SESSION);
	ck_assert_uint_eq(ev->dir, 0);
	ck_assert_uint_eq(ev->ts_us, TS0); /* the time of the request */
	ck_assert_uint_eq(ev_u(ev, "rosctr"), 1);
	ck_assert_uint_eq(ev_u(ev, "pdu_ref"), 0);
	ck_assert_uint_eq(ev_u(ev, "function_code"), 0xf0);
	ck_ev_str(ev, "function", "setup_communication");
	ck_assert_uint_eq(ev_u(ev, "max_amq_calling"), 1);
	ck_assert_uint_eq(ev_u(ev, "max_amq_called"), 1);
	ck_assert_uint_eq(ev_u(ev, "pdu_size"), 480);
	ck_assert_uint_eq(ev_u(ev, "response.pdu_size"), 240);
	ck_assert(ev_b(ev, "matched"));
	ck_ev_str(ev, "outcome", "acknowledged");
	ck_assert_uint_eq(ev_u(ev, "response_time_us"), 1000);
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_ROSCTR + 1)), 1);
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_JOB_FUNC + 0xf0)), 1);
	ck_assert_uint_eq(ctr(&t, CTR(1, TPKT_C_ROSCTR + 3)), 1);
	ck_assert_uint_eq(ctr(&t, CTR(1, TPKT_C_S7 + S7_C_ACKD_FUNC + 0xf0)), 1);
	fx_done(&t);
}
END_TEST

/* SZL 0x0011 in one response, SZL 0x001c in two userdata fragments: the
 * module identity (as tshark shows it for these frames) is one event per
 * completed list with what is new; the SZL reads themselves are folded. */
START_TEST(test_szl_module_identity)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, szl11_req, sizeof(szl11_req), szl11_resp, sizeof(szl11_resp), TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->action, "module_identity");
	ck_assert_uint_eq(ev->fclass, DIS_FC_DIAGNOSTIC);
	ck_assert_uint_eq(ev->dir, 1);
	ck_ev_str(ev, "identity.order_number", "6ES7 315-2EH14-0AB0");
	ck_ev_str(ev, "identity.firmware_version", "V3.2.7");
	ck_assert_uint_eq(ev_u(ev, "identity.module_type_id"), 0xc0);
	pair(&t, szl1c_req, sizeof(szl1c_req), szl1c_resp1, sizeof(szl1c_resp1), TS0 + 10);
	ck_assert_uint_eq(t.n_ev, 1); /* "last data unit: no": not complete yet */
	pair(&t, szl1c_req2, sizeof(szl1c_req2), szl1c_resp2, sizeof(szl1c_resp2), TS0 + 20);
	ck_assert_uint_eq(t.n_ev, 2);
	ev = &t.ev[1];
	ck_ev_str(ev, "identity.system_name", "S7300/ET200M station_1");
	ck_ev_str(ev, "identity.module_name", "PLC_1");
	ck_ev_str(ev, "identity.serial_number", "S C-B1U393142011");
	ck_ev_str(ev, "identity.module_type", "CPU 315-2 PN/DP");
	ck_ev_str(ev, "identity.copyright", "Original Siemens Equipment");
	ck_assert_ptr_null(ev_field(ev, "identity.plant_id")); /* empty on this CPU */
	ck_assert_uint_eq(ctr(&t, CTR(1, TPKT_C_S7 + S7_C_UD + 4 * S7_UD_SUBS + 1)), 3);
	ck_assert_uint_eq(ctr(&t, CTR(1, TPKT_C_S7 + S7_C_UD_FRAGMENT)), 1);
	dis_flow_end(&t.rt, &t.f, TS0 + 100);
	ck_assert_uint_eq(t.n_ev, 3);
	ev = &t.ev[2];
	ck_assert_str_eq(ev->action, "read_szl");
	ck_assert_uint_eq(ev->count, 3);
	ck_assert_uint_eq(ev_u(ev, "requests"), 3);
	ck_assert_uint_eq(ev_u(ev, "responses"), 3);
	fx_done(&t);
}
END_TEST

/* SZL records longer than the bytes kept of them (S7_SZL_REC_MAX), split
 * across userdata fragments: the first fragment ends 66 bytes into a record
 * (record length patched from 34 to 70), so the second starts past the
 * kept part. Found by fuzz_tpkt (corpus: szl-record-longer-than-kept.bin). */
START_TEST(test_szl_long_records_across_fragments)
{
	uint8_t r1[sizeof(szl1c_resp1)];
	memcpy(r1, szl1c_resp1, sizeof(r1));
	ck_assert_uint_eq(r1[38], 0x22);
	r1[38] = 0x46;
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, szl1c_req, sizeof(szl1c_req), r1, sizeof(r1), TS0);
	pair(&t, szl1c_req2, sizeof(szl1c_req2), szl1c_resp2, sizeof(szl1c_resp2), TS0 + 10);
	pair(&t, setup_job, sizeof(setup_job), setup_ack, sizeof(setup_ack), TS0 + 20);
	ck_assert_uint_eq(count_action(&t, "setup_communication"), 1);
	ck_assert_uint_eq(t.rt.proto[S7_PIDX].malformed, 0);
	fx_done(&t);
}
END_TEST

/* Without folding, each SZL read is an event with its id and index. */
START_TEST(test_szl_not_folded)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.rt.aggregate = 0;
	pair(&t, szl11_req, sizeof(szl11_req), szl11_resp, sizeof(szl11_resp), TS0);
	ck_assert_uint_eq(t.n_ev, 2);
	const struct dis_event *ev = find(&t, "read_szl", 0);
	ck_assert_uint_eq(ev_u(ev, "function_group"), 4);
	ck_ev_str(ev, "function_group_name", "cpu_functions");
	ck_assert_uint_eq(ev_u(ev, "subfunction"), 1);
	ck_assert_uint_eq(ev_u(ev, "szl_id"), 0x0011);
	ck_assert_uint_eq(ev_u(ev, "szl_index"), 0);
	ck_assert_uint_eq(ev_u(ev, "response.szl_id"), 0x0011);
	ck_assert_uint_eq(ev_u(ev, "response.szl_record_length"), 28);
	ck_assert_uint_eq(ev_u(ev, "response.szl_record_count"), 4);
	ck_assert(ev_b(ev, "response.last_data_unit"));
	ck_ev_str(ev, "outcome", "acknowledged");
	fx_done(&t);
}
END_TEST

START_TEST(test_write_var)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, write_job, sizeof(write_job), write_ack, sizeof(write_ack), TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->action, "write_var");
	ck_assert_uint_eq(ev->fclass, DIS_FC_WRITE);
	ck_assert_uint_eq(ev_u(ev, "item_count"), 1);
	ck_ev_str(ev, "items.0.syntax", "s7any");
	ck_ev_str(ev, "items.0.area", "flags");
	ck_assert_uint_eq(ev_u(ev, "items.0.byte_address"), 16);
	ck_ev_str(ev, "items.0.transport_size", "real");
	ck_assert_uint_eq(ev_u(ev, "items.0.length"), 1);
	ck_ev_str(ev, "items.0.value", "79e9f642");
	ck_assert_ptr_null(ev_field(ev, "items.0.db_number"));
	ck_assert_uint_eq(ev_u(ev, "response.items.0.return_code"), 0xff);
	ck_assert_uint_eq(ev_u(ev, "response.items_failed"), 0);
	ck_ev_str(ev, "outcome", "acknowledged");
	fx_done(&t);
}
END_TEST

START_TEST(test_read_var)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, read_job, sizeof(read_job), read_ack, sizeof(read_ack), TS0);
	pair(&t, read_job, sizeof(read_job), read_ack, sizeof(read_ack), TS0 + 10);
	ck_assert_uint_eq(t.n_ev, 0); /* folded */
	dis_flow_end(&t.rt, &t.f, TS0 + 100);
	ck_assert_uint_eq(t.n_ev, 1);
	ck_assert_str_eq(t.ev[0].action, "read_var");
	ck_assert_uint_eq(t.ev[0].fclass, DIS_FC_READ);
	ck_assert_uint_eq(t.ev[0].count, 2);
	ck_assert_uint_eq(ev_u(&t.ev[0], "requests"), 2);
	ck_assert_uint_eq(ev_u(&t.ev[0], "responses"), 2);
	fx_done(&t);

	fx_init(&t, 102);
	t.rt.aggregate = 0;
	pair(&t, read_job, sizeof(read_job), read_ack, sizeof(read_ack), TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->action, "read_var");
	ck_assert_uint_eq(ev_u(ev, "item_count"), 1);
	ck_ev_str(ev, "items.0.syntax", "s7any");
	ck_assert_uint_eq(ev_u(ev, "response.items_returned"), 1);
	ck_ev_str(ev, "outcome", "acknowledged");
	fx_done(&t);
}
END_TEST

START_TEST(test_plc_stop)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, stop_job, sizeof(stop_job), stop_ack, sizeof(stop_ack), TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->action, "plc_stop");
	ck_assert_uint_eq(ev->fclass, DIS_FC_CONTROL);
	ck_assert_uint_eq(ev_u(ev, "function_code"), 0x29);
	ck_ev_str(ev, "pi_service", "P_PROGRAM");
	ck_ev_str(ev, "outcome", "acknowledged");
	fx_done(&t);
}
END_TEST

START_TEST(test_pi_services)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, modu_job, sizeof(modu_job), modu_ack, sizeof(modu_ack), TS0);
	pair(&t, start_job, sizeof(start_job), start_ack, sizeof(start_ack), TS0 + 10);
	pair(&t, dele_job, sizeof(dele_job), dele_ack, sizeof(dele_ack), TS0 + 20);
	ck_assert_uint_eq(t.n_ev, 3);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->action, "copy_ram_to_rom");
	ck_assert_uint_eq(ev->fclass, DIS_FC_PROGRAM);
	ck_ev_str(ev, "pi_service", "_MODU");
	ck_ev_str(ev, "argument", "EP");
	ev = &t.ev[1];
	ck_assert_str_eq(ev->action, "plc_start_cold");
	ck_assert_uint_eq(ev->fclass, DIS_FC_CONTROL);
	ck_ev_str(ev, "pi_service", "P_PROGRAM");
	ck_ev_str(ev, "argument", "C");
	ev = &t.ev[2];
	ck_assert_str_eq(ev->action, "delete_block");
	ck_assert_uint_eq(ev->fclass, DIS_FC_PROGRAM);
	ck_ev_str(ev, "pi_service", "_DELE");
	ck_assert_uint_eq(ev_u(ev, "block_count"), 1);
	ck_ev_str(ev, "blocks.0.block_type", "SDB");
	ck_assert_uint_eq(ev_u(ev, "blocks.0.block_number"), 2000);
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_S7 + S7_C_PLC_START)), 1);
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_JOB_FUNC + 0x28)), 3);
	fx_done(&t);
}
END_TEST

START_TEST(test_download)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, dl_req_job, sizeof(dl_req_job), dl_req_ack, sizeof(dl_req_ack), TS0);
	/* the PLC asks for the block: the job comes from the responder */
	feed(&t, 1, dl_blk_job, sizeof(dl_blk_job), TS0 + 10);
	feed(&t, 0, dl_blk_ack, sizeof(dl_blk_ack), TS0 + 20);
	ck_assert_uint_eq(t.n_ev, 2);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->action, "request_download");
	ck_assert_uint_eq(ev->fclass, DIS_FC_PROGRAM);
	ck_ev_str(ev, "block_type", "DB");
	ck_assert_uint_eq(ev_u(ev, "block_number"), 1);
	ck_ev_str(ev, "filesystem", "P");
	ev = &t.ev[1];
	ck_assert_str_eq(ev->action, "download_block");
	ck_assert_uint_eq(ev->dir, 1);
	ck_ev_str(ev, "block_type", "DB");
	ck_ev_str(ev, "outcome", "acknowledged");
	fx_done(&t);
}
END_TEST

START_TEST(test_upload)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, upl_start_job, sizeof(upl_start_job), upl_start_ack, sizeof(upl_start_ack), TS0);
	pair(&t, upl_err_job, sizeof(upl_err_job), upl_err_ack, sizeof(upl_err_ack), TS0 + 10);
	ck_assert_uint_eq(t.n_ev, 2);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->action, "start_upload");
	ck_assert_uint_eq(ev->fclass, DIS_FC_PROGRAM);
	ck_ev_str(ev, "filename", "_0B00000A");
	ck_ev_str(ev, "block_type", "SDB");
	ck_assert_uint_eq(ev_u(ev, "block_number"), 0);
	ck_assert_uint_eq(ev_u(ev, "response.upload_id"), 7);
	ck_assert_uint_eq(ev_u(ev, "response.block_length"), 216);
	ev = &t.ev[1];
	ck_ev_str(ev, "block_type", "OB");
	ck_assert(ev_b(ev, "response.ack_without_data"));
	ck_assert_uint_eq(ev_u(ev, "response.error_class"), 0xd2);
	ck_assert_uint_eq(ev_u(ev, "response.error_code"), 0x0c);
	ck_ev_str(ev, "outcome", "error");
	fx_done(&t);
}
END_TEST

START_TEST(test_set_clock)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, set_clock_req, sizeof(set_clock_req), set_clock_resp, sizeof(set_clock_resp), TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->action, "set_clock");
	ck_assert_uint_eq(ev->fclass, DIS_FC_WRITE);
	ck_ev_str(ev, "function_group_name", "time_functions");
	ck_ev_str(ev, "clock", "2016-02-08T23:08:10.000"); /* as tshark shows it */
	ck_ev_str(ev, "type", "request");
	ck_ev_str(ev, "response.type", "response");
	ck_ev_str(ev, "outcome", "acknowledged");
	fx_done(&t);
}
END_TEST

/* Userdata security functions and an unknown group, made from the set
 * clock request and response by changing the type/group byte (offset 22)
 * and the subfunction (23): each has its own action, the unknown one keeps
 * its numbers. */
START_TEST(test_userdata_security_and_unknown)
{
	static const struct { uint8_t group, sub; const char *action; enum dis_fclass cls; } cases[] = {
		{ 5, 1, "set_session_password", DIS_FC_SESSION },
		{ 5, 2, "clear_session_password", DIS_FC_SESSION },
		{ 9, 3, "userdata_unknown", DIS_FC_OTHER },
		{ 4, 0x1f, "userdata_unknown", DIS_FC_OTHER },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t q[sizeof(set_clock_req)], r[sizeof(set_clock_resp)];
		memcpy(q, set_clock_req, sizeof(q));
		memcpy(r, set_clock_resp, sizeof(r));
		ck_assert_uint_eq(q[22], 0x47);
		ck_assert_uint_eq(r[22], 0x87);
		q[22] = (uint8_t)(0x40 | cases[i].group);
		r[22] = (uint8_t)(0x80 | cases[i].group);
		q[23] = r[23] = cases[i].sub;
		struct dis_fixture t;
		fx_init(&t, 102);
		pair(&t, q, sizeof(q), r, sizeof(r), TS0);
		ck_assert_uint_eq(t.n_ev, 1);
		const struct dis_event *ev = &t.ev[0];
		ck_assert_str_eq(ev->action, cases[i].action);
		ck_assert_uint_eq(ev->fclass, cases[i].cls);
		ck_assert_uint_eq(ev_u(ev, "function_group"), cases[i].group);
		ck_assert_uint_eq(ev_u(ev, "subfunction"), cases[i].sub);
		ck_ev_str(ev, "outcome", "acknowledged");
		fx_done(&t);
	}
}
END_TEST

/* Jobs never answered: one "unanswered" event each at flow end, the
 * oldest emitted early when the table is full. */
START_TEST(test_unanswered_and_table_full)
{
	struct dis_fixture t;
	uint8_t b[sizeof(write_job)];
	fx_init(&t, 102);
	memcpy(b, write_job, sizeof(b));
	for (unsigned i = 0; i < S7_PENDING + 4; i++) {
		b[11] = (uint8_t)i; /* PDU reference */
		feed(&t, 0, b, sizeof(b), TS0 + i);
	}
	ck_assert_uint_eq(t.n_ev, 4);
	ck_assert_uint_eq(ctr(&t, TPKT_C_S7_GLOBAL + S7_G_PENDING_EVICTED), 4);
	dis_flow_end(&t.rt, &t.f, TS0 + 100);
	ck_assert_uint_eq(t.n_ev, S7_PENDING + 4);
	for (unsigned i = 0; i < t.n_ev; i++) {
		ck_ev_str(&t.ev[i], "outcome", "unanswered");
		ck_assert(!ev_b(&t.ev[i], "matched"));
		ck_assert_uint_eq(t.ev[i].ts_us, TS0 + i);
	}
	fx_done(&t);
}
END_TEST

/* ---- S7comm-plus ---- */

START_TEST(test_plus_session_and_write)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, plus_create_req, sizeof(plus_create_req), plus_create_resp,
	     sizeof(plus_create_resp), TS0);
	pair(&t, plus_setmulti_req, sizeof(plus_setmulti_req), plus_setmulti_resp,
	     sizeof(plus_setmulti_resp), TS0 + 10);
	ck_assert_uint_eq(t.n_ev, 2);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->proto->name, "s7comm_plus");
	ck_assert_str_eq(ev->action, "create_session");
	ck_assert_uint_eq(ev->fclass, DIS_FC_SESSION);
	ck_assert_uint_eq(ev_u(ev, "protocol_version"), 1);
	ck_ev_str(ev, "version", "v1");
	ck_assert_uint_eq(ev_u(ev, "opcode"), 0x31);
	ck_assert_uint_eq(ev_u(ev, "function_code"), 0x04ca);
	ck_ev_str(ev, "function", "create_object");
	ck_assert_uint_eq(ev_u(ev, "sequence_number"), 1);
	ck_assert_uint_eq(ev_u(ev, "session_id"), 0x120);
	ck_assert(!ev_b(ev, "integrity"));
	ck_ev_str(ev, "outcome", "acknowledged");
	ev = &t.ev[1];
	ck_assert_str_eq(ev->action, "set_multi_variables");
	ck_assert_uint_eq(ev->fclass, DIS_FC_WRITE);
	ck_ev_str(ev, "version", "v2");
	ck_assert_uint_eq(ev_u(ev, "sequence_number"), 2);
	ck_ev_str(ev, "outcome", "acknowledged");
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_S7 + S7_C_PLUS_V1)), 1);
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_S7 + S7_C_PLUS_V2)), 1);
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_S7COMMP)), 2);
	fx_done(&t);
}
END_TEST

START_TEST(test_plus_v3_integrity)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	t.rt.aggregate = 0;
	feed(&t, 0, plus_v3_setvar_req, sizeof(plus_v3_setvar_req), TS0);
	pair(&t, plus_v3_getmulti_req, sizeof(plus_v3_getmulti_req), plus_v3_getmulti_resp,
	     sizeof(plus_v3_getmulti_resp), TS0 + 10);
	ck_assert_uint_eq(t.n_ev, 1);
	const struct dis_event *ev = &t.ev[0];
	ck_assert_str_eq(ev->action, "get_multi_variables");
	ck_assert_uint_eq(ev->fclass, DIS_FC_READ);
	ck_ev_str(ev, "version", "v3");
	ck_assert(ev_b(ev, "integrity"));
	ck_assert_uint_eq(ev_u(ev, "sequence_number"), 0x831d);
	ck_assert_uint_eq(ev_u(ev, "session_id"), 0x70000e4d);
	ck_ev_str(ev, "outcome", "acknowledged");
	dis_flow_end(&t.rt, &t.f, TS0 + 100);
	ck_assert_uint_eq(t.n_ev, 2);
	ev = &t.ev[1];
	ck_assert_str_eq(ev->action, "set_variable");
	ck_assert_uint_eq(ev->fclass, DIS_FC_WRITE);
	ck_assert_uint_eq(ev_u(ev, "sequence_number"), 0x831a);
	ck_ev_str(ev, "outcome", "unanswered");
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_S7 + S7_C_PLUS_V3)), 2);
	fx_done(&t);
}
END_TEST

/* A SetVariable of the CPU's requested operating state (object 52,
 * attribute 2167, as the S7comm-plus Wireshark plugin documents it in
 * /work/shared/pcaps/README.md) is a stop or a start, built by hand after
 * the layout of plus_setmulti_req: V2 request, sequence 5, session 0x3be,
 * then object id, item count 1, address count 1, attribute 2167 (VLQ 0x90
 * 0x77), item 1, value flags 0, datatype 4 (UDInt), value. */
START_TEST(test_plus_opstate)
{
	static const uint8_t stop[] = {
		0x03, 0x00, 0x00, 0x2c, 0x02, 0xf0, 0x80, 0x72, 0x02, 0x00, 0x1d, 0x31,
		0x00, 0x00, 0x04, 0xf2, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x03, 0xbe,
		0x34, 0x00, 0x00, 0x00, 0x34, 0x01, 0x01, 0x90, 0x77, 0x01, 0x00, 0x04,
		0x01, 0x00, 0x00, 0x00, 0x72, 0x02, 0x00, 0x00,
	};
	uint8_t run[sizeof(stop)];
	memcpy(run, stop, sizeof(run));
	run[36] = 0x03;
	run[19] = 0x06;
	struct dis_fixture t;
	fx_init(&t, 102);
	feed(&t, 0, stop, sizeof(stop), TS0);
	feed(&t, 0, run, sizeof(run), TS0 + 1);
	dis_flow_end(&t.rt, &t.f, TS0 + 100);
	ck_assert_uint_eq(t.n_ev, 2);
	ck_assert_str_eq(t.ev[0].action, "plc_stop");
	ck_assert_uint_eq(t.ev[0].fclass, DIS_FC_CONTROL);
	ck_assert_uint_eq(ev_u(&t.ev[0], "operating_state"), 1);
	ck_assert_str_eq(t.ev[1].action, "plc_start");
	ck_assert_uint_eq(ev_u(&t.ev[1], "operating_state"), 3);
	fx_done(&t);
}
END_TEST

/* Unknown S7comm-plus versions and functions are counted and named, never
 * a parse failure for the flow. */
START_TEST(test_plus_unknown_version_function)
{
	uint8_t b[sizeof(plus_setmulti_req)];
	memcpy(b, plus_setmulti_req, sizeof(b));
	b[8] = 0x09;      /* version 9 */
	b[14] = 0x07;     /* function 0x07ff */
	b[15] = 0xff;
	b[sizeof(b) - 3] = 0x09; /* the trailer repeats the version */
	struct dis_fixture t;
	fx_init(&t, 102);
	t.rt.aggregate = 0;
	feed(&t, 0, b, sizeof(b), TS0);
	pair(&t, plus_setmulti_req, sizeof(plus_setmulti_req), plus_setmulti_resp,
	     sizeof(plus_setmulti_resp), TS0 + 10);
	dis_flow_end(&t.rt, &t.f, TS0 + 100);
	ck_assert_uint_eq(t.rt.proto[S7_PIDX].malformed, 0);
	ck_assert_uint_eq(count_action(&t, "s7comm_plus_unknown_version"), 1);
	ck_assert_uint_eq(count_action(&t, "set_multi_variables"), 1);
	const struct dis_event *ev = find(&t, "unknown_function", 0);
	ck_assert_uint_eq(ev_u(ev, "function_code"), 0x07ff);
	ck_ev_str(ev, "version", "unknown");
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_S7 + S7_C_PLUS_VOTHER)), 1);
	fx_done(&t);
}
END_TEST

/* ---- COTP reassembly ---- */

/* The write var job cut into two DT TPDUs at every point (EOT clear, then
 * set) gives the events of the whole TPDU. */
START_TEST(test_cotp_fragmented)
{
	size_t k = (size_t)_i + 1; /* bytes of S7 PDU in the first DT */
	const uint8_t *s7 = write_job + 7;
	size_t n = sizeof(write_job) - 7;
	uint8_t a[64], b[64];
	char want[4096], got[4096];
	if (k >= n)
		return;
	size_t la = dt(a, s7, k, 0), lb = dt(b, s7 + k, n - k, 1);

	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, write_job, sizeof(write_job), write_ack, sizeof(write_ack), TS0);
	ck_assert_uint_eq(t.n_ev, 1);
	summarize(&t, want, sizeof(want));
	fx_done(&t);

	fx_init(&t, 102);
	feed(&t, 0, a, la, TS0);
	ck_assert_uint_eq(t.n_ev, 0);
	feed(&t, 0, b, lb, TS0);
	feed(&t, 1, write_ack, sizeof(write_ack), TS0 + 1000);
	ck_assert_uint_eq(t.n_ev, 1);
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_DT_FRAGMENTED)), 1);
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_DT)), 2);
	/* the same event; the counters differ by the two DTs and the
	 * reassembly, so compare the event lines only */
	summarize(&t, got, sizeof(got));
	*strchr(want, '\n') = '\0';
	*strchr(got, '\n') = '\0';
	ck_assert_str_eq(got, want);
	fx_done(&t);
}
END_TEST

/* A TSDU longer than the reassembly buffer is cut, counted and decoded
 * from its start; the next TSDU is whole again. */
START_TEST(test_cotp_oversized_tsdu)
{
	static uint8_t part[600];
	uint8_t tp[700];
	struct dis_fixture t;
	fx_init(&t, 102);
	memcpy(part, read_job + 7, sizeof(read_job) - 7);
	part[8] = 0x10; /* data length 0x1000: far more than we keep */
	for (int i = 0; i < 3; i++) {
		size_t l = dt(tp, part, sizeof(part), 0);
		feed(&t, 0, tp, l, TS0);
	}
	size_t l = dt(tp, part, 10, 1);
	feed(&t, 0, tp, l, TS0);
	ck_assert_uint_eq(ctr(&t, TPKT_C_S7_GLOBAL + S7_G_TRUNCATED), 1);
	ck_assert_uint_eq(ctr(&t, CTR(0, TPKT_C_JOB_FUNC + 0x04)), 1);
	feed(&t, 0, setup_job, sizeof(setup_job), TS0 + 1);
	feed(&t, 1, setup_ack, sizeof(setup_ack), TS0 + 2);
	ck_assert_uint_eq(count_action(&t, "setup_communication"), 1);
	ck_assert_uint_eq(t.rt.proto[S7_PIDX].malformed, 0);
	fx_done(&t);
}
END_TEST

/* ---- feeding: byte at a time, two PDUs per chunk ---- */

static void feed_conv_chunks(struct dis_fixture *t, size_t chunk)
{
	static uint8_t s[2][8192];
	size_t n[2];
	for (int d = 0; d < 2; d++)
		n[d] = conv_stream(d, s[d], sizeof(s[d]));
	/* request i, then response i, chunk bytes at a time within each */
	size_t off[2] = { 0, 0 };
	for (size_t i = 0; i < N_CONV; i++)
		for (int d = 0; d < 2; d++) {
			size_t end = off[d] + conv[i][d].n;
			while (off[d] < end) {
				size_t c = end - off[d] < chunk ? end - off[d] : chunk;
				feed(t, d, s[d] + off[d], c, TS0);
				off[d] += c;
			}
		}
	ck_assert_uint_eq(off[0], n[0]);
	ck_assert_uint_eq(off[1], n[1]);
}

START_TEST(test_byte_at_a_time)
{
	static char want[65536], got[65536];
	int aggregate = _i;
	conv_whole(aggregate, want, sizeof(want));
	struct dis_fixture t;
	fx_init(&t, 102);
	t.rt.aggregate = aggregate;
	feed_conv_chunks(&t, 1);
	dis_flow_end(&t.rt, &t.f, TS0 + 999999);
	summarize(&t, got, sizeof(got));
	ck_assert_str_eq(got, want);
	fx_done(&t);
}
END_TEST

START_TEST(test_two_pdus_per_chunk)
{
	static char want[65536], got[65536];
	static uint8_t s[2][8192];
	conv_whole(1, want, sizeof(want));
	struct dis_fixture t;
	fx_init(&t, 102);
	/* requests two by two: the first of each pair is answered only after
	 * the second was sent, as a pipelining client would */
	for (size_t i = 0; i + 1 < N_CONV; i += 2) {
		size_t n = cat2(s[0], sizeof(s[0]), conv[i][0].b, conv[i][0].n, conv[i + 1][0].b,
				conv[i + 1][0].n);
		size_t m = cat2(s[1], sizeof(s[1]), conv[i][1].b, conv[i][1].n, conv[i + 1][1].b,
				conv[i + 1][1].n);
		feed(&t, 0, s[0], n, TS0);
		feed(&t, 1, s[1], m, TS0 + 1000);
	}
	pair(&t, conv[N_CONV - 1][0].b, conv[N_CONV - 1][0].n, conv[N_CONV - 1][1].b,
	     conv[N_CONV - 1][1].n, TS0);
	dis_flow_end(&t.rt, &t.f, TS0 + 999999);
	summarize(&t, got, sizeof(got));
	ck_assert_str_eq(got, want);
	fx_done(&t);
}
END_TEST

/* S7 on a port that is not 102 (nDPI would call it SQL Server on 1433):
 * recognised by content, same events as on port 102. */
START_TEST(test_other_port)
{
	static char want[65536], got[65536];
	conv_whole(1, want, sizeof(want));
	struct dis_fixture t;
	fx_init(&t, 1433);
	for (size_t i = 0; i < N_CONV; i++)
		pair(&t, conv[i][0].b, conv[i][0].n, conv[i][1].b, conv[i][1].n, TS0);
	ck_assert_ptr_eq(t.f.dis->proto, &tpkt_proto);
	dis_flow_end(&t.rt, &t.f, TS0 + 999999);
	summarize(&t, got, sizeof(got));
	ck_assert_str_eq(got, want);
	fx_done(&t);
}
END_TEST

/* ---- truncation and lying lengths ---- */

static const struct pdu all_pdus[] = {
	P(setup_job), P(setup_ack), P(szl11_req), P(szl11_resp), P(szl1c_req),
	P(szl1c_resp1), P(szl1c_req2), P(szl1c_resp2), P(upl_start_job), P(upl_start_ack),
	P(upl_err_job), P(upl_err_ack), P(set_clock_req), P(set_clock_resp), P(write_job),
	P(write_ack), P(read_job), P(read_ack), P(stop_job), P(stop_ack), P(modu_job),
	P(modu_ack), P(start_job), P(start_ack), P(dele_job), P(dele_ack), P(dl_req_job),
	P(dl_req_ack), P(dl_blk_job), P(dl_blk_ack), P(plus_create_req), P(plus_create_resp),
	P(plus_setmulti_req), P(plus_setmulti_resp), P(plus_v3_setvar_req),
	P(plus_v3_getmulti_req), P(plus_v3_getmulti_resp),
};
#define N_ALL (sizeof(all_pdus) / sizeof(all_pdus[0]))

/* Every prefix of every TPKT: the framing waits for the rest (no PDU is
 * parsed OK) and the flow end returns every buffer. */
START_TEST(test_every_prefix_tpkt)
{
	const struct pdu *p = &all_pdus[_i];
	struct dis_fixture t;
	fx_init(&t, 102);
	for (size_t k = 1; k < p->n; k++) {
		feed(&t, 0, setup_job, sizeof(setup_job), TS0); /* attach first */
		uint64_t pdus = t.rt.proto[S7_PIDX].pdus;
		feed(&t, 0, p->b, k, TS0 + 1);
		ck_assert_uint_eq(t.rt.proto[S7_PIDX].pdus, pdus);
		dis_flow_end(&t.rt, &t.f, TS0 + 2);
		ck_assert_ptr_null(t.f.dis);
		ck_assert_uint_eq(t.rt.st.buf_bytes, 0);
		flow_reset(&t, 102);
		t.n_ev = 0;
	}
	fx_done(&t);
}
END_TEST

/* Every prefix of every S7 PDU in a TPKT whose length says exactly that
 * much (an exact-size heap copy): decoded without reading past it, as a
 * request and as a response, with folding on and off. */
START_TEST(test_every_prefix_s7)
{
	const struct pdu *p = &all_pdus[_i];
	uint8_t b[1100];
	for (int mode = 0; mode < 4; mode++) {
		/* one runtime per mode, a new flow per prefix (a runtime per
		 * prefix is slow under ASan) */
		struct dis_fixture t;
		fx_init(&t, 102);
		t.rt.aggregate = mode & 1;
		int dir = mode >> 1;
		for (size_t k = 1; k + 7 < p->n; k++) {
			/* a request first, so a response prefix finds something */
			feed(&t, 0, setup_job, sizeof(setup_job), TS0);
			size_t l = dt(b, p->b + 7, k, 1);
			feed(&t, dir, b, l, TS0 + 1);
			feed(&t, dir, p->b, p->n, TS0 + 2);
			ck_assert_uint_eq(t.rt.proto[S7_PIDX].malformed, 0);
			dis_flow_end(&t.rt, &t.f, TS0 + 3);
			ck_assert_ptr_null(t.f.dis);
			ck_assert_uint_eq(t.rt.st.buf_bytes, 0);
			flow_reset(&t, 102);
			t.n_ev = 0;
		}
		fx_done(&t);
	}
}
END_TEST

/* Length fields that lie, each in an exact-size copy: S7 parameter and
 * data lengths past the TSDU, item counts and lengths past the items, SZL
 * record lengths of 0 and 0xffff, S7comm-plus data length 0xffff, a
 * userdata parameter length of 0xff. None is a parse failure of the flow. */
START_TEST(test_lying_lengths)
{
	struct lie { const uint8_t *b; size_t n; size_t at; uint8_t v; const char *anomaly; };
	const struct lie lies[] = {
		{ L(write_job), 13, 0xff, "s7comm_length_mismatch" },  /* param length hi */
		{ L(write_job), 15, 0xff, "s7comm_length_mismatch" },  /* data length hi */
		{ L(write_job), 18, 0xff, NULL },                       /* item count 255 */
		{ L(write_job), 20, 0xff, NULL },                       /* item spec length */
		{ L(write_job), 31, 0xff, NULL },                       /* data item length hi */
		{ L(read_ack), 20, 0x7f, NULL },                        /* item count */
		{ L(szl11_resp), 29, 0x00, NULL },                      /* SZL record length hi */
		{ L(szl11_resp), 30, 0x00, NULL },                      /* SZL record length 0 */
		{ L(szl11_resp), 30, 0xff, NULL },                      /* record length 0x00ff */
		{ L(szl11_resp), 31, 0xff, NULL },                      /* record count 0xff04 */
		{ L(szl11_resp), 17, 0xff, NULL },                      /* userdata param length */
		{ L(plus_setmulti_req), 9, 0xff, NULL },                /* S7+ data length hi */
		{ L(plus_setmulti_req), 10, 0xff, NULL },
		{ L(dele_job), 26, 0xff, NULL },                        /* PI parameter length */
		{ L(dl_req_job), 28, 0xff, NULL },                      /* file name length */
	};
	for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		uint8_t b[512];
		ck_assert_uint_lt(lies[i].at, lies[i].n);
		memcpy(b, lies[i].b, lies[i].n);
		b[lies[i].at] = lies[i].v;
		struct dis_fixture t;
		fx_init(&t, 102);
		t.rt.aggregate = 0;
		feed(&t, 0, b, lies[i].n, TS0);
		feed(&t, 1, b, lies[i].n, TS0 + 1);
		feed(&t, 0, setup_job, sizeof(setup_job), TS0 + 2);
		feed(&t, 1, setup_ack, sizeof(setup_ack), TS0 + 3);
		ck_assert_msg(count_action(&t, "setup_communication") == 1, "lie %zu", i);
		if (lies[i].anomaly)
			ck_assert_msg(count_action(&t, lies[i].anomaly) >= 1, "lie %zu", i);
		ck_assert_uint_eq(t.rt.proto[S7_PIDX].malformed, 0);
		fx_done(&t);
	}
}
END_TEST

/* A gap in the middle of a PDU: the partial PDU and the pending SZL list
 * are dropped, the anomaly is counted, and the next PDU decodes. */
START_TEST(test_gap_mid_pdu)
{
	struct dis_fixture t;
	fx_init(&t, 102);
	pair(&t, szl1c_req, sizeof(szl1c_req), szl1c_resp1, sizeof(szl1c_resp1), TS0);
	feed(&t, 0, write_job, 20, TS0 + 1);
	dis_stream_gap(&t.rt, &t.f, 0, (uint32_t)sizeof(write_job) - 20, TS0 + 2);
	dis_stream_gap(&t.rt, &t.f, 1, 100, TS0 + 2);
	pair(&t, setup_job, sizeof(setup_job), setup_ack, sizeof(setup_ack), TS0 + 3);
	ck_assert_uint_eq(count_action(&t, "stream_gap"), 2);
	ck_assert_uint_eq(count_action(&t, "setup_communication"), 1);
	ck_assert_uint_eq(count_action(&t, "write_var"), 0);
	ck_assert_uint_eq(t.rt.proto[S7_PIDX].gaps, 2);
	ck_assert_uint_eq(t.rt.proto[S7_PIDX].anomalies, 2);
	fx_done(&t);
}
END_TEST

START_TEST(test_counter_names)
{
	char b[128];
	ck_assert_int_eq(tpkt_proto.counter_name(CTR(1, TPKT_C_S7 + S7_C_ACKD_FUNC + 0x04), b,
						 sizeof(b)), 0);
	ck_assert_str_eq(b, "from_responder.s7comm.ack_data.read_var");
	ck_assert_int_eq(tpkt_proto.counter_name(CTR(0, TPKT_C_S7 + S7_C_UD + 4 * S7_UD_SUBS + 1),
						 b, sizeof(b)), 0);
	ck_assert_str_eq(b, "from_initiator.s7comm.userdata.cpu_functions.read_szl");
	ck_assert_int_eq(tpkt_proto.counter_name(CTR(0, TPKT_C_S7 + S7_C_UD + 9 * S7_UD_SUBS + 3),
						 b, sizeof(b)), 0);
	ck_assert_str_eq(b, "from_initiator.s7comm.userdata.group_9.subfunction_3");
	ck_assert_int_eq(tpkt_proto.counter_name(CTR(0, TPKT_C_S7 + S7_C_PLUS_REQ + 3), b,
						 sizeof(b)), 0);
	ck_assert_str_eq(b, "from_initiator.s7comm_plus.request.set_variable");
	ck_assert_int_eq(tpkt_proto.counter_name(CTR(0, TPKT_C_S7 + S7_C_PLC_START), b, sizeof(b)),
			 0);
	ck_assert_str_eq(b, "from_initiator.s7comm.job.plc_start");
	ck_assert_int_eq(tpkt_proto.counter_name(TPKT_C_S7_GLOBAL + S7_G_UNMATCHED, b, sizeof(b)),
			 0);
	ck_assert_str_eq(b, "s7.table.responses_without_request");
	ck_assert_int_eq(tpkt_proto.counter_name(TPKT_N_COUNTERS, b, sizeof(b)), -1);
	/* every counter has a name that fits */
	for (unsigned i = 0; i < TPKT_N_COUNTERS; i++)
		ck_assert_int_eq(tpkt_proto.counter_name(i, b, sizeof(b)), 0);
}
END_TEST

static Suite *s7comm_suite(void)
{
	Suite *s = suite_create("s7comm");
	TCase *tc = tcase_create("s7comm");
	tcase_add_test(tc, test_setup_communication);
	tcase_add_test(tc, test_szl_module_identity);
	tcase_add_test(tc, test_szl_not_folded);
	tcase_add_test(tc, test_szl_long_records_across_fragments);
	tcase_add_test(tc, test_write_var);
	tcase_add_test(tc, test_read_var);
	tcase_add_test(tc, test_plc_stop);
	tcase_add_test(tc, test_pi_services);
	tcase_add_test(tc, test_download);
	tcase_add_test(tc, test_upload);
	tcase_add_test(tc, test_set_clock);
	tcase_add_test(tc, test_userdata_security_and_unknown);
	tcase_add_test(tc, test_unanswered_and_table_full);
	tcase_add_test(tc, test_counter_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("s7comm_plus");
	tcase_add_test(tc, test_plus_session_and_write);
	tcase_add_test(tc, test_plus_v3_integrity);
	tcase_add_test(tc, test_plus_opstate);
	tcase_add_test(tc, test_plus_unknown_version_function);
	suite_add_tcase(s, tc);
	tc = tcase_create("cotp");
	tcase_add_loop_test(tc, test_cotp_fragmented, 0, (int)sizeof(write_job) - 8);
	tcase_add_test(tc, test_cotp_oversized_tsdu);
	suite_add_tcase(s, tc);
	tc = tcase_create("feeding");
	tcase_add_loop_test(tc, test_byte_at_a_time, 0, 2);
	tcase_add_test(tc, test_two_pdus_per_chunk);
	tcase_add_test(tc, test_other_port);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_every_prefix_tpkt, 0, (int)N_ALL);
	tcase_add_loop_test(tc, test_every_prefix_s7, 0, (int)N_ALL);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_gap_mid_pdu);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(s7comm_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
