/* ftp.c - FTP control connection (passive): logins and file transfers, paired with their replies.
 *
 * RFC 959 (commands 4.1, replies 4.2), RFC 2228 (AUTH), RFC 3659. The
 * control connection is lines of text: the client sends "VERB argument",
 * the server answers "NNN text" (a multi-line reply is "NNN-text" ... up to
 * a line "NNN text"). 1yz replies are preliminary: the command waits for
 * its final reply (2yz-5yz). Commands are answered in order, so a small FIFO
 * pairs them.
 *
 * Events:
 *   ftp_login      (session) user, outcome: 230 acknowledged, 530 failed
 *   ftp_download   (other)   RETR: file.name, outcome
 *   ftp_upload     (other)   STOR, STOU, APPE: file.name, outcome
 *   ftp_delete     (other)   DELE: file.name, outcome
 *   ftp_auth_tls   (session) AUTH TLS/SSL accepted (234): the rest is
 *                  encrypted, so the dissector stops
 * Transfer outcome: acknowledged on 2yz (226, 250), failed on 4yz/5yz,
 * unanswered when the flow ends first. The data connections are not
 * followed. The server's direction is the one whose lines are replies.
 */
#include "config.h"

#include <string.h>

#include "dissectors/dis_text.h"
#include "dissectors/sess.h"

#define FTP_PORT 21
#define FTP_LINE_MAX 512  /* RFC 959 sets none; real commands are far shorter */
#define FTP_PENDING 4     /* commands awaiting their final reply */
#define FTP_NAME_MAX 160
#define FTP_USER_MAX 64

enum ftp_kind { FK_OTHER, FK_USER, FK_PASS, FK_RETR, FK_STOR, FK_DELE, FK_AUTH };

enum {
	FTP_CNT_COMMANDS,
	FTP_CNT_REPLIES,
	FTP_CNT_LOGINS,
	FTP_CNT_TRANSFERS,
	FTP_CNT_UNANSWERED,
	FTP_CNT__END
};
static const char *const ftp_counter_names[FTP_CNT__END] = {
	"commands", "replies", "logins", "transfers", "unanswered",
};

struct ftp_pending {
	uint8_t kind;
	uint8_t is_stou;
	uint64_t ts_us;
	TXT_STR(FTP_NAME_MAX) name;
};

struct ftp_state {
	uint8_t done, server_known, server_dir;
	uint8_t skipping[2];
	uint8_t n_pend;
	uint16_t ml_code; /* inside a multi-line reply with this code */
	struct ftp_pending pend[FTP_PENDING];
	TXT_STR(FTP_USER_MAX) user;
};

/* Verbs from a client that make a flow FTP even when the greeting does not say so. */
static const char *const ftp_probe_verbs[] = { "USER ", "AUTH TLS", "AUTH SSL", "FEAT\r", "SYST\r" };

enum dis_probe_result ftp_probe(const uint8_t *buf, size_t len, int dir)
{
	(void)dir;
	if (len == 0)
		return DIS_PROBE_MORE;
	int r = txt_probe_reply(buf, len);
	if (r) {
		/* A greeting that names FTP: "220 (vsFTPd 3.0.3)", "220 pyftpdlib ready" */
		if (r == 1)
			return len < DIS_PROBE_BYTES ? DIS_PROBE_MORE : DIS_PROBE_NO;
		const uint8_t *lf = memchr(buf, '\n', len);
		size_t line = lf ? (size_t)(lf - buf) : len;
		return txt_find(buf, line, "ftp") >= 0 ? DIS_PROBE_YES : DIS_PROBE_NO;
	}
	int maybe = 0;
	int c0 = txt_lower(buf[0]);
	for (size_t i = 0; i < sizeof(ftp_probe_verbs) / sizeof(ftp_probe_verbs[0]); i++) {
		if (txt_lower((unsigned char)ftp_probe_verbs[i][0]) != c0)
			continue; /* neither begins with it nor may become it */
		if (txt_prefix(buf, len, ftp_probe_verbs[i]))
			return memchr(buf, '\n', len) ? DIS_PROBE_YES : DIS_PROBE_MORE;
		if (txt_maybe(buf, len, ftp_probe_verbs[i]))
			maybe = 1;
	}
	return maybe ? DIS_PROBE_MORE : DIS_PROBE_NO;
}

