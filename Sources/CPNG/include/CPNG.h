// One libpng call Swift should not make itself: libpng's classic API reports
// errors by longjmp, so the shim uses libpng 1.6's "simplified API"
// (png_image_write_to_file), which returns an error string instead.
#ifndef PIRL_CPNG_H
#define PIRL_CPNG_H
#include <stddef.h>
#include <stdint.h>

/// png_image_write_to_file() for an 8-bit RGB image with `row_stride` bytes per
/// row. Returns 0 on success; on failure -1 with libpng's message in `message`.
int pirl_png_write_rgb(const char *path, uint32_t width, uint32_t height,
                       const uint8_t *pixels, size_t row_stride,
                       char *message, size_t message_length);

/// png_image_begin_read_from_file() + png_image_finish_read() to 8-bit RGB (palette, grey
/// and 16-bit images converted; alpha composited onto black). On success returns 0 with a
/// malloc'd `*pixels` of width × height × 3 bytes (free with pirl_png_free); on failure
/// -1 with libpng's message in `message`.
int pirl_png_read_rgb(const char *path, uint8_t **pixels, uint32_t *width, uint32_t *height,
                      char *message, size_t message_length);

/// free() for pirl_png_read_rgb's pixels.
void pirl_png_free(uint8_t *pixels);
#endif
