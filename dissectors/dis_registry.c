/* dis_registry.c - the one list of protocol dissectors.
 *
 * Adding a protocol: one file exporting a const struct dis_proto, one line
 * here, and its tests. Order matters only among protocols whose probes could
 * both accept the same bytes: earlier wins.
 */
#include "config.h"

#include <string.h>

#include "dissectors/dis.h"
#include "dissectors/mbtcp.h"
#include "dissectors/opcua.h"
#include "dissectors/sess.h"
#include "dissectors/tftp.h"
#include "dissectors/tpkt.h"

const struct dis_proto *const dis_protos[] = {
	&mbtcp_proto,
	&tpkt_proto,
	&opcua_proto,
	/* passive session dissectors (sess.h): after the OT protocols, so
	 * their probes never take an OT flow; SMTP before FTP, whose probes
	 * both see a "220" greeting */
	&rdp_proto,
	&ssh_proto,
	&vnc_proto,
	&telnet_proto,
	&smtp_proto,
	&ftp_proto,
	&http_proto,
	&tftp_proto, /* UDP requests only, through dis_tftp_datagram() */
	NULL,
};

unsigned dis_proto_count(void)
{
	return (unsigned)(sizeof(dis_protos) / sizeof(dis_protos[0]) - 1);
}

const struct dis_proto *dis_proto_by_name(const char *name)
{
	for (unsigned i = 0; dis_protos[i]; i++)
		if (strcmp(dis_protos[i]->name, name) == 0)
			return dis_protos[i];
	return NULL;
}

int dis_proto_index(const struct dis_proto *p)
{
	for (unsigned i = 0; dis_protos[i]; i++)
		if (dis_protos[i] == p)
			return (int)i;
	return -1;
}

/* Gathered once before main() (and before any thread): the well-known
 * ports of the non-passive dissectors, which dis_tcp_port_hint() is asked
 * about for every handshake packet, and a bit per port that some dissector
 * has, which tells dis_tcp_port_match() at once that most flows match none. */
static uint16_t hint_ports[DIS_MAX_PROTOS];
static unsigned n_hint_ports;
static uint8_t port_used[65536 / 8];

__attribute__((constructor)) static void ports_init(void)
{
	for (unsigned i = 0; dis_protos[i] && i < DIS_MAX_PROTOS; i++) {
		uint16_t tp = dis_protos[i]->tcp_port;
		if (!dis_protos[i]->passive) /* one without a port answers for 0 */
			hint_ports[n_hint_ports++] = tp;
		if (tp)
			port_used[tp >> 3] |= (uint8_t)(1u << (tp & 7));
	}
}

unsigned dis_tcp_port_match(uint16_t p0, uint16_t p1)
{
	if (!((port_used[p0 >> 3] >> (p0 & 7)) & 1) && !((port_used[p1 >> 3] >> (p1 & 7)) & 1))
		return 0;
	unsigned match = 0;
	for (unsigned i = 0; dis_protos[i] && i < DIS_MAX_PROTOS; i++) {
		uint16_t tp = dis_protos[i]->tcp_port;
		if (tp && (tp == p0 || tp == p1))
			match |= 1u << i;
	}
	return match;
}

int dis_tcp_port_hint(uint16_t port)
{
	for (unsigned i = 0; i < n_hint_ports; i++)
		if (hint_ports[i] == port)
			return 1;
	return 0;
}
