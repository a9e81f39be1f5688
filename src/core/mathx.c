/*
 * The rest of Torch7's tensor math: diag, tril, triu, trace, cross, histc,
 * bhistc, renorm, equal, all, any and the bit operations (contract in
 * tocha_tensorlib.h).  Results go through tocha_result (result.h), so a
 * result sharing memory with an input is computed into a temporary.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../tocha.h"
#include "sizes.h"
#include "iter.h"
#include "result.h"

static int is_float(tocha_dtype t) { return t == TOCHA_FLOAT || t == TOCHA_DOUBLE; }

static tocha_status check_type(const tocha_tensor *x, int arg, const char *name) {
  if (x->dtype < 0 || x->dtype >= TOCHA_NTYPES)
    return tocha_fail(TOCHA_ETYPE, arg, "%s: unknown element type %d", name, (int)x->dtype);
  return TOCHA_OK;
}

static tocha_status check_out(const tocha_tensor *out, tocha_dtype want, const char *name) {
  if (out->dtype != want)
    return tocha_fail(TOCHA_ETYPE, 0, "%s: result must be a %s tensor, got %s", name, tocha_dtype_name(want),
                      tocha_dtype_name(out->dtype));
  return TOCHA_OK;
}

static tocha_status begin1(tocha_result *r, tocha_tensor *out, int ndim, const int64_t *size,
                           const tocha_tensor *in) {
  tocha_status st = tocha_result_begin(r, out, ndim, size, 0, (const tocha_tensor *const[]){in}, 1);
  if (st) tocha_result_end(r, st);
  return st;
}

/* Element i (storage offset) of t as a double. */
static double get_at(const tocha_tensor *t, int64_t off) {
  const void *d = t->storage->data;
  switch (t->dtype) {
    case TOCHA_FLOAT: return ((const float *)d)[off];
    case TOCHA_DOUBLE: return ((const double *)d)[off];
    case TOCHA_LONG: return (double)((const int64_t *)d)[off];
    case TOCHA_BYTE: return ((const uint8_t *)d)[off];
    case TOCHA_INT: return ((const int32_t *)d)[off];
    case TOCHA_SHORT: return ((const int16_t *)d)[off];
    case TOCHA_CHAR: return ((const int8_t *)d)[off];
    default: return 0;
  }
}

/* ---- diag, tril, triu, trace ------------------------------------------------------ */

/* The view of diagonal k of a 2-D tensor m (len 0 when past the matrix). */
static void diagonal_view(tocha_tensor *v, const tocha_tensor *m, int64_t k) {
  *v = *m;
  int64_t r = m->size[0], c = m->size[1], len;
  len = k >= 0 ? (c - k < r ? c - k : r) : (r + k < c ? r + k : c);
  v->ndim = 1;
  v->size[0] = len > 0 ? len : 0;
  v->stride[0] = 1;
  if (len <= 0) return; /* no elements: k may lie far past the matrix */
  /* The first element is inside m, so its offset fits; the stride sum fits
   * whenever the diagonal has two elements (both steps stay inside m), and
   * does not matter otherwise (a size-1 stride is never used). */
  v->offset += k >= 0 ? k * m->stride[1] : -k * m->stride[0];
  if (!tocha_add_ok(m->stride[0], m->stride[1], &v->stride[0])) v->stride[0] = 1;
}

tocha_status tocha_diag(tocha_tensor *out, const tocha_tensor *x, int64_t k) {
  tocha_status st = check_type(x, 1, "diag");
  if (!st) st = check_out(out, x->dtype, "diag");
  if (st) return st;
  if (x->ndim != 1 && x->ndim != 2)
    return tocha_fail(TOCHA_EARG, 1, "diag: expected a 1-D or 2-D tensor, got %dD", x->ndim);
  if (k > INT64_MAX / 4 || k < -(INT64_MAX / 4)) return tocha_fail(TOCHA_EARG, 2, "diag: k out of range");
  tocha_result r;
  tocha_tensor v;
  if (x->ndim == 1) {
    int64_t n = x->size[0] + (k < 0 ? -k : k);
    if (n > 0 && n > INT64_MAX / n) return tocha_fail(TOCHA_EOVERFLOW, 2, "diag: a %lld-square matrix is too large",
                                                     (long long)n);
    st = begin1(&r, out, 2, (int64_t[]){n, n}, x);
    if (st) return st;
    st = tocha_fill(r.dst, 0);
    diagonal_view(&v, r.dst, k);
    if (!st) st = tocha_copy(&v, x);
    return tocha_result_end(&r, st);
  }
  diagonal_view(&v, x, k);
  if (v.size[0] == 0) return tocha_tensor_resize(out, 0, NULL);
  st = begin1(&r, out, 1, v.size, x);
  if (st) return st;
  return tocha_result_end(&r, tocha_copy(r.dst, &v));
}

