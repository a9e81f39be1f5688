/*
 * tocha_distributed.h: collective operations on tensors over MPI (the
 * optional library tocha_distributed, built when CMake finds MPI; the Lua
 * module tocha.distributed wraps it).
 *
 * All tensors must be contiguous Float or Double tensors; collectives work
 * in place.  Every rank must call the same collectives in the same order
 * with tensors of the same type and element count: allreduce, reduce and
 * broadcast check this with one small extra allreduce and fail with
 * TOCHA_ESIZE / TOCHA_ETYPE on every rank when it does not hold.
 * MPI errors are returned as TOCHA_EIO with MPI's message.
 */
#ifndef TOCHA_DISTRIBUTED_H
#define TOCHA_DISTRIBUTED_H

#include "tocha.h"

#ifdef __cplusplus
extern "C" {
#endif

/* MPI_Init_thread with MPI_THREAD_FUNNELED (tocha's pool workers never call
 * MPI: only the thread that called init does); idempotent.  Errors: the MPI
 * library grants less (TOCHA_EIO). */
tocha_status tocha_dist_init(void);
int tocha_dist_initialized(void);
int tocha_dist_rank(void); /* 0 before init */
int tocha_dist_size(void); /* 1 before init */
tocha_status tocha_dist_barrier(void);
/* MPI_Finalize if init ran and finalize did not; idempotent. */
void tocha_dist_finalize(void);
/* Prints "tocha.distributed: rank R: message" to stderr and ends the whole
 * job (MPI_Abort with code), so no rank waits forever on a dead one. */
void tocha_dist_abort(const char *message, int code);

/* Wall-clock seconds (MPI_Wtime). */
double tocha_dist_wtime(void);

/* op: "sum", "mean", "max" or "min".  Errors: t 1, op 2. */
tocha_status tocha_dist_allreduce(tocha_tensor *t, const char *op);
/* The reduction lands on root only (the others' t is unchanged). */
tocha_status tocha_dist_reduce(tocha_tensor *t, const char *op, int root);
tocha_status tocha_dist_broadcast(tocha_tensor *t, int root);
/* out (resized to size() x input's shape, contiguous) = every rank's input,
 * rank order.  Errors: out 1, input 2. */
tocha_status tocha_dist_allgather(tocha_tensor *out, const tocha_tensor *input);

/* Non-blocking allreduce: t must not be touched until tocha_dist_wait. */
typedef struct tocha_dist_request tocha_dist_request;
tocha_status tocha_dist_iallreduce(tocha_tensor *t, const char *op, tocha_dist_request **req);
/* Completes and frees the request (NULL: no-op). */
tocha_status tocha_dist_wait(tocha_dist_request *req);

#ifdef __cplusplus
}
#endif
#endif
