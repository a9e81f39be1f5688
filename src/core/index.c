/* Masks, index tensors, gather/scatter, nonzero and cat (see tocha_index.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../tocha.h"
#include "iter.h"
#include "result.h"
#include "sizes.h"

/* ---- shared checks ----------------------------------------------------------- */

static tocha_status check_dim(const tocha_tensor *t, int dim, int64_t base, int arg) {
  if (t->ndim == 0)
    return tocha_fail(TOCHA_EARG, arg, "dimension %lld out of range (tensor is empty)", (long long)(dim + base));
  if (dim < 0 || dim >= t->ndim)
    return tocha_fail(TOCHA_EARG, arg, "dimension %lld out of range for a %dD tensor", (long long)(dim + base),
                      t->ndim);
  return TOCHA_OK;
}

static tocha_status check_long(const tocha_tensor *index, int arg) {
  if (index->dtype != TOCHA_LONG)
    return tocha_fail(TOCHA_ETYPE, arg, "index must be a Long tensor, got a %s tensor",
                      tocha_dtype_name(index->dtype));
  return TOCHA_OK;
}

static tocha_status check_same_type(const tocha_tensor *t, const tocha_tensor *src, int arg) {
  if (src->dtype != t->dtype)
    return tocha_fail(TOCHA_ETYPE, arg, "source is a %s tensor, expected %s (the type of the tensor written)",
                      tocha_dtype_name(src->dtype), tocha_dtype_name(t->dtype));
  return TOCHA_OK;
}

static tocha_status check_out_type(const tocha_tensor *out, tocha_dtype dtype) {
  if (out->dtype != dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "result tensor is %s, expected %s", tocha_dtype_name(out->dtype),
                      tocha_dtype_name(dtype));
  return TOCHA_OK;
}

/* Integer tensors hold only integers of their range. */
static tocha_status check_value(tocha_dtype dtype, double value, int arg) {
  double lo, hi;
  if (dtype == TOCHA_LONG) {
    if (!(value == floor(value) && value >= -9223372036854775808.0 && value < 9223372036854775808.0))
      return tocha_fail(TOCHA_EARG, arg, "value %g cannot be stored in a Long tensor", value);
  } else if (tocha_dtype_integer_range(dtype, &lo, &hi)) {
    if (!(value == floor(value) && value >= lo && value <= hi))
      return tocha_fail(TOCHA_EARG, arg, "value %g cannot be stored in a %s tensor (%.0f..%.0f)", value,
                        tocha_dtype_name(dtype), lo, hi);
  }
  return TOCHA_OK;
}

/* Subscripts of the element at logical position k of t, counted from base:
 * "3" for a 1D tensor, "(2, 1)" otherwise. */
static void position_string(const tocha_tensor *t, int64_t k, int64_t base, char *buf, size_t len) {
  int64_t sub[TOCHA_MAX_DIMS];
  for (int d = t->ndim - 1; d >= 0; d--) {
    sub[d] = t->size[d] ? k % t->size[d] : 0;
    k = t->size[d] ? k / t->size[d] : 0;
  }
  if (t->ndim == 1) {
    snprintf(buf, len, "%lld", (long long)(sub[0] + base));
    return;
  }
  size_t used = 0;
  for (int d = 0; d < t->ndim && used < len; d++) {
    int n = snprintf(buf + used, len - used, "%s%lld%s", d ? ", " : "(", (long long)(sub[d] + base),
                     d == t->ndim - 1 ? ")" : "");
    if (n < 0) break;
    used += (size_t)n;
  }
}

/* Every entry of index (a Long tensor) must lie in base .. base+limit-1. */
static tocha_status check_indices(const tocha_tensor *index, int64_t limit, int dim, int64_t base, int arg) {
  if (tocha_tensor_nelement(index) == 0) return TOCHA_OK;
  tocha_iter it;
  tocha_iter_init(&it, 1, (const tocha_tensor *[]){index});
  int64_t k = 0, bad = -1, value = 0;
  TOCHA_ITER_LOOP1(&it, const int64_t, p, {
    if (bad < 0 && (*p < base || *p - base >= limit)) {
      bad = k;
      value = *p;
    }
    k++;
  })
  if (bad < 0) return TOCHA_OK;
  char pos[160];
  position_string(index, bad, base, pos, sizeof pos);
  return tocha_fail(TOCHA_EARG, arg, "index %lld out of range for dimension %lld of size %lld (at position %s of the index tensor)",
                    (long long)value, (long long)(dim + base), (long long)limit, pos);
}

