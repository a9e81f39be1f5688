/* The tensor core used from plain C: views, copies, errors. */
#include <string.h>

#include "check.h"
#include "tocha.h"

static double at2(const tocha_tensor *t, int64_t i, int64_t j) {
  double v = -1;
  tocha_tensor_get(t, (int64_t[]){i, j}, &v);
  return v;
}

static void test_views_share_storage(void) {
  tocha_tensor x, n, tr;
  tocha_tensor_init(&x, TOCHA_FLOAT);
  tocha_tensor_init(&n, TOCHA_FLOAT);
  tocha_tensor_init(&tr, TOCHA_FLOAT);
  CHECK(tocha_tensor_new(&x, TOCHA_FLOAT, 2, (int64_t[]){2, 3}) == TOCHA_OK);
  for (int64_t i = 0; i < 2; i++)
    for (int64_t j = 0; j < 3; j++) tocha_tensor_put(&x, (int64_t[]){i, j}, (double)(i * 3 + j));
  CHECK(tocha_narrow(&n, &x, 1, 1, 2) == TOCHA_OK);
  CHECK(n.storage == x.storage && x.storage->refcount == 2);
  CHECK(at2(&n, 1, 0) == 4);
  CHECK(tocha_transpose(&tr, &x, 0, 1) == TOCHA_OK);
  CHECK(!tocha_tensor_is_contiguous(&tr) && at2(&tr, 2, 1) == 5);
  tocha_tensor_release(&x); /* views keep the storage alive */
  CHECK(n.storage->refcount == 2 && at2(&n, 0, 1) == 2);
  /* a view written into its own source */
  CHECK(tocha_narrow(&n, &n, 1, 1, 1) == TOCHA_OK && at2(&n, 1, 0) == 5);
  tocha_tensor_release(&n);
  tocha_tensor_release(&tr);
}

static void test_errors_are_reported(void) {
  tocha_tensor x, v;
  tocha_tensor_init(&x, TOCHA_DOUBLE);
  tocha_tensor_init(&v, TOCHA_DOUBLE);
  CHECK(tocha_tensor_new(&x, TOCHA_DOUBLE, 1, (int64_t[]){5}) == TOCHA_OK);
  CHECK(tocha_narrow(&v, &x, 0, 7, 1) == TOCHA_EARG);
  CHECK(tocha_last_error()->arg == 3);
  CHECK(strstr(tocha_last_error()->message, "index 7 out of range") != NULL);
  CHECK(v.ndim == 0 && v.storage == NULL); /* untouched on failure */
  CHECK(tocha_tensor_new(&v, TOCHA_DOUBLE, 2, (int64_t[]){-1, 2}) == TOCHA_EARG);
  CHECK(tocha_tensor_new(&v, TOCHA_DOUBLE, 3, (int64_t[]){1 << 30, 1 << 30, 1 << 30}) == TOCHA_EOVERFLOW);
  CHECK(tocha_view(&v, &x, 2, (int64_t[]){2, 2}) == TOCHA_ESIZE);
  CHECK(tocha_view(&v, &x, 2, (int64_t[]){-1, 5}) == TOCHA_OK && v.size[0] == 1);
  tocha_tensor_release(&x);
  tocha_tensor_release(&v);
}

static void test_copy_across_types(void) {
  tocha_tensor d, l;
  tocha_tensor_init(&d, TOCHA_DOUBLE);
  tocha_tensor_init(&l, TOCHA_LONG);
  CHECK(tocha_tensor_new(&d, TOCHA_DOUBLE, 2, (int64_t[]){2, 2}) == TOCHA_OK);
  CHECK(tocha_fill(&d, 2.75) == TOCHA_OK);
  CHECK(tocha_tensor_new(&l, TOCHA_LONG, 1, (int64_t[]){4}) == TOCHA_OK);
  CHECK(tocha_copy(&l, &d) == TOCHA_OK);
  CHECK(((int64_t *)tocha_tensor_data(&l))[3] == 2);
  CHECK(tocha_clone(&d, &l, TOCHA_DOUBLE) == TOCHA_OK && d.ndim == 1 && d.size[0] == 4);
  tocha_tensor_release(&d);
  tocha_tensor_release(&l);
}

int main(void) {
  test_views_share_storage();
  test_errors_are_reported();
  test_copy_across_types();
  return CHECK_REPORT();
}
