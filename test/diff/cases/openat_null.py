# helper_errors_kk.bt's command: openat(AT_FDCWD, NULL, 0), which fails
# with EFAULT, so that the probe's str() of the file name fails to read.
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall(257, -100, None, 0)
