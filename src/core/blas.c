/* Linear algebra on CBLAS: dot, mv, mm, ger, bmm and their add* forms. */
#include <cblas.h>
#include <limits.h>

#include "../tocha.h"
#include "iter.h"
#include "result.h"
#include "threads.h"

/* ---- argument checks ---------------------------------------------------- */

static tocha_status check_real(const tocha_tensor *t, int arg, const char *name) {
  if (t->dtype == TOCHA_FLOAT || t->dtype == TOCHA_DOUBLE) return TOCHA_OK;
  return tocha_fail(TOCHA_ETYPE, arg, "%s must be a FloatTensor or a DoubleTensor, got a %sTensor", name,
                    tocha_dtype_name(t->dtype));
}

static tocha_status check_same_type(const tocha_tensor *t, int arg, const char *name, const tocha_tensor *ref,
                                    const char *ref_name) {
  if (t->dtype == ref->dtype) return TOCHA_OK;
  return tocha_fail(TOCHA_ETYPE, arg, "mixed tensor types: %s is a %sTensor but %s is a %sTensor", ref_name,
                    tocha_dtype_name(ref->dtype), name, tocha_dtype_name(t->dtype));
}

static tocha_status check_ndim(const tocha_tensor *t, int ndim, int arg, const char *name) {
  static const char *const what[] = {"", "a vector (1D tensor)", "a matrix (2D tensor)",
                                     "a batch of matrices (3D tensor)"};
  if (t->ndim == ndim) return TOCHA_OK;
  if (t->ndim == 0) return tocha_fail(TOCHA_ESIZE, arg, "%s must be %s, got an empty tensor", name, what[ndim]);
  char shape[128];
  tocha_tensor_shape_string(t, shape, sizeof shape);
  return tocha_fail(TOCHA_ESIZE, arg, "%s must be %s, got a %dD tensor of size %s", name, what[ndim], t->ndim,
                    shape);
}

/* BLAS (LP64) takes dimensions, leading dimensions and increments as int. */
static tocha_status check_blas_int(int64_t v, int arg, const char *what, const char *name) {
  if (v <= INT_MAX) return TOCHA_OK;
  return tocha_fail(TOCHA_EOVERFLOW, arg, "the %s of %s is %lld, more than BLAS can take (at most %d)", what, name,
                    (long long)v, INT_MAX);
}

static tocha_status check_out_type(const tocha_tensor *out, tocha_dtype dtype) {
  if (out->dtype == dtype) return TOCHA_OK;
  return tocha_fail(TOCHA_ETYPE, 0, "the result is a %sTensor but the operands are %sTensors",
                    tocha_dtype_name(out->dtype), tocha_dtype_name(dtype));
}

/* ---- BLAS layouts ---------------------------------------------------------- */

/* How BLAS can address an r x c matrix with strides (sr, sc): by rows
 * (element (i, j) at i * ld + j) or by columns (at i + j * ld). */
typedef struct blas_layout {
  int by_rows;
  int ld;
} blas_layout;

static int64_t max1(int64_t v) { return v > 1 ? v : 1; }

static int layout_of(int64_t r, int64_t c, int64_t sr, int64_t sc, blas_layout *lay) {
  if (c <= 1 || sc == 1) {
    int64_t ld = r <= 1 ? max1(c) : sr;
    if (ld >= max1(c) && ld <= INT_MAX) {
      lay->by_rows = 1;
      lay->ld = (int)ld;
      return 1;
    }
  }
  if (r <= 1 || sr == 1) {
    int64_t ld = c <= 1 ? max1(r) : sc;
    if (ld >= max1(r) && ld <= INT_MAX) {
      lay->by_rows = 0;
      lay->ld = (int)ld;
      return 1;
    }
  }
  return 0;
}

/* The layout of the matrices in the last two dimensions of t. */
static int matrix_layout(const tocha_tensor *t, blas_layout *lay) {
  int d = t->ndim - 2;
  return layout_of(t->size[d], t->size[d + 1], t->stride[d], t->stride[d + 1], lay);
}

