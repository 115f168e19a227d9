// Everything in CV4L2 is static inline in include/CV4L2.h; this file gives
// the target a translation unit so SwiftPM links libv4l2.
#include "CV4L2.h"
