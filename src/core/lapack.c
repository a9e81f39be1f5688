/*
 * Linear algebra on LAPACK (LAPACKE): solvers, factorisations, SVD,
 * eigenvalues.  See src/tocha_lapack.h for the contract.
 *
 * Every input matrix is first copied into a private column-major buffer
 * (a "cm": a contiguous tensor of cols x ld, read by LAPACK as ld x cols
 * column-major), checked for NaN there, and handed to LAPACKE with
 * LAPACK_COL_MAJOR; results are copied out of those buffers at the end.
 * So inputs are never modified (unless they are also results) and any
 * result may alias any input.
 *
 * The buffers are float64 for Float matrices too: LAPACK's d routines run
 * on the exact float values and the results are rounded to float once, at
 * the end (several times more accurate than the s routines, e.g. Q R - A
 * of a 1024 x 1024 QR: 2e-6 instead of 1e-5, for twice the work).
 */
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tocha.h"

/* ---- checks ----------------------------------------------------------------- */

static tocha_status check_real(const char *fn, const tocha_tensor *x, int arg, const char *name) {
  if (x->dtype != TOCHA_FLOAT && x->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, arg, "%s: %s must be a Float or Double tensor, got a %s tensor", fn, name,
                      tocha_dtype_name(x->dtype));
  return TOCHA_OK;
}

static tocha_status check_like(const char *fn, const tocha_tensor *x, int arg, const char *name, tocha_dtype dt) {
  if (x->dtype != dt)
    return tocha_fail(TOCHA_ETYPE, arg, "%s: %s must be a %s tensor like A, got a %s tensor", fn, name,
                      tocha_dtype_name(dt), tocha_dtype_name(x->dtype));
  return TOCHA_OK;
}

static tocha_status check_result(const char *fn, const tocha_tensor *out, tocha_dtype dt) {
  if (out->dtype != dt)
    return tocha_fail(TOCHA_ETYPE, 0, "%s: result tensors must be %s tensors like the input, got a %s tensor", fn,
                      tocha_dtype_name(dt), tocha_dtype_name(out->dtype));
  return TOCHA_OK;
}

static tocha_status check_fits(const char *fn, const tocha_tensor *x, int arg, const char *name) {
  for (int d = 0; d < x->ndim; d++)
    if (x->size[d] > INT_MAX)
      return tocha_fail(TOCHA_EOVERFLOW, arg, "%s: %s is too large for LAPACK (a dimension of %lld > %d)", fn, name,
                        (long long)x->size[d], INT_MAX);
  return TOCHA_OK;
}

static tocha_status check_matrix(const char *fn, const tocha_tensor *x, int arg, const char *name) {
  if (x->ndim != 2)
    return tocha_fail(TOCHA_ESIZE, arg, "%s: %s must be a matrix (2 dimensions), got %d dimensions", fn, name, x->ndim);
  return check_fits(fn, x, arg, name);
}

static tocha_status check_square(const char *fn, const tocha_tensor *x, int arg, const char *name) {
  tocha_status st = check_matrix(fn, x, arg, name);
  if (st) return st;
  if (x->size[0] != x->size[1])
    return tocha_fail(TOCHA_ESIZE, arg, "%s: %s must be square, got %lldx%lld", fn, name, (long long)x->size[0],
                      (long long)x->size[1]);
  return TOCHA_OK;
}

/* A right-hand side: a matrix or a vector of `rows` rows. */
static tocha_status check_rhs(const char *fn, const tocha_tensor *b, int arg, int64_t rows) {
  if (b->ndim != 1 && b->ndim != 2)
    return tocha_fail(TOCHA_ESIZE, arg, "%s: B must be a vector or a matrix, got %d dimensions", fn, b->ndim);
  tocha_status st = check_fits(fn, b, arg, "B");
  if (st) return st;
  if (b->size[0] != rows)
    return tocha_fail(TOCHA_ESIZE, arg, "%s: B has %lld rows but A has %lld", fn, (long long)b->size[0],
                      (long long)rows);
  return TOCHA_OK;
}

/* c must be one of `allowed` (two or three characters). */
static tocha_status check_option(const char *fn, char c, const char *allowed, int arg, const char *what) {
  if (c && strchr(allowed, c)) return TOCHA_OK;
  char list[32];
  if (strlen(allowed) == 2)
    snprintf(list, sizeof list, "'%c' or '%c'", allowed[0], allowed[1]);
  else
    snprintf(list, sizeof list, "'%c', '%c' or '%c'", allowed[0], allowed[1], allowed[2]);
  if (c >= 32 && c < 127) return tocha_fail(TOCHA_EARG, arg, "%s: %s must be %s, got '%c'", fn, what, list, c);
  return tocha_fail(TOCHA_EARG, arg, "%s: %s must be %s", fn, what, list);
}

/* A negative info from LAPACKE: a workspace that could not be allocated,
 * or an argument it rejected (its NaN check; the other arguments are
 * checked here before). */
