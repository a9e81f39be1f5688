/*
 * conv2 / xcorr2 / conv3 / xcorr3 of tensors (see src/tocha_conv.h).
 *
 * x and k are copied into contiguous Double arrays (k flipped for a
 * convolution), the result is accumulated in a Double array and copied
 * into `out` at the end, so out may alias the inputs and Float results
 * are the rounded double sums.
 */
#include "../tocha.h"

/* Adds the cross-correlation of one plane x (X[3]) with one kernel plane
 * k (K[3]) to the output plane o (O[3]); off[d] = 0 (valid) or K[d] - 1
 * (full).  Kernel element by kernel element, each adding a scaled stretch
 * of an input row to an output row (a loop the compiler vectorises);
 * terms that fall outside x are skipped. */
static void xcorr_add(double *o, const int64_t O[3], const double *x, const int64_t X[3], const double *k,
                      const int64_t K[3], const int64_t off[3]) {
  for (int64_t i = 0; i < O[0]; i++)
    for (int64_t a = 0; a < K[0]; a++) {
      int64_t xi = i - off[0] + a;
      if (xi < 0 || xi >= X[0]) continue;
      for (int64_t j = 0; j < O[1]; j++)
        for (int64_t b = 0; b < K[1]; b++) {
          int64_t xj = j - off[1] + b;
          if (xj < 0 || xj >= X[1]) continue;
          const double *xr = x + (xi * X[1] + xj) * X[2];
          const double *kr = k + (a * K[1] + b) * K[2];
          double *orow = o + (i * O[1] + j) * O[2];
          for (int64_t c = 0; c < K[2]; c++) {
            /* output l reads input l - off + c, which must lie in [0, X) */
            int64_t lo = off[2] - c > 0 ? off[2] - c : 0, hi = X[2] - 1 + off[2] - c;
            if (hi > O[2] - 1) hi = O[2] - 1;
            const double kv = kr[c];
            const int64_t shift = c - off[2];
            for (int64_t l = lo; l <= hi; l++) orow[l] += xr[l + shift] * kv;
          }
        }
    }
}

