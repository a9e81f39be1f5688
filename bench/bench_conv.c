/*
 * bench_conv: tocha_conv (what torch.conv2 runs) against a plain C loop
 * doing the same valid 2-D convolution in double, in the same process.
 *
 *   bench_conv [image] [kernel] [repetitions]   (default 512, 9, 5)
 *
 * float64 image x (image x image) and kernel k (kernel x kernel), values
 * in [-1, 1); 'V' mode.  The plain loop is the textbook four nested loops
 * over contiguous arrays (kernel flipped on the fly).  Each case checks
 * first that both agree (to 1e-12), then reports the medians; the calls
 * alternate.  Output: markdown table rows prefixed "ROW ".
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tocha.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void plain_conv2(double *o, const double *x, const double *k, int64_t n, int64_t m) {
  int64_t on = n - m + 1;
  for (int64_t i = 0; i < on; i++)
    for (int64_t j = 0; j < on; j++) {
      double s = 0;
      for (int64_t a = 0; a < m; a++)
        for (int64_t b = 0; b < m; b++) s += x[(i + a) * n + j + b] * k[(m - 1 - a) * m + (m - 1 - b)];
      o[i * on + j] = s;
    }
}

int main(int argc, char **argv) {
  int64_t n = argc > 1 ? atoll(argv[1]) : 512, m = argc > 2 ? atoll(argv[2]) : 9;
  int reps = argc > 3 ? atoi(argv[3]) : 5;
  if (n < 1 || m < 1 || m > n || reps < 1 || reps > 1000) {
    fprintf(stderr, "bench_conv: bad arguments\n");
    return 2;
  }
  tocha_tensor x, k, out;
  tocha_tensor_init(&x, TOCHA_DOUBLE);
  tocha_tensor_init(&k, TOCHA_DOUBLE);
  tocha_tensor_init(&out, TOCHA_DOUBLE);
  tocha_rng g;
  tocha_rng_seed(&g, 7);
  if (tocha_tensor_new(&x, TOCHA_DOUBLE, 2, (int64_t[]){n, n}) || tocha_tensor_new(&k, TOCHA_DOUBLE, 2, (int64_t[]){m, m}) ||
      tocha_uniform(&g, &x, -1, 1) || tocha_uniform(&g, &k, -1, 1)) {
    fprintf(stderr, "bench_conv: %s\n", tocha_last_error()->message);
    return 1;
  }
  int64_t on = n - m + 1;
  double *plain = malloc(sizeof *plain * (size_t)(on * on)), *tt = malloc(sizeof *tt * (size_t)reps),
         *tp = malloc(sizeof *tp * (size_t)reps);
  if (!plain || !tt || !tp) return 1;
  const double *xd = tocha_tensor_data(&x), *kd = tocha_tensor_data(&k);
  /* agreement */
  if (tocha_conv(&out, &x, &k, 2, 'V', 1)) {
    fprintf(stderr, "bench_conv: %s\n", tocha_last_error()->message);
    return 1;
  }
  plain_conv2(plain, xd, kd, n, m);
  const double *od = tocha_tensor_data(&out);
  for (int64_t i = 0; i < on * on; i++)
    if (fabs(od[i] - plain[i]) > 1e-12) {
      fprintf(stderr, "bench_conv: results differ at %lld\n", (long long)i);
      return 1;
    }
  for (int r = 0; r < reps; r++) {
    for (int which = 0; which < 2; which++) {
      int tocha_first = (r + which) % 2 == 0;
      double t0 = now();
      if (tocha_first)
        tocha_conv(&out, &x, &k, 2, 'V', 1);
      else
        plain_conv2(plain, xd, kd, n, m);
      double dt = now() - t0;
      if (tocha_first) tt[r] = dt; else tp[r] = dt;
    }
  }
  double mt = median(tt, reps), mp = median(tp, reps);
  printf("ROW | conv2 'V' %lldx%lld * %lldx%lld (float64) | %.2f | %.2f | %.2f |\n", (long long)n, (long long)n,
         (long long)m, (long long)m, mt * 1e3, mp * 1e3, mt / mp);
  free(plain);
  free(tt);
  free(tp);
  tocha_tensor_release(&x);
  tocha_tensor_release(&k);
  tocha_tensor_release(&out);
  return 0;
}
