/* driver.c - replays fuzz inputs without libFuzzer, as a regression test:
 * every file in tests/fuzz/corpus/NAME and tests/fuzz/crashes/NAME (NAME
 * from XN_FUZZ_NAME at build time), or the files and directories given as
 * arguments, is fed once to LLVMFuzzerTestOneInput. A property failure
 * aborts; no input at all is a failure too (a test must be able to fail). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static long run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	size_t cap = 4096, n = 0, r;
	unsigned char *buf = malloc(cap);
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			unsigned char *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	fclose(f);
	if (!buf)
		abort();
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 1;
}

static long run_path(const char *path, int must_exist)
{
	struct stat st;
	if (stat(path, &st)) {
		if (must_exist) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			exit(1);
		}
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	struct dirent **ents;
	int ne = scandir(path, &ents, NULL, alphasort);
	long count = 0;
	for (int i = 0; i < ne; i++) {
		if (ents[i]->d_name[0] != '.') {
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", path, ents[i]->d_name);
			count += run_path(p, 1);
		}
		free(ents[i]);
	}
	free(ents);
	return count;
}

int main(int argc, char **argv)
{
	long n = 0;
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			n += run_path(argv[i], 1);
	} else {
		n += run_path("tests/fuzz/corpus/" XN_FUZZ_NAME, 0);
		n += run_path("tests/fuzz/crashes/" XN_FUZZ_NAME, 0);
	}
	printf("fuzz_%s: %ld inputs replayed\n", XN_FUZZ_NAME, n);
	return n > 0 ? 0 : 1;
}
