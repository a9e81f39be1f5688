/* The tensor core used from plain C: views, copies, errors, and results
 * written into caller-given views. */
#include <math.h>
#include <stdlib.h>
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
  /* messages count from 1: index 7 (0-based) is the 8th */
  CHECK(strstr(tocha_last_error()->message, "index 8 out of range for dimension 1") != NULL);
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

/* ---- results written into views ------------------------------------------------
 *
 * A result tensor that already has the result's size keeps its geometry
 * (Torch7's resize rule): the values must land in the view's own elements
 * and every other element of the tensor it views must stay as it was. */

#define SENTINEL (-7.0)

static double at1(const tocha_tensor *t, int64_t i) {
  double v = -1;
  tocha_tensor_get(t, &i, &v);
  return v;
}

/* Element k in logical row-major order. */
static int64_t storage_offset_of(const tocha_tensor *t, int64_t k, int64_t *index) {
  int64_t off = t->offset;
  for (int d = t->ndim - 1; d >= 0; d--) {
    index[d] = k % t->size[d];
    k /= t->size[d];
    off += index[d] * t->stride[d];
  }
  return off;
}

static double value_at(const tocha_tensor *t, int64_t k) {
  int64_t index[TOCHA_MAX_DIMS];
  double v = NAN;
  storage_offset_of(t, k, index);
  tocha_tensor_get(t, index, &v);
  return v;
}

/* A contiguous tensor of the given shape, every element `fill`. */
static void filled(tocha_tensor *t, tocha_dtype dtype, int ndim, const int64_t *size, double fill) {
  tocha_tensor_init(t, dtype);
  CHECK(tocha_tensor_new(t, dtype, ndim, size) == TOCHA_OK);
  CHECK(tocha_fill(t, fill) == TOCHA_OK);
}

/* A contiguous tensor holding `values` in row-major order. */
static void from_values(tocha_tensor *t, tocha_dtype dtype, int ndim, const int64_t *size, const double *values) {
  int64_t index[TOCHA_MAX_DIMS];
  tocha_tensor_init(t, dtype);
  CHECK(tocha_tensor_new(t, dtype, ndim, size) == TOCHA_OK);
  for (int64_t k = 0; k < tocha_tensor_nelement(t); k++) {
    storage_offset_of(t, k, index);
    tocha_tensor_put(t, index, values[k]);
  }
}

/* Every element of `base` that `view` does not reach still equals `fill`. */
static int untouched_outside(const tocha_tensor *base, const tocha_tensor *view, double fill) {
  int64_t index[TOCHA_MAX_DIMS];
  char *mark = calloc((size_t)base->storage->size + 1, 1);
  int ok = mark != NULL && view->storage == base->storage;
  for (int64_t k = 0; ok && k < tocha_tensor_nelement(view); k++) mark[storage_offset_of(view, k, index)] = 1;
  for (int64_t k = 0; ok && k < tocha_tensor_nelement(base); k++) {
    int64_t off = storage_offset_of(base, k, index);
    if (!mark[off] && value_at(base, k) != fill) ok = 0;
  }
  free(mark);
  return ok;
}

/* view keeps exactly the geometry it had (saved in *before). */
static int same_geometry(const tocha_tensor *view, const tocha_tensor *before) {
  if (view->storage != before->storage || view->offset != before->offset || view->ndim != before->ndim) return 0;
  for (int d = 0; d < view->ndim; d++)
    if (view->size[d] != before->size[d] || view->stride[d] != before->stride[d]) return 0;
  return 1;
}

static void release_all(tocha_tensor *const *ts, int n) {
  for (int k = 0; k < n; k++) tocha_tensor_release(ts[k]);
}

