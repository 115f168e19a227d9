// libturbojpeg's TurboJPEG API (Debian: libturbojpeg0-dev), imported whole:
// its functions are plain C. This shim target exists to link -lturbojpeg.
#ifndef PIRL_CTURBOJPEG_H
#define PIRL_CTURBOJPEG_H
#include <turbojpeg.h>
#endif
