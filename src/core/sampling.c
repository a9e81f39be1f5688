/*
 * Sampling categories: multinomial (with and without replacement) and
 * Walker's alias method (see src/tocha_random.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../tocha.h"

static double u53(uint32_t lo, uint32_t hi) { return (double)(((uint64_t)lo | (uint64_t)hi << 32) >> 11) * 0x1p-53; }

/* Reads a 1-D or 2-D probability tensor into a row-major double array
 * (rows x K), checking the values; NULL (error recorded) on failure. */
static double *read_probs(const char *fn, const tocha_tensor *prob, int64_t *rows, int64_t *K) {
  if (prob->dtype != TOCHA_FLOAT && prob->dtype != TOCHA_DOUBLE) {
    tocha_fail(TOCHA_ETYPE, 1, "%s: probabilities must be a Float or Double tensor, got a %s tensor", fn,
               tocha_dtype_name(prob->dtype));
    return NULL;
  }
  if (prob->ndim != 1 && prob->ndim != 2) {
    tocha_fail(TOCHA_ESIZE, 1, "%s: probabilities must be a vector or a matrix, got %d dimensions", fn, prob->ndim);
    return NULL;
  }
  *rows = prob->ndim == 2 ? prob->size[0] : 1;
  *K = prob->size[prob->ndim - 1];
  if (*K == 0) {
    tocha_fail(TOCHA_ESIZE, 1, "%s: there are no categories (0 probabilities)", fn);
    return NULL;
  }
  int64_t total = *rows * *K;
  double *p = malloc(sizeof *p * (size_t)(total > 0 ? total : 1));
  if (!p) {
    tocha_fail(TOCHA_ENOMEM, 0, "%s: not enough memory", fn);
    return NULL;
  }
  tocha_tensor view;
  tocha_storage s = {p, total, TOCHA_DOUBLE, 1};
  tocha_tensor_init(&view, TOCHA_DOUBLE);
  view.storage = &s;
  view.ndim = prob->ndim;
  for (int d = 0; d < prob->ndim; d++) view.size[d] = prob->size[d];
  view.stride[view.ndim - 1] = 1;
  if (view.ndim == 2) view.stride[0] = *K;
  if (total > 0 && tocha_copy(&view, prob)) {
    free(p);
    return NULL;
  }
  for (int64_t r = 0; r < *rows; r++) {
    double sum = 0;
    for (int64_t c = 0; c < *K; c++) {
      double v = p[r * *K + c];
      if (!(v >= 0) || !isfinite(v)) {
        tocha_fail(TOCHA_EARG, 1, "%s: probabilities must be finite and >= 0, got %g (row %lld, category %lld)", fn,
                   v, (long long)r + 1, (long long)c + 1);
        free(p);
        return NULL;
      }
      sum += v;
    }
    if (!(sum > 0) || !isfinite(sum)) {
      tocha_fail(TOCHA_EARG, 1, "%s: the probabilities of row %lld sum to %g, not a positive number", fn,
                 (long long)r + 1, sum);
      free(p);
      return NULL;
    }
  }
  return p;
}

/* The category of u in [0, 1) for the row p (K weights, total `sum`):
 * the first c whose running sum exceeds u * sum (zero weights never
 * chosen); the last positive category when rounding leaves none. */
static int64_t pick(const double *p, int64_t K, double sum, double u) {
  double target = u * sum, run = 0;
  int64_t last = -1;
  for (int64_t c = 0; c < K; c++) {
    if (p[c] <= 0) continue;
    run += p[c];
    last = c;
    if (target < run) return c;
  }
  return last;
}

