/* SPDX-License-Identifier: MIT */
/* Local media files: MIME type by magic bytes and extension, Meta's size limits. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "media_check.h"

#define KIB 1024LL
#define MIB (1024LL * 1024)

#define MT_DOC "application/msword"
#define MT_XLS "application/vnd.ms-excel"
#define MT_PPT "application/vnd.ms-powerpoint"
#define MT_DOCX \
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define MT_XLSX \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define MT_PPTX \
	"application/vnd.openxmlformats-officedocument.presentationml.presentation"

static const struct {
	const char *kind;
	const char *mime;
	int64_t max;
} limits[] = {
	{ "image", "image/jpeg", 5 * MIB },
	{ "image", "image/png", 5 * MIB },
	{ "video", "video/mp4", 16 * MIB },
	{ "video", "video/3gpp", 16 * MIB },
	{ "audio", "audio/aac", 16 * MIB },
	{ "audio", "audio/amr", 16 * MIB },
	{ "audio", "audio/mpeg", 16 * MIB },
	{ "audio", "audio/mp4", 16 * MIB },
	{ "audio", "audio/ogg", 16 * MIB },
	{ "document", "text/plain", 100 * MIB },
	{ "document", "application/pdf", 100 * MIB },
	{ "document", MT_DOC, 100 * MIB },
	{ "document", MT_XLS, 100 * MIB },
	{ "document", MT_PPT, 100 * MIB },
	{ "document", MT_DOCX, 100 * MIB },
	{ "document", MT_XLSX, 100 * MIB },
	{ "document", MT_PPTX, 100 * MIB },
	{ "sticker", "image/webp", 100 * KIB },
};

/* What an extension says; a NULL mime means "known, any of a family". */
static const struct {
	const char *ext;
	const char *mime;
} exts[] = {
	{ "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
	{ "png", "image/png" }, { "webp", "image/webp" },
	{ "mp4", "video/mp4" }, { "3gp", "video/3gpp" },
	{ "3gpp", "video/3gpp" }, { "m4a", "audio/mp4" },
	{ "aac", "audio/aac" }, { "amr", "audio/amr" },
	{ "mp3", "audio/mpeg" }, { "ogg", "audio/ogg" },
	{ "opus", "audio/ogg" }, { "oga", "audio/ogg" },
	{ "txt", "text/plain" }, { "pdf", "application/pdf" },
	{ "doc", MT_DOC }, { "xls", MT_XLS }, { "ppt", MT_PPT },
	{ "docx", MT_DOCX }, { "xlsx", MT_XLSX }, { "pptx", MT_PPTX },
};

static const char *
ext_of(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(slash ? slash : name, '.');

	return dot && dot[1] ? dot + 1 : NULL;
}

static const char *
ext_mime(const char *name)
{
	const char *e = ext_of(name);
	size_t i;

	if (!e)
		return NULL;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strcasecmp(exts[i].ext, e) == 0)
			return exts[i].mime;
	return NULL;
}

static int
has(const unsigned char *b, size_t n, size_t off, const char *magic,
    size_t len)
{
	return n >= off + len && memcmp(b + off, magic, len) == 0;
}

static int
looks_text(const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] == 0 || (b[i] < 0x20 && b[i] != '\n' && b[i] != '\r' &&
				  b[i] != '\t' && b[i] != '\f'))
			return 0;
	return 1;
}

/* ISO base media (ftyp): 3GPP, M4A audio, or MP4 video. */
static const char *
sniff_ftyp(const unsigned char *b, size_t n, const char *ext)
{
	if (has(b, n, 8, "3gp", 3) || has(b, n, 8, "3g2", 3))
		return "video/3gpp";
	if (has(b, n, 8, "M4A ", 4) || has(b, n, 8, "M4B ", 4) ||
	    (ext && strcmp(ext, "audio/mp4") == 0))
		return "audio/mp4";
	return "video/mp4";
}

/* Containers shared by several Office types: the extension decides. */
static const char *
sniff_office(const char *ext, int ooxml)
{
	static const char *const ole[] = { MT_DOC, MT_XLS, MT_PPT };
	static const char *const ox[] = { MT_DOCX, MT_XLSX, MT_PPTX };
	const char *const *set = ooxml ? ox : ole;
	int i;

	for (i = 0; i < 3 && ext; i++)
		if (strcmp(ext, set[i]) == 0)
			return set[i];
	return NULL;
}

