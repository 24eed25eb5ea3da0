/* s7comm.c - Siemens S7comm (0x32) and S7comm-plus (0x72) PDUs in COTP TSDUs.
 *
 * No public specification exists; field layouts follow the S7 communication
 * descriptions used by Wireshark's s7comm dissector and snap7 (checked
 * against tshark 4.0 output on the captures in pcaps/s7comm), no code copied.
 *
 * S7comm header (big-endian):
 *   +------+--------+----------+---------+-----------+----------+-------------+
 *   | 0x32 | ROSCTR | reserved | PDU ref | param len | data len | [err cls,   |
 *   |  1   |   1    |    2     |    2    |     2     |    2     |  err code]  |
 *   +------+--------+----------+---------+-----------+----------+-------------+
 *   ROSCTR 1 job, 2 ack, 3 ack-data (these two carry the error bytes), 7 userdata.
 *   Job/ack-data parameters start with the function code; userdata
 *   parameters with the head 00 01 12, length, method, type|group, subfunction,
 *   sequence number [, data unit reference, last data unit, error code].
 *
 * S7comm-plus header:
 *   +------+---------+----------+--------------------------------------+---------+
 *   | 0x72 | version | data len | [V3: digest len 0x20, 32-byte digest]| opcode .. trailer
 *   +------+---------+----------+--------------------------------------+---------+
 *   request:  31, reserved(2), function(2), reserved(2), sequence(2), session id(4), flags(1)
 *   response: 32, reserved(2), function(2), reserved(2), sequence(2), flags(1)
 *   A PDU ends with the trailer 72 <version> 00 00; a TSDU without it is
 *   continued by the next one (S7comm-plus fragmentation).
 *
 * Pairing: a job or userdata request waits in a bounded per-flow table
 * (S7_PENDING, keyed by PDU reference; S7comm-plus by sequence number) with
 * a copy of its first S7_PEND_COPY bytes. The response completes it and ONE
 * event carries both, with "outcome" acknowledged or error; requests left are
 * emitted as "unanswered" when the table is full, after S7_PENDING_TIMEOUT_US,
 * or at flow end. Reads (read var, cyclic data, S7comm-plus get/notification
 * and SZL reads) are folded per flow when rt->aggregate is set; the module
 * identity read from SZL 0x0011/0x001c is always its own event.
 */
#include "config.h"

#include "dissectors/s7comm.h"

#include <stdio.h>
#include <string.h>

#include "dissectors/dis_cursor.h"
#include "dissectors/dis_pend.h"
#include "dissectors/tpkt.h"

#define S7_PROTO_ID 0x32
#define S7P_PROTO_ID 0x72
#define S7_HDR_LEN 10
#define S7_ROSCTR_JOB 1
#define S7_ROSCTR_ACK 2
#define S7_ROSCTR_ACK_DATA 3
#define S7_ROSCTR_USERDATA 7
#define S7_MAX_ITEMS 20           /* items per read/write var (S7 PDU 960 bytes) */
#define S7_EV_ITEMS 2             /* items described field by field in an event */
#define S7_EV_BLOCKS 4            /* blocks named in a PI service event */
#define S7_MAX_NAME 32            /* file and PI service names kept */
#define S7_PENDING_TIMEOUT_US (30ull * 1000000ull)
#define S7_SYNTAX_S7ANY 0x10
#define S7_AREA_DB 0x84
#define S7_AREA_DI 0x85
#define S7_TS_BIT 0x01
#define S7_UD_HEAD 0x000112
#define S7_UD_REQ 0x11
#define S7_UD_RES 0x12
#define S7_RET_SUCCESS 0xff
#define S7P_V3_DIGEST 32
#define S7P_TRAILER_LEN 4
#define S7P_VLQ_MAX 5             /* a 32-bit value in 7-bit groups */
#define S7P_OBJ_SESSION_CONTAINER 0x11d /* CreateObject request id: a new session */
#define S7P_OBJ_CPU_EXEC_UNIT 0x34 /* the CPU's execution unit */
#define S7P_ATTR_OPSTATE_REQ 2167  /* its requested operating state (operatingStateREQ) */
#define S7P_OPSTATE_STOP 1
#define S7P_OPSTATE_RUN 3

const struct dis_proto s7_event_proto = { .name = "s7comm", .label = "S7comm" };
const struct dis_proto s7_plus_event_proto = { .name = "s7comm_plus",
						   .label = "S7comm-plus" };

/* ---- value-to-name tables ---- */

const char *s7_job_func_name(unsigned f)
{
	switch (f) {
	case 0x00: return "cpu_services";
	case 0x04: return "read_var";
	case 0x05: return "write_var";
	case 0x1a: return "request_download";
	case 0x1b: return "download_block";
	case 0x1c: return "download_ended";
	case 0x1d: return "start_upload";
	case 0x1e: return "upload";
	case 0x1f: return "end_upload";
	case 0x28: return "pi_service";
	case 0x29: return "plc_stop";
	case 0xf0: return "setup_communication";
	default: return NULL;
	}
}

static enum dis_fclass job_class(unsigned f)
{
	switch (f) {
	case 0x04: return DIS_FC_READ;
	case 0x05: return DIS_FC_WRITE;
	case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x1f:
		return DIS_FC_PROGRAM;
	case 0x29: return DIS_FC_CONTROL;
	case 0xf0: return DIS_FC_SESSION;
	default: return DIS_FC_OTHER;
	}
}

static const char *area_name(uint8_t a)
{
	switch (a) {
	case 0x03: return "system_info";
	case 0x05: return "system_flags";
	case 0x06: return "analog_inputs";
	case 0x07: return "analog_outputs";
	case 0x1c: return "s7_counters";
	case 0x1d: return "s7_timers";
	case 0x1e: return "iec_counters";
	case 0x1f: return "iec_timers";
	case 0x80: return "peripheral";
	case 0x81: return "inputs";
	case 0x82: return "outputs";
	case 0x83: return "flags";
	case 0x84: return "db";
	case 0x85: return "di";
	case 0x86: return "local";
	case 0x87: return "previous_local";
	default: return "unknown";
	}
}

static const char *tsize_name(uint8_t t)
{
	static const char *const n[] = {
		[0x01] = "bit",	 [0x02] = "byte", [0x03] = "char",   [0x04] = "word",
		[0x05] = "int",	 [0x06] = "dword", [0x07] = "dint",  [0x08] = "real",
		[0x09] = "date", [0x0a] = "tod",  [0x0b] = "time",   [0x0c] = "s5time",
		[0x0f] = "date_and_time", [0x1c] = "counter", [0x1d] = "timer",
		[0x1e] = "iec_timer", [0x1f] = "iec_counter", [0x20] = "hs_counter",
	};
	if (t < sizeof(n) / sizeof(n[0]) && n[t])
		return n[t];
	return "unknown";
}

static const char *syntax_name(uint8_t s)
{
	switch (s) {
	case 0x10: return "s7any";
	case 0x13: return "pbc_r_id";
	case 0x15: return "alarm_lockfree";
	case 0x16: return "alarm_ind";
	case 0x19: return "alarm_ack";
	case 0x1a: return "alarm_queryreq";
	case 0x1c: return "notify_ind";
	case 0x82: return "nck";
	case 0x83: return "nck_metric";
	case 0x84: return "nck_inch";
	case 0xa2: return "drive_es_any";
	case 0xb0: return "dbread";
	case 0xb2: return "symbolic_1200";
	default: return "unknown";
	}
}

static const char *retcode_name(uint8_t c)
{
	switch (c) {
	case 0x00: return "reserved";
	case 0x01: return "hardware_fault";
	case 0x03: return "access_denied";
	case 0x05: return "address_out_of_range";
	case 0x06: return "data_type_not_supported";
	case 0x07: return "data_type_inconsistent";
	case 0x0a: return "object_does_not_exist";
	case 0xff: return "success";
	default: return "unknown";
	}
}

static const char *error_class_name(uint8_t c)
{
	switch (c) {
	case 0x00: return "no_error";
	case 0x81: return "application_relationship";
	case 0x82: return "object_definition";
	case 0x83: return "no_resources_available";
	case 0x84: return "error_on_service_processing";
	case 0x85: return "error_on_supplies";
	case 0x87: return "access_error";
	default: return "unknown";
	}
}

