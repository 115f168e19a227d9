#include "CPNG.h"
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
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

int pirl_png_read_rgb(const char *path, uint8_t **pixels, uint32_t *width, uint32_t *height,
                      char *message, size_t message_length) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    *pixels = NULL;
    if (!png_image_begin_read_from_file(&image, path)) {
        snprintf(message, message_length, "%s", image.message);
        png_image_free(&image);
        return -1;
    }
    image.format = PNG_FORMAT_RGB;
    uint8_t *buffer = malloc(PNG_IMAGE_SIZE(image));
    if (buffer == NULL) {
        snprintf(message, message_length, "out of memory for a %ux%u image", image.width, image.height);
        png_image_free(&image);
        return -1;
    }
    png_color black = {0, 0, 0};
    if (!png_image_finish_read(&image, &black, buffer, 0, NULL)) {
        snprintf(message, message_length, "%s", image.message);
        free(buffer);
        png_image_free(&image);
        return -1;
    }
    *pixels = buffer;
    *width = image.width;
    *height = image.height;
    return 0;
}

void pirl_png_free(uint8_t *pixels) { free(pixels); }
