/* tocha's small thread pool: see threads.h. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include <time.h>

#include "../tocha_linalg.h"

static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER; /* held by the running parallel call */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards everything below */
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;   /* workers: new pieces, or stop */
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;   /* caller: last piece finished */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static pthread_t workers[TOCHA_POOL_MAX];
static int nworkers, stopping;

/* The current call: pieces next .. total-1 are still to be taken; unfinished
 * counts the pieces taken by workers and not yet finished. */
static tocha_piece_fn job_fn;
static void *job_arg;
static int job_next, job_total, job_unfinished;
static unsigned job_generation; /* bumped by every call that hands out pieces */

/* After its last piece, a worker polls for the next call for this long
 * before it sleeps, and so does the caller waiting for the workers to
 * finish: waking a sleeping thread takes tens of microseconds on a
 * virtual machine, as long as a whole elementwise kernel of a training
 * step (measured: 131072-element dropout 31 us on one thread, 42-52 us on
 * two with sleeping workers).  The poll yields the core between looks, so
 * a thread with real work on it (OpenBLAS's, say) is not held up. */
#define POLL_NS 100000

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/* One round of a poll loop: pause, and every 64 rounds yield the core and
 * check the clock; 0 once POLL_NS have passed since the first check. */
static int poll_round(unsigned i, uint64_t *start) {
  if (i % 64 != 0) {
    relax();
    return 1;
  }
  uint64_t t = now_ns();
  if (*start == 0) *start = t;
  if (t - *start > POLL_NS) return 0;
  sched_yield();
  return 1;
}

/* Polls (without the lock) until a new call is posted; 1 if one was. */
static int poll_new_call(unsigned seen) {
  uint64_t start = 0;
  for (unsigned i = 1; __atomic_load_n(&job_generation, __ATOMIC_ACQUIRE) == seen; i++)
    if (!poll_round(i, &start)) return 0;
  return 1;
}

/* Polls (without the lock) until no worker is running a piece; 1 if so. */
static int poll_all_finished(void) {
  uint64_t start = 0;
  for (unsigned i = 1; __atomic_load_n(&job_unfinished, __ATOMIC_ACQUIRE) != 0; i++)
    if (!poll_round(i, &start)) return 0;
  return 1;
}

static void *worker_main(void *unused) {
  (void)unused;
  pthread_mutex_lock(&lock);
  for (;;) {
    while (!stopping && job_next >= job_total) {
      unsigned seen = job_generation;
      pthread_mutex_unlock(&lock);
      int changed = poll_new_call(seen);
      pthread_mutex_lock(&lock);
      if (!changed && job_generation == seen && !stopping) pthread_cond_wait(&wake, &lock);
    }
    if (stopping) break;
    int k = job_next++, total = job_total;
    tocha_piece_fn fn = job_fn;
    void *arg = job_arg;
    __atomic_store_n(&job_unfinished, job_unfinished + 1, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&lock);
    fn(arg, k, total);
    pthread_mutex_lock(&lock);
    __atomic_store_n(&job_unfinished, job_unfinished - 1, __ATOMIC_RELEASE);
    if (job_unfinished == 0 && job_next >= job_total) pthread_cond_signal(&done);
  }
  pthread_mutex_unlock(&lock);
  return NULL;
}

/* fork(): the child has none of the workers, and the locks are taken
 * around the fork so that none is held half-way by a vanished thread. */
static void before_fork(void) {
  pthread_mutex_lock(&busy);
  pthread_mutex_lock(&lock);
}

static void after_fork_parent(void) {
  pthread_mutex_unlock(&lock);
  pthread_mutex_unlock(&busy);
}

static void after_fork_child(void) {
  nworkers = 0;
  job_next = job_total = job_unfinished = 0;
  pthread_cond_init(&wake, NULL); /* forget the parent's sleeping workers */
  pthread_cond_init(&done, NULL);
  pthread_mutex_unlock(&lock);
  pthread_mutex_unlock(&busy);
}

static void register_fork_handlers(void) { pthread_atfork(before_fork, after_fork_parent, after_fork_child); }

/* Joins the workers when the library is unloaded or the program exits, so
 * that no thread is left running code that is about to be unmapped. */