/* ---- results ------------------------------------------------------------------ */

/* Results go through tocha_result (result.h): out itself (resized; a
 * right-sized view is written through its strides) unless it overlaps an
 * input, or the kernel writes a contiguous array and out is not one; then a
 * temporary copied into out at the end. */
static tocha_status result_begin(tocha_result *r, tocha_tensor *out, int ndim, const int64_t *size, int flags,
                                 const tocha_tensor *const *inputs, int ninputs) {
  tocha_status st = tocha_result_begin(r, out, ndim, size, flags, inputs, ninputs);
  if (st) tocha_result_end(r, st);
  return st;
}

/* A private copy of `src` when it shares storage with `t` (so that writing t
 * cannot change what is read), else a plain reference.  Release with
 * tocha_tensor_release. */
static tocha_status unalias(tocha_tensor *copy, const tocha_tensor *src, const tocha_tensor *t, int need_contiguous) {
  tocha_tensor_init(copy, src->dtype);
  if ((src->storage && src->storage == t->storage) || (need_contiguous && !tocha_tensor_is_contiguous(src)))
    return tocha_clone(copy, src, src->dtype);
  tocha_tensor_set(copy, src);
  return TOCHA_OK;
}

/* ---- masks ---------------------------------------------------------------------- */

/* Torch7's element-count rule: the mask needs t's number of elements, and
 * element i of the mask (its logical order) goes with element i of t. */
static tocha_status check_mask(const tocha_tensor *t, const tocha_tensor *mask, int arg, int64_t *count) {
  if (mask->dtype != TOCHA_BYTE)
    return tocha_fail(TOCHA_ETYPE, arg, "mask must be a Byte tensor, got a %s tensor", tocha_dtype_name(mask->dtype));
  if (tocha_tensor_nelement(t) != tocha_tensor_nelement(mask)) {
    char a[128], b[128];
    tocha_tensor_shape_string(mask, a, sizeof a);
    tocha_tensor_shape_string(t, b, sizeof b);
    return tocha_fail(TOCHA_ESIZE, arg, "mask size %s does not match tensor size %s", a, b);
  }
  int64_t n = 0;
  unsigned bad = 0;
  if (tocha_tensor_nelement(mask) > 0) {
    tocha_iter it;
    tocha_iter_init(&it, 1, (const tocha_tensor *[]){mask});
    TOCHA_ITER_LOOP1(&it, const uint8_t, m, {
      n += *m;
      bad |= *m > 1;
    })
  }
  if (bad) return tocha_fail(TOCHA_EARG, arg, "mask must contain only 0 and 1");
  *count = n;
  return TOCHA_OK;
}

/* The mask as *m, in t's shape: unaliased from t (unalias), and when its
 * shape differs, contiguous and seen through a header with t's sizes.
 * Release *m with tocha_tensor_release. */
static tocha_status mask_like(tocha_tensor *m, const tocha_tensor *mask, const tocha_tensor *t) {
  int reshape = !tocha_tensor_same_size(t, mask);
  tocha_status st = unalias(m, mask, t, reshape);
  if (st || !reshape) return st;
  m->ndim = t->ndim;
  int64_t stride = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    m->size[d] = t->size[d];
    m->stride[d] = stride;
    stride *= t->size[d];
  }
  return TOCHA_OK;
}

tocha_status tocha_masked_select(tocha_tensor *out, const tocha_tensor *src, const tocha_tensor *mask) {
  int64_t count;
  tocha_status st = check_mask(src, mask, 2, &count);
  if (!st) st = check_out_type(out, src->dtype);
  if (st) return st;
  if (count == 0) {
    tocha_tensor_release(out);
    return TOCHA_OK;
  }
  tocha_result r;
  tocha_tensor m;
  st = mask_like(&m, mask, src);
  if (st) return st;
  st = result_begin(&r, out, 1, &count, TOCHA_RESULT_CONTIGUOUS, (const tocha_tensor *[]){src, mask}, 2);
  if (st) {
    tocha_tensor_release(&m);
    return st;
  }
  tocha_iter it;
  tocha_iter_init(&it, 2, (const tocha_tensor *[]){src, &m});
#define SELECT(ct, T)                                                       \
  {                                                                         \
    ct *o = tocha_tensor_data(r.dst);                                       \
    TOCHA_ITER_LOOP2(&it, const ct, s, const uint8_t, mk, {                 \
      if (*mk) *o++ = *s;                                                   \
    })                                                                      \
  }
  TOCHA_DISPATCH_ALL(src->dtype, SELECT)
#undef SELECT
  tocha_tensor_release(&m);
  return tocha_result_end(&r, TOCHA_OK);
}

