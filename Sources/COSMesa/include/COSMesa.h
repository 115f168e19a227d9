// OSMesa (Debian: libosmesa6-dev): an off-screen OpenGL context MuJoCo can
// render into without a display. An OSMesa context is current per thread, so
// each rendering thread owns one.
#ifndef PIRL_COSMESA_H
#define PIRL_COSMESA_H

/// An OSMesa context with its RGBA8 colour buffer.
typedef struct pirl_osmesa pirl_osmesa;

/// OSMesaCreateContextExt(RGBA, 24-bit depth, 8-bit stencil) with a
/// `width × height` buffer. Before the first context, sets LP_NUM_THREADS=0
/// (unless the environment already sets it) so llvmpipe rasterizes on the
/// calling thread: rendering threads are the caller's, not llvmpipe's.
/// Returns NULL on failure.
pirl_osmesa *pirl_osmesa_create(int width, int height);

/// OSMesaMakeCurrent() on the calling thread. Returns 1 on success.
int pirl_osmesa_make_current(pirl_osmesa *context);

/// OSMesaMakeCurrent(NULL, …): the calling thread keeps no current context. Called
/// after every use, so a context destroyed later (perhaps from another thread) is
/// never left current on a thread that would touch it on its next make-current.
void pirl_osmesa_release_current(void);

/// OSMesaDestroyContext() and frees the buffer.
void pirl_osmesa_destroy(pirl_osmesa *context);
#endif
