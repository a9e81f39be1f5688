/* The nn kernels from plain C: values, aliasing, strided inputs, errors,
 * and finite-difference checks of every backward. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "tocha.h"

#define NEAR(a, b, tol) (fabs((double)(a) - (double)(b)) <= (tol))

/* A new tensor of `dtype` and shape (rows, cols) (cols == 0: a vector of
 * rows elements) holding `values` in row-major order. */
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

/* Element k in logical row-major order. */
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

static void set_at(tocha_tensor *t, int64_t k, double v) {
  int64_t idx[2];
  if (t->ndim == 1) {
    idx[0] = k;
  } else {
    idx[0] = k / t->size[1];
    idx[1] = k % t->size[1];
  }
  tocha_tensor_put(t, idx, v);
}

static int message_has(const char *text) { return strstr(tocha_last_error()->message, text) != NULL; }

/* ---- activations ------------------------------------------------------- */

typedef tocha_status (*fwd_fn)(tocha_tensor *, const tocha_tensor *);
typedef tocha_status (*bwd_fn)(tocha_tensor *, const tocha_tensor *, const tocha_tensor *);

static double leaky_negval = 0.1, elu_alpha = 0.7;
static tocha_status leaky_f(tocha_tensor *o, const tocha_tensor *i) { return tocha_nn_leaky_relu_forward(o, i, leaky_negval); }
static tocha_status leaky_b(tocha_tensor *g, const tocha_tensor *go, const tocha_tensor *x) {
  return tocha_nn_leaky_relu_backward(g, go, x, leaky_negval);
}
static tocha_status elu_f(tocha_tensor *o, const tocha_tensor *i) { return tocha_nn_elu_forward(o, i, elu_alpha); }
static tocha_status elu_b(tocha_tensor *g, const tocha_tensor *go, const tocha_tensor *y) {
  return tocha_nn_elu_backward(g, go, y, elu_alpha);
}

typedef struct activation {
  const char *name;
  fwd_fn forward;
  bwd_fn backward;
  int backward_from_input; /* else from the output */
  double (*expected)(double);
} activation;

static double relu_ref(double x) { return x > 0 ? x : 0; }
static double leaky_ref(double x) { return x > 0 ? x : leaky_negval * x; }
static double elu_ref(double x) { return x > 0 ? x : elu_alpha * (exp(x) - 1); }
static double sigmoid_ref(double x) { return 1 / (1 + exp(-x)); }

static const activation activations[] = {
    {"relu", tocha_nn_relu_forward, tocha_nn_relu_backward, 1, relu_ref},
    {"leaky", leaky_f, leaky_b, 1, leaky_ref},
    {"elu", elu_f, elu_b, 0, elu_ref},
    {"tanh", tocha_nn_tanh_forward, tocha_nn_tanh_backward, 0, tanh},
    {"sigmoid", tocha_nn_sigmoid_forward, tocha_nn_sigmoid_backward, 0, sigmoid_ref},
};

static const double xs[6] = {-2.5, -0.75, -0.1, 0.3, 1.2, 3.0};

static void test_activation_values(const activation *a, tocha_dtype dtype) {
  double tol = dtype == TOCHA_FLOAT ? 1e-6 : 1e-14;
  tocha_tensor x = make(dtype, 2, 3, xs), y, xt;
  tocha_tensor_init(&y, dtype);
  tocha_tensor_init(&xt, dtype);
  CHECK(a->forward(&y, &x) == TOCHA_OK);
  CHECK(y.ndim == 2 && y.size[0] == 2 && y.size[1] == 3);
  for (int k = 0; k < 6; k++) CHECK(NEAR(at(&y, k), a->expected(xs[k]), tol * (1 + fabs(xs[k]))));
  /* a transposed (strided) input gives the transposed result */
  CHECK(tocha_transpose(&xt, &x, 0, 1) == TOCHA_OK);
  CHECK(a->forward(&y, &xt) == TOCHA_OK);
  CHECK(y.size[0] == 3 && y.size[1] == 2 && tocha_tensor_is_contiguous(&y));
  for (int64_t i = 0; i < 3; i++)
    for (int64_t j = 0; j < 2; j++) CHECK(NEAR(at(&y, i * 2 + j), a->expected(xs[j * 3 + i]), tol * 4));
  /* in place: output is the input */
  CHECK(a->forward(&x, &x) == TOCHA_OK);
  for (int k = 0; k < 6; k++) CHECK(NEAR(at(&x, k), a->expected(xs[k]), tol * (1 + fabs(xs[k]))));
  tocha_tensor_release(&x);
  tocha_tensor_release(&y);
  tocha_tensor_release(&xt);
}

