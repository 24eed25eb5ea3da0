/* replay.c - main() for running a fuzz target without libFuzzer.
 *
 *   replay_<name> FILE|DIR...
 *
 * Runs LLVMFuzzerTestOneInput() once over every file named and over every
 * regular file directly inside every directory named (not recursive, names
 * starting with '.' skipped, sorted by name so runs are reproducible). Each
 * input is handed over in an exact-size heap buffer. Prints "replayed N
 * inputs" and exits 0; exits 2 if an argument or a file cannot be read. A bug
 * in the target shows up as a sanitizer report or an abort. `make check`
 * uses this to replay tests/fuzz/corpus/<name>/ with any compiler.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT ((size_t)64 << 20)

/* Reads path into an exact-size buffer and runs the target. 0 or -1. */
static int replay_file(const char *path)
{
	int rc = -1;
	uint8_t *buf = NULL;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct stat sb;
	if (fstat(fileno(fp), &sb) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (sb.st_size < 0 || (uintmax_t)sb.st_size > REPLAY_MAX_INPUT) {
		fprintf(stderr, "replay: %s: larger than %zu bytes\n", path, REPLAY_MAX_INPUT);
		goto out;
	}
	size_t size = (size_t)sb.st_size;
	/* malloc(0) may return NULL; the target never reads a 0-byte input. */
	buf = malloc(size ? size : 1);
	if (!buf) {
		fprintf(stderr, "replay: %s: out of memory for %zu bytes\n", path, size);
		goto out;
	}
	if (size && fread(buf, 1, size, fp) != size) {
		fprintf(stderr, "replay: %s: short read%s%s\n", path, ferror(fp) ? ": " : "",
			ferror(fp) ? strerror(errno) : "");
		goto out;
	}
	fprintf(stderr, "Running: %s\n", path);
	LLVMFuzzerTestOneInput(buf, size);
	rc = 0;
out:
	free(buf);
	fclose(fp);
	return rc;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the regular files directly inside dir. Returns the count or -1. */
static long replay_dir(const char *dir)
{
	long done = -1;
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			if (errno) {
				fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
				goto out;
			}
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		size_t len = strlen(dir) + 1 + strlen(de->d_name) + 1;
		char *path = malloc(len);
		if (!path) {
			fprintf(stderr, "replay: %s: out of memory\n", dir);
			goto out;
		}
		int w = snprintf(path, len, "%s/%s", dir, de->d_name);
		if (w < 0 || (size_t)w >= len) {
			fprintf(stderr, "replay: %s: path too long\n", dir);
			free(path);
			goto out;
		}
		struct stat sb;
		if (stat(path, &sb) < 0) {
			fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
			free(path);
			goto out;
		}
		if (!S_ISREG(sb.st_mode)) {
			free(path);
			continue;
		}
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			char **nn = realloc(names, ncap * sizeof(*nn));
			if (!nn) {
				fprintf(stderr, "replay: %s: out of memory\n", dir);
				free(path);
				goto out;
			}
			names = nn;
			cap = ncap;
		}
		names[n++] = path;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++)
		if (replay_file(names[i]) < 0)
			goto out;
	done = (long)n;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return done;
}

int main(int argc, char **argv)
{
	long total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n"
				"Runs the fuzz target once over each file and each regular file in each DIR.\n",
			argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 2;
		}
		if (S_ISDIR(sb.st_mode)) {
			long n = replay_dir(argv[i]);
			if (n < 0)
				return 2;
			total += n;
		} else {
			if (replay_file(argv[i]) < 0)
				return 2;
			total++;
		}
	}
	printf("replayed %ld inputs\n", total);
	return 0;
}