static int vector_inc(const tocha_tensor *t, int *inc) {
  if (t->size[0] <= 1) {
    *inc = 1;
    return 1;
  }
  if (t->stride[0] < 1 || t->stride[0] > INT_MAX) return 0;
  *inc = (int)t->stride[0];
  return 1;
}

/* An operand as BLAS reads it: a retained view of the caller's tensor, or
 * a contiguous copy when BLAS cannot address the original. */
typedef struct operand {
  tocha_tensor t;
  blas_layout lay; /* matrices */
  int inc;         /* vectors */
} operand;

static void operand_init(operand *op, const tocha_tensor *src) {
  tocha_tensor_init(&op->t, src->dtype);
  tocha_tensor_set(&op->t, src);
}

static tocha_status operand_matrix(operand *op, const tocha_tensor *src) {
  operand_init(op, src);
  if (matrix_layout(&op->t, &op->lay)) return TOCHA_OK;
  tocha_status st = tocha_clone(&op->t, src, src->dtype);
  if (st) return st;
  matrix_layout(&op->t, &op->lay); /* contiguous: by rows */
  return TOCHA_OK;
}

static tocha_status operand_vector(operand *op, const tocha_tensor *src) {
  operand_init(op, src);
  if (vector_inc(&op->t, &op->inc)) return TOCHA_OK;
  tocha_status st = tocha_clone(&op->t, src, src->dtype);
  if (st) return st;
  op->inc = 1;
  return TOCHA_OK;
}

/* ---- results --------------------------------------------------------------- */

/* Where BLAS writes (tocha_result, result.h): `out` itself, resized (a
 * right-sized view keeps its geometry), when BLAS can address it (`layout`
 * says so once it has the result's shape), its elements are distinct and
 * it shares none with the operands, except for being exactly M; otherwise
 * a contiguous temporary copied into `out` at the end.  When M is given and
 * beta != 0 the target starts as M. */
typedef int (*layout_fn)(const tocha_tensor *t);

static int matrix_ok(const tocha_tensor *t) {
  blas_layout lay;
  return matrix_layout(t, &lay);
}

static int vector_ok(const tocha_tensor *t) {
  int inc;
  return vector_inc(t, &inc);
}

static tocha_status target_open(tocha_result *r, tocha_tensor *out, int ndim, const int64_t *size, layout_fn layout,
                                const tocha_tensor *M, double beta, const tocha_tensor *in1, const tocha_tensor *in2) {
  const tocha_tensor *inputs[3] = {in1, in2, M && !tocha_same_view(out, M) ? M : NULL};
  tocha_status st = tocha_result_begin(r, out, ndim, size, 0, inputs, 3);
  if (!st && r->dst == out && !(layout(out) && tocha_distinct_elements(out))) st = tocha_result_detach(r);
  if (!st && M && beta != 0 && !tocha_same_view(r->dst, M)) st = tocha_copy(r->dst, M);
  return st;
}

/* t = beta * t (beta == 0 clears t, NaN included). */
static void scale(tocha_tensor *t, double beta) {
  if (beta == 1) return;
  if (beta == 0) {
    (void)tocha_fill(t, 0);
    return;
  }
  tocha_iter it;
  tocha_iter_init(&it, 1, (const tocha_tensor *[]){t});
  if (t->dtype == TOCHA_FLOAT) {
    const float b = (float)beta;
    TOCHA_ITER_LOOP1(&it, float, p, *p *= b)
  } else {
    TOCHA_ITER_LOOP1(&it, double, p, *p *= beta)
  }
}

/* ---- BLAS calls ------------------------------------------------------------ */

static char *element(const tocha_tensor *t, int64_t index0) {
  return (char *)tocha_tensor_data(t) + (size_t)(index0 * t->stride[0]) * tocha_dtype_size(t->dtype);
}

/* ---- threads ----------------------------------------------------------------- */

