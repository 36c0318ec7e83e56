#ifndef CMIMALLOC_SHIM_H
#define CMIMALLOC_SHIM_H
#include <stdbool.h>
#include <stdlib.h>
#include <mimalloc.h>

/// Whether the process's `malloc` is mimalloc's: a block from `malloc` lies in mimalloc's heap. False when
/// another allocator took `malloc` first (a sanitizer's runtime, an LD_PRELOADed library).
static inline bool metagov_malloc_is_mimalloc(void) {
    void *block = malloc(16);
    bool ours = block != NULL && mi_is_in_heap_region(block);
    free(block);
    return ours;
}
#endif