__attribute__((destructor)) static void pool_shutdown(void) {
  pthread_mutex_lock(&lock);
  stopping = 1;
  pthread_cond_broadcast(&wake);
  int n = nworkers;
  nworkers = 0;
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < n; i++) pthread_join(workers[i], NULL);
  pthread_mutex_lock(&lock);
  stopping = 0;
  pthread_mutex_unlock(&lock);
}

/* Called with `busy` held: at least `want` workers, if they can be made. */
static void grow(int want) {
  pthread_once(&once, register_fork_handlers);
  if (want > TOCHA_POOL_MAX) want = TOCHA_POOL_MAX;
  pthread_mutex_lock(&lock);
  while (nworkers < want && pthread_create(&workers[nworkers], NULL, worker_main, NULL) == 0) nworkers++;
  pthread_mutex_unlock(&lock);
}

void tocha_parallel(int nthreads, int npieces, tocha_piece_fn fn, void *arg) {
  if (nthreads <= 1 || npieces <= 1 || pthread_mutex_trylock(&busy) != 0) {
    /* one thread, or another call runs, or we are inside one */
    for (int k = 0; k < npieces; k++) fn(arg, k, npieces);
    return;
  }
  grow(nthreads - 1);
  pthread_mutex_lock(&lock);
  job_fn = fn;
  job_arg = arg;
  job_next = 1;
  job_total = npieces;
  job_unfinished = 0;
  __atomic_store_n(&job_generation, job_generation + 1, __ATOMIC_RELEASE);
  if (nworkers > 0) pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);

  /* Piece 0, then whatever the workers have not taken yet. */
  fn(arg, 0, npieces);
  pthread_mutex_lock(&lock);
  while (job_next < job_total) {
    int k = job_next++;
    pthread_mutex_unlock(&lock);
    fn(arg, k, npieces);
    pthread_mutex_lock(&lock);
  }
  while (job_unfinished > 0) {
    pthread_mutex_unlock(&lock);
    int finished = poll_all_finished();
    pthread_mutex_lock(&lock);
    if (!finished && job_unfinished > 0) pthread_cond_wait(&done, &lock);
  }
  job_total = job_next = 0;
  job_fn = NULL;
  job_arg = NULL;
  pthread_mutex_unlock(&lock);
  pthread_mutex_unlock(&busy);
}

typedef struct range_job {
  tocha_range_fn fn;
  void *arg;
  int64_t n, granule;
} range_job;

static void range_piece(void *arg, int piece, int npieces) {
  const range_job *job = arg;
  int64_t granules = (job->n + job->granule - 1) / job->granule;
  int64_t lo = granules * piece / npieces * job->granule, hi = granules * (piece + 1) / npieces * job->granule;
  if (hi > job->n) hi = job->n;
  if (lo < hi) job->fn(job->arg, lo, hi);
}

void tocha_parallel_range(int64_t n, int64_t min_per_thread, int64_t granule, tocha_range_fn fn, void *arg) {
  if (n <= 0) return;
  int64_t threads = tocha_get_num_threads();
  if (min_per_thread < 1) min_per_thread = 1;
  if (threads > n / min_per_thread) threads = n / min_per_thread;
  if (threads > TOCHA_POOL_MAX + 1) threads = TOCHA_POOL_MAX + 1;
  if (threads <= 1) {
    fn(arg, 0, n);
    return;
  }
  range_job job = {fn, arg, n, granule > 0 ? granule : 1};
  /* a few pieces per thread: a thread slowed down by other work takes fewer */
  tocha_parallel((int)threads, 4 * (int)threads, range_piece, &job);
}

int tocha_default_threads(void) {
  const char *env = getenv("TOCHA_NUM_THREADS");
  if (env && *env) {
    char *end;
    long n = strtol(env, &end, 10);
    if (*end == '\0' && n >= 1) return n > TOCHA_POOL_MAX + 1 ? TOCHA_POOL_MAX + 1 : (int)n;
  }
  long n = 0;
#ifdef CPU_COUNT
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
#endif
  if (n < 1) n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  return n > TOCHA_POOL_MAX + 1 ? TOCHA_POOL_MAX + 1 : (int)n;
}
