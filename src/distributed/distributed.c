/* tocha.distributed's core: tensors through MPI collectives (see
 * src/tocha_distributed.h). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tocha_distributed.h"

static int started, finished;

struct tocha_dist_request {
  MPI_Request req;
  tocha_tensor *t;
  int mean;
};

static tocha_status mpi_fail(int rc, const char *what) {
  char msg[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS) snprintf(msg, sizeof msg, "error code %d", rc);
  return tocha_fail(TOCHA_EIO, 0, "%s failed: %s", what, msg);
}

static tocha_status need_init(void) {
  if (!started || finished)
    return tocha_fail(TOCHA_EARG, 0, "%s", finished ? "MPI was finalized" : "call init() first");
  return TOCHA_OK;
}

tocha_status tocha_dist_init(void) {
  if (finished) return tocha_fail(TOCHA_EARG, 0, "MPI was finalized and cannot be started again");
  if (started) return TOCHA_OK;
  int provided = 0, rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  if (rc != MPI_SUCCESS) return mpi_fail(rc, "MPI_Init_thread");
  started = 1;
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  if (provided < MPI_THREAD_FUNNELED)
    return tocha_fail(TOCHA_EIO, 0, "MPI grants thread level %d, tocha needs MPI_THREAD_FUNNELED", provided);
  return TOCHA_OK;
}

int tocha_dist_initialized(void) { return started && !finished; }

int tocha_dist_rank(void) {
  int r = 0;
  if (tocha_dist_initialized()) MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int tocha_dist_size(void) {
  int n = 1;
  if (tocha_dist_initialized()) MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

tocha_status tocha_dist_barrier(void) {
  tocha_status st = need_init();
  if (st) return st;
  int rc = MPI_Barrier(MPI_COMM_WORLD);
  return rc == MPI_SUCCESS ? TOCHA_OK : mpi_fail(rc, "MPI_Barrier");
}

void tocha_dist_finalize(void) {
  if (started && !finished) MPI_Finalize();
  finished = started;
}

void tocha_dist_abort(const char *message, int code) {
  fprintf(stderr, "tocha.distributed: rank %d: %s\n", tocha_dist_rank(), message ? message : "aborting");
  fflush(stderr);
  if (tocha_dist_initialized()) MPI_Abort(MPI_COMM_WORLD, code ? code : 1);
  exit(code ? code : 1);
}

static tocha_status check_tensor(const tocha_tensor *t, int arg, MPI_Datatype *type) {
  if (t->dtype != TOCHA_FLOAT && t->dtype != TOCHA_DOUBLE)
    return tocha_fail(TOCHA_ETYPE, arg, "expected a Float or Double tensor, got %s", tocha_dtype_name(t->dtype));
  if (!tocha_tensor_is_contiguous(t))
    return tocha_fail(TOCHA_EARG, arg, "the tensor must be contiguous (use :contiguous() or a flat copy)");
  if (tocha_tensor_nelement(t) > 0x7fffffff)
    return tocha_fail(TOCHA_EOVERFLOW, arg, "%lld elements: at most 2^31 - 1 per call",
                      (long long)tocha_tensor_nelement(t));
  *type = t->dtype == TOCHA_FLOAT ? MPI_FLOAT : MPI_DOUBLE;
  return TOCHA_OK;
}

static int parse_op(const char *op, MPI_Op *mop) {
  if (!op) return -1;
  if (strcmp(op, "sum") == 0 || strcmp(op, "mean") == 0) *mop = MPI_SUM;
  else if (strcmp(op, "max") == 0) *mop = MPI_MAX;
  else if (strcmp(op, "min") == 0) *mop = MPI_MIN;
  else return -1;
  return strcmp(op, "mean") == 0;
}

/* Every rank holds the same type and count (one small allreduce). */
static tocha_status check_agree(const tocha_tensor *t, int arg) {
  long long mine = tocha_tensor_nelement(t), v[4] = {mine, -mine, t->dtype, -(long long)t->dtype}, r[4];
  int rc = MPI_Allreduce(v, r, 4, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return mpi_fail(rc, "MPI_Allreduce");
  if (r[0] != -r[1])
    return tocha_fail(TOCHA_ESIZE, arg, "ranks hold different element counts (this rank %lld, others from %lld to %lld)",
                      mine, -r[1], r[0]);
  if (r[2] != -r[3]) return tocha_fail(TOCHA_ETYPE, arg, "ranks hold tensors of different types (Float and Double)");
  return TOCHA_OK;
}

static void divide(tocha_tensor *t, int n) {
  int64_t m = tocha_tensor_nelement(t);
  if (t->dtype == TOCHA_FLOAT) {
    float *x = tocha_tensor_data(t);
    for (int64_t i = 0; i < m; i++) x[i] /= (float)n;
  } else {
    double *x = tocha_tensor_data(t);
    for (int64_t i = 0; i < m; i++) x[i] /= (double)n;
  }
}

static tocha_status prologue(tocha_tensor *t, const char *op, MPI_Datatype *type, MPI_Op *mop, int *mean) {
  tocha_status st = need_init();
  if (st || (st = check_tensor(t, 1, type))) return st;
  if (op && (*mean = parse_op(op, mop)) < 0)
    return tocha_fail(TOCHA_EARG, 2, "unknown reduction '%s' (expected sum, mean, max or min)", op);
  return check_agree(t, 1);
}

tocha_status tocha_dist_allreduce(tocha_tensor *t, const char *op) {
  MPI_Datatype type = MPI_FLOAT;
  MPI_Op mop = MPI_SUM;
  int mean = 0;
  tocha_status st = prologue(t, op ? op : "", &type, &mop, &mean);
  if (st || tocha_tensor_nelement(t) == 0) return st;
  int rc = MPI_Allreduce(MPI_IN_PLACE, tocha_tensor_data(t), (int)tocha_tensor_nelement(t), type, mop, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return mpi_fail(rc, "MPI_Allreduce");
  if (mean) divide(t, tocha_dist_size());
  return TOCHA_OK;
}

static tocha_status check_root(int root, int arg) {
  if (root < 0 || root >= tocha_dist_size())
    return tocha_fail(TOCHA_EARG, arg, "root %d out of range (0 .. %d)", root, tocha_dist_size() - 1);
  return TOCHA_OK;
}

tocha_status tocha_dist_reduce(tocha_tensor *t, const char *op, int root) {
  MPI_Datatype type = MPI_FLOAT;
  MPI_Op mop = MPI_SUM;
  int mean = 0;
  tocha_status st = need_init();
  if (st || (st = check_root(root, 3)) || (st = prologue(t, op ? op : "", &type, &mop, &mean))) return st;
  if (tocha_tensor_nelement(t) == 0) return TOCHA_OK;
  int me = tocha_dist_rank();
  void *buf = tocha_tensor_data(t);
  int rc = MPI_Reduce(me == root ? MPI_IN_PLACE : buf, me == root ? buf : NULL, (int)tocha_tensor_nelement(t), type,
                      mop, root, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return mpi_fail(rc, "MPI_Reduce");
  if (mean && me == root) divide(t, tocha_dist_size());
  return TOCHA_OK;
}

tocha_status tocha_dist_broadcast(tocha_tensor *t, int root) {
  MPI_Datatype type = MPI_FLOAT;
  MPI_Op mop = MPI_SUM;
  int mean = 0;
  tocha_status st = need_init();
  if (st || (st = check_root(root, 2)) || (st = prologue(t, NULL, &type, &mop, &mean))) return st;
  if (tocha_tensor_nelement(t) == 0) return TOCHA_OK;
  int rc = MPI_Bcast(tocha_tensor_data(t), (int)tocha_tensor_nelement(t), type, root, MPI_COMM_WORLD);
  return rc == MPI_SUCCESS ? TOCHA_OK : mpi_fail(rc, "MPI_Bcast");
}

tocha_status tocha_dist_allgather(tocha_tensor *out, const tocha_tensor *input) {
  MPI_Datatype type = MPI_FLOAT;
  tocha_status st = need_init();
  if (st || (st = check_tensor(input, 2, &type))) return st;
  if (out == input) return tocha_fail(TOCHA_EARG, 1, "out must be another tensor than input");
  if (out->dtype != input->dtype)
    return tocha_fail(TOCHA_ETYPE, 1, "out is %s, input is %s", tocha_dtype_name(out->dtype),
                      tocha_dtype_name(input->dtype));
  if ((st = check_agree(input, 2))) return st;
  int64_t size[TOCHA_MAX_DIMS];
  int nd = input->ndim < TOCHA_MAX_DIMS ? input->ndim : TOCHA_MAX_DIMS - 1;
  if (input->ndim >= TOCHA_MAX_DIMS) return tocha_fail(TOCHA_EARG, 2, "too many dimensions");
  size[0] = tocha_dist_size();
  for (int d = 0; d < nd; d++) size[d + 1] = input->size[d];
  if (nd == 0) size[1] = 0;
  if ((st = tocha_tensor_new(out, input->dtype, nd == 0 ? 2 : nd + 1, size))) return st;
  if (tocha_tensor_nelement(input) == 0) return TOCHA_OK;
  int n = (int)tocha_tensor_nelement(input);
  int rc = MPI_Allgather(tocha_tensor_data(input), n, type, tocha_tensor_data(out), n, type, MPI_COMM_WORLD);
  return rc == MPI_SUCCESS ? TOCHA_OK : mpi_fail(rc, "MPI_Allgather");
}

tocha_status tocha_dist_iallreduce(tocha_tensor *t, const char *op, tocha_dist_request **req) {
  MPI_Datatype type = MPI_FLOAT;
  MPI_Op mop = MPI_SUM;
  int mean = 0;
  *req = NULL;
  tocha_status st = prologue(t, op ? op : "", &type, &mop, &mean);
  if (st) return st;
  tocha_dist_request *r = calloc(1, sizeof *r);
  if (!r) return tocha_fail(TOCHA_ENOMEM, 0, "not enough memory for a request");
  r->t = t;
  r->mean = mean;
  r->req = MPI_REQUEST_NULL;
  if (tocha_tensor_nelement(t) > 0) {
    int rc = MPI_Iallreduce(MPI_IN_PLACE, tocha_tensor_data(t), (int)tocha_tensor_nelement(t), type, mop,
                            MPI_COMM_WORLD, &r->req);
    if (rc != MPI_SUCCESS) {
      free(r);
      return mpi_fail(rc, "MPI_Iallreduce");
    }
  }
  *req = r;
  return TOCHA_OK;
}

tocha_status tocha_dist_wait(tocha_dist_request *r) {
  if (!r) return TOCHA_OK;
  int rc = MPI_Wait(&r->req, MPI_STATUS_IGNORE);
  if (rc == MPI_SUCCESS && r->mean) divide(r->t, tocha_dist_size());
  free(r);
  return rc == MPI_SUCCESS ? TOCHA_OK : mpi_fail(rc, "MPI_Wait");
}

double tocha_dist_wtime(void) { return MPI_Wtime(); }