static tocha_status lapack_error(const char *fn, lapack_int info) {
  if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
    return tocha_fail(TOCHA_ENOMEM, 0, "%s: not enough memory for LAPACK's workspace", fn);
  return tocha_fail(TOCHA_EARG, 0, "%s: LAPACK rejected its argument %d (NaN in the input?)", fn, (int)-info);
}

/* ---- column-major buffers ---------------------------------------------------- */

typedef struct cm {
  tocha_tensor t; /* contiguous, cols x ld: element (i, j) at j * ld + i */
  int64_t rows, cols, ld;
} cm;

static void cm_init(cm *c) {
  tocha_tensor_init(&c->t, TOCHA_DOUBLE);
  c->rows = c->cols = 0;
  c->ld = 1;
}

static void cm_release(cm *c) { tocha_tensor_release(&c->t); }

static void *cm_data(const cm *c) { return tocha_tensor_data(&c->t); }

static void *cm_at(const cm *c, int64_t i, int64_t j) {
  return (char *)cm_data(c) + (size_t)(j * c->ld + i) * tocha_dtype_size(c->t.dtype);
}

/* A zero-filled float64 rows x cols buffer with leading dimension max(1,
 * rows, ld_min); never empty (LAPACK gets a valid pointer even for 0 x n). */
static tocha_status cm_new(cm *c, const char *fn, int64_t rows, int64_t cols, int64_t ld_min) {
  int64_t ld = rows > ld_min ? rows : ld_min;
  if (ld < 1) ld = 1;
  int64_t ncols = cols > 0 ? cols : 1;
  if (ld > INT_MAX || ncols > INT_MAX / ld)
    return tocha_fail(TOCHA_EOVERFLOW, 0, "%s: a %lldx%lld matrix is too large for LAPACK", fn, (long long)ld,
                      (long long)cols);
  int64_t size[2] = {ncols, ld};
  /* Float matrices are computed in double too (see the top of this file) */
  tocha_status st = tocha_tensor_new(&c->t, TOCHA_DOUBLE, 2, size);
  if (st) return st;
  c->rows = rows;
  c->cols = cols;
  c->ld = ld;
  return TOCHA_OK;
}

/* v = the rows x cols matrix of c, as a (column-major) view. */
static void cm_view(const cm *c, tocha_tensor *v, int64_t rows, int64_t cols) {
  tocha_tensor_set(v, &c->t);
  v->ndim = 2;
  v->offset = 0;
  v->size[0] = rows;
  v->size[1] = cols;
  v->stride[0] = 1;
  v->stride[1] = c->ld;
}

/* v = the first n elements of c, as a vector. */
static void cm_vector(const cm *c, tocha_tensor *v, int64_t n) {
  tocha_tensor_set(v, &c->t);
  v->ndim = 1;
  v->offset = 0;
  v->size[0] = n;
  v->stride[0] = 1;
}

/* c = a copy of x (a matrix, or a vector as one column) in a new buffer;
 * NaN in x is an error naming it. */
static tocha_status cm_from(cm *c, const char *fn, const tocha_tensor *x, int64_t ld_min, int arg, const char *name) {
  int64_t rows = x->size[0], cols = x->ndim == 2 ? x->size[1] : 1;
  tocha_status st = cm_new(c, fn, rows, cols, ld_min);
  if (st) return st;
  if (rows == 0 || cols == 0) return TOCHA_OK;
  tocha_tensor v;
  tocha_tensor_init(&v, x->dtype);
  cm_view(c, &v, rows, cols);
  st = tocha_copy(&v, x);
  tocha_tensor_release(&v);
  if (st) return st;
  for (int64_t j = 0; j < cols; j++)
    for (int64_t i = 0; i < rows; i++) {
      double value = *(double *)cm_at(c, i, j);
      if (isnan(value))
        return tocha_fail(TOCHA_EARG, arg, "%s: %s contains NaN (at %lld,%lld)", fn, name, (long long)i + 1,
                          (long long)j + 1);
    }
  return TOCHA_OK;
}

/* out = rows x cols of c with Torch7's layout for LAPACK results: kept
 * when out has that shape and is not row-major contiguous, else made the
 * transpose of a contiguous tensor (column-major). */
static tocha_status deliver_matrix(tocha_tensor *out, const cm *c, int64_t rows, int64_t cols) {
  tocha_status st = TOCHA_OK;
  if (!(out->ndim == 2 && out->size[0] == rows && out->size[1] == cols && out->storage &&
        !tocha_tensor_is_contiguous(out))) {
    int64_t size[2] = {cols, rows};
    st = tocha_tensor_resize(out, 2, size);
    if (!st) st = tocha_transpose(out, out, 0, 1);
  }
  if (st || rows == 0 || cols == 0) return st;
  tocha_tensor v;
  tocha_tensor_init(&v, c->t.dtype);
  cm_view(c, &v, rows, cols);
  st = tocha_copy(out, &v);
  tocha_tensor_release(&v);
  return st;
}