static const char *block_type_name(const char *two)
{
	static const struct { char c[3]; const char *n; } t[] = {
		{ "08", "OB" }, { "0A", "DB" }, { "0B", "SDB" }, { "0C", "FC" },
		{ "0D", "SFC" }, { "0E", "FB" }, { "0F", "SFB" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (two[0] == t[i].c[0] && (two[1] == t[i].c[1] || two[1] == (t[i].c[1] | 0x20)))
			return t[i].n;
	return "unknown";
}

static const char *const ud_group_names[S7_UD_GROUPS] = {
	[0] = "mode_transition", [1] = "programmer_commands", [2] = "cyclic_data",
	[3] = "block_functions", [4] = "cpu_functions", [5] = "security",
	[6] = "pbc", [7] = "time_functions", [0xf] = "nc_programming",
};

/* The action of a userdata (group, subfunction); NULL: unknown. */
static const char *ud_action(uint8_t g, uint8_t sub)
{
	switch (g) {
	case 0: return "mode_transition";
	case 1: {
		/* programmer commands (STEP 7 / TIA Portal online functions),
		 * named as tshark 4.0 names them */
		static const char *const prog[0x17] = {
			[0x01] = "block_status",	[0x02] = "variable_status",
			[0x03] = "output_istack",	[0x04] = "output_bstack",
			[0x05] = "output_lstack",	[0x06] = "time_measurement",
			[0x07] = "force_selection",	[0x08] = "modify_variable",
			[0x09] = "force",		[0x0a] = "breakpoint",
			[0x0b] = "exit_hold",		[0x0c] = "memory_reset",
			[0x0d] = "disable_job",		[0x0e] = "enable_job",
			[0x0f] = "delete_job",		[0x10] = "read_job_list",
			[0x11] = "read_job",		[0x12] = "replace_job",
			[0x13] = "block_status_v2",	[0x16] = "flash_led",
		};
		return sub < sizeof(prog) / sizeof(prog[0]) ? prog[sub] : NULL;
	}
	case 2:
		switch (sub) {
		case 0x01: return "cyclic_data_memory";
		case 0x04: return "cyclic_data_unsubscribe";
		case 0x05: return "cyclic_data_memory_changed";
		default: return NULL;
		}
	case 3:
		switch (sub) {
		case 0x01: return "list_blocks";
		case 0x02: return "list_blocks_of_type";
		case 0x03: return "get_block_info";
		default: return NULL;
		}
	case 4:
		switch (sub) {
		case 0x01: return "read_szl";
		case 0x02: return "message_service";
		case 0x03: return "diagnostic_message";
		case 0x05: return "alarm8_indication";
		case 0x06: return "notify_indication";
		case 0x07: return "alarm8_lock";
		case 0x08: return "alarm8_unlock";
		case 0x09: return "scan_indication";
		case 0x0b: return "alarm_ack";
		case 0x0c: return "alarm_ack_indication";
		case 0x0d: return "alarm8_lock_indication";
		case 0x0e: return "alarm8_unlock_indication";
		case 0x11: return "alarm_sq_indication";
		case 0x12: return "alarm_s_indication";
		case 0x13: return "alarm_query";
		case 0x16: return "notify8_indication";
		default: return NULL;
		}
	case 5:
		switch (sub) {
		case 0x01: return "set_session_password";
		case 0x02: return "clear_session_password";
		default: return NULL;
		}
	case 6: return sub == 0x01 ? "bsend_brcv" : NULL;
	case 7:
		switch (sub) {
		case 0x01: return "read_clock";
		case 0x02: return "set_clock";
		case 0x03: return "read_clock_following";
		case 0x04: return "set_clock_2";
		default: return NULL;
		}
	case 0xf: return "nc_programming";
	default: return NULL;
	}
}

static enum dis_fclass ud_class(uint8_t g, uint8_t sub)
{
	switch (g) {
	case 0: return DIS_FC_CONTROL;
	case 1:
		switch (sub) {
		case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06:
		case 0x0e: case 0x13:
			/* monitoring: block and variable status, stacks, the
			 * data of an enabled monitoring job */
			return DIS_FC_READ;
		case 0x08: case 0x09:
			return DIS_FC_WRITE; /* modify variable, force */
		case 0x0a: case 0x0b:
			return DIS_FC_CONTROL; /* breakpoint, exit HOLD */
		case 0x0c:
			return DIS_FC_PROGRAM; /* memory reset clears the user program */
		default:
			return DIS_FC_DIAGNOSTIC;
		}
	case 2: return DIS_FC_READ;
	case 3: return DIS_FC_DIAGNOSTIC;
	case 4: return sub == 0x01 || sub == 0x03 ? DIS_FC_DIAGNOSTIC : DIS_FC_OTHER;
	case 5: return DIS_FC_SESSION;
	case 7: return sub == 0x02 || sub == 0x04 ? DIS_FC_WRITE : DIS_FC_DIAGNOSTIC;
	case 0xf: return DIS_FC_PROGRAM;
	default: return DIS_FC_OTHER;
	}
}

static const char *mode_name(uint8_t m)
{
	switch (m) {
	case 0x00: return "stop";
	case 0x01: return "warm_restart";
	case 0x02: return "run";
	case 0x03: return "hot_restart";
	case 0x04: return "hold";
	case 0x06: return "cold_restart";
	case 0x09: return "run_redundant";
	case 0x0b: return "link_up";
	case 0x0c: return "update";
	default: return "unknown";
	}
}

static const struct { uint16_t code; const char *name; enum dis_fclass cls; } plus_funcs[] = {
	{ 0x04bb, "explore", DIS_FC_DIAGNOSTIC },
	{ 0x04ca, "create_object", DIS_FC_PROGRAM },
	{ 0x04d4, "delete_object", DIS_FC_PROGRAM },
	{ 0x04f2, "set_variable", DIS_FC_WRITE },
	{ 0x04fc, "get_variable", DIS_FC_READ },
	{ 0x0506, "add_link", DIS_FC_OTHER },
	{ 0x051a, "remove_link", DIS_FC_OTHER },
	{ 0x0524, "get_link", DIS_FC_READ },
	{ 0x0542, "set_multi_variables", DIS_FC_WRITE },
	{ 0x054c, "get_multi_variables", DIS_FC_READ },
	{ 0x0556, "begin_sequence", DIS_FC_OTHER },
	{ 0x0560, "end_sequence", DIS_FC_OTHER },
	{ 0x056b, "invoke", DIS_FC_CONTROL },
	{ 0x057c, "set_var_substreamed", DIS_FC_WRITE },
	{ 0x0586, "get_var_substreamed", DIS_FC_READ },
	{ 0x0590, "get_variables_address", DIS_FC_READ },
	{ 0x059a, "abort", DIS_FC_OTHER },
	{ 0x05a9, "error", DIS_FC_OTHER },
	{ 0x05b3, "init_ssl", DIS_FC_SESSION },
};
#define S7P_UNKNOWN_FUNC (sizeof(plus_funcs) / sizeof(plus_funcs[0]))

static unsigned plus_func_idx(uint16_t code)
{
	for (unsigned i = 0; i < S7P_UNKNOWN_FUNC; i++)
		if (plus_funcs[i].code == code)
			return i;
	return S7P_UNKNOWN_FUNC;
}

static const char *plus_func_name(uint16_t code)
{
	unsigned i = plus_func_idx(code);
	return i < S7P_UNKNOWN_FUNC ? plus_funcs[i].name : "unknown";
}

/* ---- field helpers ---- */

static void hexstr(const uint8_t *p, size_t n, char *out)
{
	static const char h[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = h[p[i] >> 4];
		out[2 * i + 1] = h[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* A fixed-width text field: trailing spaces and NULs dropped. */
static size_t text_len(const uint8_t *p, size_t n)
{
	while (n && (p[n - 1] == ' ' || p[n - 1] == 0))
		n--;
	return n;
}

/* Copies a fixed-width text field into a NUL-terminated buffer of cap bytes. */
static int keep_text(char *dst, size_t cap, const uint8_t *p, size_t n)
{
	n = text_len(p, n);
	if (n >= cap)
		n = cap - 1;
	if (!n || (strlen(dst) == n && memcmp(dst, p, n) == 0))
		return 0;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 1;
}

/* ---- S7comm header ---- */

struct s7_hdr {
	uint8_t rosctr;
	uint16_t ref, plen, dlen;
	uint8_t err_class, err_code;
	int is_short; /* the lengths run past the bytes we have */
	struct rd param, data;
};

/* 0 on success; -1 when the bytes are not an S7comm header. */
static int s7_header(const uint8_t *buf, size_t len, struct s7_hdr *h)
{
	/* fixed layout: protocol id, ROSCTR, 2 reserved, reference, parameter
	 * and data lengths, then for ACK / ACK-DATA error class and code; h
	 * is only meaningful when 0 is returned */
	if (len < 10 || buf[0] != S7_PROTO_ID)
		return -1;
	size_t hl = 10;
	h->rosctr = buf[1];
	h->ref = (uint16_t)(buf[4] << 8 | buf[5]);
	h->plen = (uint16_t)(buf[6] << 8 | buf[7]);
	h->dlen = (uint16_t)(buf[8] << 8 | buf[9]);
	h->err_class = h->err_code = 0;
	if (h->rosctr == S7_ROSCTR_ACK || h->rosctr == S7_ROSCTR_ACK_DATA) {
		if (len < 12)
			return -1;
		h->err_class = buf[10];
		h->err_code = buf[11];
		hl = 12;
	}
	size_t left = len - hl;
	size_t p = h->plen <= left ? h->plen : left;
	h->param = rd_init(buf + hl, p);
	left -= p;
	size_t d = h->dlen <= left ? h->dlen : left;
	h->data = rd_init(buf + hl + p, d);
	h->is_short = p < h->plen || d < h->dlen;
	return 0;
}

/* ---- S7comm items and names ---- */

static const char *const item_keys[S7_EV_ITEMS][8] = {
	{ "items.0.syntax", "items.0.area", "items.0.db_number", "items.0.byte_address",
	  "items.0.bit_address", "items.0.transport_size", "items.0.length", "items.0.value" },
	{ "items.1.syntax", "items.1.area", "items.1.db_number", "items.1.byte_address",
	  "items.1.bit_address", "items.1.transport_size", "items.1.length", "items.1.value" },
};
static const char *const rc_keys[S7_EV_ITEMS] = { "response.items.0.return_code",
						  "response.items.1.return_code" };

/* An item as described in an event (the JSON writer nests consecutive
 * keys, so an item's fields are collected first and written together). */
struct s7_item {
	uint8_t syntax, area, ts, has_spec, has_db, value_len;
	uint16_t db, count;
	uint32_t byte_addr;
	int bit; /* -1: not a bit access */
	uint8_t value[16];
};

/* The item specifications of a read/write var request (param after the
 * function code); returns the item count. */
static unsigned dec_item_specs(struct rd *p, struct s7_item *items, unsigned *other)
{
	uint8_t n = rd_u8(p);
	*other = 0;
	if (!rd_ok(p))
		return 0;
	for (unsigned i = 0; i < n && i < S7_MAX_ITEMS && rd_left(p) >= 2; i++) {
		rd_skip(p, 1); /* variable specification 0x12 */
		uint8_t ilen = rd_u8(p);
		struct rd it = rd_sub(p, ilen);
		uint8_t syn = rd_u8(&it);
		if (!rd_ok(p) || !rd_ok(&it))
			break;
		if (syn != S7_SYNTAX_S7ANY)
			(*other)++;
		if (i >= S7_EV_ITEMS)
			continue;
		struct s7_item *x = &items[i];
		x->syntax = syn;
		x->bit = -1;
		if (syn == S7_SYNTAX_S7ANY) {
			uint8_t ts = rd_u8(&it);
			uint16_t count = rd_be16(&it), db = rd_be16(&it);
			uint8_t area = rd_u8(&it);
			uint32_t addr = rd_be24(&it);
			if (!rd_ok(&it))
				continue;
			x->has_spec = 1;
			x->ts = ts;
			x->count = count;
			x->area = area;
			x->has_db = area == S7_AREA_DB || area == S7_AREA_DI;
			x->db = db;
			x->byte_addr = addr >> 3;
			if (ts == S7_TS_BIT)
				x->bit = (int)(addr & 7);
		} else if (syn == 0xb0) {
			/* DBREAD: number of areas, then length, DB, start */
			rd_skip(&it, 1);
			uint8_t l = rd_u8(&it);
			uint16_t db = rd_be16(&it), start = rd_be16(&it);
			if (!rd_ok(&it))
				continue;
			x->has_spec = 1;
			x->area = S7_AREA_DB;
			x->has_db = 1;
			x->db = db;
			x->byte_addr = start;
			x->ts = 0x02;
			x->count = l;
		}
	}
	return n;
}

static void put_items(struct dis_event *ev, unsigned n, const struct s7_item *items,
		      unsigned other)
{
	dis_ev_uint(ev, "item_count", n);
	for (unsigned i = 0; i < n && i < S7_EV_ITEMS; i++) {
		const struct s7_item *x = &items[i];
		const char *const *k = item_keys[i];
		dis_ev_cstr(ev, k[0], syntax_name(x->syntax));
		if (x->has_spec) {
			dis_ev_cstr(ev, k[1], area_name(x->area));
			if (x->has_db)
				dis_ev_uint(ev, k[2], x->db);
			dis_ev_uint(ev, k[3], x->byte_addr);
			if (x->bit >= 0)
				dis_ev_uint(ev, k[4], (unsigned)x->bit);
			dis_ev_cstr(ev, k[5], tsize_name(x->ts));
			dis_ev_uint(ev, k[6], x->count);
		}
		if (x->value_len) {
			char hx[2 * sizeof(x->value) + 1];
			hexstr(x->value, x->value_len, hx);
			dis_ev_cstr(ev, k[7], hx);
		}
	}
	if (other)
		dis_ev_uint(ev, "items_other_syntax", other);
}

/* Bytes of a data item's value, from its transport size and length. */
static size_t item_bytes(uint8_t ts, uint16_t len)
{
	/* data transport sizes 3 (bit), 4 (byte/word/dword), 5 (integer)
	 * count their length in bits; the others in bytes */
	if (ts == 0x03 || ts == 0x04 || ts == 0x05)
		return ((size_t)len + 7) / 8;
	return len;
}

/* The data items of a write var request (values kept in items) or of a
 * read var response (return codes written as response.* fields). */
static void dec_data_items(struct dis_event *ev, struct rd *d, unsigned n, int is_resp,
			   struct s7_item *items)
{
	unsigned failed = 0, seen = 0;
	uint8_t first_err = 0;
	uint8_t rcs[S7_EV_ITEMS];
	for (unsigned i = 0; i < n && i < S7_MAX_ITEMS && rd_left(d) >= 1; i++) {
		uint8_t rc = rd_u8(d);
		if (!rd_ok(d))
			break;
		if (i < S7_EV_ITEMS)
			rcs[i] = rc;
		seen++;
		if (is_resp && rc != S7_RET_SUCCESS && !failed++)
			first_err = rc;
		if (is_resp && rc != S7_RET_SUCCESS && rd_left(d) < 4)
			continue; /* an error item may have no header */
		uint8_t ts = rd_u8(d);
		uint16_t len = rd_be16(d);
		size_t nb = item_bytes(ts, len);
		struct rd v = rd_sub(d, nb <= rd_left(d) ? nb : rd_left(d));
		if (!rd_ok(d))
			break;
		if (!is_resp && i < S7_EV_ITEMS) {
			size_t k = rd_left(&v) < sizeof(items[i].value) ? rd_left(&v) :
									  sizeof(items[i].value);
			rd_copy(&v, items[i].value, k);
			items[i].value_len = (uint8_t)k;
		}
		if ((nb & 1) && i + 1 < n)
			rd_skip(d, 1); /* fill byte after an odd-length item */
	}
	if (is_resp) {
		for (unsigned i = 0; i < seen && i < S7_EV_ITEMS; i++)
			dis_ev_uint(ev, rc_keys[i], rcs[i]);
		dis_ev_uint(ev, "response.items_returned", seen);
		dis_ev_uint(ev, "response.items_failed", failed);
		if (failed)
			dis_ev_cstr(ev, "response.first_item_error", retcode_name(first_err));
	}
}

/* "_0A00001P": block type, number, destination file system. */
static void dec_filename(struct dis_event *ev, const uint8_t *f, size_t n)
{
	if (n >= 9 && f[0] == '_') {
		char t[3] = { (char)f[1], (char)f[2], 0 };
		unsigned num = 0;
		int ok = 1;
		for (int i = 3; i < 8; i++) {
			if (f[i] < '0' || f[i] > '9')
				ok = 0;
			num = num * 10 + (unsigned)(f[i] - '0');
		}
		dis_ev_cstr(ev, "block_type", block_type_name(t));
		if (ok)
			dis_ev_uint(ev, "block_number", num);
		dis_ev_str(ev, "filesystem", (const char *)&f[8], 1);
	}
}

static const char *const block_keys[S7_EV_BLOCKS][2] = {
	{ "blocks.0.block_type", "blocks.0.block_number" },
	{ "blocks.1.block_type", "blocks.1.block_number" },
	{ "blocks.2.block_type", "blocks.2.block_number" },
	{ "blocks.3.block_type", "blocks.3.block_number" },
};

/* The action of a PI service job from its name and parameter block. */
static const char *pi_action(const uint8_t *name, size_t nlen, struct rd pb, enum dis_fclass *cls)
{
#define PI_IS(s) (nlen == sizeof(s) - 1 && memcmp(name, s, nlen) == 0)
	if (PI_IS("_INSE")) {
		*cls = DIS_FC_PROGRAM;
		return "insert_block";
	}
	if (PI_IS("_DELE")) {
		*cls = DIS_FC_PROGRAM;
		return "delete_block";
	}
	if (PI_IS("P_PROGRAM")) {
		*cls = DIS_FC_CONTROL;
		/* snap7 and STEP 7: an empty argument is a warm restart, "C " cold */
		return rd_peek(&pb, 0) == 'C' ? "plc_start_cold" : "plc_start_warm";
	}
	if (PI_IS("_GARB")) {
		*cls = DIS_FC_CONTROL;
		return "compress_memory";
	}
	if (PI_IS("_MODU")) {
		*cls = DIS_FC_PROGRAM;
		return "copy_ram_to_rom";
	}
	if (nlen >= 3 && memcmp(name, "_N_", 3) == 0) {
		*cls = DIS_FC_OTHER;
		return "nc_pi_service";
	}
	*cls = DIS_FC_OTHER;
	return "pi_service";
#undef PI_IS
}

/* Parses a PI service job's parameters. Sets *action and *cls. */
static void dec_pi(struct dis_event *ev, struct rd *p, const char **action, enum dis_fclass *cls)
{
	rd_skip(p, 7); /* unknown, 00 00 00 00 00 00 fd */
	uint16_t plen = rd_be16(p);
	struct rd pb = rd_sub(p, plen);
	uint8_t nlen = rd_u8(p);
	struct rd nm = rd_sub(p, nlen);
	if (!rd_ok(p)) {
		*action = "pi_service";
		*cls = DIS_FC_OTHER;
		if (ev)
			dis_ev_bool(ev, "truncated", 1);
		return;
	}
	*action = pi_action(rd_ptr(&nm), nlen, pb, cls);
	if (!ev)
		return;
	dis_ev_str(ev, "pi_service", (const char *)rd_ptr(&nm), nlen);
	struct rd b = pb;
	if (*cls == DIS_FC_PROGRAM && (strcmp(*action, "insert_block") == 0 ||
				       strcmp(*action, "delete_block") == 0)) {
		/* number of blocks, unknown, then 8 characters per block:
		 * type (2 hex), number (5 digits), file system */
		uint8_t nb = rd_u8(&b);
		rd_skip(&b, 1);
		if (rd_ok(&b))
			dis_ev_uint(ev, "block_count", nb);
		for (unsigned i = 0; i < nb && i < S7_EV_BLOCKS && rd_left(&b) >= 8; i++) {
			const uint8_t *f = rd_ptr(&b);
			char t[3] = { (char)f[0], (char)f[1], 0 };
			unsigned num = 0;
			for (int j = 2; j < 7; j++)
				num = num * 10 + (f[j] >= '0' && f[j] <= '9' ? (unsigned)(f[j] - '0') : 0);
			dis_ev_cstr(ev, block_keys[i][0], block_type_name(t));
			dis_ev_uint(ev, block_keys[i][1], num);
			rd_skip(&b, 8);
		}
	} else if (plen) {
		size_t n = text_len(rd_ptr(&b), plen);
		if (n)
			dis_ev_str(ev, "argument", (const char *)rd_ptr(&b), n);
	}
}

/* The action and class of a job request (bytes = whole S7 PDU). */
static const char *job_action(const struct s7_hdr *h, uint8_t func, enum dis_fclass *cls)
{
	const char *a = s7_job_func_name(func);
	*cls = job_class(func);
	if (func == 0x28) {
		struct rd p = h->param;
		rd_skip(&p, 1);
		dec_pi(NULL, &p, &a, cls);
	}
	return a ? a : "unknown_function";
}

/* Fields of a job request (h over the request PDU). */
static void dec_job_request(struct dis_event *ev, const struct s7_hdr *h, uint8_t func)
{
	struct rd p = h->param, d = h->data;
	rd_skip(&p, 1);
	switch (func) {
	case 0xf0: {
		rd_skip(&p, 1);
		uint16_t calling = rd_be16(&p), called = rd_be16(&p), pdu = rd_be16(&p);
		if (!rd_ok(&p))
			return;
		dis_ev_uint(ev, "max_amq_calling", calling);
		dis_ev_uint(ev, "max_amq_called", called);
		dis_ev_uint(ev, "pdu_size", pdu);
		return;
	}
	case 0x04:
	case 0x05: {
		struct s7_item items[S7_EV_ITEMS];
		unsigned other;
		memset(items, 0, sizeof(items));
		unsigned n = dec_item_specs(&p, items, &other);
		if (func == 0x05)
			dec_data_items(ev, &d, n, 0, items);
		put_items(ev, n, items, other);
		return;
	}
	case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x1f: {
		uint8_t st = rd_u8(&p);
		rd_skip(&p, 2);
		uint32_t id = rd_be32(&p);
		if (!rd_ok(&p))
			return;
		dis_ev_uint(ev, "function_status", st);
		if (func == 0x1e || func == 0x1f) {
			dis_ev_uint(ev, "upload_id", id);
			return;
		}
		uint8_t fl = rd_u8(&p);
		struct rd fn = rd_sub(&p, fl);
		if (!rd_ok(&p))
			return;
		dis_ev_str(ev, "filename", (const char *)rd_ptr(&fn), fl < S7_MAX_NAME ? fl : S7_MAX_NAME);
		dec_filename(ev, rd_ptr(&fn), fl);
		if (func == 0x1a) {
			/* part 2: length, unknown char, load memory length (6
			 * ASCII digits), MC7 code length (6 digits) */
			uint8_t l2 = rd_u8(&p);
			struct rd p2 = rd_sub(&p, l2);
			rd_skip(&p2, 1);
			if (rd_ok(&p) && rd_left(&p2) >= 12) {
				unsigned lm = 0, mc = 0;
				const uint8_t *q = rd_ptr(&p2);
				for (int i = 0; i < 6; i++) {
					lm = lm * 10 + (q[i] >= '0' && q[i] <= '9' ? (unsigned)(q[i] - '0') : 0);
					mc = mc * 10 + (q[6 + i] >= '0' && q[6 + i] <= '9' ? (unsigned)(q[6 + i] - '0') : 0);
				}
				dis_ev_uint(ev, "load_memory_length", lm);
				dis_ev_uint(ev, "mc7_code_length", mc);
			}
		}
		return;
	}
	case 0x28: {
		const char *a;
		enum dis_fclass c;
		dec_pi(ev, &p, &a, &c);
		return;
	}
	case 0x29: {
		rd_skip(&p, 5);
		uint8_t nl = rd_u8(&p);
		struct rd nm = rd_sub(&p, nl);
		if (rd_ok(&p))
			dis_ev_str(ev, "pi_service", (const char *)rd_ptr(&nm), nl);
		return;
	}
	default:
		return;
	}
}

/* Fields of an ack-data response to func (n_items: of the request). */
static void dec_job_response(struct s7_state *s, struct dis_event *ev, const struct s7_hdr *h,
			     uint8_t func)
{
	struct rd p = h->param, d = h->data;
	rd_skip(&p, 1);
	switch (func) {
	case 0xf0: {
		rd_skip(&p, 1);
		uint16_t calling = rd_be16(&p), called = rd_be16(&p), pdu = rd_be16(&p);
		if (!rd_ok(&p))
			return;
		dis_ev_uint(ev, "response.max_amq_calling", calling);
		dis_ev_uint(ev, "response.max_amq_called", called);
		dis_ev_uint(ev, "response.pdu_size", pdu);
		s->pdu_size = pdu;
		return;
	}
	case 0x04: {
		uint8_t n = rd_u8(&p);
		if (rd_ok(&p))
			dec_data_items(ev, &d, n, 1, NULL);
		return;
	}
	case 0x05: {
		uint8_t n = rd_u8(&p);
		if (!rd_ok(&p))
			return;
		unsigned failed = 0, seen = 0;
		uint8_t first_err = 0;
		for (unsigned i = 0; i < n && i < S7_MAX_ITEMS; i++) {
			uint8_t rc = rd_u8(&d);
			if (!rd_ok(&d))
				break;
			seen++;
			if (rc != S7_RET_SUCCESS && !failed++)
				first_err = rc;
			if (i < S7_EV_ITEMS)
				dis_ev_uint(ev, rc_keys[i], rc);
		}
		dis_ev_uint(ev, "response.items_returned", seen);
		dis_ev_uint(ev, "response.items_failed", failed);
		if (failed)
			dis_ev_cstr(ev, "response.first_item_error", retcode_name(first_err));
		return;
	}
	case 0x1b: {
		uint8_t st = rd_u8(&p);
		uint16_t dl = rd_be16(&d);
		if (rd_ok(&p))
			dis_ev_uint(ev, "response.function_status", st);
		if (rd_ok(&d))
			dis_ev_uint(ev, "response.data_length", dl);
		return;
	}
	case 0x1d: {
		rd_skip(&p, 3);
		uint32_t id = rd_be32(&p);
		uint8_t bl = rd_u8(&p);
		struct rd b = rd_sub(&p, bl);
		if (!rd_ok(&p))
			return;
		dis_ev_uint(ev, "response.upload_id", id);
		unsigned v = 0, ok = bl > 0 && bl <= 9;
		for (unsigned i = 0; ok && i < bl; i++) {
			uint8_t c = rd_u8(&b);
			if (c < '0' || c > '9')
				ok = 0;
			v = v * 10 + (unsigned)(c - '0');
		}
		if (ok)
			dis_ev_uint(ev, "response.block_length", v);
		return;
	}
	case 0x1e: {
		uint16_t dl = rd_be16(&d);
		if (rd_ok(&d))
			dis_ev_uint(ev, "response.data_length", dl);
		return;
	}
	default:
		return;
	}
}

/* ---- userdata ---- */

struct s7_ud {
	uint8_t method, type, group, sub, seq, dur, last;
	uint16_t err;
	int has_ext;
	uint8_t ret, ts;
	uint16_t dlen;
	struct rd payload;
};

static int ud_parse(const struct s7_hdr *h, struct s7_ud *u)
{
	struct rd p = h->param, d = h->data;
	memset(u, 0, sizeof(*u));
	uint32_t head = rd_be24(&p);
	uint8_t plen = rd_u8(&p);
	struct rd q = rd_sub(&p, plen);
	u->method = rd_u8(&q);
	uint8_t tg = rd_u8(&q);
	u->sub = rd_u8(&q);
	u->seq = rd_u8(&q);
	if (!rd_ok(&q) || head != S7_UD_HEAD)
		return -1;
	u->type = tg >> 4;
	u->group = tg & 0x0f;
	if (rd_left(&q) >= 4) {
		u->has_ext = 1;
		u->dur = rd_u8(&q);
		u->last = rd_u8(&q);
		u->err = rd_be16(&q);
	}
	u->ret = rd_u8(&d);
	u->ts = rd_u8(&d);
	u->dlen = rd_be16(&d);
	if (rd_ok(&d))
		u->payload = rd_sub(&d, u->dlen <= rd_left(&d) ? u->dlen : rd_left(&d));
	else
		u->payload = rd_init(NULL, 0);
	return 0;
}

static int ud_is_request(const struct s7_ud *u)
{
	return u->type == 4 || u->type == 7;
}

static int ud_is_response(const struct s7_ud *u)
{
	return u->type == 8 || u->type == 0xb;
}

static const char *ud_type_name(uint8_t t)
{
	switch (t) {
	case 0: return "push";
	case 3: return "nc_push";
	case 4: return "request";
	case 7: return "nc_request";
	case 8: return "response";
	case 0xb: return "nc_response";
	default: return "unknown";
	}
}

static unsigned bcd(uint8_t b)
{
	return (unsigned)(b >> 4) * 10u + (b & 15u);
}

/* An S7 timestamp (10 bytes: reserved, year BCD twice, month, day, hour,
 * minute, second BCD, milliseconds in 3 BCD digits and the weekday) as
 * "2016-02-08T23:08:10.000"; the year is the second BCD byte, 1990-2089,
 * as tshark reads it. */
static void put_clock(struct dis_event *ev, const char *key, struct rd r)
{
	uint8_t b[10];
	char s[32];
	rd_copy(&r, b, sizeof(b));
	if (!rd_ok(&r))
		return;
	unsigned y = bcd(b[2]);
	y += y < 90 ? 2000u : 1900u;
	int n = snprintf(s, sizeof(s), "%04u-%02u-%02uT%02u:%02u:%02u.%03u", y, bcd(b[3]),
			 bcd(b[4]), bcd(b[5]), bcd(b[6]), bcd(b[7]),
			 bcd(b[8]) * 10u + (unsigned)(b[9] >> 4));
	if (n > 0 && (size_t)n < sizeof(s))
		dis_ev_cstr(ev, key, s);
}

/* Fields of a userdata PDU; prefix "" (request, push) or "response.". */
static void dec_ud(struct dis_event *ev, const struct s7_ud *u, int is_resp)
{
#define K(a, b) (is_resp ? b : a)
	if (!is_resp) {
		dis_ev_uint(ev, "function_group", u->group);
		dis_ev_cstr(ev, "function_group_name",
			    ud_group_names[u->group] ? ud_group_names[u->group] : "unknown");
		dis_ev_uint(ev, "subfunction", u->sub);
	}
	dis_ev_cstr(ev, K("type", "response.type"), ud_type_name(u->type));
	dis_ev_uint(ev, K("sequence_number", "response.sequence_number"), u->seq);
	if (u->has_ext) {
		dis_ev_uint(ev, K("data_unit_reference", "response.data_unit_reference"), u->dur);
		dis_ev_bool(ev, K("last_data_unit", "response.last_data_unit"), u->last == 0);
		dis_ev_uint(ev, K("error_code", "response.error_code"), u->err);
	}
	dis_ev_uint(ev, K("return_code", "response.return_code"), u->ret);
	struct rd pl = u->payload;
	if (u->group == 0 && !is_resp) {
		dis_ev_cstr(ev, "mode", mode_name(u->sub));
	} else if (u->group == 4 && u->sub == 1 && u->ret == S7_RET_SUCCESS && rd_left(&pl) >= 4) {
		uint16_t id = rd_be16(&pl), ix = rd_be16(&pl);
		dis_ev_uint(ev, K("szl_id", "response.szl_id"), id);
		dis_ev_uint(ev, K("szl_index", "response.szl_index"), ix);
		if (is_resp) {
			uint16_t rl = rd_be16(&pl), rc = rd_be16(&pl);
			if (rd_ok(&pl)) {
				dis_ev_uint(ev, "response.szl_record_length", rl);
				dis_ev_uint(ev, "response.szl_record_count", rc);
			}
		}
	} else if (u->group == 7 && u->ret == S7_RET_SUCCESS && rd_left(&pl) >= 10) {
		put_clock(ev, K("clock", "response.clock"), pl);
	} else if (u->group == 3 && !is_resp && (u->sub == 2 || u->sub == 3) && rd_left(&pl) >= 2) {
		/* list blocks of type: 30 XX; get block info: 30 XX, then
		 * number (5 digits) and file system */
		const uint8_t *b = rd_ptr(&pl);
		char t[3] = { (char)b[0], (char)b[1], 0 };
		if (b[0] == '0')
			dis_ev_cstr(ev, "block_type", block_type_name(t));
		else if (rd_left(&pl) >= 2) {
			/* S7-300/400 send the type as 0x30 0x4X ("0A" ...) */
			dis_ev_cstr(ev, "block_type", "unknown");
		}
		if (u->sub == 3 && rd_left(&pl) >= 7) {
			unsigned num = 0;
			for (int i = 2; i < 7; i++)
				num = num * 10 + (b[i] >= '0' && b[i] <= '9' ? (unsigned)(b[i] - '0') : 0);
			dis_ev_uint(ev, "block_number", num);
		}
	}
#undef K
}

/* ---- SZL records: the module identity ---- */

static void szl_record(struct s7_state *s, const uint8_t *rec, size_t n)
{
	struct s7_ident *id = &s->ident;
	uint8_t list = (uint8_t)(s->szl.id & 0xff);
	if (n < 2)
		return;
	uint16_t ix = (uint16_t)((rec[0] << 8) | rec[1]);
	const uint8_t *t = rec + 2;
	if (list == 0x11 && n >= 28) {
		/* index, order number (20), module type id (2), Ausbg (2), Ausbe (2) */
		uint16_t ausbg = (uint16_t)((t[22] << 8) | t[23]);
		uint16_t ausbe = (uint16_t)((t[24] << 8) | t[25]);
		if (ix == 0x0001)
			id->have |= keep_text(id->order_number, sizeof(id->order_number), t, 20);
		if (ix == 0x0006)
			id->have |= keep_text(id->hardware, sizeof(id->hardware), t, 20);
		if (ix == 0x0001 || ix == 0x0006)
			id->module_type_id = (uint16_t)((t[20] << 8) | t[21]);
		if (ix == 0x0007 && (ausbg >> 8) == 'V') {
			/* firmware: 'V', major; minor, patch */
			char v[20];
			int k = snprintf(v, sizeof(v), "V%u.%u.%u", ausbg & 0xffu, ausbe >> 8,
					 ausbe & 0xffu);
			if (k > 0 && (size_t)k < sizeof(v))
				id->have |= keep_text(id->firmware, sizeof(id->firmware),
						      (const uint8_t *)v, (size_t)k);
		}
	} else if (list == 0x1c && n >= 34) {
		switch (ix) {
		case 1: id->have |= keep_text(id->system_name, S7_IDENT_STR, t, 24); break;
		case 2: id->have |= keep_text(id->module_name, S7_IDENT_STR, t, 24); break;
		case 3: id->have |= keep_text(id->plant_id, S7_IDENT_STR, t, 32); break;
		case 4: id->have |= keep_text(id->copyright, S7_IDENT_STR, t, 26); break;
		case 5: id->have |= keep_text(id->serial_number, S7_IDENT_STR, t, 24); break;
		case 7: id->have |= keep_text(id->module_type, S7_IDENT_STR, t, 32); break;
		default: break;
		}
	}
}

/* Feeds SZL record bytes (possibly split across fragments). */
static void szl_feed(struct s7_state *s, struct rd *r)
{
	struct s7_szl *z = &s->szl;
	while (z->active && z->n_left && rd_left(r)) {
		size_t want = z->rec_len - z->part_len;
		size_t n = rd_left(r) < want ? rd_left(r) : want;
		size_t keep = z->part_len < S7_SZL_REC_MAX ? S7_SZL_REC_MAX - z->part_len : 0;
		if (keep > n)
			keep = n;
		/* only the first S7_SZL_REC_MAX bytes of a record are kept: no
		 * pointer past part[] is formed for the rest (fuzz_tpkt found it) */
		if (keep)
			memcpy(z->part + z->part_len, rd_ptr(r), keep);
		rd_skip(r, n);
		z->part_len = (uint16_t)(z->part_len + n);
		if (z->part_len >= z->rec_len) {
			szl_record(s, z->part, z->rec_len < S7_SZL_REC_MAX ? z->rec_len : S7_SZL_REC_MAX);
			z->part_len = 0;
			z->n_left--;
		}
	}
}

static void emit_identity(struct s7_state *s, struct dis_ctx *ctx)
{
	struct s7_ident *id = &s->ident;
	if (!id->have)
		return;
	struct dis_event ev;
	dis_ev_init(&ev, ctx, id->dir, "module_identity", DIS_FC_DIAGNOSTIC);
	ev.proto = &s7_event_proto;
	ev.flags |= DIS_EV_RESPONSE;
	ev.ts_us = id->ts_us;
	static const struct { const char *key; size_t off; } f[] = {
		{ "identity.order_number", offsetof(struct s7_ident, order_number) },
		{ "identity.hardware_order_number", offsetof(struct s7_ident, hardware) },
		{ "identity.firmware_version", offsetof(struct s7_ident, firmware) },
		{ "identity.system_name", offsetof(struct s7_ident, system_name) },
		{ "identity.module_name", offsetof(struct s7_ident, module_name) },
		{ "identity.plant_id", offsetof(struct s7_ident, plant_id) },
		{ "identity.serial_number", offsetof(struct s7_ident, serial_number) },
		{ "identity.module_type", offsetof(struct s7_ident, module_type) },
		{ "identity.copyright", offsetof(struct s7_ident, copyright) },
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const char *v = (const char *)id + f[i].off;
		if (v[0])
			dis_ev_cstr(&ev, f[i].key, v);
	}
	if (id->module_type_id)
		dis_ev_uint(&ev, "identity.module_type_id", id->module_type_id);
	dis_emit(ctx, &ev);
	id->have = 0;
}

/* A read SZL response: starts a list or continues one, collects identity. */
static void szl_response(struct s7_state *s, struct dis_ctx *ctx, int dir, const struct s7_ud *u)
{
	struct rd pl = u->payload;
	struct s7_szl *z = &s->szl;
	if (u->ret != S7_RET_SUCCESS) {
		z->active = 0;
		return;
	}
	if (!z->active || !z->n_left) {
		uint16_t id = rd_be16(&pl), ix = rd_be16(&pl), rl = rd_be16(&pl), n = rd_be16(&pl);
		if (!rd_ok(&pl))
			return;
		uint8_t list = (uint8_t)(id & 0xff);
		memset(z, 0, sizeof(*z));
		if ((list == 0x11 || list == 0x1c) && rl >= 2 && rl <= 256) {
			z->active = 1;
			z->id = id;
			z->index = ix;
			z->rec_len = rl;
			z->n_left = n;
		}
	}
	s->ident.dir = (uint8_t)dir;
	s->ident.ts_us = ctx->ts_us;
	szl_feed(s, &pl);
	if (!u->has_ext || u->last == 0) {
		z->active = 0;
		emit_identity(s, ctx);
	}
}

/* ---- pairing, folds and events ---- */

static void ev_common(struct dis_event *ev, const struct s7_hdr *h)
{
	dis_ev_uint(ev, "rosctr", h->rosctr);
	dis_ev_uint(ev, "pdu_ref", h->ref);
}

static void emit_fold(struct dis_ctx *ctx, struct s7_fold *fo)
{
	if (!fo->action)
		return;
	struct dis_event ev;
	dis_ev_init(&ev, ctx, fo->dir, fo->action, DIS_FC_READ);
	ev.proto = fo->proto ? &s7_plus_event_proto : &s7_event_proto;
	if (!fo->requests)
		ev.flags |= DIS_EV_RESPONSE; /* only pushed or answered PDUs */
	if (strcmp(fo->action, "read_szl") == 0)
		ev.fclass = DIS_FC_DIAGNOSTIC;
	/* operations folded: the requests, or for what is only pushed
	 * (notifications, cyclic data) the PDUs received */
	ev.count = fo->requests ? fo->requests : fo->responses ? fo->responses : 1;
	ev.ts_us = fo->last_us;
	dis_ev_uint(&ev, "requests", fo->requests);
	dis_ev_uint(&ev, "responses", fo->responses);
	dis_ev_uint(&ev, "first_seen_us", fo->first_us);
	dis_ev_uint(&ev, "last_seen_us", fo->last_us);
	dis_emit(ctx, &ev);
	memset(fo, 0, sizeof(*fo));
}

static struct s7_fold *fold_get(struct s7_state *s, struct dis_ctx *ctx, int proto,
				uint32_t key, const char *action)
{
	struct s7_fold *free_slot = NULL, *oldest = &s->fold[0];
	for (unsigned i = 0; i < S7_FOLDS; i++) {
		struct s7_fold *fo = &s->fold[i];
		if (fo->action && fo->key == key && fo->proto == proto)
			return fo;
		if (!fo->action && !free_slot)
			free_slot = fo;
		if (fo->first_us < oldest->first_us)
			oldest = fo;
	}
	if (!free_slot) {
		dis_count(ctx, TPKT_C_S7_GLOBAL + S7_G_FOLD_EVICTED);
		emit_fold(ctx, oldest);
		free_slot = oldest;
	}
	free_slot->action = action;
	free_slot->key = key;
	free_slot->proto = (uint8_t)proto;
	free_slot->first_us = ctx->ts_us;
	return free_slot;
}

static void fold_add(struct s7_state *s, struct dis_ctx *ctx, int dir, int proto, uint32_t key,
		     const char *action, int is_resp)
{
	struct s7_fold *fo = fold_get(s, ctx, proto, key, action);
	if (is_resp) {
		if (!fo->requests && !fo->responses)
			fo->dir = (uint8_t)dir;
		fo->responses++;
	} else {
		if (!fo->requests)
			fo->dir = (uint8_t)dir; /* the direction of the requests */
		fo->requests++;
	}
	fo->last_us = ctx->ts_us;
}

static void plus_event(struct s7_state *s, struct dis_ctx *ctx, const struct s7_pending *e,
		       int resp_dir, const uint8_t *resp, size_t resp_len);
static void job_event(struct s7_state *s, struct dis_ctx *ctx, const struct s7_pending *e,
		      int resp_dir, const struct s7_hdr *rh);
static void ud_event(struct s7_state *s, struct dis_ctx *ctx, const struct s7_pending *e,
		     int resp_dir, const struct s7_hdr *rh, const struct s7_ud *ru);

_Static_assert(S7_PENDING <= 16, "s7_state.pend_used has a bit per pending entry");

/* Frees a pending entry. */
static void pend_clear(struct s7_state *s, struct s7_pending *e)
{
	e->kind = 0;
	dis_pend_release(&s->pend_used, (unsigned)(e - s->pend));
}

/* An entry leaves the table: an unanswered operation gets its event. */
static void pend_drop(struct s7_state *s, struct dis_ctx *ctx, struct s7_pending *e)
{
	if (e->kind && !e->folded) {
		if (e->kind == S7P_PROTO_ID)
			plus_event(s, ctx, e, 0, NULL, 0);
		else if (e->kind == S7_ROSCTR_JOB)
			job_event(s, ctx, e, 0, NULL);
		else
			ud_event(s, ctx, e, 0, NULL, NULL);
	}
	pend_clear(s, e);
}

/* The bytes kept of a pending request (e->len of them). */
static const uint8_t *pend_bytes(const struct s7_state *s, const struct s7_pending *e)
{
	return s->pend_b[e - s->pend];
}

static struct s7_pending *pend_oldest(struct s7_state *s)
{
	struct s7_pending *o = NULL;
	for (unsigned m = s->pend_used; m; m &= m - 1) {
		struct s7_pending *e = &s->pend[dis_pend_next(m)];
		if (!o || e->ts_us < o->ts_us)
			o = e;
	}
	return o;
}

static void pend_add(struct s7_state *s, struct dis_ctx *ctx, int dir, uint8_t kind,
		     uint16_t ref, uint16_t func, int folded, const uint8_t *pdu, size_t len,
		     int is_cut)
{
	struct s7_pending *slot = NULL;
	if (dis_pend_may_expire(s->pend_used, s->pend_min_us, ctx->ts_us, S7_PENDING_TIMEOUT_US)) {
		/* some request may have timed out: drop those, in table order */
		uint64_t min = UINT64_MAX;
		for (unsigned m = s->pend_used; m; m &= m - 1) {
			struct s7_pending *e = &s->pend[dis_pend_next(m)];
			if (dis_pend_expired(e->ts_us, ctx->ts_us, S7_PENDING_TIMEOUT_US)) {
				dis_count(ctx, TPKT_C_S7_GLOBAL + S7_G_PENDING_TIMED_OUT);
				pend_drop(s, ctx, e);
			} else if (e->ts_us < min) {
				min = e->ts_us;
			}
		}
		s->pend_min_us = min;
	}
	int free_i = dis_pend_free(s->pend_used, S7_PENDING);
	if (free_i >= 0)
		slot = &s->pend[free_i];
	if (!slot) {
		dis_count(ctx, TPKT_C_S7_GLOBAL + S7_G_PENDING_EVICTED);
		slot = pend_oldest(s);
		pend_drop(s, ctx, slot);
	}
	slot->ts_us = ctx->ts_us;
	dis_pend_take(&s->pend_used, &s->pend_min_us, (unsigned)(slot - s->pend), ctx->ts_us);
	slot->ref = ref;
	slot->kind = kind;
	slot->dir = (uint8_t)dir;
	slot->folded = (uint8_t)folded;
	slot->func = func;
	slot->len = (uint16_t)(len < S7_PEND_COPY ? len : S7_PEND_COPY);
	slot->truncated = (uint8_t)(is_cut || len > S7_PEND_COPY);
	memcpy(s->pend_b[slot - s->pend], pdu, slot->len);
}

static struct s7_pending *pend_find(struct s7_state *s, uint8_t kind, uint16_t ref, uint16_t func,
				    int any_func)
{
	struct s7_pending *found = NULL;
	for (unsigned m = s->pend_used; m; m &= m - 1) {
		struct s7_pending *e = &s->pend[dis_pend_next(m)];
		if (e->kind == kind && e->ref == ref && (any_func || e->func == func) &&
		    (!found || e->ts_us < found->ts_us))
			found = e;
	}
	return found;
}

static void outcome(struct dis_event *ev, const struct s7_pending *e, struct dis_ctx *ctx,
		    int has_resp, int is_err)
{
	dis_ev_bool(ev, "matched", e && has_resp);
	dis_ev_cstr(ev, "outcome", !has_resp ? "unanswered" : is_err ? "error" : "acknowledged");
	if (e && has_resp)
		dis_ev_uint(ev, "response_time_us", ctx->ts_us >= e->ts_us ? ctx->ts_us - e->ts_us : 0);
}

/* One event for a job and its ack/ack-data. e: the request (NULL: a
 * response without one); rh: the response (NULL: unanswered). */
static void job_event(struct s7_state *s, struct dis_ctx *ctx, const struct s7_pending *e,
		      int resp_dir, const struct s7_hdr *rh)
{
	struct s7_hdr qh;
	struct dis_event ev;
	int have_req = e && s7_header(pend_bytes(s, e), e->len, &qh) == 0;
	uint8_t func;
	if (e)
		func = (uint8_t)e->func;
	else {
		struct rd p = rh->param;
		func = rd_u8(&p);
	}
	enum dis_fclass cls = job_class(func);
	const char *action = have_req ? job_action(&qh, func, &cls) : s7_job_func_name(func);
	if (!action)
		action = "unknown_function";
	dis_ev_init(&ev, ctx, e ? e->dir : resp_dir, action, cls);
	ev.proto = &s7_event_proto;
	if (e)
		ev.ts_us = e->ts_us;
	else
		ev.flags |= DIS_EV_RESPONSE;
	ev_common(&ev, have_req ? &qh : rh);
	dis_ev_uint(&ev, "function_code", func);
	const char *fname = s7_job_func_name(func);
	dis_ev_cstr(&ev, "function", fname ? fname : "unknown");
	if (have_req) {
		dec_job_request(&ev, &qh, func);
		if (e->truncated)
			dis_ev_bool(&ev, "request_truncated", 1);
	}
	int is_err = 0;
	if (rh) {
		if (rh->rosctr == S7_ROSCTR_ACK)
			dis_ev_bool(&ev, "response.ack_without_data", 1);
		if (rh->err_class || rh->err_code) {
			is_err = 1;
			dis_ev_uint(&ev, "response.error_class", rh->err_class);
			dis_ev_uint(&ev, "response.error_code", rh->err_code);
			dis_ev_cstr(&ev, "response.error", error_class_name(rh->err_class));
		}
		struct rd p = rh->param;
		if (rd_left(&p) && rd_u8(&p) == func)
			dec_job_response(s, &ev, rh, func);
		if (func == 0x04 || func == 0x05) {
			const struct dis_field *f = NULL;
			for (unsigned i = 0; i < ev.nfields; i++)
				if (strcmp(ev.f[i].key, "response.items_failed") == 0)
					f = &ev.f[i];
			if (f && f->v.u)
				is_err = 1;
		}
	}
	outcome(&ev, e, ctx, rh != NULL, is_err);
	dis_emit(ctx, &ev);
}

static const char *ud_action_or_unknown(uint8_t g, uint8_t sub)
{
	const char *a = ud_action(g, sub);
	return a ? a : "userdata_unknown";
}

static void ud_event(struct s7_state *s, struct dis_ctx *ctx, const struct s7_pending *e,
		     int resp_dir, const struct s7_hdr *rh, const struct s7_ud *ru)
{
	(void)s;
	struct s7_hdr qh;
	struct s7_ud qu;
	struct dis_event ev;
	int have_req = e && s7_header(pend_bytes(s, e), e->len, &qh) == 0 && ud_parse(&qh, &qu) == 0;
	const struct s7_ud *u = have_req ? &qu : ru;
	if (!u)
		return;
	dis_ev_init(&ev, ctx, e ? e->dir : resp_dir, ud_action_or_unknown(u->group, u->sub),
		    ud_class(u->group, u->sub));
	ev.proto = &s7_event_proto;
	if (e)
		ev.ts_us = e->ts_us;
	else if (rh && ru && ud_is_response(ru))
		ev.flags |= DIS_EV_RESPONSE;
	ev_common(&ev, have_req ? &qh : rh);
	if (have_req) {
		dec_ud(&ev, &qu, 0);
		if (e->truncated)
			dis_ev_bool(&ev, "request_truncated", 1);
	}
	int is_err = 0;
	if (ru) {
		/* alone (a push, or a response to nothing we saw) its fields
		 * are the event's own */
		dec_ud(&ev, ru, have_req);
		/* return code 0x0a (no data) is a normal answer, e.g. to set
		 * clock; the parameter's error code tells failure */
		is_err = ru->err != 0;
	}
	if (ru && !ud_is_response(ru) && !e) {
		/* a push or an orphan request: no outcome */
		dis_ev_cstr(&ev, "outcome", "notification");
	} else {
		outcome(&ev, e, ctx, ru != NULL, is_err);
	}
	dis_emit(ctx, &ev);
}

/* ---- S7comm PDUs ---- */

static void s7_job_pdu(struct s7_state *s, struct dis_ctx *ctx, int dir, const struct s7_hdr *h,
		       const uint8_t *buf, size_t len, int is_cut, unsigned base)
{
	struct rd p = h->param;
	uint8_t func = rd_u8(&p);
	if (!rd_ok(&p)) {
		dis_anomaly(ctx, dir, "s7comm_job_without_function");
		return;
	}
	if (func == 0x28) {
		struct rd q = p;
		const char *a;
		enum dis_fclass c;
		dec_pi(NULL, &q, &a, &c);
		if (strncmp(a, "plc_start", 9) == 0)
			dis_count(ctx, base + TPKT_C_S7 + S7_C_PLC_START);
	}
	int folded = ctx->rt->aggregate && func == 0x04;
	if (folded)
		fold_add(s, ctx, dir, 0, func, "read_var", 0);
	pend_add(s, ctx, dir, S7_ROSCTR_JOB, h->ref, func, folded, buf, len, is_cut);
}

static void s7_ack_pdu(struct s7_state *s, struct dis_ctx *ctx, int dir, const struct s7_hdr *h,
		       unsigned base)
{
	struct rd p = h->param;
	int f = rd_left(&p) ? rd_u8(&p) : -1;
	if (h->rosctr == S7_ROSCTR_ACK_DATA && f >= 0)
		dis_count(ctx, base + TPKT_C_S7 + S7_C_ACKD_FUNC + (unsigned)f);
	struct s7_pending *e = pend_find(s, S7_ROSCTR_JOB, h->ref, (uint16_t)(f < 0 ? 0 : f), f < 0);
	if (!e) {
		dis_count(ctx, TPKT_C_S7_GLOBAL + S7_G_UNMATCHED);
		if (f < 0)
			return; /* a bare ack to nothing we saw */
		if (ctx->rt->aggregate && f == 0x04) {
			fold_add(s, ctx, dir, 0, 0x04, "read_var", 1);
			return;
		}
		job_event(s, ctx, NULL, dir, h);
		return;
	}
	if (e->folded && !h->err_class && !h->err_code) {
		fold_add(s, ctx, dir, 0, e->func, "read_var", 1);
		pend_clear(s, e);
		return;
	}
	if (e->folded) {
		/* a folded read answered with an error: its own event */
		for (unsigned i = 0; i < S7_FOLDS; i++)
			if (s->fold[i].action && s->fold[i].key == e->func && !s->fold[i].proto &&
			    s->fold[i].requests)
				s->fold[i].requests--;
	}
	job_event(s, ctx, e, dir, h);
	pend_clear(s, e);
}

static void s7_ud_pdu(struct s7_state *s, struct dis_ctx *ctx, int dir, const struct s7_hdr *h,
		      const uint8_t *buf, size_t len, int is_cut, unsigned base)
{
	struct s7_ud u;
	if (ud_parse(h, &u) < 0) {
		dis_anomaly(ctx, dir, "s7comm_userdata_bad_parameter");
		return;
	}
	unsigned sub = u.sub < S7_UD_SUBS - 1 ? u.sub : S7_UD_SUBS - 1;
	dis_count(ctx, base + TPKT_C_S7 + S7_C_UD + u.group * S7_UD_SUBS + sub);
	if (u.has_ext && u.last != 0)
		dis_count(ctx, base + TPKT_C_S7 + S7_C_UD_FRAGMENT);
	uint16_t key = (uint16_t)(u.group << 8 | u.sub);
	const char *action = ud_action_or_unknown(u.group, u.sub);
	int is_szl = u.group == 4 && u.sub == 1;
	int foldable = ctx->rt->aggregate && (ud_class(u.group, u.sub) == DIS_FC_READ || is_szl);
	if (ud_is_request(&u)) {
		if (foldable)
			fold_add(s, ctx, dir, 0, 0x10000u | key, action, 0);
		pend_add(s, ctx, dir, S7_ROSCTR_USERDATA, h->ref, key, foldable, buf, len, is_cut);
		return;
	}
	if (is_szl && ud_is_response(&u))
		szl_response(s, ctx, dir, &u);
	struct s7_pending *e = ud_is_response(&u) ?
		pend_find(s, S7_ROSCTR_USERDATA, h->ref, key, 0) : NULL;
	if (e && e->folded) {
		fold_add(s, ctx, dir, 0, 0x10000u | key, action, 1);
		pend_clear(s, e);
		return;
	}
	if (!e && foldable) {
		/* pushes of cyclic data and orphan read responses fold too */
		if (ud_is_response(&u))
			dis_count(ctx, TPKT_C_S7_GLOBAL + S7_G_UNMATCHED);
		fold_add(s, ctx, dir, 0, 0x10000u | key, action, 1);
		return;
	}
	if (!e && ud_is_response(&u))
		dis_count(ctx, TPKT_C_S7_GLOBAL + S7_G_UNMATCHED);
	ud_event(s, ctx, e, dir, h, &u);
	if (e)
		pend_clear(s, e);
}

static void s7_pdu(struct s7_state *s, struct dis_ctx *ctx, int dir, const uint8_t *buf,
		   size_t len, int is_cut, unsigned base)
{
	struct s7_hdr h;
	if (s7_header(buf, len, &h) < 0) {
		dis_anomaly(ctx, dir, "s7comm_header_truncated");
		return;
	}
	if (h.is_short && !is_cut)
		dis_anomaly(ctx, dir, "s7comm_length_mismatch");
	if (h.rosctr < 8)
		dis_count(ctx, base + TPKT_C_ROSCTR + h.rosctr);
	switch (h.rosctr) {
	case S7_ROSCTR_JOB: {
		struct rd p = h.param;
		uint8_t func = rd_u8(&p);
		if (rd_ok(&p))
			dis_count(ctx, base + TPKT_C_JOB_FUNC + func);
		s7_job_pdu(s, ctx, dir, &h, buf, len, is_cut, base);
		break;
	}
	case S7_ROSCTR_ACK:
	case S7_ROSCTR_ACK_DATA:
		s7_ack_pdu(s, ctx, dir, &h, base);
		break;
	case S7_ROSCTR_USERDATA:
		s7_ud_pdu(s, ctx, dir, &h, buf, len, is_cut, base);
		break;
	default:
		dis_anomaly(ctx, dir, "s7comm_unknown_rosctr");
		break;
	}
}

/* ---- S7comm-plus ---- */

/* A variable-length quantity: 7 bits per byte, high bit = more. */
static uint32_t s7p_vlq(struct rd *r)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < S7P_VLQ_MAX; i++) {
		uint8_t b = rd_u8(r);
		v = (v << 7) | (b & 0x7f);
		if (!(b & 0x80))
			break;
	}
	return v;
}

struct s7p_hdr {
	uint8_t version, opcode;
	uint16_t dlen, func, seq;
	uint32_t session;
	int has_digest, has_trailer, is_short;
	struct rd body; /* after the opcode's fixed part (request/response payload) */
};

static int s7p_header(const uint8_t *buf, size_t len, struct s7p_hdr *h)
{
	struct rd r = rd_init(buf, len);
	memset(h, 0, sizeof(*h));
	uint8_t id = rd_u8(&r);
	h->version = rd_u8(&r);
	h->dlen = rd_be16(&r);
	if (!rd_ok(&r) || id != S7P_PROTO_ID)
		return -1;
	size_t n = h->dlen <= rd_left(&r) ? h->dlen : rd_left(&r);
	h->is_short = n < h->dlen;
	struct rd d = rd_sub(&r, n);
	/* the trailer: 72 <version> 00 00 right after the data */
	h->has_trailer = rd_left(&r) >= S7P_TRAILER_LEN && rd_peek(&r, 0) == S7P_PROTO_ID &&
			 rd_peek(&r, 1) == h->version && rd_peek(&r, 2) == 0 && rd_peek(&r, 3) == 0;
	if (h->version == 0x03 && rd_peek(&d, 0) == S7P_V3_DIGEST) {
		h->has_digest = 1;
		rd_skip(&d, 1 + S7P_V3_DIGEST);
	}
	h->opcode = rd_u8(&d);
	if (h->opcode == 0x31 || h->opcode == 0x32 || h->opcode == 0x02) {
		rd_skip(&d, 2);
		h->func = rd_be16(&d);
		rd_skip(&d, 2);
		h->seq = rd_be16(&d);
		if (h->opcode == 0x31)
			h->session = rd_be32(&d);
		rd_skip(&d, 1); /* transport flags */
	} else if (h->opcode == 0x33) {
		h->session = rd_be32(&d); /* subscription object id */
	}
	h->body = d;
	return 0;
}

static const char *plus_version_name(uint8_t v)
{
	switch (v) {
	case 1: return "v1";
	case 2: return "v2";
	case 3: return "v3";
	case 0xfe: return "system_event";
	default: return "unknown";
	}
}

/* The action and class of an S7comm-plus request; may look into its body. */
static const char *plus_action(const struct s7p_hdr *h, enum dis_fclass *cls, int *opstate)
{
	unsigned i = plus_func_idx(h->func);
	*cls = i < S7P_UNKNOWN_FUNC ? plus_funcs[i].cls : DIS_FC_OTHER;
	*opstate = -1;
	struct rd b = h->body;
	if (h->func == 0x04ca) {
		uint32_t rid = rd_be32(&b);
		if (rd_ok(&b) && rid == S7P_OBJ_SESSION_CONTAINER) {
			*cls = DIS_FC_SESSION;
			return "create_session";
		}
		return "create_object";
	}
	if (h->func == 0x04d4) {
		uint32_t obj = rd_be32(&b);
		if (rd_ok(&b) && obj == h->session) {
			*cls = DIS_FC_SESSION;
			return "delete_session";
		}
		return "delete_object";
	}
	if (h->func == 0x04f2) {
		/* object id, item count, address count, attribute id, then
		 * item number and value: flags, datatype, VLQ value */
		uint32_t obj = rd_be32(&b);
		s7p_vlq(&b);
		s7p_vlq(&b);
		uint32_t attr = s7p_vlq(&b);
		if (rd_ok(&b) && obj == S7P_OBJ_CPU_EXEC_UNIT && attr == S7P_ATTR_OPSTATE_REQ) {
			s7p_vlq(&b);
			rd_skip(&b, 2);
			uint32_t v = s7p_vlq(&b);
			*cls = DIS_FC_CONTROL;
			*opstate = rd_ok(&b) ? (int)v : 0;
			if (rd_ok(&b) && v == S7P_OPSTATE_STOP)
				return "plc_stop";
			if (rd_ok(&b) && v == S7P_OPSTATE_RUN)
				return "plc_start";
			return "set_operating_state";
		}
	}
	return i < S7P_UNKNOWN_FUNC ? plus_funcs[i].name : "unknown_function";
}

static void plus_event(struct s7_state *s, struct dis_ctx *ctx, const struct s7_pending *e,
		       int resp_dir, const uint8_t *resp, size_t resp_len)
{
	(void)s;
	struct s7p_hdr qh, rh;
	struct dis_event ev;
	int have_req = e && s7p_header(pend_bytes(s, e), e->len, &qh) == 0;
	int have_resp = resp && s7p_header(resp, resp_len, &rh) == 0;
	enum dis_fclass cls = DIS_FC_OTHER;
	int opstate = -1;
	const char *action;
	if (have_req)
		action = plus_action(&qh, &cls, &opstate);
	else if (have_resp) {
		unsigned i = plus_func_idx(rh.func);
		action = i < S7P_UNKNOWN_FUNC ? plus_funcs[i].name : "unknown_function";
		cls = i < S7P_UNKNOWN_FUNC ? plus_funcs[i].cls : DIS_FC_OTHER;
	} else
		return;
	dis_ev_init(&ev, ctx, e ? e->dir : resp_dir, action, cls);
	ev.proto = &s7_plus_event_proto;
	if (e)
		ev.ts_us = e->ts_us;
	else
		ev.flags |= DIS_EV_RESPONSE;
	const struct s7p_hdr *h = have_req ? &qh : &rh;
	dis_ev_uint(&ev, "protocol_version", h->version);
	dis_ev_cstr(&ev, "version", plus_version_name(h->version));
	dis_ev_uint(&ev, "opcode", h->opcode);
	dis_ev_uint(&ev, "function_code", h->func);
	dis_ev_cstr(&ev, "function", plus_func_name(h->func));
	dis_ev_uint(&ev, "sequence_number", h->seq);
	if (have_req)
		dis_ev_uint(&ev, "session_id", qh.session);
	dis_ev_bool(&ev, "integrity", h->has_digest);
	if (opstate >= 0)
		dis_ev_uint(&ev, "operating_state", (unsigned)opstate);
	if (have_req && qh.func == 0x04d4 && !strcmp(action, "delete_object")) {
		struct rd b = qh.body;
		uint32_t obj = rd_be32(&b);
		if (rd_ok(&b))
			dis_ev_uint(&ev, "object_id", obj);
	}
	int is_err = 0;
	if (have_resp) {
		/* the return value leads the response body (a VLQ; negative
		 * values have bit 0x4000 set in the 16-bit form Siemens uses) */
		struct rd b = rh.body;
		uint64_t rv = s7p_vlq(&b);
		if (rd_ok(&b)) {
			dis_ev_uint(&ev, "response.return_value", rv);
			is_err = (rv & 0x4000) != 0;
		}
	}
	outcome(&ev, e, ctx, have_resp, is_err);
	dis_emit(ctx, &ev);
}

static void plus_pdu(struct s7_state *s, struct dis_ctx *ctx, int dir, const uint8_t *buf,
		     size_t len, int is_cut, unsigned base)
{
	struct s7p_hdr h;
	unsigned c = base + TPKT_C_S7;
	if (s7p_header(buf, len, &h) < 0)
		return;
	/* every S7comm-plus TSDU, fragments too, starts with the header and
	 * its version */
	switch (h.version) {
	case 1: dis_count(ctx, c + S7_C_PLUS_V1); break;
	case 2: dis_count(ctx, c + S7_C_PLUS_V2); break;
	case 3: dis_count(ctx, c + S7_C_PLUS_V3); break;
	case 0xfe: dis_count(ctx, c + S7_C_PLUS_SYSEVENT); break;
	default: dis_count(ctx, c + S7_C_PLUS_VOTHER); break;
	}
	if (s->plus_continuing[dir]) {
		/* a continuation fragment of the previous PDU */
		dis_count(ctx, c + S7_C_PLUS_FRAGMENT);
		s->plus_continuing[dir] = !h.has_trailer && !is_cut && h.version != 0xfe;
		return;
	}
	if (h.version == 0xfe)
		return; /* a system event (keep-alive): no operation */
	if (h.version < 1 || h.version > 3)
		dis_anomaly(ctx, dir, "s7comm_plus_unknown_version");
	/* no trailer after the data: the PDU goes on in the next TSDU */
	s->plus_continuing[dir] = !h.has_trailer && !is_cut;
	int folded;
	switch (h.opcode) {
	case 0x31: {
		dis_count(ctx, c + S7_C_PLUS_REQ + plus_func_idx(h.func));
		enum dis_fclass cls;
		int op;
		const char *action = plus_action(&h, &cls, &op);
		folded = ctx->rt->aggregate && cls == DIS_FC_READ;
		if (folded)
			fold_add(s, ctx, dir, 1, h.func, action, 0);
		pend_add(s, ctx, dir, S7P_PROTO_ID, h.seq, h.func, folded, buf, len, is_cut);
		break;
	}
	case 0x32:
	case 0x02: {
		dis_count(ctx, c + S7_C_PLUS_RES + plus_func_idx(h.func));
		if (h.opcode == 0x02)
			dis_count(ctx, c + S7_C_PLUS_RESPONSE2);
		struct s7_pending *e = pend_find(s, S7P_PROTO_ID, h.seq, h.func, 0);
		if (e && e->folded) {
			fold_add(s, ctx, dir, 1, h.func, plus_func_name(h.func), 1);
			pend_clear(s, e);
			break;
		}
		if (!e) {
			dis_count(ctx, TPKT_C_S7_GLOBAL + S7_G_UNMATCHED);
			if (ctx->rt->aggregate && plus_func_idx(h.func) < S7P_UNKNOWN_FUNC &&
			    plus_funcs[plus_func_idx(h.func)].cls == DIS_FC_READ) {
				fold_add(s, ctx, dir, 1, h.func, plus_func_name(h.func), 1);
				break;
			}
		}
		plus_event(s, ctx, e, dir, buf, len);
		if (e)
			pend_clear(s, e);
		break;
	}
	case 0x33:
		dis_count(ctx, c + S7_C_PLUS_NOTIFICATION);
		if (ctx->rt->aggregate) {
			fold_add(s, ctx, dir, 1, 0x10000u, "notification", 1);
		} else {
			struct dis_event ev;
			dis_ev_init(&ev, ctx, dir, "notification", DIS_FC_READ);
			ev.proto = &s7_plus_event_proto;
			dis_ev_uint(&ev, "protocol_version", h.version);
			dis_ev_cstr(&ev, "version", plus_version_name(h.version));
			dis_ev_uint(&ev, "opcode", h.opcode);
			dis_ev_uint(&ev, "subscription_object_id", h.session);
			dis_ev_bool(&ev, "integrity", h.has_digest);
			dis_emit(ctx, &ev);
		}
		break;
	default:
		dis_count(ctx, c + S7_C_PLUS_OTHER_OPCODE);
		break;
	}
}

/* ---- entry points ---- */

void s7_tsdu(struct s7_state *s, struct dis_ctx *ctx, int dir, const uint8_t *buf, size_t len,
	     int is_cut, unsigned base)
{
	struct rd r = rd_init(buf, len);
	int id = rd_peek(&r, 0);
	if (is_cut)
		dis_count(ctx, TPKT_C_S7_GLOBAL + S7_G_TRUNCATED);
	if (id == S7_PROTO_ID) {
		dis_count(ctx, base + TPKT_C_S7COMM);
		s7_pdu(s, ctx, dir, buf, len, is_cut, base);
	} else if (id == S7P_PROTO_ID) {
		dis_count(ctx, base + TPKT_C_S7COMMP);
		plus_pdu(s, ctx, dir, buf, len, is_cut, base);
	} else if (id >= 0) {
		dis_count(ctx, base + TPKT_C_OTHER);
	}
}

void s7_gap(struct s7_state *s, int dir)
{
	s->plus_continuing[dir] = 0;
	s->szl.active = 0;
}

void s7_close(struct s7_state *s, struct dis_ctx *ctx)
{
	struct s7_pending *o;
	while ((o = pend_oldest(s)) != NULL)
		pend_drop(s, ctx, o);
	emit_identity(s, ctx);
	for (;;) {
		struct s7_fold *first = NULL;
		for (unsigned i = 0; i < S7_FOLDS; i++)
			if (s->fold[i].action && (!first || s->fold[i].first_us < first->first_us))
				first = &s->fold[i];
		if (!first)
			break;
		emit_fold(ctx, first);
	}
}

int s7_counter_name(unsigned idx, char *buf, size_t len)
{
	int n;
	if (idx < S7_C_UD) {
		const char *fn = s7_job_func_name(idx);
		n = fn ? snprintf(buf, len, "s7comm.ack_data.%s", fn) :
			 snprintf(buf, len, "s7comm.ack_data.func_0x%02x", idx);
	} else if (idx < S7_C_PLUS_REQ) {
		unsigned g = (idx - S7_C_UD) / S7_UD_SUBS, sub = (idx - S7_C_UD) % S7_UD_SUBS;
		const char *a = sub < S7_UD_SUBS - 1 ? ud_action((uint8_t)g, (uint8_t)sub) : NULL;
		const char *gn = ud_group_names[g];
		char gbuf[16];
		if (!gn) {
			snprintf(gbuf, sizeof(gbuf), "group_%u", g);
			gn = gbuf;
		}
		if (g == 0)
			n = snprintf(buf, len, "s7comm.userdata.%s.%s", gn, mode_name((uint8_t)sub));
		else if (a && g != 0xf)
			n = snprintf(buf, len, "s7comm.userdata.%s.%s", gn, a);
		else if (sub == S7_UD_SUBS - 1)
			n = snprintf(buf, len, "s7comm.userdata.%s.subfunction_other", gn);
		else
			n = snprintf(buf, len, "s7comm.userdata.%s.subfunction_%u", gn, sub);
	} else if (idx < S7_C_PLUS_RES) {
		unsigned i = idx - S7_C_PLUS_REQ;
		n = snprintf(buf, len, "s7comm_plus.request.%s",
			     i < S7P_UNKNOWN_FUNC ? plus_funcs[i].name : "unknown");
	} else if (idx < S7_C_PLUS_NOTIFICATION) {
		unsigned i = idx - S7_C_PLUS_RES;
		n = snprintf(buf, len, "s7comm_plus.response.%s",
			     i < S7P_UNKNOWN_FUNC ? plus_funcs[i].name : "unknown");
	} else {
		static const char *const other[] = {
			"s7comm_plus.notification", "s7comm_plus.other_opcode",
			"s7comm_plus.fragment", "s7comm_plus.v1", "s7comm_plus.v2",
			"s7comm_plus.v3", "s7comm_plus.system_event", "s7comm_plus.version_other",
			"s7comm.job.plc_start", "s7comm.userdata.fragment",
			"s7comm_plus.response2_opcode",
		};
		unsigned i = idx - S7_C_PLUS_NOTIFICATION;
		if (i >= sizeof(other) / sizeof(other[0]))
			return -1;
		n = snprintf(buf, len, "%s", other[i]);
	}
	return n > 0 && (size_t)n < len ? 0 : -1;
}

int s7_global_counter_name(unsigned idx, char *buf, size_t len)
{
	static const char *const names[S7_G__COUNT] = {
		"s7.table.pending_evicted", "s7.table.pending_timed_out", "s7.table.fold_evicted",
		"s7.table.responses_without_request", "s7.tsdu_truncated",
	};
	if (idx >= S7_G__COUNT)
		return -1;
	int n = snprintf(buf, len, "%s", names[idx]);
	return n > 0 && (size_t)n < len ? 0 : -1;
}
