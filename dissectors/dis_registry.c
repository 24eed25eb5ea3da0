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

/* The well-known ports of the non-passive dissectors, gathered once before
 * main() (and before any thread): dis_tcp_port_hint() is asked about every
 * handshake packet's ports. */
static uint16_t hint_ports[DIS_MAX_PROTOS];
static unsigned n_hint_ports;

__attribute__((constructor)) static void hint_ports_init(void)
{
	for (unsigned i = 0; dis_protos[i] && n_hint_ports < DIS_MAX_PROTOS; i++)
		if (!dis_protos[i]->passive) /* one without a port answers for 0 */
			hint_ports[n_hint_ports++] = dis_protos[i]->tcp_port;
}

int dis_tcp_port_hint(uint16_t port)
{
	for (unsigned i = 0; i < n_hint_ports; i++)
		if (hint_ports[i] == port)
			return 1;
	return 0;
}
