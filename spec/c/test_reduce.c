/* The reductions of src/core/reduce.c used from plain C: values, shapes,
 * 0-based indices, the row and lane paths, aliasing and error statuses. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tocha.h"

#define NEAR(a, b, tol) (fabs((double)(a) - (double)(b)) <= (tol) * (1 + fabs((double)(b))))

static void make(tocha_tensor *t, tocha_dtype dtype, int ndim, const int64_t *size) {
  tocha_tensor_init(t, dtype);
  if (tocha_tensor_new(t, dtype, ndim, size) != TOCHA_OK) {
    fprintf(stderr, "cannot allocate: %s\n", tocha_last_error()->message);
    exit(2);
  }
}

/* Fills a contiguous tensor from a list of values. */
static void fill_values(tocha_tensor *t, const double *v) {
  int64_t n = tocha_tensor_nelement(t);
  for (int64_t i = 0; i < n; i++) {
    switch (t->dtype) {
      case TOCHA_FLOAT: ((float *)tocha_tensor_data(t))[i] = (float)v[i]; break;
      case TOCHA_DOUBLE: ((double *)tocha_tensor_data(t))[i] = v[i]; break;
      case TOCHA_LONG: ((int64_t *)tocha_tensor_data(t))[i] = (int64_t)v[i]; break;
      case TOCHA_BYTE: ((uint8_t *)tocha_tensor_data(t))[i] = (uint8_t)v[i]; break;
      default: break;
    }
  }
}

static double at(const tocha_tensor *t, int64_t i, int64_t j) {
  double v = -12345;
  int64_t idx[3] = {i, j, 0};
  tocha_tensor_get(t, idx, &v);
  return v;
}

static double at3(const tocha_tensor *t, int64_t i, int64_t j, int64_t k) {
  double v = -12345;
  tocha_tensor_get(t, (int64_t[]){i, j, k}, &v);
  return v;
}

static int shape_is(const tocha_tensor *t, int ndim, int64_t s0, int64_t s1) {
  return t->ndim == ndim && t->size[0] == s0 && (ndim < 2 || t->size[1] == s1);
}

static void test_whole(void) {
  tocha_tensor x, l, b;
  tocha_number v;
  double d;
  make(&x, TOCHA_DOUBLE, 2, (int64_t[]){2, 3});
  fill_values(&x, (double[]){1, 2, 3, 4, 5, 6});
  CHECK(tocha_sumall(&v, &x) == TOCHA_OK && !v.is_integer && v.number == 21);
  CHECK(tocha_prodall(&v, &x) == TOCHA_OK && v.number == 720);
  CHECK(tocha_maxall(&v, &x) == TOCHA_OK && v.number == 6);
  CHECK(tocha_minall(&v, &x) == TOCHA_OK && v.number == 1);
  CHECK(tocha_meanall(&d, &x) == TOCHA_OK && d == 3.5);
  CHECK(tocha_varall(&d, &x, 0) == TOCHA_OK && NEAR(d, 3.5, 1e-15));      /* 17.5 / 5 */
  CHECK(tocha_varall(&d, &x, 1) == TOCHA_OK && NEAR(d, 17.5 / 6, 1e-15)); /* biased */
  CHECK(tocha_stdall(&d, &x, 0) == TOCHA_OK && NEAR(d, sqrt(3.5), 1e-15));
  CHECK(tocha_normall(&d, &x, 2) == TOCHA_OK && NEAR(d, sqrt(91.0), 1e-15));
  CHECK(tocha_normall(&d, &x, 1) == TOCHA_OK && d == 21);
  CHECK(tocha_normall(&d, &x, 0) == TOCHA_OK && d == 6);
  CHECK(tocha_normall(&d, &x, INFINITY) == TOCHA_OK && d == 6);
  CHECK(tocha_normall(&d, &x, 3) == TOCHA_OK && NEAR(d, cbrt(441.0), 1e-14));
  CHECK(tocha_logsumexpall(&d, &x) == TOCHA_OK &&
        NEAR(d, log(exp(1) + exp(2) + exp(3) + exp(4) + exp(5) + exp(6)), 1e-14));

  /* Long: exact beyond 2^53; Byte sums are integers too */
  make(&l, TOCHA_LONG, 1, (int64_t[]){3});
  int64_t *lp = tocha_tensor_data(&l);
  lp[0] = ((int64_t)1 << 60) + 1;
  lp[1] = 2;
  lp[2] = -((int64_t)1 << 60);
  CHECK(tocha_sumall(&v, &l) == TOCHA_OK && v.is_integer && v.integer == 3);
  CHECK(tocha_maxall(&v, &l) == TOCHA_OK && v.is_integer && v.integer == ((int64_t)1 << 60) + 1);
  CHECK(tocha_minall(&v, &l) == TOCHA_OK && v.integer == -((int64_t)1 << 60));
  make(&b, TOCHA_BYTE, 1, (int64_t[]){300});
  tocha_fill(&b, 200);
  CHECK(tocha_sumall(&v, &b) == TOCHA_OK && v.is_integer && v.integer == 60000);
  tocha_tensor_release(&x);
  tocha_tensor_release(&l);
  tocha_tensor_release(&b);
}

