/* The chart canvas (tocha_plot.h, drawn by cairo) for tocha.plot:
 *
 *   local c = tocha.core.canvas(kind, path, width, height)
 *       kind: "image" (pixels in memory, path nil), "png", "svg" or "pdf"
 *   c:rect(x, y, w, h, color [, clip])
 *   c:polyline(xy, width, color [, dash [, clip]])   xy: {x1, y1, x2, y2, ...}, 0/0 for a gap
 *   c:disc(cx, cy, r, color [, clip])
 *   c:text(x, y, text, size, color [, anchor [, vertical [, bold]]])
 *   c:pixels()  -> ByteTensor height x width x 3 (image and png canvases)
 *   c:close()   writes the file (a closed canvas draws no more)
 *   c:free()    frees the canvas without writing
 *   tocha.core.textExtents(text, size [, bold]) -> width, ascent, descent
 *
 * color: "#rrggbb" or "#rrggbbaa"; clip: {x0, y0, x1, y1}; anchor: 0
 * (start), 0.5 (middle) or 1 (end).  A canvas that is collected unclosed is
 * freed without writing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "binding.h"

#define CANVAS_CLASS "tocha.Canvas"

typedef struct {
  tocha_canvas *c;
} canvas_ud;

static tocha_canvas *check_canvas(lua_State *L) {
  canvas_ud *u = luaL_checkudata(L, 1, CANVAS_CLASS);
  if (!u->c) luaL_error(L, "the canvas is closed");
  return u->c;
}

static int hexdigit(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

static tocha_rgba check_color(lua_State *L, int arg) {
  size_t len;
  const char *s = luaL_checklstring(L, arg, &len);
  int ok = s[0] == '#' && (len == 7 || len == 9);
  double v[4] = {0, 0, 0, 1};
  for (size_t k = 0; ok && k < (len - 1) / 2; k++) {
    int hi = hexdigit(s[1 + 2 * k]), lo = hexdigit(s[2 + 2 * k]);
    if (hi < 0 || lo < 0) ok = 0;
    else v[k] = (hi * 16 + lo) / 255.0;
  }
  if (!ok) luaL_argerror(L, arg, lua_pushfstring(L, "colour must be \"#rrggbb\" or \"#rrggbbaa\", got \"%s\"", s));
  return (tocha_rgba){v[0], v[1], v[2], v[3]};
}

/* Numbers of the table at arg into an array owned by a userdata pushed on
 * the stack (so nothing leaks when reading the table raises); *n their count. */
static double *check_numbers(lua_State *L, int arg, lua_Integer *n, const char *what) {
  luaL_checktype(L, arg, LUA_TTABLE);
  *n = luaL_len(L, arg);
  if (*n < 0 || *n > (lua_Integer)(SIZE_MAX / sizeof(double)) - 1) luaL_argerror(L, arg, "too many numbers");
  double *v = lua_newuserdatauv(L, ((size_t)*n + 1) * sizeof(double), 0);
  for (lua_Integer i = 0; i < *n; i++) {
    int isnum;
    lua_geti(L, arg, i + 1);
    v[i] = lua_tonumberx(L, -1, &isnum);
    lua_pop(L, 1);
    if (!isnum) luaL_argerror(L, arg, lua_pushfstring(L, "%s %I is not a number", what, i + 1));
  }
  return v;
}

/* The optional clip rectangle at arg into clip; NULL when absent. */
static const double *opt_clip(lua_State *L, int arg, double clip[4]) {
  if (lua_isnoneornil(L, arg)) return NULL;
  if (!lua_istable(L, arg) || luaL_len(L, arg) != 4) luaL_argerror(L, arg, "clip must be a table {x0, y0, x1, y1}");
  for (int k = 0; k < 4; k++) {
    int isnum;
    lua_geti(L, arg, k + 1);
    clip[k] = lua_tonumberx(L, -1, &isnum);
    lua_pop(L, 1);
    if (!isnum || !isfinite(clip[k])) luaL_argerror(L, arg, "clip must hold 4 finite numbers");
  }
  return clip;
}

/* Raises the core's error with its argument renumbered through map. */
static void check_mapped(lua_State *L, tocha_status st, const int *map, int nmap) {
  if (st == TOCHA_OK) return;
  const tocha_error *e = tocha_last_error();
  int arg = e->arg > 0 && e->arg < nmap ? map[e->arg] : 0;
  if (arg > 0) luaL_argerror(L, arg, e->message);
  luaL_error(L, "%s", e->message);
}

static int l_canvas(lua_State *L) {
  static const char *const kinds[] = {"image", "png", "svg", "pdf", NULL};
  int kind = luaL_checkoption(L, 1, NULL, kinds);
  const char *path = kind == 0 ? NULL : luaL_checkstring(L, 2);
  lua_Integer w = luaL_checkinteger(L, 3), h = luaL_checkinteger(L, 4);
  if (w < 1 || w > 16384) luaL_argerror(L, 3, "width must be 1..16384");
  if (h < 1 || h > 16384) luaL_argerror(L, 4, "height must be 1..16384");
  canvas_ud *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->c = NULL;
  luaL_setmetatable(L, CANVAS_CLASS);
  static const int map[] = {0, 0, 1, 2, 3, 4};
  check_mapped(L, tocha_canvas_open(&u->c, (tocha_canvas_kind)kind, path, (int)w, (int)h), map, 6);
  return 1;
}