/* Central differences: gi[k] = f'(x[k]) * go[k] for an elementwise f. */
static void test_activation_gradient(const activation *a) {
  const double go_values[6] = {0.5, -1.0, 2.0, 0.25, -0.3, 1.5};
  tocha_tensor x = make(TOCHA_DOUBLE, 2, 3, xs), go = make(TOCHA_DOUBLE, 2, 3, go_values), y, gi, yp, ym, xp;
  tocha_tensor_init(&y, TOCHA_DOUBLE);
  tocha_tensor_init(&gi, TOCHA_DOUBLE);
  tocha_tensor_init(&yp, TOCHA_DOUBLE);
  tocha_tensor_init(&ym, TOCHA_DOUBLE);
  tocha_tensor_init(&xp, TOCHA_DOUBLE);
  CHECK(a->forward(&y, &x) == TOCHA_OK);
  CHECK(a->backward(&gi, &go, a->backward_from_input ? &x : &y) == TOCHA_OK);
  const double h = 1e-6;
  double worst = 0;
  for (int k = 0; k < 6; k++) {
    CHECK(tocha_clone(&xp, &x, TOCHA_DOUBLE) == TOCHA_OK);
    set_at(&xp, k, xs[k] + h);
    a->forward(&yp, &xp);
    set_at(&xp, k, xs[k] - h);
    a->forward(&ym, &xp);
    double numeric = (at(&yp, k) - at(&ym, k)) / (2 * h) * go_values[k];
    worst = fmax(worst, fabs(numeric - at(&gi, k)));
  }
  CHECK(worst < 1e-8);
  if (worst >= 1e-8) fprintf(stderr, "  %s: gradient error %g\n", a->name, worst);
  /* in place backward: gradInput is gradOutput */
  CHECK(a->backward(&go, &go, a->backward_from_input ? &x : &y) == TOCHA_OK);
  for (int k = 0; k < 6; k++) CHECK(at(&go, k) == at(&gi, k));
  tocha_tensor_release(&x);
  tocha_tensor_release(&go);
  tocha_tensor_release(&y);
  tocha_tensor_release(&gi);
  tocha_tensor_release(&yp);
  tocha_tensor_release(&ym);
  tocha_tensor_release(&xp);
}

static void test_activation_errors(void) {
  tocha_tensor x = make(TOCHA_FLOAT, 2, 3, xs), y, go, l;
  tocha_tensor_init(&y, TOCHA_DOUBLE);
  tocha_tensor_init(&go, TOCHA_FLOAT);
  tocha_tensor_init(&l, TOCHA_LONG);
  CHECK(tocha_nn_relu_forward(&y, &x) == TOCHA_ETYPE);
  CHECK(message_has("input is a FloatTensor but output is a DoubleTensor"));
  CHECK(y.ndim == 0);
  CHECK(tocha_tensor_new(&l, TOCHA_LONG, 1, (int64_t[]){3}) == TOCHA_OK);
  CHECK(tocha_nn_tanh_forward(&l, &l) == TOCHA_ETYPE && tocha_last_error()->arg == 1);
  CHECK(message_has("input must be a FloatTensor or DoubleTensor, got a LongTensor"));
  CHECK(tocha_tensor_new(&go, TOCHA_FLOAT, 2, (int64_t[]){3, 2}) == TOCHA_OK);
  tocha_tensor gi;
  tocha_tensor_init(&gi, TOCHA_FLOAT);
  CHECK(tocha_nn_sigmoid_backward(&gi, &go, &x) == TOCHA_ESIZE && tocha_last_error()->arg == 1);
  CHECK(message_has("gradOutput has size 3x2 but output has size 2x3"));
  CHECK(gi.ndim == 0);
  tocha_tensor_release(&x);
  tocha_tensor_release(&y);
  tocha_tensor_release(&go);
  tocha_tensor_release(&l);
}