/* out = src with tocha's ordinary rule (right size: kept; else resized). */
static tocha_status deliver_plain(tocha_tensor *out, const tocha_tensor *src) {
  tocha_status st = tocha_tensor_resize_as(out, src);
  if (st || tocha_tensor_nelement(src) == 0) return st;
  return tocha_copy(out, src);
}

static tocha_status deliver_vector(tocha_tensor *out, const cm *c, int64_t n) {
  tocha_tensor v;
  tocha_tensor_init(&v, c->t.dtype);
  cm_vector(c, &v, n);
  tocha_status st = deliver_plain(out, &v);
  tocha_tensor_release(&v);
  return st;
}

/* Zeroes the triangle of the n x n matrix in c opposite to `uplo`. */
static void clear_other_triangle(cm *c, int64_t n, char uplo) {
  size_t esz = tocha_dtype_size(c->t.dtype);
  for (int64_t j = 0; j < n; j++)
    for (int64_t i = 0; i < n; i++)
      if (uplo == 'U' ? i > j : i < j) memset(cm_at(c, i, j), 0, esz);
}

/* Fills the triangle opposite to `uplo` from the `uplo` one (symmetric). */
static void mirror_triangle(cm *c, int64_t n, char uplo) {
  size_t esz = tocha_dtype_size(c->t.dtype);
  for (int64_t j = 0; j < n; j++)
    for (int64_t i = 0; i < n; i++)
      if (uplo == 'U' ? i > j : i < j) memcpy(cm_at(c, i, j), cm_at(c, j, i), esz);
}

#define LDI(c) ((lapack_int)(c).ld)
#define DIM(x) ((lapack_int)(x))

/* ---- solvers ----------------------------------------------------------------- */

tocha_status tocha_gesv(tocha_tensor *rb, tocha_tensor *ra, const tocha_tensor *b, const tocha_tensor *a) {
  const char *fn = "gesv";
  tocha_status st = check_real(fn, a, 2, "A");
  if (!st) st = check_like(fn, b, 1, "B", a->dtype);
  if (!st) st = check_result(fn, rb, a->dtype);
  if (!st) st = check_result(fn, ra, a->dtype);
  if (!st) st = check_square(fn, a, 2, "A");
  if (!st) st = check_rhs(fn, b, 1, a->size[0]);
  if (st) return st;
  int64_t n = a->size[0], k = b->ndim == 2 ? b->size[1] : 1;
  cm A, B;
  cm_init(&A);
  cm_init(&B);
  lapack_int *ipiv = NULL;
  st = cm_from(&A, fn, a, 0, 2, "A");
  if (!st) st = cm_from(&B, fn, b, 0, 1, "B");
  if (!st && !(ipiv = malloc(sizeof *ipiv * (size_t)(n > 0 ? n : 1))))
    st = tocha_fail(TOCHA_ENOMEM, 0, "%s: not enough memory", fn);
  if (!st && n > 0 && k > 0) {
    lapack_int info = LAPACKE_dgesv(LAPACK_COL_MAJOR, DIM(n), DIM(k), cm_data(&A), LDI(A), ipiv, cm_data(&B), LDI(B));
    if (info < 0) st = lapack_error(fn, info);
    if (info > 0)
      st = tocha_fail(TOCHA_EARG, 2, "%s: A is singular (U(%d,%d) of its LU factorisation is zero)", fn, (int)info,
                      (int)info);
  }
  if (!st) st = deliver_matrix(ra, &A, n, n);
  if (!st) st = deliver_matrix(rb, &B, n, k);
  free(ipiv);
  cm_release(&A);
  cm_release(&B);
  return st;
}

tocha_status tocha_trtrs(tocha_tensor *rb, tocha_tensor *ra, const tocha_tensor *b, const tocha_tensor *a, char uplo,
                         char trans, char diag) {
  const char *fn = "trtrs";
  tocha_status st = check_real(fn, a, 2, "A");
  if (!st) st = check_like(fn, b, 1, "B", a->dtype);
  if (!st) st = check_result(fn, rb, a->dtype);
  if (!st) st = check_result(fn, ra, a->dtype);
  if (!st) st = check_square(fn, a, 2, "A");
  if (!st) st = check_rhs(fn, b, 1, a->size[0]);
  if (!st) st = check_option(fn, uplo, "UL", 3, "uplo");
  if (!st) st = check_option(fn, trans, "NT", 4, "trans");
  if (!st) st = check_option(fn, diag, "NU", 5, "diag");
  if (st) return st;
  int64_t n = a->size[0], k = b->ndim == 2 ? b->size[1] : 1;
  cm A, B;
  cm_init(&A);
  cm_init(&B);
  st = cm_from(&A, fn, a, 0, 2, "A");
  if (!st) st = cm_from(&B, fn, b, 0, 1, "B");
  if (!st && n > 0 && k > 0) {
    lapack_int info =
        LAPACKE_dtrtrs(LAPACK_COL_MAJOR, uplo, trans, diag, DIM(n), DIM(k), cm_data(&A), LDI(A), cm_data(&B), LDI(B));
    if (info < 0) st = lapack_error(fn, info);
    if (info > 0)
      st = tocha_fail(TOCHA_EARG, 2, "%s: A is singular (its diagonal element A(%d,%d) is zero)", fn, (int)info,
                      (int)info);
  }
  if (!st) st = deliver_matrix(ra, &A, n, n);
  if (!st) st = deliver_matrix(rb, &B, n, k);
  cm_release(&A);
  cm_release(&B);
  return st;
}

