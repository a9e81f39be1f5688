/* Tensor headers and views: everything that changes geometry, not data. */
#include <stdio.h>
#include <math.h>
#include <string.h>

#include "../tocha.h"
#include "sizes.h"

void tocha_tensor_init(tocha_tensor *t, tocha_dtype dtype) {
  memset(t, 0, sizeof *t);
  t->dtype = dtype;
}

void tocha_tensor_release(tocha_tensor *t) {
  tocha_storage_release(t->storage);
  tocha_tensor_init(t, t->dtype);
}

/* Replaces *out by the view described by *view (whose storage is borrowed).
 * Retaining before releasing keeps `out == source` safe. */
static void assign_view(tocha_tensor *out, const tocha_tensor *view) {
  tocha_storage_retain(view->storage);
  tocha_storage_release(out->storage);
  *out = *view;
}

int64_t tocha_tensor_nelement(const tocha_tensor *t) {
  if (t->ndim == 0) return 0;
  int64_t n = 1;
  for (int d = 0; d < t->ndim; d++) n *= t->size[d];
  return n;
}

int tocha_tensor_is_contiguous(const tocha_tensor *t) {
  /* No elements: every layout is contiguous (resize gives a size-0 tensor
   * the strides of a size-1 dimension there, which the loop would refuse). */
  for (int d = 0; d < t->ndim; d++)
    if (t->size[d] == 0) return 1;
  int64_t expected = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (t->size[d] != 1) {
      if (t->stride[d] != expected) return 0;
      expected *= t->size[d];
    }
  }
  return 1;
}

int tocha_tensor_same_size(const tocha_tensor *a, const tocha_tensor *b) {
  if (a->ndim != b->ndim) return 0;
  for (int d = 0; d < a->ndim; d++)
    if (a->size[d] != b->size[d]) return 0;
  return 1;
}

void *tocha_tensor_data(const tocha_tensor *t) {
  if (!t->storage) return NULL;
  return (char *)t->storage->data + (size_t)t->offset * tocha_dtype_size(t->dtype);
}

void tocha_tensor_shape_string(const tocha_tensor *t, char *buf, size_t len) {
  if (len == 0) return;
  if (t->ndim == 0) {
    snprintf(buf, len, "empty");
    return;
  }
  size_t used = 0;
  buf[0] = '\0';
  for (int d = 0; d < t->ndim && used < len; d++) {
    int n = snprintf(buf + used, len - used, d ? "x%lld" : "%lld", (long long)t->size[d]);
    if (n < 0) break;
    used += (size_t)n;
  }
}

static void set_contiguous_geometry(tocha_tensor *t, int ndim, const int64_t *size) {
  int64_t stride = 1;
  t->ndim = ndim;
  for (int d = ndim - 1; d >= 0; d--) {
    t->size[d] = size[d];
    t->stride[d] = stride;
    stride *= size[d] > 0 ? size[d] : 1;
  }
}

tocha_status tocha_tensor_new(tocha_tensor *out, tocha_dtype dtype, int ndim, const int64_t *size) {
  int64_t n;
  if (dtype < 0 || dtype >= TOCHA_NTYPES)
    return tocha_fail(TOCHA_ETYPE, 1, "unknown element type %d", (int)dtype);
  tocha_status st = tocha_shape_count(ndim, size, 3, &n);
  if (st) return st;
  tocha_storage *s = NULL;
  if (ndim > 0) {
    s = tocha_storage_new(dtype, n);
    if (!s) return tocha_last_error()->status;
  }
  tocha_storage_release(out->storage);
  tocha_tensor_init(out, dtype);
  out->storage = s;
  set_contiguous_geometry(out, ndim, size);
  return TOCHA_OK;
}

