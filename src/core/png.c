/* PNG encoding and decoding of ByteTensor images (8-bit gray, gray+alpha,
 * RGB, RGBA; not interlaced), with zlib for deflate and CRC-32. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../tocha.h"

static const unsigned char png_signature[8] = {137, 'P', 'N', 'G', '\r', '\n', 26, '\n'};

/* Decoded images larger than this are refused (a corrupt header must not
 * make us allocate without bound). */
#define PNG_MAX_RAW ((uint64_t)1 << 32)

/* ---- checking an image tensor ------------------------------------------ */

typedef struct image_geom {
  int64_t h, w, c;          /* rows, columns, channels */
  int64_t sh, sw, sc;       /* strides (elements) */
  const unsigned char *base;
} image_geom;

static tocha_status check_image(image_geom *g, const tocha_tensor *image, int arg) {
  char shape[128];
  if (image->dtype != TOCHA_BYTE)
    return tocha_fail(TOCHA_ETYPE, arg, "image must be a ByteTensor, got a %sTensor",
                      tocha_dtype_name(image->dtype));
  tocha_tensor_shape_string(image, shape, sizeof shape);
  if (image->ndim != 2 && image->ndim != 3)
    return tocha_fail(TOCHA_ESIZE, arg, "image must be h x w or h x w x c (c = 1..4), got size %s", shape);
  g->h = image->size[0];
  g->w = image->size[1];
  g->c = image->ndim == 3 ? image->size[2] : 1;
  g->sh = image->stride[0];
  g->sw = image->stride[1];
  g->sc = image->ndim == 3 ? image->stride[2] : 0;
  if (g->c < 1 || g->c > 4)
    return tocha_fail(TOCHA_ESIZE, arg, "image must have 1 to 4 channels (gray, gray+alpha, RGB, RGBA), got size %s",
                      shape);
  if (g->h < 1 || g->w < 1 || g->h > INT32_MAX || g->w > INT32_MAX)
    return tocha_fail(TOCHA_ESIZE, arg, "image height and width must be 1..2^31-1 for a PNG, got size %s", shape);
  if ((uint64_t)g->h * (uint64_t)(g->w * g->c + 1) > PNG_MAX_RAW)
    return tocha_fail(TOCHA_EOVERFLOW, arg, "image of size %s is too large for a PNG (over 4 GiB of pixels)", shape);
  g->base = tocha_tensor_data(image);
  return TOCHA_OK;
}

/* ---- chunks -------------------------------------------------------------- */

static void put_u32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

static uint32_t get_u32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Appends a chunk at *pos of out (space is reserved by the caller). */
static void put_chunk(unsigned char *out, size_t *pos, const char *type, const unsigned char *data, size_t len) {
  unsigned char *p = out + *pos;
  put_u32(p, (uint32_t)len);
  memcpy(p + 4, type, 4);
  if (len) memcpy(p + 8, data, len);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, p + 4, (uInt)(4 + len));
  put_u32(p + 8 + len, (uint32_t)crc);
  *pos += 12 + len;
}

/* ---- filters ------------------------------------------------------------- */

static int paeth(int a, int b, int c) {
  int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/* Filters row `cur` (n bytes, bpp bytes per pixel; prev is the row above or
 * zeros) with filter type `f` into dst. */
static void filter_row(unsigned char *dst, const unsigned char *cur, const unsigned char *prev, size_t n, size_t bpp,
                       int f) {
  for (size_t i = 0; i < n; i++) {
    int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0, pred;
    switch (f) {
      case 1: pred = a; break;
      case 2: pred = b; break;
      case 3: pred = (a + b) / 2; break;
      case 4: pred = paeth(a, b, c); break;
      default: pred = 0;
    }
    dst[i] = (unsigned char)(cur[i] - pred);
  }
}

/* The usual heuristic: the filter whose output has the smallest sum of
 * absolute values (bytes read as signed). */
static uint64_t filtered_cost(const unsigned char *row, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; i++) s += row[i] < 128 ? row[i] : 256 - row[i];
  return s;
}

