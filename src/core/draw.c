/* Drawing on a ByteTensor canvas (h x w x 3 or 4): anti-aliased
 * rectangles, polylines (thick, dashed) and discs, and text in a built-in
 * 5x7 bitmap font.  Used by tocha.plot to rasterise charts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../tocha.h"

/* ---- the canvas -------------------------------------------------------- */

typedef struct canvas {
  unsigned char *base;
  int64_t h, w, c, sh, sw, sc;
  /* Drawing area in whole pixels: [x0, x1) x [y0, y1) (canvas ∩ clip). */
  int64_t x0, y0, x1, y1;
  double clip[4]; /* the clip rectangle, or the whole canvas */
} canvas;

static tocha_status open_canvas(canvas *cv, tocha_tensor *t, const double *clip, int clip_arg) {
  char shape[128];
  if (t->dtype != TOCHA_BYTE)
    return tocha_fail(TOCHA_ETYPE, 1, "canvas must be a ByteTensor, got a %sTensor", tocha_dtype_name(t->dtype));
  if (t->ndim != 3 || (t->size[2] != 3 && t->size[2] != 4)) {
    tocha_tensor_shape_string(t, shape, sizeof shape);
    return tocha_fail(TOCHA_ESIZE, 1, "canvas must be h x w x 3 (RGB) or h x w x 4 (RGBA), got size %s", shape);
  }
  cv->base = tocha_tensor_data(t);
  cv->h = t->size[0];
  cv->w = t->size[1];
  cv->c = t->size[2];
  cv->sh = t->stride[0];
  cv->sw = t->stride[1];
  cv->sc = t->stride[2];
  double x0 = 0, y0 = 0, x1 = (double)cv->w, y1 = (double)cv->h;
  if (clip) {
    for (int i = 0; i < 4; i++)
      if (isnan(clip[i])) return tocha_fail(TOCHA_EARG, clip_arg, "clip rectangle has a NaN coordinate");
    if (clip[0] > x0) x0 = clip[0];
    if (clip[1] > y0) y0 = clip[1];
    if (clip[2] < x1) x1 = clip[2];
    if (clip[3] < y1) y1 = clip[3];
  }
  /* Keep the rectangle within the canvas (an empty one stays empty). */
  x0 = fmin(fmax(x0, 0), (double)cv->w);
  x1 = fmin(fmax(x1, x0), (double)cv->w);
  y0 = fmin(fmax(y0, 0), (double)cv->h);
  y1 = fmin(fmax(y1, y0), (double)cv->h);
  cv->clip[0] = x0;
  cv->clip[1] = y0;
  cv->clip[2] = x1;
  cv->clip[3] = y1;
  /* Pixels whose centre lies inside the clip rectangle. */
  cv->x0 = (int64_t)ceil(x0 - 0.5);
  cv->y0 = (int64_t)ceil(y0 - 0.5);
  cv->x1 = (int64_t)ceil(x1 - 0.5);
  cv->y1 = (int64_t)ceil(y1 - 0.5);
  if (cv->x0 < 0) cv->x0 = 0;
  if (cv->y0 < 0) cv->y0 = 0;
  return TOCHA_OK;
}

