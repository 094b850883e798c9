/* placeholder: being written */
typedef int spry_placeholder_tracepoint_t;
