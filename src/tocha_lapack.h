/*
 * tocha_lapack.h: linear algebra on LAPACK (LAPACKE), part of tocha's
 * public C API, included by tocha.h.
 *
 * Names, arguments and results follow Torch7 (doc/maths.md, "Linear
 * Algebra"); every function works on Float and Double matrices.  Float
 * matrices are computed in float64 too (LAPACK's d routines on the exact
 * float values) and the results rounded to float once, which is several
 * times more accurate than the s routines (Q R - A of a 1024 x 1024 QR:
 * 2e-6 instead of 1e-5).  All tensor arguments must have one element type:
 * inputs of another or mixed type are TOCHA_ETYPE, and so are result
 * tensors of another type (argument 0).  Results never alias the inputs'
 * memory in a harmful way: every input is copied into a private
 * column-major buffer before LAPACK runs, so any result may be the same
 * tensor as any input (Torch7's torch.gesv(b, a, b, a)).
 *
 * Result matrices have Torch7's layout: a result tensor that already has
 * the result's shape and is not row-major contiguous keeps its geometry
 * (the values are written through the view); otherwise it is re-laid out
 * column-major (the transpose of a contiguous tensor, as LAPACK returns
 * them), reusing its storage when large enough.  So `x:isContiguous()` is
 * false for a fresh result matrix of more than one row and column, as in
 * Torch7.  Vector results (tau, eigenvalues, singular values) and the
 * n x 2 eigenvalues of eig and V of svd are ordinary contiguous results.
 *
 * Dimensions given to LAPACK must fit in its 32-bit int (TOCHA_EOVERFLOW).
 * Empty matrices (0 x n) are accepted where LAPACK accepts them and give
 * empty results.  NaN in an input is TOCHA_EARG (LAPACKE rejects it).
 *
 * Failures of the factorisation itself are TOCHA_EARG naming the function
 * and the problem: a singular matrix (gesv, trtrs, inverse, potri), a
 * matrix not positive definite (potrf), rank deficient (gels, pstrf),
 * no convergence (svd, eig, symeig).
 *
 * Options are single characters, as in Torch7:
 *   uplo  'U' | 'L'   which triangle holds the matrix / the factor
 *   trans 'N' | 'T'   op(A) = A or A^T
 *   diag  'N' | 'U'   non-unit or unit diagonal (trtrs)
 *   side  'L' | 'R'   Q * C or C * Q (ormqr)
 *   job   'N' | 'V'   eigenvalues only, or eigenvectors too (eig, symeig)
 *   jobu  'S' | 'A'   thin or full U and V (svd)
 *
 * Argument positions in errors count the inputs from 1 after the result
 * tensors (tocha.h), options included: tocha_gesv(rb, ra, b, a): b 1, a 2.
 */
#ifndef TOCHA_LAPACK_H
#define TOCHA_LAPACK_H

#include "tocha.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A X = B for square A (n x n), B n x k or a vector of n (then X is
 * n x 1).  rb = X, ra = the LU factors of A (P A = L U, unit L below the
 * diagonal, U on and above it). */
tocha_status tocha_gesv(tocha_tensor *rb, tocha_tensor *ra, const tocha_tensor *b, const tocha_tensor *a);
/* op(A) X = B for triangular A (the `uplo` triangle of a is used);
 * rb = X, ra = a copy of A.  Positions: b 1, a 2, uplo 3, trans 4, diag 5. */
tocha_status tocha_trtrs(tocha_tensor *rb, tocha_tensor *ra, const tocha_tensor *b, const tocha_tensor *a,
                         char uplo, char trans, char diag);
/* Least squares (m >= n: minimises |A X - B|) or minimum norm (m < n)
 * solution for A m x n of full rank, B m x k or a vector of m.  rb = X
 * (n x k), ra = the QR (or LQ) factors of A. */
