/* Clocks for timers and progress bars: tocha.clock() is wall-clock time
 * (CLOCK_MONOTONIC, nanosecond resolution, from an arbitrary origin: only
 * differences mean something); tocha.cputime() is the processor time of the
 * whole process so far, as user and system seconds (getrusage). */
#define _POSIX_C_SOURCE 200809L
#include <sys/resource.h>
#include <time.h>

#include "binding.h"

static int l_clock(lua_State *L) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return luaL_error(L, "clock: clock_gettime failed");
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec * 1e-9);
  return 1;
}

static int l_cputime(lua_State *L) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return luaL_error(L, "cputime: getrusage failed");
  lua_pushnumber(L, (lua_Number)ru.ru_utime.tv_sec + (lua_Number)ru.ru_utime.tv_usec * 1e-6);
  lua_pushnumber(L, (lua_Number)ru.ru_stime.tv_sec + (lua_Number)ru.ru_stime.tv_usec * 1e-6);
  return 2;
}

void tl_open_clock(lua_State *L, int module, int methods) {
  static const luaL_Reg functions[] = {{"clock", l_clock}, {"cputime", l_cputime}, {NULL, NULL}};
  (void)methods;
  tl_register(L, module, 0, functions);
}