tocha_status tocha_masked_fill(tocha_tensor *t, const tocha_tensor *mask, double value) {
  int64_t count;
  tocha_status st = check_mask(t, mask, 2, &count);
  if (!st) st = check_value(t->dtype, value, 3);
  if (st) return st;
  if (count == 0) return TOCHA_OK;
  tocha_tensor m;
  st = mask_like(&m, mask, t);
  if (st) return st;
  tocha_iter it;
  tocha_iter_init(&it, 2, (const tocha_tensor *[]){t, &m});
#define FILL(ct, T)                                                         \
  {                                                                         \
    const ct v = (ct)value;                                                 \
    TOCHA_ITER_LOOP2(&it, ct, p, const uint8_t, mk, {                       \
      if (*mk) *p = v;                                                      \
    })                                                                      \
  }
  TOCHA_DISPATCH_ALL(t->dtype, FILL)
#undef FILL
  tocha_tensor_release(&m);
  return TOCHA_OK;
}

tocha_status tocha_masked_copy(tocha_tensor *t, const tocha_tensor *mask, const tocha_tensor *src) {
  int64_t count;
  tocha_status st = check_mask(t, mask, 2, &count);
  if (!st) st = check_same_type(t, src, 3);
  if (st) return st;
  if (tocha_tensor_nelement(src) < count)
    return tocha_fail(TOCHA_ESIZE, 3, "source has %lld elements but the mask selects %lld",
                      (long long)tocha_tensor_nelement(src), (long long)count);
  if (count == 0) return TOCHA_OK;
  tocha_tensor m, s;
  st = mask_like(&m, mask, t);
  if (st) return st;
  st = unalias(&s, src, t, 1);
  if (st) {
    tocha_tensor_release(&m);
    return st;
  }
  tocha_iter it;
  tocha_iter_init(&it, 2, (const tocha_tensor *[]){t, &m});
#define COPY(ct, T)                                                         \
  {                                                                         \
    const ct *in = tocha_tensor_data(&s);                                   \
    TOCHA_ITER_LOOP2(&it, ct, p, const uint8_t, mk, {                       \
      if (*mk) *p = *in++;                                                  \
    })                                                                      \
  }
  TOCHA_DISPATCH_ALL(t->dtype, COPY)
#undef COPY
  tocha_tensor_release(&m);
  tocha_tensor_release(&s);
  return TOCHA_OK;
}

/* ---- indexed walks ----------------------------------------------------------------
 *
 * All index operations walk one shape with three operands: a tensor d read or
 * written directly, the index x, and the indexed tensor s whose stride along
 * `dim` is zero during the walk and applied per element as (*x - base) * sd.
 * The headers below are local copies (no reference taken) describing these
 * walks; only their storage, offset, sizes and strides matter. */

/* t's elements laid out over `size`, with the stride along zero_dim (if >= 0) zeroed. */
static tocha_tensor walk_view(const tocha_tensor *t, int ndim, const int64_t *size, int zero_dim) {
  tocha_tensor v = *t;
  v.ndim = ndim;
  for (int d = 0; d < ndim; d++) v.size[d] = size[d];
  if (zero_dim >= 0) v.stride[zero_dim] = 0;
  return v;
}

/* A 1D index seen over `size`: it moves along dim only. */
static tocha_tensor index_along(const tocha_tensor *index, int ndim, const int64_t *size, int dim) {
  tocha_tensor v = *index;
  v.ndim = ndim;
  for (int d = 0; d < ndim; d++) {
    v.size[d] = size[d];
    v.stride[d] = 0;
  }
  v.stride[dim] = index->ndim ? index->stride[0] : 0;
  return v;
}

typedef enum walk_mode { WALK_GATHER, WALK_SCATTER, WALK_ADD } walk_mode;

