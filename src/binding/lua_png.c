/* tocha.image: PNG files and drawing on ByteTensor canvases (h x w x 3|4).
 *
 *   tocha.image.savePNG(path, image)        image: ByteTensor h x w [x 1..4]
 *   tocha.image.loadPNG(path)               -> ByteTensor h x w x c
 *   tocha.image.encodePNG(image [, level])  -> string
 *   tocha.image.decodePNG(string)           -> ByteTensor h x w x c
 *   tocha.image.fillRect(canvas, x, y, w, h [, opts])
 *   tocha.image.drawPolyline(canvas, xs, ys [, opts])
 *   tocha.image.drawDisc(canvas, cx, cy, r [, opts])
 *   tocha.image.drawText(canvas, x, y, text [, opts])
 *   tocha.image.textWidth(text [, scale])   -> pixels
 *
 * opts: color ("#rrggbb", "#rrggbbaa" or {r, g, b [, a]}, 0..255; black by
 * default), clip ({x0, y0, x1, y1}), and per shape width and dash (lines),
 * scale and vertical (text).  Coordinates are pixels in SVG's user space:
 * pixel (i, j), 0-based, covers [i, i+1) x [j, j+1). */
#include <math.h>
#include <string.h>

#include "binding.h"

/* Raises the core's error, renumbering its argument position through
 * map[core position] (0 leaves it unnumbered). */
static void check_mapped(lua_State *L, tocha_status st, const int *map, int nmap) {
  if (st == TOCHA_OK) return;
  const tocha_error *e = tocha_last_error();
  int arg = e->arg > 0 && e->arg < nmap ? map[e->arg] : 0;
  if (arg > 0) luaL_argerror(L, arg, e->message);
  luaL_error(L, "%s", e->message);
}

static int hexdigit(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* A colour at stack index idx (a string or table); `arg` names the
 * argument in errors. */
static tocha_color check_color(lua_State *L, int idx, int arg) {
  tocha_color c = {0, 0, 0, 255};
  if (lua_isnoneornil(L, idx)) return c;
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    int ok = s[0] == '#' && (len == 7 || len == 9);
    unsigned char v[4] = {0, 0, 0, 255};
    for (size_t k = 0; ok && k < (len - 1) / 2; k++) {
      int hi = hexdigit(s[1 + 2 * k]), lo = hexdigit(s[2 + 2 * k]);
      if (hi < 0 || lo < 0) ok = 0;
      else v[k] = (unsigned char)(hi * 16 + lo);
    }
    if (!ok) luaL_argerror(L, arg, lua_pushfstring(L, "colour must be \"#rrggbb\" or \"#rrggbbaa\", got \"%s\"", s));
    c.r = v[0];
    c.g = v[1];
    c.b = v[2];
    c.a = v[3];
    return c;
  }
  if (lua_istable(L, idx)) {
    lua_Integer n = luaL_len(L, idx);
    unsigned char v[4] = {0, 0, 0, 255};
    if (n != 3 && n != 4) luaL_argerror(L, arg, "colour table must be {r, g, b} or {r, g, b, a}");
    for (int k = 0; k < n; k++) {
      lua_geti(L, idx, k + 1);
      int isint;
      lua_Integer x = lua_tointegerx(L, -1, &isint);
      lua_pop(L, 1);
      if (!isint || x < 0 || x > 255) luaL_argerror(L, arg, "colour components must be integers 0..255");
      v[k] = (unsigned char)x;
    }
    c.r = v[0];
    c.g = v[1];
    c.b = v[2];
    c.a = v[3];
    return c;
  }
  luaL_argerror(L, arg, lua_pushfstring(L, "colour must be a string or a table, got %s", luaL_typename(L, idx)));
  return c;
}

/* Reads opts[field] as a number (def when absent). */
static double opt_number(lua_State *L, int opts, const char *field, double def) {
  if (opts == 0) return def;
  lua_getfield(L, opts, field);
  double v = def;
  if (!lua_isnil(L, -1)) {
    int isnum;
    v = lua_tonumberx(L, -1, &isnum);
    if (!isnum) luaL_argerror(L, opts, lua_pushfstring(L, "opts.%s must be a number", field));
  }
  lua_pop(L, 1);
  return v;
}

/* The options table at arg (0 if absent), its colour, and its clip
 * rectangle into clip (returns NULL when none). */
