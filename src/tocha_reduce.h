/* tocha_reduce.h: part of tocha's public C API, included by tocha.h. */
#ifndef TOCHA_REDUCE_H
#define TOCHA_REDUCE_H

#endif
