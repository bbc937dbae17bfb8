/* SPDX-License-Identifier: MIT */
/* The WhatsApp business profile: fields checked, the body Graph is sent. */
#include <string.h>
#include <strings.h>
#include "channel.h"
#include "util.h"

static const char *const verticals[] = {
	"ALCOHOL", "APPAREL", "AUTO", "BEAUTY", "EDU", "ENTERTAIN",
	"EVENT_PLAN", "FINANCE", "GOVT", "GROCERY", "HEALTH", "HOTEL",
	"NONPROFIT", "ONLINE_GAMBLING", "OTC_DRUGS", "OTHER",
	"PHYSICAL_GAMBLING", "PROF_SERVICES", "RESTAURANT", "RETAIL",
	"TRAVEL", NULL
};

/* Meta's spelling of vertical v ("" clears it), or NULL when unknown. */
static const char *
vertical_name(const char *v)
{
	const char *const *p;

	if (!*v)
		return "";
	for (p = verticals; *p; p++)
		if (strcasecmp(*p, v) == 0)
			return *p;
	return NULL;
}

static int
text_check(const char *what, const char *v, size_t min, size_t max,
	   struct wa_err *err)
{
	size_t n;

	if (!v)
		return 0;
	n = utf8_len(v);
	if (n < min || n > max)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "%s: %zu characters, must be %zu to %zu",
				  what, n, min, max);
	return 0;
}

int
profile_validate(const struct profile_update *p, struct wa_err *err)
{
	int i;

	if (text_check("about", p->about, 1, 139, err) ||
	    text_check("address", p->address, 0, 256, err) ||
	    text_check("description", p->description, 0, 512, err) ||
	    text_check("email", p->email, 0, 128, err))
		return -1;
	if (p->email && *p->email && !email_valid(p->email))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "email: '%s' is not an e-mail address",
				  p->email);
	if (p->vertical && !vertical_name(p->vertical))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "vertical: '%s' is not one of Meta's "
				  "verticals (e.g. RETAIL, EDU, OTHER)",
				  p->vertical);
	if (p->nwebsites > 2)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "website: at most 2 websites");
	for (i = 0; i < p->nwebsites; i++)
		if (!url_valid(p->websites[i]) ||
		    utf8_len(p->websites[i]) > 256)
			return wa_err_set(err, WA_EX_USAGE, "invalid_input",
					  "website: '%s' is not an http or "
					  "https URL of at most 256 characters",
					  p->websites[i]);
	return 0;
}

int
profile_has_update(const struct profile_update *p)
{
	return p->about || p->address || p->description || p->email ||
	       p->vertical || p->nwebsites > 0;
}

static jv
set_opt(jv o, const char *k, const char *v)
{
	return v ? jv_object_set(o, jv_string(k), jv_string(v)) : o;
}

jv
profile_body(const struct profile_update *p)
{
	jv o = JV_OBJECT(jv_string("messaging_product"), jv_string("whatsapp"));
	jv ws;
	int i;

	o = set_opt(o, "about", p->about);
	o = set_opt(o, "address", p->address);
	o = set_opt(o, "description", p->description);
	o = set_opt(o, "email", p->email);
	if (p->vertical)
		o = set_opt(o, "vertical", vertical_name(p->vertical));
	if (p->nwebsites > 0) {
		ws = jv_array();
		for (i = 0; i < p->nwebsites && i < 2; i++)
			ws = jv_array_append(ws, jv_string(p->websites[i]));
		o = jv_object_set(o, jv_string("websites"), ws);
	}
	return o;
}
