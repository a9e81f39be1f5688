/*
 * sizes.h: internal (not public API).  The one overflow-safe arithmetic for
 * sizes, strides, offsets and extents.  Every operation that makes a view
 * or allocates goes through these, so no size computation can wrap.
 *
 * Limits: a shape may hold at most TOCHA_SIZE_LIMIT elements, and the
 * product of its non-zero sizes is bounded the same way (contiguous strides
 * are built from it even when a zero size makes the count 0).  The limit
 * leaves room to turn any element count into a byte count (elements are at
 * most 8 bytes) and to add two offsets without overflow.
 *
 * Messages count dimensions from 1, as every caller reads them (see tocha.h).
 */
#ifndef TOCHA_CORE_SIZES_H
#define TOCHA_CORE_SIZES_H

#include "../tocha.h"

#define TOCHA_SIZE_LIMIT (INT64_MAX / 16)

/* *r = a + b, a * b; 0 when the exact result does not fit in int64_t. */
/* 1 when the double v converts to int64 without undefined behaviour:
 * finite and in [-2^63, 2^63) (false for NaN).  Float to integer element
 * conversions go through int64 and refuse the rest. */
static inline int tocha_fits_int64(double v) { return v >= -9223372036854775808.0 && v < 9223372036854775808.0; }
static inline int tocha_add_ok(int64_t a, int64_t b, int64_t *r) { return !__builtin_add_overflow(a, b, r); }
static inline int tocha_mul_ok(int64_t a, int64_t b, int64_t *r) { return !__builtin_mul_overflow(a, b, r); }

/* tocha_shape_count (tocha.h) checks shapes against TOCHA_SIZE_LIMIT. */

/* Checks that the view (offset, ndim, size, stride) lies inside a storage of
 * `storage_size` elements: offset in 0..storage_size, strides >= 0, and
 * when the view has elements, its furthest element
 * offset + sum (size[d] - 1) * stride[d] (computed without overflow) below
 * storage_size.  Positions: offset_arg for the offset, stride_arg for a
 * stride, shape_arg when the geometry as a whole reaches too far. */
tocha_status tocha_check_extent(int64_t offset, int ndim, const int64_t *size, const int64_t *stride,
                                int64_t storage_size, int offset_arg, int shape_arg, int stride_arg);

/* *r = the storage offset of element `index` (0-based) along one dimension
 * of `stride` from `offset`; 0 on overflow (never for an index inside a
 * view that passed tocha_check_extent). */
static inline int tocha_offset_ok(int64_t offset, int64_t index, int64_t stride, int64_t *r) {
  int64_t step;
  return tocha_mul_ok(index, stride, &step) && tocha_add_ok(offset, step, r);
}

#endif