tocha_status tocha_gels(tocha_tensor *rb, tocha_tensor *ra, const tocha_tensor *b, const tocha_tensor *a) {
  const char *fn = "gels";
  tocha_status st = check_real(fn, a, 2, "A");
  if (!st) st = check_like(fn, b, 1, "B", a->dtype);
  if (!st) st = check_result(fn, rb, a->dtype);
  if (!st) st = check_result(fn, ra, a->dtype);
  if (!st) st = check_matrix(fn, a, 2, "A");
  if (!st) st = check_rhs(fn, b, 1, a->size[0]);
  if (st) return st;
  int64_t m = a->size[0], n = a->size[1], k = b->ndim == 2 ? b->size[1] : 1;
  cm A, B;
  cm_init(&A);
  cm_init(&B);
  st = cm_from(&A, fn, a, 0, 2, "A");
  if (!st) st = cm_from(&B, fn, b, m > n ? m : n, 1, "B");
  if (!st && m > 0 && n > 0 && k > 0) {
    lapack_int info =
        LAPACKE_dgels(LAPACK_COL_MAJOR, 'N', DIM(m), DIM(n), DIM(k), cm_data(&A), LDI(A), cm_data(&B), LDI(B));
    if (info < 0) st = lapack_error(fn, info);
    if (info > 0)
      st = tocha_fail(TOCHA_EARG, 2,
                      "%s: A does not have full rank (diagonal element %d of its triangular factor is zero)", fn,
                      (int)info);
  }
  if (!st) st = deliver_matrix(ra, &A, m, n);
  if (!st) st = deliver_matrix(rb, &B, n, k);
  cm_release(&A);
  cm_release(&B);
  return st;
}

tocha_status tocha_inverse(tocha_tensor *out, const tocha_tensor *a) {
  const char *fn = "inverse";
  tocha_status st = check_real(fn, a, 1, "A");
  if (!st) st = check_result(fn, out, a->dtype);
  if (!st) st = check_square(fn, a, 1, "A");
  if (st) return st;
  int64_t n = a->size[0];
  cm A;
  cm_init(&A);
  lapack_int *ipiv = NULL;
  st = cm_from(&A, fn, a, 0, 1, "A");
  if (!st && !(ipiv = malloc(sizeof *ipiv * (size_t)(n > 0 ? n : 1))))
    st = tocha_fail(TOCHA_ENOMEM, 0, "%s: not enough memory", fn);
  if (!st && n > 0) {
    lapack_int info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, DIM(n), DIM(n), cm_data(&A), LDI(A), ipiv);
    if (info == 0) info = LAPACKE_dgetri(LAPACK_COL_MAJOR, DIM(n), cm_data(&A), LDI(A), ipiv);
    if (info < 0) st = lapack_error(fn, info);
    if (info > 0)
      st = tocha_fail(TOCHA_EARG, 1, "%s: the matrix is singular (U(%d,%d) of its LU factorisation is zero)", fn,
                      (int)info, (int)info);
  }
  if (!st) st = deliver_matrix(out, &A, n, n);
  free(ipiv);
  cm_release(&A);
  return st;
}

/* ---- Cholesky ---------------------------------------------------------------- */

tocha_status tocha_potrf(tocha_tensor *out, const tocha_tensor *a, char uplo) {
  const char *fn = "potrf";
  tocha_status st = check_real(fn, a, 1, "A");
  if (!st) st = check_result(fn, out, a->dtype);
  if (!st) st = check_square(fn, a, 1, "A");
  if (!st) st = check_option(fn, uplo, "UL", 2, "uplo");
  if (st) return st;
  int64_t n = a->size[0];
  cm A;
  cm_init(&A);
  st = cm_from(&A, fn, a, 0, 1, "A");
  if (!st && n > 0) {
    lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, uplo, DIM(n), cm_data(&A), LDI(A));
    if (info < 0) st = lapack_error(fn, info);
    if (info > 0)
      st = tocha_fail(TOCHA_EARG, 1, "%s: the matrix is not positive definite (its leading minor of order %d is not)",
                      fn, (int)info);
  }
  if (!st) {
    clear_other_triangle(&A, n, uplo);
    st = deliver_matrix(out, &A, n, n);
  }
  cm_release(&A);
  return st;
}

