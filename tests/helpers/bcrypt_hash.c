/* bcrypt_hash PASSWORD [COST]: print a bcrypt hash of PASSWORD ($2y$, the
 * form htpasswd -B writes) for --web-config's basic_auth_users, made by
 * libcrypt (the tests' stand-in for htpasswd, which Debian ships in
 * apache2-utils). */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bcrypt_hash PASSWORD [COST]\n");
		return 2;
	}
	unsigned long cost = argc > 2 ? strtoul(argv[2], NULL, 10) : 10;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	memset(&cd, 0, sizeof(cd));
	if (!crypt_gensalt_rn("$2y$", cost, NULL, 0, salt, sizeof(salt))) {
		perror("crypt_gensalt_rn");
		return 1;
	}
	const char *h = crypt_r(argv[1], salt, &cd);
	if (!h || h[0] == '*') {
		fprintf(stderr, "bcrypt_hash: crypt_r failed\n");
		return 1;
	}
	puts(h);
	return 0;
}