/* tocha runs every parallel loop on its own pool (threads.h), matrix
 * products included: OpenBLAS is kept at one thread and a large product is
 * cut into one block of rows or columns per thread, each a single-threaded
 * BLAS call.  With OpenBLAS's threads as well, two kinds of idle threads
 * would poll the same cores between calls and the elementwise kernels of a
 * training step could not be split without waking a sleeping thread for
 * every call (see bench/README.md for the measurements). */
static int thread_count; /* 0 until set or first asked */

tocha_status tocha_set_num_threads(int n) {
  if (n < 1) return tocha_fail(TOCHA_EARG, 1, "number of threads must be >= 1, got %d", n);
  thread_count = n;
#ifdef OPENBLAS_THREAD
  openblas_set_num_threads(1);
#endif
  return TOCHA_OK;
}

int tocha_get_num_threads(void) {
  if (thread_count == 0) {
    thread_count = tocha_default_threads();
#ifdef OPENBLAS_THREAD
    openblas_set_num_threads(1);
#endif
  }
  return thread_count;
}

/* ---- BLAS calls ------------------------------------------------------------ */

/* C (m x n) = alpha * A (m x k) * B (k x n) + beta * C; m, n, k > 0. */
typedef struct gemm_call {
  tocha_dtype dtype;
  enum CBLAS_ORDER order;
  enum CBLAS_TRANSPOSE ta, tb;
  int m, n, k, lda, ldb, ldc;
  double alpha, beta;
  const char *a, *b;
  char *c;
  int split_rows; /* pieces are blocks of C's rows (else of its columns) */
} gemm_call;

static void gemm_run(const gemm_call *g, int m, int n, const char *a, const char *b, char *c) {
  if (g->dtype == TOCHA_FLOAT)
    cblas_sgemm(g->order, g->ta, g->tb, m, n, g->k, (float)g->alpha, (const float *)a, g->lda, (const float *)b,
                g->ldb, (float)g->beta, (float *)c, g->ldc);
  else
    cblas_dgemm(g->order, g->ta, g->tb, m, n, g->k, g->alpha, (const double *)a, g->lda, (const double *)b,
                g->ldb, g->beta, (double *)c, g->ldc);
}

/* Offset in elements of element (r, col) of a matrix stored in `order`. */
static size_t at(enum CBLAS_ORDER order, int ld, int r, int col) {
  return order == CblasRowMajor ? (size_t)r * (size_t)ld + (size_t)col : (size_t)r + (size_t)col * (size_t)ld;
}

/* Products of at least this many multiply-adds per thread are split. */
#define GEMM_SPLIT_MIN (1 << 21)
/* Row or column blocks are multiples of this (whole kernel tiles). */
#define GEMM_SPLIT_ALIGN 16

static void gemm_piece(void *arg, int piece, int npieces) {
  const gemm_call *g = arg;
  int total = g->split_rows ? g->m : g->n;
  int units = (total + GEMM_SPLIT_ALIGN - 1) / GEMM_SPLIT_ALIGN;
  int lo = units * piece / npieces * GEMM_SPLIT_ALIGN, hi = units * (piece + 1) / npieces * GEMM_SPLIT_ALIGN;
  if (hi > total) hi = total;
  if (lo >= hi) return;
  size_t es = tocha_dtype_size(g->dtype);
  if (g->split_rows) { /* rows lo..hi of op(A) and of C */
    size_t oa = g->ta == CblasNoTrans ? at(g->order, g->lda, lo, 0) : at(g->order, g->lda, 0, lo);
    gemm_run(g, hi - lo, g->n, g->a + oa * es, g->b, g->c + at(g->order, g->ldc, lo, 0) * es);
  } else { /* columns lo..hi of op(B) and of C */
    size_t ob = g->tb == CblasNoTrans ? at(g->order, g->ldb, 0, lo) : at(g->order, g->ldb, lo, 0);
    gemm_run(g, g->m, hi - lo, g->a, g->b + ob * es, g->c + at(g->order, g->ldc, 0, lo) * es);
  }
}