static void test_float_accumulates_in_double(void) {
  tocha_tensor x, col;
  tocha_number v;
  double d;
  make(&x, TOCHA_FLOAT, 1, (int64_t[]){10000000});
  tocha_fill(&x, 1);
  CHECK(tocha_sumall(&v, &x) == TOCHA_OK && v.number == 1e7);
  CHECK(tocha_meanall(&d, &x) == TOCHA_OK && d == 1);
  /* along a dimension too, both in the lane path (last dim) ... */
  tocha_tensor_init(&col, TOCHA_FLOAT);
  CHECK(tocha_sum(&col, &x, 0) == TOCHA_OK && ((float *)tocha_tensor_data(&col))[0] == 1e7f);
  /* ... and in the row path (dim 0 of a 10^6 x 10 matrix) */
  CHECK(tocha_view(&x, &x, 2, (int64_t[]){1000000, 10}) == TOCHA_OK);
  CHECK(tocha_sum(&col, &x, 0) == TOCHA_OK && shape_is(&col, 2, 1, 10));
  CHECK(at(&col, 0, 0) == 1e6 && at(&col, 0, 9) == 1e6);
  CHECK(tocha_cumsum(&x, &x, 0) == TOCHA_OK && at(&x, 999999, 3) == 1e6); /* in place, aliased */
  tocha_tensor_release(&x);
  tocha_tensor_release(&col);
}

