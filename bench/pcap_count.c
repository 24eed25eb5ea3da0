#include "config.h"
/*
 * pcap_count - bare libpcap read loop used as the benchmark baseline.
 *
 * Opens each file with pcap_fopen_offline() on a FILE* set up with
 * setvbuf(fp, NULL, _IOFBF, 1 MiB) exactly as zonewatch's capture/cap.c
 * does, runs pcap_dispatch(p, -1, ...) until EOF and counts packets and
 * captured bytes.  Only the dispatch loops are timed.  Prints one line with
 * the totals over all files:
 *   packets=N bytes=N seconds=S.sss pps=N
 *
 * Note: glibc ignores the size argument of setvbuf() when the buffer pointer
 * is NULL and keeps its default st_blksize (4 KiB) buffer.  -b BYTES uses an
 * explicitly allocated buffer of that size instead, so both variants can be
 * measured.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#define PROG "pcap_count"
#define IOBUF_SIZE (1u << 20) /* as CAP_FILE_BUFFER in capture/cap.c */
#define IOBUF_MAX (1ul << 30)

struct counts {
	uint64_t packets;
	uint64_t bytes;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [-b BYTES] FILE...\n"
		"Read pcap/pcapng files with a bare libpcap loop and count packets\n"
		"and captured bytes.  Prints: packets=N bytes=N seconds=S.sss pps=N\n"
		"(totals over all files; seconds covers the pcap_dispatch loops only).\n"
		"\n"
		"  -b BYTES    use an explicitly allocated stdio buffer of BYTES bytes\n"
		"              (default: setvbuf(fp, NULL, _IOFBF, 1 MiB) like zonewatch,\n"
		"              which glibc treats as \"keep the default buffer\")\n"
		"  -h, --help  show this help\n",
		PROG);
}

static void count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct counts *c = (struct counts *)(void *)user;
	(void)bytes;
	c->packets++;
	c->bytes += h->caplen;
}

static double now_sec(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		fprintf(stderr, "%s: clock_gettime: %s\n", PROG, strerror(errno));
		exit(1);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Count one file; adds the loop time to *secs.  iobuf/iosize: explicit
 * stdio buffer, or NULL to mirror zonewatch.  Returns 0 or -1.
 */
static int count_file(const char *path, struct counts *c, char *iobuf, size_t iosize,
		      double *secs)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "%s: cannot open %s: %s\n", PROG, path, strerror(errno));
		return -1;
	}
	if (setvbuf(fp, iobuf, _IOFBF, iobuf ? iosize : IOBUF_SIZE) != 0) {
		fprintf(stderr, "%s: %s: setvbuf failed\n", PROG, path);
		fclose(fp);
		return -1;
	}
	errbuf[0] = '\0';
	pcap_t *p = pcap_fopen_offline(fp, errbuf);
	if (!p) {
		fprintf(stderr, "%s: %s: %s\n", PROG, path, errbuf);
		fclose(fp);
		return -1;
	}

	int rc = 0;
	double t0 = now_sec();
	for (;;) {
		int n = pcap_dispatch(p, -1, count_cb, (u_char *)(void *)c);
		if (n == PCAP_ERROR) {
			fprintf(stderr, "%s: %s: read error: %s\n", PROG, path, pcap_geterr(p));
			rc = -1;
			break;
		}
		if (n <= 0)
			break;
	}
	*secs += now_sec() - t0;
	pcap_close(p); /* also closes fp */
	return rc;
}

static int parse_size(const char *s, size_t *out)
{
	char *end = NULL;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9') {
		fprintf(stderr, "%s: -b: invalid size '%s'\n", PROG, s);
		return -1;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > IOBUF_MAX) {
		fprintf(stderr, "%s: -b: invalid size '%s' (1 to %lu bytes)\n", PROG, s, IOBUF_MAX);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	struct counts c = { 0, 0 };
	double secs = 0.0;
	size_t iosize = 0;
	int nfiles = 0, opts_done = 0;

	/* Pass 1: options and argument check ("--" ends options). */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!opts_done && strcmp(a, "--") == 0) {
			opts_done = 1;
		} else if (!opts_done && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			usage(stdout);
			return 0;
		} else if (!opts_done && strcmp(a, "-b") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: option -b requires an argument\n", PROG);
				usage(stderr);
				return 2;
			}
			if (parse_size(argv[++i], &iosize) != 0) {
				usage(stderr);
				return 2;
			}
		} else if (!opts_done && a[0] == '-') {
			fprintf(stderr, "%s: unknown option '%s'\n", PROG, a);
			usage(stderr);
			return 2;
		} else {
			nfiles++;
		}
	}
	if (nfiles == 0) {
		fprintf(stderr, "%s: no input file\n", PROG);
		usage(stderr);
		return 2;
	}

	/* One buffer, reused: it must outlive the FILE, which pcap_close() closes. */
	char *iobuf = NULL;
	if (iosize) {
		iobuf = malloc(iosize);
		if (!iobuf) {
			fprintf(stderr, "%s: out of memory\n", PROG);
			return 1;
		}
	}
	opts_done = 0;
	for (int i = 1; i < argc; i++) {
		if (!opts_done && strcmp(argv[i], "--") == 0) {
			opts_done = 1;
			continue;
		}
		if (!opts_done && strcmp(argv[i], "-b") == 0) {
			i++;
			continue;
		}
		if (count_file(argv[i], &c, iobuf, iosize, &secs) != 0) {
			free(iobuf);
			return 1;
		}
	}
	free(iobuf);

	uint64_t pps = secs > 0.0 ? (uint64_t)((double)c.packets / secs) : 0;
	printf("packets=%" PRIu64 " bytes=%" PRIu64 " seconds=%.3f pps=%" PRIu64 "\n",
	       c.packets, c.bytes, secs, pps);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: error writing output\n", PROG);
		return 1;
	}
	return 0;
}
