/* PNG encoding/decoding and the canvas drawing primitives, from plain C. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "tocha.h"

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* A deterministic pseudo-random byte (a 32-bit LCG). */
static unsigned char next_byte(uint32_t *s) {
  *s = *s * 1664525u + 1013904223u;
  return (unsigned char)(*s >> 24);
}

static tocha_tensor make_image(int64_t h, int64_t w, int64_t c, uint32_t seed) {
  tocha_tensor t;
  tocha_tensor_init(&t, TOCHA_BYTE);
  if (c == 0)
    tocha_tensor_new(&t, TOCHA_BYTE, 2, (int64_t[]){h, w});
  else
    tocha_tensor_new(&t, TOCHA_BYTE, 3, (int64_t[]){h, w, c});
  unsigned char *p = tocha_tensor_data(&t);
  int64_t n = tocha_tensor_nelement(&t);
  /* Smooth gradients in the top half (Sub/Up/Paeth pay off), noise below. */
  for (int64_t k = 0; k < n; k++) {
    int64_t row = k / (n / h);
    p[k] = row < h / 2 ? (unsigned char)(k * 3 + row * 7) : next_byte(&seed);
  }
  return t;
}

/* Checks the chunk layout: signature, IHDR fields, every CRC, IEND last. */
static void check_structure(const unsigned char *d, size_t len, uint32_t w, uint32_t h, int ctype) {
  static const unsigned char sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  CHECK(len > 8 + 25 + 12 && memcmp(d, sig, 8) == 0);
  CHECK(be32(d + 8) == 13 && memcmp(d + 12, "IHDR", 4) == 0);
  CHECK(be32(d + 16) == w && be32(d + 20) == h);
  CHECK(d[24] == 8 && d[25] == ctype && d[26] == 0 && d[27] == 0 && d[28] == 0);
  size_t pos = 8;
  int chunks = 0, crc_ok = 1;
  const unsigned char *last = NULL;
  while (pos + 12 <= len) {
    uint32_t n = be32(d + pos);
    uLong crc = crc32(crc32(0L, Z_NULL, 0), d + pos + 4, n + 4);
    if (be32(d + pos + 8 + n) != (uint32_t)crc) crc_ok = 0;
    last = d + pos + 4;
    pos += 12 + n;
    chunks++;
  }
  CHECK(crc_ok);
  CHECK(pos == len && chunks >= 3 && last && memcmp(last, "IEND", 4) == 0);
}

static void test_roundtrip(void) {
  static const int ctypes[5] = {0, 0, 4, 2, 6};
  for (int64_t c = 0; c <= 4; c++) {
    tocha_tensor img = make_image(23, 17, c, (uint32_t)(c + 1)), back;
    tocha_tensor_init(&back, TOCHA_BYTE);
    unsigned char *data = NULL;
    size_t len = 0;
    CHECK(tocha_png_encode(&data, &len, &img, 9) == TOCHA_OK);
    check_structure(data, len, 17, 23, ctypes[c]);
    CHECK(tocha_png_decode(&back, data, len) == TOCHA_OK);
    int64_t cc = c == 0 ? 1 : c;
    CHECK(back.ndim == 3 && back.size[0] == 23 && back.size[1] == 17 && back.size[2] == cc);
    CHECK(memcmp(tocha_tensor_data(&back), tocha_tensor_data(&img), (size_t)(23 * 17 * cc)) == 0);
    tocha_png_free(data);
    tocha_tensor_release(&img);
    tocha_tensor_release(&back);
  }
}

