/* Masks, index tensors, gather/scatter, nonzero and cat from plain C. */
#include <string.h>

#include "check.h"
#include "tocha.h"

/* A new tensor holding `values` in logical order. */
static void make(tocha_tensor *t, tocha_dtype dtype, int ndim, const int64_t *size, const double *values) {
  tocha_tensor_init(t, dtype);
  CHECK(tocha_tensor_new(t, dtype, ndim, size) == TOCHA_OK);
  int64_t n = tocha_tensor_nelement(t), idx[TOCHA_MAX_DIMS] = {0};
  for (int64_t k = 0; k < n; k++) {
    tocha_tensor_put(t, idx, values[k]);
    for (int d = ndim - 1; d >= 0 && ++idx[d] == size[d]; d--) idx[d] = 0;
  }
}

/* 1 when t has the given shape and values (logical order). */
static int equals(const tocha_tensor *t, int ndim, const int64_t *size, const double *values) {
  if (t->ndim != ndim) return 0;
  for (int d = 0; d < ndim; d++)
    if (t->size[d] != size[d]) return 0;
  int64_t n = tocha_tensor_nelement(t), idx[TOCHA_MAX_DIMS] = {0};
  for (int64_t k = 0; k < n; k++) {
    double v;
    if (tocha_tensor_get(t, idx, &v) != TOCHA_OK || v != values[k]) return 0;
    for (int d = ndim - 1; d >= 0 && ++idx[d] == size[d]; d--) idx[d] = 0;
  }
  return 1;
}

/* 1 when st failed with the expected status, argument and message. */
static int error_is(tocha_status st, tocha_status expected, int arg, const char *text) {
  const tocha_error *e = tocha_last_error();
  if (st != expected || e->arg != arg || strcmp(e->message, text) != 0) {
    fprintf(stderr, "  got status %d, arg %d, message '%s'\n", (int)st, e->arg, e->message);
    return 0;
  }
  return 1;
}

#define SIZE(...) (int64_t[]){__VA_ARGS__}
#define VALUES(...) (double[]){__VA_ARGS__}

