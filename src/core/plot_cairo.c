/* The chart canvas of tocha_plot.h on cairo: one drawing path for images
 * in memory, PNG, SVG and PDF.  Vector surfaces write into a memory buffer
 * (cairo's stream surfaces) and PNGs are encoded into one, so that closing
 * the canvas replaces the file in one crash-safe step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include "../tocha.h"

#define FONT_FAMILY "DejaVu Sans"
#define MAX_SIDE 16384

/* A growing byte buffer, the target of cairo's stream writers. */
typedef struct buffer {
  unsigned char *data;
  size_t len, cap;
  int failed;
} buffer;

struct tocha_canvas {
  tocha_canvas_kind kind;
  cairo_surface_t *surface;
  cairo_t *cr;
  char *path;
  int width, height;
  buffer out;
};

static cairo_status_t buffer_write(void *closure, const unsigned char *data, unsigned int len) {
  buffer *b = closure;
  if (b->failed) return CAIRO_STATUS_WRITE_ERROR;
  if (len > b->cap - b->len) {
    size_t cap = b->cap ? b->cap : 65536;
    while (cap - b->len < len) {
      if (cap > SIZE_MAX / 2) {
        b->failed = 1;
        return CAIRO_STATUS_NO_MEMORY;
      }
      cap *= 2;
    }
    unsigned char *p = realloc(b->data, cap);
    if (!p) {
      b->failed = 1;
      return CAIRO_STATUS_NO_MEMORY;
    }
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
  return CAIRO_STATUS_SUCCESS;
}

void tocha_canvas_free(tocha_canvas *c) {
  if (!c) return;
  if (c->cr) cairo_destroy(c->cr);
  if (c->surface) {
    /* Finishing a vector surface writes it: into the buffer, which is
     * dropped here. */
    cairo_surface_finish(c->surface);
    cairo_surface_destroy(c->surface);
  }
  free(c->out.data);
  free(c->path);
  free(c);
}

tocha_status tocha_canvas_open(tocha_canvas **out, tocha_canvas_kind kind, const char *path, int width, int height) {
  if (!out) return tocha_fail(TOCHA_EARG, 1, "no place for the canvas");
  *out = NULL;
  if (kind != TOCHA_CANVAS_IMAGE && kind != TOCHA_CANVAS_PNG && kind != TOCHA_CANVAS_SVG && kind != TOCHA_CANVAS_PDF)
    return tocha_fail(TOCHA_EARG, 2, "unknown canvas kind %d", (int)kind);
  if (kind != TOCHA_CANVAS_IMAGE && (!path || !*path)) return tocha_fail(TOCHA_EARG, 3, "a file name is required");
  if (width < 1 || width > MAX_SIDE) return tocha_fail(TOCHA_EARG, 4, "width must be 1..%d, got %d", MAX_SIDE, width);
  if (height < 1 || height > MAX_SIDE)
    return tocha_fail(TOCHA_EARG, 5, "height must be 1..%d, got %d", MAX_SIDE, height);
  tocha_canvas *c = calloc(1, sizeof *c);
  if (!c) return tocha_fail(TOCHA_ENOMEM, 0, "not enough memory for a canvas");
  c->kind = kind;
  c->width = width;
  c->height = height;
  if (path) {
    c->path = malloc(strlen(path) + 1);
    if (!c->path) {
      free(c);
      return tocha_fail(TOCHA_ENOMEM, 0, "not enough memory for a canvas");
    }
    strcpy(c->path, path);
  }
  switch (kind) {
    case TOCHA_CANVAS_SVG:
      c->surface = cairo_svg_surface_create_for_stream(buffer_write, &c->out, width, height);
      if (cairo_surface_status(c->surface) == CAIRO_STATUS_SUCCESS) {
        cairo_svg_surface_restrict_to_version(c->surface, CAIRO_SVG_VERSION_1_1);
        /* width="1400px", not cairo's default points: the size of the PNG */
        cairo_svg_surface_set_document_unit(c->surface, CAIRO_SVG_UNIT_PX);
      }
      break;
    case TOCHA_CANVAS_PDF:
      c->surface = cairo_pdf_surface_create_for_stream(buffer_write, &c->out, width, height);
      break;
    default:
      c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  }
  if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS) {
    tocha_canvas_free(c);
    return tocha_fail(TOCHA_ENOMEM, 0, "cannot create a %dx%d canvas", width, height);
  }
  c->cr = cairo_create(c->surface);
  if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
    tocha_canvas_free(c);
    return tocha_fail(TOCHA_ENOMEM, 0, "cannot create a %dx%d canvas", width, height);
  }
  cairo_set_source_rgb(c->cr, 1, 1, 1);
  cairo_paint(c->cr);
  *out = c;
  return TOCHA_OK;
}

static tocha_status drawing_status(tocha_canvas *c) {
  cairo_status_t s = cairo_status(c->cr);
  if (s == CAIRO_STATUS_SUCCESS) return TOCHA_OK;
  return tocha_fail(s == CAIRO_STATUS_NO_MEMORY ? TOCHA_ENOMEM : TOCHA_EARG, 1, "drawing failed: %s",
                    cairo_status_to_string(s));
}

