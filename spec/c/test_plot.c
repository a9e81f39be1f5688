/* The chart canvas (tocha_plot.h, on cairo) from plain C: shapes land
 * where they should, one drawing gives PNG, SVG and PDF files, and bad
 * arguments fail with the argument named. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "tocha.h"

static const tocha_rgba RED = {1, 0, 0, 1}, BLACK = {0, 0, 0, 1};

static int pixel(const tocha_tensor *px, int x, int y, int k) {
  const unsigned char *p = tocha_tensor_data(px);
  return p[y * px->stride[0] + x * px->stride[1] + k * px->stride[2]];
}

/* The bytes of a file (NUL-terminated; free them), *len their count. */
static char *slurp(const char *path, long *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)*len + 1);
  if (s && fread(s, 1, (size_t)*len, f) != (size_t)*len) {
    free(s);
    s = NULL;
  }
  if (s) s[*len] = 0;
  fclose(f);
  return s;
}

static void draw_sample(tocha_canvas *c) {
  const double xy[] = {5, 35, 30, 5, NAN, NAN, 40, 35, 75, 35};
  const double dash[] = {4, 3};
  const double clip[] = {0, 0, 40, 40};
  CHECK(tocha_canvas_rect(c, 10, 10, 20, 10, RED, NULL) == TOCHA_OK);
  CHECK(tocha_canvas_polyline(c, xy, 5, 2, BLACK, NULL, 0, NULL) == TOCHA_OK);
  CHECK(tocha_canvas_polyline(c, xy, 2, 1, BLACK, dash, 2, clip) == TOCHA_OK);
  CHECK(tocha_canvas_disc(c, 60, 15, 5, (tocha_rgba){0, 0, 1, 0.5}, NULL) == TOCHA_OK);
  CHECK(tocha_canvas_text(c, 40, 48, "loss 0.25", 10, 0.5, 0, 0, BLACK) == TOCHA_OK);
  CHECK(tocha_canvas_text(c, 8, 48, "NLL", 8, 0, 1, 1, BLACK) == TOCHA_OK);
}