static void gemm(tocha_dtype dtype, int m, int n, int k, double alpha, const void *a, blas_layout la,
                 const void *b, blas_layout lb, double beta, void *c, blas_layout lc) {
  gemm_call g = {dtype, lc.by_rows ? CblasRowMajor : CblasColMajor,
                 la.by_rows == lc.by_rows ? CblasNoTrans : CblasTrans,
                 lb.by_rows == lc.by_rows ? CblasNoTrans : CblasTrans,
                 m, n, k, la.ld, lb.ld, lc.ld, alpha, beta, a, b, c, m > n};
  /* the larger side is split: each thread then packs a part of the larger operand */
  int64_t threads = tocha_get_num_threads();
  int64_t work = (int64_t)m * n * k, longest = m > n ? m : n;
  if (threads > work / GEMM_SPLIT_MIN) threads = work / GEMM_SPLIT_MIN;
  if (threads > longest / GEMM_SPLIT_ALIGN) threads = longest / GEMM_SPLIT_ALIGN;
  if (threads > TOCHA_POOL_MAX + 1) threads = TOCHA_POOL_MAX + 1;
  if (threads <= 1)
    gemm_run(&g, m, n, a, b, c);
  else
    tocha_parallel((int)threads, (int)threads, gemm_piece, &g);
}

/* ---- dot ------------------------------------------------------------------- */

/* One run of n elements with strides sa and sb. */
static double dot_run(tocha_dtype dtype, const char *a, int64_t sa, const char *b, int64_t sb, int64_t n) {
  double sum = 0;
  if (n == 1) sa = sb = 1;
  if (sa >= 1 && sa <= INT_MAX && sb >= 1 && sb <= INT_MAX) {
    size_t el = tocha_dtype_size(dtype);
    while (n > 0) {
      int chunk = n > INT_MAX ? INT_MAX : (int)n;
      if (dtype == TOCHA_FLOAT)
        sum += cblas_dsdot(chunk, (const float *)a, (int)sa, (const float *)b, (int)sb);
      else
        sum += cblas_ddot(chunk, (const double *)a, (int)sa, (const double *)b, (int)sb);
      a += (size_t)chunk * (size_t)sa * el;
      b += (size_t)chunk * (size_t)sb * el;
      n -= chunk;
    }
    return sum;
  }
  /* Stride 0 (expanded) or beyond int: a plain loop. */
  if (dtype == TOCHA_FLOAT) {
    const float *x = (const float *)a, *y = (const float *)b;
    for (int64_t i = 0; i < n; i++) sum += (double)x[i * sa] * (double)y[i * sb];
  } else {
    const double *x = (const double *)a, *y = (const double *)b;
    for (int64_t i = 0; i < n; i++) sum += x[i * sa] * y[i * sb];
  }
  return sum;
}

tocha_status tocha_dot(double *result, const tocha_tensor *a, const tocha_tensor *b) {
  tocha_status st;
  if ((st = check_real(a, 1, "tensor1")) || (st = check_real(b, 2, "tensor2")) ||
      (st = check_same_type(b, 2, "tensor2", a, "tensor1")))
    return st;
  if (tocha_tensor_nelement(a) != tocha_tensor_nelement(b)) { /* Torch7: equal element counts */
    char sa[128], sb[128];
    tocha_tensor_shape_string(a, sa, sizeof sa);
    tocha_tensor_shape_string(b, sb, sizeof sb);
    return tocha_fail(TOCHA_ESIZE, 2, "sizes %s and %s do not match", sa, sb);
  }
  double sum = 0;
  tocha_tensor copy, shaped;
  tocha_tensor_init(&copy, b->dtype);
  if (tocha_tensor_nelement(a) > 0) {
    if (!tocha_tensor_same_size(a, b)) {
      /* b in its own logical order, seen in a's shape */
      if (!tocha_tensor_is_contiguous(b)) {
        tocha_status cs = tocha_clone(&copy, b, b->dtype);
        if (cs) return cs;
        b = &copy;
      }
      shaped = *b;
      shaped.ndim = a->ndim;
      int64_t stride = 1;
      for (int d = a->ndim - 1; d >= 0; d--) {
        shaped.size[d] = a->size[d];
        shaped.stride[d] = stride;
        stride *= a->size[d];
      }
      b = &shaped;
    }
    tocha_iter it;
    tocha_iter_init(&it, 2, (const tocha_tensor *[]){a, b});
    while (tocha_iter_next(&it))
      sum += dot_run(a->dtype, it.ptr[0], it.inner_stride[0], it.ptr[1], it.inner_stride[1], it.inner_n);
  }
  tocha_tensor_release(&copy);
  *result = sum;
  return TOCHA_OK;
}