/* Composites `color` over pixel (x, y) with coverage cov in [0, 1]. */
static void blend(const canvas *cv, int64_t x, int64_t y, tocha_color color, double cov) {
  double a = cov * color.a / 255.0;
  if (a <= 0) return;
  unsigned char *p = cv->base + y * cv->sh + x * cv->sw;
  const unsigned char src[3] = {color.r, color.g, color.b};
  for (int k = 0; k < 3; k++) {
    double d = p[k * cv->sc];
    p[k * cv->sc] = (unsigned char)(d + (src[k] - d) * a + 0.5);
  }
  if (cv->c == 4) {
    double d = p[3 * cv->sc];
    p[3 * cv->sc] = (unsigned char)(d + (255.0 - d) * a + 0.5);
  }
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* Pixel range [lo, hi) of pixels whose centres lie within [a, b], limited to [min, max). */
static void pixel_span(double a, double b, int64_t min, int64_t max, int64_t *lo, int64_t *hi) {
  double l = floor(a), h = ceil(b);
  *lo = l < (double)min ? min : l > (double)max ? max : (int64_t)l;
  *hi = h > (double)max ? max : h < (double)*lo ? *lo : (int64_t)h;
}

/* ---- rectangles ---------------------------------------------------------- */

tocha_status tocha_draw_rect(tocha_tensor *canvas_t, double x, double y, double w, double h, tocha_color color,
                             const double *clip) {
  canvas cv;
  tocha_status st = open_canvas(&cv, canvas_t, clip, 7);
  if (st) return st;
  if (!isfinite(x) || !isfinite(y)) return tocha_fail(TOCHA_EARG, isfinite(x) ? 3 : 2, "coordinates must be finite");
  if (!(w >= 0) || !isfinite(w)) return tocha_fail(TOCHA_EARG, 4, "width must be finite and >= 0, got %g", w);
  if (!(h >= 0) || !isfinite(h)) return tocha_fail(TOCHA_EARG, 5, "height must be finite and >= 0, got %g", h);
  /* Intersect with the clip rectangle, then cover pixels by area. */
  double rx0 = fmax(x, cv.clip[0]), ry0 = fmax(y, cv.clip[1]);
  double rx1 = fmin(x + w, cv.clip[2]), ry1 = fmin(y + h, cv.clip[3]);
  if (rx1 <= rx0 || ry1 <= ry0) return TOCHA_OK;
  int64_t i0, i1, j0, j1;
  pixel_span(rx0, rx1, 0, cv.w, &i0, &i1);
  pixel_span(ry0, ry1, 0, cv.h, &j0, &j1);
  for (int64_t j = j0; j < j1; j++) {
    double cy = fmin((double)j + 1, ry1) - fmax((double)j, ry0);
    if (cy <= 0) continue;
    for (int64_t i = i0; i < i1; i++) {
      double cx = fmin((double)i + 1, rx1) - fmax((double)i, rx0);
      if (cx > 0) blend(&cv, i, j, color, cx * cy);
    }
  }
  return TOCHA_OK;
}

/* ---- discs -------------------------------------------------------------- */

tocha_status tocha_draw_disc(tocha_tensor *canvas_t, double cx, double cy, double r, tocha_color color,
                             const double *clip) {
  canvas cv;
  tocha_status st = open_canvas(&cv, canvas_t, clip, 6);
  if (st) return st;
  if (!isfinite(cx) || !isfinite(cy)) return tocha_fail(TOCHA_EARG, isfinite(cx) ? 3 : 2, "centre must be finite");
  if (!(r >= 0) || !isfinite(r)) return tocha_fail(TOCHA_EARG, 4, "radius must be finite and >= 0, got %g", r);
  int64_t i0, i1, j0, j1;
  pixel_span(cx - r - 1, cx + r + 1, cv.x0, cv.x1, &i0, &i1);
  pixel_span(cy - r - 1, cy + r + 1, cv.y0, cv.y1, &j0, &j1);
  for (int64_t j = j0; j < j1; j++)
    for (int64_t i = i0; i < i1; i++) {
      double dx = i + 0.5 - cx, dy = j + 0.5 - cy;
      double cov = clamp01(r + 0.5 - sqrt(dx * dx + dy * dy));
      if (cov > 0) blend(&cv, i, j, color, cov);
    }
  return TOCHA_OK;
}

/* ---- polylines ----------------------------------------------------------- */

typedef struct dash_pattern {
  int n;             /* entries (even) */
  double len[32];
  double period;
} dash_pattern;

/* Coverage along the line at arc length s: 1 inside a dash, fading over
 * half a pixel at each dash end. */
static double dash_coverage(const dash_pattern *dp, double s) {
  if (dp->n == 0) return 1;
  double m = fmod(s, dp->period), start = 0;
  if (m < 0) m += dp->period;
  for (int k = 0; k < dp->n; k++) {
    double end = start + dp->len[k];
    if (m < end || k == dp->n - 1) {
      double in = fmin(m - start, end - m); /* distance to this interval's nearer end */
      return (k % 2 == 0) ? clamp01(in + 0.5) : clamp01(0.5 - in);
    }
    start = end;
  }
  return 1;
}

/* Coverage of one piece of the line (points a..b-1, all finite) into cov,
 * the buffer of the box [bx0, bx1) x [by0, by1) (max over segments). */
static void stroke_piece(float *cov, int64_t bx0, int64_t by0, int64_t bw, int64_t bx1, int64_t by1,
                         const double *xy, int64_t a, int64_t b, double hw, const dash_pattern *dp) {
  double s0 = 0;
  for (int64_t k = a; k < b; k++) {
    double ax = xy[2 * k], ay = xy[2 * k + 1];
    double ex = k + 1 < b ? xy[2 * k + 2] : ax, ey = k + 1 < b ? xy[2 * k + 3] : ay;
    if (k + 1 == b && b - a > 1) break; /* the last point only ends the previous segment */
    double dx = ex - ax, dy = ey - ay, len2 = dx * dx + dy * dy, len = sqrt(len2);
    int64_t i0, i1, j0, j1;
    pixel_span(fmin(ax, ex) - hw - 1, fmax(ax, ex) + hw + 1, bx0, bx1, &i0, &i1);
    pixel_span(fmin(ay, ey) - hw - 1, fmax(ay, ey) + hw + 1, by0, by1, &j0, &j1);
    for (int64_t j = j0; j < j1; j++) {
      double py = j + 0.5;
      for (int64_t i = i0; i < i1; i++) {
        double px = i + 0.5, t = 0;
        if (len2 > 0) {
          t = ((px - ax) * dx + (py - ay) * dy) / len2;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
        }
        double qx = ax + t * dx - px, qy = ay + t * dy - py;
        double c = clamp01(hw + 0.5 - sqrt(qx * qx + qy * qy));
        if (!(c > 0)) continue; /* also skips NaN from absurd coordinates */
        c = fmin(c, dash_coverage(dp, s0 + t * len));
        float *slot = &cov[(j - by0) * bw + (i - bx0)];
        if (c > *slot) *slot = (float)c;
      }
    }
    s0 += len;
  }
}

tocha_status tocha_draw_polyline(tocha_tensor *canvas_t, const double *xy, int64_t n, double width,
                                 tocha_color color, const double *dash, int ndash, const double *clip) {
  canvas cv;
  tocha_status st = open_canvas(&cv, canvas_t, clip, 8);
  if (st) return st;
  if (n < 0) return tocha_fail(TOCHA_EARG, 3, "number of points must be >= 0, got %lld", (long long)n);
  if (n > 0 && !xy) return tocha_fail(TOCHA_EARG, 2, "points are missing");
  if (!(width > 0) || !isfinite(width)) return tocha_fail(TOCHA_EARG, 4, "line width must be > 0, got %g", width);
  dash_pattern dp = {0, {0}, 0};
  if (dash && ndash > 0) {
    if (ndash > 16) return tocha_fail(TOCHA_EARG, 7, "at most 16 dash lengths, got %d", ndash);
    for (int k = 0; k < ndash; k++) {
      if (!(dash[k] >= 0) || !isfinite(dash[k]))
        return tocha_fail(TOCHA_EARG, 6, "dash lengths must be finite and >= 0, got %g", dash[k]);
      dp.period += dash[k];
    }
    if (!(dp.period > 0)) return tocha_fail(TOCHA_EARG, 6, "dash lengths must not all be 0");
    dp.n = ndash % 2 ? 2 * ndash : ndash;
    for (int k = 0; k < dp.n; k++) dp.len[k] = dash[k % ndash];
    if (ndash % 2) dp.period *= 2;
  } else if (ndash < 0) {
    return tocha_fail(TOCHA_EARG, 7, "dash count must be >= 0, got %d", ndash);
  }
  double hw = width / 2;
  /* The box the line may touch, within the drawing area. */
  double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
  for (int64_t k = 0; k < n; k++) {
    double x = xy[2 * k], y = xy[2 * k + 1];
    if (!isfinite(x) || !isfinite(y)) continue;
    minx = fmin(minx, x);
    maxx = fmax(maxx, x);
    miny = fmin(miny, y);
    maxy = fmax(maxy, y);
  }
  if (!(minx <= maxx)) return TOCHA_OK;
  int64_t bx0, bx1, by0, by1;
  pixel_span(minx - hw - 1, maxx + hw + 1, cv.x0, cv.x1, &bx0, &bx1);
  pixel_span(miny - hw - 1, maxy + hw + 1, cv.y0, cv.y1, &by0, &by1);
  int64_t bw = bx1 - bx0, bh = by1 - by0;
  if (bw <= 0 || bh <= 0) return TOCHA_OK;
  float *cov = calloc((size_t)(bw * bh), sizeof *cov);
  if (!cov) return tocha_fail(TOCHA_ENOMEM, 1, "not enough memory drawing a line");
  for (int64_t a = 0; a < n;) {
    while (a < n && !(isfinite(xy[2 * a]) && isfinite(xy[2 * a + 1]))) a++;
    int64_t b = a;
    while (b < n && isfinite(xy[2 * b]) && isfinite(xy[2 * b + 1])) b++;
    if (b > a) stroke_piece(cov, bx0, by0, bw, bx1, by1, xy, a, b, hw, &dp);
    a = b;
  }
  for (int64_t j = 0; j < bh; j++)
    for (int64_t i = 0; i < bw; i++)
      if (cov[j * bw + i] > 0) blend(&cv, bx0 + i, by0 + j, color, cov[j * bw + i]);
  free(cov);
  return TOCHA_OK;
}

/* ---- text ------------------------------------------------------------------ */

/* Printable ASCII, 32..126: 9 rows of 5 columns each; rows 0-6 stand on
 * the baseline, rows 7-8 hang below it ('#' is ink). */
static const char font[95][9][6] = {
    /*   */ {".....", ".....", ".....", ".....", ".....", ".....", ".....", ".....", "....."},
    /* ! */ {"..#..", "..#..", "..#..", "..#..", "..#..", ".....", "..#..", ".....", "....."},
    /* " */ {".#.#.", ".#.#.", ".#.#.", ".....", ".....", ".....", ".....", ".....", "....."},
    /* # */ {".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#.", ".....", "....."},
    /* $ */ {"..#..", ".####", "#.#..", ".###.", "..#.#", "####.", "..#..", ".....", "....."},
    /* % */ {"##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##", ".....", "....."},
    /* & */ {".##..", "#..#.", "#.#..", ".#...", "#.#.#", "#..#.", ".##.#", ".....", "....."},
    /* ' */ {"..#..", "..#..", "..#..", ".....", ".....", ".....", ".....", ".....", "....."},
    /* ( */ {"...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#.", ".....", "....."},
    /* ) */ {".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#...", ".....", "....."},
    /* * */ {".....", "..#..", "#.#.#", ".###.", "#.#.#", "..#..", ".....", ".....", "....."},
    /* + */ {".....", "..#..", "..#..", "#####", "..#..", "..#..", ".....", ".....", "....."},
    /* , */ {".....", ".....", ".....", ".....", ".....", ".##..", ".##..", "..#..", ".#..."},
    /* - */ {".....", ".....", ".....", "#####", ".....", ".....", ".....", ".....", "....."},
    /* . */ {".....", ".....", ".....", ".....", ".....", ".##..", ".##..", ".....", "....."},
    /* / */ {"....#", "....#", "...#.", "..#..", ".#...", "#....", "#....", ".....", "....."},
    /* 0 */ {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###.", ".....", "....."},
    /* 1 */ {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###.", ".....", "....."},
    /* 2 */ {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####", ".....", "....."},
    /* 3 */ {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###.", ".....", "....."},
    /* 4 */ {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#.", ".....", "....."},
    /* 5 */ {"#####", "#....", "####.", "....#", "....#", "#...#", ".###.", ".....", "....."},
    /* 6 */ {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###.", ".....", "....."},
    /* 7 */ {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#...", ".....", "....."},
    /* 8 */ {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###.", ".....", "....."},
    /* 9 */ {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##..", ".....", "....."},
    /* : */ {".....", ".##..", ".##..", ".....", ".##..", ".##..", ".....", ".....", "....."},
    /* ; */ {".....", ".##..", ".##..", ".....", ".##..", ".##..", "..#..", ".#...", "....."},
    /* < */ {"...#.", "..#..", ".#...", "#....", ".#...", "..#..", "...#.", ".....", "....."},
    /* = */ {".....", ".....", "#####", ".....", "#####", ".....", ".....", ".....", "....."},
    /* > */ {".#...", "..#..", "...#.", "....#", "...#.", "..#..", ".#...", ".....", "....."},
    /* ? */ {".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#..", ".....", "....."},
    /* @ */ {".###.", "#...#", "....#", ".##.#", "#.#.#", "#.#.#", ".###.", ".....", "....."},
    /* A */ {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#", ".....", "....."},
    /* B */ {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####.", ".....", "....."},
    /* C */ {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###.", ".....", "....."},
    /* D */ {"###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###..", ".....", "....."},
    /* E */ {"#####", "#....", "#....", "####.", "#....", "#....", "#####", ".....", "....."},
    /* F */ {"#####", "#....", "#....", "####.", "#....", "#....", "#....", ".....", "....."},
    /* G */ {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####", ".....", "....."},
    /* H */ {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#", ".....", "....."},
    /* I */ {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###.", ".....", "....."},
    /* J */ {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##..", ".....", "....."},
    /* K */ {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#", ".....", "....."},
    /* L */ {"#....", "#....", "#....", "#....", "#....", "#....", "#####", ".....", "....."},
    /* M */ {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#", ".....", "....."},
    /* N */ {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#", ".....", "....."},
    /* O */ {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###.", ".....", "....."},
    /* P */ {"####.", "#...#", "#...#", "####.", "#....", "#....", "#....", ".....", "....."},
    /* Q */ {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#", ".....", "....."},
    /* R */ {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#", ".....", "....."},
    /* S */ {".####", "#....", "#....", ".###.", "....#", "....#", "####.", ".....", "....."},
    /* T */ {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#..", ".....", "....."},
    /* U */ {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###.", ".....", "....."},
    /* V */ {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#..", ".....", "....."},
    /* W */ {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#.", ".....", "....."},
    /* X */ {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#", ".....", "....."},
    /* Y */ {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#..", ".....", "....."},
    /* Z */ {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####", ".....", "....."},
    /* [ */ {".###.", ".#...", ".#...", ".#...", ".#...", ".#...", ".###.", ".....", "....."},
    /* \ */ {"#....", "#....", ".#...", "..#..", "...#.", "....#", "....#", ".....", "....."},
    /* ] */ {".###.", "...#.", "...#.", "...#.", "...#.", "...#.", ".###.", ".....", "....."},
    /* ^ */ {"..#..", ".#.#.", "#...#", ".....", ".....", ".....", ".....", ".....", "....."},
    /* _ */ {".....", ".....", ".....", ".....", ".....", ".....", ".....", "#####", "....."},
    /* ` */ {".#...", "..#..", ".....", ".....", ".....", ".....", ".....", ".....", "....."},
    /* a */ {".....", ".....", ".###.", "....#", ".####", "#...#", ".####", ".....", "....."},
    /* b */ {"#....", "#....", "####.", "#...#", "#...#", "#...#", "####.", ".....", "....."},
    /* c */ {".....", ".....", ".###.", "#....", "#....", "#...#", ".###.", ".....", "....."},
    /* d */ {"....#", "....#", ".####", "#...#", "#...#", "#...#", ".####", ".....", "....."},
    /* e */ {".....", ".....", ".###.", "#...#", "#####", "#....", ".###.", ".....", "....."},
    /* f */ {"..##.", ".#..#", ".#...", "###..", ".#...", ".#...", ".#...", ".....", "....."},
    /* g */ {".....", ".....", ".####", "#...#", "#...#", "#...#", ".####", "....#", ".###."},
    /* h */ {"#....", "#....", "####.", "#...#", "#...#", "#...#", "#...#", ".....", "....."},
    /* i */ {"..#..", ".....", ".##..", "..#..", "..#..", "..#..", ".###.", ".....", "....."},
    /* j */ {"...#.", ".....", "..##.", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."},
    /* k */ {"#....", "#....", "#..#.", "#.#..", "##...", "#.#..", "#..#.", ".....", "....."},
    /* l */ {".##..", "..#..", "..#..", "..#..", "..#..", "..#..", ".###.", ".....", "....."},
    /* m */ {".....", ".....", "##.#.", "#.#.#", "#.#.#", "#.#.#", "#.#.#", ".....", "....."},
    /* n */ {".....", ".....", "#.##.", "##..#", "#...#", "#...#", "#...#", ".....", "....."},
    /* o */ {".....", ".....", ".###.", "#...#", "#...#", "#...#", ".###.", ".....", "....."},
    /* p */ {".....", ".....", "####.", "#...#", "#...#", "#...#", "####.", "#....", "#...."},
    /* q */ {".....", ".....", ".####", "#...#", "#...#", "#...#", ".####", "....#", "....#"},
    /* r */ {".....", ".....", "#.##.", "##..#", "#....", "#....", "#....", ".....", "....."},
    /* s */ {".....", ".....", ".####", "#....", ".###.", "....#", "####.", ".....", "....."},
    /* t */ {".#...", ".#...", "###..", ".#...", ".#...", ".#..#", "..##.", ".....", "....."},
    /* u */ {".....", ".....", "#...#", "#...#", "#...#", "#..##", ".##.#", ".....", "....."},
    /* v */ {".....", ".....", "#...#", "#...#", "#...#", ".#.#.", "..#..", ".....", "....."},
    /* w */ {".....", ".....", "#...#", "#...#", "#.#.#", "#.#.#", ".#.#.", ".....", "....."},
    /* x */ {".....", ".....", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", ".....", "....."},
    /* y */ {".....", ".....", "#...#", "#...#", "#...#", "#...#", ".####", "....#", ".###."},
    /* z */ {".....", ".....", "#####", "...#.", "..#..", ".#...", "#####", ".....", "....."},
    /* { */ {"...##", "..#..", "..#..", ".#...", "..#..", "..#..", "...##", ".....", "....."},
    /* | */ {"..#..", "..#..", "..#..", "..#..", "..#..", "..#..", "..#..", "..#..", "....."},
    /* } */ {"##...", "..#..", "..#..", "...#.", "..#..", "..#..", "##...", ".....", "....."},
    /* ~ */ {".....", ".....", ".#...", "#.#.#", "...#.", ".....", ".....", ".....", "....."},
};

/* The next character of UTF-8 text as a glyph index (0..94); '?' for
 * anything that is not printable ASCII.  Advances *p past it. */
static int next_glyph(const unsigned char **p) {
  unsigned char ch = **p;
  (*p)++;
  if (ch >= 32 && ch <= 126) return ch - 32;
  if (ch >= 0xC0) /* a multi-byte sequence: skip its continuation bytes */
    while ((**p & 0xC0) == 0x80) (*p)++;
  return '?' - 32;
}

int64_t tocha_text_width(const char *text, int scale) {
  if (!text || !*text) return 0;
  int64_t n = 0;
  for (const unsigned char *p = (const unsigned char *)text; *p;) {
    next_glyph(&p);
    n++;
  }
  return n * TOCHA_FONT_ADVANCE * scale - scale;
}

tocha_status tocha_draw_text(tocha_tensor *canvas_t, double x, double y, const char *text, int scale, int vertical,
                             tocha_color color, const double *clip) {
  canvas cv;
  tocha_status st = open_canvas(&cv, canvas_t, clip, 8);
  if (st) return st;
  if (!isfinite(x) || !isfinite(y)) return tocha_fail(TOCHA_EARG, isfinite(x) ? 3 : 2, "position must be finite");
  if (!text) return tocha_fail(TOCHA_EARG, 4, "text is missing");
  if (scale < 1 || scale > 16) return tocha_fail(TOCHA_EARG, 5, "font scale must be 1..16, got %d", scale);
  if (fabs(x) > 1e15 || fabs(y) > 1e15) return TOCHA_OK; /* far off the canvas */
  int64_t ox = (int64_t)floor(x + 0.5), oy = (int64_t)floor(y + 0.5), s = scale;
  int64_t pen = 0; /* advance along the baseline so far */
  for (const unsigned char *p = (const unsigned char *)text; *p;) {
    const char(*glyph)[6] = font[next_glyph(&p)];
    for (int r = 0; r < 9; r++)
      for (int c = 0; c < 5; c++) {
        if (glyph[r][c] != '#') continue;
        /* The s x s block of glyph cell (r, c): horizontal text puts row r
         * at y - 7s + r s; vertical text turns (dx, dy) into (dy, -dx). */
        int64_t bx, by;
        if (vertical) {
          bx = ox + (r - TOCHA_FONT_ASCENT) * s;
          by = oy - pen - (c + 1) * s;
        } else {
          bx = ox + pen + c * s;
          by = oy + (r - TOCHA_FONT_ASCENT) * s;
        }
        for (int64_t j = by < cv.y0 ? cv.y0 : by; j < by + s && j < cv.y1; j++)
          for (int64_t i = bx < cv.x0 ? cv.x0 : bx; i < bx + s && i < cv.x1; i++) blend(&cv, i, j, color, 1);
      }
    pen += TOCHA_FONT_ADVANCE * s;
  }
  return TOCHA_OK;
}
