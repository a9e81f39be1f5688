/*
 * tocha_png.h: PNG files and a small rasteriser for charts (part of tocha's
 * public C API, included by tocha.h).
 *
 * Images are ByteTensors in height x width x channels layout (HWC), any
 * strides: 1 channel is gray, 2 gray + alpha, 3 RGB, 4 RGBA.  A 2-D
 * ByteTensor (h x w) is accepted as gray where an image is read.
 *
 * PNG: 8 bits per channel, not interlaced, one of the colour types above;
 * compressed with zlib, each row with the PNG filter (None, Sub, Up, Average
 * or Paeth) that suits it best.  The reader accepts what the writer makes
 * (8-bit gray, gray + alpha, RGB, RGBA, not interlaced), checks every CRC
 * and fails with TOCHA_EFORMAT on anything else.
 *
 * Drawing: a canvas is an h x w x 3 or h x w x 4 ByteTensor.  Coordinates
 * are in pixels, x to the right and y down, and pixel (i, j) covers the
 * square [i, i+1) x [j, j+1): SVG's user space, so a chart laid out once
 * draws the same as SVG and as pixels.  Shapes are anti-aliased and
 * composited over the canvas with the colour's alpha.  `clip`, when not
 * NULL, is a rectangle {x0, y0, x1, y1} outside which nothing is drawn.
 */
#ifndef TOCHA_PNG_H
#define TOCHA_PNG_H

#include <stddef.h>
#include <stdint.h>

#include "tocha.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- PNG files --------------------------------------------------------- */

/* Encodes `image` (Byte, h x w or h x w x c with c = 1..4) as a PNG in
 * memory: *data (free it with tocha_png_free) holds *len bytes.  level is
 * zlib's compression level, 0..9, or -1 for zlib's default.
 * Errors: image 1, level 2. */
tocha_status tocha_png_encode(unsigned char **data, size_t *len, const tocha_tensor *image, int level);
void tocha_png_free(unsigned char *data);

/* Writes `image` to the file `path` as a PNG (zlib's default level).
 * Errors: path 1 (TOCHA_EIO), image 2. */
tocha_status tocha_png_write(const char *path, const tocha_tensor *image);

/* Decodes a PNG held in memory into out, a ByteTensor h x w x c (c is the
 * file's channel count, 1..4).  Errors: data 1 (TOCHA_EFORMAT). */
tocha_status tocha_png_decode(tocha_tensor *out, const unsigned char *data, size_t len);

/* Reads a PNG file into out, as tocha_png_decode.  Errors: path 1. */
tocha_status tocha_png_read(tocha_tensor *out, const char *path);

/* ---- drawing on a canvas ---------------------------------------------- */

typedef struct tocha_color {
  uint8_t r, g, b, a; /* a = 255 is opaque */
} tocha_color;

/* Fills the rectangle [x, x+w) x [y, y+h); partly covered pixels get
 * partial coverage.  Errors: canvas 1, w 4, h 5, clip 7. */
tocha_status tocha_draw_rect(tocha_tensor *canvas, double x, double y, double w, double h,
                             tocha_color color, const double *clip);

/* Strokes the polyline through the n points (xy[2k], xy[2k+1]) with a line
 * of `width` pixels, round joins and ends.  A point with a non-finite
 * coordinate ends one piece of the line and starts the next (a gap).
 * dash: ndash lengths alternating on, off, ... (repeated; as SVG's
 * stroke-dasharray, an odd count is used twice), NULL or 0 for solid; the
 * pattern runs along each piece from its start, and dash ends are square.
 * Errors: canvas 1, xy 2, n 3, width 4, dash 6, ndash 7, clip 8. */
tocha_status tocha_draw_polyline(tocha_tensor *canvas, const double *xy, int64_t n, double width,
                                 tocha_color color, const double *dash, int ndash, const double *clip);

/* Fills the disc of radius r around (cx, cy).  Errors: canvas 1, r 4, clip 6. */
tocha_status tocha_draw_disc(tocha_tensor *canvas, double cx, double cy, double r, tocha_color color,
                             const double *clip);

/* The built-in bitmap font: 5x7 glyphs (printable ASCII; any other
 * character, counting a UTF-8 sequence as one, shows as '?') in a cell of
 * 6 x 9 pixels, scaled by an integer `scale` (1..16).  Each character
 * advances 6*scale pixels; the text rises 7*scale pixels above the
 * baseline and descends 2*scale below it. */
#define TOCHA_FONT_ADVANCE 6
#define TOCHA_FONT_ASCENT 7
#define TOCHA_FONT_DESCENT 2

/* Draws `text` (NUL-terminated, UTF-8) with its baseline starting at
 * (x, y), rounded to whole pixels.  vertical: rotated a quarter turn
 * counter-clockwise, reading upwards from (x, y) (the baseline is then the
 * line x = const and the glyphs lie to its left).
 * Errors: canvas 1, text 4, scale 5, clip 8. */
tocha_status tocha_draw_text(tocha_tensor *canvas, double x, double y, const char *text, int scale,
                             int vertical, tocha_color color, const double *clip);

/* Width in pixels of `text` drawn at `scale`: characters * 6 * scale - scale
 * (no spacing after the last character); 0 for "". */
int64_t tocha_text_width(const char *text, int scale);

#ifdef __cplusplus
}
#endif

#endif /* TOCHA_PNG_H */
