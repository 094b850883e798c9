/* usdt.h - USDT probes: the .note.stapsdt notes of an ELF file and their
 * argument operands.
 *
 * Input: an ELF file built with <sys/sdt.h> (or a DTrace-style provider),
 * and an architecture (arch.h) to read operands with.  Output: every probe
 * site the file declares (provider, name, address, semaphore, argument
 * text), and each argument decoded to where a program finds it: a
 * constant, a register of the saved pt_regs, or memory at a register plus
 * a displacement.  No kernel, no process: the provider (src/provider/
 * usdt.c) turns these into uprobes and provider variables.
 *
 * A note's descriptor is three addresses (the probe's pc, the link-time
 * address of .stapsdt.base, the semaphore or 0), then "provider\0name\0
 * args\0".  Tools that move a file after linking (prelink) shift the
 * sections but not the notes: the difference between .stapsdt.base's
 * address and the note's copy of it corrects the pc and semaphore.
 */
#ifndef SPRY_USDT_H
#define SPRY_USDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arch;

/* sys/sdt.h allows at most 12 arguments. */
#define USDT_MAX_ARGS 12

struct usdt_note {
	const char *provider, *name;
	const char *args;	/* as written: "-4@%eax 8@-16(%rbp)", "" */
	uint64_t pc;		/* virtual address of the probe's nop */
	uint64_t sema;		/* virtual address of its semaphore, 0: none */
};

struct usdt_sym {		/* a data symbol, for SYMBOL(%rip) operands */
	const char *name;
	uint64_t addr;
};

struct usdt_file {
	char *path;
	struct usdt_note *notes;	/* in the file's order */
	unsigned n;
	struct usdt_sym *syms;		/* STT_OBJECT, sorted by name */
	unsigned nsyms;
	char *strings;			/* storage the names point into */
};

/* Read @path's notes (none is not an error: n = 0).  0 or -errno: -ENOENT,
 * -EACCES, -ENOEXEC (not an ELF file libelf can read), -EINVAL (a
 * malformed note). */
int usdt_file_load(const char *path, struct usdt_file **out);
void usdt_file_free(struct usdt_file *f);
/* The same, cached per path for the life of the process; NULL with errno
 * set on failure. */
const struct usdt_file *usdt_file_get(const char *path);
/* Address of data symbol @name; 0 if the file has none by that name. */
uint64_t usdt_sym_addr(const struct usdt_file *f, const char *name);

enum usdt_arg_kind {
	USDT_CONST,	/* val */
	USDT_REG,	/* the register at pt_regs + reg_off */
	USDT_MEM,	/* memory at (register at pt_regs + reg_off) + val */
	USDT_SYM,	/* memory at symbol sym + val: the provider makes it a
			 * USDT_MEM relative to the pc (see usdt_arg_resolve) */
};

struct usdt_arg {
	enum usdt_arg_kind kind;
	unsigned size;		/* bytes: 1, 2, 4 or 8 */
	bool is_signed;
	int reg_off;
	int64_t val;
	char sym[64];		/* USDT_SYM */
};

/* Parse the operands of one note ("-4@%eax 8@-16(%rbp) -4@$5") with
 * @arch's syntax into @args (at most USDT_MAX_ARGS).  Returns how many were
 * read, or -EINVAL with what could not be read in @err (the operand and
 * why) and the count of good ones before it in *@ngood. */
int usdt_args_parse(const struct arch *arch, const char *text,
		    struct usdt_arg *args, unsigned *ngood, char *err,
		    size_t errlen);
/* Make a USDT_SYM operand of the note at @pc a USDT_MEM relative to the
 * pc register, which holds the probe's address when it fires: the
 * symbol's run-time address is pc + (symbol - note pc) whether the file is
 * loaded at its link address (ET_EXEC) or moved (ET_DYN).  0, or -ENOENT
 * when @f has no such symbol. */
int usdt_arg_resolve(const struct arch *arch, const struct usdt_file *f,
		     uint64_t pc, struct usdt_arg *a);

#endif
