rockspec_format = "3.0"
package = "tocha"
version = "scm-1"
source = {
  url = "git+https://example.invalid/tocha.git",
}
description = {
  summary = "Torch-style tensors and neural networks for Lua 5.4, in C",
  detailed = [[
tocha gives Lua 5.4 C tensors (float32, float64, int64, uint8 views over
refcounted storage, BLAS-backed math) with Torch7's names and meanings.
]],
  license = "MIT",
}
dependencies = {
  "lua >= 5.4, < 5.5",
}
-- CBLAS (libopenblas-dev) is found by CMakeLists.txt, which stops with a
-- clear message when it is missing; luarocks' own header search does not
-- look in Debian's multiarch include directory.
build = {
  type = "cmake",
  variables = {
    CMAKE_BUILD_TYPE = "Release",
    TOCHA_TESTS = "OFF",
    TOCHA_BENCH = "OFF",
    TOCHA_FUZZ = "OFF",
    LUA_INCDIR = "$(LUA_INCDIR)",
    LUA_LIBDIR = "$(LIBDIR)",
    LUADIR = "$(LUADIR)",
    CMAKE_INSTALL_PREFIX = "$(PREFIX)",
  },
}
