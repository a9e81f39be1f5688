/*
 * iter.h: internal strided iteration over one to three tensors of the same
 * shape, in logical row-major order.
 *
 * Dimensions that are laid out back to back in every operand are merged,
 * so a contiguous operand set becomes one long run and the inner loop is a
 * plain loop the compiler vectorises.  Usage:
 *
 *   tocha_iter it;
 *   tocha_iter_init(&it, 2, (const tocha_tensor *[]){dst, src});
 *   TOCHA_ITER_LOOP2(&it, float, d, const double, s, *d = (float)*s);
 */
#ifndef TOCHA_CORE_ITER_H
#define TOCHA_CORE_ITER_H

#include "../tocha.h"

#define TOCHA_ITER_MAX 3

typedef struct tocha_iter {
  int count;     /* operands */
  int ndim;      /* after merging; the last one is the inner run */
  int64_t size[TOCHA_MAX_DIMS];
  int64_t stride[TOCHA_ITER_MAX][TOCHA_MAX_DIMS];
  char *base[TOCHA_ITER_MAX];
  size_t elsize[TOCHA_ITER_MAX];
  int64_t counter[TOCHA_MAX_DIMS];
  int64_t outer_left; /* inner runs still to visit */
  /* current inner run: */
  char *ptr[TOCHA_ITER_MAX];
  int64_t inner_n;
  int64_t inner_stride[TOCHA_ITER_MAX];
} tocha_iter;

/* All operands must have the same number of elements and the first one's
 * shape is used for the others (callers check shapes). */
static inline void tocha_iter_init(tocha_iter *it, int count, const tocha_tensor *const *ops) {
  const tocha_tensor *shape = ops[0];
  it->count = count;
  it->ndim = 0;
  int64_t total = tocha_tensor_nelement(shape);
  for (int k = 0; k < count; k++) {
    it->base[k] = tocha_tensor_data(ops[k]);
    it->elsize[k] = tocha_dtype_size(ops[k]->dtype);
  }
  for (int k = 0; k < count; k++) {
    it->ptr[k] = it->base[k];
    it->inner_stride[k] = 1;
  }
  it->outer_left = 0;
  it->inner_n = 0;
  if (total == 0) return;
  for (int d = 0; d < shape->ndim; d++) {
    if (shape->size[d] == 1) continue;
    int merge = it->ndim > 0;
    for (int k = 0; merge && k < count; k++)
      if (it->stride[k][it->ndim - 1] != ops[k]->stride[d] * shape->size[d]) merge = 0;
    if (merge) {
      it->size[it->ndim - 1] *= shape->size[d];
      for (int k = 0; k < count; k++) it->stride[k][it->ndim - 1] = ops[k]->stride[d];
    } else {
      it->size[it->ndim] = shape->size[d];
      for (int k = 0; k < count; k++) it->stride[k][it->ndim] = ops[k]->stride[d];
      it->ndim++;
    }
  }
  if (it->ndim == 0) { /* a single element */
    it->size[0] = 1;
    for (int k = 0; k < count; k++) it->stride[k][0] = 1;
    it->ndim = 1;
  }
  it->inner_n = it->size[it->ndim - 1];
  it->outer_left = total / it->inner_n;
  for (int d = 0; d < it->ndim; d++) it->counter[d] = 0;
  for (int k = 0; k < count; k++) {
    it->inner_stride[k] = it->stride[k][it->ndim - 1];
    it->ptr[k] = it->base[k];
  }
}

/* Moves ptr[] to the start of the next inner run; returns 0 when done.
 * The first call yields the first run. */
static inline int tocha_iter_next(tocha_iter *it) {
  if (it->outer_left == 0) return 0;
  if (it->counter[it->ndim - 1] == 0) { /* first run */
    it->counter[it->ndim - 1] = 1;
    it->outer_left--;
    return 1;
  }
  for (int d = it->ndim - 2; d >= 0; d--) {
    if (++it->counter[d] < it->size[d]) {
      for (int k = 0; k < it->count; k++) it->ptr[k] += it->stride[k][d] * (int64_t)it->elsize[k];
      it->outer_left--;
      return 1;
    }
    it->counter[d] = 0;
    for (int k = 0; k < it->count; k++)
      it->ptr[k] -= it->stride[k][d] * (it->size[d] - 1) * (int64_t)it->elsize[k];
  }
  return 0;
}

