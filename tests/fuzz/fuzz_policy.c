/* fuzz_policy.c - libFuzzer target: the policy loader (rules/rule_load.c),
 * and for every input that loads, the evaluator on a few fixed flows and
 * operations, so fuzzed policies exercise the matching code too.
 * Seeds: tests/fuzz/corpus/policy/ (replayed by make check).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dissectors/dis.h"
#include "rules/rule_eval.h"
#include "rules/rule_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int known(void *user, const char *name)
{
	(void)user;
	return strcmp(name, "ssh") == 0 || strcmp(name, "http") == 0 || strcmp(name, "tls") == 0;
}

static void mapped(uint8_t a[16], uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	memset(a, 0, 16);
	a[10] = a[11] = 0xff;
	a[12] = b0;
	a[13] = b1;
	a[14] = b2;
	a[15] = b3;
}

static void exercise(const struct rule_policy *p)
{
	static const uint8_t hosts[][4] = { { 10, 10, 1, 5 }, { 10, 10, 2, 10 }, { 10, 10, 3, 10 },
					    { 198, 51, 100, 23 }, { 10, 20, 5, 50 } };
	static const char *const protos[] = { "modbus", "cotp", "opcua", "ssh", "http" };
	static const uint16_t ports[] = { 502, 102, 4840, 22, 80 };
	static const enum dis_fclass classes[] = { DIS_FC_READ, DIS_FC_WRITE, DIS_FC_PROGRAM,
						   DIS_FC_CONTROL, DIS_FC_SESSION };
	static struct dis_event ev;
	struct rule_verdict v[RULE_MAX_VERDICTS];
	for (unsigned i = 0; i < 5; i++) {
		struct rule_flow_facts ff;
		uint8_t a[2][16];
		memset(&ff, 0, sizeof(ff));
		mapped(a[0], hosts[i][0], hosts[i][1], hosts[i][2], hosts[i][3]);
		mapped(a[1], hosts[(i + 1) % 5][0], hosts[(i + 1) % 5][1], hosts[(i + 1) % 5][2],
		       hosts[(i + 1) % 5][3]);
		ff.ip_ver = 4;
		ff.l4 = 6;
		ff.addr[0] = a[0];
		ff.addr[1] = a[1];
		ff.port[1] = ports[i];
		ff.names[0] = protos[i];
		ff.answered = 1;
		ff.tls_version = 0x0301;
		ff.cleartext = i == 4 ? "http" : NULL;
		ff.ts_us = 1795219200ull * 1000000ull + i * 7200ull * 1000000ull;
		for (int d = 0; d < 2; d++)
			rule_lookup(p, a[d], 4, (uint16_t)i, &ff.zone[d], &ff.asset[d]);
		rule_eval_flow(p, &ff, v, RULE_MAX_VERDICTS);
		const struct dis_proto *dp = dis_proto_by_name(i < 3 ? protos[i] : "modbus");
		memset(&ev, 0, sizeof(ev));
		ev.proto = dp;
		ev.action = "write";
		ev.fclass = (uint8_t)classes[i];
		ev.count = 1;
		dis_ev_uint(&ev, "unit_id", i);
		dis_ev_uint(&ev, "start_address", 90 + i);
		dis_ev_uint(&ev, "quantity", 20);
		dis_ev_cstr(&ev, "item.area", i & 1 ? "db" : "flags");
		dis_ev_uint(&ev, "item.db_number", i);
		dis_ev_cstr(&ev, "security_mode", "none");
		dis_ev_cstr(&ev, "identity_token", "anonymous");
		rule_eval_event(p, &ff, &ev, v, RULE_MAX_VERDICTS);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rule_errors err;
	struct rule_policy *p =
		rule_policy_load_mem("fuzz.yaml", (const char *)data, size, known, NULL, &err);
	if (p) {
		exercise(p);
		rule_policy_free(p);
	} else if (err.n == 0) {
		__builtin_trap(); /* a refusal always says why */
	}
	return 0;
}