tocha_status tocha_multinomial(tocha_rng *g, tocha_tensor *out, const tocha_tensor *prob, int64_t n,
                               int replacement) {
  const char *fn = "multinomial";
  if (out->dtype != TOCHA_LONG)
    return tocha_fail(TOCHA_ETYPE, 0, "%s: the result must be a Long tensor, got a %s tensor", fn,
                      tocha_dtype_name(out->dtype));
  if (n < 0) return tocha_fail(TOCHA_EARG, 2, "%s: the number of samples must be >= 0, got %lld", fn, (long long)n);
  int64_t rows, K;
  double *p = read_probs(fn, prob, &rows, &K);
  if (!p) return tocha_last_error()->status;
  if (!replacement) {
    for (int64_t r = 0; r < rows; r++) {
      int64_t positive = 0;
      for (int64_t c = 0; c < K; c++) positive += p[r * K + c] > 0;
      if (n > positive) {
        free(p);
        return tocha_fail(TOCHA_EARG, 2,
                          "%s: cannot draw %lld samples without replacement from %lld categories of non-zero "
                          "probability (row %lld)",
                          fn, (long long)n, (long long)positive, (long long)r + 1);
      }
    }
  }
  if (rows > 0 && n > INT64_MAX / rows) {
    free(p);
    return tocha_fail(TOCHA_EOVERFLOW, 2, "%s: too many samples", fn);
  }
  tocha_tensor res;
  tocha_tensor_init(&res, TOCHA_LONG);
  int64_t shape[2] = {rows, n};
  tocha_status st = prob->ndim == 2 ? tocha_tensor_new(&res, TOCHA_LONG, 2, shape)
                                    : tocha_tensor_new(&res, TOCHA_LONG, 1, &n);
  if (st) {
    free(p);
    return st;
  }
  int64_t *o = tocha_tensor_data(&res);
  const uint64_t offset = g->offset;
  uint32_t x[4];
  for (int64_t r = 0; r < rows; r++) {
    double *row = p + r * K, sum = 0;
    for (int64_t c = 0; c < K; c++) sum += row[c];
    for (int64_t j = 0; j < n; j++) {
      uint64_t block = offset + (uint64_t)(r * n + j);
      tocha_philox4x32_batch(g->seed, block, 1, x);
      int64_t c = pick(row, K, sum, u53(x[0], x[1]));
      o[r * n + j] = c;
      if (!replacement) {
        row[c] = 0;
        sum = 0;
        for (int64_t l = 0; l < K; l++) sum += row[l];
      }
    }
  }
  free(p);
  g->offset = offset + (uint64_t)(rows * n);
  st = tocha_tensor_resize_as(out, &res);
  if (!st && tocha_tensor_nelement(&res) > 0) st = tocha_copy(out, &res);
  tocha_tensor_release(&res);
  return st;
}

tocha_status tocha_multinomial_alias_setup(tocha_tensor *J, tocha_tensor *q, const tocha_tensor *probs) {
  const char *fn = "multinomialAliasSetup";
  if (J->dtype != TOCHA_LONG)
    return tocha_fail(TOCHA_ETYPE, 0, "%s: the alias table must be a Long tensor, got a %s tensor", fn,
                      tocha_dtype_name(J->dtype));
  if (probs->ndim != 1 && (probs->dtype == TOCHA_FLOAT || probs->dtype == TOCHA_DOUBLE))
    return tocha_fail(TOCHA_ESIZE, 1, "%s: probabilities must be a vector, got %d dimensions", fn, probs->ndim);
  if (q->dtype != probs->dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "%s: the probability table must be a %s tensor like probs, got a %s tensor", fn,
                      tocha_dtype_name(probs->dtype), tocha_dtype_name(q->dtype));
  int64_t rows, K;
  double *p = read_probs(fn, probs, &rows, &K);
  if (!p) return tocha_last_error()->status;
  int64_t *stack = malloc(sizeof *stack * (size_t)K);
  tocha_tensor jt, qt;
  tocha_tensor_init(&jt, TOCHA_LONG);
  tocha_tensor_init(&qt, TOCHA_DOUBLE);
  tocha_status st = !stack ? tocha_fail(TOCHA_ENOMEM, 0, "%s: not enough memory", fn) : TOCHA_OK;
  if (!st) st = tocha_tensor_new(&jt, TOCHA_LONG, 1, &K);
  if (!st) st = tocha_tensor_new(&qt, TOCHA_DOUBLE, 1, &K);
  if (!st) {
    double sum = 0, *qd = tocha_tensor_data(&qt);
    int64_t *jd = tocha_tensor_data(&jt);
    for (int64_t i = 0; i < K; i++) sum += p[i];
    /* small ones from the bottom of `stack`, large ones from the top */
    int64_t nsmall = 0, nlarge = 0;
    for (int64_t i = 0; i < K; i++) {
      qd[i] = p[i] * (double)K / sum;
      jd[i] = i;
      if (qd[i] < 1)
        stack[nsmall++] = i;
      else
        stack[K - 1 - nlarge++] = i;
    }
    while (nsmall > 0 && nlarge > 0) {
      int64_t s = stack[--nsmall], l = stack[K - nlarge];
      jd[s] = l;
      qd[l] -= 1 - qd[s];
      if (qd[l] < 1) {
        nlarge--;
        stack[nsmall++] = l;
      }
    }
    /* what is left is 1 up to rounding */
    for (int64_t i = 0; i < nsmall; i++) qd[stack[i]] = 1;
    for (int64_t i = 0; i < nlarge; i++) qd[stack[K - 1 - i]] = 1;
    st = tocha_tensor_resize_as(J, &jt);
    if (!st) st = tocha_copy(J, &jt);
    if (!st) st = tocha_tensor_resize_as(q, &qt);
    if (!st) st = tocha_copy(q, &qt);
  }
  free(stack);
  free(p);
  tocha_tensor_release(&jt);
  tocha_tensor_release(&qt);
  return st;
}