/* ---- mm, addmm, bmm, baddbmm, addbmm ------------------------------------- */

enum product_kind { MATRIX, BATCH, BATCH_SUM };

/* out = beta * M + alpha * A * B (M may be NULL: out = alpha * A * B).
 * pos_* are the argument positions reported in errors. */
static tocha_status matmul(tocha_tensor *out, double beta, const tocha_tensor *M, double alpha,
                           const tocha_tensor *A, const tocha_tensor *B, enum product_kind kind, int pos_M,
                           int pos_A, int pos_B) {
  const char *nA = kind == MATRIX ? "mat1" : "batch1", *nB = kind == MATRIX ? "mat2" : "batch2";
  int in_dim = kind == MATRIX ? 2 : 3, out_dim = kind == BATCH ? 3 : 2;
  tocha_status st;
  const tocha_tensor *ref = M ? M : A;
  const char *nref = M ? "M" : nA;
  if ((M && (st = check_real(M, pos_M, "M"))) || (st = check_real(A, pos_A, nA)) ||
      (st = check_real(B, pos_B, nB)) || (st = check_same_type(A, pos_A, nA, ref, nref)) ||
      (st = check_same_type(B, pos_B, nB, ref, nref)))
    return st;
  if ((M && (st = check_ndim(M, out_dim, pos_M, "M"))) || (st = check_ndim(A, in_dim, pos_A, nA)) ||
      (st = check_ndim(B, in_dim, pos_B, nB)))
    return st;

  /* the operands' shapes, for messages only (formatting them on every
   * product would cost a training step several microseconds) */
  char sa[128], sb[128], sm[128];
#define OPERAND_SHAPES() (tocha_tensor_shape_string(A, sa, sizeof sa), tocha_tensor_shape_string(B, sb, sizeof sb))
  int d = in_dim - 2; /* first matrix dimension */
  int64_t nb = kind == MATRIX ? 1 : A->size[0];
  int64_t m = A->size[d], k = A->size[d + 1], n = B->size[d + 1];
  if (kind != MATRIX && B->size[0] != nb)
    return OPERAND_SHAPES(),
           tocha_fail(TOCHA_ESIZE, pos_B, "size mismatch: %s has %lld matrices but %s has %lld (%s and %s)", nA,
                      (long long)nb, nB, (long long)B->size[0], sa, sb);
  if (B->size[d] != k)
    return OPERAND_SHAPES(), tocha_fail(TOCHA_ESIZE, pos_B,
                      "size mismatch: %s and %s cannot be multiplied (%s has %lld columns, %s has %lld rows)", sa,
                      sb, nA, (long long)k, nB, (long long)B->size[d]);
  int64_t shape[3], *mn = shape;
  if (kind == BATCH) *mn++ = nb;
  mn[0] = m;
  mn[1] = n;
  if (M) {
    int same = 1;
    for (int i = 0; i < out_dim; i++) same = same && M->size[i] == shape[i];
    if (!same) {
      tocha_tensor_shape_string(M, sm, sizeof sm);
      tocha_tensor probe; /* only its shape, for the message */
      tocha_tensor_init(&probe, A->dtype);
      probe.ndim = out_dim;
      for (int i = 0; i < out_dim; i++) probe.size[i] = shape[i];
      char sp[128];
      tocha_tensor_shape_string(&probe, sp, sizeof sp);
      OPERAND_SHAPES();
      return tocha_fail(TOCHA_ESIZE, pos_M, "size mismatch: M is %s but %s%s*%s (%s and %s) is %s", sm,
                        kind == BATCH_SUM ? "the sum of " : "", nA, nB, sa, sb, sp);
    }
  }
#undef OPERAND_SHAPES
  if ((st = check_blas_int(m, pos_A, "number of rows", nA)) ||
      (st = check_blas_int(k, pos_A, "number of columns", nA)) ||
      (st = check_blas_int(n, pos_B, "number of columns", nB)) || (st = check_out_type(out, A->dtype)))
    return st;

  /* Arguments are fine: snapshot the operands (out may be one of them). */
  operand a, b;
  tocha_tensor msnap;
  tocha_result tg;
  tocha_tensor_init(&a.t, A->dtype);
  tocha_tensor_init(&b.t, A->dtype);
  tocha_tensor_init(&msnap, A->dtype);
  tocha_result_init(&tg, out);
  if (M) tocha_tensor_set(&msnap, M);
  if ((st = operand_matrix(&a, A)) || (st = operand_matrix(&b, B))) goto done;
  if ((st = target_open(&tg, out, out_dim, shape, matrix_ok, M ? &msnap : NULL, beta, &a.t, &b.t))) goto done;
  tocha_tensor *c = tg.dst;
  blas_layout lc = {1, 1};
  matrix_layout(c, &lc);
  if (m > 0 && n > 0) {
    double beta0 = M ? beta : 0;
    if (k == 0 || nb == 0) {
      scale(c, beta0);
    } else if (kind == MATRIX) {
      gemm(A->dtype, (int)m, (int)n, (int)k, alpha, tocha_tensor_data(&a.t), a.lay, tocha_tensor_data(&b.t),
           b.lay, beta0, tocha_tensor_data(c), lc);
    } else {
      for (int64_t i = 0; i < nb; i++)
        gemm(A->dtype, (int)m, (int)n, (int)k, alpha, element(&a.t, i), a.lay, element(&b.t, i), b.lay,
             kind == BATCH || i == 0 ? beta0 : 1, kind == BATCH ? element(c, i) : tocha_tensor_data(c), lc);
    }
  }
done:
  st = tocha_result_end(&tg, st);
  tocha_tensor_release(&a.t);
  tocha_tensor_release(&b.t);
  tocha_tensor_release(&msnap);
  return st;
}

