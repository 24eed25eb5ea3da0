/* out_stats.c - engine statistics as one JSON object and as text. The text
 * form doubles as a protocol summary of a replayed capture. */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "dissectors/dis_ndpi.h"
#include "output/out_json.h"

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static const char *ethertype_name(uint16_t t)
{
	switch (t) {
	case 0x0000: return "llc";
	case 0x0806: return "arp";
	case 0x88cc: return "lldp";
	case 0x8892: return "profinet";
	case 0x88a4: return "ethercat";
	case 0x88b8: return "iec61850_goose";
	case 0x88ba: return "iec61850_sv";
	case 0x88f7: return "ptp";
	case 0x8863: return "pppoe_discovery";
	case 0x8864: return "pppoe_session";
	case 0x888e: return "eapol";
	case 0x88e5: return "macsec";
	case 0x8809: return "slow_protocols";
	default: return NULL;
	}
}

static const char *ipproto_name(unsigned p)
{
	switch (p) {
	case 1: return "icmp";
	case 2: return "igmp";
	case 47: return "gre";
	case 50: return "esp";
	case 51: return "ah";
	case 58: return "icmpv6";
	case 89: return "ospf";
	case 103: return "pim";
	case 112: return "vrrp";
	case 132: return "sctp";
	default: return NULL;
	}
}

