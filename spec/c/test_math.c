/* Pointwise math and comparisons from plain C (tocha_math.h). */
#include <math.h>
#include <string.h>

#include "check.h"
#include "tocha.h"

/* A 1D tensor holding `n` values. */
static void vec(tocha_tensor *t, tocha_dtype dtype, int64_t n, const double *values) {
  tocha_tensor_init(t, dtype);
  tocha_tensor_new(t, dtype, 1, &n);
  for (int64_t i = 0; i < n; i++) tocha_tensor_put(t, &i, values[i]);
}

/* A rows x cols matrix filled with 1, 2, 3, ... in row-major order. */
static void mat(tocha_tensor *t, tocha_dtype dtype, int64_t rows, int64_t cols) {
  tocha_tensor_init(t, dtype);
  tocha_tensor_new(t, dtype, 2, (int64_t[]){rows, cols});
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++) tocha_tensor_put(t, (int64_t[]){i, j}, (double)(i * cols + j + 1));
}

static double at(const tocha_tensor *t, int64_t i) {
  double v = NAN;
  tocha_tensor_get(t, &i, &v);
  return v;
}

static double at2(const tocha_tensor *t, int64_t i, int64_t j) {
  double v = NAN;
  tocha_tensor_get(t, (int64_t[]){i, j}, &v);
  return v;
}

static int near(double a, double b, double tol) { return fabs(a - b) <= tol * fmax(1, fabs(b)); }

static int failed_with(tocha_status st, tocha_status want, int arg, const char *text) {
  const tocha_error *e = tocha_last_error();
  return st == want && e->status == want && e->arg == arg && strstr(e->message, text) != NULL;
}

static void test_unary(void) {
  tocha_tensor x, r, l;
  vec(&x, TOCHA_FLOAT, 4, (double[]){-1.5, 0, 0.25, 4});
  tocha_tensor_init(&r, TOCHA_FLOAT);
  CHECK(tocha_unary(&r, &x, TOCHA_UNARY_EXP) == TOCHA_OK);
  CHECK(r.ndim == 1 && r.size[0] == 4 && r.storage != x.storage);
  CHECK(near(at(&r, 0), exp(-1.5), 1e-6) && at(&r, 1) == 1 && near(at(&r, 3), exp(4), 1e-6));
  CHECK(tocha_unary(&r, &x, TOCHA_UNARY_ABS) == TOCHA_OK && at(&r, 0) == 1.5 && at(&r, 3) == 4);
  CHECK(tocha_unary(&r, &x, TOCHA_UNARY_SIGN) == TOCHA_OK && at(&r, 0) == -1 && at(&r, 1) == 0 && at(&r, 2) == 1);
  CHECK(tocha_unary(&r, &x, TOCHA_UNARY_SIGMOID) == TOCHA_OK && at(&r, 1) == 0.5);
  CHECK(tocha_unary(&r, &x, TOCHA_UNARY_ROUND) == TOCHA_OK && at(&r, 0) == -2 && at(&r, 2) == 0);
  CHECK(tocha_unary(&x, &x, TOCHA_UNARY_SQRT) == TOCHA_OK); /* in place */
  CHECK(isnan(at(&x, 0)) && at(&x, 2) == 0.5 && at(&x, 3) == 2);

  vec(&l, TOCHA_LONG, 3, (double[]){-3, 0, 7});
  CHECK(failed_with(tocha_unary(&r, &l, TOCHA_UNARY_EXP), TOCHA_ETYPE, 1,
                    "exp is not defined for Long tensors (Float or Double expected)"));
  CHECK(failed_with(tocha_unary(&r, &x, (tocha_unary_op)99), TOCHA_EARG, 2, "unknown unary operation"));
  /* the result must have the input's type */
  CHECK(failed_with(tocha_unary(&r, &l, TOCHA_UNARY_ABS), TOCHA_ETYPE, 0, "result must be a Long tensor"));
  CHECK(tocha_unary(&l, &l, TOCHA_UNARY_NEG) == TOCHA_OK && at(&l, 0) == 3 && at(&l, 2) == -7);
  CHECK(strcmp(tocha_unary_name(TOCHA_UNARY_LOG1P), "log1p") == 0);
  CHECK(strcmp(tocha_unary_name((tocha_unary_op)-1), "?") == 0);
  tocha_tensor_release(&x);
  tocha_tensor_release(&r);
  tocha_tensor_release(&l);
}