tocha_status tocha_mm(tocha_tensor *out, const tocha_tensor *mat1, const tocha_tensor *mat2) {
  return matmul(out, 0, NULL, 1, mat1, mat2, MATRIX, 0, 1, 2);
}

tocha_status tocha_addmm(tocha_tensor *out, double beta, const tocha_tensor *M, double alpha,
                         const tocha_tensor *mat1, const tocha_tensor *mat2) {
  return matmul(out, beta, M, alpha, mat1, mat2, MATRIX, 2, 4, 5);
}

tocha_status tocha_bmm(tocha_tensor *out, const tocha_tensor *batch1, const tocha_tensor *batch2) {
  return matmul(out, 0, NULL, 1, batch1, batch2, BATCH, 0, 1, 2);
}

tocha_status tocha_baddbmm(tocha_tensor *out, double beta, const tocha_tensor *M, double alpha,
                           const tocha_tensor *batch1, const tocha_tensor *batch2) {
  return matmul(out, beta, M, alpha, batch1, batch2, BATCH, 2, 4, 5);
}

tocha_status tocha_addbmm(tocha_tensor *out, double beta, const tocha_tensor *M, double alpha,
                          const tocha_tensor *batch1, const tocha_tensor *batch2) {
  return matmul(out, beta, M, alpha, batch1, batch2, BATCH_SUM, 2, 4, 5);
}

/* ---- mv, addmv ------------------------------------------------------------- */