json_object *out_stats_json(const struct cap_engine *e)
{
	char name[96];
	json_object *root = json_object_new_object();

	json_object *cap = json_object_new_object();
	add_u64(cap, "packets", e->cs.packets);
	add_u64(cap, "bytes", e->cs.bytes);
	add_u64(cap, "files", e->cs.files);
	add_u64(cap, "files_failed", e->cs.files_failed);
	add_u64(cap, "read_errors", e->cs.read_errors);
	add_u64(cap, "files_direct", e->cs.files_direct);
	add_u64(cap, "time_backwards", e->cs.time_backwards);
	add_u64(cap, "pcap_received", e->cs.pcap_recv);
	add_u64(cap, "pcap_dropped", e->cs.pcap_drop);
	add_u64(cap, "pcap_interface_dropped", e->cs.pcap_ifdrop);
	json_object_object_add(root, "capture", cap);

	const struct dec_stats *ds = &e->ds;
	json_object *dec = json_object_new_object();
	add_u64(dec, "ipv4", ds->ip4);
	add_u64(dec, "ipv6", ds->ip6);
	add_u64(dec, "tcp", ds->tcp);
	add_u64(dec, "udp", ds->udp);
	add_u64(dec, "ipv4_fragments", ds->ip4_fragments);
	add_u64(dec, "ipv6_fragments", ds->ip6_fragments);
	add_u64(dec, "ipv4_options", ds->ip4_options);
	add_u64(dec, "ipv6_extension_headers", ds->ip6_ext_headers);
	add_u64(dec, "snaplen_truncated", ds->snap_truncated);
	json_object *errs = json_object_new_object();
	for (int i = 0; i < DEC_ERR__COUNT; i++)
		if (ds->err[i])
			add_u64(errs, dec_err_name((enum dec_err)i), ds->err[i]);
	json_object_object_add(dec, "errors", errs);
	json_object *other = json_object_new_object();
	for (unsigned p = 0; p < 256; p++) {
		if (!ds->ip_proto[p])
			continue;
		const char *n = ipproto_name(p);
		if (!n) {
			snprintf(name, sizeof(name), "ip_proto_%u", p);
			n = name;
		}
		add_u64(other, n, ds->ip_proto[p]);
	}
	json_object_object_add(dec, "other_ip", other);
	json_object *nonip = json_object_new_object();
	for (unsigned i = 0; i < DEC_ETHERTYPE_SLOTS && ds->ethertype_count[i]; i++) {
		const char *n = ethertype_name(ds->ethertype[i]);
		if (!n) {
			snprintf(name, sizeof(name), "ethertype_0x%04x", ds->ethertype[i]);
			n = name;
		}
		add_u64(nonip, n, ds->ethertype_count[i]);
	}
	if (ds->ethertype_other)
		add_u64(nonip, "other", ds->ethertype_other);
	json_object_object_add(dec, "non_ip", nonip);
	json_object_object_add(root, "decode", dec);

	const struct flow_stats *fs = &e->ft.st;
	json_object *fl = json_object_new_object();
	add_u64(fl, "created", fs->created);
	add_u64(fl, "active", fs->active);
	add_u64(fl, "max_active", fs->max_active);
	add_u64(fl, "capacity", e->ft.cap);
	add_u64(fl, "tcp_midstream", fs->tcp_midstream);
	json_object *ended = json_object_new_object();
	for (int r = 0; r <= FLOW_END_EXIT; r++)
		add_u64(ended, flow_end_reason_name((enum flow_end_reason)r), fs->ended[r]);
	json_object_object_add(fl, "ended", ended);
	json_object_object_add(root, "flows", fl);

	const struct reasm_stats *rs = &e->rp.st;
	json_object *ra = json_object_new_object();
	add_u64(ra, "delivered_bytes", rs->delivered_bytes);
	add_u64(ra, "in_order_segments", rs->in_order_segments);
	add_u64(ra, "out_of_order_segments", rs->ooo_segments);
	add_u64(ra, "retransmissions", rs->retransmissions);
	add_u64(ra, "overlaps", rs->overlaps);
	add_u64(ra, "overlap_bytes", rs->overlap_bytes);
	add_u64(ra, "gaps", rs->gaps);
	add_u64(ra, "gap_bytes", rs->gap_bytes);
	add_u64(ra, "memcap_hits", rs->memcap_hits);
	add_u64(ra, "depth_hits", rs->depth_hits);
	add_u64(ra, "window_jumps", rs->window_jumps);
	add_u64(ra, "bytes_after_fin", rs->after_fin);
	add_u64(ra, "segments_not_reassembled", e->cs.reasm_skipped);
	json_object_object_add(root, "reassembly", ra);

	json_object *dj = json_object_new_object();
	add_u64(dj, "probes", e->dr.st.probes);
	add_u64(dj, "flows_without_dissector", e->dr.st.no_dissector);
	add_u64(dj, "state_pool_exhausted", e->dr.st.state_exhausted);
	add_u64(dj, "buffer_memcap_hits", e->dr.st.buf_memcap_hits);
	add_u64(dj, "buffer_bytes_max", e->dr.st.buf_bytes_max);
	json_object *protos = json_object_new_object();
	for (unsigned i = 0; i < dis_proto_count(); i++) {
		const struct dis_proto *p = dis_protos[i];
		const struct dis_proto_stats *ps = &e->dr.proto[i];
		json_object *pj = json_object_new_object();
		add_u64(pj, "flows", ps->flows);
		add_u64(pj, "confirmed", ps->confirmed);
		add_u64(pj, "rejected", ps->rejected);
		add_u64(pj, "pdus", ps->pdus);
		add_u64(pj, "bytes", ps->bytes);
		add_u64(pj, "malformed", ps->malformed);
		add_u64(pj, "gaps", ps->gaps);
		add_u64(pj, "oversize", ps->oversize);
		add_u64(pj, "events", ps->events);
		add_u64(pj, "anomalies", ps->anomalies);
		json_object *cj = json_object_new_object();
		for (unsigned c = 0; c < p->n_counters; c++) {
			if (!ps->counters[c] || p->counter_name(c, name, sizeof(name)) < 0)
				continue;
			add_u64(cj, name, ps->counters[c]);
		}
		json_object_object_add(pj, "operations", cj);
		json_object_object_add(protos, p->name, pj);
	}
	json_object_object_add(dj, "protocols", protos);
	json_object_object_add(root, "dissectors", dj);

	if (e->nd) {
		const struct dis_ndpi_stats *ns = dis_ndpi_stats(e->nd);
		json_object *nj = json_object_new_object();
		add_u64(nj, "flows_classified", ns->flows_classified);
		add_u64(nj, "flows_unknown", ns->flows_unknown);
		add_u64(nj, "packets", ns->packets);
		add_u64(nj, "packets_deferred", ns->packets_deferred);
		add_u64(nj, "slots", ns->slots);
		add_u64(nj, "slots_max_in_use", ns->slots_max_in_use);
		add_u64(nj, "slots_exhausted", ns->slots_exhausted);
		json_object_object_add(root, "ndpi", nj);
	}
	return root;
}

