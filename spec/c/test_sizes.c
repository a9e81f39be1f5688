/* The overflow-safe size arithmetic (src/core/sizes.h) at the integer
 * limits, directly and through the view functions that use it.  Under the
 * asan/ build, UndefinedBehaviorSanitizer would stop on any signed overflow. */
#include <stdint.h>
#include <string.h>

#include "../../src/core/sizes.h"
#include "check.h"
#include "tocha.h"

static void test_arithmetic(void) {
  int64_t r;
  CHECK(tocha_add_ok(INT64_MAX - 1, 1, &r) && r == INT64_MAX);
  CHECK(!tocha_add_ok(INT64_MAX, 1, &r));
  CHECK(!tocha_add_ok(INT64_MIN, -1, &r));
  CHECK(tocha_mul_ok(INT64_C(1) << 31, INT64_C(1) << 31, &r) && r == INT64_C(1) << 62);
  CHECK(!tocha_mul_ok(INT64_C(1) << 32, INT64_C(1) << 31, &r));
  CHECK(!tocha_mul_ok(4, INT64_C(1) << 62, &r));
  CHECK(tocha_offset_ok(10, 3, 4, &r) && r == 22);
  CHECK(!tocha_offset_ok(1, INT64_MAX, 2, &r));
}

static void test_shape_count(void) {
  int64_t n = -1;
  CHECK(tocha_shape_count(0, NULL, 1, &n) == TOCHA_OK && n == 0);
  CHECK(tocha_shape_count(2, (int64_t[]){3, 0}, 1, &n) == TOCHA_OK && n == 0);
  CHECK(tocha_shape_count(2, (int64_t[]){INT64_C(1) << 30, INT64_C(1) << 28}, 1, &n) == TOCHA_OK &&
        n == INT64_C(1) << 58);
  /* the product of the non-zero sizes is bounded even when a zero makes the count 0 */
  CHECK(tocha_shape_count(3, (int64_t[]){0, INT64_C(1) << 32, INT64_C(1) << 32}, 7, &n) == TOCHA_EOVERFLOW);
  CHECK(tocha_last_error()->arg == 7);
  CHECK(strstr(tocha_last_error()->message, "overflow at dimension 3") != NULL);
  CHECK(tocha_shape_count(2, (int64_t[]){INT64_MAX, INT64_MAX}, 1, &n) == TOCHA_EOVERFLOW);
  CHECK(tocha_shape_count(1, (int64_t[]){-1}, 1, &n) == TOCHA_EARG);
  CHECK(tocha_shape_count(TOCHA_MAX_DIMS + 1, (int64_t[TOCHA_MAX_DIMS + 1]){0}, 1, &n) == TOCHA_EARG);
}

static void test_extent(void) {
  /* (5 - 1) * 2^62 wraps to 0 */
  CHECK(tocha_check_extent(0, 1, (int64_t[]){5}, (int64_t[]){INT64_C(1) << 62}, 10, 2, 3, 4) == TOCHA_EARG);
  CHECK(tocha_last_error()->arg == 3);
  CHECK(tocha_check_extent(0, 2, (int64_t[]){2, 2}, (int64_t[]){INT64_MAX, 1}, 10, 2, 3, 4) == TOCHA_EARG);
  CHECK(tocha_check_extent(0, 1, (int64_t[]){1}, (int64_t[]){INT64_MAX}, 10, 2, 3, 4) == TOCHA_OK);
  CHECK(tocha_check_extent(9, 1, (int64_t[]){1}, (int64_t[]){1}, 10, 2, 3, 4) == TOCHA_OK);
  CHECK(tocha_check_extent(9, 1, (int64_t[]){2}, (int64_t[]){1}, 10, 2, 3, 4) == TOCHA_EARG);
  CHECK(tocha_check_extent(10, 1, (int64_t[]){0}, (int64_t[]){1}, 10, 2, 3, 4) == TOCHA_OK); /* no elements */
  CHECK(tocha_check_extent(11, 1, (int64_t[]){0}, (int64_t[]){1}, 10, 2, 3, 4) == TOCHA_EARG);
  CHECK(tocha_last_error()->arg == 2);
  CHECK(tocha_check_extent(INT64_MAX, 1, (int64_t[]){2}, (int64_t[]){1}, 10, 2, 3, 4) == TOCHA_EARG);
  CHECK(tocha_check_extent(0, 1, (int64_t[]){2}, (int64_t[]){-1}, 10, 2, 3, 4) == TOCHA_EARG);
  CHECK(tocha_last_error()->arg == 4);
}

static void test_views(void) {
  tocha_tensor x, v;
  tocha_tensor_init(&x, TOCHA_DOUBLE);
  tocha_tensor_init(&v, TOCHA_DOUBLE);
  CHECK(tocha_tensor_new(&x, TOCHA_DOUBLE, 1, (int64_t[]){10}) == TOCHA_OK);
  CHECK(tocha_narrow(&v, &x, 0, 1, INT64_MAX) == TOCHA_EARG && tocha_last_error()->arg == 4);
  CHECK(tocha_narrow(&v, &x, 0, 9, INT64_MAX - 5) == TOCHA_EARG);
  CHECK(v.ndim == 0);
  CHECK(tocha_unfold(&v, &x, 0, 2, INT64_C(1) << 61) == TOCHA_OK && v.size[0] == 1 && v.size[1] == 2);
  CHECK(tocha_unfold(&v, &x, 0, 2, INT64_MAX) == TOCHA_OK && v.size[0] == 1 && v.stride[0] >= 0);
  /* a size-1 dimension of any stride, then views of it */
  tocha_tensor s;
  tocha_tensor_init(&s, TOCHA_DOUBLE);
  CHECK(tocha_tensor_set_storage(&s, x.storage, 0, 2, (int64_t[]){1, 10}, (int64_t[]){INT64_MAX, 1}) == TOCHA_OK);
  CHECK(tocha_unfold(&v, &s, 0, 1, 3) == TOCHA_OK && v.size[0] == 1); /* INT64_MAX * 3 overflows */
  CHECK(tocha_unsqueeze(&v, &s, 0) == TOCHA_OK && v.ndim == 3);
  CHECK(tocha_view(&v, &x, 2, (int64_t[]){INT64_C(1) << 62, 4}) == TOCHA_EOVERFLOW);
  CHECK(tocha_expand(&v, &x, 2, (int64_t[]){INT64_C(1) << 60, 10}) == TOCHA_EOVERFLOW);
  CHECK(tocha_tensor_resize(&v, 2, (int64_t[]){INT64_C(1) << 32, INT64_C(1) << 32}) == TOCHA_EOVERFLOW);
  tocha_tensor_release(&s);
  tocha_tensor_release(&v);
  tocha_tensor_release(&x);
}

int main(void) {
  test_arithmetic();
  test_shape_count();
  test_extent();
  test_views();
  return CHECK_REPORT();
}