static tocha_status triangle(tocha_tensor *out, const tocha_tensor *x, int64_t k, int upper) {
  const char *name = upper ? "triu" : "tril";
  tocha_status st = check_type(x, 1, name);
  if (!st) st = check_out(out, x->dtype, name);
  if (st) return st;
  if (x->ndim != 2) return tocha_fail(TOCHA_EARG, 1, "%s: expected a 2-D tensor, got %dD", name, x->ndim);
  tocha_result r;
  st = begin1(&r, out, 2, x->size, x);
  if (st) return st;
  st = tocha_copy(r.dst, x);
  if (!st) {
    tocha_tensor *d = r.dst;
    int64_t rows = d->size[0], cols = d->size[1], s0 = d->stride[0], s1 = d->stride[1];
    size_t es = tocha_dtype_size(d->dtype);
    char *base = (char *)tocha_tensor_data(d);
    for (int64_t i = 0; i < rows; i++)
      for (int64_t j = 0; j < cols; j++) {
        int zero = upper ? (j - i < k) : (j - i > k);
        if (zero) memset(base + (i * s0 + j * s1) * (int64_t)es, 0, es);
      }
  }
  return tocha_result_end(&r, st);
}

tocha_status tocha_tril(tocha_tensor *out, const tocha_tensor *x, int64_t k) { return triangle(out, x, k, 0); }
tocha_status tocha_triu(tocha_tensor *out, const tocha_tensor *x, int64_t k) { return triangle(out, x, k, 1); }

tocha_status tocha_trace(tocha_number *result, const tocha_tensor *x) {
  tocha_status st = check_type(x, 1, "trace");
  if (st) return st;
  if (x->ndim != 2) return tocha_fail(TOCHA_EARG, 1, "trace: expected a 2-D tensor, got %dD", x->ndim);
  tocha_tensor v;
  diagonal_view(&v, x, 0);
  result->is_integer = !is_float(x->dtype);
  result->integer = 0;
  result->number = 0;
  for (int64_t i = 0; i < v.size[0]; i++) {
    int64_t off = v.offset + i * v.stride[0];
    if (x->dtype == TOCHA_LONG)
      result->integer = (int64_t)((uint64_t)result->integer + (uint64_t)((const int64_t *)x->storage->data)[off]);
    else if (!is_float(x->dtype)) /* Byte, Int, Short, Char: exact in int64 */
      result->integer += (int64_t)get_at(x, off);
    else
      result->number += get_at(x, off);
  }
  if (result->is_integer) result->number = (double)result->integer;
  return TOCHA_OK;
}

/* ---- cross --------------------------------------------------------------------------- */