static void test_resize_keeps_right_sized_views(void) {
  tocha_tensor x, tr, nar, like;
  filled(&x, TOCHA_DOUBLE, 2, (int64_t[]){3, 4}, 1);
  tocha_tensor_init(&tr, TOCHA_DOUBLE);
  tocha_tensor_init(&nar, TOCHA_DOUBLE);
  filled(&like, TOCHA_DOUBLE, 2, (int64_t[]){4, 3}, 0);
  CHECK(tocha_transpose(&tr, &x, 0, 1) == TOCHA_OK);
  tocha_tensor before = tr;
  CHECK(tocha_tensor_resize(&tr, 2, (int64_t[]){4, 3}) == TOCHA_OK);
  CHECK(same_geometry(&tr, &before) && tr.stride[0] == 1 && tr.stride[1] == 4);
  CHECK(tocha_tensor_resize_as(&tr, &like) == TOCHA_OK && same_geometry(&tr, &before));
  /* another size: contiguous from the same offset, the storage reused */
  CHECK(tocha_narrow(&nar, &x, 1, 1, 2) == TOCHA_OK && nar.offset == 1);
  CHECK(tocha_tensor_resize(&nar, 2, (int64_t[]){2, 2}) == TOCHA_OK);
  CHECK(tocha_tensor_is_contiguous(&nar) && nar.offset == 1 && nar.storage == x.storage);
  CHECK(nar.stride[0] == 2 && nar.stride[1] == 1);
  /* the same number of elements in another shape is another size */
  CHECK(tocha_tensor_resize(&tr, 2, (int64_t[]){3, 4}) == TOCHA_OK && tocha_tensor_is_contiguous(&tr));
  /* too large for the storage: a new one */
  CHECK(tocha_tensor_resize(&nar, 1, (int64_t[]){20}) == TOCHA_OK);
  CHECK(nar.storage != x.storage && nar.offset == 0 && nar.storage->size == 20);
  CHECK(tocha_tensor_resize(&nar, 0, NULL) == TOCHA_OK && nar.ndim == 0 && nar.storage == NULL);
  release_all((tocha_tensor *[]){&x, &tr, &nar, &like}, 4);
}

static void test_pointwise_into_views(void) {
  tocha_tensor base, res, a, b, tmp;
  /* add into a transposed, narrowed view: a 3x4 view of a 4x5 base */
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){4, 5}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  tocha_tensor_init(&tmp, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&tmp, &base, 1, 1, 3) == TOCHA_OK && tocha_transpose(&res, &tmp, 0, 1) == TOCHA_OK);
  double av[12], bv[12];
  for (int k = 0; k < 12; k++) av[k] = k, bv[k] = 100 * k;
  from_values(&a, TOCHA_DOUBLE, 2, (int64_t[]){3, 4}, av);
  from_values(&b, TOCHA_DOUBLE, 2, (int64_t[]){3, 4}, bv);
  tocha_tensor before = res;
  CHECK(tocha_add(&res, &a, 1, &b) == TOCHA_OK);
  CHECK(same_geometry(&res, &before));
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++) CHECK(at2(&base, j, i + 1) == 101 * (i * 4 + j));
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res, &a, &b, &tmp}, 5);

  /* exp into a narrowed view (float) */
  filled(&base, TOCHA_FLOAT, 2, (int64_t[]){3, 5}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_FLOAT);
  CHECK(tocha_narrow(&res, &base, 1, 2, 2) == TOCHA_OK);
  from_values(&a, TOCHA_FLOAT, 2, (int64_t[]){3, 2}, (double[]){0, 1, -1, 0.5, 2, -2});
  CHECK(tocha_unary(&res, &a, TOCHA_UNARY_EXP) == TOCHA_OK);
  CHECK(res.offset == 2 && res.stride[0] == 5);
  for (int k = 0; k < 6; k++) CHECK(fabs(value_at(&res, k) - exp(value_at(&a, k))) < 1e-6);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res, &a}, 3);

  /* lt into a Byte view with stride 2 */
  filled(&base, TOCHA_BYTE, 1, (int64_t[]){13}, 200);
  tocha_tensor_init(&res, TOCHA_BYTE);
  CHECK(tocha_tensor_set_storage(&res, base.storage, 1, 1, (int64_t[]){6}, (int64_t[]){2}) == TOCHA_OK);
  from_values(&a, TOCHA_DOUBLE, 1, (int64_t[]){6}, (double[]){1, 5, 3, 0, 7, 2});
  from_values(&b, TOCHA_DOUBLE, 1, (int64_t[]){6}, (double[]){2, 4, 3, 1, 9, 1});
  CHECK(tocha_compare(&res, &a, &b, TOCHA_CMP_LT) == TOCHA_OK);
  CHECK(res.stride[0] == 2 && res.offset == 1);
  const double lt[6] = {1, 0, 0, 1, 1, 0};
  for (int k = 0; k < 6; k++) CHECK(at1(&base, 1 + 2 * k) == lt[k]);
  CHECK(untouched_outside(&base, &res, 200));
  release_all((tocha_tensor *[]){&base, &res, &a, &b}, 4);
}