tocha_status tocha_tensor_resize(tocha_tensor *t, int ndim, const int64_t *size) {
  int64_t n;
  tocha_status st = tocha_shape_count(ndim, size, 1, &n);
  if (st) return st;
  /* Torch7's rule: the right sizes already -> nothing changes, so a view
   * (transposed, narrowed, strided) stays the view it is. */
  if (t->ndim == ndim && (ndim == 0 || (t->storage && memcmp(t->size, size, sizeof *size * (size_t)ndim) == 0)))
    return TOCHA_OK;
  if (ndim == 0) {
    tocha_tensor_release(t);
    return TOCHA_OK;
  }
  if (!t->storage || t->storage->size - t->offset < n) {
    tocha_storage *s = tocha_storage_new(t->dtype, n);
    if (!s) return tocha_last_error()->status;
    tocha_storage_release(t->storage);
    t->storage = s;
    t->offset = 0;
  }
  set_contiguous_geometry(t, ndim, size);
  return TOCHA_OK;
}

tocha_status tocha_tensor_resize_as(tocha_tensor *t, const tocha_tensor *like) {
  return tocha_tensor_resize(t, like->ndim, like->size);
}

void tocha_tensor_set(tocha_tensor *out, const tocha_tensor *src) {
  assign_view(out, src);
}

tocha_status tocha_tensor_set_storage(tocha_tensor *out, tocha_storage *storage, int64_t offset, int ndim,
                                      const int64_t *size, const int64_t *stride) {
  int64_t n;
  tocha_status st = tocha_shape_count(ndim, size, 3, &n);
  if (st) return st;
  if (!storage)
    return tocha_fail(TOCHA_EARG, 1, "storage is NULL");
  if (storage->dtype != out->dtype)
    return tocha_fail(TOCHA_ETYPE, 1, "storage holds %s elements, tensor is %s",
                      tocha_dtype_name(storage->dtype), tocha_dtype_name(out->dtype));
  tocha_tensor view;
  tocha_tensor_init(&view, out->dtype);
  view.storage = storage;
  view.offset = offset;
  if (!stride) {
    set_contiguous_geometry(&view, ndim, size);
  } else {
    view.ndim = ndim;
    for (int d = 0; d < ndim; d++) {
      view.size[d] = size[d];
      view.stride[d] = stride[d];
    }
  }
  /* Offset in range, strides >= 0, the furthest element inside the storage. */
  st = tocha_check_extent(offset, ndim, view.size, view.stride, storage->size, 2, 3, 4);
  if (st) return st;
  assign_view(out, &view);
  return TOCHA_OK;
}

static int64_t element_offset(const tocha_tensor *t, const int64_t *index) {
  int64_t off = t->offset;
  for (int d = 0; d < t->ndim; d++) off += index[d] * t->stride[d];
  return off;
}

static tocha_status check_index(const tocha_tensor *t, const int64_t *index) {
  if (t->ndim == 0)
    return tocha_fail(TOCHA_EARG, 1, "tensor is empty");
  for (int d = 0; d < t->ndim; d++)
    if (index[d] < 0 || index[d] >= t->size[d])
      return tocha_fail(TOCHA_EARG, 2, "index %lld out of range for dimension %d of size %lld",
                        (long long)index[d] + 1, d + 1, (long long)t->size[d]);
  return TOCHA_OK;
}

tocha_status tocha_tensor_get(const tocha_tensor *t, const int64_t *index, double *value) {
  tocha_status st = check_index(t, index);
  if (st) return st;
  int64_t off = element_offset(t, index);
  void *data = t->storage->data;
  switch (t->dtype) {
    case TOCHA_FLOAT: *value = ((float *)data)[off]; break;
    case TOCHA_DOUBLE: *value = ((double *)data)[off]; break;
    case TOCHA_LONG: *value = (double)((int64_t *)data)[off]; break;
    case TOCHA_BYTE: *value = ((uint8_t *)data)[off]; break;
    case TOCHA_INT: *value = ((int32_t *)data)[off]; break;
    case TOCHA_SHORT: *value = ((int16_t *)data)[off]; break;
    case TOCHA_CHAR: *value = ((int8_t *)data)[off]; break;
    default: return tocha_fail(TOCHA_ETYPE, 1, "unknown element type");
  }
  return TOCHA_OK;
}

