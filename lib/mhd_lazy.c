/* SPDX-License-Identifier: MIT */
/* libmicrohttpd loaded on first use (dlopen), so wa-recv starts fast. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include "mhd_lazy.h"

struct mhd_lazy mhd_lazy_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char why[256];		/* why it could not be loaded */
static int ok;

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
	ok = 1;
	return;
missing:
	snprintf(why, sizeof(why), "libmicrohttpd lacks %s", name);
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
