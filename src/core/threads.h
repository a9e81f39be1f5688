/*
 * threads.h: tocha's own small thread pool (internal), on which every
 * parallel loop of tocha runs: matrix products (split in blocks, each a
 * single-threaded BLAS call; OpenBLAS is kept at one thread), dropout,
 * the sgd update, large fills and ReLU.  One kind of thread on the cores.
 *
 * Design: the pool is created lazily, at the first call that asks for more
 * than one thread, with as many workers as asked for (it grows, never
 * shrinks).  After its last piece a worker polls for the next call for
 * 0.1 ms, yielding the core between looks, then sleeps on a condition
 * variable: the calls of a training step come every few tens of
 * microseconds, and waking a sleeping thread takes about that long on a
 * virtual machine.  The number of threads is the caller's choice; the
 * kernels use tocha_get_num_threads().
 *
 * One parallel call runs at a time: a call made while another thread's is
 * running (or from inside a piece) runs all its pieces itself, one after
 * the other.  Results must therefore never depend on which thread runs a
 * piece.  The workers are joined when the library is unloaded (or the
 * program ends), and a child process after fork() starts with no workers.
 */
#ifndef TOCHA_CORE_THREADS_H
#define TOCHA_CORE_THREADS_H

#include <stdint.h>

/* The most workers the pool has (a call asking for more threads uses these). */
#define TOCHA_POOL_MAX 63

typedef void (*tocha_piece_fn)(void *arg, int piece, int npieces);

/* Runs fn(arg, k, npieces) for k = 0 .. npieces-1 on up to nthreads threads
 * (the calling thread and nthreads - 1 pool workers) and returns when all
 * are done.  The caller runs piece 0; then each thread takes the next piece
 * not yet taken, so a thread slowed down by other work on the machine takes
 * fewer pieces.  With nthreads <= 1 (or no worker to be had) the caller runs
 * them all in order. */
void tocha_parallel(int nthreads, int npieces, tocha_piece_fn fn, void *arg);

/* For elementwise loops over n contiguous elements: runs fn(arg, lo, hi)
 * over runs [lo, hi) that cover [0, n), cut at multiples of `granule`
 * elements, on up to tocha_get_num_threads() threads with at least
 * `min_per_thread` elements each.  When that is one thread, the caller
 * runs fn(arg, 0, n) itself, with no synchronisation at all. */
typedef void (*tocha_range_fn)(void *arg, int64_t lo, int64_t hi);

/* The default thread count: TOCHA_NUM_THREADS when it is a positive
 * integer, else the CPUs this process may run on (at most TOCHA_POOL_MAX
 * + 1). */
int tocha_default_threads(void);
void tocha_parallel_range(int64_t n, int64_t min_per_thread, int64_t granule, tocha_range_fn fn, void *arg);

#endif