tocha_status tocha_tensor_put(tocha_tensor *t, const int64_t *index, double value) {
  tocha_status st = check_index(t, index);
  if (st) return st;
  if (tocha_dtype_integer_range(t->dtype, NULL, NULL) && !tocha_fits_int64(value))
    return tocha_fail(TOCHA_EARG, 0, "cannot store %g in a %s tensor", isnan(value) ? NAN : value,
                      tocha_dtype_name(t->dtype));
  int64_t off = element_offset(t, index);
  void *data = t->storage->data;
  switch (t->dtype) {
    case TOCHA_FLOAT: ((float *)data)[off] = (float)value; break;
    case TOCHA_DOUBLE: ((double *)data)[off] = value; break;
    case TOCHA_LONG: ((int64_t *)data)[off] = (int64_t)value; break;
    case TOCHA_BYTE: ((uint8_t *)data)[off] = (uint8_t)(int64_t)value; break;
    case TOCHA_INT: ((int32_t *)data)[off] = (int32_t)(int64_t)value; break;
    case TOCHA_SHORT: ((int16_t *)data)[off] = (int16_t)(int64_t)value; break;
    case TOCHA_CHAR: ((int8_t *)data)[off] = (int8_t)(int64_t)value; break;
    default: return tocha_fail(TOCHA_ETYPE, 1, "unknown element type");
  }
  return TOCHA_OK;
}

/* ---- views ---------------------------------------------------------- */

static tocha_status check_dim(const tocha_tensor *t, int dim, int arg) {
  if (t->ndim == 0)
    return tocha_fail(TOCHA_EARG, arg, "dimension %d out of range (tensor is empty)", dim + 1);
  if (dim < 0 || dim >= t->ndim)
    return tocha_fail(TOCHA_EARG, arg, "dimension %d out of range for a %dD tensor", dim + 1, t->ndim);
  return TOCHA_OK;
}

tocha_status tocha_narrow(tocha_tensor *out, const tocha_tensor *src, int dim, int64_t first, int64_t length) {
  tocha_status st = check_dim(src, dim, 2);
  if (st) return st;
  if (first < 0 || first >= src->size[dim] + (src->size[dim] == 0))
    return tocha_fail(TOCHA_EARG, 3, "index %lld out of range for dimension %d of size %lld",
                      (long long)first + 1, dim + 1, (long long)src->size[dim]);
  /* first is in 0..size: size - first cannot wrap, first + length could. */
  if (length < 0 || length > src->size[dim] - first)
    return tocha_fail(TOCHA_EARG, 4, "length %lld from index %lld exceeds dimension %d of size %lld",
                      (long long)length, (long long)first + 1, dim + 1, (long long)src->size[dim]);
  tocha_tensor view = *src;
  if (!tocha_offset_ok(src->offset, first, src->stride[dim], &view.offset))
    return tocha_fail(TOCHA_EOVERFLOW, 3, "offset of index %lld overflows", (long long)first + 1);
  view.size[dim] = length;
  assign_view(out, &view);
  return TOCHA_OK;
}

tocha_status tocha_select(tocha_tensor *out, const tocha_tensor *src, int dim, int64_t index) {
  tocha_status st = check_dim(src, dim, 2);
  if (st) return st;
  if (src->ndim == 1)
    return tocha_fail(TOCHA_EARG, 2, "cannot select on a 1D tensor (it would have no dimension left)");
  if (index < 0 || index >= src->size[dim])
    return tocha_fail(TOCHA_EARG, 3, "index %lld out of range for dimension %d of size %lld",
                      (long long)index + 1, dim + 1, (long long)src->size[dim]);
  tocha_tensor view = *src;
  if (!tocha_offset_ok(src->offset, index, src->stride[dim], &view.offset))
    return tocha_fail(TOCHA_EOVERFLOW, 3, "offset of index %lld overflows", (long long)index + 1);
  for (int d = dim; d < src->ndim - 1; d++) {
    view.size[d] = src->size[d + 1];
    view.stride[d] = src->stride[d + 1];
  }
  view.ndim--;
  assign_view(out, &view);
  return TOCHA_OK;
}

tocha_status tocha_transpose(tocha_tensor *out, const tocha_tensor *src, int dim1, int dim2) {
  tocha_status st = check_dim(src, dim1, 2);
  if (!st) st = check_dim(src, dim2, 3);
  if (st) return st;
  tocha_tensor view = *src;
  view.size[dim1] = src->size[dim2];
  view.stride[dim1] = src->stride[dim2];
  view.size[dim2] = src->size[dim1];
  view.stride[dim2] = src->stride[dim1];
  assign_view(out, &view);
  return TOCHA_OK;
}

