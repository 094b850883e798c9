/* placeholder: being written */
typedef int spry_placeholder_aarch64_t;
