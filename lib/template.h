/* SPDX-License-Identifier: MIT */
/* Message templates: the store, parameter analysis, offline checks, send objects. */
#ifndef WA_TEMPLATE_H
#define WA_TEMPLATE_H

/*
 * NOTE for wa-recv (lib/ingest.c): template webhooks go through
 * template_apply_status() below, inside the delivery's transaction:
 *
 *   message_template_status_update:
 *     template_apply_status(st, waba, id, name, language, event,
 *                           category, NULL, reason, now, err)
 *   message_template_quality_update:
 *     template_apply_status(st, waba, id, name, language, NULL, NULL,
 *                           new_quality_score, NULL, now, err)
 *   template_category_update (only the completed one, with
 *   previous_category; the impending one changes nothing):
 *     template_apply_status(st, waba, id, name, language, NULL,
 *                           new_category, NULL, NULL, now, err)
 *
 * id is message_template_id as text (webhooks send it as a number: use
 * "%.0f" or jx_intish); waba is entry[].id.  This is what makes
 * `wa-template send` accept a template that Meta approved after `create`,
 * or refuse one that Meta paused.
 */

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"
#include "graph.h"

#define TEMPLATE_MAX_BUTTONS 10
#define TEMPLATE_BODY_MAX 1024		/* characters */
#define TEMPLATE_HEADER_MAX 60
#define TEMPLATE_FOOTER_MAX 60
#define TEMPLATE_NAME_MAX 512

/* A button of a stored template and the parameter it takes. */
struct template_button {
	int index;		/* 0-based position in BUTTONS */
	char type[24];		/* URL, COPY_CODE, FLOW, QUICK_REPLY, ... */
	int takes;		/* 1 when it accepts a send parameter */
	int required;		/* 1 when a send must give it (URL {{1}}, COPY_CODE) */
};

/* What a template needs at send time (template_analyze). */
struct template_info {
	int named;		/* parameter_format NAMED: {{first_name}} */
	int nbody;		/* body parameters */
	char **body;		/* named: the names in first-use order; else NULL */
	char header[16];	/* header format: "" none, TEXT, IMAGE, VIDEO,
				   DOCUMENT, LOCATION */
	int nheader;		/* text parameters in a TEXT header (0 or 1) */
	char *header_name;	/* named header parameter, or NULL */
	int nbuttons;		/* buttons in the template */
	struct template_button buttons[TEMPLATE_MAX_BUTTONS];
};

/* Analyses tpl (borrowed: a Graph template object or a stored row, with
 * "components" and "parameter_format"). Lenient: what Meta approved is
 * taken as it is. Fills info (release with template_info_release). */
void template_analyze(jv tpl, struct template_info *info);
void template_info_release(struct template_info *info);

/* The "params" object of `show`: {"format","count","body":[...],
 * "header":{...}|null,"buttons":[...]} (owned). */
jv template_info_json(const struct template_info *info);

/* A stored template (consumed, as template_get gives it) for output:
 * full adds "params" (template_info_json); else the components are
 * dropped and "params" is the body parameter count. Owned. */
jv template_json(jv t, int full);

/* Offline checks of a create payload (borrowed), as Meta would reject it:
 * name, category, language, components, placeholders, examples and
 * parameter_format. 0, or -1 with err naming the field ("invalid_input"
 * for structure, "template_params" for placeholders and examples). */
int template_validate(jv tpl, struct wa_err *err);

/*
 * What a send supplies (all borrowed, jv_invalid() or null when absent):
 *   params   array (positional, in order) or object ({"1":..} positional,
 *            {"first_name":..} named); values are strings, numbers, or
 *            parameter objects ({"type":"currency",...}) passed through
 *   header_text    the TEXT header's parameter (string)
 *   header_media   {"type":"image|video|document","id"|"link":...}
 *   header_location {"latitude","longitude","name","address"}
 *   buttons  object {"INDEX": value} or array by index (null holes)
 */
struct template_args {
	jv params;
	jv header_text;
	jv header_media;
	jv header_location;
	jv buttons;
};

/* Builds the Graph "template" object for name/language from info and
 * args: {"name","language":{"code"},"components":[...]} (owned, in *out).
 * Wrong counts, missing or unknown names, a header or button parameter
 * the template does not take: -1, err "template_params" naming which. */
int template_build(const struct template_info *info, const char *name,
		   const char *language, const struct template_args *args,
		   jv *out, struct wa_err *err);

/* The body text with the parameters (borrowed, as in template_args)
 * filled in, for the help desk's view and search: owned jv string;
 * placeholders without a value stay as they are. */
jv template_render(jv tpl, jv params);

/* Meta routes template messages by the template's latest category
 * (2026): MARKETING goes to POST /{phone-number-id}/marketing_messages,
 * any other to /messages.  marketing 0 (the setting below is "off")
 * keeps every template on /messages.  Returns the edge, static. */
const char *template_endpoint(const char *category, int marketing);

/*
 * One `wa-template send` input into the message sender_submit() takes
 * (lib/sender.h): rec (borrowed) completed by flags (borrowed object of
 * defaults, or invalid) for the keys it lacks; recipient keys of flags
 * apply only when rec names none. Keys: "template", "language" (may be
 * left out when the template has one language), "to" | "thread_id" |
 * "wa_id", "channel", "params", "header_text", "header_image" |
 * "header_video" | "header_document" (URL, local file, or {"id"|"link"|
 * "path"}), "header_location", "button_params", "idempotency_key".
 * The template is looked up in the WABA of the thread's or given channel
 * (or of the only connected one). Refusals, before any request:
 * template_not_found, template_not_approved (naming the status),
 * template_params, invalid_input. *msg owned; its "endpoint" is the
 * Graph edge to POST to (template_endpoint: "messages" or
 * "marketing_messages"). A malformed setting is invalid_input, exit 78.
 */