tocha_status tocha_cross(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b, int dim) {
  tocha_status st = check_type(a, 1, "cross");
  if (!st) st = check_type(b, 2, "cross");
  if (st) return st;
  if (a->dtype != b->dtype)
    return tocha_fail(TOCHA_ETYPE, 2, "cross: %s given where %s is expected", tocha_dtype_name(b->dtype),
                      tocha_dtype_name(a->dtype));
  if (a->dtype == TOCHA_BYTE) return tocha_fail(TOCHA_ETYPE, 1, "cross: not defined for Byte tensors");
  if ((st = check_out(out, a->dtype, "cross"))) return st;
  if (!tocha_tensor_same_size(a, b)) {
    char sa[64], sb[64];
    tocha_tensor_shape_string(a, sa, sizeof sa);
    tocha_tensor_shape_string(b, sb, sizeof sb);
    return tocha_fail(TOCHA_ESIZE, 2, "cross: sizes %s and %s do not match", sa, sb);
  }
  if (a->ndim == 0) return tocha_fail(TOCHA_EARG, 1, "cross: the tensors are empty");
  if (dim < 0 || dim >= a->ndim)
    return tocha_fail(TOCHA_EARG, 3, "cross: dimension %d out of range 1..%d", dim + 1, a->ndim);
  if (a->size[dim] != 3)
    return tocha_fail(TOCHA_EARG, 3, "cross: dimension %d has size %lld, expected 3", dim + 1, (long long)a->size[dim]);
  tocha_result r;
  st = tocha_result_begin(&r, out, a->ndim, a->size, 0, (const tocha_tensor *const[]){a, b}, 2);
  if (st) return tocha_result_end(&r, st);
  tocha_tensor ls[3] = {*r.dst, *a, *b};
  for (int k = 0; k < 3; k++) ls[k].size[dim] = 1;
  int64_t so = r.dst->stride[dim], sa = a->stride[dim], sb = b->stride[dim];
  tocha_iter it;
  tocha_iter_init(&it, 3, (const tocha_tensor *[]){&ls[0], &ls[1], &ls[2]});
#define CROSS(T, U)                                                                     \
  while (tocha_iter_next(&it)) {                                                        \
    for (int64_t i = 0; i < it.inner_n; i++) {                                          \
      T *o = (T *)it.ptr[0] + i * it.inner_stride[0];                                   \
      const T *x = (const T *)it.ptr[1] + i * it.inner_stride[1];                       \
      const T *y = (const T *)it.ptr[2] + i * it.inner_stride[2];                       \
      U x0 = (U)x[0], x1 = (U)x[sa], x2 = (U)x[2 * sa];                                 \
      U y0 = (U)y[0], y1 = (U)y[sb], y2 = (U)y[2 * sb];                                 \
      o[0] = (T)(x1 * y2 - x2 * y1);                                                    \
      o[so] = (T)(x2 * y0 - x0 * y2);                                                   \
      o[2 * so] = (T)(x0 * y1 - x1 * y0);                                               \
    }                                                                                   \
  }
  switch (a->dtype) {
    case TOCHA_FLOAT: CROSS(float, float) break;
    case TOCHA_DOUBLE: CROSS(double, double) break;
    case TOCHA_LONG: CROSS(int64_t, uint64_t) break; /* wrapping, no signed overflow */
    case TOCHA_INT: CROSS(int32_t, uint64_t) break; /* cut to the type: wraps as C does */
    case TOCHA_SHORT: CROSS(int16_t, uint64_t) break;
    case TOCHA_CHAR: CROSS(int8_t, uint64_t) break;
    default: break;
  }
#undef CROSS
  return tocha_result_end(&r, TOCHA_OK);
}

/* ---- histograms ------------------------------------------------------------------------ */

static tocha_status hist_args(const tocha_tensor *x, const tocha_tensor *out, int64_t nbins, double *min,
                              double *max, const char *name) {
  tocha_status st = check_type(x, 1, name);
  if (!st) st = check_out(out, x->dtype, name);
  if (st) return st;
  if (nbins < 1) return tocha_fail(TOCHA_EARG, 2, "%s: number of bins must be >= 1, got %lld", name, (long long)nbins);
  if (nbins > (INT64_C(1) << 40)) return tocha_fail(TOCHA_EARG, 2, "%s: too many bins (%lld)", name, (long long)nbins);
  if (isnan(*min) || isnan(*max) || isinf(*min) || isinf(*max))
    return tocha_fail(TOCHA_EARG, 3, "%s: min and max must be finite numbers", name);
  if (*min > *max) return tocha_fail(TOCHA_EARG, 3, "%s: min %g is greater than max %g", name, *min, *max);
  if (*min == *max) {
    int any = 0;
    double lo = 0, hi = 0;
    tocha_iter it;
    tocha_iter_init(&it, 1, (const tocha_tensor *[]){x});
#define MINMAX(T, N) TOCHA_ITER_LOOP1(&it, const T, p, {                       \
      double v = (double)*p;                                                   \
      if (v == v) {                                                            \
        if (!any || v < lo) lo = v;                                            \
        if (!any || v > hi) hi = v;                                            \
        any = 1;                                                               \
      }                                                                        \
    })
    TOCHA_DISPATCH_ALL(x->dtype, MINMAX)
