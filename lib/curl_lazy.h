/* SPDX-License-Identifier: MIT */
/* libcurl loaded on first use (dlopen), so tools that never call Graph start fast. */
#ifndef WA_CURL_LAZY_H
#define WA_CURL_LAZY_H

/*
 * Linking libcurl costs ~10 ms of start-up (it pulls in some thirty shared
 * libraries), which every tool would pay even for --version. Instead the
 * curl_* names below resolve through a table filled by dlopen() on the first
 * call. Include this (via graph.h) after <curl/curl.h>; the Makefile defines
 * CURL_DISABLE_TYPECHECK so curl.h's checking macros do not collide.
 */
#include <curl/curl.h>

struct curl_lazy {
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_reset)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	char *(*easy_escape)(CURL *, const char *, int);
	void (*free)(void *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	curl_mime *(*mime_init)(CURL *);
	curl_mimepart *(*mime_addpart)(curl_mime *);
	CURLcode (*mime_name)(curl_mimepart *, const char *);
	CURLcode (*mime_data)(curl_mimepart *, const char *, size_t);
	CURLcode (*mime_filedata)(curl_mimepart *, const char *);
	CURLcode (*mime_filename)(curl_mimepart *, const char *);
	CURLcode (*mime_type)(curl_mimepart *, const char *);
	void (*mime_free)(curl_mime *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned, int,
				int *);
	CURLMcode (*multi_wakeup)(CURLM *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
	const char *(*multi_strerror)(CURLMcode);
};

/* The table, loaded on first call; a missing libcurl prints and exits 69. */
const struct curl_lazy *curl_lazy(void);
/* 1 once libcurl was loaded (so cleanup is only done when needed). */
int curl_lazy_loaded(void);

#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#define curl_global_init (curl_lazy()->global_init)
#define curl_global_cleanup (curl_lazy()->global_cleanup)
#define curl_easy_init (curl_lazy()->easy_init)
#define curl_easy_cleanup (curl_lazy()->easy_cleanup)
#define curl_easy_setopt (curl_lazy()->easy_setopt)
#define curl_easy_perform (curl_lazy()->easy_perform)
#define curl_easy_getinfo (curl_lazy()->easy_getinfo)
#define curl_easy_reset (curl_lazy()->easy_reset)
#define curl_easy_strerror (curl_lazy()->easy_strerror)
#define curl_easy_escape (curl_lazy()->easy_escape)
#define curl_free (curl_lazy()->free)
#define curl_slist_append (curl_lazy()->slist_append)
#define curl_slist_free_all (curl_lazy()->slist_free_all)
#define curl_mime_init (curl_lazy()->mime_init)
#define curl_mime_addpart (curl_lazy()->mime_addpart)
#define curl_mime_name (curl_lazy()->mime_name)
#define curl_mime_data (curl_lazy()->mime_data)
#define curl_mime_filedata (curl_lazy()->mime_filedata)
#define curl_mime_filename (curl_lazy()->mime_filename)
#define curl_mime_type (curl_lazy()->mime_type)
#define curl_mime_free (curl_lazy()->mime_free)
#define curl_multi_init (curl_lazy()->multi_init)
#define curl_multi_cleanup (curl_lazy()->multi_cleanup)
#define curl_multi_add_handle (curl_lazy()->multi_add_handle)
#define curl_multi_remove_handle (curl_lazy()->multi_remove_handle)
#define curl_multi_perform (curl_lazy()->multi_perform)
#define curl_multi_poll (curl_lazy()->multi_poll)
#define curl_multi_wakeup (curl_lazy()->multi_wakeup)
#define curl_multi_info_read (curl_lazy()->multi_info_read)
#define curl_multi_setopt (curl_lazy()->multi_setopt)
#define curl_multi_strerror (curl_lazy()->multi_strerror)

#endif