/* ---- softmax ------------------------------------------------------------- */

static void test_softmax_values(tocha_dtype dtype) {
  double tol = dtype == TOCHA_FLOAT ? 1e-6 : 1e-14;
  /* the second row would overflow exp without the max shift */
  const double v[6] = {1, 2, 3, 1000, 1001, 1002};
  tocha_tensor x = make(dtype, 2, 3, v), y, ly;
  tocha_tensor_init(&y, dtype);
  tocha_tensor_init(&ly, dtype);
  CHECK(tocha_nn_softmax_forward(&y, &x) == TOCHA_OK);
  CHECK(tocha_nn_log_softmax_forward(&ly, &x) == TOCHA_OK);
  double z = exp(-2.0) + exp(-1.0) + 1;
  for (int r = 0; r < 2; r++)
    for (int j = 0; j < 3; j++) {
      CHECK(NEAR(at(&y, r * 3 + j), exp(j - 2.0) / z, tol));
      CHECK(NEAR(at(&ly, r * 3 + j), (j - 2.0) - log(z), tol * 10 * (1 + fabs(v[r * 3 + j]))));
    }
  /* a vector input, and a strided column of the matrix */
  tocha_tensor col;
  tocha_tensor_init(&col, dtype);
  CHECK(tocha_select(&col, &x, 1, 0) == TOCHA_OK); /* {1, 1000} */
  CHECK(tocha_nn_softmax_forward(&y, &col) == TOCHA_OK && y.ndim == 1 && y.size[0] == 2);
  CHECK(NEAR(at(&y, 0), 0, tol) && NEAR(at(&y, 1), 1, tol));
  CHECK(tocha_nn_log_softmax_forward(&ly, &col) == TOCHA_OK);
  CHECK(NEAR(at(&ly, 0), -999, 1e-9 * 999) && NEAR(at(&ly, 1), 0, tol));
  /* in place */
  CHECK(tocha_nn_softmax_forward(&x, &x) == TOCHA_OK);
  CHECK(NEAR(at(&x, 5), 1 / z, tol));
  tocha_tensor_release(&x);
  tocha_tensor_release(&y);
  tocha_tensor_release(&ly);
  tocha_tensor_release(&col);
}