tocha_status tocha_png_encode(unsigned char **data, size_t *len, const tocha_tensor *image, int level) {
  image_geom g = {0};
  tocha_status st = check_image(&g, image, 1);
  if (st) return st;
  if (level < -1 || level > 9) return tocha_fail(TOCHA_EARG, 2, "compression level must be -1..9, got %d", level);
  *data = NULL;
  *len = 0;
  size_t rowbytes = (size_t)(g.w * g.c), rawlen = (size_t)g.h * (rowbytes + 1);
  unsigned char *raw = malloc(rawlen), *rows = malloc(7 * rowbytes); /* prev, cur, 5 candidates */
  if (!raw || !rows) {
    free(raw);
    free(rows);
    return tocha_fail(TOCHA_ENOMEM, 1, "not enough memory encoding a %lldx%lld PNG", (long long)g.h, (long long)g.w);
  }
  unsigned char *prev = rows, *cur = rows + rowbytes, *cand = rows + 2 * rowbytes;
  memset(prev, 0, rowbytes);
  for (int64_t y = 0; y < g.h; y++) {
    const unsigned char *src = g.base + y * g.sh;
    for (int64_t x = 0; x < g.w; x++)
      for (int64_t c = 0; c < g.c; c++) cur[x * g.c + c] = src[x * g.sw + c * g.sc];
    int best = 0;
    uint64_t best_cost = UINT64_MAX;
    for (int f = 0; f < 5; f++) {
      filter_row(cand + f * rowbytes, cur, prev, rowbytes, (size_t)g.c, f);
      uint64_t cost = filtered_cost(cand + f * rowbytes, rowbytes);
      if (cost < best_cost) {
        best_cost = cost;
        best = f;
      }
    }
    unsigned char *dst = raw + (size_t)y * (rowbytes + 1);
    dst[0] = (unsigned char)best;
    memcpy(dst + 1, cand + best * rowbytes, rowbytes);
    unsigned char *t = prev;
    prev = cur;
    cur = t;
  }
  free(rows);

  uLong zlen = compressBound((uLong)rawlen);
  unsigned char *z = malloc(zlen);
  int zst = z ? compress2(z, &zlen, raw, (uLong)rawlen, level) : Z_MEM_ERROR;
  free(raw);
  const uLong max_chunk = 0x40000000; /* at most 1 GiB per IDAT chunk */
  unsigned char *out = zst == Z_OK ? malloc(8 + 25 + zlen + 12 * (zlen / max_chunk + 1) + 12) : NULL;
  if (zst == Z_OK && !out) zst = Z_MEM_ERROR;
  if (zst != Z_OK) {
    free(z);
    if (zst == Z_MEM_ERROR) return tocha_fail(TOCHA_ENOMEM, 1, "not enough memory compressing a PNG");
    return tocha_fail(TOCHA_EARG, 1, "zlib failed to compress the image (error %d)", zst);
  }

  size_t pos = 0;
  memcpy(out, png_signature, 8);
  pos = 8;
  unsigned char ihdr[13];
  static const int color_type[5] = {0, 0, 4, 2, 6};
  put_u32(ihdr, (uint32_t)g.w);
  put_u32(ihdr + 4, (uint32_t)g.h);
  ihdr[8] = 8;                            /* bit depth */
  ihdr[9] = (unsigned char)color_type[g.c];
  ihdr[10] = ihdr[11] = ihdr[12] = 0;     /* deflate, adaptive filters, no interlace */
  put_chunk(out, &pos, "IHDR", ihdr, 13);
  for (uLong off = 0; off < zlen; off += max_chunk) {
    uLong n = zlen - off < max_chunk ? zlen - off : max_chunk;
    put_chunk(out, &pos, "IDAT", z + off, n);
  }
  free(z);
  put_chunk(out, &pos, "IEND", NULL, 0);
  *data = out;
  *len = pos;
  return TOCHA_OK;
}

void tocha_png_free(unsigned char *data) { free(data); }

