/* Linear algebra from plain C: every operand layout against a naive loop,
 * aliasing, zero sizes, errors and their argument positions. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "tocha.h"

static double get2(const tocha_tensor *t, int64_t i, int64_t j) {
  double v = NAN;
  tocha_tensor_get(t, (int64_t[]){i, j}, &v);
  return v;
}

static double get3(const tocha_tensor *t, int64_t b, int64_t i, int64_t j) {
  double v = NAN;
  tocha_tensor_get(t, (int64_t[]){b, i, j}, &v);
  return v;
}

/* Deterministic, irregular values (small integers / 8, exact in float). */
static double value(int seed, int64_t i, int64_t j) {
  return (double)(((i * 7 + j * 13 + seed * 5) % 17) - 8) / 8.0;
}

/* Layouts an r x c operand can have. */
enum { CONTIG, TRANSPOSED, NO_UNIT_STRIDE, NARROWED, NARROWED_T, EXPANDED_ROWS, NLAYOUTS };

/* out = an r x c view with the given layout, filled from value(seed). */
static void make_matrix(tocha_tensor *out, tocha_dtype dt, int layout, int64_t r, int64_t c, int seed) {
  tocha_tensor base;
  tocha_tensor_init(&base, dt);
  switch (layout) {
    case CONTIG:
      tocha_tensor_new(out, dt, 2, (int64_t[]){r, c});
      break;
    case TRANSPOSED: /* strides (1, r) */
      tocha_tensor_new(&base, dt, 2, (int64_t[]){c, r});
      tocha_transpose(out, &base, 0, 1);
      break;
    case NO_UNIT_STRIDE: /* strides (2c, 2) */
      tocha_tensor_new(&base, dt, 3, (int64_t[]){r, c, 2});
      tocha_select(out, &base, 2, 1);
      break;
    case NARROWED: /* strides (c + 3, 1) */
      tocha_tensor_new(&base, dt, 2, (int64_t[]){r + 2, c + 3});
      tocha_narrow(&base, &base, 0, 1, r);
      tocha_narrow(out, &base, 1, 2, c);
      break;
    case NARROWED_T: /* strides (1, r + 3) */
      tocha_tensor_new(&base, dt, 2, (int64_t[]){c + 2, r + 3});
      tocha_narrow(&base, &base, 0, 2, c);
      tocha_narrow(&base, &base, 1, 1, r);
      tocha_transpose(out, &base, 0, 1);
      break;
    case EXPANDED_ROWS: /* strides (0, 1): every row the same */
      tocha_tensor_new(&base, dt, 2, (int64_t[]){1, c});
      tocha_expand(out, &base, 2, (int64_t[]){r, c});
      break;
  }
  tocha_tensor_release(&base);
  for (int64_t i = 0; i < r; i++)
    for (int64_t j = 0; j < c; j++)
      tocha_tensor_put(out, (int64_t[]){i, j}, value(seed, layout == EXPANDED_ROWS ? 0 : i, j));
}

static int close_to(double got, double want, double tol) {
  return fabs(got - want) <= tol * (1 + fabs(want));
}

/* out = beta*M + alpha*A*B computed naively and compared to res. */
static int matches_addmm(const tocha_tensor *res, double beta, const tocha_tensor *M, double alpha,
                         const tocha_tensor *A, const tocha_tensor *B, double tol) {
  if (res->ndim != 2 || res->size[0] != A->size[0] || res->size[1] != B->size[1]) return 0;
  for (int64_t i = 0; i < A->size[0]; i++)
    for (int64_t j = 0; j < B->size[1]; j++) {
      double s = 0;
      for (int64_t p = 0; p < A->size[1]; p++) s += get2(A, i, p) * get2(B, p, j);
      double want = alpha * s + (M && beta != 0 ? beta * get2(M, i, j) : 0);
      if (!close_to(get2(res, i, j), want, tol)) return 0;
    }
  return 1;
}

