/* Bulk byte helpers for tocha.save / tocha.load (lua/tocha/serialize.lua
 * holds the file format; this file only moves element bytes fast):
 *   t:toBytes()                               -> string
 *   tocha.fromBytes(typename, s, pos, sizes)  -> tensor, next_pos
 *   tocha._crc32(s [, crc [, i [, j]]])       -> integer
 * Element bytes are always little-endian, whatever the host. */
#include <string.h>

#include "binding.h"

static int host_is_little_endian(void) {
  const uint16_t one = 1;
  unsigned char first;
  memcpy(&first, &one, 1);
  return first == 1;
}

/* Reverses the bytes of each of the n elements of esize bytes at p. */
static void swap_elements(char *p, int64_t n, size_t esize) {
  if (esize == 1) return;
  for (int64_t i = 0; i < n; i++, p += esize) {
    for (size_t a = 0, b = esize - 1; a < b; a++, b--) {
      char tmp = p[a];
      p[a] = p[b];
      p[b] = tmp;
    }
  }
}

/* t:toBytes(): the viewed elements in logical (row-major) order, each as
 * little-endian bytes; "" for a tensor without elements. */
static int l_tobytes(lua_State *L) {
  tocha_tensor *t = tl_checktensor(L, 1);
  /* Lua owns the contiguous copy (if one is needed) from the start. */
  tocha_tensor *c = tl_pushtensor(L, t->dtype);
  tl_check(L, tocha_contiguous(c, t), 0);
  int64_t n = tocha_tensor_nelement(c);
  if (n == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  size_t nbytes = (size_t)n * tocha_dtype_size(c->dtype);
  luaL_Buffer b;
  char *p = luaL_buffinitsize(L, &b, nbytes);
  memcpy(p, tocha_tensor_data(c), nbytes);
  if (!host_is_little_endian()) swap_elements(p, n, tocha_dtype_size(c->dtype));
  luaL_pushresultsize(&b, nbytes);
  return 1;
}

/* tocha.fromBytes(typename, s, pos, sizes) -> tensor, next_pos
 * A new contiguous tensor of `typename` ("tocha.FloatTensor", ...) and
 * `sizes` (a list; {} gives an empty tensor) whose elements are the
 * little-endian bytes of s starting at the 1-based position pos.  The byte
 * range is checked against #s before anything is allocated. */
static int l_frombytes(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  int dtype = -1;
  for (int d = 0; d < TOCHA_NTYPES; d++)
    if (strcmp(name, tl_type_names[d]) == 0) dtype = d;
  if (dtype < 0)
    luaL_argerror(L, 1, lua_pushfstring(L, "tensor type name such as 'tocha.FloatTensor' expected, got '%s'", name));
  size_t len;
  const char *s = luaL_checklstring(L, 2, &len);
  lua_Integer pos = luaL_checkinteger(L, 3);
  if (pos < 1 || (lua_Unsigned)pos > (lua_Unsigned)len + 1)
    luaL_argerror(L, 3, lua_pushfstring(L, "position %I out of range 1..%I", pos, (lua_Integer)len + 1));
  luaL_checktype(L, 4, LUA_TTABLE);
  int64_t size[TOCHA_MAX_DIMS];
  int ndim = tl_checksizes(L, 4, 4, size);
  size_t esize = tocha_dtype_size((tocha_dtype)dtype);
  int64_t left = (int64_t)(len - (size_t)(pos - 1));
  /* The core's shape rule (no overflow, within its limit), then the element
   * count against the bytes left. */
  int64_t n, max_n = left / (int64_t)esize;
  tl_check(L, tocha_shape_count(ndim, size, 4, &n), 0);
  if (n > max_n)
    luaL_argerror(L, 4, lua_pushfstring(L, "sizes need more than the %I bytes left after position %I",
                                        (lua_Integer)left, pos));
  tocha_tensor *t = tl_pushtensor(L, (tocha_dtype)dtype);
  if (ndim > 0) tl_check(L, tocha_tensor_new(t, (tocha_dtype)dtype, ndim, size), 1); /* shape: #4 */
  size_t nbytes = (size_t)n * esize;
  if (nbytes > 0) {
    memcpy(tocha_tensor_data(t), s + pos - 1, nbytes);
    if (!host_is_little_endian()) swap_elements(tocha_tensor_data(t), n, esize);
  }
  lua_pushinteger(L, pos + (lua_Integer)nbytes);
  return 2;
}

/* ---- CRC-32 (the zlib / PNG / ISO-HDLC one), sliced by 8 ---------------- */

#define CRC_TABLE_WORDS (8 * 256)

static void crc_build_table(uint32_t *t) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  for (int k = 1; k < 8; k++)
    for (int i = 0; i < 256; i++) t[k * 256 + i] = (t[(k - 1) * 256 + i] >> 8) ^ t[t[(k - 1) * 256 + i] & 0xff];
}

