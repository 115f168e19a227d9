// Pulls in OpenBLAS's cblas.h (Debian installs it through the alternatives
// system as <cblas.h>); it also declares openblas_set_num_threads.
#ifndef PIRL_CBLAS_SHIM_H
#define PIRL_CBLAS_SHIM_H
#include <cblas.h>
#endif
