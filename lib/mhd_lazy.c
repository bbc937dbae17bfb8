/* SPDX-License-Identifier: MIT */
/* libmicrohttpd loaded on first use (dlopen), so wa-recv starts fast. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include "mhd_lazy.h"

struct mhd_lazy mhd_lazy_fn;
struct mhd_lazy_tls mhd_lazy_tls_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT, tls_once = PTHREAD_ONCE_INIT;
static char why[256], tls_why[256];	/* why it could not be loaded */
static int ok, tls_ok;

/* ISO C forbids converting void * to a function pointer; POSIX needs it. */
#define LOAD(field, name) \
	if (!(*(void **)(&mhd_lazy_fn.field) = dlsym(h, name))) \
		goto missing

static void
load(void)
{
	const char *name = NULL;
	void *h = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		h = dlopen("libmicrohttpd.so", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, sizeof(why), "cannot load libmicrohttpd: %s "
			 "(install libmicrohttpd12)", dlerror());
		return;
	}
	name = "MHD_start_daemon";
	LOAD(start_daemon, name);
	LOAD(quiesce_daemon, name = "MHD_quiesce_daemon");
	LOAD(stop_daemon, name = "MHD_stop_daemon");
	LOAD(lookup_connection_value, name = "MHD_lookup_connection_value");
	LOAD(get_connection_info, name = "MHD_get_connection_info");
	LOAD(queue_response, name = "MHD_queue_response");
	LOAD(suspend_connection, name = "MHD_suspend_connection");
	LOAD(resume_connection, name = "MHD_resume_connection");
	LOAD(create_response_from_buffer,
	     name = "MHD_create_response_from_buffer");
	LOAD(destroy_response, name = "MHD_destroy_response");
	LOAD(add_response_header, name = "MHD_add_response_header");
	LOAD(is_feature_supported, name = "MHD_is_feature_supported");
	ok = 1;
	return;
missing:
	snprintf(why, sizeof(why), "libmicrohttpd lacks %s", name);
}

#define LOAD_TLS(field, name) \
	if (!(*(void **)(&mhd_lazy_tls_fn.field) = dlsym(h, name))) \
		goto missing

static void
load_tls(void)
{
	const char *name = NULL;
	void *h;

	if (!MHD_is_feature_supported(MHD_FEATURE_TLS) ||
	    !MHD_is_feature_supported(MHD_FEATURE_HTTPS_CERT_CALLBACK)) {
		snprintf(tls_why, sizeof(tls_why), "this libmicrohttpd was "
			 "built without HTTPS (GnuTLS)");
		return;
	}
	/* already loaded by libmicrohttpd: this only finds it */
	if (!(h = dlopen("libgnutls.so.30", RTLD_NOW | RTLD_LOCAL))) {
		snprintf(tls_why, sizeof(tls_why), "cannot load GnuTLS: %s "
			 "(install libgnutls30)", dlerror());
		return;
	}
	name = "gnutls_pcert_list_import_x509_raw";
	LOAD_TLS(pcert_list_import_x509_raw, name);
	LOAD_TLS(pcert_deinit, name = "gnutls_pcert_deinit");
	LOAD_TLS(privkey_init, name = "gnutls_privkey_init");
	LOAD_TLS(privkey_import_x509_raw,
		 name = "gnutls_privkey_import_x509_raw");
	LOAD_TLS(privkey_deinit, name = "gnutls_privkey_deinit");
	LOAD_TLS(certificate_allocate_credentials,
		 name = "gnutls_certificate_allocate_credentials");
	LOAD_TLS(certificate_set_x509_key_mem,
		 name = "gnutls_certificate_set_x509_key_mem");
	LOAD_TLS(certificate_free_credentials,
		 name = "gnutls_certificate_free_credentials");
	LOAD_TLS(strerror, name = "gnutls_strerror");
	tls_ok = 1;
	return;
missing:
	snprintf(tls_why, sizeof(tls_why), "GnuTLS lacks %s", name);
}

int
mhd_lazy_load(struct wa_err *err)
{
	pthread_once(&once, load);
	if (!ok)
		return wa_err_set(err, WA_EX_UNAVAILABLE, "unavailable", "%s",
				  why);
	return 0;
}

int
mhd_lazy_tls(struct wa_err *err)
{
	if (mhd_lazy_load(err) < 0)
		return -1;
	pthread_once(&tls_once, load_tls);
	if (!tls_ok)
		return wa_err_set(err, WA_EX_UNAVAILABLE, "unavailable", "%s",
				  tls_why);
	return 0;
}