/* Along each dim of a 2x3, contiguous (row path for dim 0) and transposed. */
static void test_along_dims(void) {
  tocha_tensor x, xt, out, vals, idx;
  make(&x, TOCHA_FLOAT, 2, (int64_t[]){2, 3});
  fill_values(&x, (double[]){1, 5, 3, 4, 2, 6});
  tocha_tensor_init(&xt, TOCHA_FLOAT);
  tocha_tensor_init(&out, TOCHA_FLOAT);
  tocha_tensor_init(&vals, TOCHA_FLOAT);
  tocha_tensor_init(&idx, TOCHA_LONG);
  CHECK(tocha_transpose(&xt, &x, 0, 1) == TOCHA_OK);

  CHECK(tocha_sum(&out, &x, 0) == TOCHA_OK && shape_is(&out, 2, 1, 3));
  CHECK(at(&out, 0, 0) == 5 && at(&out, 0, 1) == 7 && at(&out, 0, 2) == 9);
  CHECK(tocha_sum(&out, &x, 1) == TOCHA_OK && shape_is(&out, 2, 2, 1));
  CHECK(at(&out, 0, 0) == 9 && at(&out, 1, 0) == 12);
  CHECK(tocha_sum(&out, &xt, 0) == TOCHA_OK && shape_is(&out, 2, 1, 2));
  CHECK(at(&out, 0, 0) == 9 && at(&out, 0, 1) == 12);
  CHECK(tocha_sum(&out, &xt, 1) == TOCHA_OK && shape_is(&out, 2, 3, 1));
  CHECK(at(&out, 0, 0) == 5 && at(&out, 2, 0) == 9);
  CHECK(tocha_prod(&out, &x, 0) == TOCHA_OK && at(&out, 0, 1) == 10 && at(&out, 0, 2) == 18);
  CHECK(tocha_mean(&out, &x, 1) == TOCHA_OK && at(&out, 0, 0) == 3 && at(&out, 1, 0) == 4);
  CHECK(tocha_var(&out, &x, 0, 0) == TOCHA_OK && at(&out, 0, 0) == 4.5 && at(&out, 0, 1) == 4.5);
  CHECK(tocha_var(&out, &x, 0, 1) == TOCHA_OK && at(&out, 0, 2) == 2.25);
  CHECK(tocha_std(&out, &xt, 1, 1) == TOCHA_OK && at(&out, 1, 0) == 1.5);
  CHECK(tocha_norm(&out, &x, 1, 1) == TOCHA_OK && at(&out, 0, 0) == 9);
  CHECK(tocha_norm(&out, &x, 2, 0) == TOCHA_OK && NEAR(at(&out, 0, 0), sqrt(17.0), 1e-7));
  CHECK(tocha_norm(&out, &x, INFINITY, 0) == TOCHA_OK && at(&out, 0, 1) == 5);
  CHECK(tocha_logsumexp(&out, &x, 0) == TOCHA_OK && NEAR(at(&out, 0, 2), 6 + log1p(exp(-3)), 1e-6));

  /* max/min: 0-based indices along the dim */
  CHECK(tocha_max(&vals, &idx, &x, 0) == TOCHA_OK && shape_is(&idx, 2, 1, 3));
  CHECK(at(&vals, 0, 0) == 4 && at(&idx, 0, 0) == 1 && at(&vals, 0, 1) == 5 && at(&idx, 0, 1) == 0);
  CHECK(tocha_max(&vals, &idx, &x, 1) == TOCHA_OK && at(&idx, 0, 0) == 1 && at(&idx, 1, 0) == 2);
  CHECK(tocha_min(&vals, &idx, &xt, 0) == TOCHA_OK && shape_is(&vals, 2, 1, 2));
  CHECK(at(&vals, 0, 0) == 1 && at(&idx, 0, 0) == 0 && at(&vals, 0, 1) == 2 && at(&idx, 0, 1) == 1);

  /* scans */
  CHECK(tocha_cumsum(&out, &x, 0) == TOCHA_OK && shape_is(&out, 2, 2, 3));
  CHECK(at(&out, 1, 0) == 5 && at(&out, 1, 2) == 9 && at(&out, 0, 1) == 5);
  CHECK(tocha_cumprod(&out, &x, 1) == TOCHA_OK && at(&out, 0, 2) == 15 && at(&out, 1, 2) == 48);
  CHECK(tocha_cumsum(&out, &xt, 0) == TOCHA_OK && shape_is(&out, 2, 3, 2) && at(&out, 2, 1) == 12);
  tocha_tensor_release(&x);
  tocha_tensor_release(&xt);
  tocha_tensor_release(&out);
  tocha_tensor_release(&vals);
  tocha_tensor_release(&idx);
}

/* Three layouts of the same A x N x B data: contiguous (row path), a
 * transposed view whose last dimension is still unit-stride (row path on
 * strided rows) and a view whose last dimension is not (lane path). */