#undef MINMAX
    *min = lo;
    *max = hi;
    if (*min == *max) {
      *min -= 1;
      *max += 1;
    }
  }
  return TOCHA_OK;
}

static inline int64_t bin_of(double v, double min, double max, int64_t nbins) {
  if (!(v >= min && v <= max)) return -1;
  int64_t b = (int64_t)((v - min) / (max - min) * (double)nbins);
  return b >= nbins ? nbins - 1 : b;
}

/* Counts the elements of `x` (any shape) into counts[0..nbins). */
static void count_into(int64_t *counts, const tocha_tensor *x, int64_t nbins, double min, double max) {
  if (tocha_tensor_nelement(x) == 0) return;
  tocha_iter it;
  tocha_iter_init(&it, 1, (const tocha_tensor *[]){x});
#define COUNT(T, N) TOCHA_ITER_LOOP1(&it, const T, p, {                        \
    int64_t b = bin_of((double)*p, min, max, nbins);                          \
    if (b >= 0) counts[b]++;                                                  \
  })
  TOCHA_DISPATCH_ALL(x->dtype, COUNT)
#undef COUNT
}

/* Writes counts (n) into the 1-D tensor t (any strides). */
static void store_counts(tocha_tensor *t, const int64_t *counts, int64_t n) {
  for (int64_t i = 0; i < n; i++) tocha_tensor_put(t, &i, (double)(t->dtype == TOCHA_BYTE ? counts[i] % 256 : counts[i]));
}

tocha_status tocha_histc(tocha_tensor *out, const tocha_tensor *x, int64_t nbins, double min, double max) {
  tocha_status st = hist_args(x, out, nbins, &min, &max, "histc");
  if (st) return st;
  int64_t *counts = calloc((size_t)nbins, sizeof *counts);
  if (!counts) return tocha_fail(TOCHA_ENOMEM, 0, "histc: not enough memory for %lld bins", (long long)nbins);
  count_into(counts, x, nbins, min, max);
  tocha_result r;
  st = begin1(&r, out, 1, &nbins, x);
  if (!st) {
    store_counts(r.dst, counts, nbins);
    st = tocha_result_end(&r, TOCHA_OK);
  }
  free(counts);
  return st;
}

tocha_status tocha_bhistc(tocha_tensor *out, const tocha_tensor *x, int64_t nbins, double min, double max) {
  if (x->ndim != 1 && x->ndim != 2)
    return tocha_fail(TOCHA_EARG, 1, "bhistc: expected a 1-D or 2-D tensor, got %dD", x->ndim);
  tocha_status st = hist_args(x, out, nbins, &min, &max, "bhistc");
  if (st) return st;
  int64_t rows = x->ndim == 2 ? x->size[0] : 1;
  int64_t *counts = malloc((size_t)nbins * sizeof *counts);
  if (!counts) return tocha_fail(TOCHA_ENOMEM, 0, "bhistc: not enough memory for %lld bins", (long long)nbins);
  tocha_result r;
  int64_t size[2] = {rows, nbins};
  st = x->ndim == 2 ? begin1(&r, out, 2, size, x) : begin1(&r, out, 1, &nbins, x);
  if (!st) {
    for (int64_t i = 0; i < rows; i++) {
      tocha_tensor row = *x, orow = *r.dst;
      if (x->ndim == 2) {
        row.ndim = orow.ndim = 1;
        row.offset += i * x->stride[0];
        row.size[0] = x->size[1];
        row.stride[0] = x->stride[1];
        orow.offset += i * r.dst->stride[0];
        orow.size[0] = nbins;
        orow.stride[0] = r.dst->stride[1];
      }
      memset(counts, 0, (size_t)nbins * sizeof *counts);
      count_into(counts, &row, nbins, min, max);
      store_counts(&orow, counts, nbins);
    }
    st = tocha_result_end(&r, TOCHA_OK);
  }
  free(counts);
  return st;
}

