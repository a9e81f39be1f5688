/* tocha_linalg.h: part of tocha's public C API, included by tocha.h. */
#ifndef TOCHA_LINALG_H
#define TOCHA_LINALG_H

#endif
