// Gives the CTurboJPEG target a translation unit so SwiftPM links libturbojpeg.
#include "CTurboJPEG.h"
