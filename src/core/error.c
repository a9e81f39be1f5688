/* Error recording and dtype facts shared by the whole core. */
#include <stdarg.h>
#include <stdio.h>

#include "../tocha.h"

static _Thread_local tocha_error last_error;

const tocha_error *tocha_last_error(void) { return &last_error; }

static tocha_status record(tocha_status status, int arg, int item, const char *fmt, va_list ap) {
  last_error.status = status;
  last_error.arg = arg;
  last_error.item = item;
  vsnprintf(last_error.message, sizeof last_error.message, fmt, ap);
  return status;
}

tocha_status tocha_fail(tocha_status status, int arg, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  record(status, arg, 0, fmt, ap);
  va_end(ap);
  return status;
}

tocha_status tocha_fail_item(tocha_status status, int arg, int item, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  record(status, arg, item, fmt, ap);
  va_end(ap);
  return status;
}

const char *tocha_dtype_name(tocha_dtype dtype) {
  switch (dtype) {
    case TOCHA_FLOAT: return "Float";
    case TOCHA_DOUBLE: return "Double";
    case TOCHA_LONG: return "Long";
    case TOCHA_BYTE: return "Byte";
    case TOCHA_INT: return "Int";
    case TOCHA_SHORT: return "Short";
    case TOCHA_CHAR: return "Char";
    default: return "?";
  }
}

size_t tocha_dtype_size(tocha_dtype dtype) {
  switch (dtype) {
    case TOCHA_FLOAT: return sizeof(float);
    case TOCHA_DOUBLE: return sizeof(double);
    case TOCHA_LONG: return sizeof(int64_t);
    case TOCHA_BYTE: return sizeof(uint8_t);
    case TOCHA_INT: return sizeof(int32_t);
    case TOCHA_SHORT: return sizeof(int16_t);
    case TOCHA_CHAR: return sizeof(int8_t);
    default: return 0;
  }
}

int tocha_dtype_integer_range(tocha_dtype dtype, double *lo, double *hi) {
  double l, h;
  switch (dtype) {
    case TOCHA_LONG: l = -9223372036854775808.0; h = 9223372036854775807.0; break;
    case TOCHA_BYTE: l = 0; h = 255; break;
    case TOCHA_INT: l = -2147483648.0; h = 2147483647.0; break;
    case TOCHA_SHORT: l = -32768; h = 32767; break;
    case TOCHA_CHAR: l = -128; h = 127; break;
    default: return 0;
  }
  if (lo) *lo = l;
  if (hi) *hi = h;
  return 1;
}