tocha_status tocha_canvas_close(tocha_canvas *c) {
  if (!c) return tocha_fail(TOCHA_EARG, 1, "no canvas");
  tocha_status st = drawing_status(c);
  if (st == TOCHA_OK && c->kind == TOCHA_CANVAS_PNG) {
    cairo_surface_flush(c->surface);
    if (cairo_surface_write_to_png_stream(c->surface, buffer_write, &c->out) != CAIRO_STATUS_SUCCESS)
      st = tocha_fail(TOCHA_ENOMEM, 0, "cannot encode the PNG");
  } else if (st == TOCHA_OK && (c->kind == TOCHA_CANVAS_SVG || c->kind == TOCHA_CANVAS_PDF)) {
    cairo_destroy(c->cr);
    c->cr = NULL;
    cairo_surface_finish(c->surface);
    if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS || c->out.failed)
      st = tocha_fail(TOCHA_ENOMEM, 0, "cannot encode the %s", c->kind == TOCHA_CANVAS_SVG ? "SVG" : "PDF");
  }
  if (st == TOCHA_OK && c->kind != TOCHA_CANVAS_IMAGE) {
    const void *parts[1] = {c->out.data};
    size_t lengths[1] = {c->out.len};
    st = tocha_replace_file(c->path, parts, lengths, 1);
    if (st != TOCHA_OK) {
      char why[256]; /* the message is rewritten in place: copy it first */
      snprintf(why, sizeof why, "%s", tocha_last_error()->message);
      st = tocha_fail(TOCHA_EIO, 1, "cannot write '%s': %s", c->path, why);
    }
  }
  tocha_canvas_free(c);
  return st;
}

