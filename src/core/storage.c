/* Refcounted storage: the memory that tensors view. */
#define _DEFAULT_SOURCE /* madvise */
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "../tocha.h"
#include "sizes.h"

/* 64-byte alignment lets vector loads start on cache-line boundaries. */
#define STORAGE_ALIGN 64
/* Storages of this size and more start on a 2 MiB boundary and ask Linux
 * for transparent huge pages (where it grants them on request only, as
 * Debian does): a training step sweeps megabytes of parameters, gradients
 * and momentum several times, and with 4 KiB pages every sweep misses the
 * TLB once per page. */
#define HUGE_MIN ((size_t)4 << 20)
#define HUGE_ALIGN ((size_t)2 << 20)

static void *storage_alloc(size_t padded) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (padded >= HUGE_MIN) {
    size_t rounded = (padded + HUGE_ALIGN - 1) / HUGE_ALIGN * HUGE_ALIGN;
    void *p = aligned_alloc(HUGE_ALIGN, rounded);
    if (p) (void)madvise(p, rounded, MADV_HUGEPAGE); /* advice only: failure is harmless */
    return p;
  }
#endif
  return aligned_alloc(STORAGE_ALIGN, padded);
}

tocha_storage *tocha_storage_new(tocha_dtype dtype, int64_t n) {
  size_t elsize = tocha_dtype_size(dtype);
  if (elsize == 0) {
    tocha_fail(TOCHA_ETYPE, 1, "unknown element type %d", (int)dtype);
    return NULL;
  }
  if (n < 0) {
    tocha_fail(TOCHA_EARG, 2, "storage size must be >= 0, got %lld", (long long)n);
    return NULL;
  }
  if ((uint64_t)n > (SIZE_MAX - STORAGE_ALIGN) / elsize || n > TOCHA_SIZE_LIMIT) {
    tocha_fail(TOCHA_EOVERFLOW, 2, "storage of %lld elements is too large", (long long)n);
    return NULL;
  }
  tocha_storage *s = malloc(sizeof *s);
  if (!s) {
    tocha_fail(TOCHA_ENOMEM, 0, "not enough memory allocating a storage header");
    return NULL;
  }
  size_t bytes = (size_t)n * elsize;
  /* Round up so that aligned_alloc's size is a multiple of the alignment. */
  size_t padded = (bytes + STORAGE_ALIGN - 1) / STORAGE_ALIGN * STORAGE_ALIGN;
  if (padded == 0) padded = STORAGE_ALIGN;
  s->data = storage_alloc(padded);
  if (!s->data) {
    free(s);
    tocha_fail(TOCHA_ENOMEM, 0, "not enough memory allocating %zu bytes", bytes);
    return NULL;
  }
  memset(s->data, 0, padded);
  s->size = n;
  s->dtype = dtype;
  s->refcount = 1;
  return s;
}

void tocha_storage_retain(tocha_storage *s) {
  if (s) s->refcount++;
}

void tocha_storage_release(tocha_storage *s) {
  if (s && --s->refcount == 0) {
    free(s->data);
    free(s);
  }
}
