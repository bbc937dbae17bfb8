/* SPDX-License-Identifier: MIT */
/* Configuration from the SPEC's environment variables (and *_FILE secrets). */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "util.h"

#define DEFAULT_GRAPH_URL "https://graph.facebook.com/v25.0"

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

/* A secret goes into an HTTP header (the token) or a key: a control
 * character (a second line) would make it another header. NULL with
 * *why naming where it came from (never the value), or s. */
static char *
one_line(char *s, const char *from, char **why)
{
	const unsigned char *p;
	struct strbuf sb = STRBUF_INIT;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			break;
	if (!*p)
		return s;
	memset(s, 0, strlen(s));
	free(s);
	sb_addf(&sb, "%s holds a control character (a line break?): "
		"a secret is one line", from);
	*why = sb_detach(&sb);
	return NULL;
}

/* The secret in NAME, else in the file NAME_FILE names (trailing newline
 * stripped); owned, NULL when neither is set or the file is of no use,
 * then *why (owned) says why, naming the file (never its content). */
static char *
secret(const char *name, char **why)
{
	char fname[64], buf[4096];
	const char *v = getenv(name), *path;
	struct strbuf sb = STRBUF_INIT;
	size_t n;
	FILE *fp;

	*why = NULL;
	if (v && *v)
		return one_line(xstrdup(v), name, why);
	snprintf(fname, sizeof(fname), "%s_FILE", name);
	path = getenv(fname);
	if (!path || !*path)
		return NULL;
	if (!(fp = fopen(path, "r"))) {
		sb_addf(&sb, "%s: cannot read '%s': %s", fname, path,
			strerror(errno));
		*why = sb_detach(&sb);
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sb_add(&sb, buf, n);
	if (ferror(fp)) {
		sb_release(&sb);
		sb_addf(&sb, "%s: cannot read '%s': %s", fname, path,
			strerror(errno ? errno : EIO));
		*why = sb_detach(&sb);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	memset(buf, 0, sizeof(buf));
	while (sb.len > 0 && (sb.buf[sb.len - 1] == '\n' ||
			      sb.buf[sb.len - 1] == '\r'))
		sb.buf[--sb.len] = '\0';
	if (sb.len > 0)
		return one_line(sb_detach(&sb), fname, why);
	sb_release(&sb);
	sb_addf(&sb, "%s: '%s' is empty", fname, path);
	*why = sb_detach(&sb);
	return NULL;
}

int
config_url_loopback(const char *url)
{
	const char *h = strstr(url, "://");
	size_t n;

	if (!h)
		return 0;
	h += 3;
	n = strcspn(h, ":/?#");
	if (strncmp(h, "[::1]", 5) == 0)
		return h[5] == '\0' || strchr(":/?#", h[5]);
	if (n == 9 && strncmp(h, "localhost", 9) == 0)
		return 1;
	/* 127.0.0.0/8, as four numbers */
	if (strncmp(h, "127.", 4) != 0 || strspn(h, "0123456789.") != n)
		return 0;
	{
		int dots = 0;
		size_t i;

		for (i = 0; i < n; i++)
			if (h[i] == '.' && (++dots > 3 || i + 1 == n ||
					    h[i + 1] == '.'))
				return 0;
		return dots == 3;
	}
}

/* "https://HOST[:PORT][/PATH]" with HOST letters, digits, dots and
 * dashes or [IPv6]; plain http only to this machine. */
static int
graph_url_check(const char *url, struct wa_err *err)
{
	const char *h, *p;
	long long port;
	char digits[8];
	size_t n;
	int tls = strncmp(url, "https://", 8) == 0;

	if (!tls && strncmp(url, "http://", 7) != 0)
		goto bad;
	h = url + (tls ? 8 : 7);
	for (p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '@' ||
		    *p == '?' || *p == '#' || *p == '\\')
			goto bad;
	if (*h == '[')
		n = strcspn(h, "]") + 1;
	else
		n = strspn(h, "abcdefghijklmnopqrstuvwxyz"
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
	if (n == 0 || n == 1 || (h[0] == '[' && h[n - 1] != ']'))
		goto bad;
	p = h + n;
	if (*p == ':') {
		n = strcspn(++p, "/");
		if (n == 0 || n >= sizeof(digits))
			goto bad;
		memcpy(digits, p, n);
		digits[n] = '\0';
		if (parse_int(digits, 1, 65535, &port) < 0)
			goto bad;
		p += n;
	}
	if (*p && *p != '/')
		goto bad;
	if (!tls && !config_url_loopback(url))
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "WA_GRAPH_URL: '%s' is plain http to "
				  "another machine: Meta's Graph API is https "
				  "(http only to this machine, for tests)", url);
	return 0;
bad:
	return wa_err_set(err, WA_EX_CONFIG, "config",
			  "WA_GRAPH_URL: '%s' is not a URL like %s", url,
			  DEFAULT_GRAPH_URL);
}

/* A number variable: dflt when unset or empty, else min..max. */
static int
env_number(const char *name, long dflt, long min, long max, long *out,
	   struct wa_err *err)
{
	const char *s = getenv(name);
	long long v;

	*out = dflt;
	if (!s || !*s)
		return 0;
	if (parse_int(s, min, max, &v) < 0)
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "%s: '%s' is not a whole number from %ld to "
				  "%ld", name, s, min, max);
	*out = (long)v;
	return 0;
}

/* WA_DEFAULT_CC: a country calling code, "49" or "+49" (1 to 3 digits,
 * not starting with 0); its digits, or NULL when unset. */
static int
default_cc(char **out, struct wa_err *err)
{
	const char *s = getenv("WA_DEFAULT_CC"), *d;
	size_t n;

	*out = NULL;
	if (!s || !*s)
		return 0;
	d = s + (*s == '+');
	n = strlen(d);
	if (n < 1 || n > 3 || strspn(d, "0123456789") != n || d[0] == '0')
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "WA_DEFAULT_CC: '%s' is not a country "
				  "calling code like 49 or +1", s);
	*out = xstrdup(d);
	return 0;
}

