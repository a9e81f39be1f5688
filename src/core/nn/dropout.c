/* Dropout: the front end (argument checks, the choice of instruction set,
 * threads) and the general strided path.  The fast kernels are in
 * dropout_generic.c, dropout_avx2.c and dropout_avx512.c; the scheme that
 * ties the mask to (seed, offset, index, p) is in src/tocha_dropout.h. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tocha.h"
#include "../iter.h"
#include "../result.h"
#include "../threads.h"
#include "dropout_kernels.h"

/* ---- instruction set ------------------------------------------------------ */

static const char *const isa_names[] = {"avx512", "avx2", "generic"};

static const dropout_isa *isa_table(int k) {
  return k == 0 ? tocha_dropout_isa_avx512() : k == 1 ? tocha_dropout_isa_avx2() : tocha_dropout_isa_generic();
}

/* Does the CPU (and OS) support the instruction set of isa_names[k]? */
static int cpu_has(int k) {
  if (k == 2) return 1;
  if (!isa_table(k)) return 0; /* not built */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
  __builtin_cpu_init();
  if (k == 0) return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  return __builtin_cpu_supports("avx2");
#else
  return 0;
#endif
}

static int isa_index(const char *name) {
  for (int k = 0; k < 3; k++)
    if (strcmp(name, isa_names[k]) == 0) return k;
  return -1;
}

static pthread_once_t isa_once = PTHREAD_ONCE_INIT;
static const dropout_isa *isa_active;
static const char *isa_env_error; /* TOCHA_SIMD holds an unknown name */

/* The best instruction set the CPU has, no better than TOCHA_SIMD's if set. */
static void isa_choose(void) {
  const char *env = getenv("TOCHA_SIMD");
  int cap = 0;
  if (env && *env) {
    cap = isa_index(env);
    if (cap < 0) {
      isa_env_error = env;
      cap = 0;
    }
  }
  while (!cpu_has(cap)) cap++;
  isa_active = isa_table(cap);
}

static const dropout_isa *current_isa(void) {
  pthread_once(&isa_once, isa_choose);
  return isa_active;
}

const char *tocha_dropout_isa(void) { return current_isa()->name; }

tocha_status tocha_dropout_set_isa(const char *name) {
  pthread_once(&isa_once, isa_choose);
  if (name == NULL) {
    int k = 0;
    while (!cpu_has(k)) k++;
    isa_active = isa_table(k);
    isa_env_error = NULL;
    return TOCHA_OK;
  }
  int k = isa_index(name);
  if (k < 0) return tocha_fail(TOCHA_EARG, 1, "unknown instruction set '%s' (expected avx512, avx2 or generic)", name);
  if (!cpu_has(k)) return tocha_fail(TOCHA_EARG, 1, "this CPU (or this build) has no %s", name);
  isa_active = isa_table(k);
  isa_env_error = NULL;
  return TOCHA_OK;
}

static tocha_status check_isa(void) {
  current_isa();
  if (isa_env_error)
    return tocha_fail(TOCHA_EARG, 0, "environment variable TOCHA_SIMD=%s: expected avx512, avx2 or generic",
                      isa_env_error);
  return TOCHA_OK;
}

/* ---- running a kernel on threads ------------------------------------------ */

/* Elements per thread, at least: smaller calls run on the calling thread
 * alone (waking a worker costs some microseconds). */
#define PARALLEL_MIN 65536
/* Outputs from this size up are written with non-temporal stores: they
 * would not stay in the core's L2 anyway, and streaming them saves reading
 * each destination line before writing it (measured on a 2-core Xeon with
 * AVX-512: 2x faster from 1 MiB up; smaller outputs stay in cache for the
 * next layer). */
#define STREAM_MIN_BYTES ((size_t)1 << 20)

typedef struct dropout_run {
  void (*kernel)(const dropout_job *);
  dropout_job whole; /* the whole call: element 0 at tile 0 */
  size_t elsize;
} dropout_run;

/* Elements [lo, hi): lo is a tile boundary (the granule of the split). */
static void run_range(void *arg, int64_t lo, int64_t hi) {
  const dropout_run *run = arg;
  size_t first = (size_t)lo;
  dropout_job job = run->whole;
  job.block0 += (uint64_t)(first / DROPOUT_TILE) * DROPOUT_TILE_BLOCKS;
  job.n = (size_t)hi - first;
  job.bits += first / 8;
  if (job.dst) job.dst = (char *)job.dst + first * run->elsize;
  if (job.src) job.src = (const char *)job.src + first * run->elsize;
  run->kernel(&job);
}