static const char *ftp_action(uint8_t kind)
{
	switch (kind) {
	case FK_RETR: return "ftp_download";
	case FK_STOR: return "ftp_upload";
	case FK_DELE: return "ftp_delete";
	default: return "ftp_login";
	}
}

static void ftp_emit(struct ftp_state *st, struct dis_ctx *ctx, const struct ftp_pending *p,
		     const char *outcome, unsigned code)
{
	struct dis_event ev;
	int cdir = st->server_known ? !st->server_dir : txt_client_dir(ctx, FTP_PORT);
	if (p->kind == FK_USER || p->kind == FK_PASS) {
		dis_ev_init(&ev, ctx, cdir, "ftp_login", DIS_FC_SESSION);
		TXT_EMIT(&ev, "user", st->user);
		if (st->user.cut)
			ev.flags |= DIS_EV_TRUNCATED;
		dis_count(ctx, FTP_CNT_LOGINS);
	} else {
		dis_ev_init(&ev, ctx, cdir, ftp_action(p->kind), DIS_FC_OTHER);
		TXT_EMIT(&ev, "file.name", p->name);
		if (p->name.cut)
			ev.flags |= DIS_EV_TRUNCATED;
		dis_count(ctx, FTP_CNT_TRANSFERS);
	}
	if (code)
		dis_ev_uint(&ev, "reply_code", code);
	dis_ev_cstr(&ev, "outcome", outcome);
	dis_emit(ctx, &ev);
}

/* Drops the oldest pending command; reports it when it was worth an event. */
static void ftp_pop(struct ftp_state *st, struct dis_ctx *ctx, const char *outcome, unsigned code)
{
	if (!st->n_pend)
		return;
	struct ftp_pending *p = &st->pend[0];
	if (outcome && p->kind != FK_OTHER && p->kind != FK_AUTH)
		ftp_emit(st, ctx, p, outcome, code);
	st->n_pend--;
	memmove(&st->pend[0], &st->pend[1], st->n_pend * sizeof(st->pend[0]));
}

static void ftp_command(struct ftp_state *st, struct dis_ctx *ctx, const uint8_t *p, size_t n)
{
	static const struct {
		const char *verb;
		uint8_t kind;
	} verbs[] = {
		{ "USER", FK_USER }, { "PASS", FK_PASS }, { "RETR", FK_RETR }, { "STOR", FK_STOR },
		{ "STOU", FK_STOR }, { "APPE", FK_STOR }, { "DELE", FK_DELE }, { "AUTH", FK_AUTH },
	};
	dis_count(ctx, FTP_CNT_COMMANDS);
	size_t vl = 0;
	while (vl < n && p[vl] != ' ')
		vl++;
	uint8_t kind = FK_OTHER;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (vl == 4 && txt_prefix(p, n, verbs[i].verb))
			kind = verbs[i].kind;
	const uint8_t *arg = p + vl;
	size_t al = n - vl;
	txt_ltrim(&arg, &al);
	txt_rtrim(arg, &al);
	if (kind == FK_AUTH && !(txt_prefix(arg, al, "TLS") || txt_prefix(arg, al, "SSL")))
		kind = FK_OTHER;
	if (kind == FK_USER)
		TXT_SET(st->user, arg, al);
	if (st->n_pend == FTP_PENDING) {
		dis_count(ctx, FTP_CNT_UNANSWERED);
		ftp_pop(st, ctx, "unanswered", 0); /* pipelined past our FIFO */
	}
	struct ftp_pending *q = &st->pend[st->n_pend++];
	memset(q, 0, sizeof(*q));
	q->kind = kind;
	q->ts_us = ctx->ts_us;
	if (kind == FK_RETR || kind == FK_STOR || kind == FK_DELE)
		TXT_SET(q->name, arg, al);
}

/* A final reply line (the last line of a multi-line reply). Returns 1 when
 * the dissector stops (TLS follows). */
