/* SPDX-License-Identifier: MIT */
/* Text on a terminal: display widths of UTF-8, cutting to a width, wrapping, control characters. */
#include <stdint.h>
#include <string.h>
#include "out_int.h"
#include "util.h"

/* The code point at s (n > 0 bytes left); *len its bytes. A byte that
 * starts no valid sequence is U+FFFD of one byte. */
static uint32_t
u8_decode(const char *s, size_t n, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t k, i;

	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		k = 2, cp = p[0] & 0x1F;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		k = 3, cp = p[0] & 0x0F;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		k = 4, cp = p[0] & 0x07;
	else
		k = 0, cp = 0;
	for (i = 1; i < k && i < n && (p[i] & 0xC0) == 0x80; i++)
		cp = cp << 6 | (p[i] & 0x3F);
	if (k == 0 || i < k) {
		*len = 1;
		return 0xFFFD;
	}
	*len = k;
	return cp;
}

/* Columns of one code point: the ranges that matter in messages. */
static int
cp_width(uint32_t cp)
{
	static const uint32_t zero[][2] = {
		{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD },
		{ 0x0610, 0x061A }, { 0x064B, 0x065F }, { 0x0E31, 0x0E31 },
		{ 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E }, { 0x1AB0, 0x1AFF },
		{ 0x1DC0, 0x1DFF }, { 0x200B, 0x200F }, { 0x20D0, 0x20FF },
		{ 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F }, { 0xFEFF, 0xFEFF },
		{ 0x1F3FB, 0x1F3FF }, { 0xE0000, 0xE007F },
	};
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x23E9, 0x23EC },
		{ 0x25FD, 0x25FE }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
		{ 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 },
		{ 0x26F2, 0x26F5 }, { 0x2705, 0x2705 }, { 0x270A, 0x270B },
		{ 0x2728, 0x2728 }, { 0x274C, 0x274C }, { 0x2753, 0x2755 },
		{ 0x2795, 0x2797 }, { 0x2B1B, 0x2B1C }, { 0x2B50, 0x2B55 },
		{ 0x2E80, 0x303E }, { 0x3041, 0x33FF }, { 0x3400, 0x4DBF },
		{ 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF }, { 0xA960, 0xA97F },
		{ 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE30, 0xFE4F },
		{ 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x1F004, 0x1F004 },
		{ 0x1F0CF, 0x1F0CF }, { 0x1F18E, 0x1F18E },
		{ 0x1F191, 0x1F19A }, { 0x1F200, 0x1F251 },
		{ 0x1F300, 0x1F64F }, { 0x1F680, 0x1F6FF },
		{ 0x1F7E0, 0x1F7EB }, { 0x1F90C, 0x1F9FF },
		{ 0x1FA70, 0x1FAFF }, { 0x20000, 0x3FFFD },
	};
	size_t i;

	if (cp < 0x300)
		return 1;
	for (i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

/* Bytes of the longest start of s[0..n) at most w columns wide; *got
 * its columns. */
static size_t
prefix_fitting(const char *s, size_t n, int w, int *got)
{
	size_t i = 0, len;
	int cols = 0, cw;

	while (i < n) {
		cw = cp_width(u8_decode(s + i, n - i, &len));
		if (cols + cw > w)
			break;
		cols += cw;
		i += len;
	}
	*got = cols;
	return i;
}

static int
width_n(const char *s, size_t n)
{
	int w;

	prefix_fitting(s, n, 1 << 30, &w);
	return w;
}

int
out_text_width(const char *s)
{
	return width_n(s, strlen(s));
}

void
out_text_cut(char *s, int w)
{
	size_t n = strlen(s);
	int got;

	if (w < 2 || width_n(s, n) <= w)
		return;
	n = prefix_fitting(s, n, w - 1, &got);
	s[n] = '~';
	s[n + 1] = '\0';
}

void
out_text_pad(FILE *fp, const char *s, int w, int last)
{
	int n = out_text_width(s);

	fputs(s, fp);
	if (!last)
		for (; n < w + 2; n++)
			putc(' ', fp);
}

static void
spaces(FILE *fp, int n)
{
	while (n-- > 0)
		putc(' ', fp);
}

/* One paragraph (no newline in s[0..n)), greedy by words. */
static void
wrap_para(FILE *fp, const char *s, size_t n, int col, int room)
{
	const char *p = s, *end = s + n, *sp, *w;
	int used = 0, got, fresh = 1;	/* fresh: nothing of s yet */
	size_t k;

	while (p < end) {
		for (sp = p; sp < end && *sp == ' '; sp++)
			;
		for (w = sp; w < end && *w != ' '; w++)
			;
		if (sp == w)
			break;	/* trailing spaces */
		if (used == 0 && !fresh)
			p = sp;	/* a wrapped line starts at its word */
		if (used + width_n(p, (size_t)(w - p)) <= room) {
			fwrite(p, 1, (size_t)(w - p), fp);
			used += width_n(p, (size_t)(w - p));
			p = w;
		} else if (used > 0) {
			putc('\n', fp);
			spaces(fp, col);
			used = 0;
		} else {	/* longer than a line: broken */
			k = prefix_fitting(p, (size_t)(w - p), room, &got);
			if (k == 0)	/* a character wider than room */
				u8_decode(p, (size_t)(w - p), &k);
			fwrite(p, 1, k, fp);
			p += k;
			if (p < w) {
				putc('\n', fp);
				spaces(fp, col);
			} else {
				used = got;
			}
		}
		fresh = 0;
	}
	putc('\n', fp);
}

void
out_text_wrap(FILE *fp, const char *s, int col, int width)
{
	int room = width - col < 20 ? 20 : width - col;
	const char *nl;

	for (;;) {
		nl = strchr(s, '\n');
		wrap_para(fp, s, nl ? (size_t)(nl - s) : strlen(s), col, room);
		if (!nl)
			return;
		s = nl + 1;
		spaces(fp, col);
	}
}

char *
out_text_clean(const char *s, int keep_newlines)
{
	char *c = xstrdup(s);
	unsigned char *p = (unsigned char *)c;

	for (; *p; p++) {
		if (*p == '\n' && keep_newlines)
			continue;
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
		else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			/* C1 controls: CSI, OSC... would reach the terminal */
			memmove(p, p + 1, strlen((char *)p + 1) + 1);
			*p = ' ';
		}
	}
	return c;
}