static void test_mm_all_layouts(void) {
  static const tocha_dtype types[] = {TOCHA_FLOAT, TOCHA_DOUBLE};
  for (int t = 0; t < 2; t++) {
    tocha_dtype dt = types[t];
    double tol = dt == TOCHA_FLOAT ? 1e-5 : 1e-12;
    for (int la = 0; la < NLAYOUTS; la++)
      for (int lb = 0; lb < NLAYOUTS; lb++)
        for (int lo = 0; lo < NLAYOUTS - 1; lo++) { /* results cannot be expanded */
          tocha_tensor A, B, M, out;
          tocha_tensor_init(&A, dt);
          tocha_tensor_init(&B, dt);
          tocha_tensor_init(&M, dt);
          tocha_tensor_init(&out, dt);
          make_matrix(&A, dt, la, 5, 4, 1);
          make_matrix(&B, dt, lb, 4, 3, 2);
          make_matrix(&M, dt, lo, 5, 3, 3);
          /* mm into a fresh tensor */
          CHECK(tocha_mm(&out, &A, &B) == TOCHA_OK);
          CHECK(matches_addmm(&out, 0, NULL, 1, &A, &B, tol));
          /* addmm into a separate result */
          CHECK(tocha_addmm(&out, 0.5, &M, -2, &A, &B) == TOCHA_OK);
          CHECK(matches_addmm(&out, 0.5, &M, -2, &A, &B, tol));
          /* addmm in place on M, whatever its layout (written through the view) */
          tocha_tensor M0;
          tocha_tensor_init(&M0, dt);
          tocha_clone(&M0, &M, dt);
          CHECK(tocha_addmm(&M, 3, &M, 1, &A, &B) == TOCHA_OK);
          CHECK(matches_addmm(&M, 3, &M0, 1, &A, &B, tol));
          tocha_tensor_release(&M0);
          tocha_tensor_release(&A);
          tocha_tensor_release(&B);
          tocha_tensor_release(&M);
          tocha_tensor_release(&out);
        }
  }
}

static void test_result_keeps_its_geometry(void) {
  tocha_tensor A, B, big, view;
  tocha_tensor_init(&A, TOCHA_DOUBLE);
  tocha_tensor_init(&B, TOCHA_DOUBLE);
  tocha_tensor_init(&big, TOCHA_DOUBLE);
  tocha_tensor_init(&view, TOCHA_DOUBLE);
  make_matrix(&A, TOCHA_DOUBLE, CONTIG, 2, 3, 1);
  make_matrix(&B, TOCHA_DOUBLE, CONTIG, 3, 2, 2);
  tocha_tensor_new(&big, TOCHA_DOUBLE, 2, (int64_t[]){2, 2});
  tocha_transpose(&view, &big, 0, 1); /* the result goes into big, transposed */
  CHECK(tocha_mm(&view, &A, &B) == TOCHA_OK);
  CHECK(view.storage == big.storage && view.stride[0] == 1 && view.stride[1] == 2);
  CHECK(matches_addmm(&view, 0, NULL, 1, &A, &B, 1e-12));
  CHECK(get2(&big, 1, 0) == get2(&view, 0, 1));
  tocha_tensor_release(&A);
  tocha_tensor_release(&B);
  tocha_tensor_release(&big);
  tocha_tensor_release(&view);
}

static void test_aliasing(void) {
  tocha_tensor A, B, A0, want;
  tocha_tensor_init(&A, TOCHA_FLOAT);
  tocha_tensor_init(&B, TOCHA_FLOAT);
  tocha_tensor_init(&A0, TOCHA_FLOAT);
  tocha_tensor_init(&want, TOCHA_FLOAT);
  make_matrix(&A, TOCHA_FLOAT, CONTIG, 3, 3, 1);
  make_matrix(&B, TOCHA_FLOAT, CONTIG, 3, 3, 2);
  tocha_clone(&A0, &A, TOCHA_FLOAT);
  /* out is the same object as mat1 */
  CHECK(tocha_mm(&A, &A, &B) == TOCHA_OK);
  CHECK(matches_addmm(&A, 0, NULL, 1, &A0, &B, 1e-5));
  /* out is M and mat1 and mat2 at once: A = 2*A + A*A */
  tocha_clone(&A0, &A, TOCHA_FLOAT);
  CHECK(tocha_addmm(&A, 2, &A, 1, &A, &A) == TOCHA_OK);
  CHECK(matches_addmm(&A, 2, &A0, 1, &A0, &A0, 1e-5));
  /* out overlaps M without being it: the transposed view of M */
  tocha_tensor T;
  tocha_tensor_init(&T, TOCHA_FLOAT);
  tocha_clone(&A0, &A, TOCHA_FLOAT);
  tocha_transpose(&T, &A, 0, 1);
  CHECK(tocha_addmm(&T, 1, &A, 1, &B, &B) == TOCHA_OK); /* A^T = A + B*B */
  tocha_tensor_new(&want, TOCHA_FLOAT, 2, (int64_t[]){3, 3});
  CHECK(tocha_addmm(&want, 1, &A0, 1, &B, &B) == TOCHA_OK);
  for (int64_t i = 0; i < 3; i++)
    for (int64_t j = 0; j < 3; j++) CHECK(close_to(get2(&A, j, i), get2(&want, i, j), 1e-5));
  /* mv: out is the vector operand; ger: out is a view on the vectors' storage */
  tocha_tensor v, v0, r;
  tocha_tensor_init(&v, TOCHA_FLOAT);
  tocha_tensor_init(&v0, TOCHA_FLOAT);
  tocha_tensor_init(&r, TOCHA_FLOAT);
  tocha_select(&v, &B, 0, 1); /* (value(2,1,0), value(2,1,1), value(2,1,2)) */
  tocha_clone(&v0, &v, TOCHA_FLOAT);
  tocha_clone(&A0, &A, TOCHA_FLOAT);
  CHECK(tocha_mv(&v, &A, &v) == TOCHA_OK);
  for (int64_t i = 0; i < 3; i++) {
    double s = 0;
    for (int64_t p = 0; p < 3; p++) {
      double x;
      tocha_tensor_get(&v0, &p, &x);
      s += get2(&A0, i, p) * x;
    }
    double got;
    tocha_tensor_get(&v, &i, &got);
    CHECK(close_to(got, s, 1e-5));
  }
  tocha_tensor_release(&A);
  tocha_tensor_release(&B);
  tocha_tensor_release(&A0);
  tocha_tensor_release(&want);
  tocha_tensor_release(&T);
  tocha_tensor_release(&v);
  tocha_tensor_release(&v0);
  tocha_tensor_release(&r);
}

