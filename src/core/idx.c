/* IDX files (MNIST's format), plain or gzip-compressed, read through zlib.
 * See tocha_idx.h for the format and the checks. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../tocha.h"

typedef struct idx_type {
  unsigned code;
  const char *name;
  size_t width; /* bytes per element in the file */
  tocha_dtype dtype;
} idx_type;

static const idx_type idx_types[] = {
    {0x08, "ubyte", 1, TOCHA_BYTE}, {0x09, "sbyte", 1, TOCHA_LONG},  {0x0B, "short", 2, TOCHA_LONG},
    {0x0C, "int", 4, TOCHA_LONG},   {0x0D, "float", 4, TOCHA_FLOAT}, {0x0E, "double", 8, TOCHA_DOUBLE}};

/* Largest single gzread request, and the first buffer size when the data's
 * size cannot be checked before reading (gzip, pipes). */
#define IDX_CHUNK ((size_t)1 << 24)
#define IDX_FIRST_BUFFER ((uint64_t)1 << 20)

typedef struct reader {
  gzFile gz;
  const char *path;
  int compressed;
} reader;

/* The status and message for a read that failed; `what` says what was
 * being read ("header", "data").  zlib decompresses ahead into its buffer,
 * so for gzip errors the place is not reliable and is not named. */
static tocha_status read_error(const reader *r, const char *what) {
  int err = Z_OK;
  const char *msg = gzerror(r->gz, &err);
  /* zlib prefixes its messages with the file's name, "<fd:N>" here. */
  const char *colon = msg ? strstr(msg, ": ") : NULL;
  if (colon && msg[0] == '<') msg = colon + 2;
  switch (err) {
    case Z_ERRNO:
      return tocha_fail(TOCHA_EIO, 0, "%s: read error in the %s: %s", r->path, what, strerror(errno));
    case Z_MEM_ERROR:
      return tocha_fail(TOCHA_ENOMEM, 0, "%s: not enough memory while decompressing", r->path);
    case Z_BUF_ERROR: /* the compressed stream ends early */
      return tocha_fail(TOCHA_EFORMAT, 0, "%s: truncated gzip stream (the compressed data ends early)", r->path);
    default:
      return tocha_fail(TOCHA_EFORMAT, 0, "%s: corrupted gzip data (%s)", r->path,
                        msg && *msg ? msg : "unknown zlib error");
  }
}

/* Reads up to `len` bytes; *got < len only at the end of the data.  Errors
 * (including a cut gzip stream) are returned. */
static tocha_status read_bytes(const reader *r, void *buf, uint64_t len, uint64_t *got, const char *what) {
  *got = 0;
  while (*got < len) {
    uint64_t want = len - *got;
    unsigned ask = (unsigned)(want < IDX_CHUNK ? want : IDX_CHUNK);
    int n = gzread(r->gz, (char *)buf + *got, ask);
    if (n < 0) return read_error(r, what);
    if (n == 0) {
      int err = Z_OK;
      gzerror(r->gz, &err);
      if (err != Z_OK) return read_error(r, what);
      break; /* a clean end of the data */
    }
    *got += (uint64_t)n;
  }
  return TOCHA_OK;
}

static uint32_t load_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t load_be64(const uint8_t *p) { return (uint64_t)load_be32(p) << 32 | load_be32(p + 4); }

/* Turns n big-endian file elements at the start of buf into tensor
 * elements, in place.  Conversions that widen run backwards: element i's
 * result (at 8i) never overwrites an element j < i still to be read (at
 * width*j < 8i). */
static void convert_in_place(void *buf, int64_t n, const idx_type *t) {
  uint8_t *b = buf;
  switch (t->code) {
    case 0x08: break;
    case 0x09: {
      int64_t *o = buf;
      for (int64_t i = n - 1; i >= 0; i--) o[i] = (int8_t)b[i];
      break;
    }
    case 0x0B: {
      int64_t *o = buf;
      for (int64_t i = n - 1; i >= 0; i--) o[i] = (int16_t)(uint16_t)((unsigned)b[2 * i] << 8 | b[2 * i + 1]);
      break;
    }
    case 0x0C: {
      int64_t *o = buf;
      for (int64_t i = n - 1; i >= 0; i--) o[i] = (int32_t)load_be32(b + 4 * i);
      break;
    }
    case 0x0D: {
      float *o = buf;
      for (int64_t i = 0; i < n; i++) {
        uint32_t u = load_be32(b + 4 * i);
        memcpy(&o[i], &u, sizeof u);
      }
      break;
    }
    case 0x0E: {
      double *o = buf;
      for (int64_t i = 0; i < n; i++) {
        uint64_t u = load_be64(b + 8 * i);
        memcpy(&o[i], &u, sizeof u);
      }
      break;
    }
    default: break;
  }
}

