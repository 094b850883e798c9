/* placeholder: being written */
typedef int spry_placeholder_script_t;