static tocha_status matvec(tocha_tensor *out, double beta, const tocha_tensor *V, double alpha,
                           const tocha_tensor *A, const tocha_tensor *x, int pos_V, int pos_A, int pos_x) {
  tocha_status st;
  const tocha_tensor *ref = V ? V : A;
  const char *nref = V ? "vec1" : "mat", *nx = V ? "vec2" : "vec";
  if ((V && (st = check_real(V, pos_V, "vec1"))) || (st = check_real(A, pos_A, "mat")) ||
      (st = check_real(x, pos_x, nx)) || (st = check_same_type(A, pos_A, "mat", ref, nref)) ||
      (st = check_same_type(x, pos_x, nx, ref, nref)))
    return st;
  if ((V && (st = check_ndim(V, 1, pos_V, "vec1"))) || (st = check_ndim(A, 2, pos_A, "mat")) ||
      (st = check_ndim(x, 1, pos_x, nx)))
    return st;
  int64_t m = A->size[0], n = A->size[1];
  char sa[128]; /* A's shape, for messages only */
  if (x->size[0] != n)
    return tocha_tensor_shape_string(A, sa, sizeof sa), tocha_fail(TOCHA_ESIZE, pos_x,
                      "size mismatch: %s and %lld cannot be multiplied (mat has %lld columns, %s has %lld elements)",
                      sa, (long long)x->size[0], (long long)n, nx, (long long)x->size[0]);
  if (V && V->size[0] != m)
    return tocha_tensor_shape_string(A, sa, sizeof sa),
           tocha_fail(TOCHA_ESIZE, pos_V, "size mismatch: vec1 has %lld elements but mat*vec2 (%s and %lld) has %lld",
                      (long long)V->size[0], sa, (long long)n, (long long)m);
  if ((st = check_blas_int(m, pos_A, "number of rows", "mat")) ||
      (st = check_blas_int(n, pos_A, "number of columns", "mat")) || (st = check_out_type(out, A->dtype)))
    return st;

  operand a, v;
  tocha_tensor vsnap;
  tocha_result tg;
  tocha_tensor_init(&a.t, A->dtype);
  tocha_tensor_init(&v.t, A->dtype);
  tocha_tensor_init(&vsnap, A->dtype);
  tocha_result_init(&tg, out);
  if (V) tocha_tensor_set(&vsnap, V);
  if ((st = operand_matrix(&a, A)) || (st = operand_vector(&v, x))) goto done;
  if ((st = target_open(&tg, out, 1, &m, vector_ok, V ? &vsnap : NULL, beta, &a.t, &v.t))) goto done;
  int incy = 1;
  vector_inc(tg.dst, &incy);
  if (m > 0) {
    double beta0 = V ? beta : 0;
    if (n == 0) {
      scale(tg.dst, beta0);
    } else {
      enum CBLAS_ORDER order = a.lay.by_rows ? CblasRowMajor : CblasColMajor;
      if (A->dtype == TOCHA_FLOAT)
        cblas_sgemv(order, CblasNoTrans, (int)m, (int)n, (float)alpha, tocha_tensor_data(&a.t), a.lay.ld,
                    tocha_tensor_data(&v.t), v.inc, (float)beta0, tocha_tensor_data(tg.dst), incy);
      else
        cblas_dgemv(order, CblasNoTrans, (int)m, (int)n, alpha, tocha_tensor_data(&a.t), a.lay.ld,
                    tocha_tensor_data(&v.t), v.inc, beta0, tocha_tensor_data(tg.dst), incy);
    }
  }
done:
  st = tocha_result_end(&tg, st);
  tocha_tensor_release(&a.t);
  tocha_tensor_release(&v.t);
  tocha_tensor_release(&vsnap);
  return st;
}

tocha_status tocha_mv(tocha_tensor *out, const tocha_tensor *mat, const tocha_tensor *vec) {
  return matvec(out, 0, NULL, 1, mat, vec, 0, 1, 2);
}

tocha_status tocha_addmv(tocha_tensor *out, double beta, const tocha_tensor *vec1, double alpha,
                         const tocha_tensor *mat, const tocha_tensor *vec2) {
  return matvec(out, beta, vec1, alpha, mat, vec2, 2, 4, 5);
}