static void test_binary(void) {
  tocha_tensor a, b, r, bad;
  mat(&a, TOCHA_DOUBLE, 2, 3);
  mat(&b, TOCHA_DOUBLE, 2, 3);
  tocha_tensor_init(&r, TOCHA_DOUBLE);
  CHECK(tocha_binary(&r, &a, &b, TOCHA_BINARY_MUL) == TOCHA_OK && at2(&r, 1, 2) == 36);
  CHECK(tocha_add(&r, &a, 0.5, &b) == TOCHA_OK && at2(&r, 0, 1) == 3 && at2(&r, 1, 2) == 9);
  CHECK(tocha_binary_scalar(&r, &a, 2, TOCHA_BINARY_POW) == TOCHA_OK && at2(&r, 1, 1) == 25);
  CHECK(tocha_scalar_binary(&r, 2, &a, TOCHA_BINARY_POW) == TOCHA_OK && at2(&r, 1, 1) == 32);
  CHECK(tocha_scalar_binary(&r, 1, &a, TOCHA_BINARY_SUB) == TOCHA_OK && at2(&r, 0, 2) == -2);
  CHECK(tocha_binary_scalar(&r, &a, 4, TOCHA_BINARY_REMAINDER) == TOCHA_OK && at2(&r, 1, 1) == 1);
  CHECK(tocha_binary_scalar(&r, &a, -4, TOCHA_BINARY_REMAINDER) == TOCHA_OK && at2(&r, 1, 1) == -3);
  CHECK(tocha_binary_scalar(&r, &a, 3, TOCHA_BINARY_MIN) == TOCHA_OK && at2(&r, 0, 1) == 2 && at2(&r, 1, 1) == 3);

  /* Torch7's rule: operands with as many elements combine in logical
   * order, the result shaped like the first; other counts are errors, and
   * types must not be mixed */
  mat(&bad, TOCHA_DOUBLE, 3, 2);
  CHECK(tocha_binary(&r, &a, &bad, TOCHA_BINARY_ADD) == TOCHA_OK && r.ndim == 2 && r.size[0] == 2 &&
        r.size[1] == 3 && at2(&r, 1, 2) == at2(&a, 1, 2) + 6);
  tocha_tensor_release(&bad);
  mat(&bad, TOCHA_DOUBLE, 2, 2);
  CHECK(failed_with(tocha_binary(&r, &a, &bad, TOCHA_BINARY_ADD), TOCHA_ESIZE, 2, "sizes 2x3 and 2x2 do not match"));
  CHECK(failed_with(tocha_add(&r, &a, 2, &bad), TOCHA_ESIZE, 3, "sizes 2x3 and 2x2 do not match"));
  tocha_tensor_release(&bad);
  mat(&bad, TOCHA_FLOAT, 2, 3);
  CHECK(failed_with(tocha_binary(&r, &a, &bad, TOCHA_BINARY_ADD), TOCHA_ETYPE, 2,
                    "got a Float tensor where a Double tensor is expected"));
  CHECK(failed_with(tocha_binary(&bad, &a, &b, TOCHA_BINARY_ADD), TOCHA_ETYPE, 0, "result must be a Double tensor"));
  CHECK(failed_with(tocha_binary(&r, &a, &b, TOCHA_BINARY_COUNT), TOCHA_EARG, 3, "unknown binary operation"));
  CHECK(at2(&bad, 0, 0) == 1); /* untouched */
  tocha_tensor_release(&bad);
  tocha_tensor_release(&a);
  tocha_tensor_release(&b);
  tocha_tensor_release(&r);
}