/* "60000x28x28" */
static void dims_string(int ndim, const int64_t *size, char *buf, size_t len) {
  tocha_tensor t;
  tocha_tensor_init(&t, TOCHA_BYTE);
  t.ndim = ndim;
  memcpy(t.size, size, (size_t)ndim * sizeof *size);
  tocha_tensor_shape_string(&t, buf, len);
}

/* Parses the header: type, ndim, sizes, element count. */
static tocha_status read_header(const reader *r, const idx_type **type, int *ndim, int64_t *size,
                                int64_t *count, uint64_t *header_bytes) {
  uint8_t magic[4];
  uint64_t got;
  tocha_status st = read_bytes(r, magic, 4, &got, "header");
  if (st) return st;
  if (got == 0) return tocha_fail(TOCHA_EFORMAT, 0, "%s: empty file, not an IDX file", r->path);
  if (got < 4 || magic[0] != 0 || magic[1] != 0) {
    char shown[16] = "";
    for (uint64_t i = 0; i < got; i++) {
      size_t used = strlen(shown);
      snprintf(shown + used, sizeof shown - used, i ? " %02x" : "%02x", magic[i]);
    }
    return tocha_fail(TOCHA_EFORMAT, 0,
                      "%s: not an IDX file (it starts with bytes %s; an IDX file starts with 00 00, a type code "
                      "and the number of dimensions)",
                      r->path, shown);
  }
  *type = NULL;
  for (size_t i = 0; i < sizeof idx_types / sizeof idx_types[0]; i++)
    if (idx_types[i].code == magic[2]) *type = &idx_types[i];
  if (!*type)
    return tocha_fail(TOCHA_EFORMAT, 0,
                      "%s: unknown IDX element type code 0x%02X (known: 0x08 ubyte, 0x09 sbyte, 0x0B short, "
                      "0x0C int, 0x0D float, 0x0E double)",
                      r->path, magic[2]);
  *ndim = magic[3];
  if (*ndim < 1 || *ndim > TOCHA_MAX_DIMS)
    return tocha_fail(TOCHA_EFORMAT, 0, "%s: the header declares %d dimensions (1 to %d supported)", r->path,
                      *ndim, TOCHA_MAX_DIMS);
  uint8_t dims[4 * TOCHA_MAX_DIMS];
  uint64_t want = 4 * (uint64_t)*ndim;
  st = read_bytes(r, dims, want, &got, "header");
  if (st) return st;
  if (got < want)
    return tocha_fail(TOCHA_EFORMAT, 0, "%s: truncated header: it ends after %llu of the %llu bytes of sizes",
                      r->path, (unsigned long long)got, (unsigned long long)want);
  int any_zero = 0;
  for (int d = 0; d < *ndim; d++) {
    size[d] = load_be32(dims + 4 * d);
    if (size[d] == 0) any_zero = 1;
  }
  /* Bytes of the resulting tensor, checked against the limit as we go
   * (each factor < 2^32, the running product <= 2^34: no overflow). */
  uint64_t width = tocha_dtype_size((*type)->dtype), bytes = width;
  for (int d = 0; d < *ndim && !any_zero; d++) {
    if (bytes > (uint64_t)TOCHA_IDX_MAX_BYTES / (uint64_t)size[d]) {
      char shape[160];
      dims_string(*ndim, size, shape, sizeof shape);
      return tocha_fail(TOCHA_EFORMAT, 0,
                        "%s: the header declares %s %s elements: as a %s tensor, more than the limit of %lld "
                        "bytes (a corrupted header?)",
                        r->path, shape, (*type)->name, tocha_dtype_name((*type)->dtype),
                        (long long)TOCHA_IDX_MAX_BYTES);
    }
    bytes *= (uint64_t)size[d];
  }
  *count = any_zero ? 0 : (int64_t)(bytes / width);
  *header_bytes = 4 + want;
  return TOCHA_OK;
}

static tocha_status data_error(const reader *r, uint64_t got, uint64_t need, const idx_type *type, int ndim,
                               const int64_t *size) {
  char shape[160];
  dims_string(ndim, size, shape, sizeof shape);
  return tocha_fail(TOCHA_EFORMAT, 0, "%s: truncated: %llu of the %llu data bytes declared by its header (%s %s)",
                    r->path, (unsigned long long)got, (unsigned long long)need, shape, type->name);
}

/* After the data: the file must end here (for gzip this also checks the
 * stream's CRC and length). */
static tocha_status check_end(const reader *r) {
  uint8_t extra[64];
  uint64_t got;
  tocha_status st = read_bytes(r, extra, sizeof extra, &got, "end of the data");
  if (st) return st;
  if (got > 0)
    return tocha_fail(TOCHA_EFORMAT, 0, "%s: trailing data after the elements its header declares", r->path);
  return TOCHA_OK;
}

