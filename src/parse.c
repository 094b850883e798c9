/* placeholder: being written */
typedef int spry_placeholder_parse_t;