static void test_vectors(void) {
  tocha_tensor A, x, y, M, out, base;
  tocha_tensor_init(&A, TOCHA_DOUBLE);
  tocha_tensor_init(&x, TOCHA_DOUBLE);
  tocha_tensor_init(&y, TOCHA_DOUBLE);
  tocha_tensor_init(&M, TOCHA_DOUBLE);
  tocha_tensor_init(&out, TOCHA_DOUBLE);
  tocha_tensor_init(&base, TOCHA_DOUBLE);
  /* x: a strided column of a 3x2 matrix: (1, 3, 5) */
  tocha_tensor_new(&base, TOCHA_DOUBLE, 2, (int64_t[]){3, 2});
  for (int64_t i = 0; i < 6; i++) tocha_tensor_put(&base, (int64_t[]){i / 2, i % 2}, (double)(i + 1));
  tocha_select(&x, &base, 1, 0);
  CHECK(x.stride[0] == 2);
  /* y: an expanded vector (7, 7) */
  tocha_tensor_new(&y, TOCHA_DOUBLE, 1, (int64_t[]){1});
  tocha_fill(&y, 7);
  tocha_expand(&y, &y, 1, (int64_t[]){2});
  double d;
  CHECK(tocha_dot(&d, &x, &x) == TOCHA_OK && d == 1 + 9 + 25);
  CHECK(tocha_dot(&d, &base, &base) == TOCHA_OK && d == 91);
  /* ger: out[i][j] = x[i] * y[j] */
  CHECK(tocha_ger(&out, &x, &y) == TOCHA_OK);
  CHECK(out.ndim == 2 && out.size[0] == 3 && out.size[1] == 2);
  CHECK(get2(&out, 0, 0) == 7 && get2(&out, 2, 1) == 35);
  /* addr: M = 2*M - x y^T, in place on a transposed M */
  tocha_tensor_new(&base, TOCHA_DOUBLE, 2, (int64_t[]){2, 3});
  tocha_fill(&base, 1);
  tocha_transpose(&M, &base, 0, 1);
  CHECK(tocha_addr(&M, 2, &M, -1, &x, &y) == TOCHA_OK);
  CHECK(get2(&M, 1, 0) == 2 - 21 && get2(&base, 0, 2) == 2 - 35);
  /* mv with the transposed matrix: M^T (2x3) * x */
  tocha_transpose(&A, &M, 0, 1);
  CHECK(tocha_mv(&out, &A, &x) == TOCHA_OK && out.ndim == 1 && out.size[0] == 2);
  double o0;
  CHECK(tocha_tensor_get(&out, (int64_t[]){0}, &o0) == TOCHA_OK);
  CHECK(o0 == (2 - 7) * 1 + (2 - 21) * 3 + (2 - 35) * 5);
  /* addmv: y is expanded so it cannot be the result; use a fresh one */
  tocha_tensor_release(&out);
  CHECK(tocha_addmv(&out, 0.5, &y, 2, &A, &x) == TOCHA_OK);
  CHECK(tocha_tensor_get(&out, (int64_t[]){0}, &o0) == TOCHA_OK && o0 == 3.5 + 2 * ((2 - 7) + (2 - 21) * 3 + (2 - 35) * 5));
  tocha_tensor_release(&A);
  tocha_tensor_release(&x);
  tocha_tensor_release(&y);
  tocha_tensor_release(&M);
  tocha_tensor_release(&out);
  tocha_tensor_release(&base);
}