static int check_opts(lua_State *L, int arg, tocha_color *color, double clip[4], const double **clipp) {
  *clipp = NULL;
  *color = (tocha_color){0, 0, 0, 255};
  if (lua_isnoneornil(L, arg)) return 0;
  luaL_checktype(L, arg, LUA_TTABLE);
  lua_getfield(L, arg, "color");
  *color = check_color(L, lua_gettop(L), arg);
  lua_pop(L, 1);
  lua_getfield(L, arg, "clip");
  if (!lua_isnil(L, -1)) {
    int top = lua_gettop(L);
    if (!lua_istable(L, top) || luaL_len(L, top) != 4)
      luaL_argerror(L, arg, "opts.clip must be a table {x0, y0, x1, y1}");
    for (int k = 0; k < 4; k++) {
      int isnum;
      lua_geti(L, top, k + 1);
      clip[k] = lua_tonumberx(L, -1, &isnum);
      lua_pop(L, 1);
      if (!isnum || isnan(clip[k])) luaL_argerror(L, arg, "opts.clip must hold 4 numbers {x0, y0, x1, y1}");
    }
    *clipp = clip;
  }
  lua_pop(L, 1);
  return arg;
}

static double check_finite(lua_State *L, int arg) {
  double v = luaL_checknumber(L, arg);
  if (!isfinite(v)) luaL_argerror(L, arg, "finite number expected");
  return v;
}

/* ---- PNG ----------------------------------------------------------------- */

static int l_save_png(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  tocha_tensor *img = tl_checktensor(L, 2);
  tl_check(L, tocha_png_write(path, img), 0);
  return 0;
}

static int l_load_png(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  tocha_tensor *out = tl_pushtensor(L, TOCHA_BYTE);
  tl_check(L, tocha_png_read(out, path), 0);
  return 1;
}

static int l_encode_png(lua_State *L) {
  tocha_tensor *img = tl_checktensor(L, 1);
  lua_Integer level = luaL_optinteger(L, 2, -1);
  if (level < -1 || level > 9) luaL_argerror(L, 2, lua_pushfstring(L, "compression level must be -1..9, got %I", level));
  unsigned char *data;
  size_t len;
  tl_check(L, tocha_png_encode(&data, &len, img, (int)level), 0);
  /* lua_pushlstring may raise (memory): copy through a buffer Lua owns. */
  luaL_Buffer b;
  char *dst = luaL_buffinitsize(L, &b, len);
  memcpy(dst, data, len);
  tocha_png_free(data);
  luaL_pushresultsize(&b, len);
  return 1;
}

static int l_decode_png(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  tocha_tensor *out = tl_pushtensor(L, TOCHA_BYTE);
  tl_check(L, tocha_png_decode(out, (const unsigned char *)s, len), 0);
  return 1;
}

/* ---- drawing --------------------------------------------------------------- */

static int l_fill_rect(lua_State *L) {
  tocha_tensor *cv = tl_checktensor(L, 1);
  double x = check_finite(L, 2), y = check_finite(L, 3), w = luaL_checknumber(L, 4), h = luaL_checknumber(L, 5);
  tocha_color color;
  double clip[4];
  const double *clipp;
  check_opts(L, 6, &color, clip, &clipp);
  static const int map[] = {0, 1, 2, 3, 4, 5, 6, 6};
  check_mapped(L, tocha_draw_rect(cv, x, y, w, h, color, clipp), map, 8);
  lua_settop(L, 1);
  return 1;
}

static int l_draw_disc(lua_State *L) {
  tocha_tensor *cv = tl_checktensor(L, 1);
  double x = check_finite(L, 2), y = check_finite(L, 3), r = luaL_checknumber(L, 4);
  tocha_color color;
  double clip[4];
  const double *clipp;
  check_opts(L, 5, &color, clip, &clipp);
  static const int map[] = {0, 1, 2, 3, 4, 5, 5};
  check_mapped(L, tocha_draw_disc(cv, x, y, r, color, clipp), map, 7);
  lua_settop(L, 1);
  return 1;
}

