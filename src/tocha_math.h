/* tocha_math.h: part of tocha's public C API, included by tocha.h. */
#ifndef TOCHA_MATH_H
#define TOCHA_MATH_H

#endif
