/*
 * Convolutions of tensors (src/tocha_conv.h), Torch7's forms:
 *   torch.conv2([res,] x, k [, 'V' | 'F'])   and xcorr2, conv3, xcorr3
 *   res:conv2(x, k [, mode]) (or x:conv2(k [, mode]), a new result)
 */
#include "binding.h"

static int conv(lua_State *L, int nd, int convolution) {
  int res = tl_totensor(L, 3) ? 1 : 0, x = res + 1;
  if (res) tl_checktensor(L, 1);
  tocha_tensor *in = tl_checktensor(L, x), *k = tl_checktensor(L, x + 1);
  char mode = 'V';
  if (!lua_isnoneornil(L, x + 2)) {
    size_t len;
    const char *s = luaL_checklstring(L, x + 2, &len);
    if (len != 1) luaL_argerror(L, x + 2, lua_pushfstring(L, "mode must be 'V' or 'F', got '%s'", s));
    mode = s[0];
  }
  if (lua_gettop(L) > x + 2) luaL_argerror(L, x + 3, "no further arguments expected");
  tocha_tensor *out;
  if (res) {
    lua_pushvalue(L, 1);
    out = (tocha_tensor *)lua_touserdata(L, 1);
  } else {
    out = tl_pushtensor(L, in->dtype);
  }
  tl_check(L, tocha_conv(out, in, k, nd, mode, convolution), res);
  return 1;
}

static int l_conv2(lua_State *L) { return conv(L, 2, 1); }
static int l_xcorr2(lua_State *L) { return conv(L, 2, 0); }
static int l_conv3(lua_State *L) { return conv(L, 3, 1); }
static int l_xcorr3(lua_State *L) { return conv(L, 3, 0); }

void tl_open_conv(lua_State *L, int module, int methods) {
  static const luaL_Reg funcs[] = {
      {"conv2", l_conv2}, {"xcorr2", l_xcorr2}, {"conv3", l_conv3}, {"xcorr3", l_xcorr3}, {NULL, NULL}};
  tl_register(L, module, methods, funcs);
}
