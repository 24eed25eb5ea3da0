/* smtp.c - SMTP dialogue (passive): STARTTLS use, cleartext AUTH, senders, recipients, attachments.
 *
 * RFC 5321 (commands 4.1, replies 4.2), RFC 3207 (STARTTLS), RFC 4954
 * (AUTH), RFC 2183 (Content-Disposition filename). Lines of text: the
 * client sends "VERB argument", the server answers "NNN text" ("NNN-text"
 * for all but the last line of a reply). The EHLO reply lists STARTTLS
 * when the server offers it. After DATA and the server's 354 the client
 * sends the message up to a line ".": its MIME "filename=" parameters are
 * the attachments.
 *
 * One event "smtp_session" (class other) with ehlo, starttls_offered,
 * starttls, auth, mail_from, recipients, messages, attachments; emitted
 * when the server accepts STARTTLS (220: the rest is encrypted), at QUIT,
 * or at flow end, and the dissector stops. The server's direction is the
 * one whose lines are replies.
 */
#include "config.h"

#include <string.h>

#include "dissectors/dis_text.h"
#include "dissectors/sess.h"

#define SMTP_PORT 25
#define SMTP_LINE_MAX 1024 /* 1000 octets with CR LF, RFC 5321 4.5.3.1.6; some more */
#define SMTP_NAME_MAX 96
#define SMTP_ATTACH_MAX 4
#define SMTP_ATTACH_NAME_MAX 64

struct smtp_state {
	uint8_t done, server_known, server_dir;
	uint8_t skipping[2];
	uint8_t in_data, data_wait, starttls_wait;
	uint8_t starttls_offered, starttls, auth, have_ehlo;
	uint8_t n_attach, attach_cut;
	uint32_t recipients, messages;
	TXT_STR(SMTP_NAME_MAX) ehlo;
	TXT_STR(SMTP_NAME_MAX) mail_from;
	TXT_STR(SMTP_ATTACH_NAME_MAX) attach[SMTP_ATTACH_MAX];
};

enum dis_probe_result smtp_probe(const uint8_t *buf, size_t len, int dir)
{
	(void)dir;
	if (len == 0)
		return DIS_PROBE_MORE;
	int r = txt_probe_reply(buf, len);
	if (r == 1)
		return len < DIS_PROBE_BYTES ? DIS_PROBE_MORE : DIS_PROBE_NO;
	if (r == 2) { /* "220 mail.example ESMTP Postfix" */
		const uint8_t *lf = memchr(buf, '\n', len);
		size_t line = lf ? (size_t)(lf - buf) : len;
		return txt_find(buf, line, "SMTP") >= 0 ? DIS_PROBE_YES : DIS_PROBE_NO;
	}
	if (txt_maybe(buf, len, "EHLO ") || txt_maybe(buf, len, "HELO ")) {
		if (len < 5)
			return DIS_PROBE_MORE;
		return DIS_PROBE_YES;
	}
	return DIS_PROBE_NO;
}

static void smtp_emit(struct smtp_state *st, struct dis_ctx *ctx)
{
	char names[SMTP_ATTACH_MAX * (SMTP_ATTACH_NAME_MAX + 1)];
	if (st->done)
		return;
	st->done = 1;
	struct dis_event ev;
	dis_ev_init(&ev, ctx, st->server_known ? !st->server_dir : txt_client_dir(ctx, SMTP_PORT),
		    "smtp_session", DIS_FC_OTHER);
	TXT_EMIT(&ev, "ehlo", st->ehlo);
	dis_ev_bool(&ev, "starttls_offered", st->starttls_offered);
	dis_ev_bool(&ev, "starttls", st->starttls);
	dis_ev_bool(&ev, "auth", st->auth);
	TXT_EMIT(&ev, "mail_from", st->mail_from);
	dis_ev_uint(&ev, "recipients", st->recipients);
	dis_ev_uint(&ev, "messages", st->messages);
	if (st->n_attach) {
		size_t n = 0;
		for (unsigned i = 0; i < st->n_attach; i++) {
			if (n)
				names[n++] = ',';
			memcpy(names + n, st->attach[i].s, st->attach[i].len);
			n += st->attach[i].len;
		}
		dis_ev_str(&ev, "attachments", names, n);
	}
	if (st->ehlo.cut || st->mail_from.cut || st->attach_cut)
		ev.flags |= DIS_EV_TRUNCATED;
	dis_emit(ctx, &ev);
}

