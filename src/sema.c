/* placeholder: being written */
typedef int spry_placeholder_sema_t;
