/* SPDX-License-Identifier: MIT */
/* wa-view contacts (add, import, list, show, edit, merge) and quarantine (show, release). */
#include <string.h>
#include "viewcmd_int.h"
#include "contacts.h"
#include "quarantine_admin.h"
#include "util.h"

static const struct out_col contact_cols[] = {
	{ "contact_id", "ID", 0 }, { "name", "NAME", 24 | OUT_TEXT },
	{ "email", "EMAIL", 28 | OUT_TEXT | OUT_DROP(3) },
	{ "phone", "PHONE", 0 }, { "mobile_phone", "MOBILE", OUT_DROP(2) },
	{ "wa_id", "WA_ID", 0 }, { "username", "USERNAME", OUT_DROP(1) },
	{ "threads", "THREADS", 0 }, { NULL, NULL, 0 }
};

/* An answer of contacts import: a refusal also on stderr. */
static void
emit_import(jv rec, void *ctx)
{
	wa_warn_result(rec);
	out_record(ctx, rec);
}

static int
import_files(struct store *st, struct out *o, struct wa_config *cfg,
	     int argc, char **argv, struct wa_err *err)
{
	int status;

	if (contacts_import(st, argc, argv, cfg->default_cc, wa_now(),
			    emit_import, o, &status, err) == 0)
		return status;
	wa_warn(err, 0);	/* a file that cannot be read: nothing done */
	return err->sysexit;
}

/* contacts show, edit and merge: one contact by id. */
static int
contact_one(struct store *st, struct out *o,
	    const struct viewcmd_opts *vo, struct wa_config *cfg, int argc,
	    char **argv, struct wa_err *err)
{
	const char *sub = argv[0], *user = vo->as ? vo->as : cfg->user;
	int merge = strcmp(sub, "merge") == 0;
	int64_t id;
	jv res;
	int rc;

	if (argc != 2 + merge)
		cli_usage_error(vo->cli, "contacts %s takes %s", sub,
				merge ? "ID OTHER" : "ID");
	id = viewcmd_id_arg(vo, "ID", argv[1]);
	if (strcmp(sub, "show") == 0)
		rc = contacts_show(st, id, &res, err);
	else if (merge)
		rc = contacts_merge(st, id,
				    viewcmd_id_arg(vo, "OTHER", argv[2]), user,
				    wa_now(), &res, err);
	else
		rc = contacts_edit(st, id, vo->contact, cfg->default_cc, user,
				   wa_now(), &res, err);
	if (rc < 0)
		return viewcmd_rejected(o, err, JV_OBJECT(
			jv_string("contact_id"), jv_string(argv[1])));
	o->style = OUT_STYLE_RECORD;
	out_record(o, res);
	return 0;
}

int
viewcmd_contacts(struct store *st, struct out *o,
		 const struct viewcmd_opts *vo, struct wa_config *cfg,
		 int argc, char **argv, struct wa_err *err)
{
	const char *sub = argc > 0 ? argv[0] : "list";
	jv res;

	o->cols = contact_cols;
	if (strcmp(sub, "import") == 0)
		return import_files(st, o, cfg, argc - 1, argv + 1, err);
	if (!strcmp(sub, "show") || !strcmp(sub, "edit") ||
	    !strcmp(sub, "merge"))
		return contact_one(st, o, vo, cfg, argc, argv, err);
	if (argc > 1)
		cli_usage_error(vo->cli, "unexpected argument '%s'", argv[1]);
	if (strcmp(sub, "list") == 0) {
		if (contacts_list(st, viewcmd_emit, o, err) == 0)
			return 0;
		wa_warn(err, 0);
		return err->sysexit;
	}
	if (strcmp(sub, "add") != 0)
		cli_usage_error(vo->cli, "unknown contacts command '%s'", sub);
	if (contacts_upsert(st, vo->contact, cfg->default_cc, wa_now(), &res,
			    err) < 0)
		return viewcmd_rejected(o, err, jv_copy(vo->contact));
	out_record(o, res);
	return 0;
}

/* quarantine show|release MSG: admins only (WA_ADMINS), recorded. */
int
viewcmd_quarantine(struct store *st, struct out *o,
		   const struct viewcmd_opts *vo, const char *user,
		   int argc, char **argv, struct wa_err *err)
{
	int show = argc > 0 && strcmp(argv[0], "show") == 0;
	int64_t id;
	jv res;

	if (argc != 2 || (!show && strcmp(argv[0], "release")))
		cli_usage_error(vo->cli, "quarantine show|release takes MSG");
	id = viewcmd_id_arg(vo, "MSG", argv[1]);
	if ((show ? quarantine_reveal : quarantine_release)(st, id, user,
							    wa_now(), &res,
							    err) < 0)
		return viewcmd_rejected(o, err, JV_OBJECT(
			jv_string("message_id"), jv_string(argv[1])));
	o->style = OUT_STYLE_RECORD;
	out_record(o, res);
	return 0;
}