/* Full Jacobian check through L(x) = sum(go * f(x)): dL/dx = gi. */
static void test_softmax_gradient(int log_version) {
  const double v[6] = {0.3, -1.2, 2.0, 0.5, 0.1, -0.4}, g[6] = {1.0, -0.5, 0.25, 2.0, -1.0, 0.3};
  fwd_fn f = log_version ? tocha_nn_log_softmax_forward : tocha_nn_softmax_forward;
  bwd_fn b = log_version ? tocha_nn_log_softmax_backward : tocha_nn_softmax_backward;
  tocha_tensor x = make(TOCHA_DOUBLE, 2, 3, v), go = make(TOCHA_DOUBLE, 2, 3, g), y, gi, xp, yp;
  tocha_tensor_init(&y, TOCHA_DOUBLE);
  tocha_tensor_init(&gi, TOCHA_DOUBLE);
  tocha_tensor_init(&xp, TOCHA_DOUBLE);
  tocha_tensor_init(&yp, TOCHA_DOUBLE);
  CHECK(f(&y, &x) == TOCHA_OK);
  CHECK(b(&gi, &go, &y) == TOCHA_OK);
  const double h = 1e-6;
  double worst = 0;
  for (int k = 0; k < 6; k++) {
    double l[2];
    for (int s = 0; s < 2; s++) {
      tocha_clone(&xp, &x, TOCHA_DOUBLE);
      set_at(&xp, k, v[k] + (s ? -h : h));
      f(&yp, &xp);
      l[s] = 0;
      for (int j = 0; j < 6; j++) l[s] += g[j] * at(&yp, j);
    }
    worst = fmax(worst, fabs((l[0] - l[1]) / (2 * h) - at(&gi, k)));
  }
  CHECK(worst < 1e-8);
  /* gradInput aliasing gradOutput gives the same */
  CHECK(b(&go, &go, &y) == TOCHA_OK);
  for (int k = 0; k < 6; k++) CHECK(NEAR(at(&go, k), at(&gi, k), 1e-15));
  tocha_tensor_release(&x);
  tocha_tensor_release(&go);
  tocha_tensor_release(&y);
  tocha_tensor_release(&gi);
  tocha_tensor_release(&xp);
  tocha_tensor_release(&yp);
}

static void test_softmax_errors(void) {
  tocha_tensor x, y;
  tocha_tensor_init(&x, TOCHA_DOUBLE);
  tocha_tensor_init(&y, TOCHA_DOUBLE);
  CHECK(tocha_tensor_new(&x, TOCHA_DOUBLE, 3, (int64_t[]){2, 2, 2}) == TOCHA_OK);
  CHECK(tocha_nn_softmax_forward(&y, &x) == TOCHA_ESIZE && tocha_last_error()->arg == 1);
  CHECK(message_has("input must be a vector (n) or a matrix (batch, n), got size 2x2x2"));
  tocha_tensor_release(&x);
  CHECK(tocha_nn_log_softmax_forward(&y, &x) == TOCHA_ESIZE);
  tocha_tensor_release(&y);
}

/* ---- criterions ---------------------------------------------------------- */

typedef tocha_status (*loss_fn)(double *, const tocha_tensor *, const void *);
typedef tocha_status (*lossgrad_fn)(tocha_tensor *, const tocha_tensor *, const void *);

/* Central differences of a loss against its gradient. */
static double loss_gradient_error(tocha_tensor *x, loss_fn loss, lossgrad_fn grad, const void *ctx) {
  tocha_tensor gi, xp;
  tocha_tensor_init(&gi, TOCHA_DOUBLE);
  tocha_tensor_init(&xp, TOCHA_DOUBLE);
  CHECK(grad(&gi, x, ctx) == TOCHA_OK);
  const double h = 1e-6;
  double worst = 0;
  int64_t n = tocha_tensor_nelement(x);
  for (int64_t k = 0; k < n; k++) {
    double lp = 0, lm = 0;
    tocha_clone(&xp, x, TOCHA_DOUBLE);
    set_at(&xp, k, at(x, k) + h);
    CHECK(loss(&lp, &xp, ctx) == TOCHA_OK);
    set_at(&xp, k, at(x, k) - h);
    CHECK(loss(&lm, &xp, ctx) == TOCHA_OK);
    worst = fmax(worst, fabs((lp - lm) / (2 * h) - at(&gi, k)));
  }
  tocha_tensor_release(&gi);
  tocha_tensor_release(&xp);
  return worst;
}

typedef struct ctx {
  const tocha_tensor *target, *weights;
  int size_average;
} ctx;

