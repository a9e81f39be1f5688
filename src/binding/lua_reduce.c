/* Placeholder: the reduce bindings land here. */
#include "binding.h"

void tl_open_reduce(lua_State *L, int module, int methods) {
  (void)L;
  (void)module;
  (void)methods;
}