static void test_batches(void) {
  tocha_tensor A, B, At, out, M, sum;
  tocha_tensor_init(&A, TOCHA_FLOAT);
  tocha_tensor_init(&B, TOCHA_FLOAT);
  tocha_tensor_init(&At, TOCHA_FLOAT);
  tocha_tensor_init(&out, TOCHA_FLOAT);
  tocha_tensor_init(&M, TOCHA_FLOAT);
  tocha_tensor_init(&sum, TOCHA_FLOAT);
  tocha_tensor_new(&At, TOCHA_FLOAT, 3, (int64_t[]){3, 4, 2}); /* A = At transposed: 3 x 2 x 4 */
  tocha_tensor_new(&B, TOCHA_FLOAT, 3, (int64_t[]){3, 4, 5});
  for (int64_t b = 0; b < 3; b++)
    for (int64_t i = 0; i < 4; i++) {
      for (int64_t j = 0; j < 2; j++) tocha_tensor_put(&At, (int64_t[]){b, i, j}, value((int)b, i, j));
      for (int64_t j = 0; j < 5; j++) tocha_tensor_put(&B, (int64_t[]){b, i, j}, value((int)b + 4, i, j));
    }
  tocha_transpose(&A, &At, 1, 2);
  CHECK(tocha_bmm(&out, &A, &B) == TOCHA_OK);
  CHECK(out.ndim == 3 && out.size[0] == 3 && out.size[1] == 2 && out.size[2] == 5);
  tocha_tensor_new(&M, TOCHA_FLOAT, 2, (int64_t[]){2, 5});
  tocha_fill(&M, 1);
  CHECK(tocha_addbmm(&sum, 2, &M, 1, &A, &B) == TOCHA_OK);
  int ok = 1;
  for (int64_t i = 0; i < 2; i++)
    for (int64_t j = 0; j < 5; j++) {
      double total = 2;
      for (int64_t b = 0; b < 3; b++) {
        double s = 0;
        for (int64_t p = 0; p < 4; p++) s += get3(&A, b, i, p) * get3(&B, b, p, j);
        ok = ok && close_to(get3(&out, b, i, j), s, 1e-5);
        total += s;
      }
      ok = ok && close_to(get2(&sum, i, j), total, 1e-5);
    }
  CHECK(ok);
  /* baddbmm in place: out = out - bmm(A, B) = 0 */
  CHECK(tocha_baddbmm(&out, 1, &out, -1, &A, &B) == TOCHA_OK);
  ok = 1;
  for (int64_t b = 0; b < 3; b++)
    for (int64_t i = 0; i < 2; i++)
      for (int64_t j = 0; j < 5; j++) ok = ok && fabs(get3(&out, b, i, j)) < 1e-5;
  CHECK(ok);
  tocha_tensor_release(&A);
  tocha_tensor_release(&B);
  tocha_tensor_release(&At);
  tocha_tensor_release(&out);
  tocha_tensor_release(&M);
  tocha_tensor_release(&sum);
}