tocha_status tocha_potrs(tocha_tensor *out, const tocha_tensor *b, const tocha_tensor *chol, char uplo) {
  const char *fn = "potrs";
  tocha_status st = check_real(fn, chol, 2, "the factor");
  if (!st) st = check_like(fn, b, 1, "B", chol->dtype);
  if (!st) st = check_result(fn, out, chol->dtype);
  if (!st) st = check_square(fn, chol, 2, "the factor");
  if (!st) st = check_rhs(fn, b, 1, chol->size[0]);
  if (!st) st = check_option(fn, uplo, "UL", 3, "uplo");
  if (st) return st;
  int64_t n = chol->size[0], k = b->ndim == 2 ? b->size[1] : 1;
  cm A, B;
  cm_init(&A);
  cm_init(&B);
  st = cm_from(&A, fn, chol, 0, 2, "the factor");
  if (!st) st = cm_from(&B, fn, b, 0, 1, "B");
  if (!st && n > 0 && k > 0) {
    lapack_int info = LAPACKE_dpotrs(LAPACK_COL_MAJOR, uplo, DIM(n), DIM(k), cm_data(&A), LDI(A), cm_data(&B), LDI(B));
    if (info < 0) st = lapack_error(fn, info);
  }
  if (!st) st = deliver_matrix(out, &B, n, k);
  cm_release(&A);
  cm_release(&B);
  return st;
}

tocha_status tocha_potri(tocha_tensor *out, const tocha_tensor *chol, char uplo) {
  const char *fn = "potri";
  tocha_status st = check_real(fn, chol, 1, "the factor");
  if (!st) st = check_result(fn, out, chol->dtype);
  if (!st) st = check_square(fn, chol, 1, "the factor");
  if (!st) st = check_option(fn, uplo, "UL", 2, "uplo");
  if (st) return st;
  int64_t n = chol->size[0];
  cm A;
  cm_init(&A);
  st = cm_from(&A, fn, chol, 0, 1, "the factor");
  if (!st && n > 0) {
    lapack_int info = LAPACKE_dpotri(LAPACK_COL_MAJOR, uplo, DIM(n), cm_data(&A), LDI(A));
    if (info < 0) st = lapack_error(fn, info);
    if (info > 0)
      st = tocha_fail(TOCHA_EARG, 1, "%s: the matrix is singular (the factor's diagonal element (%d,%d) is zero)", fn,
                      (int)info, (int)info);
  }
  if (!st) {
    mirror_triangle(&A, n, uplo);
    st = deliver_matrix(out, &A, n, n);
  }
  cm_release(&A);
  return st;
}

tocha_status tocha_pstrf(tocha_tensor *out, tocha_tensor *piv, const tocha_tensor *a, char uplo, double tol) {
  const char *fn = "pstrf";
  tocha_status st = check_real(fn, a, 1, "A");
  if (!st) st = check_result(fn, out, a->dtype);
  if (!st && (piv->dtype == TOCHA_FLOAT || piv->dtype == TOCHA_DOUBLE || piv->dtype == TOCHA_BYTE))
    st = tocha_fail(TOCHA_ETYPE, 0, "%s: the pivot tensor must be an integer tensor (Long), got a %s tensor", fn,
                    tocha_dtype_name(piv->dtype));
  if (!st) st = check_square(fn, a, 1, "A");
  if (!st) st = check_option(fn, uplo, "UL", 2, "uplo");
  if (!st && isnan(tol)) st = tocha_fail(TOCHA_EARG, 3, "%s: tol must be a number, got NaN", fn);
  if (st) return st;
  int64_t n = a->size[0];
  cm A;
  cm_init(&A);
  tocha_tensor p;
  tocha_tensor_init(&p, TOCHA_LONG);
  lapack_int *ipiv = NULL, rank = 0;
  st = cm_from(&A, fn, a, 0, 1, "A");
  if (!st && !(ipiv = malloc(sizeof *ipiv * (size_t)(n > 0 ? n : 1))))
    st = tocha_fail(TOCHA_ENOMEM, 0, "%s: not enough memory", fn);
  if (!st && n > 0) {
    lapack_int info = LAPACKE_dpstrf(LAPACK_COL_MAJOR, uplo, DIM(n), cm_data(&A), LDI(A), ipiv, &rank, tol);
    if (info < 0) st = lapack_error(fn, info);
    if (info > 0)
      st = tocha_fail(TOCHA_EARG, 1, "%s: the matrix is rank deficient or not positive semidefinite (rank %d of %lld)",
                      fn, (int)rank, (long long)n);
  }
  if (!st) st = tocha_tensor_new(&p, TOCHA_LONG, 1, &n);
  if (!st) {
    int64_t *pd = tocha_tensor_data(&p);
    for (int64_t i = 0; i < n; i++) pd[i] = (int64_t)ipiv[i] - 1;
    clear_other_triangle(&A, n, uplo);
    st = deliver_matrix(out, &A, n, n);
  }
  if (!st) st = deliver_plain(piv, &p);
  free(ipiv);
  tocha_tensor_release(&p);
  cm_release(&A);
  return st;
}

/* ---- QR ---------------------------------------------------------------------- */

/* geqrf on the buffer A (m x n) into tau (k). */
static tocha_status run_geqrf(const char *fn, cm *A, cm *tau) {
  int64_t m = A->rows, n = A->cols, k = m < n ? m : n;
  tocha_status st = cm_new(tau, fn, k, 1, 0);
  if (st || k == 0) return st;
  lapack_int info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, DIM(m), DIM(n), cm_data(A), LDI(*A), cm_data(tau));
  return info < 0 ? lapack_error(fn, info) : TOCHA_OK;
}

