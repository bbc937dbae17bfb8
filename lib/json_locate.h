/* SPDX-License-Identifier: MIT */
/* Where a field is in JSON text: the line of a path like components[0].text, for messages. */
#ifndef WA_JSON_LOCATE_H
#define WA_JSON_LOCATE_H

#include <stddef.h>

/*
 * The line (1-based) of the value at path in the JSON text text[0..len):
 * keys separated by '.', array elements as "[N]", e.g.
 * "components[1].buttons[0].url"; a key's line is where the key is
 * written. When part of the path is absent (a "missing" field), the line
 * of the deepest part found; "" or a path whose first key is absent is the
 * line of the text's first value. Keys are compared as written, without
 * unescaping. Never fails: text that is not JSON gives the line reached.
 */
long json_locate_line(const char *text, size_t len, const char *path);

#endif