static void test_masks(void) {
  tocha_tensor x, m, m2, ones, src, out, tr, b;
  make(&x, TOCHA_FLOAT, 2, SIZE(2, 3), VALUES(1, 2, 3, 4, 5, 6));
  make(&m, TOCHA_BYTE, 2, SIZE(2, 3), VALUES(1, 0, 1, 0, 1, 0));
  make(&m2, TOCHA_BYTE, 2, SIZE(3, 2), VALUES(0, 1, 1, 0, 1, 1));
  make(&ones, TOCHA_BYTE, 2, SIZE(2, 3), VALUES(1, 1, 1, 1, 1, 1));
  make(&src, TOCHA_FLOAT, 2, SIZE(2, 2), VALUES(10, 20, 30, 40));
  tocha_tensor_init(&out, TOCHA_FLOAT);
  tocha_tensor_init(&tr, TOCHA_FLOAT);

  CHECK(tocha_masked_select(&out, &x, &m) == TOCHA_OK);
  CHECK(equals(&out, 1, SIZE(3), VALUES(1, 3, 5)));

  /* transposed source (3x2: 1 4 / 2 5 / 3 6) with a 3x2 mask */
  CHECK(tocha_transpose(&tr, &x, 0, 1) == TOCHA_OK);
  CHECK(tocha_masked_select(&out, &tr, &m2) == TOCHA_OK);
  CHECK(equals(&out, 1, SIZE(4), VALUES(4, 2, 3, 6)));

  /* filling through the transposed view writes x */
  CHECK(tocha_masked_fill(&tr, &m2, -1) == TOCHA_OK);
  CHECK(equals(&x, 2, SIZE(2, 3), VALUES(1, -1, -1, -1, 5, -1)));

  /* copy takes the source in order; a longer source is fine */
  CHECK(tocha_masked_copy(&x, &m, &src) == TOCHA_OK);
  CHECK(equals(&x, 2, SIZE(2, 3), VALUES(10, -1, 20, -1, 30, -1)));

  /* no selection gives an empty result */
  CHECK(tocha_fill(&m, 0) == TOCHA_OK);
  CHECK(tocha_masked_select(&out, &x, &m) == TOCHA_OK && out.ndim == 0);

  /* errors leave the tensor untouched */
  CHECK(tocha_tensor_put(&m, SIZE(1, 1), 2) == TOCHA_OK);
  CHECK(error_is(tocha_masked_fill(&x, &m, 0), TOCHA_EARG, 2, "mask must contain only 0 and 1"));
  /* Torch7's rule: a mask of another shape with as many elements goes
   * element by element in logical order; another count is an error */
  tocha_tensor m4, y;
  make(&y, TOCHA_FLOAT, 2, SIZE(2, 3), VALUES(1, 2, 3, 4, 5, 6));
  CHECK(tocha_masked_select(&out, &y, &m2) == TOCHA_OK && equals(&out, 1, SIZE(4), VALUES(2, 3, 5, 6)));
  tocha_tensor_release(&y);
  make(&m4, TOCHA_BYTE, 2, SIZE(2, 2), VALUES(1, 0, 0, 1));
  CHECK(error_is(tocha_masked_select(&out, &x, &m4), TOCHA_ESIZE, 2, "mask size 2x2 does not match tensor size 2x3"));
  tocha_tensor_release(&m4);
  CHECK(error_is(tocha_masked_fill(&x, &x, 0), TOCHA_ETYPE, 2, "mask must be a Byte tensor, got a Float tensor"));
  CHECK(error_is(tocha_masked_copy(&x, &ones, &src), TOCHA_ESIZE, 3, "source has 4 elements but the mask selects 6"));
  CHECK(equals(&x, 2, SIZE(2, 3), VALUES(10, -1, 20, -1, 30, -1)));
  tocha_tensor d;
  make(&d, TOCHA_DOUBLE, 1, SIZE(6), VALUES(1, 2, 3, 4, 5, 6));
  CHECK(error_is(tocha_masked_copy(&x, &ones, &d), TOCHA_ETYPE, 3,
                 "source is a Double tensor, expected Float (the type of the tensor written)"));
  tocha_tensor_release(&d);

  /* a Byte tensor used as its own mask; integer values are range-checked */
  make(&b, TOCHA_BYTE, 1, SIZE(4), VALUES(1, 0, 1, 0));
  CHECK(error_is(tocha_masked_fill(&b, &b, 256), TOCHA_EARG, 3, "value 256 cannot be stored in a Byte tensor (0..255)"));
  CHECK(error_is(tocha_masked_fill(&b, &b, 0.5), TOCHA_EARG, 3, "value 0.5 cannot be stored in a Byte tensor (0..255)"));
  CHECK(tocha_masked_fill(&b, &b, 0) == TOCHA_OK && equals(&b, 1, SIZE(4), VALUES(0, 0, 0, 0)));

  /* out aliasing the source */
  CHECK(tocha_masked_select(&x, &x, &ones) == TOCHA_OK);
  CHECK(equals(&x, 1, SIZE(6), VALUES(10, -1, 20, -1, 30, -1)));

  tocha_tensor *all[] = {&x, &m, &m2, &ones, &src, &out, &tr, &b};
  for (size_t k = 0; k < sizeof all / sizeof *all; k++) tocha_tensor_release(all[k]);
}

