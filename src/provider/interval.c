/* placeholder: being written */
typedef int spry_placeholder_interval_t;
