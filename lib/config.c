/* SPDX-License-Identifier: MIT */
/* Configuration from the SPEC's environment variables (and *_FILE secrets). */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "util.h"

static char *
data_home_path(const char *leaf)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;

	if (xdg && *xdg)
		sb_addf(&sb, "%s/wa/%s", xdg, leaf);
	else
		sb_addf(&sb, "%s/.local/share/wa/%s", home && *home ? home : ".",
			leaf);
	return sb_detach(&sb);
}

static char *
env_or_null(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? xstrdup(v) : NULL;
}

static char *
login_name(void)
{
	const char *u = getenv("WA_USER");
	struct passwd *pw;

	if (u && *u)
		return xstrdup(u);
	u = getenv("LOGNAME");
	if (u && *u)
		return xstrdup(u);
	u = getenv("USER");
	if (u && *u)
		return xstrdup(u);
	pw = getpwuid(getuid());
	return xstrdup(pw && pw->pw_name ? pw->pw_name : "unknown");
}

char *
config_user(void)
{
	return login_name();
}

void
config_load(struct wa_config *cfg, const char *db_override)
{
	const char *v;
	size_t n;

	memset(cfg, 0, sizeof(*cfg));
	if (db_override && *db_override)
		cfg->db_path = xstrdup(db_override);
	else if ((v = getenv("WA_DB")) && *v)
		cfg->db_path = xstrdup(v);
	else
		cfg->db_path = data_home_path("wa.db");
	v = getenv("WA_GRAPH_URL");
	cfg->graph_url = xstrdup(v && *v ? v :
				 "https://graph.facebook.com/v25.0");
	n = strlen(cfg->graph_url);
	while (n > 0 && cfg->graph_url[n - 1] == '/')
		cfg->graph_url[--n] = '\0';
	cfg->token = env_secret("WA_TOKEN");
	cfg->app_secret = env_secret("WA_APP_SECRET");
	cfg->verify_token = env_secret("WA_VERIFY_TOKEN");
	cfg->media_dir = env_or_null("WA_MEDIA_DIR");
	if (!cfg->media_dir)
		cfg->media_dir = data_home_path("media");
	cfg->default_cc = env_or_null("WA_DEFAULT_CC");
	if (cfg->default_cc) {
		char *p = cfg->default_cc, *q = cfg->default_cc;

		for (; *p; p++)
			if (*p >= '0' && *p <= '9')
				*q++ = *p;
		*q = '\0';
	}
	cfg->user = login_name();
}

static void
free_secret(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void
config_release(struct wa_config *cfg)
{
	free(cfg->db_path);
	free(cfg->graph_url);
	free_secret(cfg->token);
	free_secret(cfg->app_secret);
	free_secret(cfg->verify_token);
	free(cfg->media_dir);
	free(cfg->default_cc);
	free(cfg->user);
	memset(cfg, 0, sizeof(*cfg));
}

int
config_need_token(const struct wa_config *cfg, struct wa_err *err)
{
	if (cfg->token && *cfg->token)
		return 0;
	return wa_err_set(err, WA_EX_CONFIG, "config",
			  "no access token: set WA_TOKEN or WA_TOKEN_FILE");
}
