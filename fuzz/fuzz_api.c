/* fuzz_api: sequences of calls on tocha's public Lua API with edge values;
 * the decoder is fuzz/api.lua.  At exit it prints the number of API calls
 * executed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "host.h"

static lua_State *L;
static unsigned long long calls, inputs;

static void report(void) {
  fprintf(stderr, "fuzz_api: %llu API calls in %llu inputs\n", calls, inputs);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  L = fuzz_lua_new(NULL, NULL, "api");
  atexit(report);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0; /* a size cap: long inputs are slow, not deeper */
  long long n = fuzz_lua_call(L, (const char *)data, size, 1);
  calls += (unsigned long long)n;
  inputs++;
  if (inputs % 64 == 0) lua_gc(L, LUA_GCCOLLECT);
  return 0;
}
