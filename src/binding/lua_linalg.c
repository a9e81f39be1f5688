/* Placeholder: the linalg bindings land here. */
#include "binding.h"

void tl_open_linalg(lua_State *L, int module, int methods) {
  (void)L;
  (void)module;
  (void)methods;
}