/* Reads header and data into *out (a fresh tensor); *out is released by the
 * caller on failure. */
static tocha_status read_idx(reader *r, int fd, tocha_tensor *out) {
  struct stat sb;
  if (fstat(fd, &sb) != 0) return tocha_fail(TOCHA_EIO, 0, "%s: cannot stat: %s", r->path, strerror(errno));
  if (S_ISDIR(sb.st_mode)) return tocha_fail(TOCHA_EIO, 0, "%s: is a directory, not an IDX file", r->path);
  r->compressed = !gzdirect(r->gz);

  const idx_type *type = NULL;
  int ndim = 0;
  int64_t size[TOCHA_MAX_DIMS], count = 0;
  uint64_t header_bytes = 0;
  tocha_status st = read_header(r, &type, &ndim, size, &count, &header_bytes);
  if (st) return st;
  uint64_t need = (uint64_t)count * type->width;
  if (need > (uint64_t)(SIZE_MAX / 2)) /* only on 32-bit systems */
    return tocha_fail(TOCHA_EFORMAT, 0, "%s: %llu data bytes do not fit in this system's memory", r->path,
                      (unsigned long long)need);

  /* A plain regular file: its size must match the header, checked before
   * allocating; then the data goes straight into the tensor. */
  int known = !r->compressed && S_ISREG(sb.st_mode);
  if (known) {
    uint64_t have = sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
    have = have > header_bytes ? have - header_bytes : 0;
    if (have < need) return data_error(r, have, need, type, ndim, size);
    if (have > need)
      return tocha_fail(TOCHA_EFORMAT, 0, "%s: trailing data: %llu byte%s after the %llu data bytes its header declares",
                        r->path, (unsigned long long)(have - need), have - need == 1 ? "" : "s",
                        (unsigned long long)need);
  }

  uint8_t *raw = NULL;
  if (!known && need > 0) {
    /* Unknown size: a buffer growing with the data read, up to `need`. */
    uint64_t cap = need < IDX_FIRST_BUFFER ? need : IDX_FIRST_BUFFER, have = 0;
    raw = malloc((size_t)cap);
    if (!raw) return tocha_fail(TOCHA_ENOMEM, 0, "%s: not enough memory reading %llu bytes", r->path,
                                (unsigned long long)cap);
    for (;;) {
      uint64_t got;
      st = read_bytes(r, raw + have, cap - have, &got, "data");
      if (st) {
        free(raw);
        return st;
      }
      have += got;
      if (have < cap) {
        free(raw);
        return data_error(r, have, need, type, ndim, size);
      }
      if (have == need) break;
      uint64_t bigger = cap > need / 2 ? need : 2 * cap;
      uint8_t *grown = realloc(raw, (size_t)bigger);
      if (!grown) {
        free(raw);
        return tocha_fail(TOCHA_ENOMEM, 0, "%s: not enough memory reading %llu bytes", r->path,
                          (unsigned long long)bigger);
      }
      raw = grown;
      cap = bigger;
    }
  }

  st = tocha_tensor_new(out, type->dtype, ndim, size);
  if (st) {
    free(raw);
    char shape[160], why[256];
    dims_string(ndim, size, shape, sizeof shape);
    snprintf(why, sizeof why, "%s", tocha_last_error()->message);
    return tocha_fail(st, 0, "%s: cannot allocate a %s %s tensor: %s", r->path, shape,
                      tocha_dtype_name(type->dtype), why);
  }
  void *data = tocha_tensor_data(out);
  if (need > 0) {
    if (raw) {
      memcpy(data, raw, (size_t)need);
      free(raw);
    } else {
      uint64_t got;
      st = read_bytes(r, data, need, &got, "data");
      if (st) return st;
      if (got < need) return data_error(r, got, need, type, ndim, size); /* shrank while reading */
    }
    convert_in_place(data, count, type);
  }
  return check_end(r);
}

tocha_status tocha_read_idx(tocha_tensor *out, const char *path) {
  if (!path) return tocha_fail(TOCHA_EARG, 1, "path is NULL");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return tocha_fail(TOCHA_EIO, 0, "%s: cannot open: %s", path, strerror(errno));
  reader r = {NULL, path, 0};
  r.gz = gzdopen(fd, "rb");
  if (!r.gz) {
    close(fd);
    return tocha_fail(TOCHA_ENOMEM, 0, "%s: cannot open: not enough memory", path);
  }
  gzbuffer(r.gz, 1 << 17);
  tocha_tensor result;
  tocha_tensor_init(&result, TOCHA_BYTE);
  tocha_status st = read_idx(&r, fd, &result);
  gzclose_r(r.gz); /* closes fd */
  if (st) {
    tocha_tensor_release(&result);
    return st;
  }
  tocha_storage_release(out->storage);
  *out = result;
  return TOCHA_OK;
}