/* d is the shape operand. */
static void walk(walk_mode mode, const tocha_tensor *d, const tocha_tensor *x, const tocha_tensor *s, int64_t sd,
                 int64_t base) {
  if (tocha_tensor_nelement(d) == 0) return;
  tocha_iter it;
  tocha_iter_init(&it, 3, (const tocha_tensor *[]){d, x, s});
#define WALK(ct, T)                                                                              \
  switch (mode) {                                                                                \
    case WALK_GATHER:                                                                            \
      TOCHA_ITER_LOOP3(&it, ct, dp, const int64_t, xp, const ct, sp, *dp = sp[(*xp - base) * sd]) \
      break;                                                                                     \
    case WALK_SCATTER:                                                                           \
      TOCHA_ITER_LOOP3(&it, const ct, dp, const int64_t, xp, ct, sp, sp[(*xp - base) * sd] = *dp) \
      break;                                                                                     \
    case WALK_ADD:                                                                               \
      TOCHA_ITER_LOOP3(&it, const ct, dp, const int64_t, xp, ct, sp,                             \
                       sp[(*xp - base) * sd] = (ct)(sp[(*xp - base) * sd] + *dp))                \
      break;                                                                                     \
  }
  TOCHA_DISPATCH_ALL(s->dtype, WALK)
#undef WALK
}

/* x is the shape operand. */
static void walk_fill(const tocha_tensor *x, const tocha_tensor *s, int64_t sd, int64_t base, double value) {
  if (tocha_tensor_nelement(x) == 0) return;
  tocha_iter it;
  tocha_iter_init(&it, 2, (const tocha_tensor *[]){x, s});
#define WALK_FILL(ct, T)                                                                     \
  {                                                                                          \
    const ct v = (ct)value;                                                                  \
    TOCHA_ITER_LOOP2(&it, const int64_t, xp, ct, sp, sp[(*xp - base) * sd] = v)             \
  }
  TOCHA_DISPATCH_ALL(s->dtype, WALK_FILL)
#undef WALK_FILL
}

/* ---- index along one dimension -------------------------------------------------------- */

static tocha_status check_index_vector(const tocha_tensor *index, int arg) {
  tocha_status st = check_long(index, arg);
  if (st) return st;
  if (index->ndim > 1)
    return tocha_fail(TOCHA_EARG, arg, "index must be a 1D tensor, got a %dD tensor", index->ndim);
  return TOCHA_OK;
}

tocha_status tocha_index_select(tocha_tensor *out, const tocha_tensor *src, int dim, const tocha_tensor *index,
                                int64_t base) {
  tocha_status st = check_dim(src, dim, base, 2);
  if (!st) st = check_index_vector(index, 3);
  if (!st) st = check_indices(index, src->size[dim], dim, base, 3);
  if (!st) st = check_out_type(out, src->dtype);
  if (st) return st;
  int64_t n = tocha_tensor_nelement(index);
  if (n == 0) {
    tocha_tensor_release(out);
    return TOCHA_OK;
  }
  int64_t size[TOCHA_MAX_DIMS];
  memcpy(size, src->size, sizeof size);
  size[dim] = n;
  tocha_result r;
  st = result_begin(&r, out, src->ndim, size, 0, (const tocha_tensor *[]){src, index}, 2);
  if (st) return st;
  tocha_tensor x = index_along(index, src->ndim, size, dim);
  tocha_tensor s = walk_view(src, src->ndim, size, dim);
  walk(WALK_GATHER, r.dst, &x, &s, src->stride[dim], base);
  return tocha_result_end(&r, TOCHA_OK);
}

/* Checks shared by index_copy and index_add. */
static tocha_status check_index_source(const tocha_tensor *t, int dim, const tocha_tensor *index,
                                       const tocha_tensor *src, int64_t base) {
  tocha_status st = check_dim(t, dim, base, 2);
  if (!st) st = check_index_vector(index, 3);
  if (!st) st = check_same_type(t, src, 4);
  if (st) return st;
  int64_t n = tocha_tensor_nelement(index);
  int ok = n == 0 ? tocha_tensor_nelement(src) == 0 : src->ndim == t->ndim;
  for (int d = 0; ok && n > 0 && d < t->ndim; d++)
    if (src->size[d] != (d == dim ? n : t->size[d])) ok = 0;
  if (!ok) {
    char a[128], b[128];
    tocha_tensor_shape_string(src, a, sizeof a);
    if (n == 0) {
      snprintf(b, sizeof b, "empty");
    } else {
      tocha_tensor expected = *t;
      expected.size[dim] = n;
      tocha_tensor_shape_string(&expected, b, sizeof b);
    }
    return tocha_fail(TOCHA_ESIZE, 4,
                      "source size %s does not match %s (the tensor's size with dimension %lld set to the "
                      "%lld indices)",
                      a, b, (long long)(dim + base), (long long)n);
  }
  return check_indices(index, t->size[dim], dim, base, 3);
}

