/* cap_mem.h - large zeroed tables backed by transparent huge pages.
 *
 * The flow table, its index and the reassembly pool are tens of megabytes
 * read at random: with 4 KiB pages nearly every lookup of an active flow
 * missed the TLB (the hot flows lie scattered over the whole table). Backing
 * them with 2 MiB pages, where the kernel allows it (THP "madvise" or
 * "always"), removes most of those page walks. Memory is mapped lazily:
 * untouched parts cost nothing resident.
 */
#ifndef ZW_CAP_MEM_H
#define ZW_CAP_MEM_H

#include <stddef.h>

/* Returns zeroed memory of at least n bytes, or NULL with errno set. */
void *cap_huge_alloc(size_t n);
void cap_huge_free(void *p, size_t n);

#endif /* ZW_CAP_MEM_H */