static void test_index_select(void) {
  tocha_tensor x, idx, out, tr, l, lout;
  make(&x, TOCHA_DOUBLE, 2, SIZE(3, 2), VALUES(1, 2, 3, 4, 5, 6));
  make(&idx, TOCHA_LONG, 1, SIZE(3), VALUES(2, 0, 2));
  tocha_tensor_init(&out, TOCHA_DOUBLE);
  tocha_tensor_init(&tr, TOCHA_DOUBLE);
  CHECK(tocha_index_select(&out, &x, 0, &idx, 0) == TOCHA_OK);
  CHECK(equals(&out, 2, SIZE(3, 2), VALUES(5, 6, 1, 2, 5, 6)));

  /* dim 1 of the transposed view (2x3: 1 3 5 / 2 4 6), 0-based */
  CHECK(tocha_transpose(&tr, &x, 0, 1) == TOCHA_OK);
  CHECK(tocha_index_select(&out, &tr, 1, &idx, 0) == TOCHA_OK);
  CHECK(equals(&out, 2, SIZE(2, 3), VALUES(5, 1, 5, 6, 2, 6)));

  /* the same indices read 1-based: 0 is out of range, nothing is written */
  CHECK(error_is(tocha_index_select(&out, &tr, 1, &idx, 1), TOCHA_EARG, 3,
                 "index 0 out of range for dimension 2 of size 3 (at position 2 of the index tensor)"));
  CHECK(equals(&out, 2, SIZE(2, 3), VALUES(5, 1, 5, 6, 2, 6)));
  CHECK(error_is(tocha_index_select(&out, &x, 2, &idx, 0), TOCHA_EARG, 2, "dimension 2 out of range for a 2D tensor"));
  CHECK(error_is(tocha_index_select(&out, &x, 0, &x, 0), TOCHA_ETYPE, 3, "index must be a Long tensor, got a Double tensor"));

  /* Long tensors, and an out that is the source */
  make(&l, TOCHA_LONG, 1, SIZE(4), VALUES(10, 20, 30, 40));
  make(&lout, TOCHA_LONG, 1, SIZE(2), VALUES(4, 1));
  CHECK(tocha_index_select(&l, &l, 0, &lout, 1) == TOCHA_OK);
  CHECK(equals(&l, 1, SIZE(2), VALUES(40, 10)));
  /* an index that is also the result */
  CHECK(tocha_index_select(&lout, &l, 0, &lout, 0) == TOCHA_EARG); /* 4 is out of range for size 2 */
  CHECK(equals(&lout, 1, SIZE(2), VALUES(4, 1)));

  /* an empty index gives an empty result; the result type must match */
  tocha_tensor empty;
  tocha_tensor_init(&empty, TOCHA_LONG);
  CHECK(tocha_index_select(&out, &x, 0, &empty, 0) == TOCHA_OK && out.ndim == 0);
  CHECK(error_is(tocha_index_select(&lout, &x, 0, &idx, 0), TOCHA_ETYPE, 0, "result tensor is Long, expected Double"));

  tocha_tensor *all[] = {&x, &idx, &out, &tr, &l, &lout};
  for (size_t k = 0; k < sizeof all / sizeof *all; k++) tocha_tensor_release(all[k]);
}

