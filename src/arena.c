/* placeholder: being written */
typedef int spry_placeholder_arena_t;