/* ---- renorm ---------------------------------------------------------------------------- */

tocha_status tocha_renorm(tocha_tensor *out, const tocha_tensor *x, double p, int dim, double maxnorm) {
  tocha_status st = check_type(x, 1, "renorm");
  if (st) return st;
  if (!is_float(x->dtype))
    return tocha_fail(TOCHA_ETYPE, 1, "renorm needs a Float or Double tensor, got %s", tocha_dtype_name(x->dtype));
  if ((st = check_out(out, x->dtype, "renorm"))) return st;
  if (!(p > 0)) return tocha_fail(TOCHA_EARG, 2, "renorm: p must be > 0, got %g", p);
  if (x->ndim == 0) return tocha_fail(TOCHA_EARG, 1, "renorm of an empty tensor");
  if (dim < 0 || dim >= x->ndim)
    return tocha_fail(TOCHA_EARG, 3, "renorm: dimension %d out of range 1..%d", dim + 1, x->ndim);
  if (!(maxnorm >= 0)) return tocha_fail(TOCHA_EARG, 4, "renorm: maxnorm must be >= 0, got %g", maxnorm);
  tocha_result r;
  st = begin1(&r, out, x->ndim, x->size, x);
  if (st) return st;
  st = tocha_copy(r.dst, x);
  for (int64_t i = 0; !st && i < x->size[dim]; i++) {
    tocha_tensor slice;
    tocha_tensor_init(&slice, x->dtype);
    st = tocha_select(&slice, r.dst, dim, i);
    double norm = 0;
    if (!st && tocha_tensor_nelement(&slice) > 0) st = tocha_normall(&norm, &slice, p);
    if (!st && norm > maxnorm) st = tocha_binary_scalar(&slice, &slice, maxnorm / (norm + 1e-7), TOCHA_BINARY_MUL);
    tocha_tensor_release(&slice);
  }
  return tocha_result_end(&r, st);
}

/* ---- equal, all, any ------------------------------------------------------------------- */

tocha_status tocha_equal(int *result, const tocha_tensor *a, const tocha_tensor *b) {
  tocha_status st = check_type(a, 1, "equal");
  if (!st) st = check_type(b, 2, "equal");
  if (st) return st;
  if (a->dtype != b->dtype)
    return tocha_fail(TOCHA_ETYPE, 2, "equal: %s given where %s is expected (convert it with :type())",
                      tocha_dtype_name(b->dtype), tocha_dtype_name(a->dtype));
  *result = 0;
  if (!tocha_tensor_same_size(a, b)) return TOCHA_OK;
  *result = 1;
  if (tocha_tensor_nelement(a) == 0) return TOCHA_OK;
  int same = 1;
  tocha_iter it;
  tocha_iter_init(&it, 2, (const tocha_tensor *[]){a, b});
#define EQUAL(T, N) TOCHA_ITER_LOOP2(&it, const T, x, const T, y, same &= (*x == *y);)
  TOCHA_DISPATCH_ALL(a->dtype, EQUAL)
#undef EQUAL
  *result = same;
  return TOCHA_OK;
}

static tocha_status all_any(int *result, const tocha_tensor *x, int want_all) {
  tocha_status st = check_type(x, 1, want_all ? "all" : "any");
  if (st) return st;
  int64_t zeros = 0, total = tocha_tensor_nelement(x);
  if (total > 0) {
    tocha_iter it;
    tocha_iter_init(&it, 1, (const tocha_tensor *[]){x});
#define ZEROS(T, N) TOCHA_ITER_LOOP1(&it, const T, p, zeros += (*p == 0);)
    TOCHA_DISPATCH_ALL(x->dtype, ZEROS)
#undef ZEROS
  }
  *result = want_all ? zeros == 0 : zeros < total;
  return TOCHA_OK;
}

tocha_status tocha_all(int *result, const tocha_tensor *x) { return all_any(result, x, 1); }
tocha_status tocha_any(int *result, const tocha_tensor *x) { return all_any(result, x, 0); }