static void test_reductions_into_views(void) {
  tocha_tensor base, res, x, ibase, idx, tmp;
  from_values(&x, TOCHA_DOUBLE, 2, (int64_t[]){2, 3}, (double[]){1, 2, 3, 4, 5, 6});
  /* sum along dim 1 into one column of a 2x6 tensor */
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){2, 6}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&res, &base, 1, 3, 1) == TOCHA_OK);
  CHECK(tocha_sum(&res, &x, 1) == TOCHA_OK);
  CHECK(res.offset == 3 && res.stride[0] == 6);
  CHECK(at2(&base, 0, 3) == 6 && at2(&base, 1, 3) == 15);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  /* mean along dim 0 into a row with stride 2 */
  CHECK(tocha_tensor_set_storage(&res, base.storage, 6, 2, (int64_t[]){1, 3}, (int64_t[]){6, 2}) == TOCHA_OK);
  CHECK(tocha_fill(&base, SENTINEL) == TOCHA_OK);
  CHECK(tocha_mean(&res, &x, 0) == TOCHA_OK && res.stride[1] == 2);
  CHECK(at2(&base, 1, 0) == 2.5 && at2(&base, 1, 2) == 3.5 && at2(&base, 1, 4) == 4.5);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res}, 2);

  /* max with values and indices both into views */
  tocha_tensor y;
  from_values(&y, TOCHA_FLOAT, 2, (int64_t[]){2, 3}, (double[]){1, 9, 3, 7, 5, 6});
  filled(&base, TOCHA_FLOAT, 2, (int64_t[]){2, 6}, SENTINEL);
  filled(&ibase, TOCHA_LONG, 2, (int64_t[]){2, 3}, -1);
  tocha_tensor_init(&res, TOCHA_FLOAT);
  tocha_tensor_init(&idx, TOCHA_LONG);
  CHECK(tocha_narrow(&res, &base, 1, 1, 1) == TOCHA_OK && tocha_narrow(&idx, &ibase, 1, 2, 1) == TOCHA_OK);
  CHECK(tocha_max(&res, &idx, &y, 1) == TOCHA_OK);
  CHECK(at2(&base, 0, 1) == 9 && at2(&base, 1, 1) == 7);
  CHECK(at2(&ibase, 0, 2) == 1 && at2(&ibase, 1, 2) == 0);
  CHECK(untouched_outside(&base, &res, SENTINEL) && untouched_outside(&ibase, &idx, -1));
  release_all((tocha_tensor *[]){&base, &ibase, &res, &idx, &y}, 5);

  /* cumsum along dim 1 into a transposed view (2x3 of a 3x4 base) */
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){3, 4}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  tocha_tensor_init(&tmp, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&tmp, &base, 1, 1, 2) == TOCHA_OK && tocha_transpose(&res, &tmp, 0, 1) == TOCHA_OK);
  CHECK(tocha_cumsum(&res, &x, 1) == TOCHA_OK && res.stride[0] == 1 && res.stride[1] == 4);
  const double cs[2][3] = {{1, 3, 6}, {4, 9, 15}};
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) CHECK(at2(&base, j, i + 1) == cs[i][j]);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  /* cumsum along dim 0 too (the row path of the scan) */
  CHECK(tocha_cumsum(&res, &x, 0) == TOCHA_OK);
  const double cs0[2][3] = {{1, 2, 3}, {5, 7, 9}};
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) CHECK(at2(&res, i, j) == cs0[i][j]);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res, &tmp}, 3);

  /* the row paths (column sums, column scans of a contiguous matrix) with
   * results that are rows of a wider tensor */
  tocha_tensor big, wide;
  filled(&big, TOCHA_FLOAT, 2, (int64_t[]){4, 300}, 0);
  for (int64_t i = 0; i < 4; i++)
    for (int64_t j = 0; j < 300; j++) tocha_tensor_put(&big, (int64_t[]){i, j}, (double)(i + 1) * (double)(j % 7));
  filled(&wide, TOCHA_FLOAT, 2, (int64_t[]){5, 400}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_FLOAT);
  tocha_tensor_init(&tmp, TOCHA_FLOAT);
  CHECK(tocha_narrow(&tmp, &wide, 0, 1, 1) == TOCHA_OK && tocha_narrow(&res, &tmp, 1, 50, 300) == TOCHA_OK);
  CHECK(tocha_sum(&res, &big, 0) == TOCHA_OK && res.offset == 450 && res.stride[0] == 400);
  int sums_ok = 1;
  for (int64_t j = 0; j < 300; j++) sums_ok &= at2(&res, 0, j) == 10 * (double)(j % 7);
  CHECK(sums_ok && untouched_outside(&wide, &res, SENTINEL));
  CHECK(tocha_fill(&wide, SENTINEL) == TOCHA_OK);
  CHECK(tocha_narrow(&tmp, &wide, 0, 1, 4) == TOCHA_OK && tocha_narrow(&res, &tmp, 1, 50, 300) == TOCHA_OK);
  CHECK(tocha_cumsum(&res, &big, 0) == TOCHA_OK && res.stride[0] == 400);
  int scan_ok = 1;
  for (int64_t i = 0; i < 4; i++)
    for (int64_t j = 0; j < 300; j++) scan_ok &= at2(&res, i, j) == (double)((i + 1) * (i + 2) / 2) * (double)(j % 7);
  CHECK(scan_ok && untouched_outside(&wide, &res, SENTINEL));
  release_all((tocha_tensor *[]){&big, &wide, &res, &tmp}, 4);

  /* the result is a view of the input itself: computed aside, then
   * written through the view (column 0 of x gets the row sums) */
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&res, &x, 1, 0, 1) == TOCHA_OK);
  CHECK(tocha_sum(&res, &x, 1) == TOCHA_OK && res.storage == x.storage && res.stride[0] == 3);
  CHECK(at2(&x, 0, 0) == 6 && at2(&x, 1, 0) == 15 && at2(&x, 0, 1) == 2 && at2(&x, 1, 2) == 6);
  release_all((tocha_tensor *[]){&res, &x}, 2);
}