static tocha_status index_scatter(walk_mode mode, tocha_tensor *t, int dim, const tocha_tensor *index,
                                  const tocha_tensor *src, int64_t base) {
  tocha_status st = check_index_source(t, dim, index, src, base);
  if (st) return st;
  if (tocha_tensor_nelement(index) == 0) return TOCHA_OK;
  tocha_tensor s, i;
  st = unalias(&s, src, t, 0);
  if (st) return st;
  st = unalias(&i, index, t, 0);
  if (st) {
    tocha_tensor_release(&s);
    return st;
  }
  tocha_tensor x = index_along(&i, s.ndim, s.size, dim);
  tocha_tensor w = walk_view(t, s.ndim, s.size, dim);
  walk(mode, &s, &x, &w, t->stride[dim], base);
  tocha_tensor_release(&s);
  tocha_tensor_release(&i);
  return TOCHA_OK;
}

tocha_status tocha_index_copy(tocha_tensor *t, int dim, const tocha_tensor *index, const tocha_tensor *src,
                              int64_t base) {
  return index_scatter(WALK_SCATTER, t, dim, index, src, base);
}

tocha_status tocha_index_add(tocha_tensor *t, int dim, const tocha_tensor *index, const tocha_tensor *src,
                             int64_t base) {
  return index_scatter(WALK_ADD, t, dim, index, src, base);
}

tocha_status tocha_index_fill(tocha_tensor *t, int dim, const tocha_tensor *index, double value, int64_t base) {
  tocha_status st = check_dim(t, dim, base, 2);
  if (!st) st = check_index_vector(index, 3);
  if (!st) st = check_value(t->dtype, value, 4);
  if (!st) st = check_indices(index, t->size[dim], dim, base, 3);
  if (st) return st;
  int64_t n = tocha_tensor_nelement(index);
  if (n == 0) return TOCHA_OK;
  tocha_tensor i;
  st = unalias(&i, index, t, 0);
  if (st) return st;
  int64_t size[TOCHA_MAX_DIMS];
  memcpy(size, t->size, sizeof size);
  size[dim] = n;
  tocha_tensor x = index_along(&i, t->ndim, size, dim);
  tocha_tensor w = walk_view(t, t->ndim, size, dim);
  walk_fill(&x, &w, t->stride[dim], base, value);
  tocha_tensor_release(&i);
  return TOCHA_OK;
}

/* ---- gather / scatter ------------------------------------------------------------------ */

/* index has t's number of dimensions and its sizes except along dim. */
static tocha_status check_gather_index(const tocha_tensor *t, int dim, const tocha_tensor *index, int64_t base,
                                       int arg) {
  tocha_status st = check_long(index, arg);
  if (st) return st;
  if (index->ndim != t->ndim)
    return tocha_fail(TOCHA_ESIZE, arg, "index has %d dimensions, expected %d (as the tensor)", index->ndim,
                      t->ndim);
  for (int d = 0; d < t->ndim; d++) {
    if (d != dim && index->size[d] != t->size[d]) {
      char a[128], b[128];
      tocha_tensor_shape_string(index, a, sizeof a);
      tocha_tensor_shape_string(t, b, sizeof b);
      return tocha_fail(TOCHA_ESIZE, arg,
                        "index size %s does not match tensor size %s in dimension %lld (only dimension %lld may "
                        "differ)",
                        a, b, (long long)(d + base), (long long)(dim + base));
    }
  }
  return TOCHA_OK;
}

tocha_status tocha_gather(tocha_tensor *out, const tocha_tensor *src, int dim, const tocha_tensor *index,
                          int64_t base) {
  tocha_status st = check_dim(src, dim, base, 2);
  if (!st) st = check_long(index, 3);
  if (!st) st = check_out_type(out, src->dtype);
  if (st) return st;
  if (tocha_tensor_nelement(index) == 0) {
    tocha_tensor_release(out);
    return TOCHA_OK;
  }
  st = check_gather_index(src, dim, index, base, 3);
  if (!st) st = check_indices(index, src->size[dim], dim, base, 3);
  if (st) return st;
  tocha_result r;
  st = result_begin(&r, out, index->ndim, index->size, 0, (const tocha_tensor *[]){src, index}, 2);
  if (st) return st;
  tocha_tensor s = walk_view(src, index->ndim, index->size, dim);
  walk(WALK_GATHER, r.dst, index, &s, src->stride[dim], base);
  return tocha_result_end(&r, TOCHA_OK);
}

