# if/else and else-if chains take the right branch.
. "$(dirname "$0")/lib.sh"
require_root

spry_run 20 -q 'BEGIN {
	if (pid > 0) printf("then\n"); else printf("wrong\n");
	if (pid == 0) printf("wrong\n"); else printf("else\n");
	if (pid == 0) printf("wrong\n");
	else if (cpu < 100000) { printf("else-if\n"); }
	else printf("wrong\n");
	if (0) { printf("wrong\n"); }
	printf("%s\n", pid > 0 ? "ternary" : "wrong");
	exit(0);
}'
assert_rc 0
assert_stdout_equals "then
else
else-if
ternary"
finish