/* Runs kernel over whole->n elements, split into tile-aligned pieces on
 * tocha_get_num_threads() threads.  Decides job->stream from the output's
 * size and alignment. */
static void run_kernel(const dropout_isa *isa, void (*kernel)(const dropout_job *), dropout_job whole,
                       size_t elsize) {
  dropout_run run = {kernel, whole, elsize};
  run.whole.stream = whole.dst != NULL && isa->stream_align > 0 && whole.n * elsize >= STREAM_MIN_BYTES &&
                     (uintptr_t)whole.dst % isa->stream_align == 0;
  tocha_parallel_range((int64_t)whole.n, PARALLEL_MIN, DROPOUT_TILE, run_range, &run);
}

/* ---- checks and the general path ------------------------------------------ */

static tocha_status check_floating(const tocha_tensor *t, int arg, const char *what) {
  if (t->dtype != TOCHA_FLOAT && t->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, arg, "%s must be a Float or Double tensor, got %s", what,
                      tocha_dtype_name(t->dtype));
  return TOCHA_OK;
}

static tocha_status check_group(int64_t n, int64_t group, int arg) {
  if (group < 1) return tocha_fail(TOCHA_EARG, arg, "group size must be >= 1, got %lld", (long long)group);
  if (n % group != 0)
    return tocha_fail(TOCHA_ESIZE, arg, "%lld elements do not split into groups of %lld", (long long)n,
                      (long long)group);
  return TOCHA_OK;
}

/* The keep threshold on a 16-bit draw for keep probability 1 - p:
 * floor((1 - p) * 2^16), in 0 .. 2^16 for 0 <= p < 1 (the fraction left
 * is made up by the draws of 0xFFFF, keep_fraction). */
static uint32_t keep_threshold(double p) { return (uint32_t)floor((1.0 - p) * 65536.0); }

/* The SIMD kernels compare with thr - 1: thr = 0 (p > 1 - 2^-16, almost
 * nothing kept) goes to the portable kernels, which give the same bits. */
static const dropout_isa *isa_for(uint32_t thr) {
  return thr == 0 ? tocha_dropout_isa_generic() : current_isa();
}

/* The refinement that makes the keep rate exactly 1 - p: with
 * x = (1 - p) * 2^16 (exact in double), a draw of 0xFFFF is kept with
 * probability x - floor(x), as frac / 2^64; 0 when x is an integer (no
 * refinement: the 16-bit threshold is exact). */
static uint64_t keep_fraction(double p) {
  double x = (1.0 - p) * 65536.0, f = x - floor(x);
  if (f == 0) return 0;
  double scaled = ldexp(f, 64); /* < 2^64: f <= 1 - 2^-53 x's ulp */
  if (scaled >= 18446744073709551615.0) return UINT64_MAX;
  uint64_t frac = (uint64_t)scaled;
  return frac ? frac : 1;
}

/* Philox blocks a call over n groups consumes: 16 per started tile. */
static uint64_t blocks_used(int64_t ngroups) {
  return (uint64_t)((ngroups + DROPOUT_TILE - 1) / DROPOUT_TILE) * DROPOUT_TILE_BLOCKS;
}

static inline int mask_bit(const uint8_t *bits, int64_t k) { return (bits[k >> 3] >> (k & 7)) & 1; }

/* dst[i] = bit(i / group) ? src[i] * scale : 0 over contiguous arrays
 * (group > 1: SpatialDropout's feature maps). */
#define APPLY_CONTIGUOUS(T)                                                                     \
  static void apply_contiguous_##T(T *dst, const T *src, const uint8_t *bits, int64_t n, T scale, \
                                   int64_t group) {                                            \
    for (int64_t start = 0, k = 0; start < n; start += group, k++) {                           \
      if (mask_bit(bits, k))                                                                   \
        for (int64_t i = start; i < start + group; i++) dst[i] = src[i] * scale;               \
      else                                                                                     \
        for (int64_t i = start; i < start + group; i++) dst[i] = (T)0;                         \
    }                                                                                          \
  }
