/* tocha's small thread pool: see threads.h. */
#include "threads.h"

#include <pthread.h>

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

static void *worker_main(void *unused) {
  (void)unused;
  pthread_mutex_lock(&lock);
  for (;;) {
    while (!stopping && job_next >= job_total) pthread_cond_wait(&wake, &lock);
    if (stopping) break;
    int k = job_next++, total = job_total;
    tocha_piece_fn fn = job_fn;
    void *arg = job_arg;
    job_unfinished++;
    pthread_mutex_unlock(&lock);
    fn(arg, k, total);
    pthread_mutex_lock(&lock);
    if (--job_unfinished == 0 && job_next >= job_total) pthread_cond_signal(&done);
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
  while (job_unfinished > 0) pthread_cond_wait(&done, &lock);
  job_total = job_next = 0;
  job_fn = NULL;
  job_arg = NULL;
  pthread_mutex_unlock(&lock);
  pthread_mutex_unlock(&busy);
}