tocha_status tocha_png_write(const char *path, const tocha_tensor *image) {
  if (!path || !*path) return tocha_fail(TOCHA_EARG, 1, "a file name is required");
  unsigned char *data;
  size_t len;
  tocha_status st = tocha_png_encode(&data, &len, image, -1);
  if (st) {
    tocha_error copy = *tocha_last_error();
    return tocha_fail(st, copy.arg ? copy.arg + 1 : 0, "%s", copy.message);
  }
  FILE *f = fopen(path, "wb");
  if (!f) {
    tocha_png_free(data);
    return tocha_fail(TOCHA_EIO, 1, "cannot open '%s' for writing", path);
  }
  size_t written = fwrite(data, 1, len, f);
  int closed = fclose(f);
  tocha_png_free(data);
  if (written != len || closed != 0) return tocha_fail(TOCHA_EIO, 1, "cannot write '%s' (disk full?)", path);
  return TOCHA_OK;
}

/* ---- decoding ------------------------------------------------------------ */

static tocha_status bad_png(const char *what) { return tocha_fail(TOCHA_EFORMAT, 1, "not a valid PNG: %s", what); }

tocha_status tocha_png_decode(tocha_tensor *out, const unsigned char *data, size_t len) {
  if (!data || len < 8 || memcmp(data, png_signature, 8) != 0) return bad_png("no PNG signature");
  size_t pos = 8;
  int64_t w = 0, h = 0, c = 0;
  int seen_ihdr = 0, seen_iend = 0;
  size_t zlen = 0;
  /* First pass: check chunks and CRCs, read IHDR, total the IDAT bytes. */
  while (!seen_iend) {
    if (len - pos < 12) return bad_png("truncated chunk");
    uint32_t n = get_u32(data + pos);
    const unsigned char *type = data + pos + 4, *body = data + pos + 8;
    if (n > 0x7fffffffu || n > len - pos - 12) return bad_png("truncated chunk");
    uLong crc = crc32(crc32(0L, Z_NULL, 0), type, (uInt)(n + 4));
    if (get_u32(body + n) != (uint32_t)crc) {
      char msg[64];
      snprintf(msg, sizeof msg, "bad CRC in chunk %.4s", (const char *)type);
      for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 32 || (unsigned char)*p > 126) *p = '?';
      return bad_png(msg);
    }
    if (!seen_ihdr && memcmp(type, "IHDR", 4) != 0) return bad_png("first chunk is not IHDR");
    if (memcmp(type, "IHDR", 4) == 0) {
      if (seen_ihdr || n != 13) return bad_png("malformed IHDR");
      seen_ihdr = 1;
      w = get_u32(body);
      h = get_u32(body + 4);
      int depth = body[8], ctype = body[9];
      if (w < 1 || h < 1 || w > INT32_MAX || h > INT32_MAX) return bad_png("width or height out of range");
      if (body[10] != 0 || body[11] != 0) return bad_png("unknown compression or filter method");
      if (body[12] != 0) return tocha_fail(TOCHA_EFORMAT, 1, "interlaced PNGs are not supported");
      switch (ctype) {
        case 0: c = 1; break;
        case 4: c = 2; break;
        case 2: c = 3; break;
        case 6: c = 4; break;
        default: return tocha_fail(TOCHA_EFORMAT, 1, "PNG colour type %d (palette) is not supported", ctype);
      }
      if (depth != 8)
        return tocha_fail(TOCHA_EFORMAT, 1, "PNGs of %d bits per channel are not supported (8 only)", depth);
    } else if (memcmp(type, "IDAT", 4) == 0) {
      zlen += n;
    } else if (memcmp(type, "IEND", 4) == 0) {
      seen_iend = 1;
    } else if (!(type[0] & 0x20)) {
      return tocha_fail(TOCHA_EFORMAT, 1, "unsupported critical chunk %c%c%c%c", type[0], type[1], type[2],
                        type[3]);
    }
    pos += 12 + n;
  }
  if (zlen == 0) return bad_png("no image data (IDAT)");
  uint64_t rowbytes = (uint64_t)(w * c), rawlen = (uint64_t)h * (rowbytes + 1);
  if (rawlen > PNG_MAX_RAW) return tocha_fail(TOCHA_EOVERFLOW, 1, "PNG of %lldx%lld is too large (over 4 GiB)",
                                              (long long)h, (long long)w);
  unsigned char *z = malloc(zlen), *raw = malloc((size_t)rawlen);
  if (!z || !raw) {
    free(z);
    free(raw);
    return tocha_fail(TOCHA_ENOMEM, 1, "not enough memory decoding a %lldx%lld PNG", (long long)h, (long long)w);
  }
  size_t zpos = 0;
  for (pos = 8;;) {
    uint32_t n = get_u32(data + pos);
    if (memcmp(data + pos + 4, "IDAT", 4) == 0) {
      memcpy(z + zpos, data + pos + 8, n);
      zpos += n;
    }
    if (memcmp(data + pos + 4, "IEND", 4) == 0) break;
    pos += 12 + n;
  }
  uLongf got = (uLongf)rawlen;
  int zst = uncompress(raw, &got, z, (uLong)zlen);
  free(z);
  if (zst != Z_OK || got != rawlen) {
    free(raw);
    if (zst == Z_MEM_ERROR) return tocha_fail(TOCHA_ENOMEM, 1, "not enough memory decoding a PNG");
    return bad_png(zst == Z_OK || zst == Z_BUF_ERROR ? "image data has the wrong length" : "corrupt image data");
  }
  /* Unfilter in place: row y's bytes follow its filter byte. */
  size_t bpp = (size_t)c, rb = (size_t)rowbytes;
  for (int64_t y = 0; y < h; y++) {
    unsigned char *row = raw + (size_t)y * (rb + 1);
    int f = row[0];
    unsigned char *cur = row + 1;
    const unsigned char *prev = y > 0 ? raw + (size_t)(y - 1) * (rb + 1) + 1 : NULL;
    if (f > 4) {
      free(raw);
      return bad_png("unknown row filter");
    }
    for (size_t i = 0; i < rb; i++) {
      int a = i >= bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0, cc = prev && i >= bpp ? prev[i - bpp] : 0, pred;
      switch (f) {
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) / 2; break;
        case 4: pred = paeth(a, b, cc); break;
        default: pred = 0;
      }
      cur[i] = (unsigned char)(cur[i] + pred);
    }
  }
  tocha_tensor img;
  tocha_tensor_init(&img, TOCHA_BYTE);
  tocha_status st = tocha_tensor_new(&img, TOCHA_BYTE, 3, (int64_t[]){h, w, c});
  if (st) {
    free(raw);
    return st;
  }
  unsigned char *dst = tocha_tensor_data(&img);
  for (int64_t y = 0; y < h; y++) memcpy(dst + (size_t)y * rb, raw + (size_t)y * (rb + 1) + 1, rb);
  free(raw);
  tocha_tensor_release(out);
  *out = img;
  return TOCHA_OK;
}

