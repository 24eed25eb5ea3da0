/* cap_mem.c - huge-page backed tables (see cap_mem.h). */
#include "config.h"

#include "capture/cap_mem.h"

#include <stdint.h>
#include <sys/mman.h>

#define HUGE_PAGE (2u << 20)

static size_t round_up(size_t n)
{
	return (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
}

void *cap_huge_alloc(size_t n)
{
	if (n == 0 || n > SIZE_MAX - HUGE_PAGE)
		return NULL;
	size_t len = round_up(n);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	/* Advice only: without THP the table still works with small pages. */
	(void)madvise(p, len, MADV_HUGEPAGE);
#endif
	return p;
}

void cap_huge_free(void *p, size_t n)
{
	if (p)
		munmap(p, round_up(n));
}
