/*
 * The general convolutions (src/tocha_spatial.h, tocha_convnd_*) in the
 * private table tocha._convnd, for SpatialFullConvolution,
 * SpatialDilatedConvolution, SpatialDepthWiseConvolution and the
 * Volumetric(Full|Dilated)Convolution modules.  Every function takes the
 * calling module first and reads its window from the module's fields,
 * Torch7's names: kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT,
 * dilationW, dilationH, adjT, adjW, adjH (absent: 1 for the kernel's
 * steps and dilations, 0 for paddings and adjustments).  `kind` says
 * what is computed: "conv2", "conv3" (convolutions), "full2", "full3"
 * (full convolutions).  Also the volumetric max pooling (maxpool3d_*).
 * Errors name the module.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../tocha_spatial.h"
#include "binding.h"

/* The window of module 1; `kind` at `arg`; `groups` (convolutions only);
 * for a full convolution `target` (or NULL) gives the output's size, the
 * adjustments following from it (Torch7's two-tensor input). */
static tocha_volwindow volwindow_of(lua_State *L, const char *kind, int64_t groups, const tocha_tensor *target) {
  luaL_checktype(L, 1, LUA_TTABLE);
  tocha_volwindow w;
  memset(&w, 0, sizeof w);
  if (strcmp(kind, "conv2") == 0 || strcmp(kind, "full2") == 0)
    w.nd = 2;
  else if (strcmp(kind, "conv3") == 0 || strcmp(kind, "full3") == 0)
    w.nd = 3;
  else
    tl_module_error(L, "unknown convolution kind '%s'", kind);
  w.transposed = kind[0] == 'f';
  w.groups = groups;
  static const char *const axes[3] = {"T", "H", "W"};
  for (int i = 0; i < 3; i++) {
    w.k[i] = w.d[i] = w.dil[i] = 1;
    if (i == 0 && w.nd == 2) continue;
    char name[16];
    snprintf(name, sizeof name, "k%s", axes[i]);
    w.k[i] = tl_module_integer(L, name, -1);
    snprintf(name, sizeof name, "d%s", axes[i]);
    w.d[i] = tl_module_integer(L, name, 1);
    snprintf(name, sizeof name, "pad%s", axes[i]);
    w.pad[i] = tl_module_integer(L, name, 0);
    snprintf(name, sizeof name, "dilation%s", axes[i]);
    w.dil[i] = tl_module_integer(L, name, 1);
    if (!w.transposed) continue;
    snprintf(name, sizeof name, "adj%s", axes[i]);
    w.adj[i] = tl_module_integer(L, name, 0);
  }
  if (target && w.transposed) {
    if (target->ndim < w.nd) tl_module_error(L, "the target size tensor must have at least %d dimensions", w.nd);
    for (int i = 3 - w.nd; i < 3; i++) {
      int64_t size = target->size[target->ndim - 3 + i];
      if (w.k[i] < 1 || w.k[i] > INT_MAX || w.dil[i] < 1 || w.dil[i] > INT_MAX || w.pad[i] < 0 ||
          w.pad[i] > INT_MAX / 4 || size > INT_MAX)
        continue; /* tocha_convnd_* rejects the window */
      int64_t span = size + 2 * w.pad[i] - w.dil[i] * (w.k[i] - 1) - 1;
      if (w.d[i] < 1 || span < 0)
        tl_module_error(L, "the target size %lld along %s is too small for the kernel", (long long)size, axes[i]);
      w.adj[i] = span % w.d[i];
    }
  }
  return w;
}

static tocha_volwindow module_volwindow(lua_State *L, int arg, int64_t groups, const tocha_tensor *target) {
  return volwindow_of(L, luaL_checkstring(L, arg), groups, target);
}