tocha_status tocha_png_read(tocha_tensor *out, const char *path) {
  if (!path || !*path) return tocha_fail(TOCHA_EARG, 1, "a file name is required");
  FILE *f = fopen(path, "rb");
  if (!f) return tocha_fail(TOCHA_EIO, 1, "cannot open '%s'", path);
  size_t cap = 1 << 16, len = 0;
  unsigned char *buf = malloc(cap);
  while (buf) {
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap) break;
    if (cap > ((size_t)PNG_MAX_RAW << 1)) {
      free(buf);
      fclose(f);
      return tocha_fail(TOCHA_EOVERFLOW, 1, "'%s' is too large", path);
    }
    unsigned char *bigger = realloc(buf, cap * 2);
    if (!bigger) free(buf);
    buf = bigger;
    cap *= 2;
  }
  int failed = ferror(f);
  fclose(f);
  if (!buf) return tocha_fail(TOCHA_ENOMEM, 1, "not enough memory reading '%s'", path);
  if (failed) {
    free(buf);
    return tocha_fail(TOCHA_EIO, 1, "cannot read '%s'", path);
  }
  tocha_status st = tocha_png_decode(out, buf, len);
  free(buf);
  if (st) {
    tocha_error copy = *tocha_last_error();
    return tocha_fail(st, 1, "'%s': %s", path, copy.message);
  }
  return TOCHA_OK;
}