static void test_noncontiguous_and_files(void) {
  /* A transposed view (w x h x 3 -> h x w x 3) encodes its logical pixels. */
  tocha_tensor img = make_image(9, 14, 3, 7), tr, back, again;
  tocha_tensor_init(&tr, TOCHA_BYTE);
  tocha_tensor_init(&back, TOCHA_BYTE);
  tocha_tensor_init(&again, TOCHA_BYTE);
  CHECK(tocha_transpose(&tr, &img, 0, 1) == TOCHA_OK && !tocha_tensor_is_contiguous(&tr));
  const char *path = "test_png_out.png";
  CHECK(tocha_png_write(path, &tr) == TOCHA_OK);
  CHECK(tocha_png_read(&back, path) == TOCHA_OK);
  CHECK(back.size[0] == 14 && back.size[1] == 9 && back.size[2] == 3);
  int same = 1;
  for (int64_t y = 0; y < 14; y++)
    for (int64_t x = 0; x < 9; x++)
      for (int64_t k = 0; k < 3; k++) {
        double a, b;
        tocha_tensor_get(&tr, (int64_t[]){y, x, k}, &a);
        tocha_tensor_get(&back, (int64_t[]){y, x, k}, &b);
        if (a != b) same = 0;
      }
  CHECK(same);
  /* Reading into a tensor that already holds an image replaces it. */
  CHECK(tocha_png_read(&back, path) == TOCHA_OK && back.size[0] == 14);
  remove(path);
  CHECK(tocha_png_read(&again, path) == TOCHA_EIO && tocha_last_error()->arg == 1);
  CHECK(tocha_png_write("/nonexistent-dir/x.png", &img) == TOCHA_EIO && tocha_last_error()->arg == 1);
  CHECK(strstr(tocha_last_error()->message, "cannot open") != NULL);
  CHECK(tocha_png_write("", &img) == TOCHA_EARG);
  tocha_tensor_release(&img);
  tocha_tensor_release(&tr);
  tocha_tensor_release(&back);
  tocha_tensor_release(&again);
}

static void test_encode_errors(void) {
  tocha_tensor f, b, out;
  tocha_tensor_init(&f, TOCHA_FLOAT);
  tocha_tensor_init(&b, TOCHA_BYTE);
  tocha_tensor_init(&out, TOCHA_BYTE);
  unsigned char *data = NULL;
  size_t len = 0;
  CHECK(tocha_tensor_new(&f, TOCHA_FLOAT, 3, (int64_t[]){2, 2, 3}) == TOCHA_OK);
  CHECK(tocha_png_encode(&data, &len, &f, -1) == TOCHA_ETYPE && tocha_last_error()->arg == 1);
  CHECK(strstr(tocha_last_error()->message, "ByteTensor") != NULL);
  CHECK(tocha_tensor_new(&b, TOCHA_BYTE, 3, (int64_t[]){2, 2, 5}) == TOCHA_OK);
  CHECK(tocha_png_encode(&data, &len, &b, -1) == TOCHA_ESIZE);
  CHECK(strstr(tocha_last_error()->message, "2x2x5") != NULL);
  CHECK(tocha_tensor_new(&b, TOCHA_BYTE, 1, (int64_t[]){4}) == TOCHA_OK);
  CHECK(tocha_png_encode(&data, &len, &b, -1) == TOCHA_ESIZE);
  CHECK(tocha_tensor_new(&b, TOCHA_BYTE, 3, (int64_t[]){0, 2, 3}) == TOCHA_OK);
  CHECK(tocha_png_encode(&data, &len, &b, -1) == TOCHA_ESIZE);
  CHECK(tocha_tensor_new(&b, TOCHA_BYTE, 3, (int64_t[]){2, 2, 3}) == TOCHA_OK);
  CHECK(tocha_png_encode(&data, &len, &b, 10) == TOCHA_EARG && tocha_last_error()->arg == 2);
  CHECK(tocha_png_write("x.png", &f) == TOCHA_ETYPE && tocha_last_error()->arg == 2);
  CHECK(data == NULL);

  /* Decoding damaged files. */
  CHECK(tocha_png_encode(&data, &len, &b, -1) == TOCHA_OK);
  unsigned char *bad = malloc(len);
  memcpy(bad, data, len);
  bad[20] ^= 1; /* inside IHDR: its CRC no longer matches */
  CHECK(tocha_png_decode(&out, bad, len) == TOCHA_EFORMAT);
  CHECK(strstr(tocha_last_error()->message, "bad CRC in chunk IHDR") != NULL);
  memcpy(bad, data, len);
  bad[0] = 0;
  CHECK(tocha_png_decode(&out, bad, len) == TOCHA_EFORMAT);
  CHECK(strstr(tocha_last_error()->message, "signature") != NULL);
  CHECK(tocha_png_decode(&out, data, len - 5) == TOCHA_EFORMAT); /* truncated */
  CHECK(tocha_png_decode(&out, data, 4) == TOCHA_EFORMAT);
  /* A 16-bit IHDR (with a valid CRC) is refused clearly. */
  memcpy(bad, data, len);
  bad[24] = 16;
  uLong crc = crc32(crc32(0L, Z_NULL, 0), bad + 12, 17);
  bad[29] = (unsigned char)(crc >> 24);
  bad[30] = (unsigned char)(crc >> 16);
  bad[31] = (unsigned char)(crc >> 8);
  bad[32] = (unsigned char)crc;
  CHECK(tocha_png_decode(&out, bad, len) == TOCHA_EFORMAT);
  CHECK(strstr(tocha_last_error()->message, "16 bits") != NULL);
  CHECK(out.ndim == 0); /* untouched by every failure */
  free(bad);
  tocha_png_free(data);
  tocha_tensor_release(&f);
  tocha_tensor_release(&b);
  tocha_tensor_release(&out);
}