static tocha_status run_op(int op, tocha_tensor *r, tocha_tensor *x, int dim) {
  switch (op) {
    case 0: return tocha_sum(r, x, dim);
    case 1: return tocha_mean(r, x, dim);
    case 2: return tocha_var(r, x, dim, 0);
    case 3: return tocha_std(r, x, dim, 1);
    case 4: return tocha_norm(r, x, 2, dim);
    case 5: return tocha_norm(r, x, 3, dim);
    case 6: return tocha_norm(r, x, 0, dim);
    case 7: return tocha_norm(r, x, 1, dim);
    case 8: return tocha_norm(r, x, INFINITY, dim);
    case 9: return tocha_logsumexp(r, x, dim);
    case 10: return tocha_prod(r, x, dim);
    case 11: return tocha_cumsum(r, x, dim);
    default: return tocha_cumprod(r, x, dim);
  }
}

static int same_values(const tocha_tensor *a, const tocha_tensor *b) {
  int64_t n = tocha_tensor_nelement(a);
  if (!tocha_tensor_same_size(a, b)) return 0;
  for (int64_t i = 0; i < n; i++) {
    double u = ((const double *)tocha_tensor_data(a))[i], v = ((const double *)tocha_tensor_data(b))[i];
    if (!(NEAR(u, v, 1e-12) || (isnan(u) && isnan(v)))) return 0;
  }
  return 1;
}

static void test_rows_match_lanes(void) {
  enum { A = 3, N = 5, B = 600 };
  tocha_tensor x, v1, v2, c1, c2, r[3], v[3], i[3];
  make(&x, TOCHA_DOUBLE, 3, (int64_t[]){A, N, B});
  double *xp = tocha_tensor_data(&x);
  for (int64_t k = 0; k < A * N * B; k++) xp[k] = sin((double)k) * 3 + (double)(k % 7) / 4;
  xp[1 * N * B + 2 * B + 17] = NAN; /* a NaN in lane (1, ., 17) */
  xp[1 * N * B + 3 * B + 17] = -1e9;
  tocha_tensor_init(&v1, TOCHA_DOUBLE);
  tocha_tensor_init(&v2, TOCHA_DOUBLE);
  make(&c1, TOCHA_DOUBLE, 3, (int64_t[]){N, A, B});
  make(&c2, TOCHA_DOUBLE, 3, (int64_t[]){B, N, A});
  CHECK(tocha_transpose(&v1, &c1, 0, 1) == TOCHA_OK && tocha_copy(&v1, &x) == TOCHA_OK);
  CHECK(tocha_transpose(&v2, &c2, 0, 2) == TOCHA_OK && tocha_copy(&v2, &x) == TOCHA_OK);
  CHECK(!tocha_tensor_is_contiguous(&v1) && v1.stride[2] == 1 && v2.stride[2] != 1);
  tocha_tensor *layouts[3] = {&x, &v1, &v2};
  for (int k = 0; k < 3; k++) {
    tocha_tensor_init(&r[k], TOCHA_DOUBLE);
    tocha_tensor_init(&v[k], TOCHA_DOUBLE);
    tocha_tensor_init(&i[k], TOCHA_LONG);
  }
  int ok = 1;
  for (int op = 0; op < 13; op++) {
    for (int dim = 0; dim < 3; dim++) {
      for (int k = 0; k < 3; k++)
        if (run_op(op, &r[k], layouts[k], dim) != TOCHA_OK) ok = 0;
      if (!same_values(&r[0], &r[1]) || !same_values(&r[0], &r[2])) {
        ok = 0;
        fprintf(stderr, "op %d dim %d: layouts disagree\n", op, dim);
      }
    }
  }
  CHECK(ok);
  for (int want_max = 0; want_max < 2; want_max++) {
    for (int dim = 0; dim < 3; dim++) {
      for (int k = 0; k < 3; k++) {
        tocha_status st = want_max ? tocha_max(&v[k], &i[k], layouts[k], dim) : tocha_min(&v[k], &i[k], layouts[k], dim);
        CHECK(st == TOCHA_OK);
      }
      CHECK(same_values(&v[0], &v[1]) && same_values(&v[0], &v[2]));
      CHECK(memcmp(tocha_tensor_data(&i[0]), tocha_tensor_data(&i[1]), sizeof(int64_t) * (size_t)tocha_tensor_nelement(&i[0])) == 0);
      CHECK(memcmp(tocha_tensor_data(&i[0]), tocha_tensor_data(&i[2]), sizeof(int64_t) * (size_t)tocha_tensor_nelement(&i[0])) == 0);
    }
    /* along dim 1 the NaN wins (index 2), over the -1e9 at index 3 */
    CHECK(want_max ? tocha_max(&v[2], &i[2], &v2, 1) == TOCHA_OK : tocha_min(&v[2], &i[2], &v2, 1) == TOCHA_OK);
    CHECK(isnan(at3(&v[2], 1, 0, 17)) && at3(&i[2], 1, 0, 17) == 2);
    CHECK(!isnan(at3(&v[2], 1, 0, 18)));
  }
  CHECK(tocha_min(&v[0], &i[0], &x, 1) == TOCHA_OK && at3(&i[0], 1, 0, 17) == 2);
  tocha_tensor *all[] = {&x, &v1, &v2, &c1, &c2};
  for (int k = 0; k < 5; k++) tocha_tensor_release(all[k]);
  for (int k = 0; k < 3; k++) {
    tocha_tensor_release(&r[k]);
    tocha_tensor_release(&v[k]);
    tocha_tensor_release(&i[k]);
  }
}

