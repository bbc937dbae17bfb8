/* SPDX-License-Identifier: MIT */
/* Configuration from the SPEC's environment variables. */
#ifndef WA_CONFIG_H
#define WA_CONFIG_H

#include "err.h"

struct wa_config {
	char *db_path;		/* WA_DB or $XDG_DATA_HOME/wa/wa.db */
	char *graph_url;	/* WA_GRAPH_URL, no trailing slash */
	int graph_loopback;	/* its host is this machine: http allowed */
	long graph_retries;	/* WA_GRAPH_RETRIES: tries (4) */
	long graph_backoff_ms;	/* WA_GRAPH_BACKOFF_MS (500) */
	long graph_timeout_ms;	/* WA_GRAPH_TIMEOUT_MS (30000) */
	char *token;		/* WA_TOKEN / WA_TOKEN_FILE, NULL when unset */
	char *app_secret;	/* WA_APP_SECRET / _FILE, NULL when unset */
	char *verify_token;	/* WA_VERIFY_TOKEN / _FILE, NULL when unset */
	char *secret_why[3];	/* why a *_FILE of token, app_secret,
				   verify_token could not be read, or NULL */
	char *media_dir;	/* WA_MEDIA_DIR or $XDG_DATA_HOME/wa/media */
	char *default_cc;	/* WA_DEFAULT_CC digits, NULL when unset */
	char *user;		/* WA_USER or the login name */
};

/*
 * Loads from the environment; db_override (from --db) wins over WA_DB.
 * A malformed variable (WA_NOW, WA_GRAPH_URL — plain http only to this
 * machine —, WA_GRAPH_RETRIES, WA_GRAPH_BACKOFF_MS, WA_GRAPH_TIMEOUT_MS,
 * WA_DEFAULT_CC): -1 with err "config" (exit 78) naming it; cfg is
 * filled all the same and must be released. A secret's *_FILE that
 * cannot be read is no error here (a command that does not use the
 * secret goes on): config_need_token and config_serve_check say it.
 */
int config_load(struct wa_config *cfg, const char *db_override,
		struct wa_err *err);
void config_release(struct wa_config *cfg);
/* Who runs this: WA_USER, LOGNAME, USER or the account (malloc'd). */
char *config_user(void);

/* 0 when a token is set; else -1 with err "config", exit 78: none set,
 * or WA_TOKEN_FILE names a file that cannot be read or is empty (named). */
int config_need_token(const struct wa_config *cfg, struct wa_err *err);

/* For the webhook server: -1 with err "config" (78) when
 * WA_VERIFY_TOKEN_FILE cannot be read, or when verify_signature and there
 * is no app secret (WA_APP_SECRET_FILE unreadable: named). */
int config_serve_check(const struct wa_config *cfg, int verify_signature,
		       struct wa_err *err);

/* 1 when url is http(s) to this machine (localhost, 127.x.y.z, [::1]). */
int config_url_loopback(const char *url);

#endif
