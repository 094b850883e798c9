/* placeholder: being written */
typedef int spry_placeholder_x86_64_t;