static void test_blas_into_views(void) {
  tocha_tensor base, res, A, B, M, tmp, v;
  from_values(&A, TOCHA_DOUBLE, 2, (int64_t[]){2, 3}, (double[]){1, 2, 3, 4, 5, 6});
  from_values(&B, TOCHA_DOUBLE, 2, (int64_t[]){3, 2}, (double[]){1, 0, 0, 1, 1, 1});
  const double ab[2][2] = {{4, 5}, {10, 11}};
  /* mm into a narrowed view (row-major, leading dimension 5) */
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){2, 5}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&res, &base, 1, 1, 2) == TOCHA_OK);
  CHECK(tocha_mm(&res, &A, &B) == TOCHA_OK && res.offset == 1 && res.stride[0] == 5);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) CHECK(at2(&base, i, j + 1) == ab[i][j]);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res}, 2);

  /* addmm into a transposed view: res (2x2) = transpose of rows 1..2 of a 4x2 base */
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){4, 2}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  tocha_tensor_init(&tmp, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&tmp, &base, 0, 1, 2) == TOCHA_OK && tocha_transpose(&res, &tmp, 0, 1) == TOCHA_OK);
  from_values(&M, TOCHA_DOUBLE, 2, (int64_t[]){2, 2}, (double[]){1, 2, 3, 4});
  CHECK(tocha_addmm(&res, 2, &M, 1, &A, &B) == TOCHA_OK && res.stride[0] == 1 && res.stride[1] == 2);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) CHECK(at2(&base, j + 1, i) == 2 * at2(&M, i, j) + ab[i][j]);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  /* in place: M is the view itself (res = 1*res + 2*A*B) */
  CHECK(tocha_addmm(&res, 1, &res, 2, &A, &B) == TOCHA_OK && res.stride[0] == 1);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) CHECK(at2(&res, i, j) == 2 * at2(&M, i, j) + 3 * ab[i][j]);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res, &tmp, &M}, 4);

  /* mv into a vector with stride 3 */
  filled(&base, TOCHA_FLOAT, 1, (int64_t[]){7}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_FLOAT);
  CHECK(tocha_tensor_set_storage(&res, base.storage, 1, 1, (int64_t[]){2}, (int64_t[]){3}) == TOCHA_OK);
  from_values(&M, TOCHA_FLOAT, 2, (int64_t[]){2, 3}, (double[]){1, 2, 3, 4, 5, 6});
  from_values(&v, TOCHA_FLOAT, 1, (int64_t[]){3}, (double[]){1, -1, 2});
  CHECK(tocha_mv(&res, &M, &v) == TOCHA_OK && res.stride[0] == 3);
  CHECK(at1(&base, 1) == 5 && at1(&base, 4) == 11);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res, &M, &v, &A, &B}, 6);
}