static tocha_status nll_loss(double *l, const tocha_tensor *x, const void *c) {
  const ctx *p = c;
  return tocha_nn_class_nll_forward(l, x, p->target, p->weights, p->size_average, -100);
}
static tocha_status nll_grad(tocha_tensor *g, const tocha_tensor *x, const void *c) {
  const ctx *p = c;
  return tocha_nn_class_nll_backward(g, x, p->target, p->weights, p->size_average, -100);
}
static tocha_status mse_loss(double *l, const tocha_tensor *x, const void *c) {
  const ctx *p = c;
  return tocha_nn_mse_forward(l, x, p->target, p->size_average);
}
static tocha_status mse_grad(tocha_tensor *g, const tocha_tensor *x, const void *c) {
  const ctx *p = c;
  return tocha_nn_mse_backward(g, x, p->target, p->size_average);
}
static tocha_status bce_loss(double *l, const tocha_tensor *x, const void *c) {
  const ctx *p = c;
  return tocha_nn_bce_forward(l, x, p->target, p->weights, p->size_average);
}
static tocha_status bce_grad(tocha_tensor *g, const tocha_tensor *x, const void *c) {
  const ctx *p = c;
  return tocha_nn_bce_backward(g, x, p->target, p->weights, p->size_average);
}

static void test_class_nll(void) {
  const double v[6] = {-1.0, -2.0, -3.0, -0.5, -1.5, -2.5};
  const double tv[2] = {3, 1}, wv[3] = {0.5, 2.0, 4.0};
  tocha_tensor x = make(TOCHA_DOUBLE, 2, 3, v), tl = make(TOCHA_LONG, 2, 0, tv), tf = make(TOCHA_FLOAT, 2, 0, tv);
  tocha_tensor w = make(TOCHA_DOUBLE, 3, 0, wv), gi;
  tocha_tensor_init(&gi, TOCHA_DOUBLE);
  double loss = 0;
  CHECK(tocha_nn_class_nll_forward(&loss, &x, &tl, NULL, 1, -100) == TOCHA_OK && NEAR(loss, (3.0 + 0.5) / 2, 1e-15));
  CHECK(tocha_nn_class_nll_forward(&loss, &x, &tf, NULL, 0, -100) == TOCHA_OK && NEAR(loss, 3.5, 1e-15));
  /* weights: -(4 * -3 + 0.5 * -0.5) / (4 + 0.5) */
  CHECK(tocha_nn_class_nll_forward(&loss, &x, &tl, &w, 1, -100) == TOCHA_OK && NEAR(loss, 12.25 / 4.5, 1e-15));
  CHECK(tocha_nn_class_nll_backward(&gi, &x, &tl, &w, 1, -100) == TOCHA_OK);
  const double expected[6] = {0, 0, -4 / 4.5, -0.5 / 4.5, 0, 0};
  for (int k = 0; k < 6; k++) CHECK(NEAR(at(&gi, k), expected[k], 1e-15));
  /* ignore_index: the second row does not count */
  CHECK(tocha_nn_class_nll_forward(&loss, &x, &tl, NULL, 1, 1) == TOCHA_OK && NEAR(loss, 3.0, 1e-15));
  /* a vector input with a one-element target */
  tocha_tensor row, t1 = make(TOCHA_LONG, 1, 0, (double[]){2});
  tocha_tensor_init(&row, TOCHA_DOUBLE);
  CHECK(tocha_select(&row, &x, 0, 1) == TOCHA_OK);
  CHECK(tocha_nn_class_nll_forward(&loss, &row, &t1, NULL, 1, -100) == TOCHA_OK && NEAR(loss, 1.5, 1e-15));
  ctx c = {&tl, &w, 1};
  CHECK(loss_gradient_error(&x, nll_loss, nll_grad, &c) < 1e-9);
  c.weights = NULL;
  c.size_average = 0;
  CHECK(loss_gradient_error(&x, nll_loss, nll_grad, &c) < 1e-9);

  /* errors name the target value and its row */
  tocha_tensor bad = make(TOCHA_LONG, 2, 0, (double[]){1, 7});
  CHECK(tocha_nn_class_nll_forward(&loss, &x, &bad, NULL, 1, -100) == TOCHA_EARG && tocha_last_error()->arg == 2);
  CHECK(message_has("target 7 at row 2 out of range 1..3"));
  tocha_tensor_release(&gi);
  CHECK(tocha_nn_class_nll_backward(&gi, &x, &bad, NULL, 1, -100) == TOCHA_EARG && gi.ndim == 0);
  tocha_tensor zero = make(TOCHA_LONG, 1, 0, (double[]){0});
  CHECK(tocha_nn_class_nll_forward(&loss, &row, &zero, NULL, 1, -100) == TOCHA_EARG);
  CHECK(message_has("target 0 out of range 1..3"));
  tocha_tensor frac = make(TOCHA_DOUBLE, 2, 0, (double[]){1, 2.5});
  CHECK(tocha_nn_class_nll_forward(&loss, &x, &frac, NULL, 1, -100) == TOCHA_EARG);
  CHECK(message_has("target 2.5 at row 2 is not an integer class index"));
  set_at(&frac, 1, NAN);
  CHECK(tocha_nn_class_nll_forward(&loss, &x, &frac, NULL, 1, -100) == TOCHA_EARG);
  CHECK(tocha_nn_class_nll_forward(&loss, &x, &t1, NULL, 1, -100) == TOCHA_ESIZE);
  CHECK(message_has("target must be a vector of 2 class indices for input of size 2x3, got size 1"));
  tocha_tensor w2 = make(TOCHA_DOUBLE, 2, 0, wv);
  CHECK(tocha_nn_class_nll_forward(&loss, &x, &tl, &w2, 1, -100) == TOCHA_ESIZE && tocha_last_error()->arg == 3);
  CHECK(message_has("weights must be a vector of 3 class weights, got size 2"));
  tocha_tensor wf = make(TOCHA_FLOAT, 3, 0, wv);
  CHECK(tocha_nn_class_nll_forward(&loss, &x, &tl, &wf, 1, -100) == TOCHA_ETYPE);
  CHECK(message_has("weights is a FloatTensor but input is a DoubleTensor"));
  tocha_tensor *all[] = {&x, &tl, &tf, &w, &gi, &row, &t1, &bad, &zero, &frac, &w2, &wf};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) tocha_tensor_release(all[i]);
}

