/* Data files: tocha.readIDX(path) reads an IDX file (MNIST's format, plain
 * or gzip) into a new tensor.  The datasets built on it are in Lua
 * (lua/tocha/datasets.lua). */
#include "binding.h"

/* tocha.readIDX(path) -> ByteTensor (ubyte data), LongTensor (sbyte, short,
 * int), FloatTensor (float) or DoubleTensor (double), of the file's shape. */
static int l_readidx(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  /* The result is owned by Lua before anything is read into it. */
  tocha_tensor *t = tl_pushtensor(L, TOCHA_BYTE);
  tocha_status st = tocha_read_idx(t, path);
  if (st != TOCHA_OK) return luaL_error(L, "tocha.readIDX: %s", tocha_last_error()->message);
  /* The core may have changed the dtype: give the userdata its metatable. */
  luaL_setmetatable(L, tl_type_names[t->dtype]);
  return 1;
}

void tl_open_data(lua_State *L, int module, int methods) {
  (void)methods;
  static const luaL_Reg functions[] = {{"readIDX", l_readidx}, {NULL, NULL}};
  tl_register(L, module, 0, functions);
}