tocha_status tocha_multinomial_alias_draw(tocha_rng *g, tocha_tensor *out, const tocha_tensor *J,
                                          const tocha_tensor *q) {
  const char *fn = "multinomialAlias";
  if (out->dtype != TOCHA_LONG)
    return tocha_fail(TOCHA_ETYPE, 0, "%s: the result must be a Long tensor, got a %s tensor", fn,
                      tocha_dtype_name(out->dtype));
  if (J->dtype != TOCHA_LONG || J->ndim != 1)
    return tocha_fail(TOCHA_EARG, 1, "%s: the alias table must be a 1-D Long tensor (from multinomialAliasSetup)", fn);
  if ((q->dtype != TOCHA_FLOAT && q->dtype != TOCHA_DOUBLE) || q->ndim != 1 || q->size[0] != J->size[0])
    return tocha_fail(TOCHA_EARG, 2,
                      "%s: the probability table must be a Float or Double vector as long as the alias table", fn);
  int64_t K = J->size[0], n = tocha_tensor_nelement(out);
  if (K == 0) return tocha_fail(TOCHA_EARG, 1, "%s: the tables are empty", fn);
  tocha_tensor jt, qt, res;
  tocha_tensor_init(&jt, TOCHA_LONG);
  tocha_tensor_init(&qt, TOCHA_DOUBLE);
  tocha_tensor_init(&res, TOCHA_LONG);
  tocha_status st = tocha_clone(&jt, J, TOCHA_LONG);
  if (!st) st = tocha_clone(&qt, q, TOCHA_DOUBLE);
  if (!st) {
    const int64_t *jd = tocha_tensor_data(&jt);
    const double *qd = tocha_tensor_data(&qt);
    for (int64_t i = 0; i < K; i++)
      if (jd[i] < 0 || jd[i] >= K || !(qd[i] >= 0 && qd[i] <= 1))
        st = tocha_fail(TOCHA_EARG, jd[i] < 0 || jd[i] >= K ? 1 : 2,
                        "%s: the tables are not from multinomialAliasSetup (entry %lld)", fn, (long long)i + 1);
  }
  if (!st && n > 0) st = tocha_tensor_new(&res, TOCHA_LONG, 1, &n);
  if (!st && n > 0) {
    const int64_t *jd = tocha_tensor_data(&jt);
    const double *qd = tocha_tensor_data(&qt);
    int64_t *o = tocha_tensor_data(&res);
    enum { BATCH = 256 };
    uint32_t x[4 * BATCH];
    const uint64_t offset = g->offset;
    for (int64_t i0 = 0; i0 < n; i0 += BATCH) {
      int64_t m = n - i0 < BATCH ? n - i0 : BATCH;
      tocha_philox4x32_batch(g->seed, offset + (uint64_t)i0, (size_t)m, x);
      for (int64_t i = 0; i < m; i++) {
        const uint32_t *b = x + 4 * i;
        int64_t bin = (int64_t)(u53(b[0], b[1]) * (double)K);
        if (bin >= K) bin = K - 1;
        o[i0 + i] = u53(b[2], b[3]) < qd[bin] ? bin : jd[bin];
      }
    }
    g->offset = offset + (uint64_t)n;
    st = tocha_copy(out, &res);
  }
  tocha_tensor_release(&jt);
  tocha_tensor_release(&qt);
  tocha_tensor_release(&res);
  return st;
}
