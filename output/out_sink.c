/* out_sink.c - bounded queue, sender thread, reconnect, spool (out_sink.h).
 *
 * Locking: one mutex per sink guards the memory queue, the counters and the
 * stop flag. The sender thread owns the socket, the TLS session, the spool
 * index and the in-flight list; it takes the mutex only to move records and
 * update counters, never while it does I/O.
 *
 * Order of delivery: spool (oldest first), then in-flight records that must
 * be sent again, then the memory queue. While the collector is unreachable
 * the thread moves the queue to the spool, so the spool always holds the
 * oldest records and the order survives outages and restarts.
 */
#include "config.h"

#include "output/out_sink.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/sockios.h>

#include "output/log.h"
#include "output/out_json.h"
#include "rules/rule.h"

#define CONNECT_TIMEOUT_MS 3000
#define IO_TIMEOUT_MS 5000
#define ACK_POLL_MS 20
#define ACK_GRACE_MS 300   /* an acknowledged record is sent once the line survived this */
#define TLS_SETTLE_MS 300 /* wait for a collector that refuses us after the handshake */
#define SEV_N 5

struct rec {
	struct rec *next;
	uint64_t seq;
	uint64_t end_off;  /* TCP/TLS: connection byte offset of the record's end */
	uint64_t acked_ms; /* when the collector's TCP was seen to acknowledge it */
	int from_spool;    /* its file is still in the spool */
	uint8_t sev;
	uint32_t len;
	char data[];
};

struct recq {
	struct rec *head, *tail;
	uint64_t n;
};

struct spool_ent {
	uint64_t seq;
	uint32_t len;
	uint8_t sev;
	uint8_t inflight;
};

struct out_sink {
	struct out_sink_config c;
	char name[300];
	const struct out_syslog_id *id;
	pthread_t thr;
	int thr_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;

	/* guarded by mu */
	struct recq q;
	int stop;
	uint64_t deadline_ms; /* when stop: give up delivering at this time */
	struct out_sink_stats st;
	uint64_t drop_pending, drop_pending_sev[SEV_N]; /* not yet announced */
	uint64_t last_ts_us;  /* newest alert time (for the drop record) */
	uint64_t next_seq;
	uint64_t lost;        /* at close: neither delivered nor spooled */

