/* placeholder: being written */
typedef int spry_placeholder_ast_t;