static int
check_now(struct wa_err *err)
{
	const char *s = getenv("WA_NOW");
	long long v;

	if (!s || !*s || parse_int(s, 0, WA_NOW_MAX, &v) == 0)
		return 0;
	return wa_err_set(err, WA_EX_CONFIG, "config",
			  "WA_NOW: '%s' is not a time in Unix seconds", s);
}

/* WA_GRAPH_URL checked as written, kept without trailing slashes. */
static int
load_graph_url(struct wa_config *cfg, struct wa_err *err)
{
	const char *v = getenv("WA_GRAPH_URL");
	size_t n;

	cfg->graph_url = xstrdup(v && *v ? v : DEFAULT_GRAPH_URL);
	n = strlen(cfg->graph_url);
	while (n > 0 && cfg->graph_url[n - 1] == '/')
		cfg->graph_url[--n] = '\0';
	cfg->graph_loopback = config_url_loopback(cfg->graph_url);
	return v && *v ? graph_url_check(v, err) : 0;
}

int
config_load(struct wa_config *cfg, const char *db_override,
	    struct wa_err *err)
{
	const char *v;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (db_override && *db_override)
		cfg->db_path = xstrdup(db_override);
	else if ((v = getenv("WA_DB")) && *v)
		cfg->db_path = xstrdup(v);
	else
		cfg->db_path = data_home_path("wa.db");
	cfg->token = secret("WA_TOKEN", &cfg->secret_why[0]);
	cfg->app_secret = secret("WA_APP_SECRET", &cfg->secret_why[1]);
	cfg->verify_token = secret("WA_VERIFY_TOKEN", &cfg->secret_why[2]);
	cfg->media_dir = env_or_null("WA_MEDIA_DIR");
	if (!cfg->media_dir)
		cfg->media_dir = data_home_path("media");
	cfg->user = login_name();
	wa_err_clear(err);
	rc = check_now(err);
	if (rc == 0)
		rc = default_cc(&cfg->default_cc, err);
	if (rc == 0)
		rc = load_graph_url(cfg, err);
	else
		cfg->graph_url = xstrdup(DEFAULT_GRAPH_URL);
	if (rc == 0)
		rc = env_number("WA_GRAPH_RETRIES", 4, 1, 20,
				&cfg->graph_retries, err);
	if (rc == 0)
		rc = env_number("WA_GRAPH_BACKOFF_MS", 500, 0, 600000,
				&cfg->graph_backoff_ms, err);
	if (rc == 0)
		rc = env_number("WA_GRAPH_TIMEOUT_MS", 30000, 10, 3600000,
				&cfg->graph_timeout_ms, err);
	return rc;
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
	int i;

	free(cfg->db_path);
	free(cfg->graph_url);
	free_secret(cfg->token);
	free_secret(cfg->app_secret);
	free_secret(cfg->verify_token);
	for (i = 0; i < 3; i++)
		free(cfg->secret_why[i]);
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
	if (cfg->secret_why[0])
		return wa_err_set(err, WA_EX_CONFIG, "config", "%s",
				  cfg->secret_why[0]);
	return wa_err_set(err, WA_EX_CONFIG, "config",
			  "no access token: set WA_TOKEN or WA_TOKEN_FILE");
}

int
config_serve_check(const struct wa_config *cfg, int verify_signature,
		   struct wa_err *err)
{
	if (cfg->secret_why[2])
		return wa_err_set(err, WA_EX_CONFIG, "config", "%s",
				  cfg->secret_why[2]);
	if (!verify_signature || cfg->app_secret)
		return 0;
	if (cfg->secret_why[1])
		return wa_err_set(err, WA_EX_CONFIG, "config", "%s",
				  cfg->secret_why[1]);
	return wa_err_set(err, WA_EX_CONFIG, "config", "WA_APP_SECRET is not "
			  "set: cannot check X-Hub-Signature-256 (use "
			  "--no-verify-signature to accept unsigned "
			  "deliveries)");
}
