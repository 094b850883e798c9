/* placeholder: being written */
typedef int spry_placeholder_lex_t;