static int l_rect(lua_State *L) {
  tocha_canvas *c = check_canvas(L);
  double x = luaL_checknumber(L, 2), y = luaL_checknumber(L, 3), w = luaL_checknumber(L, 4),
         h = luaL_checknumber(L, 5);
  tocha_rgba color = check_color(L, 6);
  double clip[4];
  const double *clipp = opt_clip(L, 7, clip);
  static const int map[] = {0, 1, 2, 3, 4, 5};
  check_mapped(L, tocha_canvas_rect(c, x, y, w, h, color, clipp), map, 6);
  return 0;
}

static int l_polyline(lua_State *L) {
  tocha_canvas *c = check_canvas(L);
  double width = luaL_checknumber(L, 3);
  tocha_rgba color = check_color(L, 4);
  double clip[4];
  const double *clipp = opt_clip(L, 6, clip);
  lua_Integer nxy, ndash = 0;
  double *dash = NULL;
  if (!lua_isnoneornil(L, 5)) {
    dash = check_numbers(L, 5, &ndash, "dash length");
    if (ndash > 64) luaL_argerror(L, 5, "at most 64 dash lengths");
  }
  double *xy = check_numbers(L, 2, &nxy, "coordinate");
  if (nxy % 2) luaL_argerror(L, 2, "coordinates come in x, y pairs");
  tocha_status st = tocha_canvas_polyline(c, xy, nxy / 2, width, color, ndash ? dash : NULL, (int)ndash, clipp);
  static const int map[] = {0, 1, 2, 2, 3, 0, 5, 5};
  check_mapped(L, st, map, 8);
  return 0;
}

static int l_disc(lua_State *L) {
  tocha_canvas *c = check_canvas(L);
  double x = luaL_checknumber(L, 2), y = luaL_checknumber(L, 3), r = luaL_checknumber(L, 4);
  tocha_rgba color = check_color(L, 5);
  double clip[4];
  const double *clipp = opt_clip(L, 6, clip);
  static const int map[] = {0, 1, 2, 3, 4};
  check_mapped(L, tocha_canvas_disc(c, x, y, r, color, clipp), map, 5);
  return 0;
}

static int l_text(lua_State *L) {
  tocha_canvas *c = check_canvas(L);
  double x = luaL_checknumber(L, 2), y = luaL_checknumber(L, 3);
  const char *text = luaL_checkstring(L, 4);
  double size = luaL_checknumber(L, 5);
  tocha_rgba color = check_color(L, 6);
  double anchor = luaL_optnumber(L, 7, 0);
  int vertical = lua_toboolean(L, 8), bold = lua_toboolean(L, 9);
  static const int map[] = {0, 1, 2, 3, 4, 5};
  check_mapped(L, tocha_canvas_text(c, x, y, text, size, anchor, vertical, bold, color), map, 6);
  return 0;
}

static int l_pixels(lua_State *L) {
  tocha_canvas *c = check_canvas(L);
  tocha_tensor *out = tl_pushtensor(L, TOCHA_BYTE);
  static const int map[] = {0, 1};
  check_mapped(L, tocha_canvas_pixels(c, out), map, 2);
  return 1;
}

static int l_close(lua_State *L) {
  canvas_ud *u = luaL_checkudata(L, 1, CANVAS_CLASS);
  if (!u->c) return 0;
  tocha_canvas *c = u->c;
  u->c = NULL;
  tocha_status st = tocha_canvas_close(c);
  if (st != TOCHA_OK) luaL_error(L, "%s", tocha_last_error()->message);
  return 0;
}

static int l_gc(lua_State *L) {
  canvas_ud *u = luaL_checkudata(L, 1, CANVAS_CLASS);
  tocha_canvas_free(u->c);
  u->c = NULL;
  return 0;
}

static int l_text_extents(lua_State *L) {
  const char *text = luaL_checkstring(L, 1);
  double size = luaL_checknumber(L, 2);
  double w, a, d;
  static const int map[] = {0, 1, 2};
  check_mapped(L, tocha_text_extents(text, size, lua_toboolean(L, 3), &w, &a, &d), map, 3);
  lua_pushnumber(L, w);
  lua_pushnumber(L, a);
  lua_pushnumber(L, d);
  return 3;
}

void tl_open_plot(lua_State *L, int module, int methods) {
  static const luaL_Reg canvas_methods[] = {{"rect", l_rect},     {"polyline", l_polyline}, {"disc", l_disc},
                                            {"text", l_text},     {"pixels", l_pixels},     {"close", l_close},
                                            {"free", l_gc},       {NULL, NULL}};
  static const luaL_Reg functions[] = {{"canvas", l_canvas}, {"textExtents", l_text_extents}, {NULL, NULL}};
  (void)methods;
  luaL_newmetatable(L, CANVAS_CLASS);
  lua_newtable(L);
  luaL_setfuncs(L, canvas_methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, l_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, l_gc);
  lua_setfield(L, -2, "__close");
  lua_pop(L, 1);
  tl_register(L, module, 0, functions);
}