/* orgqr on the buffer A (m x >= k columns) with tau of k: Q in A's first
 * k columns. */
static tocha_status run_orgqr(const char *fn, cm *A, const cm *tau, int64_t k) {
  int64_t m = A->rows;
  if (m == 0 || k == 0) return TOCHA_OK;
  lapack_int info = LAPACKE_dorgqr(LAPACK_COL_MAJOR, DIM(m), DIM(k), DIM(k), cm_data(A), LDI(*A), cm_data(tau));
  return info < 0 ? lapack_error(fn, info) : TOCHA_OK;
}

tocha_status tocha_geqrf(tocha_tensor *out, tocha_tensor *tau, const tocha_tensor *a) {
  const char *fn = "geqrf";
  tocha_status st = check_real(fn, a, 1, "A");
  if (!st) st = check_result(fn, out, a->dtype);
  if (!st) st = check_result(fn, tau, a->dtype);
  if (!st) st = check_matrix(fn, a, 1, "A");
  if (st) return st;
  int64_t m = a->size[0], n = a->size[1], k = m < n ? m : n;
  cm A, T;
  cm_init(&A);
  cm_init(&T);
  st = cm_from(&A, fn, a, 0, 1, "A");
  if (!st) st = run_geqrf(fn, &A, &T);
  if (!st) st = deliver_matrix(out, &A, m, n);
  if (!st) st = deliver_vector(tau, &T, k);
  cm_release(&A);
  cm_release(&T);
  return st;
}

tocha_status tocha_orgqr(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *tau) {
  const char *fn = "orgqr";
  tocha_status st = check_real(fn, a, 1, "A");
  if (!st) st = check_like(fn, tau, 2, "tau", a->dtype);
  if (!st) st = check_result(fn, out, a->dtype);
  if (!st) st = check_matrix(fn, a, 1, "A");
  if (!st && tau->ndim != 1)
    st = tocha_fail(TOCHA_ESIZE, 2, "%s: tau must be a vector, got %d dimensions", fn, tau->ndim);
  if (st) return st;
  int64_t m = a->size[0], n = a->size[1], k = tau->size[0];
  if (k > m || k > n)
    return tocha_fail(TOCHA_ESIZE, 2, "%s: tau has %lld elements, more than min(m, n) = %lld of A (%lldx%lld)", fn,
                      (long long)k, (long long)(m < n ? m : n), (long long)m, (long long)n);
  cm A, T;
  cm_init(&A);
  cm_init(&T);
  st = cm_from(&A, fn, a, 0, 1, "A");
  if (!st) st = cm_new(&T, fn, k, 1, 0);
  if (!st && k > 0) {
    tocha_tensor v;
    tocha_tensor_init(&v, a->dtype);
    cm_vector(&T, &v, k);
    st = tocha_copy(&v, tau);
    tocha_tensor_release(&v);
  }
  if (!st) st = run_orgqr(fn, &A, &T, k);
  if (!st) st = deliver_matrix(out, &A, m, k);
  cm_release(&A);
  cm_release(&T);
  return st;
}

tocha_status tocha_ormqr(tocha_tensor *out, const tocha_tensor *a, const tocha_tensor *tau, const tocha_tensor *c,
                         char side, char trans) {
  const char *fn = "ormqr";
  tocha_status st = check_real(fn, a, 1, "A");
  if (!st) st = check_like(fn, tau, 2, "tau", a->dtype);
  if (!st) st = check_like(fn, c, 3, "C", a->dtype);
  if (!st) st = check_result(fn, out, a->dtype);
  if (!st) st = check_matrix(fn, a, 1, "A");
  if (!st && tau->ndim != 1)
    st = tocha_fail(TOCHA_ESIZE, 2, "%s: tau must be a vector, got %d dimensions", fn, tau->ndim);
  if (!st) st = check_matrix(fn, c, 3, "C");
  if (!st) st = check_option(fn, side, "LR", 4, "side");
  if (!st) st = check_option(fn, trans, "NT", 5, "trans");
  if (st) return st;
  int64_t m = c->size[0], n = c->size[1], k = tau->size[0], nq = side == 'L' ? m : n;
  if (a->size[0] != nq)
    return tocha_fail(TOCHA_ESIZE, 1, "%s: A has %lld rows, but C (%lldx%lld) needs a Q of %lldx%lld (side '%c')", fn,
                      (long long)a->size[0], (long long)m, (long long)n, (long long)nq, (long long)nq, side);
  if (k > a->size[1] || k > nq)
    return tocha_fail(TOCHA_ESIZE, 2, "%s: tau has %lld elements, more than A's %lld columns or Q's order %lld", fn,
                      (long long)k, (long long)a->size[1], (long long)nq);
  tocha_dtype dt = a->dtype;
  cm A, T, C;
  cm_init(&A);
  cm_init(&T);
  cm_init(&C);
  st = cm_from(&A, fn, a, 0, 1, "A");
  if (!st) st = cm_new(&T, fn, k, 1, 0);
  if (!st && k > 0) {
    tocha_tensor v;
    tocha_tensor_init(&v, dt);
    cm_vector(&T, &v, k);
    st = tocha_copy(&v, tau);
    tocha_tensor_release(&v);
  }
  if (!st) st = cm_from(&C, fn, c, 0, 3, "C");
  if (!st && m > 0 && n > 0 && k > 0) {
    lapack_int info = LAPACKE_dormqr(LAPACK_COL_MAJOR, side, trans, DIM(m), DIM(n), DIM(k), cm_data(&A), LDI(A),
                                     cm_data(&T), cm_data(&C), LDI(C));
    if (info < 0) st = lapack_error(fn, info);
  }
  if (!st) st = deliver_matrix(out, &C, m, n);
  cm_release(&A);
  cm_release(&T);
  cm_release(&C);
  return st;
}

