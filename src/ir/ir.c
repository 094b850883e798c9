/* placeholder: being written */
typedef int spry_placeholder_ir_t;
