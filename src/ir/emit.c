/* placeholder: being written */
typedef int spry_placeholder_emit_t;
