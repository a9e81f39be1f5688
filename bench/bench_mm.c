/*
 * bench_mm: tocha_mm (the C core) against cblas_sgemm called directly, on
 * n x n float32 matrices (default 1024), in the same process.
 *
 *   bench_mm [n] [repetitions]
 *   bench_mm --sgemm-samples n repetitions threads
 *
 * First form: for each thread count (1, 2, and OpenBLAS's default when it
 * differs) and each case, the two calls alternate (which one goes first
 * alternates too) and the median time of each is reported, with tocha's as
 * a ratio to sgemm's, as markdown table rows prefixed "ROW ".  The
 * reference runs on OpenBLAS's own threads, whose idle workers then poll
 * the cores for about 0.1 s; tocha keeps OpenBLAS at one thread and runs
 * its own, so with 2 threads each timed tocha call comes after a pause of
 * 0.2 s and an untimed tocha call (tocha's threads back in their steady
 * state), as it would run in a program that uses tocha only.
 * Second form: only the plain cblas_sgemm, one line "SAMPLE sgemm <ms>" per
 * repetition; bench/run alternates such runs with the Lua benchmark's to get
 * the Lua rows' reference.
 */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tocha.h"

/* Lets OpenBLAS's idle workers (2^28 cycles of polling) go to sleep. */
static void let_openblas_idle(void) {
  struct timespec pause = {0, 200000000};
  nanosleep(&pause, NULL);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, compare);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what) {
  fprintf(stderr, "bench_mm: %s: %s\n", what, tocha_last_error()->message);
  exit(1);
}

typedef struct bench_case {
  const char *label;
  const tocha_tensor *mat1;          /* what tocha_mm receives */
  enum CBLAS_TRANSPOSE sgemm_trans1; /* how the direct sgemm reads A's buffer */
} bench_case;

int main(int argc, char **argv) {
  int samples_only = argc > 1 && strcmp(argv[1], "--sgemm-samples") == 0;
  char **args = argv + samples_only;
  int nargs = argc - samples_only;
  int n = nargs > 1 ? atoi(args[1]) : 1024, reps = nargs > 2 ? atoi(args[2]) : 21;
  int sample_threads = samples_only && nargs > 3 ? atoi(args[3]) : 0;
  if (n < 1 || reps < 1 || (samples_only && sample_threads < 1)) {
    fprintf(stderr, "usage: bench_mm [n >= 1] [repetitions >= 1]\n"
                    "       bench_mm --sgemm-samples n repetitions threads\n");
    return 2;
  }
  int64_t shape[2] = {n, n};
  tocha_tensor A, At, B, out, ref;
  tocha_tensor_init(&A, TOCHA_FLOAT);
  tocha_tensor_init(&At, TOCHA_FLOAT);
  tocha_tensor_init(&B, TOCHA_FLOAT);
  tocha_tensor_init(&out, TOCHA_FLOAT);
  tocha_tensor_init(&ref, TOCHA_FLOAT);
  if (tocha_tensor_new(&A, TOCHA_FLOAT, 2, shape) || tocha_tensor_new(&B, TOCHA_FLOAT, 2, shape) ||
      tocha_tensor_new(&out, TOCHA_FLOAT, 2, shape) || tocha_tensor_new(&ref, TOCHA_FLOAT, 2, shape))
    die("allocating");
  float *a = tocha_tensor_data(&A), *b = tocha_tensor_data(&B), *c = tocha_tensor_data(&ref);
  for (int64_t i = 0; i < (int64_t)n * n; i++) {
    a[i] = (float)((i * 31 % 97) - 48) / 48.0f;
    b[i] = (float)((i * 17 % 89) - 44) / 44.0f;
  }
  if (tocha_transpose(&At, &A, 0, 1)) die("transposing"); /* a view: strides (1, n) */

  /* Warm up both paths (thread pool, page faults) and check they agree. */
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
  if (tocha_mm(&out, &A, &B)) die("tocha_mm");
  double maxdiff = 0;
  const float *o = tocha_tensor_data(&out);
  for (int64_t i = 0; i < (int64_t)n * n; i++) maxdiff = fmax(maxdiff, fabs((double)o[i] - (double)c[i]));
  if (maxdiff > 1e-3) {
    fprintf(stderr, "bench_mm: tocha_mm and cblas_sgemm disagree by %g\n", maxdiff);
    return 1;
  }
  if (samples_only) {
    openblas_set_num_threads(sample_threads);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
    for (int r = 0; r < reps; r++) {
      double t0 = now();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
      printf("SAMPLE sgemm %.4f\n", (now() - t0) * 1e3);
    }
    return 0;
  }

  int default_threads = tocha_get_num_threads();
  int threads[3] = {1, 2, default_threads}, nthreads = default_threads == 1 || default_threads == 2 ? 2 : 3;
  const bench_case cases[] = {{"C `tocha_mm(out, a, b)`", &A, CblasNoTrans},
                              {"C `tocha_mm(out, a:t(), b)` (transposed view)", &At, CblasTrans}};
  double *ttocha = malloc(sizeof(double) * (size_t)reps), *tblas = malloc(sizeof(double) * (size_t)reps);
  if (!ttocha || !tblas) return 1;
  double gflop = 2.0 * n * n * (double)n * 1e-9;

  for (int ti = 0; ti < nthreads; ti++) {
    if (tocha_set_num_threads(threads[ti])) die("setting threads");
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
      const bench_case *bc = &cases[ci];
      for (int r = 0; r < reps; r++) {
        for (int k = 0; k < 2; k++) {
          double t0 = now();
          if ((r + k) % 2 == 0) {
            /* the reference: OpenBLAS's own threads (tocha keeps OpenBLAS at
             * one thread and splits products over its own; switching back
             * and forth costs nothing measurable) */
            openblas_set_num_threads(threads[ti]);
            t0 = now();
            cblas_sgemm(CblasRowMajor, bc->sgemm_trans1, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
            tblas[r] = now() - t0;
          } else {
            if (tocha_set_num_threads(threads[ti])) die("setting threads");
            if (threads[ti] > 1) {
              let_openblas_idle();
              if (tocha_mm(&out, bc->mat1, &B)) die("tocha_mm");
            }
            t0 = now();
            if (tocha_mm(&out, bc->mat1, &B)) die("tocha_mm");
            ttocha[r] = now() - t0;
          }
        }
      }
      double mt = median(ttocha, reps) * 1e3, mb = median(tblas, reps) * 1e3;
      printf("ROW | %s | %d | %.2f | %.2f | %.3f | %.1f |\n", bc->label, threads[ti], mt, mb, mt / mb,
             gflop / (mt * 1e-3));
      fflush(stdout);
    }
  }
  tocha_set_num_threads(default_threads);
  free(ttocha);
  free(tblas);
  tocha_tensor_release(&A);
  tocha_tensor_release(&At);
  tocha_tensor_release(&B);
  tocha_tensor_release(&out);
  tocha_tensor_release(&ref);
  return 0;
}
