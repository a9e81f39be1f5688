/* nn.Linear's kernels and the one-pass SGD update from plain C: values,
 * aliasing, strided operands, errors with their argument positions, and no
 * leaks on any path (the ASan build checks that). */
#include <math.h>
#include <string.h>

#include "check.h"
#include "tocha.h"

#define NEAR(a, b, tol) (fabs((double)(a) - (double)(b)) <= (tol))

static tocha_tensor make(tocha_dtype dtype, int64_t rows, int64_t cols, const double *values) {
  tocha_tensor t;
  tocha_tensor_init(&t, dtype);
  int64_t size[2] = {rows, cols};
  tocha_tensor_new(&t, dtype, cols ? 2 : 1, size);
  int64_t n = tocha_tensor_nelement(&t);
  for (int64_t k = 0; k < n; k++) {
    int64_t idx[2] = {cols ? k / cols : k, cols ? k % cols : 0};
    tocha_tensor_put(&t, idx, values[k]);
  }
  return t;
}

static double at(const tocha_tensor *t, int64_t k) {
  double v = NAN;
  int64_t idx[2];
  if (t->ndim == 1) {
    idx[0] = k;
  } else {
    idx[0] = k / t->size[1];
    idx[1] = k % t->size[1];
  }
  tocha_tensor_get(t, idx, &v);
  return v;
}

static int equals(const tocha_tensor *t, const double *expected, int64_t n, double tol) {
  if (tocha_tensor_nelement(t) != n) return 0;
  for (int64_t k = 0; k < n; k++)
    if (!NEAR(at(t, k), expected[k], tol)) return 0;
  return 1;
}

static int message_has(const char *text) { return strstr(tocha_last_error()->message, text) != NULL; }

/* W (3x2), b (3), X (2x2): Y = X W^T + b */
static const double W[] = {1, 2, 3, 4, 5, 6}, B[] = {0.5, -1, 2}, X[] = {1, -1, 1, 2};
static const double Y[] = {-0.5, -2, 1, 5.5, 10, 19};

