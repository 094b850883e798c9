/* placeholder: being written */
typedef int spry_placeholder_diag_t;
