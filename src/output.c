/* placeholder: being written */
typedef int spry_placeholder_output_t;