static void test_forward(tocha_dtype dt) {
  tocha_tensor w = make(dt, 3, 2, W), b = make(dt, 3, 0, B), x = make(dt, 2, 2, X), y;
  tocha_tensor_init(&y, dt);
  CHECK(tocha_nn_linear_forward(&y, &x, &w, &b) == TOCHA_OK);
  CHECK(y.ndim == 2 && y.size[0] == 2 && y.size[1] == 3);
  CHECK(equals(&y, Y, 6, 1e-6));
  /* no bias */
  static const double Y0[] = {-1, -1, -1, 5, 11, 17};
  CHECK(tocha_nn_linear_forward(&y, &x, &w, NULL) == TOCHA_OK && equals(&y, Y0, 6, 1e-6));
  /* a vector */
  tocha_tensor xv, yv;
  tocha_tensor_init(&xv, dt);
  tocha_tensor_init(&yv, dt);
  tocha_select(&xv, &x, 0, 1);
  CHECK(tocha_nn_linear_forward(&yv, &xv, &w, &b) == TOCHA_OK && equals(&yv, Y + 3, 3, 1e-6));
  /* the output is the input (square layer): computed aside, then copied */
  static const double W2[] = {1, 2, 0, 1}, B2[] = {1, -1};
  tocha_tensor w2 = make(dt, 2, 2, W2), b2 = make(dt, 2, 0, B2), xx = make(dt, 2, 2, X);
  static const double Y2[] = {0, -2, 6, 1}; /* [1 -1] -> [1-2+1, -1-1]; [1 2] -> [1+4+1, 2-1] */
  CHECK(tocha_nn_linear_forward(&xx, &xx, &w2, &b2) == TOCHA_OK && equals(&xx, Y2, 4, 1e-6));
  /* a transposed (strided) input and a strided, right-sized output */
  tocha_tensor xt_src = make(dt, 2, 2, (const double[]){1, 1, -1, 2}), xt, ybig, yt;
  tocha_tensor_init(&xt, dt);
  tocha_tensor_init(&ybig, dt);
  tocha_tensor_init(&yt, dt);
  tocha_transpose(&xt, &xt_src, 0, 1); /* rows (1, -1) and (1, 2) */
  int64_t big[2] = {3, 2};
  tocha_tensor_new(&ybig, dt, 2, big);
  tocha_transpose(&yt, &ybig, 0, 1); /* 2x3 view, strides (1, 2) */
  CHECK(tocha_nn_linear_forward(&yt, &xt, &w, &b) == TOCHA_OK);
  CHECK(yt.storage == ybig.storage && equals(&yt, Y, 6, 1e-6));
  /* errors, before anything is written */
  tocha_tensor bad = make(dt, 2, 3, (const double[]){0, 0, 0, 0, 0, 0});
  CHECK(tocha_nn_linear_forward(&y, &bad, &w, &b) == TOCHA_ESIZE && tocha_last_error()->arg == 1 &&
        message_has("input must be a vector of 2 elements or a matrix (batch x 2), got size 2x3"));
  CHECK(tocha_nn_linear_forward(&y, &x, &w, &x) == TOCHA_ESIZE && tocha_last_error()->arg == 3 &&
        message_has("bias must be a vector of 3 elements, got size 2x2"));
  CHECK(tocha_nn_linear_forward(&y, &x, &b, NULL) == TOCHA_ESIZE && tocha_last_error()->arg == 2);
  tocha_tensor other = make(dt == TOCHA_FLOAT ? TOCHA_DOUBLE : TOCHA_FLOAT, 2, 2, X);
  CHECK(tocha_nn_linear_forward(&y, &other, &w, &b) == TOCHA_ETYPE && tocha_last_error()->arg == 1 &&
        message_has("but the weights are a tocha."));
  CHECK(tocha_nn_linear_forward(&other, &x, &w, &b) == TOCHA_ETYPE && tocha_last_error()->arg == 0);
  tocha_tensor *all[] = {&w, &b, &x, &y, &xv, &yv, &w2, &b2, &xx, &xt_src, &xt, &ybig, &yt, &bad, &other};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tocha_tensor_release(all[i]);
}

