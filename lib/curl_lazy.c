/* SPDX-License-Identifier: MIT */
/* libcurl loaded on first use (dlopen), so tools that never call Graph start fast. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "curl_lazy.h"
#include "err.h"

extern char *program_invocation_short_name;

static struct curl_lazy table;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;

static void *
sym(void *h, const char *name)
{
	void *p = dlsym(h, name);

	if (!p) {
		fprintf(stderr, "%s: network: libcurl lacks %s\n",
			program_invocation_short_name, name);
		exit(WA_EX_UNAVAILABLE);
	}
	return p;
}

/* ISO C forbids converting void * to a function pointer; POSIX needs it. */
#define LOAD(field, name) \
	*(void **)(&table.field) = sym(h, name)

static void
load(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		h = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "%s: network: cannot load libcurl: %s "
			"(install libcurl4)\n", program_invocation_short_name,
			dlerror());
		exit(WA_EX_UNAVAILABLE);
	}
	LOAD(global_init, "curl_global_init");
	LOAD(global_cleanup, "curl_global_cleanup");
	LOAD(easy_init, "curl_easy_init");
	LOAD(easy_cleanup, "curl_easy_cleanup");
	LOAD(easy_setopt, "curl_easy_setopt");
	LOAD(easy_perform, "curl_easy_perform");
	LOAD(easy_getinfo, "curl_easy_getinfo");
	LOAD(easy_reset, "curl_easy_reset");
	LOAD(easy_strerror, "curl_easy_strerror");
	LOAD(easy_escape, "curl_easy_escape");
	LOAD(free, "curl_free");
	LOAD(slist_append, "curl_slist_append");
	LOAD(slist_free_all, "curl_slist_free_all");
	LOAD(mime_init, "curl_mime_init");
	LOAD(mime_addpart, "curl_mime_addpart");
	LOAD(mime_name, "curl_mime_name");
	LOAD(mime_data, "curl_mime_data");
	LOAD(mime_filedata, "curl_mime_filedata");
	LOAD(mime_filename, "curl_mime_filename");
	LOAD(mime_type, "curl_mime_type");
	LOAD(mime_free, "curl_mime_free");
	LOAD(multi_init, "curl_multi_init");
	LOAD(multi_cleanup, "curl_multi_cleanup");
	LOAD(multi_add_handle, "curl_multi_add_handle");
	LOAD(multi_remove_handle, "curl_multi_remove_handle");
	LOAD(multi_perform, "curl_multi_perform");
	LOAD(multi_poll, "curl_multi_poll");
	LOAD(multi_wakeup, "curl_multi_wakeup");
	LOAD(multi_info_read, "curl_multi_info_read");
	LOAD(multi_setopt, "curl_multi_setopt");
	LOAD(multi_strerror, "curl_multi_strerror");
	/* curl_global_init is not thread-safe: do it once, here. */
	table.global_init(CURL_GLOBAL_DEFAULT);
	loaded = 1;
}

const struct curl_lazy *
curl_lazy(void)
{
	pthread_once(&once, load);
	return &table;
}

int
curl_lazy_loaded(void)
{
	return loaded;
}