static void test_ties_nan_and_integers(void) {
  tocha_tensor x, v, i, b, s;
  tocha_number num;
  make(&x, TOCHA_FLOAT, 1, (int64_t[]){5});
  fill_values(&x, (double[]){2, 7, 7, 1, 1});
  tocha_tensor_init(&v, TOCHA_FLOAT);
  tocha_tensor_init(&i, TOCHA_LONG);
  CHECK(tocha_max(&v, &i, &x, 0) == TOCHA_OK && at(&i, 0, 0) == 1); /* first of the ties */
  CHECK(tocha_min(&v, &i, &x, 0) == TOCHA_OK && at(&i, 0, 0) == 3);
  ((float *)tocha_tensor_data(&x))[2] = NAN;
  ((float *)tocha_tensor_data(&x))[4] = NAN;
  CHECK(tocha_max(&v, &i, &x, 0) == TOCHA_OK && isnan(at(&v, 0, 0)) && at(&i, 0, 0) == 2);
  CHECK(tocha_min(&v, &i, &x, 0) == TOCHA_OK && isnan(at(&v, 0, 0)) && at(&i, 0, 0) == 2);
  CHECK(tocha_maxall(&num, &x) == TOCHA_OK && isnan(num.number));
  CHECK(tocha_minall(&num, &x) == TOCHA_OK && isnan(num.number));

  /* Byte sums along a dim are Long and do not wrap at 256 */
  make(&b, TOCHA_BYTE, 2, (int64_t[]){2, 200});
  tocha_fill(&b, 3);
  tocha_tensor_init(&s, TOCHA_LONG);
  CHECK(tocha_sum(&s, &b, 1) == TOCHA_OK && s.dtype == TOCHA_LONG && at(&s, 1, 0) == 600);
  CHECK(tocha_sum(&s, &b, 0) == TOCHA_OK && shape_is(&s, 2, 1, 200) && at(&s, 0, 199) == 6);
  CHECK(tocha_cumsum(&s, &b, 1) == TOCHA_OK && at(&s, 0, 199) == 600);
  tocha_tensor_release(&v);
  tocha_tensor_init(&v, TOCHA_BYTE);
  CHECK(tocha_max(&v, &i, &b, 1) == TOCHA_OK && at(&v, 0, 0) == 3 && at(&i, 1, 0) == 0);
  tocha_tensor_release(&x);
  tocha_tensor_release(&v);
  tocha_tensor_release(&i);
  tocha_tensor_release(&b);
  tocha_tensor_release(&s);
}