static void test_zero_sizes(void) {
  tocha_tensor A, B, M, out, E;
  tocha_tensor_init(&A, TOCHA_DOUBLE);
  tocha_tensor_init(&B, TOCHA_DOUBLE);
  tocha_tensor_init(&M, TOCHA_DOUBLE);
  tocha_tensor_init(&out, TOCHA_DOUBLE);
  tocha_tensor_init(&E, TOCHA_DOUBLE);
  /* k = 0: out = beta * M, and mm gives zeros */
  tocha_tensor_new(&A, TOCHA_DOUBLE, 2, (int64_t[]){2, 0});
  tocha_tensor_new(&B, TOCHA_DOUBLE, 2, (int64_t[]){0, 3});
  tocha_tensor_new(&M, TOCHA_DOUBLE, 2, (int64_t[]){2, 3});
  tocha_fill(&M, 4);
  CHECK(tocha_addmm(&out, 0.5, &M, 1, &A, &B) == TOCHA_OK && get2(&out, 1, 2) == 2);
  tocha_fill(&out, NAN);
  CHECK(tocha_mm(&out, &A, &B) == TOCHA_OK && out.size[0] == 2 && out.size[1] == 3 && get2(&out, 1, 2) == 0);
  /* m = 0: an empty 0 x 3 result */
  CHECK(tocha_mm(&out, &B, &M) == TOCHA_ESIZE); /* 0x3 * 2x3 */
  tocha_tensor_new(&E, TOCHA_DOUBLE, 2, (int64_t[]){3, 3});
  CHECK(tocha_mm(&out, &B, &E) == TOCHA_OK && out.ndim == 2 && out.size[0] == 0 && out.size[1] == 3);
  /* an empty batch: addbmm gives beta * M */
  tocha_tensor_new(&A, TOCHA_DOUBLE, 3, (int64_t[]){0, 2, 4});
  tocha_tensor_new(&B, TOCHA_DOUBLE, 3, (int64_t[]){0, 4, 3});
  CHECK(tocha_addbmm(&out, 3, &M, 1, &A, &B) == TOCHA_OK && get2(&out, 0, 0) == 12);
  CHECK(tocha_bmm(&out, &A, &B) == TOCHA_OK && out.ndim == 3 && out.size[0] == 0);
  /* beta = 0 ignores NaN in M */
  tocha_tensor_new(&A, TOCHA_DOUBLE, 2, (int64_t[]){2, 1});
  tocha_tensor_new(&B, TOCHA_DOUBLE, 2, (int64_t[]){1, 3});
  tocha_fill(&A, 2);
  tocha_fill(&B, 3);
  tocha_fill(&M, NAN);
  CHECK(tocha_addmm(&M, 0, &M, 1, &A, &B) == TOCHA_OK && get2(&M, 1, 1) == 6);
  /* dot of empty tensors */
  double d = -1;
  tocha_tensor_release(&E); /* back to an empty tensor */
  CHECK(tocha_dot(&d, &E, &E) == TOCHA_OK && d == 0);
  tocha_tensor_release(&A);
  tocha_tensor_release(&B);
  tocha_tensor_release(&M);
  tocha_tensor_release(&out);
  tocha_tensor_release(&E);
}

static int error_is(tocha_status got, tocha_status want, int arg, const char *text) {
  const tocha_error *e = tocha_last_error();
  int ok = got == want && e->arg == arg && strstr(e->message, text) != NULL;
  if (!ok) fprintf(stderr, "  got status %d, arg %d: %s\n", (int)got, e->arg, e->message);
  return ok;
}

