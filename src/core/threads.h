/*
 * threads.h: tocha's own small thread pool (internal), for kernels that
 * split a memory-bound loop into a few pieces (the dropout kernel).
 *
 * Design: the pool is created lazily, at the first call that asks for more
 * than one thread, with as many workers as asked for (it grows, never
 * shrinks).  Idle workers sleep on a condition variable - they never
 * spin - so they cost nothing while OpenBLAS's own threads (which tocha
 * uses for BLAS) are busy, and vice versa.  The number of threads is the
 * caller's choice; dropout uses tocha_get_num_threads(), the count
 * tocha_set_num_threads sets for OpenBLAS, so one setting governs both.
 *
 * One parallel call runs at a time: a call made while another thread's is
 * running (or from inside a piece) runs all its pieces itself, one after
 * the other.  Results must therefore never depend on which thread runs a
 * piece.  The workers are joined when the library is unloaded (or the
 * program ends), and a child process after fork() starts with no workers.
 */
#ifndef TOCHA_CORE_THREADS_H
#define TOCHA_CORE_THREADS_H

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

#endif