tocha_status tocha_unfold(tocha_tensor *out, const tocha_tensor *src, int dim, int64_t size, int64_t step) {
  tocha_status st = check_dim(src, dim, 2);
  if (st) return st;
  if (src->ndim == TOCHA_MAX_DIMS)
    return tocha_fail(TOCHA_EARG, 1, "tensor already has the maximum of %d dimensions", TOCHA_MAX_DIMS);
  if (size < 1 || size > src->size[dim])
    return tocha_fail(TOCHA_EARG, 3, "slice size %lld out of range for dimension %d of size %lld",
                      (long long)size, dim + 1, (long long)src->size[dim]);
  if (step < 1)
    return tocha_fail(TOCHA_EARG, 4, "step must be >= 1, got %lld", (long long)step);
  tocha_tensor view = *src;
  view.size[dim] = (src->size[dim] - size) / step + 1;
  /* A step longer than the dimension leaves one slice: its stride is never
   * multiplied by an index above 0, so an overflowing stride * step is
   * replaced by the dimension's own stride. */
  if (!tocha_mul_ok(src->stride[dim], step, &view.stride[dim])) {
    if (view.size[dim] != 1) return tocha_fail(TOCHA_EOVERFLOW, 4, "stride times step %lld overflows", (long long)step);
    view.stride[dim] = src->stride[dim];
  }
  view.size[src->ndim] = size;
  view.stride[src->ndim] = src->stride[dim];
  view.ndim++;
  assign_view(out, &view);
  return TOCHA_OK;
}

tocha_status tocha_expand(tocha_tensor *out, const tocha_tensor *src, int ndim, const int64_t *size) {
  int64_t n;
  tocha_status st = tocha_shape_count(ndim, size, 2, &n);
  if (st) return st;
  if (src->ndim == 0)
    return tocha_fail(TOCHA_EARG, 1, "cannot expand an empty tensor");
  if (ndim < src->ndim)
    return tocha_fail(TOCHA_ESIZE, 2, "expected at least %d sizes to expand a %dD tensor, got %d", src->ndim,
                      src->ndim, ndim);
  tocha_tensor view = *src;
  int lead = ndim - src->ndim;
  view.ndim = ndim;
  for (int d = ndim - 1; d >= 0; d--) {
    int sd = d - lead;
    if (sd < 0) {
      view.size[d] = size[d];
      view.stride[d] = 0;
    } else if (src->size[sd] == size[d]) {
      view.size[d] = size[d];
      view.stride[d] = src->stride[sd];
    } else if (src->size[sd] == 1) {
      view.size[d] = size[d];
      view.stride[d] = 0;
    } else {
      char shape[128];
      tocha_tensor_shape_string(src, shape, sizeof shape);
      return tocha_fail(TOCHA_ESIZE, 2,
                        "cannot expand dimension %d of size %lld to %lld (tensor of size %s; only size-1 "
                        "dimensions expand)",
                        sd + 1, (long long)src->size[sd], (long long)size[d], shape);
    }
  }
  assign_view(out, &view);
  return TOCHA_OK;
}

tocha_status tocha_squeeze(tocha_tensor *out, const tocha_tensor *src) {
  tocha_tensor view = *src;
  int nd = 0;
  for (int d = 0; d < src->ndim; d++) {
    if (src->size[d] != 1) {
      view.size[nd] = src->size[d];
      view.stride[nd] = src->stride[d];
      nd++;
    }
  }
  /* Torch7 has no 0-dim tensors: a single element stays 1D. */
  if (nd == 0 && src->ndim > 0) {
    view.size[0] = 1;
    view.stride[0] = 1;
    nd = 1;
  }
  view.ndim = nd;
  assign_view(out, &view);
  return TOCHA_OK;
}