void out_stats_text(FILE *fp, const struct cap_engine *e)
{
	char name[96];
	const struct dec_stats *ds = &e->ds;
	fprintf(fp, "zonewatch statistics\n");
	fprintf(fp, "  packets %llu, bytes %llu, files %llu (failed %llu, read errors %llu)\n",
		(unsigned long long)e->cs.packets, (unsigned long long)e->cs.bytes,
		(unsigned long long)e->cs.files, (unsigned long long)e->cs.files_failed,
		(unsigned long long)e->cs.read_errors);
	if (e->cs.pcap_recv || e->cs.pcap_drop)
		fprintf(fp, "  capture: received %llu, dropped %llu, interface dropped %llu\n",
			(unsigned long long)e->cs.pcap_recv, (unsigned long long)e->cs.pcap_drop,
			(unsigned long long)e->cs.pcap_ifdrop);
	fprintf(fp, "  decode: ipv4 %llu, ipv6 %llu, tcp %llu, udp %llu, fragments %llu, non-ip %llu\n",
		(unsigned long long)ds->ip4, (unsigned long long)ds->ip6,
		(unsigned long long)ds->tcp, (unsigned long long)ds->udp,
		(unsigned long long)(ds->ip4_fragments + ds->ip6_fragments),
		(unsigned long long)ds->non_ip);
	for (int i = 0; i < DEC_ERR__COUNT; i++)
		if (ds->err[i])
			fprintf(fp, "  decode error %s: %llu\n", dec_err_name((enum dec_err)i),
				(unsigned long long)ds->err[i]);
	const struct flow_stats *fs = &e->ft.st;
	fprintf(fp, "  flows: %llu created (%llu midstream), %llu max active, %llu evicted\n",
		(unsigned long long)fs->created, (unsigned long long)fs->tcp_midstream,
		(unsigned long long)fs->max_active, (unsigned long long)fs->ended[FLOW_END_EVICTED]);
	const struct reasm_stats *rs = &e->rp.st;
	fprintf(fp, "  reassembly: %llu bytes, %llu out of order, %llu retransmissions, %llu overlaps, %llu gaps (%llu bytes), %llu memcap hits\n",
		(unsigned long long)rs->delivered_bytes, (unsigned long long)rs->ooo_segments,
		(unsigned long long)rs->retransmissions, (unsigned long long)rs->overlaps,
		(unsigned long long)rs->gaps, (unsigned long long)rs->gap_bytes,
		(unsigned long long)(rs->memcap_hits + rs->depth_hits));
	for (unsigned i = 0; i < dis_proto_count(); i++) {
		const struct dis_proto *p = dis_protos[i];
		const struct dis_proto_stats *ps = &e->dr.proto[i];
		if (!ps->flows)
			continue;
		fprintf(fp, "  %s: %llu flows (%llu confirmed, %llu rejected), %llu PDUs, %llu events, %llu malformed, %llu gaps\n",
			p->label, (unsigned long long)ps->flows, (unsigned long long)ps->confirmed,
			(unsigned long long)ps->rejected, (unsigned long long)ps->pdus,
			(unsigned long long)ps->events, (unsigned long long)ps->malformed,
			(unsigned long long)ps->gaps);
		for (unsigned c = 0; c < p->n_counters; c++) {
			if (!ps->counters[c] || p->counter_name(c, name, sizeof(name)) < 0)
				continue;
			fprintf(fp, "    %-56s %llu\n", name, (unsigned long long)ps->counters[c]);
		}
	}
	if (e->nd) {
		const struct dis_ndpi_stats *ns = dis_ndpi_stats(e->nd);
		fprintf(fp, "  nDPI: %llu flows classified, %llu unknown, %llu packets inspected\n",
			(unsigned long long)ns->flows_classified, (unsigned long long)ns->flows_unknown,
			(unsigned long long)ns->packets);
	}
}