tocha_status tocha_conv(tocha_tensor *out, const tocha_tensor *x, const tocha_tensor *k, int nd, char mode,
                        int convolution) {
  const char *fn = nd == 2 ? (convolution ? "conv2" : "xcorr2") : (convolution ? "conv3" : "xcorr3");
  if (nd != 2 && nd != 3) return tocha_fail(TOCHA_EARG, 0, "convolutions have 2 or 3 dimensions, got %d", nd);
  if (x->dtype != TOCHA_FLOAT && x->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, 1, "%s: expected a Float or Double tensor, got a %s tensor", fn,
                      tocha_dtype_name(x->dtype));
  if (k->dtype != x->dtype)
    return tocha_fail(TOCHA_ETYPE, 2, "%s: the kernel must be a %s tensor like the input, got a %s tensor", fn,
                      tocha_dtype_name(x->dtype), tocha_dtype_name(k->dtype));
  if (out->dtype != x->dtype)
    return tocha_fail(TOCHA_ETYPE, 0, "%s: the result must be a %s tensor like the input, got a %s tensor", fn,
                      tocha_dtype_name(x->dtype), tocha_dtype_name(out->dtype));
  if (mode != 'V' && mode != 'F') {
    if (mode >= 32 && mode < 127)
      return tocha_fail(TOCHA_EARG, 3, "%s: mode must be 'V' (valid) or 'F' (full), got '%c'", fn, mode);
    return tocha_fail(TOCHA_EARG, 3, "%s: mode must be 'V' (valid) or 'F' (full)", fn);
  }
  /* planes of x (P), kernels (nout x nin) */
  int64_t P, nout, nin;
  int cmul = 0;
  if (x->ndim == nd && k->ndim == nd) {
    P = nin = nout = 1;
  } else if (x->ndim == nd + 1 && k->ndim == nd + 1) {
    P = x->size[0];
    if (k->size[0] != P)
      return tocha_fail(TOCHA_ESIZE, 2, "%s: %lld input planes but %lld kernel planes", fn, (long long)P,
                        (long long)k->size[0]);
    nout = P;
    nin = 1;
    cmul = 1;
  } else if (x->ndim == nd + 1 && k->ndim == nd + 2) {
    P = nin = x->size[0];
    nout = k->size[0];
    if (k->size[1] != nin)
      return tocha_fail(TOCHA_ESIZE, 2, "%s: the kernel (%lldx%lld...) expects %lld input planes, the input has %lld",
                        fn, (long long)k->size[0], (long long)k->size[1], (long long)k->size[1], (long long)nin);
  } else {
    return tocha_fail(TOCHA_ESIZE, 2,
                      "%s: expected an input of %d or %d dimensions with a kernel of %d, %d or %d dimensions "
                      "(%dD/%dD, %dD/%dD or %dD/%dD), got %dD and %dD",
                      fn, nd, nd + 1, nd, nd + 1, nd + 2, nd, nd, nd + 1, nd + 1, nd + 1, nd + 2, x->ndim, k->ndim);
  }
  int64_t X[3] = {1, 1, 1}, K[3] = {1, 1, 1}, O[3] = {1, 1, 1}, off[3] = {0, 0, 0};
  for (int d = 0; d < nd; d++) {
    int64_t xs = x->size[x->ndim - nd + d], ks = k->size[k->ndim - nd + d];
    X[3 - nd + d] = xs;
    K[3 - nd + d] = ks;
    if (ks == 0) return tocha_fail(TOCHA_ESIZE, 2, "%s: the kernel is empty", fn);
    if (mode == 'V') {
      if (xs < ks)
        return tocha_fail(TOCHA_ESIZE, 1,
                          "%s: in valid mode the input must be at least as large as the kernel (dimension %d: %lld "
                          "< %lld)",
                          fn, d + 1, (long long)xs, (long long)ks);
      O[3 - nd + d] = xs - ks + 1;
    } else {
      O[3 - nd + d] = xs == 0 ? 0 : xs + ks - 1;
      off[3 - nd + d] = ks - 1;
    }
  }
  int64_t osize[TOCHA_MAX_DIMS];
  int ondim = 0;
  if (x->ndim == nd + 1) osize[ondim++] = nout;
  for (int d = 0; d < nd; d++) osize[ondim++] = O[3 - nd + d];

  tocha_tensor xd, kd, od;
  tocha_tensor_init(&xd, TOCHA_DOUBLE);
  tocha_tensor_init(&kd, TOCHA_DOUBLE);
  tocha_tensor_init(&od, TOCHA_DOUBLE);
  tocha_status st = tocha_clone(&xd, x, TOCHA_DOUBLE);
  if (!st) st = tocha_clone(&kd, k, TOCHA_DOUBLE);
  if (!st) st = tocha_tensor_new(&od, TOCHA_DOUBLE, ondim, osize);
  if (!st) {
    const int64_t xplane = X[0] * X[1] * X[2], kplane = K[0] * K[1] * K[2], oplane = O[0] * O[1] * O[2];
    double *xp = tocha_tensor_data(&xd), *kp = tocha_tensor_data(&kd), *op = tocha_tensor_data(&od);
    if (convolution && kp) { /* flip every kernel plane (reverse its elements) */
      for (int64_t p = 0; p < nout * nin; p++) {
        double *q = kp + p * kplane;
        for (int64_t a = 0, b = kplane - 1; a < b; a++, b--) {
          double t = q[a];
          q[a] = q[b];
          q[b] = t;
        }
      }
    }
    if (oplane > 0 && xp && kp) {
      for (int64_t o = 0; o < nout; o++)
        for (int64_t i = 0; i < nin; i++) {
          int64_t plane = cmul ? o : i;
          xcorr_add(op + o * oplane, O, xp + plane * xplane, X, kp + (o * nin + i) * kplane, K, off);
        }
    }
    st = tocha_tensor_resize_as(out, &od);
    if (!st && tocha_tensor_nelement(&od) > 0) st = tocha_copy(out, &od);
  }
  tocha_tensor_release(&xd);
  tocha_tensor_release(&kd);
  tocha_tensor_release(&od);
  (void)P;
  return st;
}