static void test_mse(void) {
  const double v[4] = {1, 2, 3, 4}, t[4] = {0, 2, 5, 3};
  tocha_tensor x = make(TOCHA_FLOAT, 2, 2, v), y = make(TOCHA_FLOAT, 2, 2, t), gi;
  tocha_tensor_init(&gi, TOCHA_FLOAT);
  double loss = 0;
  CHECK(tocha_nn_mse_forward(&loss, &x, &y, 1) == TOCHA_OK && NEAR(loss, 6.0 / 4, 1e-7));
  CHECK(tocha_nn_mse_forward(&loss, &x, &y, 0) == TOCHA_OK && NEAR(loss, 6.0, 1e-6));
  CHECK(tocha_nn_mse_backward(&gi, &x, &y, 1) == TOCHA_OK);
  const double expected[4] = {0.5, 0, -1, 0.5};
  for (int k = 0; k < 4; k++) CHECK(NEAR(at(&gi, k), expected[k], 1e-7));
  tocha_tensor xd = make(TOCHA_DOUBLE, 2, 2, v), yd = make(TOCHA_DOUBLE, 2, 2, t), yt;
  tocha_tensor_init(&yt, TOCHA_DOUBLE);
  ctx c = {&yd, NULL, 1};
  CHECK(loss_gradient_error(&xd, mse_loss, mse_grad, &c) < 1e-8);
  /* shapes must agree exactly; types too */
  CHECK(tocha_transpose(&yt, &yd, 0, 1) == TOCHA_OK); /* same shape, strided */
  CHECK(tocha_nn_mse_forward(&loss, &xd, &yt, 0) == TOCHA_OK && NEAR(loss, 1 + 9 + 1 + 1, 1e-12));
  tocha_tensor flat = make(TOCHA_DOUBLE, 4, 0, t);
  CHECK(tocha_nn_mse_forward(&loss, &xd, &flat, 1) == TOCHA_ESIZE && tocha_last_error()->arg == 2);
  CHECK(message_has("target has size 4 but input has size 2x2"));
  CHECK(tocha_nn_mse_forward(&loss, &xd, &y, 1) == TOCHA_ETYPE);
  CHECK(message_has("target is a FloatTensor but input is a DoubleTensor"));
  tocha_tensor *all[] = {&x, &y, &gi, &xd, &yd, &yt, &flat};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) tocha_tensor_release(all[i]);
}

