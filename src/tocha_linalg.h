/*
 * tocha_linalg.h: linear algebra on BLAS (part of tocha's public C API,
 * included by tocha.h).
 *
 * Names and meanings follow Torch7 (doc/maths.md):
 *
 *   dot      sum of a .* b                        (same shapes)
 *   mv       out = mat * vec
 *   addmv    out = beta * vec1 + alpha * mat * vec2
 *   mm       out = mat1 * mat2
 *   addmm    out = beta * M + alpha * mat1 * mat2
 *   ger      out = vec1 (outer) vec2,             out[i][j] = vec1[i] * vec2[j]
 *   addr     out = beta * M + alpha * vec1 (outer) vec2
 *   bmm      out[b] = batch1[b] * batch2[b]
 *   baddbmm  out[b] = beta * M[b] + alpha * batch1[b] * batch2[b]
 *   addbmm   out = beta * M + alpha * sum_b batch1[b] * batch2[b]
 *
 * Operands must all be Float or all be Double (the s / d BLAS routines);
 * other or mixed element types are TOCHA_ETYPE naming both types.  `out`
 * must have the operands' element type (else TOCHA_ETYPE, argument 0).
 *
 * Shapes are checked exactly (TOCHA_ESIZE naming the argument and both
 * shapes); dimensions BLAS receives must fit in an int (TOCHA_EOVERFLOW).
 * Zero-size dimensions are fine: with an inner dimension of 0 (or an empty
 * batch for addbmm) the result is beta * M.  beta == 0 ignores M's values
 * (NaN included), as BLAS does.
 *
 * Strides: a matrix with unit stride in either dimension and a valid
 * leading dimension (a row-major or column-major layout, e.g. any
 * transposed view x^T) goes to BLAS as it is, with the matching transpose
 * flag; only matrices with no unit stride (or overlapping/expanded rows)
 * are copied to a contiguous temporary first.  Vectors with a stride of 0
 * (expanded) are copied too.
 *
 * `out`: when it already has the result's shape it keeps its geometry
 * (results are written through a view, as in Torch7); otherwise it is
 * resized (tocha_tensor_resize: contiguous, storage reused when large
 * enough).  It may be the same object as, or share memory with, any
 * operand: when it overlaps an operand it is not exactly M (or vec1), the
 * result is computed into a temporary and copied into out afterwards.
 *
 * Argument positions (tocha.h conventions, `out` not counted):
 *   tocha_dot(result, a, b)                            a 1, b 2
 *   tocha_mv / tocha_mm / tocha_ger / tocha_bmm(out, x, y)     x 1, y 2
 *   tocha_addmm(out, beta, M, alpha, mat1, mat2) and the other add*:
 *                                   beta 1, M 2, alpha 3, mat1 4, mat2 5
 */
#ifndef TOCHA_LINALG_H
#define TOCHA_LINALG_H

#include "tocha.h"

#ifdef __cplusplus
extern "C" {
#endif

/* *result = sum of a[i] * b[i] over all elements; a and b have the same
 * shape (any strides).  Float tensors are accumulated in double. */
tocha_status tocha_dot(double *result, const tocha_tensor *a, const tocha_tensor *b);

/* mat: n x m, vec: m  ->  out: n */
tocha_status tocha_mv(tocha_tensor *out, const tocha_tensor *mat, const tocha_tensor *vec);
/* vec1: n, mat: n x m, vec2: m  ->  out: n */
tocha_status tocha_addmv(tocha_tensor *out, double beta, const tocha_tensor *vec1, double alpha,
                         const tocha_tensor *mat, const tocha_tensor *vec2);

/* mat1: n x k, mat2: k x m  ->  out: n x m */
tocha_status tocha_mm(tocha_tensor *out, const tocha_tensor *mat1, const tocha_tensor *mat2);
/* M: n x m, mat1: n x k, mat2: k x m  ->  out: n x m */
tocha_status tocha_addmm(tocha_tensor *out, double beta, const tocha_tensor *M, double alpha,
                         const tocha_tensor *mat1, const tocha_tensor *mat2);

/* vec1: n, vec2: m  ->  out: n x m */
tocha_status tocha_ger(tocha_tensor *out, const tocha_tensor *vec1, const tocha_tensor *vec2);
/* M: n x m, vec1: n, vec2: m  ->  out: n x m */
tocha_status tocha_addr(tocha_tensor *out, double beta, const tocha_tensor *M, double alpha,
                        const tocha_tensor *vec1, const tocha_tensor *vec2);

/* batch1: b x n x k, batch2: b x k x m  ->  out: b x n x m */
tocha_status tocha_bmm(tocha_tensor *out, const tocha_tensor *batch1, const tocha_tensor *batch2);
/* M: b x n x m  ->  out: b x n x m */
tocha_status tocha_baddbmm(tocha_tensor *out, double beta, const tocha_tensor *M, double alpha,
                           const tocha_tensor *batch1, const tocha_tensor *batch2);
/* M: n x m  ->  out: n x m (the b products summed) */
tocha_status tocha_addbmm(tocha_tensor *out, double beta, const tocha_tensor *M, double alpha,
                          const tocha_tensor *batch1, const tocha_tensor *batch2);

/* The threads tocha computes on: matrix products, dropout, the sgd update,
 * large fills and ReLU are split over tocha's own pool of that many
 * threads (the caller included).  OpenBLAS itself is kept at one thread,
 * so that only one kind of thread ever waits for work on the cores.  The
 * default is TOCHA_NUM_THREADS when set to a positive integer, else the
 * CPUs the process may run on.  n >= 1 (else TOCHA_EARG 1). */
tocha_status tocha_set_num_threads(int n);
int tocha_get_num_threads(void);

#ifdef __cplusplus
}
#endif
#endif /* TOCHA_LINALG_H */
