/* SPDX-License-Identifier: MIT */
/* Shapes of what a business gives: http(s) URLs and e-mail addresses. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "channel.h"
#include "util.h"

/* Host name labels: [A-Za-z0-9-] (and UTF-8 for IDN), not starting or
 * ending with '-', separated by single dots; n bytes of s. */
static int
host_valid(const char *s, size_t n, int need_dot)
{
	size_t i, label = 0, dots = 0;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			dots++;
		} else if (isalnum(c) || c >= 0x80 ||
			   (c == '-' && label > 0)) {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return label > 0 && s[n - 1] != '-' && (!need_dot || dots > 0);
}

static int
port_valid(const char *s, size_t n)
{
	char buf[8];
	long long v;

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return parse_int(buf, 1, 65535, &v) == 0;
}

int
url_valid(const char *s)
{
	const char *h, *end, *colon;
	size_t i;

	if (strncasecmp(s, "http://", 7) == 0)
		h = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		h = s + 8;
	else
		return 0;
	if (strlen(s) > 2048)
		return 0;
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return 0;
	end = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(end - h)))
		return 0;	/* no user:password@ in a business website */
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (!rb || rb == h + 1 ||
		    strspn(h + 1, "0123456789abcdefABCDEF:.") !=
		    (size_t)(rb - h - 1))
			return 0;
		if (rb + 1 == end)
			return 1;
		return rb[1] == ':' && port_valid(rb + 2,
						  (size_t)(end - rb - 2));
	}
	colon = memchr(h, ':', (size_t)(end - h));
	if (colon && !port_valid(colon + 1, (size_t)(end - colon - 1)))
		return 0;
	return host_valid(h, (size_t)((colon ? colon : end) - h), 0);
}

int
email_valid(const char *s)
{
	static const char atext[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-.";
	const char *at = strrchr(s, '@'), *tld;
	size_t local, i;

	if (!at || strlen(s) > 254)
		return 0;
	local = (size_t)(at - s);
	if (local == 0 || local > 64 || strspn(s, atext) != local ||
	    s[0] == '.' || at[-1] == '.')
		return 0;
	for (i = 1; i < local; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return 0;
	if (!host_valid(at + 1, strlen(at + 1), 1))
		return 0;
	tld = strrchr(at + 1, '.') + 1;
	return strlen(tld) >= 2 && !isdigit((unsigned char)tld[0]);
}
