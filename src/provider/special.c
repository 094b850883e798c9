/* placeholder: being written */
typedef int spry_placeholder_special_t;