/* ---- bit operations ---------------------------------------------------------------------- */

static const char *const bit_names[] = {"bitand", "bitor", "bitxor", "lshift", "rshift"};

const char *tocha_bit_name(tocha_bit_op op) {
  return op >= 0 && op < TOCHA_BIT_COUNT ? bit_names[op] : "?";
}

static int is_shift(tocha_bit_op op) { return op == TOCHA_BIT_LSHIFT || op == TOCHA_BIT_RSHIFT; }

static tocha_status bit_check(const tocha_tensor *a, tocha_bit_op op) {
  if (op < 0 || op >= TOCHA_BIT_COUNT) return tocha_fail(TOCHA_EARG, 3, "unknown bit operation %d", (int)op);
  tocha_status st = check_type(a, 1, bit_names[op]);
  if (st) return st;
  if (is_float(a->dtype) && !is_shift(op))
    return tocha_fail(TOCHA_ETYPE, 1, "%s is only defined for integer tensors (Long, Byte, Int, Short, Char), got %s", bit_names[op],
                      tocha_dtype_name(a->dtype));
  return TOCHA_OK;
}

static int shift_limit(tocha_dtype t) {
  return t == TOCHA_BYTE || t == TOCHA_CHAR ? 7 : t == TOCHA_SHORT ? 15 : t == TOCHA_INT ? 31 : 63;
}

static inline int64_t rshift_long(int64_t v, int s) { return v < 0 ? ~(int64_t)(~(uint64_t)v >> s) : (int64_t)((uint64_t)v >> s); }

#define BIT_LONG(op, x, s)                                                           \
  ((op) == TOCHA_BIT_AND ? ((x) & (s)) : (op) == TOCHA_BIT_OR ? ((x) | (s))          \
   : (op) == TOCHA_BIT_XOR ? ((x) ^ (s))                                             \
   : (op) == TOCHA_BIT_LSHIFT ? (int64_t)((uint64_t)(x) << (s)) : rshift_long((x), (int)(s)))
#define BIT_BYTE(op, x, s)                                                           \
  (uint8_t)((op) == TOCHA_BIT_AND ? ((x) & (s)) : (op) == TOCHA_BIT_OR ? ((x) | (s)) \
   : (op) == TOCHA_BIT_XOR ? ((x) ^ (s))                                             \
   : (op) == TOCHA_BIT_LSHIFT ? ((unsigned)(x) << (s)) : ((unsigned)(x) >> (s)))
/* Int, Short, Char: on the int64 value, cut back to the type (two's complement) */
#define BIT_SINT(ct, uct, op, x, s) ((ct)(uct)(uint64_t)BIT_LONG(op, (int64_t)(x), (s)))
#define BIT_FLOAT(T, op, x, s) ((op) == TOCHA_BIT_LSHIFT ? (T)((x) * ldexp(1.0, (int)(s))) : (T)((x) / ldexp(1.0, (int)(s))))

