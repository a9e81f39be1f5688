/* Refcounted storage: the memory that tensors view. */
#include <stdlib.h>
#include <string.h>

#include "../tocha.h"

/* 64-byte alignment lets vector loads start on cache-line boundaries. */
#define STORAGE_ALIGN 64

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
  if ((uint64_t)n > (SIZE_MAX - STORAGE_ALIGN) / elsize || (uint64_t)n > (uint64_t)INT64_MAX / 16) {
    tocha_fail(TOCHA_EOVERFLOW, 2, "storage of %lld elements is too large", (long long)n);
    return NULL;
  }
  tocha_storage *s = malloc(sizeof *s);
  if (!s) {
    tocha_fail(TOCHA_ENOMEM, 0, "out of memory allocating a storage header");
    return NULL;
  }
  size_t bytes = (size_t)n * elsize;
  /* Round up so that aligned_alloc's size is a multiple of the alignment. */
  size_t padded = (bytes + STORAGE_ALIGN - 1) / STORAGE_ALIGN * STORAGE_ALIGN;
  if (padded == 0) padded = STORAGE_ALIGN;
  s->data = aligned_alloc(STORAGE_ALIGN, padded);
  if (!s->data) {
    free(s);
    tocha_fail(TOCHA_ENOMEM, 0, "out of memory allocating %zu bytes", bytes);
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