static void test_backward(tocha_dtype dt) {
  tocha_tensor w = make(dt, 3, 2, W), x = make(dt, 2, 2, X);
  tocha_tensor go = make(dt, 2, 3, (const double[]){1, 0, -1, 0.5, 1, 2});
  tocha_tensor gi, gw, gb, ones;
  tocha_tensor_init(&gi, dt);
  tocha_tensor_init(&ones, dt);
  int64_t ws[2] = {3, 2}, bs = 3;
  tocha_tensor_init(&gw, dt);
  tocha_tensor_init(&gb, dt);
  tocha_tensor_new(&gw, dt, 2, ws);
  tocha_tensor_new(&gb, dt, 1, &bs);
  /* gradInput = Go W */
  CHECK(tocha_nn_linear_backward(&gi, &x, &go, &w) == TOCHA_OK &&
        equals(&gi, (const double[]){-4, -4, 13.5, 17}, 4, 1e-6));
  /* gW += s Go^T X, gb += s colsum(Go) */
  CHECK(tocha_nn_linear_acc_grad_parameters(&gw, &gb, &ones, &x, &go, 1) == TOCHA_OK);
  CHECK(equals(&gw, (const double[]){1.5, 0, 1, 2, 1, 5}, 6, 1e-6));
  CHECK(equals(&gb, (const double[]){1.5, 1, 1}, 3, 1e-6));
  CHECK(ones.ndim == 1 && ones.size[0] == 2 && at(&ones, 0) == 1 && at(&ones, 1) == 1);
  CHECK(tocha_nn_linear_acc_grad_parameters(&gw, &gb, &ones, &x, &go, 0.5) == TOCHA_OK);
  CHECK(equals(&gw, (const double[]){2.25, 0, 1.5, 3, 1.5, 7.5}, 6, 1e-6));
  CHECK(equals(&gb, (const double[]){2.25, 1.5, 1.5}, 3, 1e-6));
  /* without a bias, `ones` is not needed; with one, it is */
  CHECK(tocha_nn_linear_acc_grad_parameters(&gw, NULL, NULL, &x, &go, 0) == TOCHA_OK);
  CHECK(tocha_nn_linear_acc_grad_parameters(&gw, &gb, NULL, &x, &go, 0) == TOCHA_EARG &&
        message_has("needs a buffer for the vector of ones"));
  /* a vector */
  tocha_tensor xv = make(dt, 2, 0, (const double[]){2, 1}), gv = make(dt, 3, 0, (const double[]){1, -1, 0});
  tocha_fill(&gw, 0);
  tocha_fill(&gb, 0);
  CHECK(tocha_nn_linear_backward(&gi, &xv, &gv, &w) == TOCHA_OK && equals(&gi, (const double[]){-2, -2}, 2, 1e-6));
  CHECK(tocha_nn_linear_acc_grad_parameters(&gw, &gb, &ones, &xv, &gv, 1) == TOCHA_OK);
  CHECK(equals(&gw, (const double[]){2, 1, -2, -1, 0, 0}, 6, 1e-6));
  CHECK(equals(&gb, (const double[]){1, -1, 0}, 3, 1e-6));
  /* gradInput may be gradOutput's memory (computed aside) */
  tocha_tensor sq = make(dt, 2, 2, (const double[]){1, 2, 0, 1}), g2 = make(dt, 2, 2, (const double[]){1, 1, 2, -1});
  CHECK(tocha_nn_linear_backward(&g2, &x, &g2, &sq) == TOCHA_OK && equals(&g2, (const double[]){1, 3, 2, 3}, 4, 1e-6));
  /* errors */
  CHECK(tocha_nn_linear_backward(&gi, &x, &x, &w) == TOCHA_ESIZE && tocha_last_error()->arg == 2 &&
        message_has("gradOutput must have size 2x3, got 2x2"));
  CHECK(tocha_nn_linear_acc_grad_parameters(&gw, &gb, &ones, &x, &gv, 1) == TOCHA_ESIZE &&
        tocha_last_error()->arg == 2);
  tocha_tensor other = make(dt == TOCHA_FLOAT ? TOCHA_DOUBLE : TOCHA_FLOAT, 2, 3, (const double[]){0, 0, 0, 0, 0, 0});
  CHECK(tocha_nn_linear_backward(&gi, &x, &other, &w) == TOCHA_ETYPE && message_has("gradOutput is a tocha."));
  CHECK(tocha_nn_linear_acc_grad_parameters(&gw, &gb, &other, &x, &go, 1) == TOCHA_ETYPE &&
        message_has("ones buffer"));
  tocha_tensor *all[] = {&w, &x, &go, &gi, &gw, &gb, &ones, &xv, &gv, &sq, &g2, &other};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tocha_tensor_release(all[i]);
}

/* ---- sgd ------------------------------------------------------------------ */

/* The reference: Torch7's separate tensor operations. */
static void reference_sgd(tocha_tensor *x, tocha_tensor *g, tocha_tensor *v, double lr, double wd, double mom,
                          double damp, int nesterov, int fresh) {
  if (wd != 0) tocha_add(g, g, wd, x);
  tocha_tensor *d = g;
  if (mom != 0) {
    if (fresh) {
      tocha_copy(v, g);
    } else {
      tocha_binary_scalar(v, v, mom, TOCHA_BINARY_MUL);
      tocha_add(v, v, 1 - damp, g);
    }
    if (nesterov)
      tocha_add(g, g, mom, v);
    else
      d = v;
  }
  tocha_add(x, x, -lr, d);
}

static int same(const tocha_tensor *a, const tocha_tensor *b) {
  int64_t n = tocha_tensor_nelement(a);
  if (n != tocha_tensor_nelement(b)) return 0;
  for (int64_t k = 0; k < n; k++)
    if (at(a, k) != at(b, k)) return 0;
  return 1;
}

