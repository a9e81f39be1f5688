/*
 * The convolutional family's kernels (src/tocha_spatial.h) in the private
 * table tocha._spatial.  Every function takes the calling module first:
 * its window (kW, kH, dW, dH, padW, padH, ceil_mode) is read from the
 * module's own fields, Torch7's names, so a module loaded from a Torch7
 * file works as it is; the module also names errors ("nn.SpatialMaxPooling:
 * ...").  Forward and backward functions return the tensor they wrote.
 */
#include <stdarg.h>
#include <string.h>

#include "../tocha_spatial.h"
#include "binding.h"

/* Raises "<module>: <message>". */
int tl_module_error(lua_State *L, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const char *msg = lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  const char *name = "nn";
  if (luaL_getmetafield(L, 1, "__typename") == LUA_TSTRING) name = lua_tostring(L, -1);
  lua_pushfstring(L, "%s: %s", name, msg); /* no position: the message names the module */
  return lua_error(L);
}

void tl_module_check(lua_State *L, tocha_status st) {
  if (st != TOCHA_OK) tl_module_error(L, "%s", tocha_last_error()->message);
}

tocha_tensor *tl_module_tensor(lua_State *L, int arg, const char *what) {
  tocha_tensor *t = tl_totensor(L, arg);
  if (!t) tl_module_error(L, "%s must be a tensor, got %s", what, luaL_typename(L, arg));
  return t;
}

tocha_tensor *tl_module_opttensor(lua_State *L, int arg, const char *what) {
  return lua_isnoneornil(L, arg) ? NULL : tl_module_tensor(L, arg, what);
}

/* Integer field `name` of the module (integral floats accepted, as from a
 * Torch7 file); `dflt` < 0 means required. */
int64_t tl_module_integer(lua_State *L, const char *name, int64_t dflt) {
  lua_getfield(L, 1, name);
  lua_Integer v = 0;
  int absent = lua_isnil(L, -1);
  if (absent && dflt >= 0) {
    lua_pop(L, 1);
    return dflt;
  }
  if (absent || !tl_tointeger(L, -1, &v)) tl_module_error(L, "field %s must be an integer, got %s", name, luaL_typename(L, -1));
  lua_pop(L, 1);
  return (int64_t)v;
}