static void test_integers(void) {
  tocha_tensor l, z, r, by;
  vec(&l, TOCHA_LONG, 4, (double[]){7, -7, 0, -9});
  vec(&z, TOCHA_LONG, 4, (double[]){2, 2, 0, 3});
  tocha_tensor_init(&r, TOCHA_LONG);
  CHECK(tocha_binary_scalar(&r, &l, 2, TOCHA_BINARY_DIV) == TOCHA_OK && at(&r, 0) == 3 && at(&r, 1) == -3);
  CHECK(tocha_binary_scalar(&r, &l, 2, TOCHA_BINARY_REMAINDER) == TOCHA_OK && at(&r, 1) == 1);
  CHECK(tocha_binary_scalar(&r, &l, 2, TOCHA_BINARY_FMOD) == TOCHA_OK && at(&r, 1) == -1);
  CHECK(failed_with(tocha_binary_scalar(&r, &l, 0, TOCHA_BINARY_DIV), TOCHA_EARG, 2, "div by zero"));
  CHECK(failed_with(tocha_binary(&r, &l, &z, TOCHA_BINARY_FMOD), TOCHA_EARG, 2, "the divisor has a 0 element"));
  CHECK(failed_with(tocha_scalar_binary(&r, 1, &z, TOCHA_BINARY_DIV), TOCHA_EARG, 2, "the divisor has a 0 element"));
  CHECK(failed_with(tocha_binary_scalar(&r, &l, 0.5, TOCHA_BINARY_ADD), TOCHA_EARG, 2,
                    "the value must be an integer for a Long tensor, got 0.5"));
  CHECK(failed_with(tocha_add(&r, &l, 1.5, &z), TOCHA_EARG, 2, "the multiplier must be an integer"));
  CHECK(failed_with(tocha_binary_scalar(&r, &l, 2, TOCHA_BINARY_POW), TOCHA_ETYPE, 1,
                    "pow is not defined for Long tensors (Float or Double expected)"));
  CHECK(tocha_add(&r, &l, -2, &z) == TOCHA_OK && at(&r, 0) == 3 && at(&r, 3) == -15);

  vec(&by, TOCHA_BYTE, 3, (double[]){0, 100, 255});
  tocha_tensor_release(&r);
  tocha_tensor_init(&r, TOCHA_BYTE);
  CHECK(tocha_binary_scalar(&r, &by, -1, TOCHA_BINARY_ADD) == TOCHA_OK && at(&r, 0) == 255 && at(&r, 2) == 254);
  CHECK(tocha_binary_scalar(&r, &by, 3, TOCHA_BINARY_MUL) == TOCHA_OK && at(&r, 1) == 44);
  CHECK(failed_with(tocha_binary_scalar(&r, &by, 256, TOCHA_BINARY_MAX), TOCHA_EARG, 2,
                    "the value must be in 0..255 for a Byte tensor, got 256"));
  CHECK(failed_with(tocha_unary(&r, &by, TOCHA_UNARY_NEG), TOCHA_ETYPE, 1, "(Float, Double, Long, Int, Short or Char expected)"));
  CHECK(failed_with(tocha_clamp(&r, &by, 0, 300), TOCHA_EARG, 3, "max must be in 0..255"));
  CHECK(tocha_clamp(&r, &by, 1, 200) == TOCHA_OK && at(&r, 0) == 1 && at(&r, 1) == 100 && at(&r, 2) == 200);
  tocha_tensor_release(&l);
  tocha_tensor_release(&z);
  tocha_tensor_release(&r);
  tocha_tensor_release(&by);
}

static void test_three_inputs(void) {
  tocha_tensor x, a, b, r, l;
  vec(&x, TOCHA_FLOAT, 3, (double[]){1, 2, 3});
  vec(&a, TOCHA_FLOAT, 3, (double[]){2, 3, 4});
  vec(&b, TOCHA_FLOAT, 3, (double[]){4, 5, 8});
  tocha_tensor_init(&r, TOCHA_FLOAT);
  CHECK(tocha_addcmul(&r, &x, 0.5, &a, &b) == TOCHA_OK && at(&r, 0) == 5 && at(&r, 2) == 19);
  CHECK(tocha_addcdiv(&r, &x, 2, &a, &b) == TOCHA_OK && at(&r, 0) == 2 && at(&r, 2) == 4);
  CHECK(tocha_lerp(&r, &x, &b, 0.5) == TOCHA_OK && at(&r, 0) == 2.5 && at(&r, 2) == 5.5);
  /* the result is one of the factors: the old values are used */
  CHECK(tocha_addcmul(&a, &x, 1, &a, &b) == TOCHA_OK && at(&a, 0) == 9 && at(&a, 2) == 35);
  CHECK(tocha_addcdiv(&b, &x, 1, &x, &b) == TOCHA_OK && at(&b, 0) == 1.25 && at(&b, 2) == 3.375);
  CHECK(failed_with(tocha_clamp(&r, &x, 2, 1), TOCHA_EARG, 3, "max (1) must not be less than min (2)"));
  CHECK(failed_with(tocha_clamp(&r, &x, NAN, 1), TOCHA_EARG, 2, "min must not be nan"));
  CHECK(tocha_clamp(&x, &x, 1.5, 2.5) == TOCHA_OK && at(&x, 0) == 1.5 && at(&x, 1) == 2 && at(&x, 2) == 2.5);
  vec(&l, TOCHA_LONG, 3, (double[]){1, 2, 3});
  CHECK(failed_with(tocha_addcmul(&r, &l, 1, &l, &l), TOCHA_ETYPE, 1, "addcmul is not defined for Long tensors"));
  CHECK(failed_with(tocha_addcmul(&r, &x, 1, &a, &l), TOCHA_ETYPE, 4, "got a Long tensor where a Float"));
  tocha_tensor_release(&x);
  tocha_tensor_release(&a);
  tocha_tensor_release(&b);
  tocha_tensor_release(&r);
  tocha_tensor_release(&l);
}