/* ---- drawing ----------------------------------------------------------- */

static int px(const tocha_tensor *cv, int64_t x, int64_t y, int k) {
  double v = -1;
  tocha_tensor_get(cv, (int64_t[]){y, x, k}, &v);
  return (int)v;
}

static tocha_tensor white_canvas(int64_t h, int64_t w, int64_t c) {
  tocha_tensor cv;
  tocha_tensor_init(&cv, TOCHA_BYTE);
  tocha_tensor_new(&cv, TOCHA_BYTE, 3, (int64_t[]){h, w, c});
  tocha_fill(&cv, 255);
  return cv;
}

static void test_rect_and_disc(void) {
  tocha_tensor cv = white_canvas(20, 30, 3);
  const tocha_color red = {255, 0, 0, 255};
  /* [2, 6.5) x [3, 5): pixels 2..5 full, pixel 6 half covered. */
  CHECK(tocha_draw_rect(&cv, 2, 3, 4.5, 2, red, NULL) == TOCHA_OK);
  CHECK(px(&cv, 2, 3, 0) == 255 && px(&cv, 2, 3, 1) == 0 && px(&cv, 5, 4, 2) == 0);
  CHECK(px(&cv, 6, 3, 1) == 128 && px(&cv, 6, 3, 0) == 255);
  CHECK(px(&cv, 7, 3, 1) == 255 && px(&cv, 2, 5, 1) == 255 && px(&cv, 1, 3, 1) == 255);
  /* Half-transparent black over white: 255 * (1 - 0.5) rounded. */
  CHECK(tocha_draw_rect(&cv, 20, 10, 2, 2, (tocha_color){0, 0, 0, 128}, NULL) == TOCHA_OK);
  CHECK(px(&cv, 20, 10, 0) == 127 && px(&cv, 21, 11, 2) == 127);
  /* Clipped: only x < 25 is drawn; a rectangle off the canvas is harmless. */
  CHECK(tocha_draw_rect(&cv, 23, 0, 10, 1, red, (const double[]){0, 0, 25, 20}) == TOCHA_OK);
  CHECK(px(&cv, 24, 0, 1) == 0 && px(&cv, 25, 0, 1) == 255);
  CHECK(tocha_draw_rect(&cv, -100, -100, 50, 50, red, NULL) == TOCHA_OK);
  CHECK(tocha_draw_rect(&cv, INFINITY, 0, 1, 1, red, NULL) == TOCHA_EARG && tocha_last_error()->arg == 2);
  CHECK(tocha_draw_rect(&cv, 0, 0, -1, 1, red, NULL) == TOCHA_EARG && tocha_last_error()->arg == 4);
  CHECK(tocha_draw_disc(&cv, 10.5, 15.5, 3, red, NULL) == TOCHA_OK);
  CHECK(px(&cv, 10, 15, 1) == 0 && px(&cv, 12, 15, 1) == 0 && px(&cv, 15, 15, 1) == 255);
  CHECK(tocha_draw_disc(&cv, 10, 15, -1, red, NULL) == TOCHA_EARG && tocha_last_error()->arg == 4);
  tocha_tensor_release(&cv);
}

