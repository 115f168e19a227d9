// Linux serial ioctls. <asm/termbits.h> (termios2) conflicts with <termios.h>,
// so this file includes only the kernel headers it needs.
#define _GNU_SOURCE
#include "CSerialShim.h"

#include <errno.h>
#include <poll.h>
#include <time.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <asm/termbits.h>
#include <linux/serial.h>

int pirl_serial_set_exclusive(int fd) { return ioctl(fd, TIOCEXCL); }

int pirl_serial_clear_exclusive(int fd) { return ioctl(fd, TIOCNXCL); }

int pirl_serial_set_low_latency(int fd, int *was_set) {
    struct serial_struct ss;
    if (ioctl(fd, TIOCGSERIAL, &ss) != 0) return -1;
    if (was_set) *was_set = (ss.flags & ASYNC_LOW_LATENCY) ? 1 : 0;
    ss.flags |= ASYNC_LOW_LATENCY;
    return ioctl(fd, TIOCSSERIAL, &ss);
}

int pirl_serial_configure_raw(int fd, uint32_t baud) {
    struct termios2 tio;
    if (ioctl(fd, TCGETS2, &tio) != 0) return -1;
    tio.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IXANY | INPCK);
    tio.c_oflag &= ~OPOST;
    tio.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    tio.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS | CBAUD);
    tio.c_cflag |= CS8 | CREAD | CLOCAL | BOTHER;
    tio.c_ispeed = baud;
    tio.c_ospeed = baud;
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    return ioctl(fd, TCSETS2, &tio);
}

int pirl_serial_get_baud(int fd, uint32_t *baud) {
    struct termios2 tio;
    if (ioctl(fd, TCGETS2, &tio) != 0) return -1;
    *baud = tio.c_ospeed;
    return 0;
}

int pirl_serial_bytes_available(int fd, int *count) { return ioctl(fd, FIONREAD, count); }

int pirl_fd_set_nonblocking(int fd, int enabled) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    flags = enabled ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, flags);
}

int pirl_pty_open_master(char *name, int len) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return -1;
    if (grantpt(fd) != 0 || unlockpt(fd) != 0) { int e = errno; close(fd); errno = e; return -1; }
    struct termios2 tio;
    if (ioctl(fd, TCGETS2, &tio) == 0) {
        tio.c_iflag = 0; tio.c_oflag = 0; tio.c_lflag = 0;
        tio.c_cflag = (tio.c_cflag & ~(CSIZE | PARENB)) | CS8 | CREAD | CLOCAL;
        tio.c_cc[VMIN] = 0; tio.c_cc[VTIME] = 0;
        ioctl(fd, TCSETS2, &tio);
    }
    if (ptsname_r(fd, name, (size_t)len) != 0) { int e = errno; close(fd); errno = e; return -1; }
    return fd;
}

int pirl_fd_is_pty(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) return 0;
    if (!S_ISCHR(st.st_mode)) return 0;
    unsigned int maj = major(st.st_rdev);
    return (maj >= 136 && maj <= 143) ? 1 : 0;
}

int pirl_poll_readable(int fd, int64_t timeout_ns) {
    if (timeout_ns < 0) timeout_ns = 0;
    struct timespec ts = { (time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000) };
    struct pollfd pfd = { fd, POLLIN, 0 };
    int r = ppoll(&pfd, 1, &ts, NULL);
    if (r <= 0) return r;
    if (pfd.revents & POLLIN) return 1;
    return 2;
}