static void test_bce(void) {
  const double p[4] = {0.9, 0.2, 0.6, 0.3}, t[4] = {1, 0, 0, 1}, wv[2] = {2, 0.5};
  tocha_tensor x = make(TOCHA_DOUBLE, 2, 2, p), y = make(TOCHA_DOUBLE, 2, 2, t), w = make(TOCHA_DOUBLE, 2, 0, wv);
  double loss = 0;
  double expected = -(log(0.9) + log(0.8) + log(0.4) + log(0.3)) / 4;
  CHECK(tocha_nn_bce_forward(&loss, &x, &y, NULL, 1) == TOCHA_OK && NEAR(loss, expected, 1e-10));
  double weighted = -(2 * log(0.9) + 0.5 * log(0.8) + 2 * log(0.4) + 0.5 * log(0.3));
  CHECK(tocha_nn_bce_forward(&loss, &x, &y, &w, 0) == TOCHA_OK && NEAR(loss, weighted, 1e-10));
  ctx c = {&y, NULL, 1};
  CHECK(loss_gradient_error(&x, bce_loss, bce_grad, &c) < 1e-8);
  c.weights = &w;
  c.size_average = 0;
  CHECK(loss_gradient_error(&x, bce_loss, bce_grad, &c) < 1e-8);
  tocha_tensor bad = make(TOCHA_DOUBLE, 2, 2, (double[]){0.5, 1.5, 0.2, 0.1});
  CHECK(tocha_nn_bce_forward(&loss, &bad, &y, NULL, 1) == TOCHA_EARG && tocha_last_error()->arg == 1);
  CHECK(message_has("input must hold probabilities in [0, 1], got 1.5 at element 2"));
  tocha_tensor w3 = make(TOCHA_DOUBLE, 3, 0, (double[]){1, 2, 3}), gi;
  tocha_tensor_init(&gi, TOCHA_DOUBLE);
  CHECK(tocha_nn_bce_backward(&gi, &x, &y, &w3, 1) == TOCHA_ESIZE && tocha_last_error()->arg == 3 && gi.ndim == 0);
  CHECK(message_has("weights must have the input's size 2x2 or one weight per column, got size 3"));
  tocha_tensor *all[] = {&x, &y, &w, &bad, &w3, &gi};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) tocha_tensor_release(all[i]);
}

int main(void) {
  for (size_t i = 0; i < sizeof activations / sizeof *activations; i++) {
    test_activation_values(&activations[i], TOCHA_FLOAT);
    test_activation_values(&activations[i], TOCHA_DOUBLE);
    test_activation_gradient(&activations[i]);
  }
  test_activation_errors();
  test_softmax_values(TOCHA_FLOAT);
  test_softmax_values(TOCHA_DOUBLE);
  test_softmax_gradient(0);
  test_softmax_gradient(1);
  test_softmax_errors();
  test_class_nll();
  test_mse();
  test_bce();
  return CHECK_REPORT();
}
