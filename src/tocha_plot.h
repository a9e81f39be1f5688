/*
 * tocha_plot.h: a canvas for charts, drawn by cairo (part of tocha's public
 * C API, included by tocha.h).
 *
 * One drawing path for every output: the same calls draw on an image in
 * memory, a PNG file, an SVG file or a PDF file.  Coordinates are in
 * pixels (points for PDF), x to the right and y down; (0, 0) is the
 * top-left corner of the page and pixel (i, j) covers [i, i+1) x [j, j+1),
 * so rectangles on whole coordinates are crisp.  Lines and discs are
 * antialiased; text uses a real font (DejaVu Sans through fontconfig, or
 * whatever fontconfig substitutes).  `clip`, when not NULL, is a rectangle
 * {x0, y0, x1, y1} outside which the shape is not drawn.
 *
 * Files are written when the canvas is closed, in one piece and
 * crash-safely (tocha_replace_file): an interrupted program leaves the old
 * file or the new one, never half of one.
 */
#ifndef TOCHA_PLOT_H
#define TOCHA_PLOT_H

#include <stdint.h>

#include "tocha.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tocha_canvas_kind {
  TOCHA_CANVAS_IMAGE, /* pixels in memory only (read them with tocha_canvas_pixels) */
  TOCHA_CANVAS_PNG,
  TOCHA_CANVAS_SVG,
  TOCHA_CANVAS_PDF
} tocha_canvas_kind;

/* A colour, each component 0..1; a = 1 is opaque. */
typedef struct tocha_rgba {
  double r, g, b, a;
} tocha_rgba;

typedef struct tocha_canvas tocha_canvas;

/* A new white canvas of width x height (1..16384) pixels, to be written to
 * `path` when closed (NULL for TOCHA_CANVAS_IMAGE).
 * Errors: kind 2, path 3, width 4, height 5; TOCHA_ENOMEM. */
tocha_status tocha_canvas_open(tocha_canvas **out, tocha_canvas_kind kind, const char *path, int width, int height);

/* Writes the file (PNG, SVG, PDF) and frees the canvas, which is freed
 * even when writing fails.  Errors: TOCHA_EIO (path 1). */
tocha_status tocha_canvas_close(tocha_canvas *canvas);

/* Frees the canvas without writing anything (NULL is allowed). */
void tocha_canvas_free(tocha_canvas *canvas);

/* Fills the rectangle [x, x+w) x [y, y+h).  Errors: canvas 1, w 4, h 5. */
tocha_status tocha_canvas_rect(tocha_canvas *canvas, double x, double y, double w, double h, tocha_rgba color,
                               const double *clip);

/* Strokes the polyline through the n points (xy[2k], xy[2k+1]) with round
 * joins.  A point with a non-finite coordinate ends one piece of the line
 * and starts the next (a gap); a piece of one point is a dot.  dash: ndash
 * lengths alternating on, off, ... (as SVG's stroke-dasharray), NULL or 0
 * for solid; solid lines have round ends, dashes square ones.
 * Errors: canvas 1, xy 2, n 3, width 4, dash 6, ndash 7. */
tocha_status tocha_canvas_polyline(tocha_canvas *canvas, const double *xy, int64_t n, double width,
                                   tocha_rgba color, const double *dash, int ndash, const double *clip);

/* Fills the disc of radius r around (cx, cy).  Errors: canvas 1, r 4. */
tocha_status tocha_canvas_disc(tocha_canvas *canvas, double cx, double cy, double r, tocha_rgba color,
                               const double *clip);

/* Draws `text` (UTF-8) of font size `size` pixels with its baseline
 * through (x, y); anchor places the text: 0 starts it at x, 0.5 centres it
 * on x, 1 ends it at x.  vertical: rotated a quarter turn counter-
 * clockwise (reading upwards), anchored along the rotated baseline.
 * Errors: canvas 1, text 4, size 5 (0 < size <= 1000). */
tocha_status tocha_canvas_text(tocha_canvas *canvas, double x, double y, const char *text, double size,
                               double anchor, int vertical, int bold, tocha_rgba color);

/* The advance width of `text` at font size `size`, and the font's ascent
 * and descent (above and below the baseline), in pixels; any pointer may
 * be NULL.  Errors: text 1, size 2. */
tocha_status tocha_text_extents(const char *text, double size, int bold, double *width, double *ascent,
                                double *descent);

/* The canvas' pixels so far (image and PNG canvases) into out, resized to
 * a ByteTensor height x width x 3 (RGB).  Errors: canvas 1 (an SVG or PDF
 * canvas has no pixels), out 2 (not a ByteTensor). */
tocha_status tocha_canvas_pixels(tocha_canvas *canvas, tocha_tensor *out);

#ifdef __cplusplus
}
#endif

#endif /* TOCHA_PLOT_H */
