/* SPDX-License-Identifier: MIT */
/* The webhook server's HTTPS certificate: loaded from PEM files, handed to each handshake, reloaded without a restart. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "whserver_int.h"

/*
 * libmicrohttpd asks GnuTLS for the certificate at every handshake
 * through retrieve() (MHD_OPTION_HTTPS_CERT_CALLBACK), which hands out
 * the chain and key loaded last. A reload parses the files into a new
 * pair and swaps it in; handshakes already under way keep the old one,
 * so old pairs are freed only when the server stops (a few KB a
 * renewal). GnuTLS's callback has no context pointer: one HTTPS server
 * per process.
 */

#define TLS_CHAIN_MAX 16		/* certificates in the chain file */
#define TLS_FILE_MAX (1 << 20)		/* bytes in a PEM file */

struct cred {
	gnutls_pcert_st pcert[TLS_CHAIN_MAX];
	unsigned n;
	gnutls_privkey_t key;
	struct cred *older;		/* kept until whs_tls_free */
};

struct whs_tls {
	char *cert_path, *key_path;
	pthread_mutex_t mu;
	struct cred *cur;
};

static struct whs_tls *serving;	/* what retrieve() hands out */

static int
read_pem(const char *path, gnutls_datum_t *out, struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "cannot read '%s': %s", path,
				  strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0 &&
	       sb.len + n <= TLS_FILE_MAX)
		sb_add(&sb, buf, n);
	if (ferror(fp) || n > 0) {
		fclose(fp);
		sb_release(&sb);
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "cannot read '%s': %s", path, n > 0 ?
				  "larger than 1 MB" : strerror(errno));
	}
	fclose(fp);
	out->size = (unsigned)sb.len;
	out->data = (unsigned char *)sb_detach(&sb);
	return 0;
}

static void
cred_free(struct cred *c)
{
	unsigned i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		gnutls_pcert_deinit(&c->pcert[i]);
	if (c->key)
		gnutls_privkey_deinit(c->key);
	free(c);
}

static int
tls_fail(struct wa_err *err, const char *what, const char *path, int rc)
{
	return wa_err_set(err, WA_EX_CONFIG, "config", "%s '%s': %s", what,
			  path, gnutls_strerror(rc));
}

/* The files into a new pair, checked to belong together. */
static struct cred *
cred_load(const struct whs_tls *t, struct wa_err *err)
{
	gnutls_datum_t cert = { NULL, 0 }, key = { NULL, 0 };
	gnutls_certificate_credentials_t check = NULL;
	struct cred *c = xcalloc(1, sizeof(*c));
	int rc = -1, g;

	if (read_pem(t->cert_path, &cert, err) < 0 ||
	    read_pem(t->key_path, &key, err) < 0)
		goto out;
	/* GnuTLS's own check that the key is the certificate's */
	if ((g = gnutls_certificate_allocate_credentials(&check)) < 0 ||
	    (g = gnutls_certificate_set_x509_key_mem(check, &cert, &key,
						    GNUTLS_X509_FMT_PEM)) < 0) {
		tls_fail(err, "certificate and key", t->cert_path, g);
		goto out;
	}
	c->n = TLS_CHAIN_MAX;
	if ((g = gnutls_pcert_list_import_x509_raw(c->pcert, &c->n, &cert,
						   GNUTLS_X509_FMT_PEM,
						   0)) < 0) {
		c->n = 0;
		tls_fail(err, "certificate", t->cert_path, g);
		goto out;
	}
	if ((g = gnutls_privkey_init(&c->key)) < 0 ||
	    (g = gnutls_privkey_import_x509_raw(c->key, &key,
						GNUTLS_X509_FMT_PEM, NULL,
						0)) < 0) {
		tls_fail(err, "key", t->key_path, g);
		goto out;
	}
	rc = 0;
out:
	if (check)
		gnutls_certificate_free_credentials(check);
	if (key.data)
		memset(key.data, 0, key.size);	/* the secret, gone */
	free(key.data);
	free(cert.data);
	if (rc < 0) {
		cred_free(c);
		return NULL;
	}
	return c;
}

int
whs_tls_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_rdn,
		 int nreqs, const gnutls_pk_algorithm_t *pk_algos,
		 int pk_algos_length, gnutls_pcert_st **pcert,
		 unsigned int *pcert_length, gnutls_privkey_t *key)
{
	struct whs_tls *t = serving;
	struct cred *c;

	(void)session;
	(void)req_ca_rdn;
	(void)nreqs;
	(void)pk_algos;
	(void)pk_algos_length;
	if (!t)
		return -1;
	pthread_mutex_lock(&t->mu);
	c = t->cur;
	pthread_mutex_unlock(&t->mu);
	*pcert = c->pcert;
	*pcert_length = c->n;
	*key = c->key;
	return 0;
}

int
whs_tls_load(struct whs_tls **out, const char *cert, const char *key,
	     struct wa_err *err)
{
	struct whs_tls *t;

	*out = NULL;
	if (mhd_lazy_tls(err) < 0)
		return -1;
	if (serving)
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "one HTTPS server per process");
	t = xcalloc(1, sizeof(*t));
	t->cert_path = xstrdup(cert);
	t->key_path = xstrdup(key);
	pthread_mutex_init(&t->mu, NULL);
	if (!(t->cur = cred_load(t, err))) {
		whs_tls_free(t);
		return -1;
	}
	serving = t;
	*out = t;
	return 0;
}

int
whs_tls_reload(struct whs_tls *t, struct wa_err *err)
{
	struct cred *c = cred_load(t, err);

	if (!c)
		return -1;
	pthread_mutex_lock(&t->mu);
	c->older = t->cur;
	t->cur = c;
	pthread_mutex_unlock(&t->mu);
	return 0;
}

void
whs_tls_free(struct whs_tls *t)
{
	struct cred *c, *older;

	if (!t)
		return;
	if (serving == t)
		serving = NULL;
	for (c = t->cur; c; c = older) {
		older = c->older;
		cred_free(c);
	}
	pthread_mutex_destroy(&t->mu);
	free(t->cert_path);
	free(t->key_path);
	free(t);
}