static void test_index_write(void) {
  tocha_tensor x, idx, src, bad;
  make(&x, TOCHA_FLOAT, 2, SIZE(3, 2), VALUES(1, 2, 3, 4, 5, 6));
  make(&idx, TOCHA_LONG, 1, SIZE(2), VALUES(3, 1));
  make(&src, TOCHA_FLOAT, 2, SIZE(2, 2), VALUES(-1, -2, -3, -4));
  CHECK(tocha_index_copy(&x, 0, &idx, &src, 1) == TOCHA_OK);
  CHECK(equals(&x, 2, SIZE(3, 2), VALUES(-3, -4, 3, 4, -1, -2)));
  CHECK(tocha_index_add(&x, 0, &idx, &src, 1) == TOCHA_OK);
  CHECK(equals(&x, 2, SIZE(3, 2), VALUES(-6, -8, 3, 4, -2, -4)));
  CHECK(tocha_index_fill(&x, 1, &idx, 9, 0) == TOCHA_EARG); /* 3 is out of range for dim 1 of size 2 (0-based) */
  CHECK(error_is(tocha_index_fill(&x, 1, &idx, 9, 1), TOCHA_EARG, 3,
                 "index 3 out of range for dimension 2 of size 2 (at position 1 of the index tensor)"));
  CHECK(equals(&x, 2, SIZE(3, 2), VALUES(-6, -8, 3, 4, -2, -4)));
  tocha_tensor_release(&idx);
  make(&idx, TOCHA_LONG, 1, SIZE(1), VALUES(2));
  CHECK(tocha_index_fill(&x, 1, &idx, 9, 1) == TOCHA_OK);
  CHECK(equals(&x, 2, SIZE(3, 2), VALUES(-6, 9, 3, 9, -2, 9)));

  /* repeated indices accumulate in index_add (Torch7's documented example) */
  tocha_tensor a, ai, as;
  make(&a, TOCHA_DOUBLE, 1, SIZE(5), VALUES(1, 2, 3, 4, 5));
  make(&ai, TOCHA_LONG, 1, SIZE(4), VALUES(1, 1, 3, 3));
  make(&as, TOCHA_DOUBLE, 1, SIZE(4), VALUES(1, 2, 3, 4));
  CHECK(tocha_index_add(&a, 0, &ai, &as, 1) == TOCHA_OK);
  CHECK(equals(&a, 1, SIZE(5), VALUES(4, 2, 10, 4, 5)));

  /* a source of the wrong size */
  make(&bad, TOCHA_FLOAT, 2, SIZE(2, 3), VALUES(0, 0, 0, 0, 0, 0));
  tocha_tensor_release(&idx);
  make(&idx, TOCHA_LONG, 1, SIZE(2), VALUES(0, 1));
  CHECK(error_is(tocha_index_copy(&x, 0, &idx, &bad, 0), TOCHA_ESIZE, 4,
                 "source size 2x3 does not match 2x2 (the tensor's size with dimension 0 set to the 2 indices)"));
  CHECK(equals(&x, 2, SIZE(3, 2), VALUES(-6, 9, 3, 9, -2, 9)));

  /* a source that overlaps the destination: rows 1, 2 copied onto rows 2, 1 (0-based) */
  tocha_tensor rows;
  tocha_tensor_init(&rows, TOCHA_FLOAT);
  CHECK(tocha_narrow(&rows, &x, 0, 1, 2) == TOCHA_OK);
  tocha_tensor_release(&idx);
  make(&idx, TOCHA_LONG, 1, SIZE(2), VALUES(2, 1));
  CHECK(tocha_index_copy(&x, 0, &idx, &rows, 0) == TOCHA_OK);
  CHECK(equals(&x, 2, SIZE(3, 2), VALUES(-6, 9, -2, 9, 3, 9)));

  tocha_tensor *all[] = {&x, &idx, &src, &bad, &a, &ai, &as, &rows};
  for (size_t k = 0; k < sizeof all / sizeof *all; k++) tocha_tensor_release(all[k]);
}

