/* Copies between tensors of any element types, fill, clone, contiguous. */
#include <math.h>

#include <string.h>

#include "../tocha.h"
#include "iter.h"
#include "result.h"
#include "simd.h"
#include "sizes.h"
#include "threads.h"

/* Float to integer conversions.  C leaves the conversion of NaN, an
 * infinity or a value outside the target type undefined: tocha converts
 * through int64 (the narrower integer types then wrap modulo 2^bits, as
 * element assignment does: 300.0 into a ByteTensor stores 44) and refuses,
 * before writing anything, a value int64 cannot hold. */
#define TO_ELEMENT(td, ts, v) \
  (((td)0.5 == 0 && (ts)0.5 != 0) ? (td)(int64_t)(v) : (td)(v)) /* constant-folded per type pair */

static tocha_status check_convertible(tocha_dtype dst, const tocha_tensor *src) {
  if (!tocha_dtype_integer_range(dst, NULL, NULL) || tocha_dtype_integer_range(src->dtype, NULL, NULL) ||
      tocha_tensor_nelement(src) == 0)
    return TOCHA_OK;
  tocha_iter it;
  tocha_iter_init(&it, 1, (const tocha_tensor *[]){src});
  double bad = 0;
  int found = 0;
#define FIND_BAD(ts, TS) TOCHA_ITER_LOOP1(&it, const ts, s_, if (!found && !tocha_fits_int64(*s_)) { found = 1; bad = *s_; })
  if (src->dtype == TOCHA_FLOAT) {
    FIND_BAD(float, TOCHA_FLOAT);
  } else {
    FIND_BAD(double, TOCHA_DOUBLE);
  }
#undef FIND_BAD
  if (!found) return TOCHA_OK;
  return tocha_fail(TOCHA_EARG, 2, "cannot convert %g to a %s element (integer elements come from values in [-2^63, 2^63))",
                    isnan(bad) ? NAN : bad, tocha_dtype_name(dst));
}

static void copy_elements(const tocha_tensor *dst, const tocha_tensor *src) {
  tocha_iter it;
  tocha_tensor shaped = *src; /* iterate src in dst's shape */
  shaped.ndim = dst->ndim;
  if (!tocha_tensor_same_size(dst, src)) {
    /* Same count, other shape: walk src contiguously (callers ensure it is). */
    int64_t stride = 1;
    for (int d = dst->ndim - 1; d >= 0; d--) {
      shaped.size[d] = dst->size[d];
      shaped.stride[d] = stride;
      stride *= dst->size[d];
    }
  }
  tocha_iter_init(&it, 2, (const tocha_tensor *[]){dst, &shaped});
  if (dst->dtype == src->dtype && it.inner_stride[0] == 1 && it.inner_stride[1] == 1) {
    /* same type, contiguous runs (e.g. a bias copied into every row) */
    size_t run = (size_t)it.inner_n * it.elsize[0];
    while (tocha_iter_next(&it)) memcpy(it.ptr[0], it.ptr[1], run);
    return;
  }
#define COPY_FROM(ts, TS) TOCHA_ITER_LOOP2(&it, td, d_, const ts, s_, *d_ = TO_ELEMENT(td, ts, *s_))
#define COPY_TO(td_, TD)                   \
  {                                        \
    typedef td_ td;                        \
    TOCHA_DISPATCH_ALL_INNER(src->dtype, COPY_FROM) \
  }
  TOCHA_DISPATCH_ALL(dst->dtype, COPY_TO)
#undef COPY_TO
#undef COPY_FROM
}