static void test_polyline(void) {
  tocha_tensor cv = white_canvas(40, 60, 4);
  const tocha_color blue = {0, 0, 255, 255};
  /* A horizontal 2-px line on y = 10 covers rows 9 and 10 exactly. */
  CHECK(tocha_draw_polyline(&cv, (const double[]){5, 10, 50, 10}, 2, 2, blue, NULL, 0, NULL) == TOCHA_OK);
  CHECK(px(&cv, 20, 9, 0) == 0 && px(&cv, 20, 10, 0) == 0 && px(&cv, 20, 10, 2) == 255);
  CHECK(px(&cv, 20, 8, 0) == 255 && px(&cv, 20, 11, 0) == 255 && px(&cv, 20, 10, 3) == 255);
  /* Round ends: the line reaches one pixel past x = 50, not two. */
  CHECK(px(&cv, 50, 10, 0) < 128 && px(&cv, 52, 10, 0) == 255);
  /* Dashed (4 on, 4 off) along y = 20: on at x in [0, 4), off in [4, 8). */
  CHECK(tocha_draw_polyline(&cv, (const double[]){0, 20, 40, 20}, 2, 2, blue, (const double[]){4, 4}, 2, NULL) ==
        TOCHA_OK);
  CHECK(px(&cv, 1, 20, 0) == 0 && px(&cv, 2, 19, 0) == 0 && px(&cv, 5, 20, 0) == 255 && px(&cv, 6, 20, 0) == 255);
  CHECK(px(&cv, 9, 20, 0) == 0 && px(&cv, 13, 20, 0) == 255);
  /* A NaN point makes a gap; a clip rectangle limits the ink. */
  double nan = NAN;
  CHECK(tocha_draw_polyline(&cv, (const double[]){0, 30, 20, 30, nan, nan, 40, 30, 59, 30}, 5, 2, blue, NULL, 0,
                            (const double[]){0, 0, 50, 40}) == TOCHA_OK);
  CHECK(px(&cv, 10, 30, 0) == 0 && px(&cv, 30, 30, 0) == 255 && px(&cv, 45, 30, 0) == 0);
  CHECK(px(&cv, 55, 30, 0) == 255);
  /* Diagonal: anti-aliased, ink near the line, none far from it. */
  CHECK(tocha_draw_polyline(&cv, (const double[]){0, 0, 39, 39}, 2, 2, blue, NULL, 0, NULL) == TOCHA_OK);
  CHECK(px(&cv, 15, 15, 0) == 0 && px(&cv, 15, 22, 0) == 255 && px(&cv, 16, 15, 0) < 255);
  /* Absurd coordinates neither crash nor paint everything. */
  CHECK(tocha_draw_polyline(&cv, (const double[]){-1e300, 35, 1e300, 35}, 2, 1, blue, NULL, 0, NULL) == TOCHA_OK);
  CHECK(px(&cv, 30, 38, 0) == 255);
  /* Errors. */
  CHECK(tocha_draw_polyline(&cv, (const double[]){0, 0}, 1, 0, blue, NULL, 0, NULL) == TOCHA_EARG &&
        tocha_last_error()->arg == 4);
  CHECK(tocha_draw_polyline(&cv, (const double[]){0, 0}, 1, 1, blue, (const double[]){-1, 2}, 2, NULL) ==
            TOCHA_EARG &&
        tocha_last_error()->arg == 6);
  CHECK(tocha_draw_polyline(&cv, (const double[]){0, 0}, 1, 1, blue, (const double[]){0, 0}, 2, NULL) == TOCHA_EARG);
  CHECK(tocha_draw_polyline(&cv, NULL, -1, 1, blue, NULL, 0, NULL) == TOCHA_EARG && tocha_last_error()->arg == 3);
  tocha_tensor_release(&cv);
}

