/* SPDX-License-Identifier: MIT */
/* Internal to lib/template*.c: placeholder scanning shared by analysis and checks, the store's row key. */
#ifndef WA_TEMPLATE_INT_H
#define WA_TEMPLATE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

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

/* The index of name in names (n of them), or -1. */
int template_name_index(char **names, int n, const char *name);

/* Case-insensitive s == want; NULL s is never equal. */
int template_ieq(const char *s, const char *want);

/* A template's key in the store. */
struct tpl_key {
	const char *waba, *name, *language;
};

struct category_change {
	struct tpl_key key;			/* the stored row */
	const char *category, *id, *source;
	int64_t now;
};

/* Binds k to parameters 1 to 3 of q. */
void template_bind_key(struct sq *q, const struct tpl_key *k);

/* Inside the caller's transaction: records c's category for its row
 * (nothing when c->category is NULL); -1 with err (74/75). */
int template_category_change(struct store *st,
			     const struct category_change *c,
			     struct wa_err *err);

/* template_upsert, with where the template came from (source: "sync",
 * "create") for its category history; borrows tpl. */
int template_upsert_source(struct store *st, const char *waba, jv tpl,
			   int64_t now, const char *source,
			   struct wa_err *err);

/* template_check.c: err set to template_params "FIELD: message"; -1. */
int template_bad_param(struct wa_err *err, const char *field, const char *fmt,
		       ...) __attribute__((format(printf, 3, 4)));

/* template_check_params.c, for template_validate: the placeholders of
 * text (into ph, zeroed by the caller) and the examples of comp's
 * example[key] for them (nested: [[...]] for a body). 0, or -1 with err
 * template_params. */
int template_check_placeholders(const char *text, const char *field,
				int named, int is_body,
				struct template_phs *ph, struct wa_err *err);
int template_check_examples(jv comp, const char *field, const char *key,
			    int named, int nested,
			    const struct template_phs *ph,
			    struct wa_err *err);

#endif
