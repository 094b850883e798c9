# threadsnoop_libc.bt's command: two threads, started through libc's
# pthread_create().
import threading

for _ in range(2):
    t = threading.Thread(target=lambda: None)
    t.start()
    t.join()