tocha_status tocha_qr(tocha_tensor *q, tocha_tensor *r, const tocha_tensor *a) {
  const char *fn = "qr";
  tocha_status st = check_real(fn, a, 1, "A");
  if (!st) st = check_result(fn, q, a->dtype);
  if (!st) st = check_result(fn, r, a->dtype);
  if (!st) st = check_matrix(fn, a, 1, "A");
  if (st) return st;
  if (q == r) return tocha_fail(TOCHA_EARG, 0, "%s: q and r must be different tensors", fn);
  tocha_dtype dt = a->dtype;
  int64_t m = a->size[0], n = a->size[1], k = m < n ? m : n;
  cm A, T, R;
  cm_init(&A);
  cm_init(&T);
  cm_init(&R);
  st = cm_from(&A, fn, a, 0, 1, "A");
  if (!st) st = run_geqrf(fn, &A, &T);
  if (!st) st = cm_new(&R, fn, k, n, 0);
  if (!st) {
    for (int64_t j = 0; j < n; j++)
      for (int64_t i = 0; i < k && i <= j; i++) *(double *)cm_at(&R, i, j) = *(double *)cm_at(&A, i, j);
    st = run_orgqr(fn, &A, &T, k);
  }
  if (!st) st = deliver_matrix(q, &A, m, k);
  if (!st) {
    tocha_tensor v;
    tocha_tensor_init(&v, dt);
    cm_view(&R, &v, k, n);
    st = deliver_plain(r, &v);
    tocha_tensor_release(&v);
  }
  cm_release(&A);
  cm_release(&T);
  cm_release(&R);
  return st;
}

/* ---- SVD and eigenvalues ------------------------------------------------------- */

tocha_status tocha_svd(tocha_tensor *u, tocha_tensor *s, tocha_tensor *v, const tocha_tensor *a, char jobu) {
  const char *fn = "svd";
  tocha_status st = check_real(fn, a, 1, "A");
  if (!st) st = check_result(fn, u, a->dtype);
  if (!st) st = check_result(fn, s, a->dtype);
  if (!st) st = check_result(fn, v, a->dtype);
  if (!st) st = check_matrix(fn, a, 1, "A");
  if (!st) st = check_option(fn, jobu, "SA", 2, "jobu");
  if (st) return st;
  if (u == s || u == v || s == v) return tocha_fail(TOCHA_EARG, 0, "%s: u, s and v must be different tensors", fn);
  tocha_dtype dt = a->dtype;
  int64_t m = a->size[0], n = a->size[1], k = m < n ? m : n;
  int64_t ucols = jobu == 'A' ? m : k, vtrows = jobu == 'A' ? n : k;
  cm A, S, U, VT, W;
  cm_init(&A);
  cm_init(&S);
  cm_init(&U);
  cm_init(&VT);
  cm_init(&W);
  st = cm_from(&A, fn, a, 0, 1, "A");
  if (!st) st = cm_new(&S, fn, k, 1, 0);
  if (!st) st = cm_new(&U, fn, m, ucols, 0);
  if (!st) st = cm_new(&VT, fn, vtrows, n, 0);
  if (!st) st = cm_new(&W, fn, k, 1, 0); /* superb: min(m, n) - 1 */
  if (!st && m > 0 && n > 0) {
    lapack_int info = LAPACKE_dgesvd(LAPACK_COL_MAJOR, jobu, jobu, DIM(m), DIM(n), cm_data(&A), LDI(A), cm_data(&S),
                                     cm_data(&U), LDI(U), cm_data(&VT), LDI(VT), cm_data(&W));
    if (info < 0) st = lapack_error(fn, info);
    if (info > 0)
      st = tocha_fail(TOCHA_EARG, 1, "%s: did not converge (%d superdiagonals of the bidiagonal form)", fn, (int)info);
  } else if (!st && jobu == 'A') {
    /* An empty A: the full U and V of the other dimension are identities. */
    for (int64_t i = 0; i < m; i++) {
      *(double *)cm_at(&U, i, i) = 1;
    }
    for (int64_t i = 0; i < n; i++) {
      *(double *)cm_at(&VT, i, i) = 1;
    }
  }
  if (!st) st = deliver_matrix(u, &U, m, ucols);
  if (!st) st = deliver_vector(s, &S, k);
  if (!st) {
    /* V = VT^T: row i of V is column i of VT, so V is VT's buffer read row-major. */
    tocha_tensor view;
    tocha_tensor_init(&view, dt);
    tocha_tensor_set(&view, &VT.t);
    view.ndim = 2;
    view.offset = 0;
    view.size[0] = n;
    view.size[1] = vtrows;
    view.stride[0] = VT.ld;
    view.stride[1] = 1;
    st = deliver_plain(v, &view);
    tocha_tensor_release(&view);
  }
  cm_release(&A);
  cm_release(&S);
  cm_release(&U);
  cm_release(&VT);
  cm_release(&W);
  return st;
}

