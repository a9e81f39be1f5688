/* Placeholder: the index bindings land here. */
#include "binding.h"

void tl_open_index(lua_State *L, int module, int methods) {
  (void)L;
  (void)module;
  (void)methods;
}