static void test_index_into_views(void) {
  tocha_tensor base, res, src, idx, mask, tmp;
  from_values(&src, TOCHA_DOUBLE, 2, (int64_t[]){2, 3}, (double[]){1, 2, 3, 4, 5, 6});
  /* index_select rows {1, 0, 1} into a transposed view (3x3 of a 3x4 base) */
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){3, 4}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  tocha_tensor_init(&tmp, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&tmp, &base, 1, 0, 3) == TOCHA_OK && tocha_transpose(&res, &tmp, 0, 1) == TOCHA_OK);
  from_values(&idx, TOCHA_LONG, 1, (int64_t[]){3}, (double[]){1, 0, 1});
  CHECK(tocha_index_select(&res, &src, 0, &idx, 0) == TOCHA_OK && res.stride[0] == 1);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) CHECK(at2(&base, j, i) == at2(&src, (int64_t)at1(&idx, i), j));
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res, &tmp, &idx}, 4);

  /* gather along dim 1 into a narrowed view */
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){2, 5}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&res, &base, 1, 2, 2) == TOCHA_OK);
  from_values(&idx, TOCHA_LONG, 2, (int64_t[]){2, 2}, (double[]){2, 0, 1, 1});
  CHECK(tocha_gather(&res, &src, 1, &idx, 0) == TOCHA_OK && res.offset == 2);
  CHECK(at2(&base, 0, 2) == 3 && at2(&base, 0, 3) == 1 && at2(&base, 1, 2) == 5 && at2(&base, 1, 3) == 5);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res, &idx}, 3);

  /* masked_select (a contiguous kernel) into a right-sized strided view */
  filled(&base, TOCHA_DOUBLE, 1, (int64_t[]){10}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  CHECK(tocha_tensor_set_storage(&res, base.storage, 2, 1, (int64_t[]){4}, (int64_t[]){2}) == TOCHA_OK);
  from_values(&mask, TOCHA_BYTE, 2, (int64_t[]){2, 3}, (double[]){1, 0, 1, 0, 1, 1});
  CHECK(tocha_masked_select(&res, &src, &mask) == TOCHA_OK && res.stride[0] == 2 && res.offset == 2);
  CHECK(at1(&base, 2) == 1 && at1(&base, 4) == 3 && at1(&base, 6) == 5 && at1(&base, 8) == 6);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res, &mask}, 3);

  /* nonzero (also contiguous inside) into a transposed Long view */
  tocha_tensor z;
  from_values(&z, TOCHA_DOUBLE, 2, (int64_t[]){2, 2}, (double[]){0, 3, 4, 0});
  filled(&base, TOCHA_LONG, 2, (int64_t[]){2, 3}, -1);
  tocha_tensor_init(&res, TOCHA_LONG);
  tocha_tensor_init(&tmp, TOCHA_LONG);
  CHECK(tocha_narrow(&tmp, &base, 1, 1, 2) == TOCHA_OK && tocha_transpose(&res, &tmp, 0, 1) == TOCHA_OK);
  CHECK(tocha_nonzero(&res, &z, 0) == TOCHA_OK && res.stride[0] == 1);
  CHECK(at2(&res, 0, 0) == 0 && at2(&res, 0, 1) == 1 && at2(&res, 1, 0) == 1 && at2(&res, 1, 1) == 0);
  CHECK(untouched_outside(&base, &res, -1));
  release_all((tocha_tensor *[]){&base, &res, &tmp, &z}, 4);

  /* cat along dim 0 into a narrowed view */
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){4, 4}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  tocha_tensor_init(&tmp, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&tmp, &base, 1, 1, 3) == TOCHA_OK && tocha_narrow(&res, &tmp, 0, 1, 3) == TOCHA_OK);
  tocha_tensor row;
  from_values(&row, TOCHA_DOUBLE, 2, (int64_t[]){1, 3}, (double[]){7, 8, 9});
  CHECK(tocha_cat(&res, (const tocha_tensor *[]){&src, &row}, 2, 0) == TOCHA_OK && res.offset == 5);
  for (int j = 0; j < 3; j++)
    CHECK(at2(&base, 1, j + 1) == j + 1 && at2(&base, 2, j + 1) == j + 4 && at2(&base, 3, j + 1) == j + 7);
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res, &tmp, &row, &src}, 5);
}