int main(void) {
  /* In memory: the pixels. */
  tocha_canvas *c = NULL;
  CHECK(tocha_canvas_open(&c, TOCHA_CANVAS_IMAGE, NULL, 80, 50) == TOCHA_OK && c);
  draw_sample(c);
  tocha_tensor px;
  tocha_tensor_init(&px, TOCHA_BYTE);
  CHECK(tocha_canvas_pixels(c, &px) == TOCHA_OK);
  CHECK(px.ndim == 3 && px.size[0] == 50 && px.size[1] == 80 && px.size[2] == 3);
  CHECK(pixel(&px, 15, 15, 0) == 255 && pixel(&px, 15, 15, 1) == 0); /* inside the red rectangle */
  CHECK(pixel(&px, 0, 0, 0) == 255 && pixel(&px, 0, 0, 1) == 255);   /* white background */
  CHECK(pixel(&px, 57, 35, 0) == 0);                                  /* on the second piece */
  CHECK(pixel(&px, 35, 30, 0) == 255);                                /* in the gap between pieces */
  CHECK(pixel(&px, 60, 15, 2) == 255 && pixel(&px, 60, 15, 0) > 100 && pixel(&px, 60, 15, 0) < 150); /* 50% blue */
  /* antialiasing: the slanted line leaves intermediate greys */
  int greys = 0;
  for (int y = 5; y < 35; y++)
    for (int x = 5; x < 31; x++) {
      int v = pixel(&px, x, y, 1);
      if (v > 30 && v < 220) greys++;
    }
  CHECK(greys > 10);
  /* the text has ink near its anchor */
  int ink = 0;
  for (int y = 38; y < 49; y++)
    for (int x = 20; x < 60; x++) ink += pixel(&px, x, y, 0) < 128;
  CHECK(ink > 20);
  tocha_tensor_release(&px);
  CHECK(tocha_canvas_close(c) == TOCHA_OK);

  double w1, w2, ascent, descent;
  CHECK(tocha_text_extents("iiii", 10, 0, &w1, &ascent, &descent) == TOCHA_OK);
  CHECK(tocha_text_extents("WWWW", 10, 0, &w2, NULL, NULL) == TOCHA_OK);
  CHECK(w2 > w1 && w1 > 0 && ascent > 5 && descent > 0);

  /* Files: the same drawing to PNG, SVG and PDF. */
  char dir[] = "/tmp/tocha-plot-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  static const struct {
    tocha_canvas_kind kind;
    const char *name, *magic;
  } files[] = {{TOCHA_CANVAS_PNG, "a.png", "\x89PNG"}, {TOCHA_CANVAS_SVG, "a.svg", "<?xml"},
               {TOCHA_CANVAS_PDF, "a.pdf", "%PDF-"}};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
    CHECK(tocha_canvas_open(&c, files[i].kind, path, 80, 50) == TOCHA_OK);
    draw_sample(c);
    CHECK(access(path, F_OK) != 0); /* nothing is written before close */
    CHECK(tocha_canvas_close(c) == TOCHA_OK);
    long len = 0;
    char *data = slurp(path, &len);
    CHECK(data && len > 100 && memcmp(data, files[i].magic, strlen(files[i].magic)) == 0);
    if (data && files[i].kind == TOCHA_CANVAS_SVG) CHECK(strstr(data, "viewBox=\"0 0 80 50\"") != NULL);
    free(data);
    remove(path);
  }
  rmdir(dir);

  /* Errors name the argument. */
  CHECK(tocha_canvas_open(&c, TOCHA_CANVAS_PNG, NULL, 10, 10) == TOCHA_EARG && tocha_last_error()->arg == 3);
  CHECK(tocha_canvas_open(&c, TOCHA_CANVAS_IMAGE, NULL, 0, 10) == TOCHA_EARG && tocha_last_error()->arg == 4);
  CHECK(tocha_canvas_open(&c, TOCHA_CANVAS_IMAGE, NULL, 10, 20000) == TOCHA_EARG && tocha_last_error()->arg == 5);
  CHECK(tocha_canvas_open(&c, (tocha_canvas_kind)9, "x", 10, 10) == TOCHA_EARG && tocha_last_error()->arg == 2);
  CHECK(tocha_canvas_open(&c, TOCHA_CANVAS_SVG, "x.svg", 10, 10) == TOCHA_OK);
  const double zero_dash[] = {0, 0}, pt[] = {0, 0, 1, 1};
  CHECK(tocha_canvas_rect(c, 0, 0, -1, 1, RED, NULL) == TOCHA_EARG && tocha_last_error()->arg == 4);
  CHECK(tocha_canvas_polyline(c, pt, 2, 0, RED, NULL, 0, NULL) == TOCHA_EARG && tocha_last_error()->arg == 4);
  CHECK(tocha_canvas_polyline(c, pt, 2, 1, RED, zero_dash, 2, NULL) == TOCHA_EARG && tocha_last_error()->arg == 6);
  CHECK(tocha_canvas_disc(c, 0, 0, NAN, RED, NULL) == TOCHA_EARG && tocha_last_error()->arg == 4);
  CHECK(tocha_canvas_text(c, 0, 0, "x", 0, 0, 0, 0, RED) == TOCHA_EARG && tocha_last_error()->arg == 5);
  tocha_tensor_init(&px, TOCHA_BYTE);
  CHECK(tocha_canvas_pixels(c, &px) == TOCHA_EARG && tocha_last_error()->arg == 1);
  tocha_canvas_free(c); /* nothing written */
  CHECK(access("x.svg", F_OK) != 0);
  CHECK(tocha_canvas_open(&c, TOCHA_CANVAS_PNG, "/nonexistent-dir/x.png", 10, 10) == TOCHA_OK);
  CHECK(tocha_canvas_close(c) == TOCHA_EIO && tocha_last_error()->arg == 1);
  return CHECK_REPORT();
}