/* ---- ger, addr ------------------------------------------------------------- */

static tocha_status outer(tocha_tensor *out, double beta, const tocha_tensor *M, double alpha,
                          const tocha_tensor *x, const tocha_tensor *y, int pos_M, int pos_x, int pos_y) {
  tocha_status st;
  const tocha_tensor *ref = M ? M : x;
  const char *nref = M ? "M" : "vec1";
  if ((M && (st = check_real(M, pos_M, "M"))) || (st = check_real(x, pos_x, "vec1")) ||
      (st = check_real(y, pos_y, "vec2")) || (st = check_same_type(x, pos_x, "vec1", ref, nref)) ||
      (st = check_same_type(y, pos_y, "vec2", ref, nref)))
    return st;
  if ((M && (st = check_ndim(M, 2, pos_M, "M"))) || (st = check_ndim(x, 1, pos_x, "vec1")) ||
      (st = check_ndim(y, 1, pos_y, "vec2")))
    return st;
  int64_t shape[2] = {x->size[0], y->size[0]};
  if (M && (M->size[0] != shape[0] || M->size[1] != shape[1])) {
    char sm[128];
    tocha_tensor_shape_string(M, sm, sizeof sm);
    return tocha_fail(TOCHA_ESIZE, pos_M,
                      "size mismatch: M is %s but the outer product of vec1 (%lld elements) and vec2 (%lld) is "
                      "%lldx%lld",
                      sm, (long long)shape[0], (long long)shape[1], (long long)shape[0], (long long)shape[1]);
  }
  if ((st = check_blas_int(shape[0], pos_x, "size", "vec1")) ||
      (st = check_blas_int(shape[1], pos_y, "size", "vec2")) || (st = check_out_type(out, x->dtype)))
    return st;

  operand u, v;
  tocha_tensor msnap;
  tocha_result tg;
  tocha_tensor_init(&u.t, x->dtype);
  tocha_tensor_init(&v.t, x->dtype);
  tocha_tensor_init(&msnap, x->dtype);
  tocha_result_init(&tg, out);
  if (M) tocha_tensor_set(&msnap, M);
  if ((st = operand_vector(&u, x)) || (st = operand_vector(&v, y))) goto done;
  if ((st = target_open(&tg, out, 2, shape, matrix_ok, M ? &msnap : NULL, beta, &u.t, &v.t))) goto done;
  blas_layout lc = {1, 1};
  matrix_layout(tg.dst, &lc);
  if (shape[0] > 0 && shape[1] > 0) {
    /* BLAS's ger adds into its matrix: scale first. */
    scale(tg.dst, M ? beta : 0);
    enum CBLAS_ORDER order = lc.by_rows ? CblasRowMajor : CblasColMajor;
    if (x->dtype == TOCHA_FLOAT)
      cblas_sger(order, (int)shape[0], (int)shape[1], (float)alpha, tocha_tensor_data(&u.t), u.inc,
                 tocha_tensor_data(&v.t), v.inc, tocha_tensor_data(tg.dst), lc.ld);
    else
      cblas_dger(order, (int)shape[0], (int)shape[1], alpha, tocha_tensor_data(&u.t), u.inc,
                 tocha_tensor_data(&v.t), v.inc, tocha_tensor_data(tg.dst), lc.ld);
  }
done:
  st = tocha_result_end(&tg, st);
  tocha_tensor_release(&u.t);
  tocha_tensor_release(&v.t);
  tocha_tensor_release(&msnap);
  return st;
}

tocha_status tocha_ger(tocha_tensor *out, const tocha_tensor *vec1, const tocha_tensor *vec2) {
  return outer(out, 0, NULL, 1, vec1, vec2, 0, 1, 2);
}

tocha_status tocha_addr(tocha_tensor *out, double beta, const tocha_tensor *M, double alpha,
                        const tocha_tensor *vec1, const tocha_tensor *vec2) {
  return outer(out, beta, M, alpha, vec1, vec2, 2, 4, 5);
}
