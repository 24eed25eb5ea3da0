/* fuzz_tftp.c - libFuzzer target: the TFTP request parser, and the datagram
 * path that turns a request into an event. Seeds: tests/fuzz/corpus/tftp/. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture/flow.h"
#include "dissectors/dis.h"
#include "dissectors/tftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_event(void *user, const struct dis_event *ev)
{
	(void)user;
	/* the file name stays within the event */
	if (ev->nfields && ev->f[0].str_off + ev->f[0].str_len > ev->str_used)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dis_runtime rt;
	static int init;
	char eb[128];
	if (!init) {
		if (dis_runtime_init(&rt, 4, 1 << 16, on_event, NULL, eb, sizeof(eb)) < 0)
			return 0;
		init = 1;
	}
	struct tftp_req q;
	if (tftp_parse_request(data, size, &q) == 0 &&
	    (q.file + q.file_len > data + size || q.mode + q.mode_len > data + size))
		__builtin_trap();
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.key.port[1] = TFTP_PORT;
	f.init_is_lo = 1;
	f.key.ip_ver = 4;
	f.key.l4_proto = 17;
	dis_tftp_datagram(&rt, &f, 0, data, size, 1);
	return 0;
}