static void test_random_into_views(void) {
  tocha_tensor base, res, tmp, ref;
  tocha_rng g;
  /* uniform into a transposed view fills only its elements, with the
   * values a contiguous tensor gets from the same stream, in logical order */
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){3, 4}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  tocha_tensor_init(&tmp, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&tmp, &base, 1, 1, 2) == TOCHA_OK && tocha_transpose(&res, &tmp, 0, 1) == TOCHA_OK);
  tocha_rng_seed(&g, 42);
  CHECK(tocha_uniform(&g, &res, 2, 3) == TOCHA_OK);
  filled(&ref, TOCHA_DOUBLE, 2, (int64_t[]){2, 3}, 0);
  tocha_rng_seed(&g, 42);
  CHECK(tocha_uniform(&g, &ref, 2, 3) == TOCHA_OK);
  for (int k = 0; k < 6; k++) {
    double v = value_at(&res, k);
    CHECK(v >= 2 && v < 3 && v == value_at(&ref, k));
  }
  CHECK(untouched_outside(&base, &res, SENTINEL));
  release_all((tocha_tensor *[]){&base, &res, &tmp, &ref}, 4);

  /* randperm into a Long view with stride 2 */
  filled(&base, TOCHA_LONG, 1, (int64_t[]){9}, -1);
  tocha_tensor_init(&res, TOCHA_LONG);
  CHECK(tocha_tensor_set_storage(&res, base.storage, 1, 1, (int64_t[]){4}, (int64_t[]){2}) == TOCHA_OK);
  tocha_rng_seed(&g, 7);
  CHECK(tocha_randperm(&g, &res, 4, TOCHA_LONG) == TOCHA_OK && res.stride[0] == 2 && res.offset == 1);
  int seen[4] = {0, 0, 0, 0};
  for (int64_t i = 0; i < 4; i++) {
    double v = at1(&res, i);
    if (v >= 0 && v < 4) seen[(int)v]++;
  }
  CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1);
  CHECK(untouched_outside(&base, &res, -1));
  release_all((tocha_tensor *[]){&base, &res}, 2);
}

static void test_copy_into_views(void) {
  tocha_tensor base, res, src, tmp, c;
  from_values(&src, TOCHA_FLOAT, 2, (int64_t[]){2, 3}, (double[]){1, 2, 3, 4, 5, 6});
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){4, 3}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  tocha_tensor_init(&tmp, TOCHA_DOUBLE);
  tocha_tensor_init(&c, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&tmp, &base, 0, 1, 3) == TOCHA_OK && tocha_narrow(&tmp, &tmp, 1, 0, 2) == TOCHA_OK);
  CHECK(tocha_transpose(&res, &tmp, 0, 1) == TOCHA_OK);
  CHECK(tocha_copy(&res, &src) == TOCHA_OK);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) CHECK(at2(&base, j + 1, i) == at2(&src, i, j));
  CHECK(untouched_outside(&base, &res, SENTINEL));
  /* a clone of the view is a contiguous copy with a storage of its own */
  CHECK(tocha_clone(&c, &res, TOCHA_DOUBLE) == TOCHA_OK);
  CHECK(c.storage != base.storage && tocha_tensor_is_contiguous(&c) && c.size[0] == 2 && c.size[1] == 3);
  for (int k = 0; k < 6; k++) CHECK(value_at(&c, k) == value_at(&src, k));
  /* a copy between disjoint views of one storage */
  CHECK(tocha_narrow(&tmp, &base, 0, 0, 1) == TOCHA_OK && tocha_narrow(&c, &base, 0, 3, 1) == TOCHA_OK);
  CHECK(tocha_copy(&tmp, &c) == TOCHA_OK);
  CHECK(at2(&base, 0, 0) == 3 && at2(&base, 0, 1) == 6 && at2(&base, 0, 2) == SENTINEL);
  release_all((tocha_tensor *[]){&base, &res, &src, &tmp, &c}, 5);
}