/* A line of the message: collects MIME filename= parameters. */
static void smtp_data_line(struct smtp_state *st, const uint8_t *p, size_t n)
{
	long at = txt_find(p, n, "filename=");
	if (at < 0)
		return;
	if (st->n_attach == SMTP_ATTACH_MAX) {
		st->attach_cut = 1;
		return;
	}
	const uint8_t *v = p + at + 9;
	size_t left = n - (size_t)at - 9, l = 0;
	if (left && *v == '"') {
		v++;
		left--;
		while (l < left && v[l] != '"')
			l++;
	} else {
		while (l < left && v[l] != ';' && v[l] != ' ')
			l++;
	}
	if (l == 0)
		return;
	/* a comma would make the list ambiguous */
	if (memchr(v, ',', l))
		return;
	TXT_SET(st->attach[st->n_attach], v, l);
	st->n_attach++;
}

/* A client command. Returns 1 when the dialogue ends (QUIT). */
static int smtp_command(struct smtp_state *st, const uint8_t *p, size_t n)
{
	if (st->in_data) {
		if (n == 1 && p[0] == '.') {
			st->in_data = 0;
			return 0;
		}
		smtp_data_line(st, p, n);
		return 0;
	}
	const uint8_t *arg;
	size_t al;
	if (txt_prefix(p, n, "EHLO ") || txt_prefix(p, n, "HELO ")) {
		arg = p + 5;
		al = n - 5;
		txt_ltrim(&arg, &al);
		txt_rtrim(arg, &al);
		if (!st->have_ehlo) {
			st->have_ehlo = 1;
			TXT_SET(st->ehlo, arg, al);
		}
	} else if (txt_prefix(p, n, "MAIL FROM:")) {
		arg = p + 10;
		al = n - 10;
		txt_ltrim(&arg, &al);
		size_t l = 0;
		if (al && arg[0] == '<') {
			arg++;
			al--;
			while (l < al && arg[l] != '>')
				l++;
		} else {
			while (l < al && arg[l] != ' ')
				l++;
		}
		if (!st->mail_from.len)
			TXT_SET(st->mail_from, arg, l);
	} else if (txt_prefix(p, n, "RCPT TO:")) {
		st->recipients++;
	} else if (n == 4 && txt_prefix(p, n, "DATA")) {
		st->messages++;
		st->in_data = 1;
		st->data_wait = 1;
	} else if (n == 8 && txt_prefix(p, n, "STARTTLS")) {
		st->starttls_wait = 1;
	} else if (txt_prefix(p, n, "AUTH ")) {
		st->auth = 1;
	} else if (n == 4 && txt_prefix(p, n, "QUIT")) {
		return 1;
	}
	return 0;
}

/* A server reply line. Returns 1 when TLS starts. */
static int smtp_reply(struct smtp_state *st, unsigned code, const uint8_t *p, size_t n)
{
	if (code == 250 && n >= 12 && txt_prefix(p + 4, n - 4, "STARTTLS"))
		st->starttls_offered = 1;
	if (st->data_wait) {
		if (code == 354) {
			st->data_wait = 0;
		} else if (code >= 400) {
			/* DATA refused: no message follows */
			st->data_wait = 0;
			st->in_data = 0;
			if (st->messages)
				st->messages--;
		}
	}
	if (st->starttls_wait) {
		if (code == 220) {
			st->starttls = 1;
			return 1;
		}
		if (code >= 400)
			st->starttls_wait = 0;
	}
	return 0;
}

static enum dis_status smtp_parse(void *state, int dir, const uint8_t *buf, size_t len,
				  size_t *used, struct dis_ctx *ctx)
{
	struct smtp_state *st = state;
	size_t n = 0;
	enum dis_status ret;
	*used = 0;
	if (st->done)
		return DIS_UNSUPPORTED;
	if (!txt_frame(&st->skipping[dir], buf, len, SMTP_LINE_MAX, &n, used, &ret))
		return ret;
	int more = 0;
	unsigned code = txt_reply_code(buf, n, &more);
	if (!st->server_known) {
		st->server_known = 1;
		st->server_dir = (uint8_t)(code ? dir : !dir);
	}
	int stop = dir == st->server_dir ? (code && smtp_reply(st, code, buf, n))
					 : smtp_command(st, buf, n);
	if (stop) {
		smtp_emit(st, ctx);
		txt_stop(ctx);
	}
	return DIS_OK;
}

/* Bytes are missing: resync at the next line. */
static void smtp_gap(void *state, int dir, uint32_t len, struct dis_ctx *ctx)
{
	struct smtp_state *st = state;
	(void)len;
	(void)ctx;
	st->skipping[dir] = 1;
}

static void smtp_close(void *state, struct dis_ctx *ctx)
{
	smtp_emit(state, ctx);
}

const struct dis_proto smtp_proto = {
	.name = "smtp",
	.label = "SMTP",
	.tcp_port = SMTP_PORT,
	.passive = 1,
	.state_size = sizeof(struct smtp_state),
	.max_pdu = SMTP_LINE_MAX,
	.probe = smtp_probe,
	.parse = smtp_parse,
	.gap = smtp_gap,
	.close = smtp_close,
};
