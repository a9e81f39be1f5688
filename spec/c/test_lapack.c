/* LAPACK and convolutions from plain C: reconstruction checks, results that
 * alias their inputs, empty matrices, and error statuses with their
 * argument positions. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "tocha.h"

static double get2(const tocha_tensor *t, int64_t i, int64_t j) {
  double v = NAN;
  tocha_tensor_get(t, (int64_t[]){i, j}, &v);
  return v;
}

static void put2(tocha_tensor *t, int64_t i, int64_t j, double v) { tocha_tensor_put(t, (int64_t[]){i, j}, v); }

/* A well-conditioned n x n matrix: irregular values plus n on the diagonal. */
static void make_square(tocha_tensor *t, tocha_dtype dt, int64_t n, int seed) {
  tocha_tensor_new(t, dt, 2, (int64_t[]){n, n});
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++)
      put2(t, i, j, (double)(((i * 7 + j * 13 + seed * 5) % 17) - 8) / 8.0 + (i == j ? (double)n : 0));
}

/* max |A B - C| */
static double residual(const tocha_tensor *a, const tocha_tensor *b, const tocha_tensor *c) {
  double worst = 0;
  for (int64_t i = 0; i < a->size[0]; i++)
    for (int64_t j = 0; j < b->size[1]; j++) {
      double s = 0;
      for (int64_t k = 0; k < a->size[1]; k++) s += get2(a, i, k) * get2(b, k, j);
      double d = fabs(s - get2(c, i, j));
      if (d > worst) worst = d;
    }
  return worst;
}

static void test_gesv(tocha_dtype dt, double tol) {
  tocha_tensor a, b, x, lu;
  tocha_tensor_init(&a, dt);
  tocha_tensor_init(&b, dt);
  tocha_tensor_init(&x, dt);
  tocha_tensor_init(&lu, dt);
  make_square(&a, dt, 6, 1);
  tocha_tensor_new(&b, dt, 2, (int64_t[]){6, 2});
  for (int64_t i = 0; i < 6; i++)
    for (int64_t j = 0; j < 2; j++) put2(&b, i, j, (double)(i - 2 * j));
  CHECK(tocha_gesv(&x, &lu, &b, &a) == TOCHA_OK);
  CHECK(residual(&a, &x, &b) < tol);
  CHECK(x.stride[0] == 1 && x.stride[1] == 6); /* column-major, as Torch7 */
  /* in place: b and a are results and inputs at once */
  tocha_tensor a2, b2;
  tocha_tensor_init(&a2, dt);
  tocha_tensor_init(&b2, dt);
  tocha_clone(&a2, &a, dt);
  tocha_clone(&b2, &b, dt);
  CHECK(tocha_gesv(&b2, &a2, &b2, &a2) == TOCHA_OK);
  CHECK(fabs(get2(&b2, 3, 1) - get2(&x, 3, 1)) == 0);
  tocha_tensor_release(&a2);
  tocha_tensor_release(&b2);
  tocha_tensor_release(&a);
  tocha_tensor_release(&b);
  tocha_tensor_release(&x);
  tocha_tensor_release(&lu);
}

