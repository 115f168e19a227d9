// What Swift cannot import from libv4l2 and <linux/videodev2.h>: the variadic
// v4l2_ioctl(), the VIDIOC_* request codes (function-like _IOWR macros) and a
// few flag macros. Each wrapper names the call it wraps and returns what that
// call returns (0 or -1 with errno set). Structs (v4l2_format, v4l2_buffer…)
// are imported by Swift directly from <linux/videodev2.h>.
#ifndef PIRL_CV4L2_H
#define PIRL_CV4L2_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/mman.h>
#include <linux/videodev2.h>
#include <libv4l2.h>

/// v4l2_fd_open(fd, flags): lets libv4l2 (and its plugins) take over an fd
/// opened with open(2). Returns fd, or -1 with errno set.
static inline int pirl_v4l2_fd_open(int fd, int flags) { return v4l2_fd_open(fd, flags); }

/// v4l2_close(fd): releases libv4l2's state for fd and closes it.
static inline int pirl_v4l2_close(int fd) { return v4l2_close(fd); }

/// v4l2_ioctl(fd, request, arg): the one variadic call, with a pointer argument.
static inline int pirl_v4l2_ioctl(int fd, unsigned long request, void *arg) {
    return v4l2_ioctl(fd, request, arg);
}

/// v4l2_mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset).
static inline void *pirl_v4l2_mmap(int fd, size_t length, int64_t offset) {
    return v4l2_mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
}

/// v4l2_munmap(start, length).
static inline int pirl_v4l2_munmap(void *start, size_t length) { return v4l2_munmap(start, length); }

/// MAP_FAILED, which Swift imports as a macro it cannot evaluate.
static inline void *pirl_map_failed(void) { return MAP_FAILED; }

/// libv4l2 open flag: no format conversion, the app gets the driver's bytes.
static const int PIRL_V4L2_DISABLE_CONVERSION = V4L2_DISABLE_CONVERSION;

static const unsigned long PIRL_VIDIOC_QUERYCAP = VIDIOC_QUERYCAP;
static const unsigned long PIRL_VIDIOC_ENUM_FMT = VIDIOC_ENUM_FMT;
static const unsigned long PIRL_VIDIOC_ENUM_FRAMESIZES = VIDIOC_ENUM_FRAMESIZES;
static const unsigned long PIRL_VIDIOC_ENUM_FRAMEINTERVALS = VIDIOC_ENUM_FRAMEINTERVALS;
static const unsigned long PIRL_VIDIOC_G_FMT = VIDIOC_G_FMT;
static const unsigned long PIRL_VIDIOC_S_FMT = VIDIOC_S_FMT;
static const unsigned long PIRL_VIDIOC_G_PARM = VIDIOC_G_PARM;
static const unsigned long PIRL_VIDIOC_S_PARM = VIDIOC_S_PARM;
static const unsigned long PIRL_VIDIOC_REQBUFS = VIDIOC_REQBUFS;
static const unsigned long PIRL_VIDIOC_QUERYBUF = VIDIOC_QUERYBUF;
static const unsigned long PIRL_VIDIOC_QBUF = VIDIOC_QBUF;
static const unsigned long PIRL_VIDIOC_DQBUF = VIDIOC_DQBUF;
static const unsigned long PIRL_VIDIOC_STREAMON = VIDIOC_STREAMON;
static const unsigned long PIRL_VIDIOC_STREAMOFF = VIDIOC_STREAMOFF;
static const unsigned long PIRL_VIDIOC_QUERYCTRL = VIDIOC_QUERYCTRL;
static const unsigned long PIRL_VIDIOC_G_CTRL = VIDIOC_G_CTRL;
static const unsigned long PIRL_VIDIOC_S_CTRL = VIDIOC_S_CTRL;

#endif
