/* Clocks and the terminal, for timers and progress bars: tocha.clock() is
 * wall-clock time (CLOCK_MONOTONIC, nanosecond resolution, from an
 * arbitrary origin: only differences mean something); tocha.cputime() is
 * the processor time of the whole process so far, as user and system
 * seconds (getrusage); tocha.core.isatty(fd) says whether a descriptor is a
 * terminal, and tocha.core.termsize(fd) gives its columns and rows
 * (TIOCGWINSZ), or nil when it is not a terminal or does not know;
 * tocha.core.numcores() the processors this process may run on. */
#define _GNU_SOURCE /* sched_getaffinity */
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

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

static int check_fd(lua_State *L) {
  lua_Integer fd = luaL_checkinteger(L, 1);
  if (fd < 0 || fd > 1 << 20) luaL_argerror(L, 1, "file descriptor must be 0..1048576");
  return (int)fd;
}

static int l_isatty(lua_State *L) {
  lua_pushboolean(L, isatty(check_fd(L)) == 1);
  return 1;
}

static int l_termsize(lua_State *L) {
  struct winsize ws;
  int fd = check_fd(L);
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, ws.ws_col);
  lua_pushinteger(L, ws.ws_row);
  return 2;
}

static int l_numcores(lua_State *L) {
  cpu_set_t set;
  long n = 0;
  if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
  if (n < 1) n = sysconf(_SC_NPROCESSORS_ONLN);
  lua_pushinteger(L, n < 1 ? 1 : n);
  return 1;
}

void tl_open_clock(lua_State *L, int module, int methods) {
  static const luaL_Reg functions[] = {{"clock", l_clock},   {"cputime", l_cputime}, {"isatty", l_isatty},
                                       {"termsize", l_termsize}, {"numcores", l_numcores},
                                       {NULL, NULL}};
  (void)methods;
  tl_register(L, module, 0, functions);
}