static void test_gather_scatter(void) {
  tocha_tensor x, idx, out, y, s, one;
  /* x = 1 2 3 / 4 5 6 */
  make(&x, TOCHA_DOUBLE, 2, SIZE(2, 3), VALUES(1, 2, 3, 4, 5, 6));
  make(&idx, TOCHA_LONG, 2, SIZE(2, 2), VALUES(3, 1, 2, 2));
  tocha_tensor_init(&out, TOCHA_DOUBLE);
  CHECK(tocha_gather(&out, &x, 1, &idx, 1) == TOCHA_OK);
  CHECK(equals(&out, 2, SIZE(2, 2), VALUES(3, 1, 5, 5)));
  tocha_tensor_release(&idx);
  make(&idx, TOCHA_LONG, 2, SIZE(1, 3), VALUES(2, 1, 2));
  CHECK(tocha_gather(&out, &x, 0, &idx, 1) == TOCHA_OK);
  CHECK(equals(&out, 2, SIZE(1, 3), VALUES(4, 2, 6)));
  CHECK(error_is(tocha_gather(&out, &x, 1, &idx, 1), TOCHA_ESIZE, 3,
                 "index size 1x3 does not match tensor size 2x3 in dimension 1 (only dimension 2 may differ)"));
  tocha_tensor_put(&idx, SIZE(0, 2), 3);
  CHECK(error_is(tocha_gather(&out, &x, 0, &idx, 1), TOCHA_EARG, 3,
                 "index 3 out of range for dimension 1 of size 2 (at position (1, 3) of the index tensor)"));

  /* scatter: Torch7's example shape, y = zeros(3, 4) */
  make(&y, TOCHA_DOUBLE, 2, SIZE(3, 4), VALUES(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  tocha_tensor_release(&idx);
  make(&idx, TOCHA_LONG, 2, SIZE(2, 4), VALUES(1, 2, 3, 1, 3, 1, 1, 2));
  make(&s, TOCHA_DOUBLE, 2, SIZE(2, 4), VALUES(1, 2, 3, 4, 5, 6, 7, 8));
  CHECK(tocha_scatter(&y, 0, &idx, &s, 1) == TOCHA_OK);
  CHECK(equals(&y, 2, SIZE(3, 4), VALUES(1, 6, 7, 4, 0, 2, 0, 8, 5, 0, 3, 0)));
  CHECK(tocha_scatter_add(&y, 0, &idx, &s, 1) == TOCHA_OK);
  CHECK(equals(&y, 2, SIZE(3, 4), VALUES(2, 12, 14, 8, 0, 4, 0, 16, 10, 0, 6, 0)));
  tocha_tensor_release(&idx);
  make(&idx, TOCHA_LONG, 2, SIZE(3, 1), VALUES(4, 1, 2));
  CHECK(tocha_scatter_fill(&y, 1, &idx, -1, 1) == TOCHA_OK);
  CHECK(equals(&y, 2, SIZE(3, 4), VALUES(2, 12, 14, -1, -1, 4, 0, 16, 10, -1, 6, 0)));
  /* a source longer along dim than the index: the extra elements are unused */
  make(&one, TOCHA_DOUBLE, 2, SIZE(3, 2), VALUES(7, 70, 8, 80, 9, 90));
  CHECK(tocha_scatter(&y, 1, &idx, &one, 1) == TOCHA_OK);
  CHECK(equals(&y, 2, SIZE(3, 4), VALUES(2, 12, 14, 7, 8, 4, 0, 16, 10, 9, 6, 0)));
  CHECK(error_is(tocha_scatter(&y, 1, &idx, &x, 1), TOCHA_ESIZE, 4,
                 "source size 2x3 does not match index size 3x1 (the source may only be longer in dimension 2)"));
  tocha_tensor_put(&idx, SIZE(2, 0), 5);
  CHECK(error_is(tocha_scatter_fill(&y, 1, &idx, 0, 1), TOCHA_EARG, 3,
                 "index 5 out of range for dimension 2 of size 4 (at position (3, 1) of the index tensor)"));
  CHECK(equals(&y, 2, SIZE(3, 4), VALUES(2, 12, 14, 7, 8, 4, 0, 16, 10, 9, 6, 0)));

  /* Long tensors gather too */
  tocha_tensor l, li, lo;
  make(&l, TOCHA_LONG, 1, SIZE(3), VALUES(7, 8, 9));
  make(&li, TOCHA_LONG, 1, SIZE(4), VALUES(2, 2, 0, 1));
  tocha_tensor_init(&lo, TOCHA_LONG);
  CHECK(tocha_gather(&lo, &l, 0, &li, 0) == TOCHA_OK);
  CHECK(equals(&lo, 1, SIZE(4), VALUES(9, 9, 7, 8)));
  /* scatter of a Long tensor into itself, as index and source */
  tocha_tensor_release(&lo);
  make(&lo, TOCHA_LONG, 1, SIZE(3), VALUES(2, 0, 1));
  CHECK(tocha_scatter(&lo, 0, &lo, &lo, 0) == TOCHA_OK);
  CHECK(equals(&lo, 1, SIZE(3), VALUES(0, 1, 2)));

  tocha_tensor *all[] = {&x, &idx, &out, &y, &s, &one, &l, &li, &lo};
  for (size_t k = 0; k < sizeof all / sizeof *all; k++) tocha_tensor_release(all[k]);
}

static void test_nonzero_cat(void) {
  tocha_tensor x, nz, tr, a, b, c, out;
  make(&x, TOCHA_FLOAT, 2, SIZE(2, 3), VALUES(0, 2, 0, 3, 0, 4));
  tocha_tensor_init(&nz, TOCHA_LONG);
  tocha_tensor_init(&tr, TOCHA_FLOAT);
  CHECK(tocha_nonzero(&nz, &x, 1) == TOCHA_OK);
  CHECK(equals(&nz, 2, SIZE(3, 2), VALUES(1, 2, 2, 1, 2, 3)));
  CHECK(tocha_transpose(&tr, &x, 0, 1) == TOCHA_OK); /* 0 3 / 2 0 / 0 4 */
  CHECK(tocha_nonzero(&nz, &tr, 0) == TOCHA_OK);
  CHECK(equals(&nz, 2, SIZE(3, 2), VALUES(0, 1, 1, 0, 2, 1)));
  CHECK(tocha_fill(&x, 0) == TOCHA_OK);
  CHECK(tocha_nonzero(&nz, &x, 1) == TOCHA_OK && nz.ndim == 0);
  CHECK(error_is(tocha_nonzero(&x, &x, 1), TOCHA_ETYPE, 0, "result tensor is Float, expected Long"));

  make(&a, TOCHA_DOUBLE, 2, SIZE(2, 2), VALUES(1, 2, 3, 4));
  make(&b, TOCHA_DOUBLE, 2, SIZE(1, 2), VALUES(5, 6));
  tocha_tensor_init(&c, TOCHA_DOUBLE); /* empty: skipped */
  tocha_tensor_init(&out, TOCHA_DOUBLE);
  CHECK(tocha_cat(&out, (const tocha_tensor *[]){&a, &c, &b}, 3, 0) == TOCHA_OK);
  CHECK(equals(&out, 2, SIZE(3, 2), VALUES(1, 2, 3, 4, 5, 6)));
  CHECK(error_is(tocha_cat(&out, (const tocha_tensor *[]){&a, &b}, 2, 1), TOCHA_ESIZE, 1,
                 "tensor 2 has size 1x2, tensor 1 has size 2x2 (only dimension 2 may differ)"));
  CHECK(tocha_last_error()->item == 2);
  /* along dim 1 with a transposed input, into one of the inputs */
  tocha_tensor at;
  tocha_tensor_init(&at, TOCHA_DOUBLE);
  CHECK(tocha_transpose(&at, &a, 0, 1) == TOCHA_OK); /* 1 3 / 2 4 */
  CHECK(tocha_cat(&a, (const tocha_tensor *[]){&a, &at}, 2, 1) == TOCHA_OK);
  CHECK(equals(&a, 2, SIZE(2, 4), VALUES(1, 2, 1, 3, 3, 4, 2, 4)));
  CHECK(error_is(tocha_cat(&out, (const tocha_tensor *[]){&a, &nz}, 2, 0), TOCHA_ETYPE, 1,
                 "tensor 2 is a LongTensor, tensor 1 is a DoubleTensor"));
  CHECK(tocha_last_error()->item == 2);
  CHECK(error_is(tocha_cat(&out, (const tocha_tensor *[]){&a}, 1, 2), TOCHA_EARG, 3,
                 "dimension 3 out of range for 2D tensors"));
  CHECK(tocha_last_error()->item == 0);
  CHECK(tocha_cat(&out, (const tocha_tensor *[]){&c, &c}, 2, 0) == TOCHA_OK && out.ndim == 0);

  tocha_tensor *all[] = {&x, &nz, &tr, &a, &b, &c, &out, &at};
  for (size_t k = 0; k < sizeof all / sizeof *all; k++) tocha_tensor_release(all[k]);
}

int main(void) {
  test_masks();
  test_index_select();
  test_index_write();
  test_gather_scatter();
  test_nonzero_cat();
  return CHECK_REPORT();
}
