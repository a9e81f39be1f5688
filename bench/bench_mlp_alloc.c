/*
 * bench_mlp_alloc: counts heap allocations, for bench/bench_mlp.lua.
 *
 * Loaded with LD_PRELOAD, this library's malloc, calloc, realloc, free and
 * the aligned allocators replace the C library's for the whole process
 * (the Lua interpreter, whose allocator is realloc/free, tocha, OpenBLAS,
 * every thread).  Each call is counted and forwarded to glibc's own
 * functions (__libc_malloc, ...).  bench_mlp.alloc_counts() reads the
 * counters through bench_mlp_alloc_counts().  Benchmark use only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/* glibc's allocator under its internal names. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t alignment, size_t size);

static unsigned long long allocations, frees;

#define COUNT(c) __atomic_add_fetch(&(c), 1, __ATOMIC_RELAXED)

#if defined(__GNUC__)
#define EXPORT __attribute__((visibility("default")))
#else
#define EXPORT
#endif

/* The prototypes the C library's headers give, repeated here so that this
 * file does not need them (some headers declare these with attributes). */
EXPORT void *malloc(size_t size);
EXPORT void *calloc(size_t n, size_t size);
EXPORT void *realloc(void *p, size_t size);
EXPORT void free(void *p);
EXPORT void *memalign(size_t alignment, size_t size);
EXPORT void *aligned_alloc(size_t alignment, size_t size);
EXPORT int posix_memalign(void **out, size_t alignment, size_t size);
EXPORT void bench_mlp_alloc_counts(unsigned long long *alloc_calls, unsigned long long *free_calls);

void *malloc(size_t size) {
  COUNT(allocations);
  return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
  COUNT(allocations);
  return __libc_calloc(n, size);
}

/* realloc(p, 0) frees; realloc(NULL, n) allocates; otherwise it may move:
 * every call but a pure free counts as an allocation. */
void *realloc(void *p, size_t size) {
  if (p && size == 0)
    COUNT(frees);
  else
    COUNT(allocations);
  return __libc_realloc(p, size);
}

void free(void *p) {
  if (p) COUNT(frees);
  __libc_free(p);
}

void *memalign(size_t alignment, size_t size) {
  COUNT(allocations);
  return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
  COUNT(allocations);
  return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
  COUNT(allocations);
  if (alignment < sizeof(void *) || (alignment & (alignment - 1))) return EINVAL;
  void *p = __libc_memalign(alignment, size);
  if (!p && size) return ENOMEM;
  *out = p;
  return 0;
}

void bench_mlp_alloc_counts(unsigned long long *alloc_calls, unsigned long long *free_calls) {
  *alloc_calls = __atomic_load_n(&allocations, __ATOMIC_RELAXED);
  *free_calls = __atomic_load_n(&frees, __ATOMIC_RELAXED);
}
