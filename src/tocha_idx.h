/*
 * tocha_idx.h: reading IDX files, the format of MNIST and Fashion-MNIST
 * (part of tocha's public C API, included by tocha.h; link with zlib).
 *
 * The format
 *   An IDX file is a header followed by the elements in row-major order,
 *   all big-endian:
 *     bytes 0-1   0x00 0x00
 *     byte  2     the element type code (see below)
 *     byte  3     the number of dimensions, ndim (1..TOCHA_MAX_DIMS here)
 *     ndim unsigned 32-bit sizes
 *     the data: the product of the sizes, elements of the type's width
 *   The file may also be gzip-compressed (e.g. train-images-idx3-ubyte.gz):
 *   zlib reads plain and gzip files alike.
 *
 * Element types and the tensor they give
 *   0x08 unsigned byte   -> Byte tensor (values as stored)
 *   0x09 signed byte     -> Long tensor
 *   0x0B signed 16 bits  -> Long tensor
 *   0x0C signed 32 bits  -> Long tensor
 *   0x0D float32         -> Float tensor
 *   0x0E float64         -> Double tensor
 *   The result has the file's sizes as its shape (a size of 0 gives a tensor
 *   with no elements of that shape).
 *
 * Checks
 *   The file must hold exactly what its header declares: a short file, a
 *   truncated or corrupted gzip stream (its CRC is checked), or data after
 *   the declared elements are errors.  Headers declaring a tensor of more
 *   than TOCHA_IDX_MAX_BYTES bytes are rejected before anything is
 *   allocated.  Memory never runs ahead of the data: a plain file's size is
 *   checked against its header before reading, and a gzip file (whose
 *   uncompressed size is unknown until its end) is read into a buffer that
 *   grows with the data actually decompressed, so a corrupted header cannot
 *   make tocha allocate more than about twice the data the file holds.
 */
#ifndef TOCHA_IDX_H
#define TOCHA_IDX_H

#include "tocha.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest tensor (in bytes, after conversion) tocha_read_idx accepts: 16 GiB. */
#define TOCHA_IDX_MAX_BYTES ((int64_t)1 << 34)

/* Reads the IDX file at `path` (plain or gzip) into `out`, which receives a
 * new contiguous tensor of the type listed above (out's previous dtype does
 * not matter).  On failure out is untouched and the message starts with the
 * path, e.g. "data/x.idx: truncated: 100 of the 784 data bytes declared by
 * its header (1x28x28 ubyte)".  Errors: path NULL (TOCHA_EARG, argument 1);
 * the file cannot be opened or read (TOCHA_EIO, with the system's reason);
 * not an IDX file, truncated, corrupted, trailing data, an unknown type code
 * or more than TOCHA_MAX_DIMS dimensions, a size over TOCHA_IDX_MAX_BYTES
 * (TOCHA_EFORMAT); out of memory (TOCHA_ENOMEM). */
tocha_status tocha_read_idx(tocha_tensor *out, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* TOCHA_IDX_H */
