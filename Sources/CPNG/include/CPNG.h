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
#endif