static void fill_pattern(tocha_tensor *t, unsigned seed) {
  int64_t n = tocha_tensor_nelement(t);
  float *p = t->dtype == TOCHA_FLOAT ? tocha_tensor_data(t) : NULL;
  double *q = t->dtype == TOCHA_DOUBLE ? tocha_tensor_data(t) : NULL;
  for (int64_t k = 0; k < n; k++) {
    double v = (double)((k * 2654435761u + seed) % 2001) / 1000.0 - 1.0;
    if (p) p[k] = (float)v;
    if (q) q[k] = v;
  }
}

static void test_sgd(tocha_dtype dt, int threads) {
  tocha_set_num_threads(threads);
  static const double cfg[][5] = {/* lr, wd, mom, damp, nesterov */
                                  {0.1, 0, 0, 0, 0},      {0.1, 0, 0.9, 0, 0},   {0.1, 0.01, 0.9, 0.1, 0},
                                  {0.1, 0, 0.9, 0, 1},    {0.1, 0.01, 0.5, 0, 1}, {0.1, 0.01, 0, 0, 0}};
  int64_t n = 200003; /* split among threads, with a tail */
  for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
    tocha_tensor x, g, v, rx, rg, rv;
    tocha_tensor *ts[] = {&x, &g, &v, &rx, &rg, &rv};
    for (int i = 0; i < 6; i++) {
      tocha_tensor_init(ts[i], dt);
      tocha_tensor_new(ts[i], dt, 1, &n);
    }
    fill_pattern(&x, 1);
    tocha_copy(&rx, &x);
    int ok = 1;
    for (int step = 0; step < 3; step++) {
      fill_pattern(&g, 7u + (unsigned)step);
      tocha_copy(&rg, &g);
      const double *k = cfg[c];
      ok = ok && tocha_optim_sgd_update(&x, &g, k[2] != 0 ? &v : NULL, k[0], k[1], k[2], k[3], (int)k[4], step == 0) ==
                     TOCHA_OK;
      reference_sgd(&rx, &rg, &rv, k[0], k[1], k[2], k[3], (int)k[4], step == 0);
      ok = ok && same(&x, &rx) && same(&g, &rg) && (k[2] == 0 || same(&v, &rv));
    }
    CHECK(ok);
    for (int i = 0; i < 6; i++) tocha_tensor_release(ts[i]);
  }
  tocha_set_num_threads(1);
}

