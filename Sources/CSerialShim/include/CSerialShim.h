// Wrappers for libc calls Swift cannot import: variadic ioctl/fcntl and the
// Linux serial ioctls. Each function names the call it wraps and returns
// 0 on success or -1 with errno set, like the call itself.
#ifndef PIRL_CSERIALSHIM_H
#define PIRL_CSERIALSHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ioctl(fd, TIOCEXCL): further open(2) calls on the tty fail with EBUSY.
int pirl_serial_set_exclusive(int fd);

/// ioctl(fd, TIOCNXCL): drop exclusive mode.
int pirl_serial_clear_exclusive(int fd);

/// TIOCGSERIAL + TIOCSSERIAL with ASYNC_LOW_LATENCY set. On FTDI adapters the
/// driver lowers the latency timer to 1 ms. `was_set` receives the previous
/// flag (may be NULL). Fails with ENOTTY/EINVAL where the driver does not
/// support serial_struct (CH340, ptys).
int pirl_serial_set_low_latency(int fd, int *was_set);

/// TCGETS2 + TCSETS2 with BOTHER: raw 8N1, no flow control, any integer baud
/// rate (e.g. 1,000,000), VMIN = 0, VTIME = 0.
int pirl_serial_configure_raw(int fd, uint32_t baud);

/// TCGETS2: the baud rate the driver actually applied (output speed).
int pirl_serial_get_baud(int fd, uint32_t *baud);

/// ppoll(2) for POLLIN with a nanosecond timeout. Returns 1 when readable,
/// 0 on timeout, 2 on hang-up/error without data, -1 with errno on failure.
int pirl_poll_readable(int fd, int64_t timeout_ns);

/// ioctl(fd, FIONREAD): bytes waiting in the input queue.
int pirl_serial_bytes_available(int fd, int *count);

/// fcntl(fd, F_SETFL, flags | O_NONBLOCK) or without it.
int pirl_fd_set_nonblocking(int fd, int enabled);

/// posix_openpt + grantpt + unlockpt, master in raw mode, O_NONBLOCK.
/// The slave path is written to `name` (size `len`). Returns the master fd or -1.
int pirl_pty_open_master(char *name, int len);

/// ioctl(fd, TIOCGPTPEER)-free check: 1 if fd refers to a pseudo-terminal slave
/// (major 136..143 / devpts), 0 otherwise.
int pirl_fd_is_pty(int fd);

#ifdef __cplusplus
}
#endif
#endif