static tocha_status scatter_tensor(walk_mode mode, tocha_tensor *t, int dim, const tocha_tensor *index,
                                   const tocha_tensor *src, int64_t base) {
  tocha_status st = check_dim(t, dim, base, 2);
  if (!st) st = check_long(index, 3);
  if (!st) st = check_same_type(t, src, 4);
  if (st) return st;
  if (tocha_tensor_nelement(index) == 0) return TOCHA_OK;
  st = check_gather_index(t, dim, index, base, 3);
  if (st) return st;
  int ok = src->ndim == index->ndim;
  for (int d = 0; ok && d < index->ndim; d++)
    if (d == dim ? src->size[d] < index->size[d] : src->size[d] != index->size[d]) ok = 0;
  if (!ok) {
    char a[128], b[128];
    tocha_tensor_shape_string(src, a, sizeof a);
    tocha_tensor_shape_string(index, b, sizeof b);
    return tocha_fail(TOCHA_ESIZE, 4,
                      "source size %s does not match index size %s (the source may only be longer in "
                      "dimension %lld)",
                      a, b, (long long)(dim + base));
  }
  st = check_indices(index, t->size[dim], dim, base, 3);
  if (st) return st;
  tocha_tensor s, i;
  st = unalias(&s, src, t, 0);
  if (st) return st;
  st = unalias(&i, index, t, 0);
  if (st) {
    tocha_tensor_release(&s);
    return st;
  }
  tocha_tensor d = walk_view(&s, i.ndim, i.size, -1);
  tocha_tensor w = walk_view(t, i.ndim, i.size, dim);
  walk(mode, &d, &i, &w, t->stride[dim], base);
  tocha_tensor_release(&s);
  tocha_tensor_release(&i);
  return TOCHA_OK;
}

tocha_status tocha_scatter(tocha_tensor *t, int dim, const tocha_tensor *index, const tocha_tensor *src,
                           int64_t base) {
  return scatter_tensor(WALK_SCATTER, t, dim, index, src, base);
}

tocha_status tocha_scatter_add(tocha_tensor *t, int dim, const tocha_tensor *index, const tocha_tensor *src,
                               int64_t base) {
  return scatter_tensor(WALK_ADD, t, dim, index, src, base);
}

tocha_status tocha_scatter_fill(tocha_tensor *t, int dim, const tocha_tensor *index, double value, int64_t base) {
  tocha_status st = check_dim(t, dim, base, 2);
  if (!st) st = check_long(index, 3);
  if (!st) st = check_value(t->dtype, value, 4);
  if (st) return st;
  if (tocha_tensor_nelement(index) == 0) return TOCHA_OK;
  st = check_gather_index(t, dim, index, base, 3);
  if (!st) st = check_indices(index, t->size[dim], dim, base, 3);
  if (st) return st;
  tocha_tensor i;
  st = unalias(&i, index, t, 0);
  if (st) return st;
  tocha_tensor w = walk_view(t, i.ndim, i.size, dim);
  walk_fill(&i, &w, t->stride[dim], base, value);
  tocha_tensor_release(&i);
  return TOCHA_OK;
}

/* ---- nonzero ---------------------------------------------------------------------------- */