static void test_norm_and_logsumexp_extremes(void) {
  tocha_tensor x;
  double d;
  make(&x, TOCHA_DOUBLE, 1, (int64_t[]){2});
  fill_values(&x, (double[]){1e200, 1e200});
  CHECK(tocha_normall(&d, &x, 2) == TOCHA_OK && NEAR(d, sqrt(2.0) * 1e200, 1e-15));
  fill_values(&x, (double[]){3e-200, 4e-200});
  CHECK(tocha_normall(&d, &x, 2) == TOCHA_OK && NEAR(d, 5e-200, 1e-15));
  fill_values(&x, (double[]){1000, 1000});
  CHECK(tocha_logsumexpall(&d, &x) == TOCHA_OK && NEAR(d, 1000 + log(2.0), 1e-15));
  fill_values(&x, (double[]){-INFINITY, -INFINITY});
  CHECK(tocha_logsumexpall(&d, &x) == TOCHA_OK && isinf(d) && d < 0);
  fill_values(&x, (double[]){7, 7});
  CHECK(tocha_varall(&d, &x, 0) == TOCHA_OK && d == 0);
  tocha_tensor_release(&x);
  make(&x, TOCHA_DOUBLE, 1, (int64_t[]){1});
  CHECK(tocha_varall(&d, &x, 0) == TOCHA_OK && isnan(d)); /* n - 1 = 0 */
  CHECK(tocha_varall(&d, &x, 1) == TOCHA_OK && d == 0);
  tocha_tensor_release(&x);
}

static void test_empty(void) {
  tocha_tensor e, z, out, v, i;
  tocha_number num;
  double d;
  tocha_tensor_init(&e, TOCHA_FLOAT);
  CHECK(tocha_sumall(&num, &e) == TOCHA_OK && num.number == 0);
  CHECK(tocha_prodall(&num, &e) == TOCHA_OK && num.number == 1);
  CHECK(tocha_normall(&d, &e, 2) == TOCHA_OK && d == 0);
  CHECK(tocha_maxall(&num, &e) == TOCHA_EARG);
  CHECK(strcmp(tocha_last_error()->message, "max of an empty tensor") == 0 && tocha_last_error()->arg == 1);
  CHECK(tocha_minall(&num, &e) == TOCHA_EARG);
  CHECK(tocha_meanall(&d, &e) == TOCHA_EARG && strstr(tocha_last_error()->message, "mean of an empty") != NULL);
  /* a 0x3 tensor */
  make(&z, TOCHA_FLOAT, 2, (int64_t[]){0, 3});
  tocha_tensor_init(&out, TOCHA_FLOAT);
  tocha_tensor_init(&v, TOCHA_FLOAT);
  tocha_tensor_init(&i, TOCHA_LONG);
  CHECK(tocha_sum(&out, &z, 0) == TOCHA_OK && shape_is(&out, 2, 1, 3) && at(&out, 0, 2) == 0);
  CHECK(tocha_prod(&out, &z, 0) == TOCHA_OK && at(&out, 0, 2) == 1);
  CHECK(tocha_sum(&out, &z, 1) == TOCHA_OK && shape_is(&out, 2, 0, 1));
  CHECK(tocha_max(&v, &i, &z, 0) == TOCHA_EARG && strstr(tocha_last_error()->message, "size 0") != NULL);
  CHECK(tocha_mean(&out, &z, 0) == TOCHA_EARG);
  CHECK(tocha_cumsum(&out, &z, 0) == TOCHA_OK && shape_is(&out, 2, 0, 3));
  tocha_tensor_release(&z);
  tocha_tensor_release(&out);
  tocha_tensor_release(&v);
  tocha_tensor_release(&i);
}

