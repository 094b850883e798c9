/* placeholder: being written */
typedef int spry_placeholder_provider_t;