static void test_nn_into_views(void) {
  tocha_tensor base, out, in, tmp, mbase, mask, ref, refmask, bits, ebase, ev;
  tocha_rng g;
  double iv[16];
  for (int k = 0; k < 16; k++) iv[k] = k + 1;
  from_values(&in, TOCHA_DOUBLE, 2, (int64_t[]){4, 4}, iv);
  /* dropout forward into a transposed view (4x4 of a 5x5 base); the mask
   * given is a non-contiguous Byte view of the right size: it is replaced
   * by a contiguous one, leaving the tensor it viewed alone */
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){5, 5}, SENTINEL);
  tocha_tensor_init(&out, TOCHA_DOUBLE);
  tocha_tensor_init(&tmp, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&tmp, &base, 0, 0, 4) == TOCHA_OK && tocha_narrow(&tmp, &tmp, 1, 1, 4) == TOCHA_OK);
  CHECK(tocha_transpose(&out, &tmp, 0, 1) == TOCHA_OK);
  filled(&mbase, TOCHA_BYTE, 1, (int64_t[]){4}, 77);
  tocha_tensor_init(&mask, TOCHA_BYTE);
  CHECK(tocha_tensor_set_storage(&mask, mbase.storage, 0, 1, (int64_t[]){2}, (int64_t[]){2}) == TOCHA_OK);
  tocha_rng_seed(&g, 3);
  CHECK(tocha_dropout_forward(&g, &out, &in, &mask, 0.5, 2, 1) == TOCHA_OK);
  CHECK(out.stride[0] == 1 && out.stride[1] == 5 && out.offset == 1);
  CHECK(mask.storage != mbase.storage && tocha_tensor_is_contiguous(&mask) && mask.size[0] == 2);
  for (int k = 0; k < 4; k++) CHECK(at1(&mbase, k) == 77);
  /* the same draw into a contiguous output gives the same values */
  filled(&ref, TOCHA_DOUBLE, 2, (int64_t[]){4, 4}, 0);
  tocha_tensor_init(&refmask, TOCHA_BYTE);
  tocha_rng_seed(&g, 3);
  CHECK(tocha_dropout_forward(&g, &ref, &in, &refmask, 0.5, 2, 1) == TOCHA_OK);
  /* the mask expanded into a narrowed Byte view */
  filled(&ebase, TOCHA_BYTE, 2, (int64_t[]){4, 5}, 9);
  tocha_tensor_init(&ev, TOCHA_BYTE);
  CHECK(tocha_narrow(&ev, &ebase, 1, 1, 4) == TOCHA_OK);
  CHECK(tocha_dropout_mask_expand(&ev, &mask, 2, (int64_t[]){4, 4}, 1) == TOCHA_OK && ev.offset == 1);
  int kept = 0;
  for (int64_t i = 0; i < 4; i++)
    for (int64_t j = 0; j < 4; j++) {
      double m = at2(&ev, i, j);
      kept += m == 1;
      CHECK(m == 0 || m == 1);
      CHECK(at2(&out, i, j) == m * 2 * at2(&in, i, j) && at2(&ref, i, j) == at2(&out, i, j));
    }
  CHECK(kept > 0 && kept < 16);
  CHECK(untouched_outside(&base, &out, SENTINEL) && untouched_outside(&ebase, &ev, 9));
  /* backward into the same view */
  CHECK(tocha_fill(&base, SENTINEL) == TOCHA_OK);
  CHECK(tocha_dropout_backward(&out, &in, &mask, 2, 1) == TOCHA_OK && out.stride[1] == 5);
  for (int64_t i = 0; i < 4; i++)
    for (int64_t j = 0; j < 4; j++) CHECK(at2(&out, i, j) == at2(&ev, i, j) * 2 * at2(&in, i, j));
  CHECK(untouched_outside(&base, &out, SENTINEL));
  /* the output overlapping the input (shifted by one row): the input is read first */
  tocha_tensor shifted, src;
  tocha_tensor_init(&shifted, TOCHA_DOUBLE);
  tocha_tensor_init(&src, TOCHA_DOUBLE);
  double iv5[20] = {0};
  memcpy(iv5, iv, sizeof iv); /* rows 0..3 = in, row 4 = 0 */
  from_values(&bits, TOCHA_DOUBLE, 2, (int64_t[]){5, 4}, iv5);
  CHECK(tocha_narrow(&src, &bits, 0, 0, 4) == TOCHA_OK && tocha_narrow(&shifted, &bits, 0, 1, 4) == TOCHA_OK);
  CHECK(tocha_dropout_backward(&shifted, &src, &mask, 2, 1) == TOCHA_OK);
  for (int64_t i = 0; i < 4; i++)
    for (int64_t j = 0; j < 4; j++) CHECK(at2(&bits, i + 1, j) == at2(&ev, i, j) * 2 * at2(&in, i, j));
  release_all((tocha_tensor *[]){&base, &out, &tmp, &mbase, &mask, &ref, &refmask, &ebase, &ev, &shifted, &src, &bits}, 12);

  /* relu and softmax into views */
  tocha_tensor x;
  from_values(&x, TOCHA_FLOAT, 2, (int64_t[]){2, 3}, (double[]){-1, 2, -3, 4, 0, 6});
  filled(&base, TOCHA_FLOAT, 2, (int64_t[]){4, 3}, SENTINEL);
  tocha_tensor_init(&out, TOCHA_FLOAT);
  tocha_tensor_init(&tmp, TOCHA_FLOAT);
  CHECK(tocha_narrow(&tmp, &base, 1, 0, 2) == TOCHA_OK && tocha_narrow(&tmp, &tmp, 0, 1, 3) == TOCHA_OK);
  CHECK(tocha_transpose(&out, &tmp, 0, 1) == TOCHA_OK);
  CHECK(tocha_nn_relu_forward(&out, &x) == TOCHA_OK && out.stride[0] == 1);
  for (int k = 0; k < 6; k++) CHECK(value_at(&out, k) == fmax(value_at(&x, k), 0));
  CHECK(untouched_outside(&base, &out, SENTINEL));
  CHECK(tocha_fill(&base, SENTINEL) == TOCHA_OK);
  CHECK(tocha_nn_softmax_forward(&out, &x) == TOCHA_OK && out.stride[0] == 1);
  for (int64_t i = 0; i < 2; i++) {
    double sum = 0;
    for (int64_t j = 0; j < 3; j++) sum += exp(at2(&x, i, j));
    for (int64_t j = 0; j < 3; j++) CHECK(fabs(at2(&out, i, j) - exp(at2(&x, i, j)) / sum) < 1e-6);
  }
  CHECK(untouched_outside(&base, &out, SENTINEL));
  release_all((tocha_tensor *[]){&base, &out, &tmp, &x, &in}, 5);
}