tocha_status tocha_copy(tocha_tensor *dst, const tocha_tensor *src) {
  int64_t n = tocha_tensor_nelement(dst), m = tocha_tensor_nelement(src);
  if (n != m) {
    char a[128], b[128];
    tocha_tensor_shape_string(dst, a, sizeof a);
    tocha_tensor_shape_string(src, b, sizeof b);
    return tocha_fail(TOCHA_ESIZE, 2, "cannot copy %lld elements (size %s) into %lld elements (size %s)",
                      (long long)m, b, (long long)n, a);
  }
  if (n == 0) return TOCHA_OK;
  tocha_status cst = check_convertible(dst->dtype, src);
  if (cst) return cst;
  int shapes_differ = !tocha_tensor_same_size(dst, src);
  if (tocha_same_view(dst, src)) return TOCHA_OK;
  /* dst is written through its own strides, whatever they are. */
  if (tocha_mem_overlap(dst, src) || (shapes_differ && !tocha_tensor_is_contiguous(src))) {
    /* Overlap or reshaping copy: go through a contiguous temporary. */
    tocha_tensor tmp;
    tocha_tensor_init(&tmp, src->dtype);
    tocha_status st = tocha_clone(&tmp, src, src->dtype);
    if (st) return st;
    copy_elements(dst, &tmp);
    tocha_tensor_release(&tmp);
    return TOCHA_OK;
  }
  copy_elements(dst, src);
  return TOCHA_OK;
}

tocha_status tocha_clone(tocha_tensor *out, const tocha_tensor *src, tocha_dtype dtype) {
  tocha_status st = check_convertible(dtype, src);
  if (st) return st;
  tocha_tensor tmp;
  tocha_tensor_init(&tmp, dtype);
  st = tocha_tensor_new(&tmp, dtype, src->ndim, src->size);
  if (st) return st;
  if (tocha_tensor_nelement(src) > 0) copy_elements(&tmp, src);
  tocha_tensor_release(out);
  *out = tmp;
  return TOCHA_OK;
}

tocha_status tocha_contiguous(tocha_tensor *out, const tocha_tensor *src) {
  if (tocha_tensor_is_contiguous(src)) {
    tocha_tensor_set(out, src);
    return TOCHA_OK;
  }
  return tocha_clone(out, src, src->dtype);
}

/* A contiguous float or double tensor (the gradients a training step zeroes,
 * megabytes of them) is filled by plain loops, split over tocha's threads
 * when large; anything else goes through the strided iterator. */
#define FILL_PARALLEL_MIN (1 << 18) /* elements per thread at least */
#define FILL_GRANULE 1024

typedef struct fill_job {
  char *data;
  double value;
  tocha_dtype dtype;
} fill_job;

TOCHA_CLONES static void fill_float(float *p, float v, int64_t n) {
  for (int64_t i = 0; i < n; i++) p[i] = v;
}
TOCHA_CLONES static void fill_double(double *p, double v, int64_t n) {
  for (int64_t i = 0; i < n; i++) p[i] = v;
}
static void fill_range(void *arg, int64_t lo, int64_t hi) {
  const fill_job *j = arg;
  size_t es = tocha_dtype_size(j->dtype);
  char *p = j->data + (size_t)lo * es;
  if (j->value == 0 && !signbit(j->value))
    memset(p, 0, (size_t)(hi - lo) * es); /* +0.0 is all bits zero in both types */
  else if (j->dtype == TOCHA_FLOAT)
    fill_float((float *)p, (float)j->value, hi - lo);
  else
    fill_double((double *)p, j->value, hi - lo);
}

tocha_status tocha_fill(tocha_tensor *t, double value) {
  if (!tocha_fits_int64(value) && tocha_dtype_integer_range(t->dtype, NULL, NULL))
    return tocha_fail(TOCHA_EARG, 2, "cannot fill a %s tensor with %g", tocha_dtype_name(t->dtype), value);
  if ((t->dtype == TOCHA_FLOAT || t->dtype == TOCHA_DOUBLE) && tocha_tensor_is_contiguous(t)) {
    fill_job job = {tocha_tensor_data(t), value, t->dtype};
    tocha_parallel_range(tocha_tensor_nelement(t), FILL_PARALLEL_MIN, FILL_GRANULE, fill_range, &job);
    return TOCHA_OK;
  }
  tocha_iter it;
  tocha_iter_init(&it, 1, (const tocha_tensor *[]){t});
#define FILL(ct, T)                          \
  {                                          \
    const ct v = TO_ELEMENT(ct, double, value); \
    TOCHA_ITER_LOOP1(&it, ct, p, *p = v)     \
  }
  TOCHA_DISPATCH_ALL(t->dtype, FILL)
#undef FILL
  return TOCHA_OK;
}