/* forward(self, kind, output, work, input, weight, bias|nil [, target|nil [, groups]]) -> output */
static int l_forward(lua_State *L) {
  tocha_tensor *out = tl_module_tensor(L, 3, "output"), *work = tl_module_tensor(L, 4, "workspace");
  tocha_tensor *in = tl_module_tensor(L, 5, "input"), *weight = tl_module_tensor(L, 6, "weight");
  tocha_tensor *bias = tl_module_opttensor(L, 7, "bias"), *target = tl_module_opttensor(L, 8, "target");
  tocha_volwindow w = module_volwindow(L, 2, luaL_optinteger(L, 9, 1), target);
  tl_module_check(L, tocha_convnd_forward(out, work, in, weight, bias, &w));
  lua_settop(L, 3);
  return 1;
}

/* backward(self, kind, gradInput|nil, gradWeight|nil, gradBias|nil, work, input, gradOutput, weight, scale
 *          [, target|nil [, groups]]) -> gradInput */
static int l_backward(lua_State *L) {
  tocha_tensor *gi = tl_module_opttensor(L, 3, "gradInput"), *gw = tl_module_opttensor(L, 4, "gradWeight");
  tocha_tensor *gb = tl_module_opttensor(L, 5, "gradBias"), *work = tl_module_tensor(L, 6, "workspace");
  tocha_tensor *in = tl_module_tensor(L, 7, "input"), *go = tl_module_tensor(L, 8, "gradOutput");
  tocha_tensor *weight = tl_module_tensor(L, 9, "weight");
  double scale = luaL_optnumber(L, 10, 1);
  tocha_tensor *target = tl_module_opttensor(L, 11, "target");
  tocha_volwindow w = module_volwindow(L, 2, luaL_optinteger(L, 12, 1), target);
  tl_module_check(L, tocha_convnd_backward(gi, gw, gb, work, in, go, weight, &w, scale));
  lua_settop(L, 3);
  return 1;
}

/* maxpool3d_forward(self, output, indices, input) -> output; the window from
 * kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT, dilationW, dilationH
 * and ceil_mode. */
static tocha_volwindow pool_window(lua_State *L, int *ceil_mode) {
  tocha_volwindow w = volwindow_of(L, "conv3", 1, NULL);
  lua_getfield(L, 1, "ceil_mode");
  *ceil_mode = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return w;
}

static int l_maxpool3d_forward(lua_State *L) {
  int ceil_mode;
  tocha_volwindow w = pool_window(L, &ceil_mode);
  tocha_tensor *out = tl_module_tensor(L, 2, "output"), *idx = tl_module_tensor(L, 3, "indices");
  tl_module_check(L, tocha_maxpool3d_forward(out, idx, tl_module_tensor(L, 4, "input"), &w, ceil_mode));
  lua_settop(L, 2);
  return 1;
}

/* maxpool3d_backward(self, gradInput, input, gradOutput, indices) -> gradInput */
static int l_maxpool3d_backward(lua_State *L) {
  int ceil_mode;
  tocha_volwindow w = pool_window(L, &ceil_mode);
  tocha_tensor *gi = tl_module_tensor(L, 2, "gradInput"), *in = tl_module_tensor(L, 3, "input");
  tocha_tensor *go = tl_module_tensor(L, 4, "gradOutput"), *idx = tl_module_tensor(L, 5, "indices");
  tl_module_check(L, tocha_maxpool3d_backward(gi, in, go, idx, &w, ceil_mode));
  lua_settop(L, 2);
  return 1;
}

void tl_open_convnd(lua_State *L, int module, int methods) {
  static const luaL_Reg funcs[] = {{"forward", l_forward},
                                   {"backward", l_backward},
                                   {"maxpool3d_forward", l_maxpool3d_forward},
                                   {"maxpool3d_backward", l_maxpool3d_backward},
                                   {NULL, NULL}};
  (void)methods;
  lua_newtable(L);
  luaL_setfuncs(L, funcs, 0);
  lua_setfield(L, module, "_convnd");
}