/* A result of another size re-lays the tensor out, as before: contiguous
 * from its offset, the storage reused when large enough. */
static void test_other_size_relays_out(void) {
  tocha_tensor base, res, x, a;
  from_values(&x, TOCHA_DOUBLE, 2, (int64_t[]){2, 3}, (double[]){1, 2, 3, 4, 5, 6});
  filled(&base, TOCHA_DOUBLE, 2, (int64_t[]){3, 4}, SENTINEL);
  tocha_tensor_init(&res, TOCHA_DOUBLE);
  CHECK(tocha_narrow(&res, &base, 1, 1, 2) == TOCHA_OK); /* 3x2 */
  CHECK(tocha_sum(&res, &x, 1) == TOCHA_OK);              /* 2x1 */
  CHECK(res.ndim == 2 && res.size[0] == 2 && res.size[1] == 1 && tocha_tensor_is_contiguous(&res));
  CHECK(res.storage == base.storage && res.offset == 1);
  CHECK(at2(&base, 0, 1) == 6 && at2(&base, 0, 2) == 15);
  /* pointwise likewise */
  from_values(&a, TOCHA_DOUBLE, 1, (int64_t[]){3}, (double[]){1, 2, 3});
  CHECK(tocha_transpose(&res, &base, 0, 1) == TOCHA_OK);
  CHECK(tocha_add(&res, &a, 1, &a) == TOCHA_OK && res.ndim == 1 && res.stride[0] == 1 && res.offset == 0);
  CHECK(at2(&base, 0, 0) == 2 && at2(&base, 0, 1) == 4 && at2(&base, 0, 2) == 6);
  release_all((tocha_tensor *[]){&base, &res, &x, &a}, 4);
}

int main(void) {
  test_views_share_storage();
  test_errors_are_reported();
  test_copy_across_types();
  test_resize_keeps_right_sized_views();
  test_pointwise_into_views();
  test_reductions_into_views();
  test_blas_into_views();
  test_index_into_views();
  test_random_into_views();
  test_copy_into_views();
  test_nn_into_views();
  test_other_size_relays_out();
  return CHECK_REPORT();
}
