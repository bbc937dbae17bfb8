/* SPDX-License-Identifier: MIT */
/* A WhatsApp identity as Meta names it: number, business-scoped user id, profile. */
#ifndef WA_IDENTITY_H
#define WA_IDENTITY_H

/* Who a message is from/to, as Meta names them (any field may be NULL;
 * the strings are borrowed). */
struct desk_who {
	const char *wa_id;		/* digits */
	const char *bsuid;		/* "US.1349..." business-scoped user id */
	const char *parent_bsuid;
	const char *profile_name;	/* WhatsApp push name */
	const char *username;
};

#endif
