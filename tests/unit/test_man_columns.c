/* test_man_columns.c - the man page's column lists are the output's: the
 * text header and the CSV header written for a host of nodes 0 and 1 in MiB,
 * word by word, against the blocks marked "test_man_columns: text" and
 * "...: csv" in xentop-numa.1; and every column of the table has its entry,
 * title and key, in the COLUMNS section. A column added, removed, renamed
 * or moved without the page fails here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "output.h"
#include "view_fixture.h"

enum { MAXW = 128, WLEN = 48 };

struct words {
	int n;
	char w[MAXW][WLEN];
};

static void words_add(struct words *ws, const char *s, size_t len)
{
	if (len == 0 || ws->n >= MAXW)
		return;
	if (len >= WLEN)
		len = WLEN - 1;
	memcpy(ws->w[ws->n], s, len);
	ws->w[ws->n++][len] = '\0';
}

/* Split the first line of text on any of seps. */
static void split_line(const char *text, const char *seps, struct words *ws)
{
	size_t end = strcspn(text, "\n");
	size_t i = 0;
	while (i < end) {
		size_t n = strcspn(text + i, seps);
		if (i + n > end)
			n = end - i;
		words_add(ws, text + i, n);
		i += n + 1;
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, cap);
			if (!nb)
				break;
			buf = nb;
		}
		size_t r = fread(buf + len, 1, 4096, f);
		len += r;
		if (r == 0)
			break;
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* The words of the literal block after the marker comment. */
static void man_block(const char *man, const char *marker, struct words *ws)
{
	const char *p = strstr(man, marker);
	CHECK(p != NULL);
	if (!p)
		return;
	p = strstr(p, "\n.Bd ");
	const char *e = p ? strstr(p, "\n.Ed") : NULL;
	CHECK(p && e);
	if (!p || !e)
		return;
	p = strchr(p + 1, '\n') + 1;
	while (p < e) {
		size_t n = strcspn(p, " \n");
		words_add(ws, p, n);
		p += n + 1;
	}
}

static void same_words(const char *what, const struct words *man, const struct words *out)
{
	int n = man->n > out->n ? man->n : out->n;
	for (int i = 0; i < n; i++) {
		const char *a = i < man->n ? man->w[i] : "(none)";
		const char *b = i < out->n ? out->w[i] : "(none)";
		if (strcmp(a, b)) {
			fprintf(stderr, "%s: word %d: the man page says %s, the output %s\n", what,
			        i + 1, a, b);
			CHECK(false);
			return;
		}
	}
	CHECK(n > 20);
}

static char *output(const struct xn_snapshot *s, enum xn_format fmt)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	CHECK(xn_output_sample(f, fmt, s, XN_UNITS_MIB, 0) == 0);
	fclose(f);
	return buf;
}

/* Is there an ".It Li" line in the COLUMNS section holding title (unless
 * NULL) before "Pq" and key after it, as words? */
static bool man_entry(const char *man, const char *title, const char *key)
{
	const char *sec = strstr(man, "\n.Sh COLUMNS\n");
	const char *end = sec ? strstr(sec + 1, "\n.Sh ") : NULL;
	if (!sec || !end)
		return false;
	for (const char *p = strstr(sec, "\n.It Li "); p && p < end;
	     p = strstr(p + 1, "\n.It Li ")) {
		struct words ws = {0};
		split_line(p + 1, " ", &ws);
		bool t = title == NULL, k = false, pq = false;
		for (int i = 2; i < ws.n; i++) {
			if (!strcmp(ws.w[i], "Pq"))
				pq = true;
			else if (!pq && title && !strcmp(ws.w[i], title))
				t = true;
			else if (pq && !strcmp(ws.w[i], key))
				k = true;
		}
		if (t && k)
			return true;
	}
	return false;
}

int main(void)
{
	const char *root = getenv("XN_ROOT");
	if (root && chdir(root) != 0)
		perror(root);
	char *man = slurp("xentop-numa.1");
	CHECK(man != NULL);
	if (!man)
		return check_report("test_man_columns");
	struct xn_snapshot s;
	fx_snapshot(&s, 2);

	char *t = output(&s, XN_FMT_TEXT);
	struct words out = {0}, page = {0};
	split_line(t, " ", &out);
	man_block(man, "test_man_columns: text", &page);
	same_words("text", &page, &out);
	free(t);

	char *c = output(&s, XN_FMT_CSV);
	struct words cout = {0}, cpage = {0};
	split_line(c, ",", &cout);
	man_block(man, "test_man_columns: csv", &cpage);
	same_words("csv", &cpage, &cout);
	free(c);

	for (int i = 0; i < XN_COL__COUNT; i++) {
		const struct xn_column *col = &xn_columns[i];
		bool ok = man_entry(man, col->per_node ? NULL : col->title, col->key);
		if (!ok)
			fprintf(stderr, "COLUMNS: no entry for %s (%s)\n", col->title, col->key);
		CHECK(ok);
	}
	xn_snapshot_clear(&s);
	free(man);
	return check_report("test_man_columns");
}