static void test_text(void) {
  tocha_tensor cv = white_canvas(30, 80, 3), small, flt;
  tocha_tensor_init(&small, TOCHA_BYTE);
  tocha_tensor_init(&flt, TOCHA_FLOAT);
  const tocha_color black = {0, 0, 0, 255};
  CHECK(tocha_text_width("", 2) == 0 && tocha_text_width("ab", 1) == 11 && tocha_text_width("abc", 2) == 34);
  CHECK(tocha_text_width("\xc3\xa9t\xc3\xa9", 1) == 17); /* "été": 3 characters */
  /* 'I' at scale 2, baseline y = 20: its top bar spans columns 1..3 of the
   * glyph, rows 0 (y 6..7); its stem is column 2 (x 14..15) down to y 19. */
  CHECK(tocha_draw_text(&cv, 10, 20, "I", 2, 0, black, NULL) == TOCHA_OK);
  CHECK(px(&cv, 12, 6, 0) == 0 && px(&cv, 17, 7, 0) == 0 && px(&cv, 18, 6, 0) == 255);
  CHECK(px(&cv, 14, 12, 0) == 0 && px(&cv, 15, 19, 0) == 0 && px(&cv, 14, 20, 0) == 255);
  CHECK(px(&cv, 12, 12, 0) == 255 && px(&cv, 10, 6, 0) == 255 && px(&cv, 14, 5, 0) == 255);
  /* Vertical '-' (row 3, columns 0..4) becomes a column at x = ox - 4s. */
  CHECK(tocha_draw_text(&cv, 60, 25, "-", 1, 1, black, NULL) == TOCHA_OK);
  CHECK(px(&cv, 56, 24, 0) == 0 && px(&cv, 56, 20, 0) == 0 && px(&cv, 56, 25, 0) == 255);
  CHECK(px(&cv, 56, 19, 0) == 255 && px(&cv, 55, 22, 0) == 255);
  CHECK(tocha_draw_text(&cv, 0, 0, "x", 0, 0, black, NULL) == TOCHA_EARG && tocha_last_error()->arg == 5);
  CHECK(tocha_draw_text(&cv, 0, 0, NULL, 1, 0, black, NULL) == TOCHA_EARG && tocha_last_error()->arg == 4);
  CHECK(tocha_draw_text(&cv, -1e30, 1e30, "far", 3, 0, black, NULL) == TOCHA_OK);
  /* Canvas checks. */
  CHECK(tocha_tensor_new(&small, TOCHA_BYTE, 3, (int64_t[]){4, 4, 2}) == TOCHA_OK);
  CHECK(tocha_draw_text(&small, 0, 0, "x", 1, 0, black, NULL) == TOCHA_ESIZE && tocha_last_error()->arg == 1);
  CHECK(tocha_tensor_new(&flt, TOCHA_FLOAT, 3, (int64_t[]){4, 4, 3}) == TOCHA_OK);
  CHECK(tocha_draw_rect(&flt, 0, 0, 1, 1, black, NULL) == TOCHA_ETYPE);
  CHECK(tocha_draw_rect(&cv, 0, 0, 1, 1, black, (const double[]){0, NAN, 1, 1}) == TOCHA_EARG &&
        tocha_last_error()->arg == 7);
  tocha_tensor_release(&cv);
  tocha_tensor_release(&small);
  tocha_tensor_release(&flt);
}

int main(void) {
  test_roundtrip();
  test_noncontiguous_and_files();
  test_encode_errors();
  test_rect_and_disc();
  test_polyline();
  test_text();
  return CHECK_REPORT();
}
