/* placeholder: being written */
typedef int spry_placeholder_runtime_t;
