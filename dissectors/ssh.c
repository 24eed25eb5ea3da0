/* ssh.c - SSH identification strings (passive): who connected with which software.
 *
 * RFC 4253 section 4.2: each side first sends one line
 *
 *   SSH-protoversion-softwareversion SP comments CR LF
 *
 * of at most 255 bytes including CR LF; the server may send other lines
 * before it (banners, not starting with "SSH-"). After it the binary packet
 * protocol begins, which is encrypted from NEWKEYS on and of no interest
 * here. When both lines have been seen (or at flow end with what was seen)
 * one event "ssh_session" (class session) carries client.* and server.*
 * protocol_version, software and comments, and the dissector stops.
 */
#include "config.h"

#include <string.h>

#include "dissectors/dis_text.h"
#include "dissectors/sess.h"

#define SSH_PORT 22
#define SSH_ID_MAX 255     /* identification line with CR LF, RFC 4253 4.2 */
#define SSH_MAX_PRELINES 16 /* other lines the server may send first */
#define SSH_VER_MAX 16
#define SSH_SW_MAX 96
#define SSH_COMMENT_MAX 96

struct ssh_side {
	uint8_t seen;
	uint8_t lines;
	TXT_STR(SSH_VER_MAX) version;
	TXT_STR(SSH_SW_MAX) software;
	TXT_STR(SSH_COMMENT_MAX) comments;
};

struct ssh_state {
	uint8_t done;
	uint8_t skipping[2];
	uint8_t client_dir_known, client_dir;
	struct ssh_side side[2]; /* by direction */
};

enum dis_probe_result ssh_probe(const uint8_t *buf, size_t len, int dir)
{
	(void)dir;
	size_t k = len < 4 ? len : 4;
	if (memcmp(buf, "SSH-", k) != 0)
		return DIS_PROBE_NO;
	return len < 4 ? DIS_PROBE_MORE : DIS_PROBE_YES;
}

/* "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" */
static void ssh_split(struct ssh_side *s, const uint8_t *p, size_t n)
{
	struct rd r = rd_init(p, n);
	rd_skip(&r, 4); /* "SSH-" */
	const uint8_t *v = rd_ptr(&r);
	size_t vl = 0;
	while (rd_peek(&r, vl) >= 0 && rd_peek(&r, vl) != '-' && rd_peek(&r, vl) != ' ')
		vl++;
	TXT_SET(s->version, v, vl);
	rd_skip(&r, vl);
	if (rd_peek(&r, 0) != '-')
		return;
	rd_skip(&r, 1);
	const uint8_t *sw = rd_ptr(&r);
	size_t sl = 0;
	while (rd_peek(&r, sl) >= 0 && rd_peek(&r, sl) != ' ')
		sl++;
	TXT_SET(s->software, sw, sl);
	rd_skip(&r, sl);
	if (rd_peek(&r, 0) != ' ')
		return;
	rd_skip(&r, 1);
	const uint8_t *c = rd_ptr(&r);
	size_t cl = rd_left(&r);
	txt_rtrim(c, &cl);
	TXT_SET(s->comments, c, cl);
}

static void ssh_emit(struct ssh_state *st, struct dis_ctx *ctx)
{
	if (st->done)
		return;
	st->done = 1;
	if (!st->side[0].seen && !st->side[1].seen)
		return;
	int cd = st->client_dir_known ? st->client_dir : txt_client_dir(ctx, SSH_PORT);
	static const char *const keys[2][3] = {
		{ "client.protocol_version", "client.software", "client.comments" },
		{ "server.protocol_version", "server.software", "server.comments" },
	};
	struct dis_event ev;
	dis_ev_init(&ev, ctx, cd, "ssh_session", DIS_FC_SESSION);
	for (int role = 0; role < 2; role++) {
		const struct ssh_side *s = &st->side[role == 0 ? cd : !cd];
		if (!s->seen)
			continue;
		TXT_EMIT(&ev, keys[role][0], s->version);
		TXT_EMIT(&ev, keys[role][1], s->software);
		TXT_EMIT(&ev, keys[role][2], s->comments);
		if (s->version.cut || s->software.cut || s->comments.cut)
			ev.flags |= DIS_EV_TRUNCATED;
	}
	dis_emit(ctx, &ev);
}

static enum dis_status ssh_parse(void *state, int dir, const uint8_t *buf, size_t len,
				 size_t *used, struct dis_ctx *ctx)
{
	struct ssh_state *st = state;
	struct ssh_side *s = &st->side[dir];
	*used = 0;
	if (st->done || s->seen)
		return DIS_UNSUPPORTED; /* binary packets from here on */
	size_t n;
	enum dis_status ret;
	if (!txt_frame(&st->skipping[dir], buf, len, SSH_ID_MAX, &n, used, &ret)) {
		if (ret == DIS_OK && ++s->lines > SSH_MAX_PRELINES) {
			*used = 0;
			return DIS_UNSUPPORTED;
		}
		return ret;
	}
	if (n >= 4 && memcmp(buf, "SSH-", 4) == 0) {
		s->seen = 1;
		ssh_split(s, buf, n);
		/* The client is the side that did not send the lines before. */
		if (!st->client_dir_known && st->side[!dir].lines) {
			st->client_dir_known = 1;
			st->client_dir = (uint8_t)dir;
		}
		if (st->side[!dir].seen) {
			ssh_emit(st, ctx);
			txt_stop(ctx);
		}
		return DIS_OK;
	}
	if (++s->lines > SSH_MAX_PRELINES) {
		*used = 0;
		return DIS_UNSUPPORTED;
	}
	return DIS_OK;
}

/* Bytes are missing: before the identification line, resync at the next
 * line; after it, the binary packets are not read anyway. */
static void ssh_gap(void *state, int dir, uint32_t len, struct dis_ctx *ctx)
{
	struct ssh_state *st = state;
	(void)len;
	if (st->side[dir].seen || st->done)
		txt_stop_dir(ctx, dir);
	else
		st->skipping[dir] = 1;
}

static void ssh_close(void *state, struct dis_ctx *ctx)
{
	ssh_emit(state, ctx);
}

const struct dis_proto ssh_proto = {
	.name = "ssh",
	.label = "SSH",
	.tcp_port = SSH_PORT,
	.passive = 1,
	.state_size = sizeof(struct ssh_state),
	.max_pdu = SSH_ID_MAX,
	.probe = ssh_probe,
	.parse = ssh_parse,
	.gap = ssh_gap,
	.close = ssh_close,
};
