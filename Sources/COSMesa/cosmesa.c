#include "COSMesa.h"
#include <GL/osmesa.h>
#include <stdlib.h>

struct pirl_osmesa {
    OSMesaContext context;
    unsigned char *buffer;
    int width, height;
};

pirl_osmesa *pirl_osmesa_create(int width, int height) {
    setenv("LP_NUM_THREADS", "0", 0);
    pirl_osmesa *result = calloc(1, sizeof(pirl_osmesa));
    if (result == NULL) return NULL;
    result->buffer = calloc((size_t)width * (size_t)height * 4, 1);
    result->context = OSMesaCreateContextExt(OSMESA_RGBA, 24, 8, 0, NULL);
    if (result->buffer == NULL || result->context == NULL) {
        if (result->context != NULL) OSMesaDestroyContext(result->context);
        free(result->buffer);
        free(result);
        return NULL;
    }
    result->width = width;
    result->height = height;
    return result;
}

int pirl_osmesa_make_current(pirl_osmesa *context) {
    return OSMesaMakeCurrent(context->context, context->buffer, GL_UNSIGNED_BYTE,
                             context->width, context->height) ? 1 : 0;
}

void pirl_osmesa_release_current(void) {
    OSMesaMakeCurrent(NULL, NULL, 0, 0, 0);
}

void pirl_osmesa_destroy(pirl_osmesa *context) {
    if (context == NULL) return;
    OSMesaDestroyContext(context->context);
    free(context->buffer);
    free(context);
}