APPLY_CONTIGUOUS(float)
APPLY_CONTIGUOUS(double)
#undef APPLY_CONTIGUOUS

/* The general case: any strides, elements visited in logical order. */
static void apply_strided(tocha_tensor *dst, const tocha_tensor *src, const uint8_t *bits, double scale,
                          int64_t group) {
  tocha_iter it;
  int64_t i = 0;
  tocha_iter_init(&it, 2, (const tocha_tensor *[]){dst, src});
  if (dst->dtype == TOCHA_FLOAT) {
    const float s = (float)scale;
    TOCHA_ITER_LOOP2(&it, float, d, const float, x, {
      *d = mask_bit(bits, i / group) ? *x * s : 0.0f;
      i++;
    })
  } else {
    TOCHA_ITER_LOOP2(&it, double, d, const double, x, {
      *d = mask_bit(bits, i / group) ? *x * scale : 0.0;
      i++;
    })
  }
}

static void apply_mask(tocha_tensor *dst, const tocha_tensor *src, const uint8_t *bits, double scale,
                       int64_t group) {
  int64_t n = tocha_tensor_nelement(src);
  if (tocha_tensor_is_contiguous(dst) && tocha_tensor_is_contiguous(src)) {
    if (dst->dtype == TOCHA_FLOAT)
      apply_contiguous_float(tocha_tensor_data(dst), tocha_tensor_data(src), bits, n, (float)scale, group);
    else
      apply_contiguous_double(tocha_tensor_data(dst), tocha_tensor_data(src), bits, n, scale, group);
  } else {
    apply_strided(dst, src, bits, scale, group);
  }
}

/* Resizes `out` like `like` unless it is the same tensor (in place); a
 * right-sized view keeps its geometry and is written through its strides.
 * `*src` becomes a private copy (in `copy`, released by the caller) when it
 * overlaps `out` other than element for element. */
static tocha_status prepare_output(tocha_tensor *out, const tocha_tensor **src, tocha_tensor *copy) {
  const tocha_tensor *like = *src;
  tocha_tensor_init(copy, like->dtype);
  if (out == like) return TOCHA_OK;
  if (out->dtype != like->dtype)
    return tocha_fail(TOCHA_ETYPE, 1, "output is a %s tensor, input is %s", tocha_dtype_name(out->dtype),
                      tocha_dtype_name(like->dtype));
  tocha_status st = tocha_tensor_resize_as(out, like);
  return st ? st : tocha_detach_input(out, src, copy);
}

/* The mask's bits are written as one contiguous array: a mask that is a
 * non-contiguous view of the right size is replaced by a new tensor. */
static tocha_status prepare_mask(tocha_tensor *mask, int64_t nbytes) {
  tocha_status st = tocha_tensor_resize(mask, 1, &nbytes);
  if (st || tocha_tensor_is_contiguous(mask)) return st;
  return tocha_tensor_new(mask, TOCHA_BYTE, 1, &nbytes);
}

tocha_status tocha_dropout_forward(tocha_rng *g, tocha_tensor *output, const tocha_tensor *input,
                                   tocha_tensor *mask, double p, double scale, int64_t group) {
  tocha_status st = check_isa();
  if (st || (st = check_floating(input, 1, "input"))) return st;
  if (mask->dtype != TOCHA_BYTE)
    return tocha_fail(TOCHA_ETYPE, 2, "mask must be a Byte tensor, got %s", tocha_dtype_name(mask->dtype));
  if (!(p >= 0 && p < 1)) return tocha_fail(TOCHA_EARG, 3, "expected 0 <= p < 1, got p=%g", p);
  if (!isfinite(scale)) return tocha_fail(TOCHA_EARG, 4, "scale must be finite, got %g", scale);
  int64_t n = tocha_tensor_nelement(input);
  if ((st = check_group(n, group, 5))) return st;
  int64_t ngroups = n / group, nbytes = (ngroups + 7) / 8;
  if (nbytes == 0) nbytes = 1;
  tocha_tensor copy;
  if ((st = prepare_output(output, &input, &copy)) || (st = prepare_mask(mask, nbytes)) || n == 0) {
    tocha_tensor_release(&copy);
    return st;
  }

  const dropout_isa *isa = isa_for(keep_threshold(p));
  dropout_keys keys;
  dropout_keys_init(&keys, g->seed);
  dropout_job job = {&keys, g->offset, keep_threshold(p), keep_fraction(p), (size_t)ngroups,
                     tocha_tensor_data(mask), NULL, NULL, scale, 0};
  if (group == 1 && tocha_tensor_is_contiguous(input) && tocha_tensor_is_contiguous(output)) {
    /* One fused pass: draw, store the mask bits and the output per tile. */
    job.dst = tocha_tensor_data(output);
    job.src = tocha_tensor_data(input);
    if (input->dtype == TOCHA_FLOAT)
      run_kernel(isa, isa->forward_float, job, sizeof(float));
    else
      run_kernel(isa, isa->forward_double, job, sizeof(double));
  } else {
    run_kernel(isa, isa->bits, job, 0);
    apply_mask(output, input, job.bits, scale, group);
  }
  g->offset += blocks_used(ngroups);
  tocha_tensor_release(&copy);
  return TOCHA_OK;
}