static void test_errors(void) {
  tocha_tensor x, l, out, v, i, dbl;
  double d;
  make(&x, TOCHA_FLOAT, 2, (int64_t[]){2, 2});
  make(&l, TOCHA_LONG, 1, (int64_t[]){2});
  tocha_tensor_init(&out, TOCHA_FLOAT);
  tocha_tensor_init(&v, TOCHA_FLOAT);
  tocha_tensor_init(&i, TOCHA_LONG);
  tocha_tensor_init(&dbl, TOCHA_DOUBLE);
  CHECK(tocha_sum(&out, &x, 2) == TOCHA_EARG && tocha_last_error()->arg == 2);
  CHECK(strstr(tocha_last_error()->message, "dimension 3 out of range") != NULL); /* counted from 1 */
  CHECK(tocha_sum(&out, &x, -1) == TOCHA_EARG);
  CHECK(out.ndim == 0 && out.storage == NULL); /* untouched */
  CHECK(tocha_norm(&out, &x, 2, 5) == TOCHA_EARG && tocha_last_error()->arg == 3);
  CHECK(tocha_norm(&out, &x, -1, 0) == TOCHA_EARG && tocha_last_error()->arg == 2);
  CHECK(tocha_normall(&d, &x, NAN) == TOCHA_EARG);
  CHECK(tocha_mean(&out, &l, 0) == TOCHA_ETYPE && tocha_last_error()->arg == 1);
  CHECK(strstr(tocha_last_error()->message, "Float or Double") != NULL);
  CHECK(tocha_meanall(&d, &l) == TOCHA_ETYPE);
  CHECK(tocha_sum(&dbl, &x, 0) == TOCHA_ETYPE && dbl.storage == NULL); /* result of the wrong type */
  CHECK(tocha_sum(&out, &l, 0) == TOCHA_ETYPE);                        /* Long sums are Long */
  CHECK(tocha_max(&i, &i, &l, 0) == TOCHA_EARG && strstr(tocha_last_error()->message, "different") != NULL);
  CHECK(tocha_max(&v, &out, &x, 0) == TOCHA_ETYPE); /* indices must be Long */
  CHECK(tocha_max(&dbl, &i, &x, 0) == TOCHA_ETYPE);
  CHECK(tocha_cumsum(&out, &x, 3) == TOCHA_EARG);
  tocha_tensor *all[] = {&x, &l, &out, &v, &i, &dbl};
  for (int k = 0; k < 6; k++) tocha_tensor_release(all[k]);
}

static void test_aliasing_and_reuse(void) {
  tocha_tensor x, view, out;
  make(&x, TOCHA_DOUBLE, 2, (int64_t[]){3, 4});
  double *p = tocha_tensor_data(&x);
  for (int k = 0; k < 12; k++) p[k] = k;
  /* out is a view of x's own storage */
  tocha_tensor_init(&view, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&view, &x, 0, 0, 1) == TOCHA_OK);
  CHECK(tocha_sum(&view, &x, 0) == TOCHA_OK && shape_is(&view, 2, 1, 4));
  CHECK(at(&view, 0, 0) == 12 && at(&view, 0, 3) == 21 && view.storage == x.storage);
  /* out is x itself */
  for (int k = 0; k < 12; k++) p[k] = k;
  CHECK(tocha_sum(&x, &x, 1) == TOCHA_OK && shape_is(&x, 2, 3, 1));
  CHECK(at(&x, 0, 0) == 6 && at(&x, 2, 0) == 38);
  /* a result tensor large enough is reused, not reallocated */
  make(&out, TOCHA_DOUBLE, 1, (int64_t[]){10});
  tocha_storage *s = out.storage;
  CHECK(tocha_mean(&out, &view, 1) == TOCHA_OK && out.storage == s && shape_is(&out, 2, 1, 1));
  tocha_tensor_release(&x);
  tocha_tensor_release(&view);
  tocha_tensor_release(&out);
}

int main(void) {
  test_whole();
  test_float_accumulates_in_double();
  test_along_dims();
  test_rows_match_lanes();
  test_ties_nan_and_integers();
  test_norm_and_logsumexp_extremes();
  test_empty();
  test_errors();
  test_aliasing_and_reuse();
  return CHECK_REPORT();
}
