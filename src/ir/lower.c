/* placeholder: being written */
typedef int spry_placeholder_lower_t;
