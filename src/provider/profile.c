/* placeholder: being written */
typedef int spry_placeholder_profile_t;