const char *
media_sniff(const unsigned char *b, size_t n, const char *name,
	    int *animated)
{
	const char *ext = name ? ext_mime(name) : NULL;

	*animated = 0;
	if (has(b, n, 0, "\xff\xd8\xff", 3))
		return "image/jpeg";
	if (has(b, n, 0, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (has(b, n, 0, "RIFF", 4) && has(b, n, 8, "WEBP", 4)) {
		*animated = has(b, n, 12, "VP8X", 4) && n > 20 &&
			    (b[20] & 0x02);
		return "image/webp";
	}
	if (has(b, n, 4, "ftyp", 4))
		return sniff_ftyp(b, n, ext);
	if (has(b, n, 0, "OggS", 4))
		return "audio/ogg";
	if (has(b, n, 0, "#!AMR", 5))
		return "audio/amr";
	if (has(b, n, 0, "ID3", 3))
		return "audio/mpeg";
	if (n >= 2 && b[0] == 0xff && (b[1] & 0xf6) == 0xf0)
		return "audio/aac";	/* ADTS: layer bits 00 */
	if (n >= 2 && b[0] == 0xff && (b[1] & 0xe0) == 0xe0)
		return "audio/mpeg";
	if (has(b, n, 0, "%PDF-", 5))
		return "application/pdf";
	if (has(b, n, 0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return sniff_office(ext, 0);
	if (has(b, n, 0, "PK\x03\x04", 4))
		return sniff_office(ext, 1);
	if (n > 0 && looks_text(b, n) && ext && strcmp(ext, "text/plain") == 0)
		return "text/plain";
	return NULL;
}

int64_t
media_limit(const char *kind, const char *mime, int animated)
{
	size_t i;

	if (strcmp(kind, "sticker") == 0 && strcmp(mime, "image/webp") == 0)
		return animated ? 500 * KIB : 100 * KIB;
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (strcmp(limits[i].kind, kind) == 0 &&
		    strcmp(limits[i].mime, mime) == 0)
			return limits[i].max;
	return 0;
}

static int
read_head(const char *path, unsigned char *buf, size_t cap, size_t *n,
	  int64_t *size, struct wa_err *err)
{
	struct stat sbuf;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "cannot read '%s': %s", path,
				  strerror(errno));
	if (fstat(fileno(fp), &sbuf) < 0 || !S_ISREG(sbuf.st_mode)) {
		fclose(fp);
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "'%s' is not a regular file", path);
	}
	*n = fread(buf, 1, cap, fp);
	*size = (int64_t)sbuf.st_size;
	fclose(fp);
	return 0;
}

static void
human(int64_t v, char *buf, size_t len)
{
	if (v >= MIB && v % MIB == 0)
		snprintf(buf, len, "%lld MiB", (long long)(v / MIB));
	else if (v >= KIB && v % KIB == 0)
		snprintf(buf, len, "%lld KiB", (long long)(v / KIB));
	else
		snprintf(buf, len, "%lld bytes", (long long)v);
}

int
media_check(const char *path, const char *kind, int voice,
	    struct media_file *out, struct wa_err *err)
{
	unsigned char buf[4096];
	const char *mime, *ext;
	char lim[32];
	size_t n = 0;	/* gcc 12 -O2 cannot see read_head set it */
	int64_t max;

	memset(out, 0, sizeof(*out));
	if (read_head(path, buf, sizeof(buf), &n, &out->size, err) < 0)
		return -1;
	mime = media_sniff(buf, n, path, &out->animated);
	ext = ext_mime(path);
	if (!mime)
		return wa_err_set(err, WA_EX_REJECTED, "media_type",
				  "'%s': not a type WhatsApp accepts for %s",
				  path, kind);
	if (ext && strcmp(ext, mime) != 0 &&
	    !(strcmp(ext, "audio/mp4") == 0 && strcmp(mime, "video/mp4") == 0))
		return wa_err_set(err, WA_EX_REJECTED, "media_type",
				  "'%s': the content is %s but the name says %s",
				  path, mime, ext);
	max = media_limit(kind, mime, out->animated);
	if (max == 0 || (voice && strcmp(mime, "audio/ogg") != 0))
		return wa_err_set(err, WA_EX_REJECTED, "media_type",
				  "'%s': %s is not allowed for %s%s", path,
				  mime, voice ? "a voice note" : kind,
				  voice ? " (needs audio/ogg with OPUS)" : "");
	if (out->size > max) {
		human(max, lim, sizeof(lim));
		return wa_err_set(err, WA_EX_REJECTED, "media_too_large",
				  "'%s': %lld bytes is more than the %s "
				  "WhatsApp allows for %s%s", path,
				  (long long)out->size, lim, kind,
				  out->animated ? " (animated)" : "");
	}
	snprintf(out->mime, sizeof(out->mime), "%s", mime);
	return 0;
}
