/* tftp.h - TFTP (RFC 1350) read and write requests, for design-data hygiene.
 *
 * TFTP runs over UDP, which the stream framework does not carry: the capture
 * engine hands the first datagram of a flow to port 69 to dis_tftp_datagram(),
 * which reports the requested file name. The transfer itself runs between two
 * other ports (a flow of its own, classified by nDPI).
 */
#ifndef ZW_TFTP_H
#define ZW_TFTP_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/dis.h"

#define TFTP_PORT 69
#define TFTP_RRQ 1
#define TFTP_WRQ 2

struct tftp_req {
	int opcode;                /* TFTP_RRQ or TFTP_WRQ */
	const uint8_t *file;
	size_t file_len;
	const uint8_t *mode;       /* "octet", "netascii", "mail" */
	size_t mode_len;
	unsigned options;          /* RFC 2347 option pairs after the mode */
};

/* Parses a read or write request: 0, or -1 when the datagram is not one
 * (other opcodes, a missing NUL, an empty file name or mode). */
int tftp_parse_request(const uint8_t *p, size_t len, struct tftp_req *r);

/* One UDP datagram of flow f in direction dir: a request to port 69 becomes
 * a tftp_read / tftp_write event (file.name, mode), anything else to port
 * 69 a counted anomaly. */
void dis_tftp_datagram(struct dis_runtime *rt, struct flow *f, int dir, const uint8_t *p,
		       size_t len, uint64_t ts_us);

extern const struct dis_proto tftp_proto;

#endif /* ZW_TFTP_H */
