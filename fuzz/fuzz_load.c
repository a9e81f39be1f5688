/* fuzz_load: tocha.load's readers (tocha's format and Torch7's, binary and
 * ascii), through tocha.deserialize; the Lua side is fuzz/load.lua. */
#include <stdint.h>
#include <stdlib.h>

#include "host.h"

static lua_State *L;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  L = fuzz_lua_new(NULL, NULL, "load");
  fuzz_lua_coverage(L);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 20)) return 0;
  fuzz_lua_call(L, (const char *)data, size, 1);
  lua_gc(L, LUA_GCSTEP, 0);
  return 0;
}