tocha_status tocha_gels(tocha_tensor *rb, tocha_tensor *ra, const tocha_tensor *b, const tocha_tensor *a);
/* out = A^-1 (LU with partial pivoting). */
tocha_status tocha_inverse(tocha_tensor *out, const tocha_tensor *a);
/* Cholesky factor of a symmetric positive definite A: A = U^T U ('U') or
 * A = L L^T ('L'); the other triangle of out is zero.  Positions: a 1, uplo 2. */
tocha_status tocha_potrf(tocha_tensor *out, const tocha_tensor *a, char uplo);
/* A X = B from A's Cholesky factor `chol` (as potrf gives it with the same
 * uplo).  Positions: b 1, chol 2, uplo 3. */
tocha_status tocha_potrs(tocha_tensor *out, const tocha_tensor *b, const tocha_tensor *chol, char uplo);
/* out = A^-1 (full, symmetric) from A's Cholesky factor.  Positions: chol 1, uplo 2. */
tocha_status tocha_potri(tocha_tensor *out, const tocha_tensor *chol, char uplo);
/* Cholesky with complete pivoting of a symmetric positive semidefinite A:
 * P^T A P = U^T U ('U') or L L^T ('L'), P[piv[k], k] = 1.  piv (a Long
 * tensor, or any integer-valued type) receives 0-BASED positions (the Lua
 * binding adds 1).  tol < 0: LAPACK's default tolerance.  A matrix of
 * rank < n is an error, as in Torch7.  Positions: a 1, uplo 2, tol 3. */
tocha_status tocha_pstrf(tocha_tensor *out, tocha_tensor *piv, const tocha_tensor *a, char uplo, double tol);
/* QR factorisation of A (m x n), k = min(m, n): q m x k with orthonormal
 * columns, r k x n upper triangular, A = q r. */
tocha_status tocha_qr(tocha_tensor *q, tocha_tensor *r, const tocha_tensor *a);
/* LAPACK's geqrf: out (m x n) holds R on and above the diagonal and the
 * Householder vectors below it; tau (k) their scales. */
tocha_status tocha_geqrf(tocha_tensor *out, tocha_tensor *tau, const tocha_tensor *a);
/* Q from geqrf's output: a m x n, tau of k <= min(m, n) -> out m x k
 * (Torch7 gives m x n with only the first k columns meaningful).
 * Positions: a 1, tau 2. */
tocha_status tocha_orgqr(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *tau);
/* out = op(Q) C ('L') or C op(Q) ('R') with Q from geqrf's (a, tau),
 * C m x n; a must have m rows ('L') or n rows ('R').  Positions: a 1,
 * tau 2, c 3, side 4, trans 5. */
tocha_status tocha_ormqr(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *tau, const tocha_tensor *c,
                         char side, char trans);
/* A = U diag(S) V^T, A m x n, k = min(m, n), S descending.  jobu 'S':
 * U m x k, V n x k; 'A': U m x m, V n x n.  Positions: a 1, jobu 2. */
tocha_status tocha_svd(tocha_tensor *u, tocha_tensor *s, tocha_tensor *v, const tocha_tensor *a, char jobu);
/* Eigenvalues of a general square A: e n x 2 (real and imaginary parts,
 * LAPACK's order); with job 'V', v n x n holds the right eigenvectors
 * (columns; a complex pair as LAPACK packs it), else v is not touched.
 * Positions: a 1, job 2. */
tocha_status tocha_eig(tocha_tensor *e, tocha_tensor *v, const tocha_tensor *a, char job);
/* Eigenvalues (ascending) of a symmetric A read from its `uplo` triangle;
 * with job 'V', v n x n holds the orthonormal eigenvectors (columns), else
 * v is not touched.  Positions: a 1, job 2, uplo 3. */
tocha_status tocha_symeig(tocha_tensor *e, tocha_tensor *v, const tocha_tensor *a, char job, char uplo);

#ifdef __cplusplus
}
#endif
#endif /* TOCHA_LAPACK_H */
