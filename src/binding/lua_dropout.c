/* The dropout kernel for nn.Dropout and nn.SpatialDropout, exposed to Lua
 * as the private table tocha._dropout. */
#include "binding.h"

/* forward([gen,] output, input, mask, p, scale [, group]) -> output */
static int l_dropout_forward(lua_State *L) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  tocha_tensor *output = tl_checktensor(L, 1 + skip), *input = tl_checktensor(L, 2 + skip);
  tocha_tensor *mask = tl_checktensor(L, 3 + skip);
  double p = luaL_checknumber(L, 4 + skip), scale = luaL_checknumber(L, 5 + skip);
  lua_Integer group = luaL_optinteger(L, 6 + skip, 1);
  tl_check(L, tocha_dropout_forward(g, output, input, mask, p, scale, group), 1 + skip);
  lua_pushvalue(L, 1 + skip);
  return 1;
}

/* forward_shard([gen,] output, input, mask, p, scale, group, first, total) -> output */
static int l_dropout_forward_shard(lua_State *L) {
  int skip;
  tocha_rng *g = tl_optgenerator(L, 1, &skip);
  tocha_tensor *output = tl_checktensor(L, 1 + skip), *input = tl_checktensor(L, 2 + skip);
  tocha_tensor *mask = tl_checktensor(L, 3 + skip);
  double p = luaL_checknumber(L, 4 + skip), scale = luaL_checknumber(L, 5 + skip);
  lua_Integer group = luaL_checkinteger(L, 6 + skip), first = luaL_checkinteger(L, 7 + skip);
  lua_Integer total = luaL_checkinteger(L, 8 + skip);
  tl_check(L, tocha_dropout_forward_shard(g, output, input, mask, p, scale, group, first, total), 1 + skip);
  lua_pushvalue(L, 1 + skip);
  return 1;
}

/* backward(gradInput, gradOutput, mask, scale [, group]) -> gradInput */
static int l_dropout_backward(lua_State *L) {
  tocha_tensor *grad_input = tl_checktensor(L, 1), *grad_output = tl_checktensor(L, 2);
  tocha_tensor *mask = tl_checktensor(L, 3);
  double scale = luaL_checknumber(L, 4);
  lua_Integer group = luaL_optinteger(L, 5, 1);
  tl_check(L, tocha_dropout_backward(grad_input, grad_output, mask, scale, group), 1);
  lua_settop(L, 1);
  return 1;
}

/* mask(bits, sizes [, group]) -> a ByteTensor of 0/1 in the given shape */
static int l_dropout_mask(lua_State *L) {
  tocha_tensor *bits = tl_checktensor(L, 1);
  int64_t size[TOCHA_MAX_DIMS];
  int ndim = tl_checksizes(L, 2, 2, size);
  lua_Integer group = luaL_optinteger(L, 3, 1);
  tocha_tensor *out = tl_pushtensor(L, TOCHA_BYTE);
  tl_check(L, tocha_dropout_mask_expand(out, bits, ndim, size, group), 0);
  return 1;
}

void tl_open_dropout(lua_State *L, int module, int methods) {
  static const luaL_Reg functions[] = {
      {"forward", l_dropout_forward}, {"forward_shard", l_dropout_forward_shard},
      {"backward", l_dropout_backward}, {"mask", l_dropout_mask}, {NULL, NULL}};
  (void)methods;
  lua_newtable(L);
  luaL_setfuncs(L, functions, 0);
  lua_setfield(L, module, "_dropout");
}
