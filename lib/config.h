/* SPDX-License-Identifier: MIT */
/* Configuration from the SPEC's environment variables. */
#ifndef WA_CONFIG_H
#define WA_CONFIG_H

#include "err.h"

struct wa_config {
	char *db_path;		/* WA_DB or $XDG_DATA_HOME/wa/wa.db */
	char *graph_url;	/* WA_GRAPH_URL, no trailing slash */
	char *token;		/* WA_TOKEN / WA_TOKEN_FILE, NULL when unset */
	char *app_secret;	/* WA_APP_SECRET / _FILE, NULL when unset */
	char *verify_token;	/* WA_VERIFY_TOKEN / _FILE, NULL when unset */
	char *media_dir;	/* WA_MEDIA_DIR or $XDG_DATA_HOME/wa/media */
	char *default_cc;	/* WA_DEFAULT_CC digits, NULL when unset */
	char *user;		/* WA_USER or the login name */
};

/* Loads from the environment; db_override (from --db) wins over WA_DB. */
void config_load(struct wa_config *cfg, const char *db_override);
void config_release(struct wa_config *cfg);
/* Who runs this: WA_USER, LOGNAME, USER or the account (malloc'd). */
char *config_user(void);

/* 0 when a token is set; else -1 with err "auth"... exit 78 (SPEC: no token). */
int config_need_token(const struct wa_config *cfg, struct wa_err *err);

#endif