static void test_sgd_special(void) {
  /* strided: every other element of x, g and v */
  tocha_tensor bx, bg, bv, x, g, v, rx, rg, rv;
  tocha_tensor *ts[] = {&bx, &bg, &bv, &x, &g, &v, &rx, &rg, &rv};
  for (int i = 0; i < 9; i++) tocha_tensor_init(ts[i], TOCHA_DOUBLE);
  int64_t n2 = 2002, n = 1001;
  tocha_tensor_new(&bx, TOCHA_DOUBLE, 1, &n2);
  tocha_tensor_new(&bg, TOCHA_DOUBLE, 1, &n2);
  tocha_tensor_new(&bv, TOCHA_DOUBLE, 1, &n2);
  fill_pattern(&bx, 3);
  fill_pattern(&bg, 5);
  tocha_unfold(&x, &bx, 0, 1, 2);
  tocha_unfold(&g, &bg, 0, 1, 2);
  tocha_unfold(&v, &bv, 0, 1, 2);
  tocha_select(&x, &x, 1, 0);
  tocha_select(&g, &g, 1, 0);
  tocha_select(&v, &v, 1, 0);
  CHECK(x.size[0] == n && x.stride[0] == 2);
  tocha_clone(&rx, &x, TOCHA_DOUBLE);
  tocha_clone(&rg, &g, TOCHA_DOUBLE);
  tocha_clone(&rv, &v, TOCHA_DOUBLE);
  CHECK(tocha_optim_sgd_update(&x, &g, &v, 0.1, 0.01, 0.9, 0, 1, 1) == TOCHA_OK);
  reference_sgd(&rx, &rg, &rv, 0.1, 0.01, 0.9, 0, 1, 1);
  CHECK(same(&x, &rx) && same(&g, &rg) && same(&v, &rv));
  CHECK(tocha_optim_sgd_update(&x, &g, &v, 0.1, 0.01, 0.9, 0, 1, 0) == TOCHA_OK);
  reference_sgd(&rx, &rg, &rv, 0.1, 0.01, 0.9, 0, 1, 0);
  CHECK(same(&x, &rx) && same(&g, &rg) && same(&v, &rv));
  /* the odd elements are untouched */
  double *p = tocha_tensor_data(&bx);
  tocha_tensor fresh;
  tocha_tensor_init(&fresh, TOCHA_DOUBLE);
  tocha_tensor_new(&fresh, TOCHA_DOUBLE, 1, &n2);
  fill_pattern(&fresh, 3);
  const double *f = tocha_tensor_data(&fresh);
  int odd_same = 1;
  for (int64_t k = 1; k < n2; k += 2) odd_same = odd_same && p[k] == f[k];
  CHECK(odd_same);
  /* the gradient is x itself: the passes one after the other */
  tocha_tensor y, ry, w, rw;
  tocha_tensor *ys[] = {&y, &ry, &w, &rw};
  for (int i = 0; i < 4; i++) {
    tocha_tensor_init(ys[i], TOCHA_DOUBLE);
    tocha_tensor_new(ys[i], TOCHA_DOUBLE, 1, &n);
  }
  fill_pattern(&y, 9);
  tocha_copy(&ry, &y);
  CHECK(tocha_optim_sgd_update(&y, &y, &w, 0.1, 0.25, 0.5, 0, 0, 1) == TOCHA_OK);
  reference_sgd(&ry, &ry, &rw, 0.1, 0.25, 0.5, 0, 0, 1);
  CHECK(same(&y, &ry) && same(&w, &rw));
  /* errors */
  CHECK(tocha_optim_sgd_update(&y, &rx, &w, 0.1, 0, 0.5, 0, 0, 0) == TOCHA_OK); /* sizes agree (1001) */
  tocha_tensor small;
  tocha_tensor_init(&small, TOCHA_DOUBLE);
  int64_t three = 3;
  tocha_tensor_new(&small, TOCHA_DOUBLE, 1, &three);
  CHECK(tocha_optim_sgd_update(&y, &small, &w, 0.1, 0, 0.5, 0, 0, 0) == TOCHA_ESIZE && tocha_last_error()->arg == 2);
  CHECK(tocha_optim_sgd_update(&y, &y, NULL, 0.1, 0, 0.5, 0, 0, 0) == TOCHA_EARG && tocha_last_error()->arg == 3);
  CHECK(tocha_optim_sgd_update(&y, &y, &small, 0.1, 0, 0.5, 0, 0, 0) == TOCHA_ESIZE &&
        message_has("the momentum buffer has size 3"));
  CHECK(tocha_optim_sgd_update(&y, &y, NULL, 0.1, 0, 0, 0, 1, 0) == TOCHA_EARG);
  tocha_tensor fl;
  tocha_tensor_init(&fl, TOCHA_FLOAT);
  tocha_tensor_new(&fl, TOCHA_FLOAT, 1, &n);
  CHECK(tocha_optim_sgd_update(&y, &fl, NULL, 0.1, 0, 0, 0, 0, 0) == TOCHA_ETYPE && tocha_last_error()->arg == 2);
  for (int i = 0; i < 9; i++) tocha_tensor_release(ts[i]);
  for (int i = 0; i < 4; i++) tocha_tensor_release(ys[i]);
  tocha_tensor_release(&fresh);
  tocha_tensor_release(&small);
  tocha_tensor_release(&fl);
}

int main(void) {
  test_forward(TOCHA_FLOAT);
  test_forward(TOCHA_DOUBLE);
  test_backward(TOCHA_FLOAT);
  test_backward(TOCHA_DOUBLE);
  test_sgd(TOCHA_FLOAT, 1);
  test_sgd(TOCHA_FLOAT, 2);
  test_sgd(TOCHA_DOUBLE, 2);
  test_sgd_special();
  return CHECK_REPORT();
}
