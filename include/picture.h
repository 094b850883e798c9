/* picture.h - maps drawn as pictures: the -f folded, svg and heatmap
 * formats.
 *
 * The output layer hands this glue every map print and clear of the run
 * when its format is one of these; the glue takes the maps it draws and
 * leaves the others to be printed as text.  It turns map contents into
 * graph.h's plain data (frames named through the output's hooks, buckets
 * grouped by key) and collects them over the run:
 *
 *   folded   maps keyed by a stack: at exit, one FlameGraph "folded" line
 *            per stack on the output stream
 *   svg      maps keyed by a stack become flame graphs, histograms printed
 *            more than once latency heat maps (a column per print), those
 *            printed once bar charts: at exit, one SVG document
 *   heatmap  histograms: a row of a text heat map at each print (one
 *            printed only at exit prints as the usual histogram)
 *
 * A stack map's picture shows, once, everything the script printed: the
 * sum of its prints that a clear() followed, plus its last print.  So a map
 * printed only at exit and one printed and cleared every ten seconds draw
 * alike, and one printed at intervals without a clear is not counted twice.
 *
 * Frames: a key's frames are its other keys (comm, pid) in the order
 * written, then its user stack and its kernel stack, each outermost frame
 * first, so that `@[kstack, ustack, comm]` folds as
 * "comm;main;...;read;entry_SYSCALL_64;...;vfs_read".  Symbols lose their
 * offsets (frames merge by function), addresses without a name become
 * "[unknown]" (a run of them one: a frame-pointer walk through code built
 * without frame pointers climbs through garbage), a stack the kernel could
 * not take adds no frame, and a key
 * left with no frame at all is "[no stack]".  In frame names ';' and
 * spaces become '_' and control bytes '?'.  With several stack maps in one
 * folded output, each line begins with the map's name as a frame.
 */
#ifndef SPRY_PICTURE_H
#define SPRY_PICTURE_H

#include <stdbool.h>

struct output;
struct out_map_data;
struct map;
struct pictures;

/* The pictures of output @o (its format, stream and hooks). */
struct pictures *pic_new(struct output *o);
void pic_free(struct pictures *p);
/* A print of a map: true when a picture took it, false when it is to be
 * printed as text. */
bool pic_map(struct pictures *p, const struct out_map_data *md);
/* clear(@m) ran: what the map's last print showed stays in its picture. */
void pic_clear(struct pictures *p, const struct map *m);
/* At exit: write what was collected (folded lines, the SVG document).
 * 0, or -errno of the write that failed (-EIO when unknown). */
int pic_finish(struct pictures *p);

#endif