	/* sender thread only */
	int fd;
	SSL *ssl;
	SSL_CTX *ctx;
	int connected, ever_connected;
	int last_errno;       /* of the write or read that found the line broken */
	uint64_t next_try_ms;
	uint32_t backoff_ms;
	struct recq inflight;
	struct spool_ent *sp;
	size_t sp_n, sp_cap;
	char spool_path[1400];
	struct jw fb; /* framing / drop-record buffer */
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- configuration ---- */

void out_sink_config_init(struct out_sink_config *c)
{
	memset(c, 0, sizeof(*c));
	c->fmt = OUT_FMT_RFC5424_JSON;
	c->facility = -1;
	c->spool_max_bytes = (uint64_t)OUT_SPOOL_MAX_DEFAULT_MIB << 20;
	c->queue_max = OUT_SINK_QUEUE_DEFAULT;
	c->backoff_max_ms = OUT_BACKOFF_MAX_MS;
}

int out_sink_parse_url(struct out_sink_config *c, const char *url, char *errbuf, size_t errlen)
{
	const char *rest;
	const char *defport;
	if (strcmp(url, "local") == 0 || strcmp(url, "local:") == 0) {
		c->kind = OUT_SINK_LOCAL;
		c->host[0] = c->port[0] = '\0';
		return 0;
	}
	if (strncmp(url, "udp://", 6) == 0) {
		c->kind = OUT_SINK_UDP;
		defport = "514";
		rest = url + 6;
	} else if (strncmp(url, "tcp://", 6) == 0) {
		c->kind = OUT_SINK_TCP;
		defport = "514";
		rest = url + 6;
	} else if (strncmp(url, "tls://", 6) == 0) {
		c->kind = OUT_SINK_TLS;
		defport = "6514"; /* RFC 5425 4.1 */
		rest = url + 6;
	} else {
		snprintf(errbuf, errlen,
			 "syslog destination '%s': expected udp://HOST:PORT, tcp://HOST:PORT, "
			 "tls://HOST:PORT or local", url);
		return -1;
	}
	const char *hs = rest, *he, *port = NULL;
	if (*rest == '[') {
		hs = rest + 1;
		he = strchr(hs, ']');
		if (!he) {
			snprintf(errbuf, errlen, "syslog destination '%s': missing ']'", url);
			return -1;
		}
		if (he[1] == ':')
			port = he + 2;
		else if (he[1]) {
			snprintf(errbuf, errlen, "syslog destination '%s': junk after ']'", url);
			return -1;
		}
	} else {
		he = strchr(rest, ':');
		if (he) {
			port = he + 1;
		} else {
			he = rest + strlen(rest);
		}
	}
	size_t hl = (size_t)(he - hs);
	if (hl == 0 || hl >= sizeof(c->host)) {
		snprintf(errbuf, errlen, "syslog destination '%s': bad host", url);
		return -1;
	}
	memcpy(c->host, hs, hl);
	c->host[hl] = '\0';
	if (!port)
		port = defport;
	char *end;
	errno = 0;
	unsigned long p = strtoul(port, &end, 10);
	if (errno || end == port || *end || p == 0 || p > 65535 || port[0] == '-') {
		snprintf(errbuf, errlen, "syslog destination '%s': bad port '%s'", url, port);
		return -1;
	}
	snprintf(c->port, sizeof(c->port), "%lu", p);
	return 0;
}

void out_sink_config_name(const struct out_sink_config *c, char *buf, size_t len)
{
	static const char *const scheme[] = { "udp", "tcp", "tls", "local" };
	if (c->kind == OUT_SINK_LOCAL) {
		snprintf(buf, len, "local");
		return;
	}
	int v6 = strchr(c->host, ':') != NULL;
	snprintf(buf, len, "%s://%s%s%s:%s", scheme[c->kind], v6 ? "[" : "", c->host,
		 v6 ? "]" : "", c->port);
}

/* ---- records and queues ---- */

static struct rec *rec_new(uint64_t seq, uint8_t sev, const char *data, size_t len)
{
	if (len > UINT32_MAX)
		return NULL;
	struct rec *r = malloc(sizeof(*r) + len);
	if (!r)
		return NULL;
	r->next = NULL;
	r->seq = seq;
	r->end_off = 0;
	r->acked_ms = 0;
	r->from_spool = 0;
	r->sev = sev < SEV_N ? sev : SEV_N - 1;
	r->len = (uint32_t)len;
	memcpy(r->data, data, len);
	return r;
}

static void q_push(struct recq *q, struct rec *r)
{
	r->next = NULL;
	if (q->tail)
		q->tail->next = r;
	else
		q->head = r;
	q->tail = r;
	q->n++;
}

static struct rec *q_pop(struct recq *q)
{
	struct rec *r = q->head;
	if (!r)
		return NULL;
	q->head = r->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	r->next = NULL;
	return r;
}

/* Puts all of src before the records of dst. */
static void q_prepend(struct recq *dst, struct recq *src)
{
	if (!src->head)
		return;
	src->tail->next = dst->head;
	if (!dst->tail)
		dst->tail = src->tail;
	dst->head = src->head;
	dst->n += src->n;
	src->head = src->tail = NULL;
	src->n = 0;
}

static void q_free(struct recq *q)
{
	struct rec *r;
	while ((r = q_pop(q)))
		free(r);
}

static void count_drop(struct out_sink *s, uint8_t sev)
{
	/* caller holds mu */
	s->st.dropped++;
	s->st.dropped_sev[sev < SEV_N ? sev : SEV_N - 1]++;
	s->drop_pending++;
	s->drop_pending_sev[sev < SEV_N ? sev : SEV_N - 1]++;
}

/* ---- spool: one file per record, "<seq 20 digits>-<severity>.zws" ---- */

static void spool_file(const struct out_sink *s, uint64_t seq, uint8_t sev, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%020llu-%u.zws", s->spool_path, (unsigned long long)seq, sev);
}

static int sp_cmp(const void *a, const void *b)
{
	const struct spool_ent *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int spool_open(struct out_sink *s, char *errbuf, size_t errlen)
{
	static const char *const scheme[] = { "udp", "tcp", "tls", "local" };
	char sub[300];
	/* one subdirectory per destination: "tcp_127.0.0.1_5514" */
	snprintf(sub, sizeof(sub), "%s_%s_%s", scheme[s->c.kind], s->c.host, s->c.port);
	for (size_t i = 0; sub[i]; i++) {
		char ch = sub[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_'))
			sub[i] = '_';
	}
	if (mkdir(s->c.spool_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(errbuf, errlen, "spool directory %s: %s", s->c.spool_dir, strerror(errno));
		return -1;
	}
	int n = snprintf(s->spool_path, sizeof(s->spool_path), "%s/%s", s->c.spool_dir, sub);
	if (n < 0 || (size_t)n >= sizeof(s->spool_path)) {
		snprintf(errbuf, errlen, "spool directory name too long: %s", s->c.spool_dir);
		return -1;
	}
	if (mkdir(s->spool_path, 0700) != 0 && errno != EEXIST) {
		snprintf(errbuf, errlen, "spool directory %s: %s", s->spool_path, strerror(errno));
		return -1;
	}
	DIR *d = opendir(s->spool_path);
	if (!d) {
		snprintf(errbuf, errlen, "spool directory %s: %s", s->spool_path, strerror(errno));
		return -1;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		unsigned long long seq;
		unsigned sev;
		char tail[8];
		if (sscanf(de->d_name, "%20llu-%u.%4s", &seq, &sev, tail) != 3 ||
		    strcmp(tail, "zws") != 0 || sev >= SEV_N)
			continue;
		char path[1500];
		struct stat stt;
		spool_file(s, seq, (uint8_t)sev, path, sizeof(path));
		if (stat(path, &stt) != 0 || !S_ISREG(stt.st_mode) || stt.st_size > UINT32_MAX)
			continue;
		if (s->sp_n == s->sp_cap) {
			size_t nc = s->sp_cap ? s->sp_cap * 2 : 256;
			struct spool_ent *ne = realloc(s->sp, nc * sizeof(*ne));
			if (!ne) {
				closedir(d);
				snprintf(errbuf, errlen, "spool index: out of memory");
				return -1;
			}
			s->sp = ne;
			s->sp_cap = nc;
		}
		s->sp[s->sp_n++] = (struct spool_ent){ seq, (uint32_t)stt.st_size, (uint8_t)sev, 0 };
		s->st.spool_bytes += (uint64_t)stt.st_size;
	}
	closedir(d);
	if (s->sp_n)
		qsort(s->sp, s->sp_n, sizeof(*s->sp), sp_cmp);
	s->st.spool_records = s->sp_n;
	if (s->sp_n) {
		s->next_seq = s->sp[s->sp_n - 1].seq + 1;
		log_msg(LOG_NOTICE, "sink %s: %zu records (%llu bytes) left in the spool by an earlier run will be delivered first",
			s->name, s->sp_n, (unsigned long long)s->st.spool_bytes);
	}
	return 0;
}

static void spool_remove_at(struct out_sink *s, size_t i)
{
	char path[1500];
	spool_file(s, s->sp[i].seq, s->sp[i].sev, path, sizeof(path));
	(void)unlink(path);
	pthread_mutex_lock(&s->mu);
	s->st.spool_bytes -= s->sp[i].len;
	s->st.spool_records--;
	pthread_mutex_unlock(&s->mu);
	memmove(&s->sp[i], &s->sp[i + 1], (s->sp_n - i - 1) * sizeof(*s->sp));
	s->sp_n--;
}

static size_t spool_find(const struct out_sink *s, uint64_t seq)
{
	size_t lo = 0, hi = s->sp_n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->sp[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->sp_n && s->sp[lo].seq == seq ? lo : s->sp_n;
}

/* Writes r to the spool (frees it). Makes room by dropping the oldest record
 * of the lowest severity present; r itself is dropped if it is of lower
 * severity than everything spooled. Returns 0 if spooled. */
static int spool_put(struct out_sink *s, struct rec *r)
{
	uint64_t cap = s->c.spool_max_bytes;
	while (s->st.spool_bytes + r->len > cap) {
		size_t victim = s->sp_n;
		for (size_t i = 0; i < s->sp_n; i++) {
			if (s->sp[i].inflight)
				continue;
			if (victim == s->sp_n || s->sp[i].sev < s->sp[victim].sev)
				victim = i;
		}
		if (victim == s->sp_n || r->sev < s->sp[victim].sev) {
			pthread_mutex_lock(&s->mu);
			count_drop(s, r->sev);
			pthread_mutex_unlock(&s->mu);
			free(r);
			return -1;
		}
		pthread_mutex_lock(&s->mu);
		count_drop(s, s->sp[victim].sev);
		pthread_mutex_unlock(&s->mu);
		spool_remove_at(s, victim);
	}
	char path[1500], tmp[1510];
	spool_file(s, r->seq, r->sev, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int ok = fd >= 0;
	if (ok) {
		const char *p = r->data;
		size_t left = r->len;
		while (left && ok) {
			ssize_t w = write(fd, p, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				ok = 0;
			else {
				p += w;
				left -= (size_t)w;
			}
		}
		if (close(fd) != 0)
			ok = 0;
		if (ok && rename(tmp, path) != 0)
			ok = 0;
		if (!ok)
			(void)unlink(tmp);
	}
	if (!ok) {
		log_msg(LOG_WARNING, "sink %s: cannot write spool file %s: %s", s->name, path,
			strerror(errno));
		pthread_mutex_lock(&s->mu);
		count_drop(s, r->sev);
		pthread_mutex_unlock(&s->mu);
		free(r);
		return -1;
	}
	if (s->sp_n == s->sp_cap) {
		size_t nc = s->sp_cap ? s->sp_cap * 2 : 256;
		struct spool_ent *ne = realloc(s->sp, nc * sizeof(*ne));
		if (!ne) {
			(void)unlink(path);
			pthread_mutex_lock(&s->mu);
			count_drop(s, r->sev);
			pthread_mutex_unlock(&s->mu);
			free(r);
			return -1;
		}
		s->sp = ne;
		s->sp_cap = nc;
	}
	/* Sequence numbers only grow, except for records coming back from a
	 * broken connection, which are older than the queue but newer than
	 * the spool: keep the index sorted either way. */
	size_t at = s->sp_n;
	while (at > 0 && s->sp[at - 1].seq > r->seq)
		at--;
	memmove(&s->sp[at + 1], &s->sp[at], (s->sp_n - at) * sizeof(*s->sp));
	s->sp[at] = (struct spool_ent){ r->seq, r->len, r->sev, 0 };
	s->sp_n++;
	pthread_mutex_lock(&s->mu);
	s->st.spooled++;
	s->st.spool_bytes += r->len;
	s->st.spool_records++;
	pthread_mutex_unlock(&s->mu);
	free(r);
	return 0;
}

static struct rec *spool_load(struct out_sink *s, size_t i)
{
	char path[1500];
	spool_file(s, s->sp[i].seq, s->sp[i].sev, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct rec *r = malloc(sizeof(*r) + s->sp[i].len);
	if (!r) {
		close(fd);
		return NULL;
	}
	size_t got = 0;
	while (got < s->sp[i].len) {
		ssize_t n = read(fd, r->data + got, s->sp[i].len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != s->sp[i].len) {
		free(r);
		return NULL;
	}
	r->next = NULL;
	r->seq = s->sp[i].seq;
	r->sev = s->sp[i].sev;
	r->len = s->sp[i].len;
	r->end_off = 0;
	r->acked_ms = 0;
	r->from_spool = 1;
	return r;
}

/* ---- transport ---- */

static void disconnect(struct out_sink *s)
{
	if (s->ssl) {
		SSL_free(s->ssl);
		s->ssl = NULL;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->connected) {
		pthread_mutex_lock(&s->mu);
		s->st.connected = 0;
		pthread_mutex_unlock(&s->mu);
	}
	s->connected = 0;
}

static void ssl_err_str(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();
	if (e)
		ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "%s", strerror(errno));
	ERR_clear_error();
}

static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t sl)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	int rc = connect(fd, sa, sl);
	if (rc < 0 && errno == EINPROGRESS) {
		struct pollfd p = { fd, POLLOUT, 0 };
		rc = poll(&p, 1, CONNECT_TIMEOUT_MS);
		if (rc == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (rc < 0)
			return -1;
		int err = 0;
		socklen_t el = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			return -1;
		if (err) {
			errno = err;
			return -1;
		}
		rc = 0;
	}
	if (rc < 0)
		return -1;
	if (fcntl(fd, F_SETFL, fl) < 0)
		return -1;
	struct timeval tv = { IO_TIMEOUT_MS / 1000, 0 };
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

static int peer_closed(struct out_sink *s);

static int try_connect(struct out_sink *s, char *err, size_t errlen)
{
	if (s->c.kind == OUT_SINK_LOCAL) {
		s->connected = 1;
		return 0;
	}
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = s->c.kind == OUT_SINK_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int gai = getaddrinfo(s->c.host, s->c.port, &hints, &res);
	if (gai != 0) {
		snprintf(err, errlen, "cannot resolve %.100s: %s", s->c.host, gai_strerror(gai));
		return -1;
	}
	int fd = -1;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect_timeout(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		snprintf(err, errlen, "connect: %s", strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	if (s->c.kind == OUT_SINK_TCP || s->c.kind == OUT_SINK_TLS) {
		int one = 1;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	s->fd = fd;
	if (s->c.kind == OUT_SINK_TLS) {
		s->ssl = SSL_new(s->ctx);
		if (!s->ssl) {
			ssl_err_str(err, errlen);
			goto fail;
		}
		struct in6_addr a6;
		int is_ip = inet_pton(AF_INET, s->c.host, &a6) == 1 ||
			    inet_pton(AF_INET6, s->c.host, &a6) == 1;
		X509_VERIFY_PARAM *vp = SSL_get0_param(s->ssl);
		if (is_ip) {
			if (X509_VERIFY_PARAM_set1_ip_asc(vp, s->c.host) != 1) {
				ssl_err_str(err, errlen);
				goto fail;
			}
		} else {
			/* RFC 5425 5.2: the name in the certificate must match. */
			if (SSL_set1_host(s->ssl, s->c.host) != 1 ||
			    SSL_set_tlsext_host_name(s->ssl, s->c.host) != 1) {
				ssl_err_str(err, errlen);
				goto fail;
			}
		}
		if (SSL_set_fd(s->ssl, fd) != 1) {
			ssl_err_str(err, errlen);
			goto fail;
		}
		if (SSL_connect(s->ssl) != 1) {
			long vr = SSL_get_verify_result(s->ssl);
			if (vr != X509_V_OK)
				snprintf(err, errlen, "TLS: server certificate not accepted: %s",
					 X509_verify_cert_error_string(vr));
			else {
				char e2[200];
				ssl_err_str(e2, sizeof(e2));
				snprintf(err, errlen, "TLS handshake: %s", e2);
			}
			goto fail;
		}
		/* The handshake can succeed and the collector still refuse us
		 * (TLS 1.3 finishes before it has checked our certificate;
		 * rsyslog checks permitted peer names after it): records sent
		 * now would be acknowledged by its TCP and thrown away. Give it
		 * a moment to close the connection. */
		uint64_t until = now_ms() + TLS_SETTLE_MS;
		for (;;) {
			uint64_t t = now_ms();
			if (t >= until)
				break;
			struct pollfd p = { fd, POLLIN | POLLRDHUP, 0 };
			int pr = poll(&p, 1, (int)(until - t));
			if (pr < 0 && errno != EINTR)
				break;
			if (pr > 0 && peer_closed(s)) {
				snprintf(err, errlen, "TLS: the collector closed the connection after the "
						      "handshake (client certificate missing or not accepted?)");
				goto fail;
			}
			if (pr > 0 && !(p.revents & POLLIN))
				break;
		}
	}
	s->connected = 1;
	pthread_mutex_lock(&s->mu);
	s->st.connected = 1;
	pthread_mutex_unlock(&s->mu);
	return 0;
fail:
	disconnect(s);
	return -1;
}

/* The collector never talks to us: readable means closed (or TLS
 * housekeeping such as session tickets, which is read and ignored). */
static int peer_closed(struct out_sink *s)
{
	if (s->c.kind != OUT_SINK_TCP && s->c.kind != OUT_SINK_TLS)
		return 0;
	struct pollfd p = { s->fd, POLLIN | POLLRDHUP, 0 };
	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
		return 1;
	char buf[4096];
	if (s->c.kind == OUT_SINK_TCP || (p.revents & POLLRDHUP)) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_PEEK);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			s->last_errno = errno;
		if (n == 0 || (p.revents & POLLRDHUP))
			return 1;
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
		if (s->c.kind == OUT_SINK_TCP) {
			(void)recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT); /* ignored */
			return 0;
		}
	}
	int fl = fcntl(s->fd, F_GETFL);
	if (fl < 0 || fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return 1;
	int closed = 0;
	for (;;) {
		int n = SSL_read(s->ssl, buf, sizeof(buf));
		if (n > 0)
			continue;
		int e = SSL_get_error(s->ssl, n);
		if (e == SSL_ERROR_SYSCALL && errno)
			s->last_errno = errno;
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			closed = 1;
		break;
	}
	ERR_clear_error();
	if (fcntl(s->fd, F_SETFL, fl) < 0)
		closed = 1;
	return closed;
}

/* Bytes of this connection the peer's TCP has acknowledged, and the bytes
 * handed to the kernel so far (acked + still queued). -1 if unknown. */
static int tcp_offsets(struct out_sink *s, uint64_t *acked, uint64_t *written)
{
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) != 0 ||
	    tl < offsetof(struct tcp_info, tcpi_bytes_acked) + sizeof(ti.tcpi_bytes_acked))
		return -1;
	/* Raw counter (it may include the SYN): only compared with itself. */
	uint64_t a = ti.tcpi_bytes_acked;
	*acked = a;
	if (written) {
		int outq = 0;
		if (ioctl(s->fd, SIOCOUTQ, &outq) != 0)
			return -1;
		*written = a + (uint64_t)outq;
	}
	return 0;
}

static int write_all(struct out_sink *s, const char *p, size_t n)
{
	while (n) {
		if (s->ssl) {
			int w = SSL_write(s->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
			if (w <= 0) {
				s->last_errno = errno;
				ERR_clear_error();
				return -1;
			}
			p += w;
			n -= (size_t)w;
		} else {
			ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				s->last_errno = errno;
				return -1;
			}
			p += w;
			n -= (size_t)w;
		}
	}
	return 0;
}

/* Sends one record. 0: written (in flight for TCP/TLS), -1: connection
 * broken (record not consumed). */
static int send_rec(struct out_sink *s, struct rec *r)
{
	switch (s->c.kind) {
	case OUT_SINK_LOCAL: {
		static const int map[SEV_N] = { 6, 5, 4, 3, 2 };
		int fac = s->c.facility >= 0 ? s->c.facility : OUT_FACILITY_DEFAULT;
		syslog((fac << 3) | map[r->sev], "%.*s", (int)r->len, r->data);
		return 0;
	}
	case OUT_SINK_UDP: {
		size_t n = r->len > OUT_UDP_MAX_BYTES ? OUT_UDP_MAX_BYTES : r->len;
		ssize_t w = send(s->fd, r->data, n, MSG_NOSIGNAL);
		if (w < 0 && errno == ECONNREFUSED) /* an earlier datagram bounced: no one listens */
			w = send(s->fd, r->data, n, MSG_NOSIGNAL);
		return w < 0 ? -1 : 0;
	}
	default: {
		if (peer_closed(s))
			return -1;
		/* RFC 6587 3.4.1 octet counting: MSG-LEN SP SYSLOG-MSG */
		char hdr[24];
		int hl = snprintf(hdr, sizeof(hdr), "%u ", r->len);
		jw_reset(&s->fb);
		jw_put(&s->fb, hdr, (size_t)hl);
		jw_put(&s->fb, r->data, r->len);
		if (s->fb.oom || write_all(s, s->fb.buf, s->fb.len) < 0)
			return -1;
		uint64_t acked, written;
		r->end_off = tcp_offsets(s, &acked, &written) == 0 ? written : 0;
		return 0;
	}
	}
}

/* A record is done: count it, forget its spool file. */
static void rec_done(struct out_sink *s, struct rec *r)
{
	if (r->from_spool) {
		size_t i = spool_find(s, r->seq);
		if (i < s->sp_n)
			spool_remove_at(s, i);
	}
	pthread_mutex_lock(&s->mu);
	s->st.sent++;
	s->st.queue_len--;
	pthread_mutex_unlock(&s->mu);
	free(r);
}

/* In-flight records whose last byte the collector's TCP acknowledged are
 * marked; they count as sent once the connection has lived ACK_GRACE_MS
 * longer (a collector that refuses us, or dies with unread data, resets the
 * connection within that time: see broke()). all_acked: release every
 * acknowledged record now (the collector closed cleanly). */
static void reap_acked(struct out_sink *s, int all_acked)
{
	if (!s->inflight.head || s->fd < 0)
		return;
	uint64_t acked, now = now_ms();
	if (tcp_offsets(s, &acked, NULL) != 0) {
		/* no TCP_INFO: a written record counts as sent */
		struct rec *r;
		while ((r = q_pop(&s->inflight)))
			rec_done(s, r);
		return;
	}
	for (struct rec *r = s->inflight.head; r && r->end_off <= acked; r = r->next)
		if (!r->acked_ms)
			r->acked_ms = now ? now : 1;
	while (s->inflight.head && s->inflight.head->acked_ms &&
	       (all_acked || now - s->inflight.head->acked_ms >= ACK_GRACE_MS))
		rec_done(s, q_pop(&s->inflight));
}

/* The connection broke: in-flight records go back in front, in order. */
static void requeue_inflight(struct out_sink *s)
{
	struct rec *r;
	struct recq back = { 0 };
	while ((r = q_pop(&s->inflight))) {
		if (r->from_spool) {
			size_t i = spool_find(s, r->seq);
			if (i < s->sp_n)
				s->sp[i].inflight = 0;
			pthread_mutex_lock(&s->mu);
			s->st.queue_len--;
			pthread_mutex_unlock(&s->mu);
			free(r);
		} else {
			q_push(&back, r);
		}
	}
	if (back.head) {
		pthread_mutex_lock(&s->mu);
		s->st.queue_len -= back.n;
		q_prepend(&s->q, &back);
		pthread_mutex_unlock(&s->mu);
	}
}

static void broke(struct out_sink *s, const char *why)
{
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	if (s->fd >= 0)
		(void)getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
	/* A collector that closes with unread bytes sends a reset, not a
	 * close (after a close of ours, Linux reports EPIPE instead): what its
	 * TCP acknowledged recently may not have been read, so those records
	 * are sent again (at least once). After a clean close, everything
	 * acknowledged was read. */
	int reset = soerr == ECONNRESET || s->last_errno == ECONNRESET;
	reap_acked(s, !reset);
	log_msg(LOG_WARNING, "sink %s: connection %s (%s); %llu records to send again",
		s->name, reset ? "reset" : "lost", why, (unsigned long long)s->inflight.n);
	s->last_errno = 0;
	disconnect(s);
	requeue_inflight(s);
	s->next_try_ms = now_ms() + s->backoff_ms;
}

/* ---- sender thread ---- */

static void spool_queue(struct out_sink *s)
{
	/* Collector unreachable: move the memory queue to disk. */
	struct recq take;
	pthread_mutex_lock(&s->mu);
	take = s->q;
	s->q.head = s->q.tail = NULL;
	s->q.n = 0;
	pthread_mutex_unlock(&s->mu);
	struct rec *r;
	while ((r = q_pop(&take)))
		(void)spool_put(s, r);
}

static int send_drop_notice(struct out_sink *s)
{
	uint64_t n, per[SEV_N], ts;
	pthread_mutex_lock(&s->mu);
	n = s->drop_pending;
	memcpy(per, s->drop_pending_sev, sizeof(per));
	ts = s->last_ts_us;
	pthread_mutex_unlock(&s->mu);
	if (!n)
		return 0;
	struct jw b;
	jw_init(&b);
	out_syslog_format_drop(&b, s->c.fmt, s->id, ts, n, per, s->name,
			       s->c.kind == OUT_SINK_LOCAL);
	int rc = -1;
	if (!b.oom) {
		struct rec *r = rec_new(0, RULE_SEV_HIGH, b.buf, b.len);
		if (r) {
			rc = send_rec(s, r);
			free(r); /* announced once; not retried if the line breaks */
		}
	}
	jw_free(&b);
	if (rc == 0) {
		pthread_mutex_lock(&s->mu);
		s->drop_pending -= n;
		for (int i = 0; i < SEV_N; i++)
			s->drop_pending_sev[i] -= per[i];
		pthread_mutex_unlock(&s->mu);
	}
	return rc;
}

/* Next record to send: spool first, then the queue. NULL if none. */
static struct rec *next_rec(struct out_sink *s)
{
	for (size_t i = 0; i < s->sp_n; i++) {
		if (s->sp[i].inflight)
			continue;
		struct rec *r = spool_load(s, i);
		if (!r) {
			log_msg(LOG_WARNING, "sink %s: unreadable spool record %llu removed",
				s->name, (unsigned long long)s->sp[i].seq);
			pthread_mutex_lock(&s->mu);
			count_drop(s, s->sp[i].sev);
			pthread_mutex_unlock(&s->mu);
			spool_remove_at(s, i);
			i--;
			continue;
		}
		s->sp[i].inflight = 1;
		pthread_mutex_lock(&s->mu);
		s->st.queue_len++;
		pthread_mutex_unlock(&s->mu);
		return r;
	}
	pthread_mutex_lock(&s->mu);
	struct rec *r = q_pop(&s->q);
	pthread_mutex_unlock(&s->mu);
	return r;
}

static void *sender(void *arg)
{
	struct out_sink *s = arg;
	char err[ZW_ERRBUF_SIZE];
	for (;;) {
		pthread_mutex_lock(&s->mu);
		int stop = s->stop;
		uint64_t deadline = s->deadline_ms;
		int work = s->q.head != NULL;
		pthread_mutex_unlock(&s->mu);
		uint64_t now = now_ms();
		int pending = work || s->sp_n || s->inflight.head;
		if (stop && (!pending || now >= deadline))
			break;

		if (!s->connected) {
			if (s->c.spool_dir[0])
				spool_queue(s);
			if (now >= s->next_try_ms) {
				if (try_connect(s, err, sizeof(err)) == 0) {
					pthread_mutex_lock(&s->mu);
					if (s->ever_connected)
						s->st.reconnects++;
					pthread_mutex_unlock(&s->mu);
					if (s->ever_connected || s->backoff_ms > OUT_BACKOFF_MIN_MS)
						log_msg(LOG_NOTICE, "sink %s: connected", s->name);
					s->ever_connected = 1;
					s->backoff_ms = OUT_BACKOFF_MIN_MS;
				} else {
					pthread_mutex_lock(&s->mu);
					s->st.connect_failures++;
					uint64_t nfail = s->st.connect_failures;
					pthread_mutex_unlock(&s->mu);
					if (nfail == 1 || (nfail & (nfail - 1)) == 0)
						log_msg(LOG_WARNING, "sink %s: %s (attempt %llu, next in %u ms)",
							s->name, err, (unsigned long long)nfail, s->backoff_ms);
					s->next_try_ms = now + s->backoff_ms;
					s->backoff_ms = s->backoff_ms * 2 > s->c.backoff_max_ms ?
								s->c.backoff_max_ms : s->backoff_ms * 2;
				}
			}
			if (!s->connected) {
				uint64_t wake = s->next_try_ms;
				if (stop && deadline < wake)
					wake = deadline;
				pthread_mutex_lock(&s->mu);
				if (!s->stop || s->stop == stop) {
					uint64_t t = now_ms();
					if (wake > t && !(s->c.spool_dir[0] && s->q.head)) {
						struct timespec ts;
						clock_gettime(CLOCK_REALTIME, &ts);
						uint64_t d = wake - t;
						ts.tv_sec += (time_t)(d / 1000);
						ts.tv_nsec += (long)(d % 1000) * 1000000L;
						if (ts.tv_nsec >= 1000000000L) {
							ts.tv_sec++;
							ts.tv_nsec -= 1000000000L;
						}
						pthread_cond_timedwait(&s->cv, &s->mu, &ts);
					}
				}
				pthread_mutex_unlock(&s->mu);
				continue;
			}
		}

		/* connected */
		if (send_drop_notice(s) < 0) {
			broke(s, "write failed");
			continue;
		}
		reap_acked(s, 0);
		struct rec *r = next_rec(s);
		if (r) {
			if (send_rec(s, r) < 0) {
				if (r->from_spool) {
					size_t i = spool_find(s, r->seq);
					if (i < s->sp_n)
						s->sp[i].inflight = 0;
					pthread_mutex_lock(&s->mu);
					s->st.queue_len--;
					pthread_mutex_unlock(&s->mu);
					free(r);
				} else {
					struct recq one = { 0 };
					q_push(&one, r);
					pthread_mutex_lock(&s->mu);
					q_prepend(&s->q, &one);
					pthread_mutex_unlock(&s->mu);
				}
				broke(s, s->c.kind == OUT_SINK_UDP ? "send failed" : "closed by the collector");
				continue;
			}
			if (s->c.kind == OUT_SINK_TCP || s->c.kind == OUT_SINK_TLS) {
				if (!r->from_spool) {
					pthread_mutex_lock(&s->mu);
					s->st.queue_len++; /* in flight: counted until acknowledged */
					pthread_mutex_unlock(&s->mu);
				}
				q_push(&s->inflight, r);
				if (!r->end_off)
					reap_acked(s, 0);
			} else {
				if (!r->from_spool) {
					pthread_mutex_lock(&s->mu);
					s->st.queue_len++;
					pthread_mutex_unlock(&s->mu);
				}
				rec_done(s, r);
			}
			continue;
		}
		/* Nothing to send: wait for new records, or for acknowledgements. */
		if (s->inflight.head && peer_closed(s)) {
			broke(s, "closed by the collector");
			continue;
		}
		pthread_mutex_lock(&s->mu);
		if (!s->q.head && !s->stop) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			long add = s->inflight.head ? ACK_POLL_MS : 1000;
			ts.tv_nsec += add * 1000000L;
			while (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&s->cv, &s->mu, &ts);
		} else if (!s->q.head && s->inflight.head) {
			pthread_mutex_unlock(&s->mu);
			struct timespec d = { 0, ACK_POLL_MS * 1000000L };
			nanosleep(&d, NULL);
			pthread_mutex_lock(&s->mu);
		}
		pthread_mutex_unlock(&s->mu);
	}
	/* Stopping: whatever is left goes to the spool, or is lost. */
	requeue_inflight(s);
	if (s->ssl && s->connected) {
		(void)SSL_shutdown(s->ssl); /* close_notify: a clean end for the collector */
		ERR_clear_error();
	}
	disconnect(s);
	for (size_t i = 0; i < s->sp_n; i++)
		s->sp[i].inflight = 0;
	if (s->c.spool_dir[0])
		spool_queue(s);
	pthread_mutex_lock(&s->mu);
	s->lost = s->q.n;
	s->st.queue_len = s->q.n;
	q_free(&s->q);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* ---- the set ---- */

static int tls_ctx(struct out_sink *s, char *errbuf, size_t errlen)
{
	char e[200];
	s->ctx = SSL_CTX_new(TLS_client_method());
	if (!s->ctx)
		goto fail;
	/* RFC 5425 and BSI/NIST guidance: TLS 1.2 at least */
	if (SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION) != 1)
		goto fail;
	if (s->c.ca_file[0]) {
		if (SSL_CTX_load_verify_locations(s->ctx, s->c.ca_file, NULL) != 1) {
			ssl_err_str(e, sizeof(e));
			snprintf(errbuf, errlen, "TLS CA file %s: %s", s->c.ca_file, e);
			return -1;
		}
	} else if (SSL_CTX_set_default_verify_paths(s->ctx) != 1) {
		goto fail;
	}
	SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER, NULL);
	if (s->c.cert_file[0] || s->c.key_file[0]) {
		if (!s->c.cert_file[0] || !s->c.key_file[0]) {
			snprintf(errbuf, errlen, "TLS client authentication needs both a certificate and a key");
			return -1;
		}
		if (SSL_CTX_use_certificate_chain_file(s->ctx, s->c.cert_file) != 1) {
			ssl_err_str(e, sizeof(e));
			snprintf(errbuf, errlen, "TLS certificate %s: %s", s->c.cert_file, e);
			return -1;
		}
		if (SSL_CTX_use_PrivateKey_file(s->ctx, s->c.key_file, SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(s->ctx) != 1) {
			ssl_err_str(e, sizeof(e));
			snprintf(errbuf, errlen, "TLS key %s: %s", s->c.key_file, e);
			return -1;
		}
	}
	return 0;
fail:
	ssl_err_str(e, sizeof(e));
	snprintf(errbuf, errlen, "TLS set-up: %s", e);
	return -1;
}

void out_sinks_init(struct out_sinks *set, const char *observer)
{
	memset(set, 0, sizeof(*set));
	jw_init(&set->json);
	out_syslog_id_init(&set->id, observer, OUT_FACILITY_DEFAULT);
}

static void sink_free(struct out_sink *s)
{
	q_free(&s->q);
	q_free(&s->inflight);
	if (s->ssl)
		SSL_free(s->ssl);
	if (s->fd >= 0)
		close(s->fd);
	if (s->ctx)
		SSL_CTX_free(s->ctx);
	free(s->sp);
	jw_free(&s->fb);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

int out_sinks_add(struct out_sinks *set, const struct out_sink_config *c, char *errbuf,
		  size_t errlen)
{
	if (set->n >= OUT_SINKS_MAX) {
		snprintf(errbuf, errlen, "too many outputs (at most %d)", OUT_SINKS_MAX);
		return -1;
	}
	struct out_sink *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	s->c = *c;
	s->fd = -1;
	s->id = &set->id;
	s->backoff_ms = OUT_BACKOFF_MIN_MS;
	if (!s->c.queue_max)
		s->c.queue_max = OUT_SINK_QUEUE_DEFAULT;
	if (s->c.backoff_max_ms < OUT_BACKOFF_MIN_MS)
		s->c.backoff_max_ms = OUT_BACKOFF_MIN_MS;
	jw_init(&s->fb);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	out_sink_config_name(c, s->name, sizeof(s->name));
	if (c->kind == OUT_SINK_TLS && tls_ctx(s, errbuf, errlen) < 0)
		goto fail;
	if (c->spool_dir[0] && c->kind != OUT_SINK_LOCAL && spool_open(s, errbuf, errlen) < 0)
		goto fail;
	if (c->kind == OUT_SINK_LOCAL) {
		s->c.spool_dir[0] = '\0';
		openlog(OUT_APP_NAME, LOG_PID | LOG_NDELAY,
			(c->facility >= 0 ? c->facility : OUT_FACILITY_DEFAULT) << 3);
	}
	if (pthread_create(&s->thr, NULL, sender, s) != 0) {
		snprintf(errbuf, errlen, "sink %s: cannot start its thread", s->name);
		goto fail;
	}
	s->thr_started = 1;
	set->s[set->n++] = s;
	return 0;
fail:
	sink_free(s);
	return -1;
}

void out_sinks_alert(struct out_sinks *set, const struct rule_alert *a)
{
	if (!set->n)
		return;
	int need_json = 0;
	for (unsigned i = 0; i < set->n; i++)
		need_json |= set->s[i]->c.fmt == OUT_FMT_RFC5424_JSON;
	if (need_json)
		out_alert_render(&set->json, a, set->id.observer);
	struct jw b;
	jw_init(&b);
	for (unsigned i = 0; i < set->n; i++) {
		struct out_sink *s = set->s[i];
		struct out_syslog_id id = set->id;
		if (s->c.facility >= 0)
			id.facility = s->c.facility;
		jw_reset(&b);
		if (s->c.kind == OUT_SINK_LOCAL)
			out_syslog_format_body(&b, s->c.fmt, &id, a, set->json.buf, set->json.len);
		else
			out_syslog_format(&b, s->c.fmt, &id, a, set->json.buf, set->json.len);
		uint8_t sev = a->severity < SEV_N ? a->severity : SEV_N - 1;
		pthread_mutex_lock(&s->mu);
		if (a->ts_us > s->last_ts_us)
			s->last_ts_us = a->ts_us;
		struct rec *r = NULL;
		if (!b.oom && !set->json.oom && s->q.n < s->c.queue_max && !s->stop)
			r = rec_new(s->next_seq, sev, b.buf, b.len);
		if (r) {
			s->next_seq++;
			q_push(&s->q, r);
			s->st.queued++;
			pthread_cond_signal(&s->cv);
		} else {
			count_drop(s, sev);
		}
		pthread_mutex_unlock(&s->mu);
	}
	jw_free(&b);
}

void out_sinks_stats(struct out_sinks *set, unsigned i, struct out_sink_stats *st)
{
	struct out_sink *s = set->s[i];
	pthread_mutex_lock(&s->mu);
	*st = s->st;
	st->queue_len += s->q.n;
	pthread_mutex_unlock(&s->mu);
}

const char *out_sinks_name(const struct out_sinks *set, unsigned i)
{
	return set->s[i]->name;
}

uint64_t out_sinks_close(struct out_sinks *set, unsigned timeout_ms)
{
	uint64_t lost = 0;
	uint64_t deadline = now_ms() + timeout_ms;
	for (unsigned i = 0; i < set->n; i++) {
		struct out_sink *s = set->s[i];
		pthread_mutex_lock(&s->mu);
		s->stop = 1;
		s->deadline_ms = deadline;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	for (unsigned i = 0; i < set->n; i++) {
		struct out_sink *s = set->s[i];
		if (s->thr_started)
			pthread_join(s->thr, NULL);
		struct out_sink_stats *st = &s->st;
		int bad = s->lost || st->dropped;
		log_msg(bad ? LOG_WARNING : LOG_INFO,
			"sink %s: %llu alerts queued, %llu sent, %llu dropped, %llu left in the spool "
			"(delivered on the next run), %llu lost at exit, %llu reconnects",
			s->name, (unsigned long long)st->queued, (unsigned long long)st->sent,
			(unsigned long long)st->dropped, (unsigned long long)st->spool_records,
			(unsigned long long)s->lost, (unsigned long long)st->reconnects);
		lost += s->lost;
		if (s->c.kind == OUT_SINK_LOCAL)
			closelog();
		sink_free(s);
		set->s[i] = NULL;
	}
	set->n = 0;
	jw_free(&set->json);
	return lost;
}

json_object *out_sinks_stats_json(struct out_sinks *set)
{
	json_object *root = json_object_new_object();
	for (unsigned i = 0; i < set->n; i++) {
		struct out_sink_stats st;
		out_sinks_stats(set, i, &st);
		json_object *o = json_object_new_object();
		json_object_object_add(o, "queued", json_object_new_uint64(st.queued));
		json_object_object_add(o, "sent", json_object_new_uint64(st.sent));
		json_object_object_add(o, "spooled", json_object_new_uint64(st.spooled));
		json_object_object_add(o, "dropped", json_object_new_uint64(st.dropped));
		json_object_object_add(o, "reconnects", json_object_new_uint64(st.reconnects));
		json_object_object_add(o, "connect_failures",
				       json_object_new_uint64(st.connect_failures));
		json_object_object_add(o, "in_spool", json_object_new_uint64(st.spool_records));
		json_object_object_add(o, "in_memory", json_object_new_uint64(st.queue_len));
		json_object_object_add(root, set->s[i]->name, o);
	}
	return root;
}

void out_sinks_stats_text(FILE *fp, struct out_sinks *set)
{
	for (unsigned i = 0; i < set->n; i++) {
		struct out_sink_stats st;
		out_sinks_stats(set, i, &st);
		fprintf(fp, "  sink %s: queued %llu, sent %llu, spooled %llu, dropped %llu, reconnects %llu, in spool %llu, in memory %llu\n",
			set->s[i]->name, (unsigned long long)st.queued, (unsigned long long)st.sent,
			(unsigned long long)st.spooled, (unsigned long long)st.dropped,
			(unsigned long long)st.reconnects, (unsigned long long)st.spool_records,
			(unsigned long long)st.queue_len);
	}
}
