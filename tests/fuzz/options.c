/* fuzz the command line: the input split at NUL bytes (or newlines) into
 * argv. Whatever it prints goes to /dev/null. */
#include <errno.h>
#include <unistd.h>

#include "fuzz.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet) {
		quiet = 1;
		if (!freopen("/dev/null", "w", stdout))
			abort();
	}
	if (size > 4096)
		return 0;
	/* --save-config must write nowhere real, and no saved file may steer
	 * the parse: a folder that cannot exist */
	setenv("XDG_CONFIG_HOME", "/nonexistent/xn-fuzz", 1);
	char *s = xn_fuzz_str(data, size);
	static char prog[] = "xentop-numa";
	char *argv[66] = {prog};
	int argc = 1;
	char *p = s;
	for (size_t i = 0; i <= size && argc < 65; i++)
		if (i == size || s[i] == '\0' || s[i] == '\n') {
			s[i] = '\0';
			argv[argc++] = p;
			p = s + i + 1;
		}
	argv[argc] = NULL;
	struct xn_options o;
	int r = xn_options_parse(argc, argv, &o);
	XN_FUZZ_ASSERT(r == 0 || r == 1 || r == -EINVAL || r == -EIO, "options result");
	if (r == 0)
		XN_FUZZ_ASSERT(o.delay >= 0 && o.delay <= 86400, "delay in range");
	free(s);
	return 0;
}
