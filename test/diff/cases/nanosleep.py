# tp_btf_record.bt and tool_naptime.bt: nanosleep(2) itself (time.sleep and sleep(1)
# use clock_nanosleep), for 0.25 s.
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
ts = (ctypes.c_long * 2)(0, 250000000)
libc.syscall(35, ts, None)
