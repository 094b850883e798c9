/* placeholder: being written */
typedef int spry_placeholder_compile_t;