static int field_boolean(lua_State *L, const char *name, int dflt) {
  lua_getfield(L, 1, name);
  int v = lua_isnil(L, -1) ? dflt : lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

/* The module's `algorithm` (SpatialConvolution:setAlgorithm): nil or
 * "auto", "gemm", "winograd". */
static int conv_algorithm(lua_State *L) {
  static const char *const names[] = {"auto", "gemm", "winograd", NULL};
  lua_getfield(L, 1, "algorithm");
  int a = TOCHA_CONV_AUTO;
  if (!lua_isnil(L, -1)) {
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    for (a = 0; names[a] && strcmp(names[a], s) != 0; a++) {}
    if (!names[a]) tl_module_error(L, "field algorithm must be 'auto', 'gemm' or 'winograd', got %s", luaL_tolstring(L, -1, NULL));
  }
  lua_pop(L, 1);
  return a;
}

static tocha_window module_window(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  tocha_window w;
  w.kW = tl_module_integer(L, "kW", -1);
  w.kH = tl_module_integer(L, "kH", -1);
  w.dW = tl_module_integer(L, "dW", 1);
  w.dH = tl_module_integer(L, "dH", 1);
  w.padW = tl_module_integer(L, "padW", 0);
  w.padH = tl_module_integer(L, "padH", 0);
  w.ceil_mode = field_boolean(L, "ceil_mode", 0);
  w.algorithm = conv_algorithm(L);
  return w;
}

/* ---- convolution ----------------------------------------------------------------- */

/* conv2d_forward(self, output, work, input, weight, bias|nil) -> output */
static int l_conv2d_forward(lua_State *L) {
  tocha_window w = module_window(L);
  tocha_tensor *out = tl_module_tensor(L, 2, "output"), *work = tl_module_tensor(L, 3, "workspace");
  tocha_tensor *in = tl_module_tensor(L, 4, "input"), *weight = tl_module_tensor(L, 5, "weight");
  tocha_tensor *bias = tl_module_opttensor(L, 6, "bias");
  tl_module_check(L, tocha_conv2d_forward(out, work, in, weight, bias, w));
  lua_settop(L, 2);
  return 1;
}

/* conv2d_backward(self, gradInput|nil, gradWeight|nil, gradBias|nil, work, input, gradOutput, weight, scale)
 * -> gradInput */
static int l_conv2d_backward(lua_State *L) {
  tocha_window w = module_window(L);
  tocha_tensor *gi = tl_module_opttensor(L, 2, "gradInput"), *gw = tl_module_opttensor(L, 3, "gradWeight");
  tocha_tensor *gb = tl_module_opttensor(L, 4, "gradBias"), *work = tl_module_tensor(L, 5, "workspace");
  tocha_tensor *in = tl_module_tensor(L, 6, "input"), *go = tl_module_tensor(L, 7, "gradOutput");
  tocha_tensor *weight = tl_module_tensor(L, 8, "weight");
  double scale = luaL_optnumber(L, 9, 1);
  tl_module_check(L, tocha_conv2d_backward(gi, gw, gb, work, in, go, weight, w, scale));
  lua_settop(L, 2);
  return 1;
}

/* ---- pooling --------------------------------------------------------------------- */

/* maxpool_forward(self, output, indices, input) -> output */
static int l_maxpool_forward(lua_State *L) {
  tocha_window w = module_window(L);
  tocha_tensor *out = tl_module_tensor(L, 2, "output"), *idx = tl_module_tensor(L, 3, "indices");
  tl_module_check(L, tocha_maxpool2d_forward(out, idx, tl_module_tensor(L, 4, "input"), w));
  lua_settop(L, 2);
  return 1;
}

/* maxpool_backward(self, gradInput, input, gradOutput, indices) -> gradInput */
static int l_maxpool_backward(lua_State *L) {
  tocha_window w = module_window(L);
  tocha_tensor *gi = tl_module_tensor(L, 2, "gradInput"), *in = tl_module_tensor(L, 3, "input");
  tocha_tensor *go = tl_module_tensor(L, 4, "gradOutput"), *idx = tl_module_tensor(L, 5, "indices");
  tl_module_check(L, tocha_maxpool2d_backward(gi, in, go, idx, w));
  lua_settop(L, 2);
  return 1;
}

/* avgpool_forward(self, output, input) -> output */
static int l_avgpool_forward(lua_State *L) {
  tocha_window w = module_window(L);
  int include = field_boolean(L, "count_include_pad", 1);
  tl_module_check(L, tocha_avgpool2d_forward(tl_module_tensor(L, 2, "output"), tl_module_tensor(L, 3, "input"), w, include));
  lua_settop(L, 2);
  return 1;
}

/* avgpool_backward(self, gradInput, input, gradOutput) -> gradInput */
static int l_avgpool_backward(lua_State *L) {
  tocha_window w = module_window(L);
  int include = field_boolean(L, "count_include_pad", 1);
  tocha_tensor *gi = tl_module_tensor(L, 2, "gradInput"), *in = tl_module_tensor(L, 3, "input");
  tl_module_check(L, tocha_avgpool2d_backward(gi, in, tl_module_tensor(L, 4, "gradOutput"), w, include));
  lua_settop(L, 2);
  return 1;
}

/* ---- batch normalization: statistics and parameters from the module's fields ---- */

/* The module's tensor field `name`, or NULL when absent. */
static tocha_tensor *field_tensor(lua_State *L, const char *name) {
  lua_getfield(L, 1, name);
  tocha_tensor *t = lua_isnil(L, -1) ? NULL : tl_totensor(L, -1);
  if (!t && !lua_isnil(L, -1)) tl_module_error(L, "field %s must be a tensor, got %s", name, luaL_typename(L, -1));
  lua_pop(L, 1); /* the module keeps it alive */
  return t;
}

static tocha_tensor *field_required(lua_State *L, const char *name) {
  tocha_tensor *t = field_tensor(L, name);
  if (!t) tl_module_error(L, "field %s is missing", name);
  return t;
}

static double field_number(lua_State *L, const char *name, double dflt) {
  lua_getfield(L, 1, name);
  int isnum;
  double v = lua_tonumberx(L, -1, &isnum);
  if (lua_isnil(L, -1)) v = dflt;
  else if (!isnum) tl_module_error(L, "field %s must be a number, got %s", name, luaL_typename(L, -1));
  lua_pop(L, 1);
  return v;
}

/* batchnorm_forward(self, output, input) -> output; uses self.weight, bias,
 * running_mean, running_var, save_mean, save_std, train, momentum, eps. */
static int l_batchnorm_forward(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  tocha_tensor *out = tl_module_tensor(L, 2, "output"), *in = tl_module_tensor(L, 3, "input");
  int train = field_boolean(L, "train", 1);
  tl_module_check(L, tocha_batchnorm_forward(out, in, field_tensor(L, "weight"), field_tensor(L, "bias"),
                                      field_required(L, "running_mean"), field_required(L, "running_var"),
                                      field_required(L, "save_mean"), field_required(L, "save_std"), train,
                                      field_number(L, "momentum", 0.1), field_number(L, "eps", 1e-5)));
  lua_settop(L, 2);
  return 1;
}

/* batchnorm_backward(self, gradInput|nil, input, gradOutput, scale, params)
 * -> gradInput; params false: gradWeight and gradBias are left alone. */
static int l_batchnorm_backward(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  tocha_tensor *gi = tl_module_opttensor(L, 2, "gradInput");
  tocha_tensor *in = tl_module_tensor(L, 3, "input"), *go = tl_module_tensor(L, 4, "gradOutput");
  double scale = luaL_optnumber(L, 5, 1);
  int params = lua_isnone(L, 6) || lua_toboolean(L, 6);
  tocha_tensor *gw = params ? field_tensor(L, "gradWeight") : NULL, *gb = params ? field_tensor(L, "gradBias") : NULL;
  int train = field_boolean(L, "train", 1);
  tl_module_check(L, tocha_batchnorm_backward(gi, gw, gb, in, go, field_tensor(L, "weight"), field_tensor(L, "running_mean"),
                                       field_tensor(L, "running_var"), field_tensor(L, "save_mean"),
                                       field_tensor(L, "save_std"), train, scale, field_number(L, "eps", 1e-5)));
  lua_settop(L, 2);
  return 1;
}

static const luaL_Reg spatial_functions[] = {
    {"conv2d_forward", l_conv2d_forward},       {"conv2d_backward", l_conv2d_backward},
    {"maxpool_forward", l_maxpool_forward},     {"maxpool_backward", l_maxpool_backward},
    {"avgpool_forward", l_avgpool_forward},     {"avgpool_backward", l_avgpool_backward},
    {"batchnorm_forward", l_batchnorm_forward}, {"batchnorm_backward", l_batchnorm_backward},
    {NULL, NULL}};

void tl_open_spatial(lua_State *L, int module, int methods) {
  (void)methods;
  lua_newtable(L);
  luaL_setfuncs(L, spatial_functions, 0);
  lua_setfield(L, module, "_spatial");
}
