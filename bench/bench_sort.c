/*
 * bench_sort: tocha_sort (values and 0-based indices, stable) against the C
 * library's qsort in the same process, on float32 data uniform in [-1, 1).
 *
 *   bench_sort [n] [repetitions]     (default 16777216 elements, 5)
 *
 * Cases, each the median of the repetitions, the calls alternating (which
 * one goes first alternates too):
 *  - one lane of n floats: tocha_sort against qsort of the floats alone
 *    (values only: less work than tocha's) and qsort of (value, position)
 *    pairs ordered by value then position (the same answer as tocha's);
 *  - rows: a (n / 4096) x 4096 matrix sorted along dimension 2, against
 *    qsort of each row's pairs, with tocha on 1 and 2 threads (its rows
 *    are split over its thread pool; a single lane runs on one thread).
 * Before timing, each case checks that tocha and qsort agree.  Output:
 * markdown table rows prefixed "ROW ".
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void die(const char *what) {
  fprintf(stderr, "bench_sort: %s: %s\n", what, tocha_last_error()->message);
  exit(1);
}

static int cmp_float(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

typedef struct pair {
  float v;
  int64_t i;
} pair;

static int cmp_pair(const void *a, const void *b) {
  const pair *p = a, *q = b;
  if (p->v != q->v) return p->v < q->v ? -1 : 1;
  return (p->i > q->i) - (p->i < q->i);
}

static void qsort_pairs(pair *pairs, const float *data, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; r++) {
    pair *p = pairs + r * cols;
    for (int64_t j = 0; j < cols; j++) p[j] = (pair){data[r * cols + j], j};
    qsort(p, (size_t)cols, sizeof *p, cmp_pair);
  }
}

static void check(const tocha_tensor *v, const tocha_tensor *ix, const pair *pairs, int64_t n) {
  const float *vd = tocha_tensor_data(v);
  const int64_t *id = tocha_tensor_data(ix);
  for (int64_t k = 0; k < n; k++)
    if (vd[k] != pairs[k].v || id[k] != pairs[k].i) {
      fprintf(stderr, "bench_sort: tocha and qsort differ at %lld\n", (long long)k);
      exit(1);
    }
}

int main(int argc, char **argv) {
  int64_t n = argc > 1 ? atoll(argv[1]) : 16777216;
  int reps = argc > 2 ? atoi(argv[2]) : 5;
  const int64_t cols = 4096;
  if (n < cols || n % cols || reps < 1 || reps > 99) {
    fprintf(stderr, "usage: bench_sort [n (a multiple of 4096)] [repetitions 1..99]\n");
    return 2;
  }
  tocha_tensor x, v, ix;
  tocha_tensor_init(&x, TOCHA_FLOAT);
  tocha_tensor_init(&v, TOCHA_FLOAT);
  tocha_tensor_init(&ix, TOCHA_LONG);
  if (tocha_tensor_new(&x, TOCHA_FLOAT, 1, &n)) die("input");
  float *data = tocha_tensor_data(&x);
  uint64_t s = 88172645463325252ull;
  for (int64_t i = 0; i < n; i++) { /* xorshift64 */
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    data[i] = (float)((double)(s >> 11) * 0x1.0p-52 - 1.0);
  }
  float *buf = malloc((size_t)n * sizeof *buf);
  pair *pairs = malloc((size_t)n * sizeof *pairs);
  if (!buf || !pairs) {
    fprintf(stderr, "bench_sort: out of memory\n");
    return 1;
  }
  double *t_tocha = malloc(sizeof(double) * (size_t)reps), *t_q = malloc(sizeof(double) * (size_t)reps);
  double *t_qp = malloc(sizeof(double) * (size_t)reps);

  /* one lane */
  if (tocha_sort(&v, &ix, &x, 0, 0)) die("sort");
  qsort_pairs(pairs, data, 1, n);
  check(&v, &ix, pairs, n);
  for (int r = 0; r < reps; r++) {
    for (int turn = 0; turn < 3; turn++) {
      int which = (turn + r) % 3;
      double t0 = now();
      if (which == 0) {
        if (tocha_sort(&v, &ix, &x, 0, 0)) die("sort");
        t_tocha[r] = now() - t0;
      } else if (which == 1) {
        memcpy(buf, data, (size_t)n * sizeof *buf);
        qsort(buf, (size_t)n, sizeof *buf, cmp_float);
        t_q[r] = now() - t0;
      } else {
        qsort_pairs(pairs, data, 1, n);
        t_qp[r] = now() - t0;
      }
    }
  }
  double mt = median(t_tocha, reps), mq = median(t_q, reps), mqp = median(t_qp, reps);
  printf("ROW | one lane of %lld floats | %.0f | %.0f | %.3f | %.0f | %.3f |\n", (long long)n, mt * 1e3, mq * 1e3,
         mt / mq, mqp * 1e3, mt / mqp);

  /* rows of 4096 */
  int64_t rows = n / cols;
  tocha_tensor m;
  tocha_tensor_init(&m, TOCHA_FLOAT);
  if (tocha_view(&m, &x, 2, (int64_t[]){rows, cols})) die("view");
  if (tocha_sort(&v, &ix, &m, 1, 0)) die("sort rows");
  qsort_pairs(pairs, data, rows, cols);
  check(&v, &ix, pairs, n);
  for (int threads = 1; threads <= 2; threads++) {
    if (tocha_set_num_threads(threads)) die("threads");
    for (int r = 0; r < reps; r++) {
      for (int turn = 0; turn < 2; turn++) {
        double t0 = now();
        if ((turn + r) % 2 == 0) {
          if (tocha_sort(&v, &ix, &m, 1, 0)) die("sort rows");
          t_tocha[r] = now() - t0;
        } else {
          qsort_pairs(pairs, data, rows, cols);
          t_qp[r] = now() - t0;
        }
      }
    }
    mt = median(t_tocha, reps);
    mqp = median(t_qp, reps);
    printf("ROW | %lld rows of %lld floats, along dimension 2, tocha on %d thread%s | %.0f | | | %.0f | %.3f |\n",
           (long long)rows, (long long)cols, threads, threads > 1 ? "s" : "", mt * 1e3, mqp * 1e3, mt / mqp);
  }

  tocha_tensor_release(&m);
  tocha_tensor_release(&x);
  tocha_tensor_release(&v);
  tocha_tensor_release(&ix);
  free(buf);
  free(pairs);
  free(t_tocha);
  free(t_q);
  free(t_qp);
  return 0;
}
