// Everything in CFrameRing is static inline in include/pirl_frame_ring.h (shared
// with the fake libv4l2 plugin); this file gives the target a translation unit.
#include "pirl_frame_ring.h"
