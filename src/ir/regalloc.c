/* placeholder: being written */
typedef int spry_placeholder_regalloc_t;
