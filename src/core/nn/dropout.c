/* Dropout: forward (fresh bit mask, scaled survivors) and backward (the
 * same mask applied to the gradient), side by side. */
#include <math.h>
#include <string.h>

#include "../../tocha.h"
#include "../iter.h"
#include "../result.h"

/* Groups per batch of random draws: a multiple of 8 (whole mask bytes) and
 * of 4 (whole Philox blocks), small enough to stay in L1. */
#define DRAW_BATCH 2048

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

/* The keep threshold for probability q = 1 - p on a 32-bit draw; *all is set
 * when every draw passes (q == 1). */
static uint32_t keep_threshold(double p, uint32_t *all) {
  double thr = ceil((1.0 - p) * 0x1p32);
  *all = thr >= 0x1p32;
  return *all ? 0 : (uint32_t)thr;
}

/* Writes the bits of groups [first, first + count) into bits[first/8 ...];
 * first is a multiple of DRAW_BATCH. */
static void draw_bits(const tocha_rng *g, uint8_t *bits, int64_t first, int64_t count, uint32_t thr,
                      uint32_t all) {
  uint32_t draws[DRAW_BATCH];
  for (int64_t start = first; start < first + count; start += DRAW_BATCH) {
    int64_t len = first + count - start < DRAW_BATCH ? first + count - start : DRAW_BATCH;
    if (!all) tocha_philox4x32_batch(g->seed, g->offset + (uint64_t)start / 4, (size_t)(len + 3) / 4, draws);
    uint8_t *out = bits + start / 8;
    int64_t nbytes = (len + 7) / 8;
    for (int64_t b = 0; b < nbytes; b++) {
      uint8_t byte = 0;
      for (int k = 0; k < 8; k++) {
        int64_t j = b * 8 + k;
        uint8_t keep = all ? 1 : (uint8_t)(draws[j < len ? j : 0] < thr);
        byte |= (uint8_t)((j < len ? keep : 0) << k);
      }
      out[b] = byte;
    }
  }
}

static inline int mask_bit(const uint8_t *bits, int64_t k) { return (bits[k >> 3] >> (k & 7)) & 1; }

/* dst[i] = bit(i / group) ? src[i] * scale : 0 over contiguous arrays,
 * element 0 being element `first` of the whole tensor. */
#define APPLY_CONTIGUOUS(T)                                                          \
  static void apply_contiguous_##T(T *dst, const T *src, const uint8_t *bits, int64_t first, \
                                   int64_t n, T scale, int64_t group) {             \
    if (group == 1 && first % 8 == 0) {                                              \
      const uint8_t *b = bits + first / 8;                                           \
      int64_t full = n / 8;                                                          \
      for (int64_t q = 0; q < full; q++) {                                           \
        uint8_t m = b[q];                                                            \
        for (int k = 0; k < 8; k++) {                                                \
          T x = src[q * 8 + k];                                                      \
          dst[q * 8 + k] = ((m >> k) & 1) ? x * scale : (T)0;                        \
        }                                                                            \
      }                                                                              \
      for (int64_t i = full * 8; i < n; i++)                                         \
        dst[i] = mask_bit(bits, first + i) ? src[i] * scale : (T)0;                  \
      return;                                                                        \
    }                                                                                \
    for (int64_t i = 0; i < n; i++)                                                  \
      dst[i] = mask_bit(bits, (first + i) / group) ? src[i] * scale : (T)0;          \
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
      apply_contiguous_float(tocha_tensor_data(dst), tocha_tensor_data(src), bits, 0, n, (float)scale, group);
    else
      apply_contiguous_double(tocha_tensor_data(dst), tocha_tensor_data(src), bits, 0, n, scale, group);
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
  tocha_status st = check_floating(input, 1, "input");
  if (st) return st;
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

  uint32_t all, thr = keep_threshold(p, &all);
  uint8_t *bits = tocha_tensor_data(mask);
  if (group == 1 && tocha_tensor_is_contiguous(input) && tocha_tensor_is_contiguous(output)) {
    /* One fused pass: draw a batch of bits, then apply them while the
     * batch is still in cache. */
    char *dst = tocha_tensor_data(output);
    const char *src = tocha_tensor_data(input);
    size_t elsize = tocha_dtype_size(input->dtype);
    for (int64_t start = 0; start < n; start += DRAW_BATCH) {
      int64_t len = n - start < DRAW_BATCH ? n - start : DRAW_BATCH;
      draw_bits(g, bits, start, len, thr, all);
      if (input->dtype == TOCHA_FLOAT)
        apply_contiguous_float((float *)(dst + start * elsize), (const float *)(src + start * elsize), bits, start,
                               len, (float)scale, 1);
      else
        apply_contiguous_double((double *)(dst + start * elsize), (const double *)(src + start * elsize), bits,
                                start, len, scale, 1);
    }
  } else {
    draw_bits(g, bits, 0, ngroups, thr, all);
    apply_mask(output, input, bits, scale, group);
  }
  g->offset += (uint64_t)(ngroups + 3) / 4;
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
  tocha_status st = check_floating(grad_output, 1, "gradOutput");
  if (st) return st;
  int64_t n = tocha_tensor_nelement(grad_output);
  if ((st = check_group(n, group, 4))) return st;
  if ((st = check_mask_size(mask, n / group, 2))) return st;
  if (!isfinite(scale)) return tocha_fail(TOCHA_EARG, 3, "scale must be finite, got %g", scale);
  tocha_tensor copy;
  if (!(st = prepare_output(grad_input, &grad_output, &copy)) && n > 0)
    apply_mask(grad_input, grad_output, tocha_tensor_data(mask), scale, group);
  tocha_tensor_release(&copy);
  return st;
}

tocha_status tocha_dropout_mask_expand(tocha_tensor *out, const tocha_tensor *mask, int ndim, const int64_t *size,
                                       int64_t group) {
  if (out->dtype != TOCHA_BYTE)
    return tocha_fail(TOCHA_ETYPE, 1, "out must be a Byte tensor, got %s", tocha_dtype_name(out->dtype));
  int64_t n = 1;
  if (ndim < 1 || ndim > TOCHA_MAX_DIMS) return tocha_fail(TOCHA_EARG, 2, "expected 1 to %d sizes", TOCHA_MAX_DIMS);
  for (int d = 0; d < ndim; d++) {
    if (size[d] < 0) return tocha_fail(TOCHA_EARG, 2, "size %d must be >= 0", d);
    n *= size[d];
  }
  tocha_status st = check_group(n, group, 3);
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
