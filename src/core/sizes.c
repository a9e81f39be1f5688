/* Overflow-safe size, stride, offset and extent arithmetic (sizes.h). */
#include <stdio.h>

#include "sizes.h"

tocha_status tocha_shape_count(int ndim, const int64_t *size, int arg, int64_t *count) {
  if (ndim < 0 || ndim > TOCHA_MAX_DIMS)
    return tocha_fail(TOCHA_EARG, arg, "expected 0 to %d dimensions, got %d", TOCHA_MAX_DIMS, ndim);
  int64_t extent = 1, n = ndim ? 1 : 0;
  for (int d = 0; d < ndim; d++) {
    if (size[d] < 0)
      return tocha_fail(TOCHA_EARG, arg, "size of dimension %d must be >= 0, got %lld", d + 1, (long long)size[d]);
    if (size[d] == 0) {
      n = 0;
      continue;
    }
    if (!tocha_mul_ok(extent, size[d], &extent) || extent > TOCHA_SIZE_LIMIT)
      return tocha_fail(TOCHA_EOVERFLOW, arg, "shape has too many elements (overflow at dimension %d)", d + 1);
    if (n) n = extent;
  }
  *count = n;
  return TOCHA_OK;
}

tocha_status tocha_check_extent(int64_t offset, int ndim, const int64_t *size, const int64_t *stride,
                                int64_t storage_size, int offset_arg, int shape_arg, int stride_arg) {
  if (offset < 0 || offset > storage_size) {
    /* 1-based, as every message; INT64_MAX + 1 printed without overflow */
    char given[32];
    if (offset >= 0)
      snprintf(given, sizeof given, "%llu", (unsigned long long)offset + 1);
    else
      snprintf(given, sizeof given, "%lld", (long long)offset + 1);
    return tocha_fail(TOCHA_EARG, offset_arg, "storage offset %s out of range 1..%lld (a storage of %lld elements)",
                      given, (long long)storage_size + 1, (long long)storage_size);
  }
  int empty = ndim == 0;
  for (int d = 0; d < ndim; d++) {
    if (stride[d] < 0)
      return tocha_fail(TOCHA_EARG, stride_arg, "stride of dimension %d must be >= 0, got %lld", d + 1,
                        (long long)stride[d]);
    if (size[d] == 0) empty = 1;
  }
  if (empty) return TOCHA_OK;
  int64_t last = offset;
  for (int d = 0; d < ndim; d++) {
    int64_t reach;
    if (!tocha_mul_ok(size[d] - 1, stride[d], &reach) || !tocha_add_ok(last, reach, &last) || last >= storage_size)
      return tocha_fail(TOCHA_EARG, shape_arg,
                        "geometry reaches beyond a storage of %lld elements (dimension %d of size %lld, stride %lld, "
                        "from offset %lld)",
                        (long long)storage_size, d + 1, (long long)size[d], (long long)stride[d], (long long)offset);
  }
  return TOCHA_OK;
}
