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
    default: return "?";
  }
}

size_t tocha_dtype_size(tocha_dtype dtype) {
  switch (dtype) {
    case TOCHA_FLOAT: return sizeof(float);
    case TOCHA_DOUBLE: return sizeof(double);
    case TOCHA_LONG: return sizeof(int64_t);
    case TOCHA_BYTE: return sizeof(uint8_t);
    default: return 0;
  }
}
