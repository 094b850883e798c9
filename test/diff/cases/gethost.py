# tool_gethostlatency.bt's command: a name lookup through libc's
# getaddrinfo().
import socket

socket.getaddrinfo("localhost", None)