tocha_status tocha_eig(tocha_tensor *e, tocha_tensor *v, const tocha_tensor *a, char job) {
  const char *fn = "eig";
  tocha_status st = check_real(fn, a, 1, "A");
  if (!st) st = check_result(fn, e, a->dtype);
  if (!st) st = check_result(fn, v, a->dtype);
  if (!st) st = check_square(fn, a, 1, "A");
  if (!st) st = check_option(fn, job, "NV", 2, "job");
  if (st) return st;
  if (e == v) return tocha_fail(TOCHA_EARG, 0, "%s: e and v must be different tensors", fn);
  tocha_dtype dt = a->dtype;
  int64_t n = a->size[0];
  cm A, WR, WI, VR;
  cm_init(&A);
  cm_init(&WR);
  cm_init(&WI);
  cm_init(&VR);
  tocha_tensor E;
  tocha_tensor_init(&E, dt);
  st = cm_from(&A, fn, a, 0, 1, "A");
  if (!st) st = cm_new(&WR, fn, n, 1, 0);
  if (!st) st = cm_new(&WI, fn, n, 1, 0);
  if (!st) st = cm_new(&VR, fn, job == 'V' ? n : 1, job == 'V' ? n : 1, 0);
  if (!st && n > 0) {
    lapack_int info = LAPACKE_dgeev(LAPACK_COL_MAJOR, 'N', job, DIM(n), cm_data(&A), LDI(A), cm_data(&WR), cm_data(&WI),
                                    NULL, 1, cm_data(&VR), LDI(VR));
    if (info < 0) st = lapack_error(fn, info);
    if (info > 0)
      st = tocha_fail(TOCHA_EARG, 1, "%s: the QR algorithm did not converge (eigenvalues %d to %lld not computed)", fn,
                      (int)info, (long long)n);
  }
  int64_t esize[2] = {n, 2};
  if (!st) st = tocha_tensor_new(&E, TOCHA_DOUBLE, 2, esize);
  if (!st) {
    double *ed = tocha_tensor_data(&E);
    for (int64_t i = 0; i < n; i++) {
      ed[2 * i] = *(double *)cm_at(&WR, i, 0);
      ed[2 * i + 1] = *(double *)cm_at(&WI, i, 0);
    }
    st = deliver_plain(e, &E);
  }
  if (!st && job == 'V') st = deliver_matrix(v, &VR, n, n);
  tocha_tensor_release(&E);
  cm_release(&A);
  cm_release(&WR);
  cm_release(&WI);
  cm_release(&VR);
  return st;
}

tocha_status tocha_symeig(tocha_tensor *e, tocha_tensor *v, const tocha_tensor *a, char job, char uplo) {
  const char *fn = "symeig";
  tocha_status st = check_real(fn, a, 1, "A");
  if (!st) st = check_result(fn, e, a->dtype);
  if (!st) st = check_result(fn, v, a->dtype);
  if (!st) st = check_square(fn, a, 1, "A");
  if (!st) st = check_option(fn, job, "NV", 2, "job");
  if (!st) st = check_option(fn, uplo, "UL", 3, "uplo");
  if (st) return st;
  if (e == v) return tocha_fail(TOCHA_EARG, 0, "%s: e and v must be different tensors", fn);
  int64_t n = a->size[0];
  cm A, W;
  cm_init(&A);
  cm_init(&W);
  st = cm_from(&A, fn, a, 0, 1, "A");
  if (!st) st = cm_new(&W, fn, n, 1, 0);
  if (!st && n > 0) {
    lapack_int info = LAPACKE_dsyev(LAPACK_COL_MAJOR, job, uplo, DIM(n), cm_data(&A), LDI(A), cm_data(&W));
    if (info < 0) st = lapack_error(fn, info);
    if (info > 0)
      st = tocha_fail(TOCHA_EARG, 1, "%s: did not converge (%d off-diagonal elements did not reach zero)", fn,
                      (int)info);
  }
  if (!st) st = deliver_vector(e, &W, n);
  if (!st && job == 'V') st = deliver_matrix(v, &A, n, n);
  cm_release(&A);
  cm_release(&W);
  return st;
}