static void test_compare(void) {
  tocha_tensor f, g, mask, same, l, wrong;
  vec(&f, TOCHA_FLOAT, 4, (double[]){1, 2, NAN, 0.1});
  vec(&g, TOCHA_FLOAT, 4, (double[]){2, 2, 2, 0.1});
  tocha_tensor_init(&mask, TOCHA_BYTE);
  tocha_tensor_init(&same, TOCHA_FLOAT);
  CHECK(tocha_compare(&mask, &f, &g, TOCHA_CMP_LT) == TOCHA_OK && mask.dtype == TOCHA_BYTE);
  CHECK(at(&mask, 0) == 1 && at(&mask, 1) == 0 && at(&mask, 2) == 0 && at(&mask, 3) == 0);
  CHECK(tocha_compare(&same, &f, &g, TOCHA_CMP_NE) == TOCHA_OK && same.dtype == TOCHA_FLOAT);
  CHECK(at(&same, 0) == 1 && at(&same, 1) == 0 && at(&same, 2) == 1 && at(&same, 3) == 0);
  CHECK(tocha_compare_scalar(&mask, &f, 0.1, TOCHA_CMP_EQ) == TOCHA_OK && at(&mask, 3) == 1 && at(&mask, 0) == 0);
  tocha_tensor_init(&wrong, TOCHA_LONG);
  CHECK(failed_with(tocha_compare(&wrong, &f, &g, TOCHA_CMP_LT), TOCHA_ETYPE, 0,
                    "result must be a Byte or Float tensor, got Long"));
  CHECK(failed_with(tocha_compare_scalar(&mask, &f, 1, TOCHA_CMP_COUNT), TOCHA_EARG, 3, "unknown comparison"));

  vec(&l, TOCHA_LONG, 3, (double[]){-1, 2, 3});
  CHECK(tocha_compare_scalar(&mask, &l, 2.5, TOCHA_CMP_LE) == TOCHA_OK);
  CHECK(at(&mask, 0) == 1 && at(&mask, 1) == 1 && at(&mask, 2) == 0);
  CHECK(tocha_compare_scalar(&mask, &l, 9.3e18, TOCHA_CMP_LT) == TOCHA_OK && at(&mask, 2) == 1);
  CHECK(tocha_compare_scalar(&mask, &l, -9.3e18, TOCHA_CMP_GT) == TOCHA_OK && at(&mask, 0) == 1);
  CHECK(tocha_compare_scalar(&mask, &l, NAN, TOCHA_CMP_EQ) == TOCHA_OK && at(&mask, 1) == 0);
  CHECK(tocha_compare_scalar(&l, &l, 2, TOCHA_CMP_GE) == TOCHA_OK && at(&l, 0) == 0 && at(&l, 2) == 1);
  CHECK(strcmp(tocha_compare_name(TOCHA_CMP_GE), "ge") == 0);
  tocha_tensor_release(&f);
  tocha_tensor_release(&g);
  tocha_tensor_release(&mask);
  tocha_tensor_release(&same);
  tocha_tensor_release(&l);
  tocha_tensor_release(&wrong);
}

