/* placeholder: being written */
typedef int spry_placeholder_arch_t;