int template_message(struct store *st, jv rec, jv flags, jv *msg,
		     struct wa_err *err);

/* A KEY=VALUE flag (--param, --button-param) into (*flags)[key][KEY]
 * for template_message; index: KEY is a button index 0-9. Else
 * invalid_input (exit 64) whose message starts with opt. */
int template_flag_pair(jv *flags, const char *opt, const char *key,
		       const char *arg, int index, struct wa_err *err);

struct sender;

/* One send input (rec taken; flags borrowed) of line: template_message,
 * then sender_submit (input taken: what its result echoes). A refusal
 * is answered through the sender and 0 returned; -1 when fatal (err). */
int template_submit(struct sender *s, struct store *st, jv rec, jv flags,
		    jv input, long line, struct wa_err *err);

/* ---- the store (run inside the caller's transaction when writing) ---- */

/* Inserts or replaces a template of waba from a Graph object (borrowed:
 * id, name, language, status, category, components, parameter_format,
 * quality_score, rejected_reason). invalid_input when name or language
 * are missing; 74/75 on store errors. */
int template_upsert(struct store *st, const char *waba, jv tpl, int64_t now,
		    struct wa_err *err);

/* The stored template (name, language) of waba; waba NULL matches any
 * WABA (the first by waba id). Returns 1 and *out owned (a record with
 * "waba","id","name","language","status","category","parameter_format",
 * "components","quality","reason","updated_at"), 0 when absent, -1 on a
 * store error. */
int template_get(struct store *st, const char *waba, const char *name,
		 const char *language, jv *out, struct wa_err *err);

/* Stored templates matching the filters (each NULL = any), ordered by
 * name, language: an owned array of records like template_get's. */
int template_list(struct store *st, const char *waba, const char *name,
		  const char *language, const char *status,
		  const char *category, jv *out, struct wa_err *err);

/* Deletes (waba, name[, language]) locally; *n the rows removed. */
int template_delete(struct store *st, const char *waba, const char *name,
		    const char *language, int *n, struct wa_err *err);

/* After a full sync of waba: deletes the local templates whose
 * "name\tlanguage" is not a key of seen (borrowed object); *n removed. */
int template_prune(struct store *st, const char *waba, jv seen, int *n,
		   struct wa_err *err);

/* A template webhook: finds the template by id, else by (waba, name,
 * language), and sets what is not NULL (status: Meta's event; REINSTATED
 * means APPROVED again, FLAGGED and LOCKED change nothing but the time).
 * An unknown template with a name and language is inserted (components
 * empty until the next sync). 0, or -1 with err on store errors. */
int template_apply_status(struct store *st, const char *waba,
			  const char *id, const char *name,
			  const char *language, const char *status,
			  const char *category, const char *quality,
			  const char *reason, int64_t now, struct wa_err *err);

/* The category changes of (waba, name, language), oldest first: an owned
 * array of {"at","from","to","source"} (source "webhook", "sync" or
 * "create"). template_upsert (sync) and template_apply_status record a
 * change when a stored category becomes another one. */
int template_category_history(struct store *st, const char *waba,
			      const char *name, const char *language,
			      jv *out, struct wa_err *err);

/* Setting (table settings) "template.marketing_messages": "on" (also when
 * absent) routes MARKETING templates to /marketing_messages, "off" keeps
 * them on /messages, for a business not onboarded to the Marketing
 * Messages API. get: *on 1 or 0; another value is invalid_input (exit
 * 78). set runs its own transaction. */
#define TEMPLATE_KEY_MARKETING "template.marketing_messages"
int template_marketing_get(struct store *st, int *on, struct wa_err *err);
int template_marketing_set(struct store *st, int on, struct wa_err *err);

/* The WABAs that have a connected channel: owned array of id strings. */
int template_wabas(struct store *st, jv *out, struct wa_err *err);

/* The WABAs a command works on (owned array): waba when given, else
 * those with a connected channel. None: not_connected (exit 78);
 * several when need_one: invalid_input (exit 64). */
int template_wabas_for(struct store *st, const char *waba, int need_one,
		       jv *out, struct wa_err *err);

/* template_list of name in every state, each with its
 * "category_history" (template_category_history), for show: none is
 * template_not_found (exit 1, *out the empty array). */
int template_show(struct store *st, const char *waba, const char *name,
		  const char *language, jv *out, struct wa_err *err);

/* ---- at Meta (each runs its own transactions, never across HTTP) ---- */

/* GET /{waba}/message_templates (limit 100, every field we keep),
 * following paging.next to the end; then one transaction upserts them
 * all and prunes the local ones Meta no longer has. *out (owned):
 * {"ok":true,"waba","synced","removed","pages"}. A failed page changes
 * nothing locally: -1 with Graph's err (69, 75, 77, ...). */
int template_sync(struct store *st, struct graph *g, const char *waba,
		  int64_t now, jv *out, struct wa_err *err);

/* Checks tpl (borrowed) offline (template_validate), POSTs it to
 * /{waba}/message_templates and stores it with Meta's id and status
 * (PENDING). *out (owned): {"ok":true,"waba","id","name","language",
 * "status","category"}. */
int template_create(struct store *st, struct graph *g, const char *waba,
		    jv tpl, int64_t now, jv *out, struct wa_err *err);

/* DELETE /{waba}/message_templates?name= (every language), or with
 * &hsm_id= of the stored (name, language) (template_not_found when not
 * stored); then deletes locally. *out (owned): {"ok":true,"waba","name",
 * "language","removed"}. */
int template_remove(struct store *st, struct graph *g, const char *waba,
		    const char *name, const char *language, jv *out,
		    struct wa_err *err);

#endif