tocha_status tocha_squeeze_dim(tocha_tensor *out, const tocha_tensor *src, int dim) {
  tocha_status st = check_dim(src, dim, 2);
  if (st) return st;
  tocha_tensor view = *src;
  if (src->size[dim] == 1 && src->ndim > 1) {
    for (int d = dim; d < src->ndim - 1; d++) {
      view.size[d] = src->size[d + 1];
      view.stride[d] = src->stride[d + 1];
    }
    view.ndim--;
  }
  assign_view(out, &view);
  return TOCHA_OK;
}

tocha_status tocha_unsqueeze(tocha_tensor *out, const tocha_tensor *src, int dim) {
  if (src->ndim == 0)
    return tocha_fail(TOCHA_EARG, 1, "cannot unsqueeze an empty tensor");
  if (src->ndim == TOCHA_MAX_DIMS)
    return tocha_fail(TOCHA_EARG, 1, "tensor already has the maximum of %d dimensions", TOCHA_MAX_DIMS);
  if (dim < 0 || dim > src->ndim)
    return tocha_fail(TOCHA_EARG, 2, "dimension %d out of range for unsqueezing a %dD tensor (1 to %d)", dim + 1,
                      src->ndim, src->ndim + 1);
  tocha_tensor view = *src;
  for (int d = src->ndim; d > dim; d--) {
    view.size[d] = src->size[d - 1];
    view.stride[d] = src->stride[d - 1];
  }
  view.size[dim] = 1;
  /* A size-1 dimension's stride is never multiplied by an index above 0. */
  if (dim >= src->ndim || !tocha_mul_ok(src->size[dim], src->stride[dim], &view.stride[dim])) view.stride[dim] = 1;
  view.ndim++;
  assign_view(out, &view);
  return TOCHA_OK;
}

tocha_status tocha_view(tocha_tensor *out, const tocha_tensor *src, int ndim, const int64_t *size) {
  if (ndim < 1 || ndim > TOCHA_MAX_DIMS)
    return tocha_fail(TOCHA_EARG, 2, "expected 1 to %d sizes, got %d", TOCHA_MAX_DIMS, ndim);
  int64_t shape[TOCHA_MAX_DIMS], known = 1, extent = 1, total = tocha_tensor_nelement(src);
  int inferred = -1;
  for (int d = 0; d < ndim; d++) {
    shape[d] = size[d];
    if (size[d] == -1) {
      if (inferred >= 0)
        return tocha_fail(TOCHA_EARG, 2, "only one size may be -1, got -1 at dimensions %d and %d", inferred + 1,
                          d + 1);
      inferred = d;
    } else if (size[d] < 0) {
      return tocha_fail(TOCHA_EARG, 2, "size of dimension %d must be >= 0 or -1, got %lld", d + 1,
                        (long long)size[d]);
    } else if (size[d] == 0) {
      known = 0;
    } else if (!tocha_mul_ok(extent, size[d], &extent) || extent > TOCHA_SIZE_LIMIT) {
      /* also with a zero size: contiguous strides are products of the others */
      return tocha_fail(TOCHA_EOVERFLOW, 2, "shape has too many elements (overflow at dimension %d)", d + 1);
    } else if (known) {
      known = extent;
    }
  }
  char shape_str[128]; /* for messages only */
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return tocha_tensor_shape_string(src, shape_str, sizeof shape_str), tocha_fail(TOCHA_ESIZE, 2, "cannot infer size -1: %lld elements (size %s) do not divide by %lld",
                        (long long)total, shape_str, (long long)known);
    shape[inferred] = total / known;
    known = total;
  }
  if (known != total)
    return tocha_tensor_shape_string(src, shape_str, sizeof shape_str),
           tocha_fail(TOCHA_ESIZE, 2, "view of %lld elements requested from a tensor of %lld elements (size %s)",
                      (long long)known, (long long)total, shape_str);
  if (!tocha_tensor_is_contiguous(src))
    return tocha_fail(TOCHA_EARG, 1, "tensor is not contiguous (call :contiguous() first)");
  if (total == 0 && !src->storage) {
    /* An empty source views as an empty tensor of the requested zero-size shape. */
    tocha_tensor_release(out);
    out->dtype = src->dtype;
    return tocha_tensor_resize(out, ndim, shape);
  }
  tocha_tensor view = *src;
  set_contiguous_geometry(&view, ndim, shape);
  assign_view(out, &view);
  return TOCHA_OK;
}
