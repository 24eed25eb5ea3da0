/* fuzz_pcapfile.c - libFuzzer target: reading a capture file.
 *
 * The input is written as a file and read by cap_read_file() twice: once
 * as given, which takes zonewatch's own reader for classic pcap files
 * (cap.c, 1 MiB blocks, libpcap at any record it does not take), and once
 * with a BPF filter that matches every packet, which makes libpcap read it
 * all. Both must see the same packets, bytes and read errors; every flow
 * must end when the input does. Inputs that are not pcap files at all
 * exercise libpcap's refusal, pcapng goes to libpcap both times.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/cap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cap_engine direct, viapcap;
static int ready;
static char path[] = "/tmp/zw-fuzz-pcapfile-XXXXXX";
static int fd = -1;

static void die(const char *why)
{
	fprintf(stderr, "fuzz_pcapfile: invariant violated: %s\n", why);
	abort();
}

static void init_engine(struct cap_engine *e, const char *filter)
{
	struct cap_config cfg;
	char err[ZW_ERRBUF_SIZE];
	cap_config_defaults(&cfg);
	cfg.max_flows = 1024;
	cfg.ndpi_slots = 64;
	cfg.reasm_memcap_bytes = (size_t)4 << 20;
	cfg.bpf_filter = filter;
	if (cap_engine_init(e, &cfg, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_pcapfile: %s\n", err);
		abort();
	}
}

static void once(void)
{
	if (ready)
		return;
	fd = mkstemp(path);
	if (fd < 0) {
		perror("fuzz_pcapfile: mkstemp");
		abort();
	}
	unlink(path); /* read through /proc/self/fd: nothing is left behind */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	init_engine(&direct, NULL);
	init_engine(&viapcap, "len >= 0");
	ready = 1;
}

static int read_once(struct cap_engine *e)
{
	char err[ZW_ERRBUF_SIZE];
	e->now_us = 0;
	e->last_expire_s = 0;
	memset(&e->ds, 0, sizeof(e->ds));
	memset(&e->cs, 0, sizeof(e->cs));
	int rc = cap_read_file(e, path, err, sizeof(err));
	cap_engine_finish(e);
	if (e->ft.st.active != 0)
		die("flows still active after cap_engine_finish");
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	once();
	if (ftruncate(fd, 0) < 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		return 0;
	int rc_direct = read_once(&direct);
	int rc_pcap = read_once(&viapcap);
	/* No comparison when libpcap cannot compile the filter for the file's
	 * link type (any value fits in the header): that run opened nothing. */
	if (viapcap.cs.files_failed && !direct.cs.files_failed)
		return 0;
	if (rc_direct != rc_pcap)
		die("the direct reader and libpcap end differently");
	if (viapcap.cs.files_direct != 0)
		die("a filtered read did not go through libpcap");
	if (direct.cs.packets != viapcap.cs.packets || direct.cs.bytes != viapcap.cs.bytes)
		die("the direct reader and libpcap saw different packets");
	if (direct.cs.read_errors != viapcap.cs.read_errors ||
	    direct.cs.files_failed != viapcap.cs.files_failed)
		die("the direct reader and libpcap disagree on the damage");
	return 0;
}