tocha_status tocha_nonzero(tocha_tensor *out, const tocha_tensor *src, int64_t base) {
  tocha_status st = check_out_type(out, TOCHA_LONG);
  if (st) return st;
  int64_t total = tocha_tensor_nelement(src), count = 0;
  if (total > 0) {
    tocha_iter it;
    tocha_iter_init(&it, 1, (const tocha_tensor *[]){src});
#define COUNT(ct, T) TOCHA_ITER_LOOP1(&it, const ct, p, count += *p != 0)
    TOCHA_DISPATCH_ALL(src->dtype, COUNT)
#undef COUNT
  }
  if (count == 0) {
    tocha_tensor_release(out);
    return TOCHA_OK;
  }
  tocha_result r;
  int64_t size[2] = {count, src->ndim};
  st = result_begin(&r, out, 2, size, TOCHA_RESULT_CONTIGUOUS, (const tocha_tensor *[]){src}, 1);
  if (st) return st;
  int64_t *o = tocha_tensor_data(r.dst);
  int64_t sub[TOCHA_MAX_DIMS] = {0};
  const int nd = src->ndim;
  /* A plain walk keeping subscripts (the shared iterator merges dimensions). */
#define SUBSCRIPTS(ct, T)                                                   \
  {                                                                         \
    const ct *p = tocha_tensor_data(src);                                   \
    for (int64_t k = 0; k < total; k++) {                                   \
      if (*p != 0)                                                          \
        for (int d = 0; d < nd; d++) *o++ = sub[d] + base;                  \
      for (int d = nd - 1; d >= 0; d--) {                                   \
        p += src->stride[d];                                                \
        if (++sub[d] < src->size[d]) break;                                 \
        p -= src->stride[d] * src->size[d];                                 \
        sub[d] = 0;                                                         \
      }                                                                     \
    }                                                                       \
  }
  TOCHA_DISPATCH_ALL(src->dtype, SUBSCRIPTS)
#undef SUBSCRIPTS
  return tocha_result_end(&r, TOCHA_OK);
}

/* ---- cat ---------------------------------------------------------------------------------- */

tocha_status tocha_cat(tocha_tensor *out, const tocha_tensor *const *inputs, int n, int dim) {
  if (n < 1 || !inputs) return tocha_fail(TOCHA_EARG, 2, "no tensors to concatenate");
  for (int k = 0; k < n; k++)
    if (!inputs[k]) return tocha_fail_item(TOCHA_EARG, 1, k + 1, "tensor %d is NULL", k + 1);
  tocha_dtype dtype = inputs[0]->dtype;
  for (int k = 1; k < n; k++)
    if (inputs[k]->dtype != dtype)
      return tocha_fail_item(TOCHA_ETYPE, 1, k + 1, "tensor %d is a %sTensor, tensor 1 is a %sTensor", k + 1,
                             tocha_dtype_name(inputs[k]->dtype), tocha_dtype_name(dtype));
  tocha_status st = check_out_type(out, dtype);
  if (st) return st;
  const tocha_tensor *first = NULL;
  int64_t size[TOCHA_MAX_DIMS];
  int first_k = 0;
  for (int k = 0; k < n; k++) {
    const tocha_tensor *t = inputs[k];
    if (t->ndim == 0) continue; /* empty tensors are skipped, as in Torch7 */
    if (!first) {
      first = t;
      first_k = k;
      if (dim < 0 || dim >= t->ndim)
        return tocha_fail(TOCHA_EARG, 3, "dimension %d out of range for %dD tensors", dim + 1, t->ndim);
      memcpy(size, t->size, sizeof size);
      continue;
    }
    int ok = t->ndim == first->ndim;
    for (int d = 0; ok && d < t->ndim; d++)
      if (d != dim && t->size[d] != first->size[d]) ok = 0;
    if (!ok) {
      char a[128], b[128];
      tocha_tensor_shape_string(t, a, sizeof a);
      tocha_tensor_shape_string(first, b, sizeof b);
      return tocha_fail_item(TOCHA_ESIZE, 1, k + 1,
                             "tensor %d has size %s, tensor %d has size %s (only dimension %d may differ)", k + 1, a,
                             first_k + 1, b, dim + 1);
    }
    if (!tocha_add_ok(size[dim], t->size[dim], &size[dim]))
      return tocha_fail(TOCHA_EOVERFLOW, 1, "concatenated size of dimension %d overflows", dim + 1);
  }
  if (!first) {
    tocha_tensor_release(out);
    return TOCHA_OK;
  }
  tocha_result r;
  st = result_begin(&r, out, first->ndim, size, 0, inputs, n);
  if (st) return st;
  int64_t offset = 0;
  for (int k = 0; k < n; k++) {
    const tocha_tensor *t = inputs[k];
    if (t->ndim == 0) continue;
    tocha_tensor part = *r.dst;
    part.size[dim] = t->size[dim];
    part.offset += offset * r.dst->stride[dim];
    offset += t->size[dim];
    if (tocha_tensor_nelement(t) == 0) continue;
    /* Same sizes, distinct storages: a plain element copy that cannot fail. */
    st = tocha_copy(&part, t);
    if (st) break;
  }
  return tocha_result_end(&r, st);
}
