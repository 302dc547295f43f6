/* mem_policy.c - what a memory policy, as the kernel prints it in
 * /proc/PID/numa_maps (mm/mempolicy.c's mpol_to_str: mode, "=flags",
 * ":nodes"), chooses. Core, so that the linux source (is it the default?)
 * and the advisor's words (does a step go against it?) read it alike. */
#include <string.h>

#include "snapshot.h"

enum xn_mem_policy_kind xn_mem_policy_kind(const char *policy, xn_nodemask *nodes)
{
	/* longest first: "prefer (many)" before "prefer", "weighted interleave"
	 * before nothing else matches it */
	static const struct {
		const char *mode;
		enum xn_mem_policy_kind kind;
	} modes[] = {
	        {"default", XN_MPOL_NONE},
	        {"local", XN_MPOL_NONE},
	        {"bind", XN_MPOL_BIND},
	        {"prefer (many)", XN_MPOL_PREFER},
	        {"prefer", XN_MPOL_PREFER},
	        {"weighted interleave", XN_MPOL_INTERLEAVE},
	        {"interleave", XN_MPOL_INTERLEAVE},
	};
	memset(nodes, 0, sizeof(*nodes));
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		size_t n = strlen(modes[i].mode);
		const char *rest = policy + n;
		if (strncmp(policy, modes[i].mode, n) != 0 ||
		    (*rest && *rest != '=' && *rest != ':'))
			continue;
		const char *colon = strchr(rest, ':');
		if (colon && xn_bits_parse_list(colon + 1, nodes->w, XN_MAX_NODES, NULL, 0))
			memset(nodes, 0, sizeof(*nodes)); /* cut by the kernel: unknown */
		return modes[i].kind;
	}
	return XN_MPOL_OTHER;
}
