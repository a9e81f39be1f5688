/* Result tensors that may be views, and memory relations (see result.h). */
#include "result.h"

/* ---- memory relations ------------------------------------------------------ */

/* Lowest and highest storage element t reaches; 0 when it reaches none. */
static int extent(const tocha_tensor *t, int64_t *lo, int64_t *hi) {
  if (!t->storage || tocha_tensor_nelement(t) == 0) return 0;
  *lo = *hi = t->offset;
  for (int d = 0; d < t->ndim; d++) *hi += (t->size[d] - 1) * t->stride[d];
  return 1;
}

int tocha_mem_overlap(const tocha_tensor *a, const tocha_tensor *b) {
  int64_t alo, ahi, blo, bhi;
  if (a->storage != b->storage || !extent(a, &alo, &ahi) || !extent(b, &blo, &bhi)) return 0;
  return alo <= bhi && blo <= ahi;
}

int tocha_same_view(const tocha_tensor *a, const tocha_tensor *b) {
  if (a->storage != b->storage || a->offset != b->offset || !tocha_tensor_same_size(a, b)) return 0;
  for (int d = 0; d < a->ndim; d++)
    if (a->size[d] > 1 && a->stride[d] != b->stride[d]) return 0;
  return 1;
}

/* Sorted by stride, each dimension must step past everything the
 * smaller-stride ones reach. */
int tocha_distinct_elements(const tocha_tensor *t) {
  int64_t size[TOCHA_MAX_DIMS], stride[TOCHA_MAX_DIMS];
  int n = 0;
  for (int d = 0; d < t->ndim; d++) {
    if (t->size[d] == 0) return 1;
    if (t->size[d] == 1) continue;
    int i = n++;
    for (; i > 0 && stride[i - 1] > t->stride[d]; i--) {
      size[i] = size[i - 1];
      stride[i] = stride[i - 1];
    }
    size[i] = t->size[d];
    stride[i] = t->stride[d];
  }
  int64_t reach = 0;
  for (int i = 0; i < n; i++) {
    if (stride[i] <= reach) return 0;
    reach += (size[i] - 1) * stride[i];
  }
  return 1;
}

int tocha_needs_detach(const tocha_tensor *out, const tocha_tensor *in) {
  if (!tocha_mem_overlap(out, in)) return 0;
  return !(tocha_same_view(out, in) && tocha_distinct_elements(out));
}

tocha_status tocha_detach_input(const tocha_tensor *out, const tocha_tensor **in, tocha_tensor *copy) {
  if (!tocha_needs_detach(out, *in)) return TOCHA_OK;
  tocha_status st = tocha_clone(copy, *in, (*in)->dtype);
  if (st) return st;
  *in = copy;
  return TOCHA_OK;
}

/* ---- results ----------------------------------------------------------------- */

static int has_shape(const tocha_tensor *t, int ndim, const int64_t *size) {
  if (t->ndim != ndim) return 0;
  for (int d = 0; d < ndim; d++)
    if (t->size[d] != size[d]) return 0;
  return 1;
}

void tocha_result_init(tocha_result *r, tocha_tensor *out) {
  r->out = out;
  r->dst = out;
  tocha_tensor_init(&r->tmp, out->dtype);
}

tocha_status tocha_result_begin(tocha_result *r, tocha_tensor *out, int ndim, const int64_t *size, int flags,
                                const tocha_tensor *const *inputs, int ninputs) {
  tocha_result_init(r, out);
  int same = has_shape(out, ndim, size), conflict = 0;
  for (int k = 0; k < ninputs && !conflict; k++) {
    const tocha_tensor *in = inputs[k];
    if (!in) continue;
    /* A resize may reuse out's storage anywhere past its offset. */
    conflict = in == out || (out->storage && in->storage == out->storage && (!same || tocha_mem_overlap(out, in)));
  }
  if (!conflict) {
    tocha_status st = tocha_tensor_resize(out, ndim, size);
    if (st) return st;
    if (!(flags & TOCHA_RESULT_CONTIGUOUS) || tocha_tensor_is_contiguous(out)) return TOCHA_OK;
  }
  tocha_status st = tocha_tensor_new(&r->tmp, out->dtype, ndim, size);
  if (st) return st;
  r->dst = &r->tmp;
  return TOCHA_OK;
}

tocha_status tocha_result_detach(tocha_result *r) {
  if (r->dst == &r->tmp) return TOCHA_OK;
  tocha_status st = tocha_tensor_new(&r->tmp, r->out->dtype, r->out->ndim, r->out->size);
  if (st) return st;
  r->dst = &r->tmp;
  return TOCHA_OK;
}

tocha_status tocha_result_end(tocha_result *r, tocha_status st) {
  if (st == TOCHA_OK && r->dst == &r->tmp) {
    st = tocha_tensor_resize(r->out, r->tmp.ndim, r->tmp.size);
    if (!st) st = tocha_copy(r->out, &r->tmp);
  }
  tocha_tensor_release(&r->tmp);
  r->dst = r->out;
  return st;
}