/* The inner loops: contiguous runs get a branch-free loop. */
#define TOCHA_ITER_LOOP1(it, TA, a, BODY)                                      \
  while (tocha_iter_next(it)) {                                                \
    TA *a##_base = (TA *)(it)->ptr[0];                                         \
    int64_t a##_st = (it)->inner_stride[0], n_ = (it)->inner_n;                \
    if (a##_st == 1) {                                                         \
      for (int64_t i_ = 0; i_ < n_; i_++) { TA *a = a##_base + i_; BODY; }     \
    } else {                                                                   \
      for (int64_t i_ = 0; i_ < n_; i_++) { TA *a = a##_base + i_ * a##_st; BODY; } \
    }                                                                          \
  }

#define TOCHA_ITER_LOOP2(it, TA, a, TB, b, BODY)                               \
  while (tocha_iter_next(it)) {                                                \
    TA *a##_base = (TA *)(it)->ptr[0];                                         \
    TB *b##_base = (TB *)(it)->ptr[1];                                         \
    int64_t a##_st = (it)->inner_stride[0], b##_st = (it)->inner_stride[1];    \
    int64_t n_ = (it)->inner_n;                                                \
    if (a##_st == 1 && b##_st == 1) {                                          \
      for (int64_t i_ = 0; i_ < n_; i_++) {                                    \
        TA *a = a##_base + i_; TB *b = b##_base + i_; BODY;                    \
      }                                                                        \
    } else {                                                                   \
      for (int64_t i_ = 0; i_ < n_; i_++) {                                    \
        TA *a = a##_base + i_ * a##_st; TB *b = b##_base + i_ * b##_st; BODY;  \
      }                                                                        \
    }                                                                          \
  }

#define TOCHA_ITER_LOOP3(it, TA, a, TB, b, TC, c, BODY)                        \
  while (tocha_iter_next(it)) {                                                \
    TA *a##_base = (TA *)(it)->ptr[0];                                         \
    TB *b##_base = (TB *)(it)->ptr[1];                                         \
    TC *c##_base = (TC *)(it)->ptr[2];                                         \
    int64_t a##_st = (it)->inner_stride[0], b##_st = (it)->inner_stride[1];    \
    int64_t c##_st = (it)->inner_stride[2], n_ = (it)->inner_n;                \
    if (a##_st == 1 && b##_st == 1 && c##_st == 1) {                           \
      for (int64_t i_ = 0; i_ < n_; i_++) {                                    \
        TA *a = a##_base + i_; TB *b = b##_base + i_; TC *c = c##_base + i_;   \
        BODY;                                                                  \
      }                                                                        \
    } else {                                                                   \
      for (int64_t i_ = 0; i_ < n_; i_++) {                                    \
        TA *a = a##_base + i_ * a##_st; TB *b = b##_base + i_ * b##_st;        \
        TC *c = c##_base + i_ * c##_st; BODY;                                  \
      }                                                                        \
    }                                                                          \
  }

/* Expands MACRO(ctype, TOCHA_X) for each element type, in a switch on dtype. */
#define TOCHA_DISPATCH_ALL(dtype, MACRO)                                       \
  switch (dtype) {                                                             \
    case TOCHA_FLOAT: MACRO(float, TOCHA_FLOAT); break;                        \
    case TOCHA_DOUBLE: MACRO(double, TOCHA_DOUBLE); break;                     \
    case TOCHA_LONG: MACRO(int64_t, TOCHA_LONG); break;                        \
    case TOCHA_BYTE: MACRO(uint8_t, TOCHA_BYTE); break;                        \
    case TOCHA_INT: MACRO(int32_t, TOCHA_INT); break;                          \
    case TOCHA_SHORT: MACRO(int16_t, TOCHA_SHORT); break;                      \
    case TOCHA_CHAR: MACRO(int8_t, TOCHA_CHAR); break;                         \
    default: break;                                                            \
  }

/* The same, usable inside a TOCHA_DISPATCH_ALL expansion (macros cannot nest themselves). */
#define TOCHA_DISPATCH_ALL_INNER(dtype, MACRO)                                       \
  switch (dtype) {                                                             \
    case TOCHA_FLOAT: MACRO(float, TOCHA_FLOAT); break;                        \
    case TOCHA_DOUBLE: MACRO(double, TOCHA_DOUBLE); break;                     \
    case TOCHA_LONG: MACRO(int64_t, TOCHA_LONG); break;                        \
    case TOCHA_BYTE: MACRO(uint8_t, TOCHA_BYTE); break;                        \
    case TOCHA_INT: MACRO(int32_t, TOCHA_INT); break;                          \
    case TOCHA_SHORT: MACRO(int16_t, TOCHA_SHORT); break;                      \
    case TOCHA_CHAR: MACRO(int8_t, TOCHA_CHAR); break;                         \
    default: break;                                                            \
  }

#endif