static tocha_status check_mask_size(const tocha_tensor *mask, int64_t ngroups, int arg) {
  int64_t nbytes = (ngroups + 7) / 8;
  if (nbytes == 0) nbytes = 1;
  if (mask->dtype != TOCHA_BYTE)
    return tocha_fail(TOCHA_ETYPE, arg, "mask must be a Byte tensor, got %s", tocha_dtype_name(mask->dtype));
  if (tocha_tensor_nelement(mask) != nbytes || !tocha_tensor_is_contiguous(mask))
    return tocha_fail(TOCHA_ESIZE, arg,
                      "mask holds %lld bytes, expected %lld contiguous bytes for %lld groups (was the last forward "
                      "on an input of this size?)",
                      (long long)tocha_tensor_nelement(mask), (long long)nbytes, (long long)ngroups);
  return TOCHA_OK;
}

tocha_status tocha_dropout_backward(tocha_tensor *grad_input, const tocha_tensor *grad_output,
                                    const tocha_tensor *mask, double scale, int64_t group) {
  tocha_status st = check_isa();
  if (st || (st = check_floating(grad_output, 1, "gradOutput"))) return st;
  int64_t n = tocha_tensor_nelement(grad_output);
  if ((st = check_group(n, group, 4))) return st;
  if ((st = check_mask_size(mask, n / group, 2))) return st;
  if (!isfinite(scale)) return tocha_fail(TOCHA_EARG, 3, "scale must be finite, got %g", scale);
  tocha_tensor copy;
  if ((st = prepare_output(grad_input, &grad_output, &copy)) || n == 0) {
    tocha_tensor_release(&copy);
    return st;
  }
  uint8_t *bits = tocha_tensor_data(mask);
  if (group == 1 && tocha_tensor_is_contiguous(grad_input) && tocha_tensor_is_contiguous(grad_output)) {
    const dropout_isa *isa = current_isa();
    dropout_job job = {NULL, 0, 0, 0, (size_t)n, bits, tocha_tensor_data(grad_input),
                       tocha_tensor_data(grad_output), scale, 0};
    if (grad_output->dtype == TOCHA_FLOAT)
      run_kernel(isa, isa->backward_float, job, sizeof(float));
    else
      run_kernel(isa, isa->backward_double, job, sizeof(double));
  } else {
    apply_mask(grad_input, grad_output, bits, scale, group);
  }
  tocha_tensor_release(&copy);
  return TOCHA_OK;
}

tocha_status tocha_dropout_mask_expand(tocha_tensor *out, const tocha_tensor *mask, int ndim, const int64_t *size,
                                       int64_t group) {
  if (out->dtype != TOCHA_BYTE)
    return tocha_fail(TOCHA_ETYPE, 1, "out must be a Byte tensor, got %s", tocha_dtype_name(out->dtype));
  int64_t n;
  if (ndim < 1 || ndim > TOCHA_MAX_DIMS) return tocha_fail(TOCHA_EARG, 2, "expected 1 to %d sizes", TOCHA_MAX_DIMS);
  tocha_status st = tocha_shape_count(ndim, size, 2, &n);
  if (st) return st;
  st = check_group(n, group, 3);
  if (st) return st;
  if ((st = check_mask_size(mask, n / group, 1))) return st;
  /* out may be any right-sized view (written through its strides), or
   * even the mask itself (then a temporary is used). */
  tocha_result r;
  if ((st = tocha_result_begin(&r, out, ndim, size, 0, (const tocha_tensor *const[]){mask}, 1)))
    return tocha_result_end(&r, st);
  const uint8_t *bits = tocha_tensor_data(mask);
  if (n > 0) {
    tocha_iter it;
    int64_t i = 0;
    tocha_iter_init(&it, 1, (const tocha_tensor *[]){r.dst});
    TOCHA_ITER_LOOP1(&it, uint8_t, o, {
      *o = (uint8_t)mask_bit(bits, i / group);
      i++;
    })
  }
  return tocha_result_end(&r, TOCHA_OK);
}

