#include "CPNG.h"
#include <png.h>
#include <stdio.h>
#include <string.h>

int pirl_png_write_rgb(const char *path, uint32_t width, uint32_t height,
                       const uint8_t *pixels, size_t row_stride,
                       char *message, size_t message_length) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = width;
    image.height = height;
    image.format = PNG_FORMAT_RGB;
    if (png_image_write_to_file(&image, path, 0, pixels, (png_int_32)row_stride, NULL)) {
        return 0;
    }
    snprintf(message, message_length, "%s", image.message);
    png_image_free(&image);
    return -1;
}