static void test_overlap(void) {
  /* x[1..4] += x[0..3]: the shifted input must be read before it changes */
  tocha_tensor x, hi, lo, t, m;
  vec(&x, TOCHA_DOUBLE, 5, (double[]){1, 2, 3, 4, 5});
  tocha_tensor_init(&hi, TOCHA_DOUBLE);
  tocha_tensor_init(&lo, TOCHA_DOUBLE);
  tocha_narrow(&hi, &x, 0, 1, 4);
  tocha_narrow(&lo, &x, 0, 0, 4);
  CHECK(tocha_add(&hi, &hi, 1, &lo) == TOCHA_OK);
  CHECK(at(&x, 0) == 1 && at(&x, 1) == 3 && at(&x, 2) == 5 && at(&x, 3) == 7 && at(&x, 4) == 9);
  CHECK(x.storage->refcount == 3); /* no copy left behind */

  /* m .*= m' on a square matrix */
  mat(&m, TOCHA_FLOAT, 2, 2);
  tocha_tensor_init(&t, TOCHA_FLOAT);
  tocha_transpose(&t, &m, 0, 1);
  CHECK(tocha_binary(&m, &m, &t, TOCHA_BINARY_MUL) == TOCHA_OK);
  CHECK(at2(&m, 0, 0) == 1 && at2(&m, 0, 1) == 6 && at2(&m, 1, 0) == 6 && at2(&m, 1, 1) == 16);

  /* a strided result of the right shape keeps its strides */
  CHECK(tocha_unary(&t, &m, TOCHA_UNARY_NEG) == TOCHA_OK); /* t is m' and m at once */
  CHECK(t.stride[0] == 1 && t.stride[1] == 2);
  CHECK(at2(&m, 0, 1) == -6 && at2(&m, 1, 1) == -16 && at2(&t, 0, 1) == -6);

  /* an empty result is resized; an empty input gives an empty result */
  tocha_tensor e, r;
  tocha_tensor_init(&e, TOCHA_DOUBLE);
  tocha_tensor_init(&r, TOCHA_DOUBLE);
  CHECK(tocha_binary_scalar(&r, &x, 1, TOCHA_BINARY_ADD) == TOCHA_OK && r.ndim == 1 && at(&r, 4) == 10);
  CHECK(tocha_binary_scalar(&r, &e, 1, TOCHA_BINARY_ADD) == TOCHA_OK && r.ndim == 0);
  tocha_tensor_release(&x);
  tocha_tensor_release(&hi);
  tocha_tensor_release(&lo);
  tocha_tensor_release(&t);
  tocha_tensor_release(&m);
  tocha_tensor_release(&e);
  tocha_tensor_release(&r);
}

static void test_large_contiguous(void) {
  /* long runs exercise the vectorised loops and their remainders */
  tocha_tensor a, b, r;
  int64_t n = 1003;
  tocha_tensor_init(&a, TOCHA_FLOAT);
  tocha_tensor_init(&b, TOCHA_FLOAT);
  tocha_tensor_init(&r, TOCHA_BYTE);
  tocha_tensor_new(&a, TOCHA_FLOAT, 1, &n);
  tocha_tensor_new(&b, TOCHA_FLOAT, 1, &n);
  float *pa = tocha_tensor_data(&a), *pb = tocha_tensor_data(&b);
  for (int64_t i = 0; i < n; i++) {
    pa[i] = (float)i;
    pb[i] = (float)(n - i);
  }
  CHECK(tocha_add(&a, &a, 2, &b) == TOCHA_OK);
  int ok = 1;
  for (int64_t i = 0; i < n; i++) ok &= pa[i] == (float)(2 * n - i);
  CHECK(ok);
  CHECK(tocha_compare_scalar(&r, &a, 1500, TOCHA_CMP_GT) == TOCHA_OK);
  const uint8_t *pr = tocha_tensor_data(&r);
  ok = 1;
  for (int64_t i = 0; i < n; i++) ok &= pr[i] == (2 * n - i > 1500);
  CHECK(ok);
  tocha_tensor_release(&a);
  tocha_tensor_release(&b);
  tocha_tensor_release(&r);
}

int main(void) {
  test_unary();
  test_binary();
  test_integers();
  test_three_inputs();
  test_compare();
  test_overlap();
  test_large_contiguous();
  return CHECK_REPORT();
}
