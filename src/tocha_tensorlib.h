/*
 * tocha_tensorlib.h: the rest of Torch7's tensor library (part of tocha's
 * public C API, included by tocha.h): sorting and order statistics,
 * matrix shapes (diag, tril, triu, trace), cross products, histograms,
 * renorm, whole-tensor tests (equal, all, any) and bit operations.
 *
 * Conventions as in tocha.h: dimensions and positions are 0-based; results
 * go into caller-given tensors shaped with tocha_tensor_resize (a result
 * of the right size keeps its geometry, any view), and a result that
 * shares memory with an input is computed into a temporary first.
 */
#ifndef TOCHA_TENSORLIB_H
#define TOCHA_TENSORLIB_H

#ifdef __cplusplus
extern "C" {
#endif

/* ---- sorting and order statistics (all four element types) -------------------
 * Along dimension `dim`.  `values` has x's type, `indices` is a Long tensor
 * receiving 0-BASED positions along dim (the Lua binding adds 1); they must
 * be distinct tensors with separate storages.
 * Order: ascending, or descending when asked; NaN counts as larger than
 * every number (last ascending, first descending); -0 equals +0.  The sort
 * is stable: equal elements keep their original order, in both
 * directions, so the indices are fully determined.
 * Positions in errors: x 1, then the parameters after it. */

/* values/indices: x's shape, each lane sorted.  An empty x gives empty
 * results. */
tocha_status tocha_sort(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim, int descending);
/* The k smallest (or, with `largest`, the k largest) of each lane, in
 * sorted order (smallest first, or largest first), 0 <= k <= size(dim);
 * results have x's shape with size k along dim (empty when k = 0). */
tocha_status tocha_topk(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int64_t k, int dim,
                        int largest);
/* The k-th smallest of each lane, 1 <= k <= size(dim) (a rank, counted
 * from 1), at the position a stable sort puts at rank k; results keep dim
 * with size 1. */
tocha_status tocha_kthvalue(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int64_t k, int dim);
/* kthvalue with k = (size(dim) + 1) / 2 (the lower median, as Torch7). */
tocha_status tocha_median(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim);
/* The most frequent value of each lane (the smallest on ties), at the
 * position of its last occurrence, as Torch7; results keep dim with size 1. */
tocha_status tocha_mode(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim);

/* ---- matrices ---------------------------------------------------------------- */

/* x 1-D of n: out = the (n+|k|) square matrix with x on diagonal k (k > 0
 * above the main one, k < 0 below); x 2-D: out = diagonal k as a 1-D tensor
 * (empty when k is past the matrix).  All types.  Positions: x 1, k 2. */
tocha_status tocha_diag(tocha_tensor *out, const tocha_tensor *x, int64_t k);
/* out = x (2-D) with the elements above diagonal k (tril) or below it
 * (triu) set to 0.  All types. */
tocha_status tocha_tril(tocha_tensor *out, const tocha_tensor *x, int64_t k);
tocha_status tocha_triu(tocha_tensor *out, const tocha_tensor *x, int64_t k);
/* The sum of the main diagonal of a 2-D x (exact for Long and Byte). */
tocha_status tocha_trace(tocha_number *result, const tocha_tensor *x);

/* out = a x b along `dim` (of size 3), for tensors of the same type and
 * shape (Float, Double, Long).  Positions: a 1, b 2, dim 3. */
tocha_status tocha_cross(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b, int dim);

/* ---- histograms (Float, Double, Long, Byte) -------------------------------------
 * nbins >= 1 equal bins over [min, max]; a value v goes to bin
 * floor((v - min) / (max - min) * nbins), v = max to the last bin, values
 * outside [min, max] (and NaN) to none.  min = max means the data's own
 * minimum and maximum (widened by 1 each way when those are equal too).
 * out has x's type.  Positions: x 1, nbins 2, min 3, max 4. */
/* out (1-D, nbins) counts every element of x. */
tocha_status tocha_histc(tocha_tensor *out, const tocha_tensor *x, int64_t nbins, double min, double max);
/* x 2-D (rows) or 1-D (one row): out (rows x nbins, or nbins) counts each
 * row; with min = max the range is the data's over the whole tensor. */
tocha_status tocha_bhistc(tocha_tensor *out, const tocha_tensor *x, int64_t nbins, double min, double max);

/* out = x with each slice x.select(dim, i) whose p-norm exceeds maxnorm
 * scaled by maxnorm / (norm + 1e-7) (Torch7's renorm); Float, Double;
 * p > 0, maxnorm >= 0.  Positions: x 1, p 2, dim 3, maxnorm 4. */
tocha_status tocha_renorm(tocha_tensor *out, const tocha_tensor *x, double p, int dim, double maxnorm);

/* ---- whole-tensor tests -------------------------------------------------------- */

/* *result = 1 when a and b have the same type, sizes and elements (NaN
 * differs from everything, as ==); two empty tensors are equal. */
tocha_status tocha_equal(int *result, const tocha_tensor *a, const tocha_tensor *b);
/* *result = 1 when every element (all) / some element (any) of x is
 * non-zero; all of an empty tensor is 1, any 0.  All types. */
tocha_status tocha_all(int *result, const tocha_tensor *x);
tocha_status tocha_any(int *result, const tocha_tensor *x);

/* *result = the p-norm of a - b (p >= 0; p = INFINITY: the largest |a - b|,
 * p = 0: the count of differing elements), computed in double, for two
 * tensors of the same type and number of elements (each read in its own
 * logical order).  Positions: a 1, b 2, p 3. */
tocha_status tocha_dist(double *result, const tocha_tensor *a, const tocha_tensor *b, double p);

/* ---- bit operations (Long and Byte; shifts also Float and Double) ---------------- */

typedef enum tocha_bit_op {
  TOCHA_BIT_AND = 0,
  TOCHA_BIT_OR,
  TOCHA_BIT_XOR,
  TOCHA_BIT_LSHIFT, /* integers: a << s wrapping (modulo 2^64, 2^8); floats: a * 2^s */
  TOCHA_BIT_RSHIFT, /* integers: floor(a / 2^s) (arithmetic); floats: a / 2^s */
  TOCHA_BIT_COUNT
} tocha_bit_op;

/* "bitand", "bitor", "bitxor", "lshift", "rshift"; "?" otherwise. */
const char *tocha_bit_name(tocha_bit_op op);

/* out = a op value.  and/or/xor: value fits the type (Byte 0..255); shift
 * counts 0..63 (Long, floats), 0..7 (Byte).  Positions: a 1, value 2. */
tocha_status tocha_bit_scalar(tocha_tensor *out, const tocha_tensor *a, int64_t value, tocha_bit_op op);
/* out = a op b element by element (the c* forms): same type, same number
 * of elements (each read in its own logical order; out takes a's shape).
 * Every shift count is checked before anything is written. */
tocha_status tocha_bit(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *b, tocha_bit_op op);

#ifdef __cplusplus
}
#endif

#endif