static int l_draw_polyline(lua_State *L) {
  tocha_tensor *cv = tl_checktensor(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 2);
  if (luaL_len(L, 3) != n)
    luaL_argerror(L, 3, lua_pushfstring(L, "%I y coordinates for %I x coordinates", luaL_len(L, 3), n));
  tocha_color color;
  double clip[4], dash[16];
  const double *clipp;
  int opts = check_opts(L, 4, &color, clip, &clipp), ndash = 0;
  double width = opt_number(L, opts, "width", 1);
  if (opts) {
    lua_getfield(L, opts, "dash");
    if (!lua_isnil(L, -1)) {
      int top = lua_gettop(L);
      if (!lua_istable(L, top)) luaL_argerror(L, opts, "opts.dash must be a table of lengths");
      lua_Integer nd = luaL_len(L, top);
      if (nd > 16) luaL_argerror(L, opts, "opts.dash: at most 16 lengths");
      for (int k = 0; k < nd; k++) {
        int isnum;
        lua_geti(L, top, k + 1);
        dash[k] = lua_tonumberx(L, -1, &isnum);
        lua_pop(L, 1);
        if (!isnum) luaL_argerror(L, opts, "opts.dash must hold numbers");
      }
      ndash = (int)nd;
    }
    lua_pop(L, 1);
  }
  /* The points, in a buffer Lua owns (freed even if an error follows). */
  double *xy = n > 0 ? lua_newuserdatauv(L, (size_t)n * 2 * sizeof(double), 0) : NULL;
  for (lua_Integer k = 0; k < n; k++) {
    for (int c = 0; c < 2; c++) {
      int isnum;
      lua_geti(L, 2 + c, k + 1);
      xy[2 * k + c] = lua_tonumberx(L, -1, &isnum);
      lua_pop(L, 1);
      if (!isnum)
        luaL_argerror(L, 2 + c, lua_pushfstring(L, "coordinate %I is not a number (use 0/0 for a gap)", k + 1));
    }
  }
  static const int map[] = {0, 1, 2, 2, 4, 4, 4, 4, 4};
  check_mapped(L, tocha_draw_polyline(cv, xy, n, width, color, ndash ? dash : NULL, ndash, clipp), map, 9);
  lua_settop(L, 1);
  return 1;
}

static int check_scale(lua_State *L, int opts) {
  double s = opt_number(L, opts, "scale", 1);
  if (s != floor(s) || s < 1 || s > 16)
    luaL_argerror(L, opts, lua_pushfstring(L, "font scale must be an integer 1..16, got %f", s));
  return (int)s;
}

static int l_draw_text(lua_State *L) {
  tocha_tensor *cv = tl_checktensor(L, 1);
  double x = check_finite(L, 2), y = check_finite(L, 3);
  const char *text = luaL_checkstring(L, 4);
  tocha_color color;
  double clip[4];
  const double *clipp;
  int opts = check_opts(L, 5, &color, clip, &clipp), vertical = 0;
  int scale = opts ? check_scale(L, opts) : 1;
  if (opts) {
    lua_getfield(L, opts, "vertical");
    vertical = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  static const int map[] = {0, 1, 2, 3, 4, 5, 5, 5, 5};
  check_mapped(L, tocha_draw_text(cv, x, y, text, scale, vertical, color, clipp), map, 9);
  lua_settop(L, 1);
  return 1;
}

static int l_text_width(lua_State *L) {
  const char *text = luaL_checkstring(L, 1);
  lua_Integer scale = luaL_optinteger(L, 2, 1);
  if (scale < 1 || scale > 16) luaL_argerror(L, 2, lua_pushfstring(L, "font scale must be 1..16, got %I", scale));
  lua_pushinteger(L, tocha_text_width(text, (int)scale));
  return 1;
}

void tl_open_png(lua_State *L, int module, int methods) {
  static const luaL_Reg functions[] = {{"savePNG", l_save_png},         {"loadPNG", l_load_png},
                                       {"encodePNG", l_encode_png},     {"decodePNG", l_decode_png},
                                       {"fillRect", l_fill_rect},       {"drawPolyline", l_draw_polyline},
                                       {"drawDisc", l_draw_disc},       {"drawText", l_draw_text},
                                       {"textWidth", l_text_width},     {NULL, NULL}};
  (void)methods;
  /* Shares tocha.image with any other part that puts functions there. */
  lua_getfield(L, module, "image");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, module, "image");
  }
  luaL_setfuncs(L, functions, 0);
  lua_pushinteger(L, TOCHA_FONT_ADVANCE);
  lua_setfield(L, -2, "FONT_ADVANCE");
  lua_pushinteger(L, TOCHA_FONT_ASCENT);
  lua_setfield(L, -2, "FONT_ASCENT");
  lua_pushinteger(L, TOCHA_FONT_DESCENT);
  lua_setfield(L, -2, "FONT_DESCENT");
  lua_pop(L, 1);
}