static uint32_t load_le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t crc_update(const uint32_t *t, uint32_t crc, const unsigned char *p, size_t len) {
  crc = ~crc;
  for (; len >= 8; len -= 8, p += 8) {
    uint32_t a = crc ^ load_le32(p), b = load_le32(p + 4);
    crc = t[7 * 256 + (a & 0xff)] ^ t[6 * 256 + ((a >> 8) & 0xff)] ^ t[5 * 256 + ((a >> 16) & 0xff)] ^
          t[4 * 256 + (a >> 24)] ^ t[3 * 256 + (b & 0xff)] ^ t[2 * 256 + ((b >> 8) & 0xff)] ^
          t[1 * 256 + ((b >> 16) & 0xff)] ^ t[b >> 24];
  }
  for (; len > 0; len--, p++) crc = t[(crc ^ *p) & 0xff] ^ (crc >> 8);
  return ~crc;
}

/* tocha._crc32(s [, crc [, i [, j]]]): the CRC-32 of s:sub(i, j) (default:
 * all of s), continuing from `crc`, the CRC of the bytes before them.
 * The table is an upvalue. */
static int l_crc32(lua_State *L) {
  size_t len;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  lua_Integer start = luaL_optinteger(L, 2, 0);
  luaL_argcheck(L, start >= 0 && start <= 0xFFFFFFFF, 2, "CRC must be in 0..2^32-1");
  lua_Integer i = luaL_optinteger(L, 3, 1), j = luaL_optinteger(L, 4, (lua_Integer)len);
  luaL_argcheck(L, j >= 0 && (lua_Unsigned)j <= len, 4, "end position out of range");
  luaL_argcheck(L, i >= 1 && i <= j + 1, 3, "start position out of range");
  const uint32_t *table = lua_touserdata(L, lua_upvalueindex(1));
  lua_pushinteger(L, (lua_Integer)crc_update(table, (uint32_t)start, s + i - 1, (size_t)(j - i + 1)));
  return 1;
}

/* tocha._replace_file(path, parts) -> true | nil, message
 * Writes the strings of the list `parts`, in order, crash-safely over path
 * (tocha_replace_file).  The strings stay referenced by the list, read with
 * raw access: no Lua code runs while their bytes are written. */
static int l_replace_file(lua_State *L) {
  luaL_checktype(L, 1, LUA_TSTRING); /* a path, not a number turned into one */
  const char *path = lua_tostring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_Integer n = (lua_Integer)lua_rawlen(L, 2);
  if (n > INT32_MAX / 2) luaL_argerror(L, 2, "too many parts");
  const void **parts = lua_newuserdatauv(L, sizeof *parts * (size_t)(n + 1), 0);
  size_t *lengths = lua_newuserdatauv(L, sizeof *lengths * (size_t)(n + 1), 0);
  for (lua_Integer i = 0; i < n; i++) {
    if (lua_rawgeti(L, 2, i + 1) != LUA_TSTRING)
      luaL_argerror(L, 2, lua_pushfstring(L, "part %I must be a string, got %s", i + 1, luaL_typename(L, -1)));
    parts[i] = lua_tolstring(L, -1, &lengths[i]);
    lua_pop(L, 1);
  }
  if (tocha_replace_file(path, parts, lengths, (int)n) != TOCHA_OK) {
    lua_pushnil(L);
    lua_pushstring(L, tocha_last_error()->message);
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

void tl_open_serialize(lua_State *L, int module, int methods) {
  static const luaL_Reg method_funcs[] = {{"toBytes", l_tobytes}, {NULL, NULL}};
  static const luaL_Reg module_funcs[] = {
      {"fromBytes", l_frombytes}, {"_replace_file", l_replace_file}, {NULL, NULL}};
  tl_register(L, 0, methods, method_funcs);
  tl_register(L, module, 0, module_funcs);
  uint32_t *table = lua_newuserdatauv(L, CRC_TABLE_WORDS * sizeof *table, 0);
  crc_build_table(table);
  lua_pushcclosure(L, l_crc32, 1);
  lua_setfield(L, module, "_crc32");
}