static void test_errors(void) {
  tocha_tensor a, b, o1, o2, l;
  tocha_tensor_init(&a, TOCHA_DOUBLE);
  tocha_tensor_init(&b, TOCHA_DOUBLE);
  tocha_tensor_init(&o1, TOCHA_DOUBLE);
  tocha_tensor_init(&o2, TOCHA_DOUBLE);
  tocha_tensor_init(&l, TOCHA_LONG);
  tocha_tensor_new(&a, TOCHA_DOUBLE, 2, (int64_t[]){3, 3}); /* zero: singular */
  tocha_tensor_new(&b, TOCHA_DOUBLE, 2, (int64_t[]){3, 1});
  CHECK(tocha_gesv(&o1, &o2, &b, &a) == TOCHA_EARG);
  CHECK(tocha_last_error()->arg == 2);
  CHECK(strstr(tocha_last_error()->message, "singular") != NULL);
  CHECK(tocha_inverse(&o1, &a) == TOCHA_EARG);
  CHECK(tocha_potrf(&o1, &a, 'U') == TOCHA_EARG);
  CHECK(strstr(tocha_last_error()->message, "not positive definite") != NULL);
  CHECK(tocha_potrf(&o1, &a, 'X') == TOCHA_EARG);
  CHECK(tocha_last_error()->arg == 2);
  CHECK(tocha_inverse(&o1, &b) == TOCHA_ESIZE); /* 3x1 is not square */
  CHECK(tocha_gesv(&o1, &o2, &a, &b) == TOCHA_ESIZE);
  CHECK(tocha_inverse(&l, &a) == TOCHA_ETYPE); /* a Long result */
  CHECK(tocha_last_error()->arg == 0);
  tocha_tensor_new(&l, TOCHA_LONG, 2, (int64_t[]){2, 2});
  CHECK(tocha_inverse(&o1, &l) == TOCHA_ETYPE);
  CHECK(tocha_last_error()->arg == 1);
  put2(&a, 1, 1, NAN);
  CHECK(tocha_symeig(&o1, &o2, &a, 'N', 'U') == TOCHA_EARG);
  CHECK(strstr(tocha_last_error()->message, "NaN") != NULL);
  CHECK(tocha_conv(&o1, &b, &a, 2, 'V', 1) == TOCHA_ESIZE); /* 3x1 input, 3x3 kernel */
  CHECK(tocha_conv(&o1, &a, &b, 2, 'Q', 1) == TOCHA_EARG);
  CHECK(tocha_last_error()->arg == 3);
  tocha_tensor_release(&a);
  tocha_tensor_release(&b);
  tocha_tensor_release(&o1);
  tocha_tensor_release(&o2);
  tocha_tensor_release(&l);
}

static void test_svd_qr_empty(void) {
  tocha_tensor a, u, s, v, q, r;
  tocha_tensor *all[] = {&a, &u, &s, &v, &q, &r};
  for (int i = 0; i < 6; i++) tocha_tensor_init(all[i], TOCHA_DOUBLE);
  make_square(&a, TOCHA_DOUBLE, 5, 3);
  CHECK(tocha_svd(&u, &s, &v, &a, 'S') == TOCHA_OK);
  /* U diag(S) V^T = A */
  double worst = 0;
  for (int64_t i = 0; i < 5; i++)
    for (int64_t j = 0; j < 5; j++) {
      double sum = 0, sk;
      for (int64_t k = 0; k < 5; k++) {
        tocha_tensor_get(&s, &k, &sk);
        sum += get2(&u, i, k) * sk * get2(&v, j, k);
      }
      worst = fmax(worst, fabs(sum - get2(&a, i, j)));
    }
  CHECK(worst < 1e-12);
  CHECK(tocha_qr(&q, &r, &a) == TOCHA_OK);
  CHECK(residual(&q, &r, &a) < 1e-12);
  /* empty */
  tocha_tensor_new(&a, TOCHA_DOUBLE, 2, (int64_t[]){0, 4});
  CHECK(tocha_qr(&q, &r, &a) == TOCHA_OK);
  CHECK(tocha_tensor_nelement(&q) == 0 && tocha_tensor_nelement(&r) == 0);
  CHECK(tocha_svd(&u, &s, &v, &a, 'A') == TOCHA_OK);
  CHECK(v.size[0] == 4 && v.size[1] == 4 && get2(&v, 2, 2) == 1);
  for (int i = 0; i < 6; i++) tocha_tensor_release(all[i]);
}

int main(void) {
  test_gesv(TOCHA_DOUBLE, 1e-12);
  test_gesv(TOCHA_FLOAT, 1e-4);
  test_errors();
  test_svd_qr_empty();
  return CHECK_REPORT();
}
