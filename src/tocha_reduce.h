/*
 * tocha_reduce.h: reductions (sum, mean, prod, max, min, var, std, norm,
 * logsumexp) and scans (cumsum, cumprod).  Part of tocha's public C API,
 * included by tocha.h.
 *
 * Shapes
 *  - The `*all` functions reduce the whole tensor to one value.
 *  - The others reduce along `dim` (0-based) and, as in Torch7, keep that
 *    dimension with size 1: a 2x3 tensor reduced along dim 1 gives 2x1.
 *    cumsum and cumprod keep the shape of their input.
 *  - Results are written into `out` (`values`/`indices`), shaped with
 *    tocha_tensor_resize: an `out` that already has the result's sizes
 *    keeps its geometry (any view: the results land in its own elements,
 *    nothing else changes); otherwise it becomes a contiguous tensor of the
 *    result shape, its storage reused when large enough, so a loop that
 *    passes the same `out` does not allocate.  `out` may alias the input
 *    (the same object, or a view of the same storage): the result is then
 *    computed into a temporary first and copied into `out`.
 *  - `out` must already have the result's element type, else TOCHA_ETYPE.
 *
 * Element types
 *  - sum, prod, max, min, cumsum, cumprod accept all four types.  The sums
 *    and products (and cumsum/cumprod) of Long and Byte tensors are Long
 *    (a ByteTensor mask summed along a dimension counts past 255, unlike
 *    Torch7, whose result was a wrapping ByteTensor); Float stays Float and
 *    Double stays Double.  Integer sums and products wrap modulo 2^64.
 *  - mean, var, std, norm and logsumexp need Float or Double tensors and
 *    give results of the same type (TOCHA_ETYPE otherwise).
 *
 * Accuracy
 *  - Float data is accumulated in double precision for every reduction and
 *    scan (a sum of 10^7 float ones is exactly 10^7).  Whole-tensor sums,
 *    and sums along a dimension that is reduced lane by lane (the innermost
 *    one, or any dimension of a tensor without unit-stride neighbours), use
 *    pairwise summation, so rounding error grows like log(n), not n.  Sums
 *    along an outer dimension of a contiguous tensor (column sums) add
 *    whole rows into double accumulators, one row after the other.
 *  - var/std are two-pass (mean first, then squared deviations).
 *  - The 2-norm of a Double tensor rescales when the sum of squares would
 *    overflow or underflow, so norm({1e200, 1e200}) is 1.414e200.
 *  - logsumexp subtracts the maximum first: log(sum(exp(x))) without
 *    overflow; it is -inf when every element is -inf (or there are none).
 *
 * max and min
 *  - `indices` (a Long tensor) receives 0-BASED positions along `dim` here in
 *    C; the Lua binding adds 1 so that Lua users see Torch7's 1-based
 *    indices.  `values` has the input's type.
 *  - Ties: the first position wins.
 *  - NaN propagates: a lane containing NaN has max (and min) NaN, at the
 *    index of its first NaN.  The whole-tensor max/min is NaN likewise.
 *    (norm with p = inf propagates NaN as well.)
 *
 * Empty input (no elements)
 *  - sumall = 0, prodall = 1, normall = 0, logsumexpall = -inf;
 *    maxall/minall/meanall/varall/stdall fail with TOCHA_EARG ("max of an
 *    empty tensor", ...).
 *  - Along a dimension of size 0: sum gives zeros, prod ones, norm zeros,
 *    logsumexp -inf; max, min, mean, var and std fail with TOCHA_EARG.
 *  - var/std of a single element are NaN unless `biased` (0/0, as in Torch7).
 *
 * Argument positions in errors: x is 1, then the parameters after it
 * (`dim` is 2; for norm p is 2 and dim 3).
 */
#ifndef TOCHA_REDUCE_H
#define TOCHA_REDUCE_H

#include "tocha.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The value of a whole-tensor sum, prod, max or min: exact in `integer`
 * for Long and Byte tensors (is_integer = 1); `number` always holds it as
 * a double. */
typedef struct tocha_number {
  int is_integer;
  int64_t integer;
  double number;
} tocha_number;

/* ---- whole tensor ----------------------------------------------------- */

tocha_status tocha_sumall(tocha_number *result, const tocha_tensor *x);
tocha_status tocha_prodall(tocha_number *result, const tocha_tensor *x);
tocha_status tocha_maxall(tocha_number *result, const tocha_tensor *x);
tocha_status tocha_minall(tocha_number *result, const tocha_tensor *x);
tocha_status tocha_meanall(double *result, const tocha_tensor *x);
/* Normalised by n when `biased`, else by n - 1 (Torch7's default). */
tocha_status tocha_varall(double *result, const tocha_tensor *x, int biased);
tocha_status tocha_stdall(double *result, const tocha_tensor *x, int biased);
/* The p-norm, p >= 0: p = 0 counts the non-zero elements, p = INFINITY
 * gives the largest absolute value. */
tocha_status tocha_normall(double *result, const tocha_tensor *x, double p);
tocha_status tocha_logsumexpall(double *result, const tocha_tensor *x);

/* ---- along a dimension (kept with size 1) ------------------------------ */

tocha_status tocha_sum(tocha_tensor *out, const tocha_tensor *x, int dim);
tocha_status tocha_prod(tocha_tensor *out, const tocha_tensor *x, int dim);
tocha_status tocha_mean(tocha_tensor *out, const tocha_tensor *x, int dim);
tocha_status tocha_var(tocha_tensor *out, const tocha_tensor *x, int dim, int biased);
tocha_status tocha_std(tocha_tensor *out, const tocha_tensor *x, int dim, int biased);
tocha_status tocha_norm(tocha_tensor *out, const tocha_tensor *x, double p, int dim);
tocha_status tocha_logsumexp(tocha_tensor *out, const tocha_tensor *x, int dim);
/* `values` (x's type) and `indices` (Long, 0-based) must be distinct
 * tensors that do not share a storage. */
tocha_status tocha_max(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim);
tocha_status tocha_min(tocha_tensor *values, tocha_tensor *indices, const tocha_tensor *x, int dim);

/* ---- scans along a dimension (same shape as x) ------------------------- */

tocha_status tocha_cumsum(tocha_tensor *out, const tocha_tensor *x, int dim);
tocha_status tocha_cumprod(tocha_tensor *out, const tocha_tensor *x, int dim);

#ifdef __cplusplus
}
#endif

#endif
