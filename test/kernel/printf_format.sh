# printf conversions, flags, widths and precisions format like C's printf.
. "$(dirname "$0")/lib.sh"
require_root

spry_run 20 -q 'BEGIN {
	printf("[%d] [%i] [%u] [%x] [%X] [%o] [%c] [%s] [%%]\n",
	       -42, 7, 42, 255, 255, 8, 0x7a, "str");
	printf("[%5d] [%-5d] [%05d] [%+d] [% d] [%#x] [%#o]\n",
	       42, 42, 42, 42, 42, 255, 8);
	printf("[%.3s] [%6s] [%-6s] [%ld] [%llu] [%lx]\n",
	       "abcdef", "ab", "ab", 123456789012, 18446744073709551615, 4096);
	printf("%s=%d,%s=%d\n", "a", 1 + 2 * 3, "b", (1 + 2) * 3);
	printf("%d %d %d %d\n", 0x10, 010, 0b11, 1_000);
	printf("[%s]\n", "tab\there \"q\" \\");
	exit(0);
}'
assert_rc 0
assert_stdout_equals '[-42] [7] [42] [ff] [FF] [10] [z] [str] [%]
[   42] [42   ] [00042] [+42] [ 42] [0xff] [010]
[abc] [    ab] [ab    ] [123456789012] [18446744073709551615] [1000]
a=7,b=9
16 8 3 1000
[tab	here "q" \]'
finish
