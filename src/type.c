/* placeholder: being written */
typedef int spry_placeholder_type_t;