static int ftp_reply(struct ftp_state *st, struct dis_ctx *ctx, unsigned code)
{
	dis_count(ctx, FTP_CNT_REPLIES);
	if (code < 200 || !st->n_pend)
		return 0; /* preliminary, or the greeting / an unsolicited reply */
	struct ftp_pending *p = &st->pend[0];
	switch (p->kind) {
	case FK_USER:
	case FK_PASS:
		if (code == 230)
			ftp_pop(st, ctx, "acknowledged", code);
		else if (code == 530 || code >= 400)
			ftp_pop(st, ctx, "failed", code);
		else
			ftp_pop(st, ctx, NULL, code); /* 331: the password follows */
		return 0;
	case FK_AUTH:
		if (code == 234) {
			struct dis_event ev;
			dis_ev_init(&ev, ctx, st->server_known ? !st->server_dir : 0, "ftp_auth_tls",
				    DIS_FC_SESSION);
			dis_ev_uint(&ev, "reply_code", code);
			dis_ev_cstr(&ev, "outcome", "acknowledged");
			dis_emit(ctx, &ev);
			ftp_pop(st, ctx, NULL, code);
			return 1;
		}
		ftp_pop(st, ctx, NULL, code);
		return 0;
	default:
		ftp_pop(st, ctx, code < 400 ? "acknowledged" : "failed", code);
		return 0;
	}
}

static enum dis_status ftp_parse(void *state, int dir, const uint8_t *buf, size_t len,
				 size_t *used, struct dis_ctx *ctx)
{
	struct ftp_state *st = state;
	size_t n = 0;
	enum dis_status ret;
	*used = 0;
	if (st->done)
		return DIS_UNSUPPORTED;
	if (!txt_frame(&st->skipping[dir], buf, len, FTP_LINE_MAX, &n, used, &ret))
		return ret;
	int more = 0;
	unsigned code = txt_reply_code(buf, n, &more);
	if (!st->server_known) {
		/* The first reply line names the server; else the first command the client. */
		st->server_known = 1;
		st->server_dir = (uint8_t)(code ? dir : !dir);
	}
	if (dir != st->server_dir) {
		if (n)
			ftp_command(st, ctx, buf, n);
		return DIS_OK;
	}
	if (st->ml_code) {
		/* inside a multi-line reply: only "NNN " with the same code ends it */
		if (code == st->ml_code && !more)
			st->ml_code = 0;
		else
			return DIS_OK;
	} else if (!code) {
		return DIS_OK; /* not a reply: ignored */
	} else if (more) {
		st->ml_code = (uint16_t)code;
		return DIS_OK;
	}
	if (ftp_reply(st, ctx, code)) {
		st->done = 1;
		st->n_pend = 0;
		txt_stop(ctx);
	}
	return DIS_OK;
}

static void ftp_close(void *state, struct dis_ctx *ctx)
{
	struct ftp_state *st = state;
	while (st->n_pend) {
		if (st->pend[0].kind != FK_OTHER && st->pend[0].kind != FK_AUTH)
			dis_count(ctx, FTP_CNT_UNANSWERED);
		ftp_pop(st, ctx, "unanswered", 0);
	}
	st->done = 1;
}

/* Bytes are missing: the next complete line is the next command or reply. */
static void ftp_gap(void *state, int dir, uint32_t len, struct dis_ctx *ctx)
{
	struct ftp_state *st = state;
	(void)len;
	(void)ctx;
	st->skipping[dir] = 1;
}

static int ftp_counter_name(unsigned idx, char *buf, size_t len)
{
	if (idx >= FTP_CNT__END || strlen(ftp_counter_names[idx]) >= len)
		return -1;
	memcpy(buf, ftp_counter_names[idx], strlen(ftp_counter_names[idx]) + 1);
	return 0;
}

const struct dis_proto ftp_proto = {
	.name = "ftp",
	.label = "FTP",
	.tcp_port = FTP_PORT,
	.passive = 1,
	.state_size = sizeof(struct ftp_state),
	.max_pdu = FTP_LINE_MAX,
	.probe = ftp_probe,
	.parse = ftp_parse,
	.gap = ftp_gap,
	.close = ftp_close,
	.n_counters = FTP_CNT__END,
	.counter_name = ftp_counter_name,
};
