/* mbloop.c - a Modbus/TCP client and server talking over loopback, for the
 * live-capture test. The server (a child process) listens on 127.0.0.1:PORT
 * and answers FC6 write single register by echoing the request and FC3 read
 * holding registers with zeros; the client sends COUNT requests alternating
 * FC3 and FC6, reading each answer. Only 127.0.0.1 is ever used.
 *
 *   mbloop PORT COUNT
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int read_full(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int write_full(int fd, const unsigned char *buf, size_t n)
{
	size_t put = 0;
	while (put < n) {
		ssize_t r = write(fd, buf + put, n - put);
		if (r <= 0)
			return -1;
		put += (size_t)r;
	}
	return 0;
}

static void serve(int lfd)
{
	int c = accept(lfd, NULL, NULL);
	if (c < 0)
		_exit(1);
	unsigned char req[260], rsp[260];
	for (;;) {
		if (read_full(c, req, 7) < 0)
			break;
		size_t len = ((size_t)req[4] << 8) | req[5];
		if (len < 2 || len > 253 || read_full(c, req + 7, len - 1) < 0)
			break;
		size_t n;
		if (req[7] == 3) { /* read holding registers: quantity at PDU[3..4] */
			unsigned qty = ((unsigned)req[10] << 8) | req[11];
			if (qty > 125)
				qty = 125;
			memcpy(rsp, req, 4);
			rsp[4] = 0;
			rsp[5] = (unsigned char)(3 + 2 * qty);
			rsp[6] = req[6];
			rsp[7] = 3;
			rsp[8] = (unsigned char)(2 * qty);
			memset(rsp + 9, 0, 2 * qty);
			n = 9 + 2 * (size_t)qty;
		} else { /* echo (FC6 answers with the request) */
			memcpy(rsp, req, 7 + len - 1);
			n = 6 + len;
		}
		if (write_full(c, rsp, n) < 0)
			break;
	}
	close(c);
	_exit(0);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mbloop PORT COUNT\n");
		return 2;
	}
	char *end;
	unsigned long port = strtoul(argv[1], &end, 10);
	if (*end || port == 0 || port > 65535)
		return 2;
	unsigned long count = strtoul(argv[2], &end, 10);
	if (*end || count == 0 || count > 100000)
		return 2;

	struct sockaddr_in sa;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0) {
		fprintf(stderr, "mbloop: listen on 127.0.0.1:%lu: %s\n", port, strerror(errno));
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0)
		serve(lfd);
	close(lfd);

	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "mbloop: connect: %s\n", strerror(errno));
		kill(pid, SIGTERM);
		return 1;
	}
	int rc = 0;
	for (unsigned long i = 0; i < count; i++) {
		unsigned char req[12] = { (unsigned char)(i >> 8), (unsigned char)i, 0, 0, 0, 6, 1 };
		if (i % 2 == 0) { /* FC3 read 10 registers at 100 */
			req[7] = 3; req[8] = 0; req[9] = 100; req[10] = 0; req[11] = 10;
		} else { /* FC6 write 0x1234 to register 7 */
			req[7] = 6; req[8] = 0; req[9] = 7; req[10] = 0x12; req[11] = 0x34;
		}
		unsigned char hdr[7], body[256];
		if (write_full(fd, req, sizeof(req)) < 0 || read_full(fd, hdr, 7) < 0) {
			rc = 1;
			break;
		}
		size_t len = ((size_t)hdr[4] << 8) | hdr[5];
		if (len < 2 || len > 253 || read_full(fd, body, len - 1) < 0) {
			rc = 1;
			break;
		}
	}
	close(fd);
	int st;
	waitpid(pid, &st, 0);
	if (rc)
		fprintf(stderr, "mbloop: exchange failed\n");
	return rc;
}
