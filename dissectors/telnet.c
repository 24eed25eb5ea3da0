/* telnet.c - Telnet (passive): a cleartext session, and the login name when it is typed.
 *
 * RFC 854 (NVT, IAC commands) and RFC 855 (option negotiation):
 *
 *   IAC (255) WILL/WONT/DO/DONT (251-254) option      three bytes
 *   IAC SB option ... IAC SE (240)                    subnegotiation
 *   IAC IAC                                           a data byte 255
 *   IAC other                                         two bytes
 *
 * Both directions are stripped of commands byte by byte (no buffering).
 * The server's text is searched for a "login:" prompt (case-insensitive,
 * across segments); the first line the client types after it (characters
 * up to CR or LF, with backspace and DEL applied, as character-at-a-time
 * clients send it) is the user. One event "telnet_session" (class
 * session) with cleartext true and the user if found; it is emitted when
 * the user line ends, or after TELNET_MAX_BYTES per direction, or at flow
 * end, and the dissector stops.
 */
#include "config.h"

#include <string.h>

#include "dissectors/dis_text.h"
#include "dissectors/sess.h"

#define TELNET_PORT 23
#define TELNET_MAX_BYTES 4096 /* per direction: the login happens early */
#define TELNET_USER_MAX 64
#define TELNET_IAC 255
#define TELNET_SB 250
#define TELNET_SE 240
#define TELNET_WILL 251
#define TELNET_DONT 254
#define TELNET_PROMPT "login:"
#define TELNET_PROMPT_LEN 6

enum telnet_iac { TI_DATA, TI_IAC, TI_OPT, TI_SB, TI_SB_IAC };

struct telnet_state {
	uint8_t done, client_dir_known, client_dir;
	uint8_t iac[2];      /* enum telnet_iac per direction */
	uint8_t prompt_seen; /* a login prompt was seen: the next client line is the user */
	uint8_t in_user;     /* the client has typed part of it */
	uint8_t prompt_len;  /* bytes of "login:" matched so far */
	uint32_t bytes[2];
	TXT_STR(TELNET_USER_MAX) user;
};

enum dis_probe_result telnet_probe(const uint8_t *buf, size_t len, int dir)
{
	(void)dir;
	struct rd r = rd_init(buf, len);
	/* Option negotiation opens a Telnet session in either direction. */
	int a = rd_peek(&r, 0), b = rd_peek(&r, 1);
	if (a != TELNET_IAC)
		return DIS_PROBE_NO;
	if (b < 0)
		return DIS_PROBE_MORE;
	return (b >= TELNET_WILL && b <= TELNET_DONT) || b == TELNET_SB ? DIS_PROBE_YES
									: DIS_PROBE_NO;
}

static void telnet_emit(struct telnet_state *st, struct dis_ctx *ctx)
{
	if (st->done)
		return;
	st->done = 1;
	struct dis_event ev;
	dis_ev_init(&ev, ctx, st->client_dir_known ? st->client_dir : txt_client_dir(ctx, TELNET_PORT),
		    "telnet_session", DIS_FC_SESSION);
	dis_ev_bool(&ev, "cleartext", 1);
	TXT_EMIT(&ev, "user", st->user);
	if (st->user.cut)
		ev.flags |= DIS_EV_TRUNCATED;
	dis_emit(ctx, &ev);
}

/* One data byte (after command stripping). Returns 1 when done. */
static int telnet_data(struct telnet_state *st, int is_client, uint8_t c)
{
	if (!is_client) {
		/* match "login:" across segments, any case */
		if (txt_lower(c) == TELNET_PROMPT[st->prompt_len]) {
			if (++st->prompt_len == TELNET_PROMPT_LEN) {
				st->prompt_seen = 1;
				st->prompt_len = 0;
			}
		} else {
			st->prompt_len = txt_lower(c) == TELNET_PROMPT[0] ? 1 : 0;
		}
		return 0;
	}
	if (!st->prompt_seen)
		return 0;
	if (c == '\r' || c == '\n' || c == 0) {
		if (!st->in_user)
			return 0; /* an empty line before typing */
		return 1;
	}
	if (c == 8 || c == 127) { /* backspace, DEL */
		if (st->user.len)
			st->user.len--;
		return 0;
	}
	st->in_user = 1;
	if (st->user.len < sizeof(st->user.s))
		st->user.s[st->user.len++] = (char)c;
	else
		st->user.cut = 1;
	return 0;
}

static enum dis_status telnet_parse(void *state, int dir, const uint8_t *buf, size_t len,
				    size_t *used, struct dis_ctx *ctx)
{
	struct telnet_state *st = state;
	*used = 0;
	if (st->done)
		return DIS_UNSUPPORTED;
	if (!st->client_dir_known) {
		st->client_dir_known = 1;
		st->client_dir = (uint8_t)txt_client_dir(ctx, TELNET_PORT);
	}
	int is_client = dir == st->client_dir;
	struct rd r = rd_init(buf, len);
	while (rd_left(&r) > 0) {
		uint8_t c = rd_u8(&r);
		switch (st->iac[dir]) {
		case TI_DATA:
			if (c == TELNET_IAC) {
				st->iac[dir] = TI_IAC;
				break;
			}
			if (telnet_data(st, is_client, c)) {
				telnet_emit(st, ctx);
				txt_stop(ctx);
				*used = len;
				return DIS_OK;
			}
			break;
		case TI_IAC:
			if (c == TELNET_IAC) {
				st->iac[dir] = TI_DATA;
				(void)telnet_data(st, is_client, c);
			} else if (c >= TELNET_WILL) {
				st->iac[dir] = TI_OPT;
			} else if (c == TELNET_SB) {
				st->iac[dir] = TI_SB;
			} else {
				st->iac[dir] = TI_DATA;
			}
			break;
		case TI_OPT:
			st->iac[dir] = TI_DATA;
			break;
		case TI_SB:
			if (c == TELNET_IAC)
				st->iac[dir] = TI_SB_IAC;
			break;
		default: /* TI_SB_IAC */
			st->iac[dir] = c == TELNET_SE ? TI_DATA : TI_SB;
			break;
		}
	}
	*used = len;
	st->bytes[dir] += (uint32_t)(len < TELNET_MAX_BYTES ? len : TELNET_MAX_BYTES);
	if (st->bytes[dir] >= TELNET_MAX_BYTES) {
		telnet_emit(st, ctx); /* no login line in the first KBs: give up */
		txt_stop(ctx);
	}
	return DIS_OK;
}

/* Bytes are missing: a command or a typed character may be lost; restart
 * the command state and wait for a new prompt before taking a user name. */
static void telnet_gap(void *state, int dir, uint32_t len, struct dis_ctx *ctx)
{
	struct telnet_state *st = state;
	(void)len;
	(void)ctx;
	st->iac[dir] = TI_DATA;
	if (!st->in_user) {
		st->prompt_len = 0;
	} else {
		/* part of the name is lost: do not report a wrong one */
		st->user.len = 0;
		st->in_user = 0;
		st->prompt_seen = 0;
	}
}

static void telnet_close(void *state, struct dis_ctx *ctx)
{
	telnet_emit(state, ctx);
}

const struct dis_proto telnet_proto = {
	.name = "telnet",
	.label = "Telnet",
	.tcp_port = TELNET_PORT,
	.passive = 1,
	.state_size = sizeof(struct telnet_state),
	.max_pdu = 64,
	.probe = telnet_probe,
	.parse = telnet_parse,
	.gap = telnet_gap,
	.close = telnet_close,
};