/* ---- a shard of a larger call (data parallelism, tocha.distributed) ------- */

tocha_status tocha_dropout_forward_shard(tocha_rng *g, tocha_tensor *output, const tocha_tensor *input,
                                         tocha_tensor *mask, double p, double scale, int64_t group, int64_t first,
                                         int64_t total) {
  tocha_status st = check_isa();
  if (st || (st = check_floating(input, 1, "input"))) return st;
  if (mask->dtype != TOCHA_BYTE)
    return tocha_fail(TOCHA_ETYPE, 2, "mask must be a Byte tensor, got %s", tocha_dtype_name(mask->dtype));
  if (!(p >= 0 && p < 1)) return tocha_fail(TOCHA_EARG, 3, "expected 0 <= p < 1, got p=%g", p);
  if (!isfinite(scale)) return tocha_fail(TOCHA_EARG, 4, "scale must be finite, got %g", scale);
  int64_t n = tocha_tensor_nelement(input);
  if ((st = check_group(n, group, 5))) return st;
  int64_t ngroups = n / group, nbytes = (ngroups + 7) / 8;
  if (first < 0 || total < 0 || first > total || ngroups > total - first)
    return tocha_fail(TOCHA_EARG, 6, "groups %lld .. %lld of the shard lie outside the %lld groups of the whole",
                      (long long)first, (long long)(first + ngroups - 1), (long long)total);
  if (nbytes == 0) nbytes = 1;
  int64_t shift = first % DROPOUT_TILE;
  uint8_t *tmp = NULL;
  if (shift != 0 && ngroups > 0 && !(tmp = malloc((size_t)((shift + ngroups + 7) / 8))))
    return tocha_fail(TOCHA_ENOMEM, 0, "not enough memory for %lld mask bits", (long long)(shift + ngroups));
  tocha_tensor copy;
  if ((st = prepare_output(output, &input, &copy)) || (st = prepare_mask(mask, nbytes)) || n == 0) {
    if (!st) g->offset += blocks_used(total);
    free(tmp);
    tocha_tensor_release(&copy);
    return st;
  }
  const dropout_isa *isa = isa_for(keep_threshold(p));
  dropout_keys keys;
  dropout_keys_init(&keys, g->seed);
  uint64_t block0 = g->offset + (uint64_t)(first / DROPOUT_TILE) * DROPOUT_TILE_BLOCKS;
  dropout_job job = {&keys, block0, keep_threshold(p), keep_fraction(p), (size_t)ngroups, tocha_tensor_data(mask),
                     NULL, NULL, scale, 0};
  if (shift == 0 && group == 1 && tocha_tensor_is_contiguous(input) && tocha_tensor_is_contiguous(output)) {
    job.dst = tocha_tensor_data(output);
    job.src = tocha_tensor_data(input);
    run_kernel(isa, input->dtype == TOCHA_FLOAT ? isa->forward_float : isa->forward_double, job,
               input->dtype == TOCHA_FLOAT ? sizeof(float) : sizeof(double));
  } else {
    if (shift != 0) {
      /* Draw from the shard's tile boundary, then drop the first `shift` bits. */
      uint8_t *bits = job.bits;
      job.bits = tmp;
      job.n = (size_t)(shift + ngroups);
      run_kernel(isa, isa->bits, job, 0);
      memset(bits, 0, (size_t)nbytes);
      for (int64_t k = 0; k < ngroups; k++) bits[k >> 3] |= (uint8_t)(mask_bit(tmp, k + shift) << (k & 7));
      job.bits = bits;
    } else {
      run_kernel(isa, isa->bits, job, 0);
    }
    apply_mask(output, input, job.bits, scale, group);
  }
  g->offset += blocks_used(total);
  free(tmp);
  tocha_tensor_release(&copy);
  return TOCHA_OK;
}
