/* xen_error.c - errno values as the xen source says them. Below every
 * other xen_*.c file, so none of them has to call the top (xen_source.c). */
#include "xen_priv.h"

#include <errno.h>
#include <string.h>

const char *xen_strerror(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return "permission denied (needs root in dom0)";
	case ESRCH:
		return "no such domain";
	case ENOSYS:
		return "the hypervisor does not support this call";
	default:
		return strerror(err);
	}
}
