/* tocha_index.h: part of tocha's public C API, included by tocha.h. */
#ifndef TOCHA_INDEX_H
#define TOCHA_INDEX_H

#endif