static void set_color(cairo_t *cr, tocha_rgba c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

static void begin(tocha_canvas *c, tocha_rgba color, const double *clip) {
  cairo_save(c->cr);
  if (clip) {
    cairo_rectangle(c->cr, clip[0], clip[1], clip[2] - clip[0], clip[3] - clip[1]);
    cairo_clip(c->cr);
  }
  set_color(c->cr, color);
}

static tocha_status end(tocha_canvas *c) {
  cairo_restore(c->cr);
  return drawing_status(c);
}

static int finite_rect(double x, double y) { return isfinite(x) && isfinite(y); }

tocha_status tocha_canvas_rect(tocha_canvas *c, double x, double y, double w, double h, tocha_rgba color,
                               const double *clip) {
  if (!c) return tocha_fail(TOCHA_EARG, 1, "no canvas");
  if (!finite_rect(x, y)) return tocha_fail(TOCHA_EARG, 2, "the corner must be finite");
  if (!isfinite(w) || w < 0) return tocha_fail(TOCHA_EARG, 4, "width must be finite and >= 0, got %g", w);
  if (!isfinite(h) || h < 0) return tocha_fail(TOCHA_EARG, 5, "height must be finite and >= 0, got %g", h);
  begin(c, color, clip);
  cairo_rectangle(c->cr, x, y, w, h);
  cairo_fill(c->cr);
  return end(c);
}

tocha_status tocha_canvas_polyline(tocha_canvas *c, const double *xy, int64_t n, double width, tocha_rgba color,
                                   const double *dash, int ndash, const double *clip) {
  if (!c) return tocha_fail(TOCHA_EARG, 1, "no canvas");
  if (n < 0) return tocha_fail(TOCHA_EARG, 3, "point count must be >= 0, got %lld", (long long)n);
  if (n > 0 && !xy) return tocha_fail(TOCHA_EARG, 2, "no points");
  if (!isfinite(width) || width <= 0) return tocha_fail(TOCHA_EARG, 4, "line width must be > 0, got %g", width);
  if (ndash < 0) return tocha_fail(TOCHA_EARG, 7, "dash count must be >= 0");
  if (ndash > 0) {
    double sum = 0;
    if (!dash) return tocha_fail(TOCHA_EARG, 6, "no dash lengths");
    for (int k = 0; k < ndash; k++) {
      if (!isfinite(dash[k]) || dash[k] < 0) return tocha_fail(TOCHA_EARG, 6, "dash lengths must be finite and >= 0");
      sum += dash[k];
    }
    if (sum <= 0) return tocha_fail(TOCHA_EARG, 6, "dash lengths must not all be 0");
  }
  begin(c, color, clip);
  cairo_t *cr = c->cr;
  cairo_set_line_width(cr, width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, ndash > 0 ? CAIRO_LINE_CAP_SQUARE : CAIRO_LINE_CAP_ROUND);
  if (ndash > 0) cairo_set_dash(cr, dash, ndash, 0);
  /* A piece of one point is a segment of length 0: its round caps draw a dot. */
  int64_t piece = 0;
  double lx = 0, ly = 0;
  for (int64_t i = 0; i < n; i++) {
    double x = xy[2 * i], y = xy[2 * i + 1];
    if (!finite_rect(x, y)) {
      if (piece == 1) cairo_line_to(cr, lx, ly);
      piece = 0;
      continue;
    }
    if (piece == 0) {
      cairo_move_to(cr, x, y);
    } else {
      cairo_line_to(cr, x, y);
    }
    lx = x;
    ly = y;
    piece++;
  }
  if (piece == 1) cairo_line_to(cr, lx, ly);
  cairo_stroke(cr);
  return end(c);
}

tocha_status tocha_canvas_disc(tocha_canvas *c, double cx, double cy, double r, tocha_rgba color,
                               const double *clip) {
  if (!c) return tocha_fail(TOCHA_EARG, 1, "no canvas");
  if (!finite_rect(cx, cy)) return tocha_fail(TOCHA_EARG, 2, "the centre must be finite");
  if (!isfinite(r) || r < 0) return tocha_fail(TOCHA_EARG, 4, "radius must be finite and >= 0, got %g", r);
  begin(c, color, clip);
  cairo_new_sub_path(c->cr);
  cairo_arc(c->cr, cx, cy, r, 0, 2 * M_PI);
  cairo_fill(c->cr);
  return end(c);
}

static void select_font(cairo_t *cr, double size, int bold) {
  cairo_select_font_face(cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

static tocha_status check_text(const char *text, int text_arg, double size, int size_arg) {
  if (!text) return tocha_fail(TOCHA_EARG, text_arg, "no text");
  if (!isfinite(size) || size <= 0 || size > 1000)
    return tocha_fail(TOCHA_EARG, size_arg, "font size must be in (0, 1000], got %g", size);
  return TOCHA_OK;
}

tocha_status tocha_canvas_text(tocha_canvas *c, double x, double y, const char *text, double size, double anchor,
                               int vertical, int bold, tocha_rgba color) {
  if (!c) return tocha_fail(TOCHA_EARG, 1, "no canvas");
  tocha_status st = check_text(text, 4, size, 5);
  if (st) return st;
  if (!finite_rect(x, y)) return tocha_fail(TOCHA_EARG, 2, "the position must be finite");
  begin(c, color, NULL);
  cairo_t *cr = c->cr;
  select_font(cr, size, bold);
  cairo_text_extents_t ext;
  cairo_text_extents(cr, text, &ext);
  cairo_translate(cr, x, y);
  if (vertical) cairo_rotate(cr, -M_PI / 2);
  cairo_move_to(cr, -anchor * ext.x_advance, 0);
  cairo_show_text(cr, text);
  return end(c);
}

tocha_status tocha_text_extents(const char *text, double size, int bold, double *width, double *ascent,
                                double *descent) {
  tocha_status st = check_text(text, 1, size, 2);
  if (st) return st;
  /* Metrics need a context; a 1x1 image is the cheapest. */
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create(s);
  select_font(cr, size, bold);
  cairo_text_extents_t te;
  cairo_font_extents_t fe;
  cairo_text_extents(cr, text, &te);
  cairo_font_extents(cr, &fe);
  cairo_status_t cs = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_destroy(s);
  if (cs != CAIRO_STATUS_SUCCESS)
    return tocha_fail(TOCHA_ENOMEM, 0, "cannot measure text: %s", cairo_status_to_string(cs));
  if (width) *width = te.x_advance;
  if (ascent) *ascent = fe.ascent;
  if (descent) *descent = fe.descent;
  return TOCHA_OK;
}

tocha_status tocha_canvas_pixels(tocha_canvas *c, tocha_tensor *out) {
  if (!c) return tocha_fail(TOCHA_EARG, 1, "no canvas");
  if (c->kind != TOCHA_CANVAS_IMAGE && c->kind != TOCHA_CANVAS_PNG)
    return tocha_fail(TOCHA_EARG, 1, "an SVG or PDF canvas has no pixels");
  if (!out || out->dtype != TOCHA_BYTE) return tocha_fail(TOCHA_ETYPE, 2, "pixels go into a ByteTensor");
  tocha_status st = tocha_tensor_resize(out, 3, (int64_t[]){c->height, c->width, 3});
  if (st) return st;
  cairo_surface_flush(c->surface);
  const unsigned char *src = cairo_image_surface_get_data(c->surface);
  int stride = cairo_image_surface_get_stride(c->surface);
  unsigned char *base = tocha_tensor_data(out);
  for (int y = 0; y < c->height; y++) {
    const uint32_t *row = (const uint32_t *)(const void *)(src + (size_t)y * (size_t)stride);
    for (int x = 0; x < c->width; x++) {
      uint32_t p = row[x]; /* RGB24: 0x00RRGGBB in native order */
      unsigned char *d = base + y * out->stride[0] + x * out->stride[1];
      d[0] = (unsigned char)(p >> 16);
      d[out->stride[2]] = (unsigned char)(p >> 8);
      d[2 * out->stride[2]] = (unsigned char)p;
    }
  }
  return TOCHA_OK;
}
