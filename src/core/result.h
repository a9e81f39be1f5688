/*
 * result.h: internal helpers (not public API) for functions that write a
 * result into a caller-given tensor `out`.
 *
 * The rule, Torch7's: `out` is shaped with tocha_tensor_resize, which keeps
 * its geometry when it already has the result's sizes.  A right-sized `out`
 * may therefore be any view (transposed, narrowed, strided) and the result
 * must land in exactly its elements.  Kernels either write through strides
 * (tocha_iter), or ask for a contiguous destination and let these helpers
 * route the writes through a temporary that is copied into `out` at the end.
 */
#ifndef TOCHA_CORE_RESULT_H
#define TOCHA_CORE_RESULT_H

#include "../tocha.h"

/* ---- memory relations ------------------------------------------------------ */

/* 1 when a and b may share an element (same storage, overlapping extents;
 * conservative).  Tensors without elements share nothing. */
int tocha_mem_overlap(const tocha_tensor *a, const tocha_tensor *b);
/* 1 when a and b are the same elements in the same order. */
int tocha_same_view(const tocha_tensor *a, const tocha_tensor *b);
/* 1 when no two indices of t reach the same element (a sufficient test). */
int tocha_distinct_elements(const tocha_tensor *t);
/* 1 when an elementwise kernel writing `out` could read an element of `in`
 * after writing it: they overlap other than as the same distinct elements. */
int tocha_needs_detach(const tocha_tensor *out, const tocha_tensor *in);
/* For such kernels: when tocha_needs_detach(out, *in), clones *in into
 * `copy` (initialised by the caller, who releases it) and points *in at it. */
tocha_status tocha_detach_input(const tocha_tensor *out, const tocha_tensor **in, tocha_tensor *copy);

/* ---- results ----------------------------------------------------------------- */

typedef struct tocha_result {
  tocha_tensor *out; /* the caller's result tensor */
  tocha_tensor tmp;  /* a private contiguous temporary, when one is used */
  tocha_tensor *dst; /* where the kernel writes: out or &tmp, shaped as the result */
} tocha_result;

/* The kernel writes r->dst as one contiguous array. */
#define TOCHA_RESULT_CONTIGUOUS 1

/* r with no temporary, dst = out: lets tocha_result_end run on paths that
 * fail before tocha_result_begin (which initialises r itself). */
void tocha_result_init(tocha_result *r, tocha_tensor *out);
/* Prepares r->dst for a result of shape (ndim, size).  It is `out` itself,
 * resized with tocha_tensor_resize, unless
 *  - `out` may share an element with one of the `inputs` (NULL entries are
 *    skipped; `out` being one of them counts, and so does sharing a storage
 *    when `out` would change size), or
 *  - `flags` has TOCHA_RESULT_CONTIGUOUS and `out` is not contiguous;
 * then it is a new contiguous temporary and `out` is left untouched until
 * tocha_result_end.  Call tocha_result_end in every case, errors included. */
tocha_status tocha_result_begin(tocha_result *r, tocha_tensor *out, int ndim, const int64_t *size, int flags,
                                const tocha_tensor *const *inputs, int ninputs);
/* Switches r->dst to a new contiguous temporary (for kernels with needs
 * of their own, e.g. a BLAS layout). */
tocha_status tocha_result_detach(tocha_result *r);
/* When `st` is TOCHA_OK and a temporary was used: resizes `out` (same
 * rule) and copies the temporary into it.  Releases the temporary; returns
 * `st`, or the error of that copy. */
tocha_status tocha_result_end(tocha_result *r, tocha_status st);

#endif
