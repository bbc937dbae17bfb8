/* SPDX-License-Identifier: MIT */
/* Who a message is from or to, as Meta names them: number, business-scoped user id, profile. */
#ifndef WA_WHO_H
#define WA_WHO_H

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
