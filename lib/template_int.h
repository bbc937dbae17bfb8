/* SPDX-License-Identifier: MIT */
/* Internal to lib/template*.c: placeholder scanning shared by analysis and checks. */
#ifndef WA_TEMPLATE_INT_H
#define WA_TEMPLATE_INT_H

#include <stddef.h>

#define TEMPLATE_PH_NAME_MAX 64	/* longest placeholder name we keep */

/* One {{...}} in a text: byte offsets and the trimmed inside. */
struct template_ph {
	size_t start;		/* offset of "{{" */
	size_t end;		/* offset just after "}}" */
	char name[TEMPLATE_PH_NAME_MAX];
};

struct template_phs {
	struct template_ph *v;	/* owned */
	int n, cap;
	int bad;		/* an unterminated, empty or overlong {{ }} */
};

/* Finds the placeholders of text into p (zeroed by the caller); release
 * with template_phs_release. */
void template_phs_scan(const char *text, struct template_phs *p);
void template_phs_release(struct template_phs *p);

/* 1 when s is one or more decimal digits. */
int template_all_digits(const char *s);

/* Case-insensitive s == want; NULL s is never equal. */
int template_ieq(const char *s, const char *want);

#endif