tocha_status tocha_bit_scalar(tocha_tensor *out, const tocha_tensor *a, int64_t value, tocha_bit_op op) {
  tocha_status st = bit_check(a, op);
  if (!st) st = check_out(out, a->dtype, bit_names[op]);
  if (st) return st;
  if (is_shift(op) && (value < 0 || value > shift_limit(a->dtype)))
    return tocha_fail(TOCHA_EARG, 2, "%s: shift count must be 0..%d for a %s tensor, got %lld", bit_names[op],
                      shift_limit(a->dtype), tocha_dtype_name(a->dtype), (long long)value);
  double lo, hi;
  if (!is_shift(op) && a->dtype != TOCHA_LONG && tocha_dtype_integer_range(a->dtype, &lo, &hi) &&
      ((double)value < lo || (double)value > hi))
    return tocha_fail(TOCHA_EARG, 2, "%s: value must be %.0f..%.0f for a %s tensor, got %lld", bit_names[op], lo, hi,
                      tocha_dtype_name(a->dtype), (long long)value);
  if (a->ndim == 0) return tocha_tensor_resize(out, 0, NULL);
  tocha_result r;
  st = begin1(&r, out, a->ndim, a->size, a);
  if (st) return st;
  tocha_iter it;
  tocha_iter_init(&it, 2, (const tocha_tensor *[]){r.dst, a});
  switch (a->dtype) {
    case TOCHA_LONG: TOCHA_ITER_LOOP2(&it, int64_t, o, const int64_t, x, *o = BIT_LONG(op, *x, value);) break;
    case TOCHA_BYTE: TOCHA_ITER_LOOP2(&it, uint8_t, o, const uint8_t, x, *o = BIT_BYTE(op, *x, (unsigned)value);) break;
    case TOCHA_INT: TOCHA_ITER_LOOP2(&it, int32_t, o, const int32_t, x, *o = BIT_SINT(int32_t, uint32_t, op, *x, value);) break;
    case TOCHA_SHORT: TOCHA_ITER_LOOP2(&it, int16_t, o, const int16_t, x, *o = BIT_SINT(int16_t, uint16_t, op, *x, value);) break;
    case TOCHA_CHAR: TOCHA_ITER_LOOP2(&it, int8_t, o, const int8_t, x, *o = BIT_SINT(int8_t, uint8_t, op, *x, value);) break;
    case TOCHA_FLOAT: TOCHA_ITER_LOOP2(&it, float, o, const float, x, *o = BIT_FLOAT(float, op, *x, value);) break;
    case TOCHA_DOUBLE: TOCHA_ITER_LOOP2(&it, double, o, const double, x, *o = BIT_FLOAT(double, op, *x, value);) break;
    default: break;
  }
  return tocha_result_end(&r, TOCHA_OK);
}

tocha_status tocha_bit(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b, tocha_bit_op op) {
  tocha_status st = bit_check(a, op);
  if (!st) st = check_type(b, 2, bit_names[op]);
  if (st) return st;
  if (a->dtype != b->dtype)
    return tocha_fail(TOCHA_ETYPE, 2, "c%s: %s given where %s is expected", bit_names[op], tocha_dtype_name(b->dtype),
                      tocha_dtype_name(a->dtype));
  if ((st = check_out(out, a->dtype, bit_names[op]))) return st;
  int64_t n = tocha_tensor_nelement(a);
  if (n != tocha_tensor_nelement(b))
    return tocha_fail(TOCHA_ESIZE, 2, "c%s: %lld and %lld elements do not match", bit_names[op], (long long)n,
                      (long long)tocha_tensor_nelement(b));
  if (n == 0) return tocha_tensor_resize(out, 0, NULL);
  /* b in a's shape: itself, or a contiguous copy viewed so */
  tocha_tensor bc, bv;
  tocha_tensor_init(&bc, b->dtype);
  tocha_tensor_init(&bv, b->dtype);
  const tocha_tensor *bb = b;
  if (!tocha_tensor_same_size(a, b)) {
    st = tocha_contiguous(&bc, b);
    if (!st) st = tocha_view(&bv, &bc, a->ndim, a->size);
    bb = &bv;
  }
  if (!st && is_shift(op)) { /* every count in range before writing */
    int lim = shift_limit(a->dtype);
    double bad = 0;
    int found = 0;
    tocha_iter it;
    tocha_iter_init(&it, 1, (const tocha_tensor *[]){bb});
#define SHIFTS(T, N) TOCHA_ITER_LOOP1(&it, const T, s, if (!found && !(*s >= 0 && *s <= lim)) { found = 1; bad = (double)*s; })
    TOCHA_DISPATCH_ALL(bb->dtype, SHIFTS)
#undef SHIFTS
    if (found)
      st = tocha_fail(TOCHA_EARG, 2, "c%s: shift counts must be 0..%d for a %s tensor, got %g", bit_names[op], lim,
                      tocha_dtype_name(a->dtype), bad);
  }
  tocha_result r;
  tocha_result_init(&r, out);
  if (!st) st = tocha_result_begin(&r, out, a->ndim, a->size, 0, (const tocha_tensor *const[]){a, b}, 2);
  if (!st) {
    tocha_iter it;
    tocha_iter_init(&it, 3, (const tocha_tensor *[]){r.dst, a, bb});
    switch (a->dtype) {
      case TOCHA_LONG:
        TOCHA_ITER_LOOP3(&it, int64_t, o, const int64_t, x, const int64_t, y, *o = BIT_LONG(op, *x, *y);)
        break;
      case TOCHA_BYTE:
        TOCHA_ITER_LOOP3(&it, uint8_t, o, const uint8_t, x, const uint8_t, y, *o = BIT_BYTE(op, *x, (unsigned)*y);)
        break;
      case TOCHA_INT:
        TOCHA_ITER_LOOP3(&it, int32_t, o, const int32_t, x, const int32_t, y,
                         *o = BIT_SINT(int32_t, uint32_t, op, *x, *y);)
        break;
      case TOCHA_SHORT:
        TOCHA_ITER_LOOP3(&it, int16_t, o, const int16_t, x, const int16_t, y,
                         *o = BIT_SINT(int16_t, uint16_t, op, *x, *y);)
        break;
      case TOCHA_CHAR:
        TOCHA_ITER_LOOP3(&it, int8_t, o, const int8_t, x, const int8_t, y, *o = BIT_SINT(int8_t, uint8_t, op, *x, *y);)
        break;
      case TOCHA_FLOAT:
        TOCHA_ITER_LOOP3(&it, float, o, const float, x, const float, y, *o = BIT_FLOAT(float, op, *x, *y);)
        break;
      case TOCHA_DOUBLE:
        TOCHA_ITER_LOOP3(&it, double, o, const double, x, const double, y, *o = BIT_FLOAT(double, op, *x, *y);)
        break;
      default: break;
    }
  }
  st = tocha_result_end(&r, st);
  tocha_tensor_release(&bv);
  tocha_tensor_release(&bc);
  return st;
}

