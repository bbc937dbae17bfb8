/* SPDX-License-Identifier: MIT */
/* libmicrohttpd loaded on first use (dlopen), so wa-recv starts fast. */
#ifndef WA_MHD_LAZY_H
#define WA_MHD_LAZY_H

/*
 * Linking libmicrohttpd costs ~5 ms of start-up (it pulls in GnuTLS and
 * ten more shared libraries) that every wa-recv run would pay, though
 * only `wa-recv serve` needs it. Instead the MHD_* names below resolve
 * through a table that mhd_lazy_load() fills with dlopen(). Include this
 * instead of <microhttpd.h>; call mhd_lazy_load() before any MHD_* call.
 * The GnuTLS calls that HTTPS needs come the same way from the GnuTLS
 * libmicrohttpd itself loaded (mhd_lazy_tls()).
 */
#include <stddef.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include "err.h"

struct mhd_lazy {
	struct MHD_Daemon *(*start_daemon)(unsigned int, uint16_t,
					   MHD_AcceptPolicyCallback, void *,
					   MHD_AccessHandlerCallback, void *,
					   ...);
	MHD_socket (*quiesce_daemon)(struct MHD_Daemon *);
	void (*stop_daemon)(struct MHD_Daemon *);
	const char *(*lookup_connection_value)(struct MHD_Connection *,
					       enum MHD_ValueKind,
					       const char *);
	const union MHD_ConnectionInfo *(*get_connection_info)(
		struct MHD_Connection *, enum MHD_ConnectionInfoType, ...);
	enum MHD_Result (*queue_response)(struct MHD_Connection *,
					  unsigned int, struct MHD_Response *);
	void (*suspend_connection)(struct MHD_Connection *);
	void (*resume_connection)(struct MHD_Connection *);
	struct MHD_Response *(*create_response_from_buffer)(size_t, void *,
		enum MHD_ResponseMemoryMode);
	void (*destroy_response)(struct MHD_Response *);
	enum MHD_Result (*add_response_header)(struct MHD_Response *,
					       const char *, const char *);
	enum MHD_Result (*is_feature_supported)(enum MHD_FEATURE);
};

/* The GnuTLS calls that load a certificate (HTTPS only). */
struct mhd_lazy_tls {
	int (*pcert_list_import_x509_raw)(gnutls_pcert_st *, unsigned int *,
					  const gnutls_datum_t *,
					  gnutls_x509_crt_fmt_t, unsigned int);
	void (*pcert_deinit)(gnutls_pcert_st *);
	int (*privkey_init)(gnutls_privkey_t *);
	int (*privkey_import_x509_raw)(gnutls_privkey_t,
				       const gnutls_datum_t *,
				       gnutls_x509_crt_fmt_t, const char *,
				       unsigned int);
	void (*privkey_deinit)(gnutls_privkey_t);
	int (*certificate_allocate_credentials)(
		gnutls_certificate_credentials_t *);
	int (*certificate_set_x509_key_mem)(gnutls_certificate_credentials_t,
					    const gnutls_datum_t *,
					    const gnutls_datum_t *,
					    gnutls_x509_crt_fmt_t);
	void (*certificate_free_credentials)(
		gnutls_certificate_credentials_t);
	const char *(*strerror)(int);
};

/* The tables; valid after mhd_lazy_load() (mhd_lazy_tls()) returned 0. */
extern struct mhd_lazy mhd_lazy_fn;
extern struct mhd_lazy_tls mhd_lazy_tls_fn;

/* Loads libmicrohttpd once (thread-safe). 0, or -1 with err
 * "unavailable" (69) when the library or one of its symbols is missing. */
int mhd_lazy_load(struct wa_err *err);
/* Also GnuTLS, the one libmicrohttpd was built with: 0, or -1 with err
 * (69) when libmicrohttpd has no HTTPS or GnuTLS cannot be loaded. */
int mhd_lazy_tls(struct wa_err *err);

#define MHD_start_daemon (mhd_lazy_fn.start_daemon)
#define MHD_quiesce_daemon (mhd_lazy_fn.quiesce_daemon)
#define MHD_stop_daemon (mhd_lazy_fn.stop_daemon)
#define MHD_lookup_connection_value (mhd_lazy_fn.lookup_connection_value)
#define MHD_get_connection_info (mhd_lazy_fn.get_connection_info)
#define MHD_queue_response (mhd_lazy_fn.queue_response)
#define MHD_suspend_connection (mhd_lazy_fn.suspend_connection)
#define MHD_resume_connection (mhd_lazy_fn.resume_connection)
#define MHD_create_response_from_buffer \
	(mhd_lazy_fn.create_response_from_buffer)
#define MHD_destroy_response (mhd_lazy_fn.destroy_response)
#define MHD_add_response_header (mhd_lazy_fn.add_response_header)
#define MHD_is_feature_supported (mhd_lazy_fn.is_feature_supported)
#define gnutls_pcert_list_import_x509_raw \
	(mhd_lazy_tls_fn.pcert_list_import_x509_raw)
#define gnutls_pcert_deinit (mhd_lazy_tls_fn.pcert_deinit)
#define gnutls_privkey_init (mhd_lazy_tls_fn.privkey_init)
#define gnutls_privkey_import_x509_raw \
	(mhd_lazy_tls_fn.privkey_import_x509_raw)
#define gnutls_privkey_deinit (mhd_lazy_tls_fn.privkey_deinit)
#define gnutls_certificate_allocate_credentials \
	(mhd_lazy_tls_fn.certificate_allocate_credentials)
#define gnutls_certificate_set_x509_key_mem \
	(mhd_lazy_tls_fn.certificate_set_x509_key_mem)
#define gnutls_certificate_free_credentials \
	(mhd_lazy_tls_fn.certificate_free_credentials)
#define gnutls_strerror (mhd_lazy_tls_fn.strerror)

#endif