static void test_errors(void) {
  tocha_tensor A, B, D, L, V, M, out, huge1, huge2;
  tocha_tensor_init(&A, TOCHA_FLOAT);
  tocha_tensor_init(&B, TOCHA_FLOAT);
  tocha_tensor_init(&D, TOCHA_DOUBLE);
  tocha_tensor_init(&L, TOCHA_LONG);
  tocha_tensor_init(&V, TOCHA_FLOAT);
  tocha_tensor_init(&M, TOCHA_FLOAT);
  tocha_tensor_init(&out, TOCHA_FLOAT);
  tocha_tensor_init(&huge1, TOCHA_FLOAT);
  tocha_tensor_init(&huge2, TOCHA_FLOAT);
  tocha_tensor_new(&A, TOCHA_FLOAT, 2, (int64_t[]){2, 3});
  tocha_tensor_new(&B, TOCHA_FLOAT, 2, (int64_t[]){4, 5});
  tocha_tensor_new(&D, TOCHA_DOUBLE, 2, (int64_t[]){3, 2});
  tocha_tensor_new(&L, TOCHA_LONG, 2, (int64_t[]){3, 2});
  tocha_tensor_new(&V, TOCHA_FLOAT, 1, (int64_t[]){4});
  tocha_tensor_new(&M, TOCHA_FLOAT, 2, (int64_t[]){3, 3});
  CHECK(error_is(tocha_mm(&out, &A, &B), TOCHA_ESIZE, 2, "size mismatch: 2x3 and 4x5 cannot be multiplied"));
  CHECK(out.ndim == 0 && out.storage == NULL); /* untouched */
  CHECK(error_is(tocha_addmm(&out, 1, &A, 1, &A, &B), TOCHA_ESIZE, 5, "2x3 and 4x5 cannot be multiplied"));
  A.size[1] = 4; /* 2x4 (a narrower view of the same storage) */
  CHECK(error_is(tocha_addmm(&out, 1, &M, 1, &A, &B), TOCHA_ESIZE, 2, "M is 3x3 but mat1*mat2 (2x4 and 4x5) is 2x5"));
  A.size[1] = 3;
  CHECK(error_is(tocha_mm(&out, &A, &D), TOCHA_ETYPE, 2, "mat1 is a FloatTensor but mat2 is a DoubleTensor"));
  CHECK(error_is(tocha_mm(&out, &L, &A), TOCHA_ETYPE, 1, "mat1 must be a FloatTensor or a DoubleTensor, got a LongTensor"));
  CHECK(error_is(tocha_addmm(&out, 1, &D, 1, &A, &A), TOCHA_ETYPE, 4, "M is a DoubleTensor but mat1 is a FloatTensor"));
  CHECK(error_is(tocha_mm(&out, &A, &V), TOCHA_ESIZE, 2, "mat2 must be a matrix (2D tensor), got a 1D tensor of size 4"));
  CHECK(error_is(tocha_mv(&out, &A, &V), TOCHA_ESIZE, 2, "size mismatch: 2x3 and 4 cannot be multiplied"));
  CHECK(error_is(tocha_addmv(&out, 1, &V, 1, &M, &V), TOCHA_ESIZE, 5, "mat has 3 columns, vec2 has 4 elements"));
  CHECK(error_is(tocha_addr(&out, 1, &M, 1, &V, &V), TOCHA_ESIZE, 2, "M is 3x3 but the outer product"));
  CHECK(error_is(tocha_ger(&out, &V, &A), TOCHA_ESIZE, 2, "vec2 must be a vector (1D tensor)"));
  CHECK(error_is(tocha_bmm(&out, &A, &A), TOCHA_ESIZE, 1, "batch1 must be a batch of matrices (3D tensor)"));
  double dd;
  CHECK(error_is(tocha_dot(&dd, &A, &V), TOCHA_ESIZE, 2, "sizes 2x3 and 4 do not match"));
  CHECK(error_is(tocha_dot(&dd, &A, &D), TOCHA_ETYPE, 2, "mixed tensor types"));
  /* the result must have the operands' type */
  tocha_tensor dout;
  tocha_tensor_init(&dout, TOCHA_DOUBLE);
  CHECK(error_is(tocha_mm(&dout, &A, &M), TOCHA_ETYPE, 0, "the result is a DoubleTensor but the operands are FloatTensors"));
  /* dimensions beyond int, without memory: expanded 1 x 3e9 and 3e9 x 1 */
  tocha_tensor_new(&huge1, TOCHA_FLOAT, 2, (int64_t[]){1, 1});
  tocha_expand(&huge2, &huge1, 2, (int64_t[]){3000000000LL, 1});
  CHECK(tocha_expand(&huge1, &huge1, 2, (int64_t[]){1, 3000000000LL}) == TOCHA_OK);
  CHECK(error_is(tocha_mm(&out, &huge1, &huge2), TOCHA_EOVERFLOW, 1,
                 "the number of columns of mat1 is 3000000000, more than BLAS can take"));
  CHECK(error_is(tocha_mm(&out, &huge2, &huge1), TOCHA_EOVERFLOW, 1, "the number of rows of mat1 is 3000000000"));
  CHECK(out.ndim == 0);
  tocha_tensor_release(&A);
  tocha_tensor_release(&B);
  tocha_tensor_release(&D);
  tocha_tensor_release(&L);
  tocha_tensor_release(&V);
  tocha_tensor_release(&M);
  tocha_tensor_release(&out);
  tocha_tensor_release(&huge1);
  tocha_tensor_release(&huge2);
}

static void test_threads(void) {
  int n = tocha_get_num_threads();
  CHECK(n >= 1);
  CHECK(tocha_set_num_threads(1) == TOCHA_OK && tocha_get_num_threads() == 1);
  CHECK(error_is(tocha_set_num_threads(0), TOCHA_EARG, 1, "number of threads must be >= 1"));
  CHECK(tocha_set_num_threads(n) == TOCHA_OK && tocha_get_num_threads() == n);
}

int main(void) {
  test_mm_all_layouts();
  test_result_keeps_its_geometry();
  test_aliasing();
  test_vectors();
  test_batches();
  test_zero_sizes();
  test_errors();
  test_threads();
  return CHECK_REPORT();
}