/* ---- dist --------------------------------------------------------------------------------- */

tocha_status tocha_dist(double *result, const tocha_tensor *a, const tocha_tensor *b, double p) {
  tocha_status st = check_type(a, 1, "dist");
  if (!st) st = check_type(b, 2, "dist");
  if (st) return st;
  if (a->dtype != b->dtype)
    return tocha_fail(TOCHA_ETYPE, 2, "dist: %s given where %s is expected", tocha_dtype_name(b->dtype),
                      tocha_dtype_name(a->dtype));
  if (!(p >= 0)) return tocha_fail(TOCHA_EARG, 3, "dist: p must be >= 0, got %g", p);
  int64_t n = tocha_tensor_nelement(a);
  if (n != tocha_tensor_nelement(b))
    return tocha_fail(TOCHA_ESIZE, 2, "dist: %lld and %lld elements do not match", (long long)n,
                      (long long)tocha_tensor_nelement(b));
  *result = 0;
  if (n == 0) return TOCHA_OK;
  tocha_tensor bc, bv;
  tocha_tensor_init(&bc, b->dtype);
  tocha_tensor_init(&bv, b->dtype);
  const tocha_tensor *bb = b;
  if (!tocha_tensor_same_size(a, b)) {
    st = tocha_contiguous(&bc, b);
    if (!st) st = tocha_view(&bv, &bc, a->ndim, a->size);
    bb = &bv;
  }
  if (!st) {
    double acc = 0;
    int inf = isinf(p);
    tocha_iter it;
    tocha_iter_init(&it, 2, (const tocha_tensor *[]){a, bb});
#define DIST(T, N) TOCHA_ITER_LOOP2(&it, const T, x, const T, y, {                        \
      double d = fabs((double)*x - (double)*y);                                          \
      if (inf) acc = (d > acc || d != d) ? d : acc;                                      \
      else if (p == 0) acc += d != 0;                                                    \
      else if (p == 1) acc += d;                                                         \
      else if (p == 2) acc += d * d;                                                     \
      else acc += pow(d, p);                                                             \
    })
    TOCHA_DISPATCH_ALL(a->dtype, DIST)
#undef DIST
    *result = inf || p == 0 || p == 1 ? acc : p == 2 ? sqrt(acc) : pow(acc, 1 / p);
  }
  tocha_tensor_release(&bv);
  tocha_tensor_release(&bc);
  return st;
}
