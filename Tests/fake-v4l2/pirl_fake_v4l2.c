/*
 * pirl-fake-v4l2: a fake V4L2 capture device as a libv4l2 plugin.
 *
 * libv4l2 (v4l-utils) dlopen()s every "*.so" in its plugin directory when an
 * application calls v4l2_fd_open(), looks up the symbol `libv4l2_plugin`
 * (a struct libv4l_dev_ops from <libv4l-plugin.h>) and calls its init(fd).
 * A plugin that returns non-NULL owns that file descriptor: from then on
 * libv4l2 sends every ioctl for it to our ioctl() callback. mmap() is not a
 * plugin operation, so libv4l2 passes it through to the kernel; frames are
 * therefore written into the marker file itself, at the offsets QUERYBUF
 * reports, and the application's MAP_SHARED mapping sees them.
 *
 * We claim only regular files whose first bytes are the marker
 * "PIRL-FAKE-V4L2 1\n", so real cameras never reach this code. The rest of
 * the 4096-byte header is "key=value" lines:
 *
 *   formats=YUYV,MJPG   sizes=640x480,320x240   fps=30,15   card=...
 *   enodev_after=N      DQBUF fails with ENODEV once N frames were delivered
 *                       (and every later ioctl too: the device is "unplugged")
 *   eio_at=K            the DQBUF that would return frame K fails once with EIO
 *   eio_repeat=1        ... and so does every DQBUF after it (a queue in error)
 *   error_every=M       every frame whose sequence is a multiple of M (M>0,
 *                       sequence>0) carries V4L2_BUF_FLAG_ERROR
 *   drop_every=D        frames with sequence % D == D - 1 are lost in the
 *                       "driver" (a sequence gap, as when USB packets are lost)
 *   fail=IOCTL:ERRNO    that ioctl always fails with that errno, e.g.
 *                       fail=STREAMON:ENOSPC, fail=S_FMT:EBUSY, fail=REQBUFS:EINVAL
 *   texture=1           bars carry a fixed texture (for benchmarks: JPEG sizes
 *                       like a real scene's instead of flat colour)
 *   jpeg_quality=Q      libjpeg quality of MJPEG frames (default 95)
 *   nospc_format=YUYV   STREAMON fails with ENOSPC while that format is set
 *                       (not enough USB bandwidth for uncompressed video)
 *   metadata=1          the node is metadata-only (V4L2_CAP_META_CAPTURE)
 *   exposure_max=N      upper bound of exposure_time_absolute (default 2047)
 *
 * Live mode (marker "PIRL-FAKE-V4L2 2"): the line ring=PATH names a frame ring
 * (Sources/CFrameRing/include/pirl_frame_ring.h) that `pirl-robot sim serve`
 * writes the twin's rendered MJPEG frames into. Format, size and rate come from
 * the ring (MJPG only; its rate and half of it). Each DQBUF hands out the next
 * ring frame that has "arrived" (capture_ns + the ring's latency_ns <= now), in
 * order, at most at the requested rate; its timestamp is that arrival instant,
 * its sequence the device's own frame counter (gaps: frames lost while no buffer
 * was queued or the reader fell a whole ring behind). DQBUF blocks like a
 * device waiting for its next frame; after 100 ms without one it returns EAGAIN
 * (the poll(2) timeout a regular file cannot give; capture goes back to poll).
 * While the ring says unplugged, or once it was unplugged since this fd was
 * opened, every ioctl fails with ENODEV, as on a camera pulled from USB.
 *
 * Frame content (the same function is restated in the Swift tests): eight
 * vertical colour bars, bar b = x * 8 / width, colours white, yellow, cyan,
 * green, magenta, red, blue, black; the top-left 32x32 block is grey
 * g = (sequence % 16) * 16 + 8. YUYV uses BT.601 limited-range integer
 * conversion; MJPEG is that RGB image encoded by libturbojpeg (4:2:2, q95).
 * Frame k of a stream is due at t0 + k / fps (t0 = STREAMON, CLOCK_MONOTONIC);
 * its timestamp is that instant and its sequence is k. A due frame finds the
 * oldest queued buffer or is dropped (sequence gap), as vb2 drivers do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/videodev2.h>
#include <libv4l-plugin.h>
#include <turbojpeg.h>

#include "pirl_frame_ring.h"

#define HEADER_SIZE 4096
#define MAX_BUFFERS 8
#define MAX_FORMATS 4
#define MAX_SIZES 8
#define MAX_RATES 4
#define MAX_FAILS 8
#define MARKER "PIRL-FAKE-V4L2 1\n"
#define LIVE_MARKER "PIRL-FAKE-V4L2 2\n"
#define RING_STALL_NS 100000000ull  /* DQBUF gives up (EAGAIN) after this long without a frame */
#define RING_POLL_NS 2000000ull     /* re-check of a ring with nothing new published */
#define JPEG_VARIANTS 16

struct fake_fail { unsigned long request; int err; };

struct fake_buffer {
    int queued, done;
    uint32_t sequence, bytesused, flags;
    uint64_t timestamp_ns;
};

struct fake_dev {
    pthread_mutex_t lock;
    int fd;
    /* configuration from the marker header */
    uint32_t formats[MAX_FORMATS]; int nformats;
    uint32_t widths[MAX_SIZES], heights[MAX_SIZES]; int nsizes;
    uint32_t rates[MAX_RATES]; int nrates;
    char card[32];
    long enodev_after, eio_at, error_every, drop_every;
    struct fake_fail fails[MAX_FAILS]; int nfails;
    int metadata, texture, eio_repeat;
    uint32_t nospc_format;
    int jpeg_quality;
    int32_t exposure_max;
    /* current state */
    uint32_t pixfmt, width, height, fps;
    struct fake_buffer bufs[MAX_BUFFERS]; int nbufs;
    uint32_t buf_stride;
    int fifo[MAX_BUFFERS]; int fifo_len;   /* queued, oldest first */
    int done[MAX_BUFFERS]; int done_len;   /* filled, oldest first */
    int streaming, unplugged, eio_fired;
    uint64_t t0, next_frame;
    long delivered;
    int32_t ctrl_exposure_auto, ctrl_exposure_abs, ctrl_exposure_prio, ctrl_power_line;
    /* frame content */
    unsigned char *yuyv; size_t yuyv_size;
    unsigned char *jpeg[JPEG_VARIANTS]; unsigned long jpeg_size[JPEG_VARIANTS];
    /* live mode: the frame ring */
    char ring_path[256];
    const struct pirl_frame_ring_header *ring; size_t ring_size;
    uint32_t ring_generation;               /* plug generation when this fd was opened */
    uint64_t ring_next;                     /* next ring frame to look at */
    uint64_t ring_last_capture; int ring_any; /* capture time of the last frame taken (rate limit) */
    uint64_t device_sequence;               /* the device's frame counter (V4L2 sequence) */
    unsigned char *ring_scratch;            /* one frame copied out under the slot's lock */
};

static const unsigned char bar_rgb[8][3] = {
    {255, 255, 255}, {255, 255, 0}, {0, 255, 255}, {0, 255, 0},
    {255, 0, 255}, {255, 0, 0}, {0, 0, 255}, {0, 0, 0},
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pattern_rgb(const struct fake_dev *d, uint32_t x, uint32_t y, uint32_t seq,
                        unsigned char rgb[3]) {
    if (x < 32 && y < 32) {
        unsigned char g = (unsigned char)((seq % 16) * 16 + 8);
        rgb[0] = rgb[1] = rgb[2] = g;
        return;
    }
    memcpy(rgb, bar_rgb[x * 8 / d->width], 3);
    if (d->texture) {
        uint32_t coarse = (x / 8) * 73856093u ^ (y / 8) * 19349663u;
        for (int c = 0; c < 3; c++)
            rgb[c] = (unsigned char)(rgb[c] * 3 / 4 + ((x + 2 * y + 40 * c) & 31) +
                                     ((coarse >> (4 * c)) & 23));
    }
}

static unsigned char clamp8(int v) { return v < 0 ? 0 : v > 255 ? 255 : (unsigned char)v; }

/* BT.601 limited range, 8-bit integer form. */
static void rgb_to_yuv(const unsigned char c[3], unsigned char *y, unsigned char *u, unsigned char *v) {
    int r = c[0], g = c[1], b = c[2];
    *y = clamp8(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16);
    *u = clamp8(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128);
    *v = clamp8(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128);
}

static uint32_t frame_size(const struct fake_dev *d) {
    if (d->pixfmt == V4L2_PIX_FMT_YUYV) return d->width * d->height * 2;
    return d->width * d->height * 2; /* MJPEG upper bound, as UVC reports */
}

static void free_content(struct fake_dev *d) {
    free(d->yuyv); d->yuyv = NULL; d->yuyv_size = 0;
    for (int i = 0; i < JPEG_VARIANTS; i++) {
        if (d->jpeg[i]) tjFree(d->jpeg[i]);
        d->jpeg[i] = NULL; d->jpeg_size[i] = 0;
    }
}

/* Renders the content for the current format once per stream. */
static int prepare_content(struct fake_dev *d) {
    free_content(d);
    if (d->pixfmt == V4L2_PIX_FMT_YUYV) {
        d->yuyv_size = (size_t)d->width * d->height * 2;
        d->yuyv = malloc(d->yuyv_size);
        if (!d->yuyv) return -1;
        for (uint32_t y = 0; y < d->height; y++)
            for (uint32_t x = 0; x < d->width; x += 2) {
                unsigned char c[3], Y, U, V;
                pattern_rgb(d, x, y, 0, c);
                rgb_to_yuv(c, &Y, &U, &V);
                unsigned char *p = d->yuyv + (size_t)y * d->width * 2 + x * 2;
                p[0] = Y; p[1] = U; p[2] = Y; p[3] = V;
            }
        return 0;
    }
    unsigned char *rgb = malloc((size_t)d->width * d->height * 3);
    tjhandle tj = tjInitCompress();
    if (!rgb || !tj) { free(rgb); if (tj) tjDestroy(tj); return -1; }
    for (int s = 0; s < JPEG_VARIANTS; s++) {
        for (uint32_t y = 0; y < d->height; y++)
            for (uint32_t x = 0; x < d->width; x++)
                pattern_rgb(d, x, y, (uint32_t)s, rgb + ((size_t)y * d->width + x) * 3);
        if (tjCompress2(tj, rgb, (int)d->width, 0, (int)d->height, TJPF_RGB, &d->jpeg[s],
                        &d->jpeg_size[s], TJSAMP_422, d->jpeg_quality, 0) != 0) {
            free(rgb); tjDestroy(tj); return -1;
        }
    }
    free(rgb);
    tjDestroy(tj);
    return 0;
}

/* Writes frame `seq` into buffer `index` of the marker file. */
static int write_frame(struct fake_dev *d, int index, uint32_t seq, uint32_t *bytesused) {
    off_t off = HEADER_SIZE + (off_t)index * d->buf_stride;
    if (d->pixfmt == V4L2_PIX_FMT_YUYV) {
        unsigned char Y, U, V, c[3];
        pattern_rgb(d, 0, 0, seq, c);
        rgb_to_yuv(c, &Y, &U, &V);
        for (uint32_t y = 0; y < 32 && y < d->height; y++)
            for (uint32_t x = 0; x < 32 && x < d->width; x += 2) {
                unsigned char *p = d->yuyv + (size_t)y * d->width * 2 + x * 2;
                p[0] = Y; p[1] = U; p[2] = Y; p[3] = V;
            }
        if (pwrite(d->fd, d->yuyv, d->yuyv_size, off) != (ssize_t)d->yuyv_size) return -1;
        *bytesused = (uint32_t)d->yuyv_size;
        return 0;
    }
    int s = (int)(seq % JPEG_VARIANTS);
    if (pwrite(d->fd, d->jpeg[s], d->jpeg_size[s], off) != (ssize_t)d->jpeg_size[s]) return -1;
    *bytesused = (uint32_t)d->jpeg_size[s];
    return 0;
}

/* Moves every frame due by `now` into the oldest queued buffer, or drops it. */
static void produce_due_frames(struct fake_dev *d, uint64_t now) {
    uint64_t period = 1000000000ull / d->fps;
    while (d->t0 + d->next_frame * period <= now) {
        uint32_t seq = (uint32_t)d->next_frame;
        uint64_t ts = d->t0 + d->next_frame * period;
        d->next_frame++;
        if (d->fifo_len == 0) continue; /* no buffer: the frame is lost */
        if (d->drop_every > 0 && seq % (uint32_t)d->drop_every == (uint32_t)d->drop_every - 1) continue;
        int index = d->fifo[0];
        memmove(d->fifo, d->fifo + 1, sizeof(int) * (size_t)--d->fifo_len);
        struct fake_buffer *b = &d->bufs[index];
        uint32_t used = 0;
        b->flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
        if (write_frame(d, index, seq, &used) != 0) b->flags |= V4L2_BUF_FLAG_ERROR;
        if (d->error_every > 0 && seq > 0 && seq % (uint32_t)d->error_every == 0)
            b->flags |= V4L2_BUF_FLAG_ERROR;
        b->queued = 0; b->done = 1;
        b->sequence = seq; b->bytesused = used; b->timestamp_ns = ts;
        d->done[d->done_len++] = index;
    }
}

static uint32_t fourcc_from(const char *s) {
    return v4l2_fourcc(s[0], s[1], s[2], s[3]);
}

struct named_request { const char *name; unsigned long request; };
static const struct named_request requests[] = {
    {"QUERYCAP", VIDIOC_QUERYCAP}, {"ENUM_FMT", VIDIOC_ENUM_FMT}, {"G_FMT", VIDIOC_G_FMT},
    {"S_FMT", VIDIOC_S_FMT}, {"TRY_FMT", VIDIOC_TRY_FMT}, {"G_PARM", VIDIOC_G_PARM},
    {"S_PARM", VIDIOC_S_PARM}, {"REQBUFS", VIDIOC_REQBUFS}, {"QUERYBUF", VIDIOC_QUERYBUF},
    {"QBUF", VIDIOC_QBUF}, {"DQBUF", VIDIOC_DQBUF}, {"STREAMON", VIDIOC_STREAMON},
    {"STREAMOFF", VIDIOC_STREAMOFF}, {"S_CTRL", VIDIOC_S_CTRL}, {"G_CTRL", VIDIOC_G_CTRL},
    {"QUERYCTRL", VIDIOC_QUERYCTRL},
};
struct named_errno { const char *name; int err; };
static const struct named_errno errnos[] = {
    {"EBUSY", EBUSY}, {"ENOSPC", ENOSPC}, {"EINVAL", EINVAL}, {"EIO", EIO},
    {"ENODEV", ENODEV}, {"EPERM", EPERM}, {"EACCES", EACCES},
};

static void parse_fail(struct fake_dev *d, const char *value) {
    const char *colon = strchr(value, ':');
    if (!colon || d->nfails >= MAX_FAILS) return;
    size_t n = (size_t)(colon - value);
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
        if (strlen(requests[i].name) != n || strncmp(requests[i].name, value, n) != 0) continue;
        for (size_t j = 0; j < sizeof errnos / sizeof errnos[0]; j++)
            if (strcmp(errnos[j].name, colon + 1) == 0) {
                d->fails[d->nfails].request = requests[i].request;
                d->fails[d->nfails++].err = errnos[j].err;
            }
    }
}

static void parse_line(struct fake_dev *d, char *line) {
    char *eq = strchr(line, '=');
    if (!eq) return;
    *eq = 0;
    const char *key = line, *value = eq + 1;
    if (strcmp(key, "formats") == 0) {
        d->nformats = 0;
        for (const char *p = value; strlen(p) >= 4 && d->nformats < MAX_FORMATS;) {
            d->formats[d->nformats++] = fourcc_from(p);
            p += 4;
            if (*p == ',') p++;
        }
    } else if (strcmp(key, "sizes") == 0) {
        d->nsizes = 0;
        const char *p = value;
        unsigned w, h; int used;
        while (d->nsizes < MAX_SIZES && sscanf(p, "%ux%u%n", &w, &h, &used) == 2) {
            d->widths[d->nsizes] = w; d->heights[d->nsizes++] = h;
            p += used;
            if (*p != ',') break;
            p++;
        }
    } else if (strcmp(key, "fps") == 0) {
        d->nrates = 0;
        const char *p = value;
        unsigned r; int used;
        while (d->nrates < MAX_RATES && sscanf(p, "%u%n", &r, &used) == 1 && r > 0) {
            d->rates[d->nrates++] = r;
            p += used;
            if (*p != ',') break;
            p++;
        }
    } else if (strcmp(key, "card") == 0) {
        snprintf(d->card, sizeof d->card, "%s", value);
    } else if (strcmp(key, "enodev_after") == 0) {
        d->enodev_after = atol(value);
    } else if (strcmp(key, "eio_at") == 0) {
        d->eio_at = atol(value);
    } else if (strcmp(key, "eio_repeat") == 0) {
        d->eio_repeat = atoi(value);
    } else if (strcmp(key, "error_every") == 0) {
        d->error_every = atol(value);
    } else if (strcmp(key, "drop_every") == 0) {
        d->drop_every = atol(value);
    } else if (strcmp(key, "fail") == 0) {
        parse_fail(d, value);
    } else if (strcmp(key, "jpeg_quality") == 0) {
        d->jpeg_quality = atoi(value);
    } else if (strcmp(key, "nospc_format") == 0) {
        if (strlen(value) >= 4) d->nospc_format = fourcc_from(value);
    } else if (strcmp(key, "texture") == 0) {
        d->texture = atoi(value);
    } else if (strcmp(key, "metadata") == 0) {
        d->metadata = atoi(value);
    } else if (strcmp(key, "exposure_max") == 0) {
        d->exposure_max = atoi(value);
    } else if (strcmp(key, "ring") == 0) {
        snprintf(d->ring_path, sizeof d->ring_path, "%s", value);
    }
}

/* Maps the ring named by the marker and takes format, size and rate from it.
 * Returns -1 when it is missing or not a ring (the device then answers ENODEV). */
static int open_ring(struct fake_dev *d) {
    int fd = open(d->ring_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    void *map = MAP_FAILED;
    if (fstat(fd, &st) == 0 && st.st_size >= (off_t)PIRL_FRAME_RING_HEADER_SIZE)
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd); /* the mapping stays */
    if (map == MAP_FAILED) return -1;
    const struct pirl_frame_ring_header *h = map;
    if (!pirl_frame_ring_is_valid(h, (size_t)st.st_size) || h->pixel_format != V4L2_PIX_FMT_MJPEG) {
        munmap(map, (size_t)st.st_size);
        return -1;
    }
    d->ring = h; d->ring_size = (size_t)st.st_size;
    d->ring_generation = pirl_frame_ring_generation(h);
    d->ring_scratch = malloc(pirl_frame_ring_capacity(h));
    if (!d->ring_scratch) return -1;
    d->formats[0] = V4L2_PIX_FMT_MJPEG; d->nformats = 1;
    d->widths[0] = h->width; d->heights[0] = h->height; d->nsizes = 1;
    d->rates[0] = h->frames_per_second; d->nrates = 1;
    if (h->frames_per_second >= 2) d->rates[d->nrates++] = h->frames_per_second / 2;
    return 0;
}

static void close_ring(struct fake_dev *d) {
    if (d->ring) munmap((void *)d->ring, d->ring_size);
    d->ring = NULL;
    free(d->ring_scratch); d->ring_scratch = NULL;
}

/* Live mode: still the same plugged-in device this fd was opened on? */
static int ring_connected(const struct fake_dev *d) {
    return d->ring && pirl_frame_ring_is_connected(d->ring, d->ring_generation);
}

/* Live mode: moves every ring frame that has arrived by `now` into the oldest
 * queued buffer, in order, honouring the stream's rate; a frame finding no
 * queued buffer is lost (a sequence gap), as in a vb2 driver. */
static void produce_ring_frames(struct fake_dev *d, uint64_t now) {
    const struct pirl_frame_ring_header *h = d->ring;
    uint64_t published = pirl_frame_ring_published(h), latency = h->latency_ns;
    uint32_t count = h->slot_count;
    /* Frames the writer has overwritten since we last looked are lost; slot
     * published % count is the next one it writes, so keep off it. */
    if (published > d->ring_next + (count - 1)) {
        uint64_t first = published - (count - 1);
        d->device_sequence += (first - d->ring_next) * d->fps / h->frames_per_second;
        d->ring_next = first;
    }
    /* Frames further apart than this are delivered (the rate asked with S_PARM). */
    uint64_t min_gap = 1000000000ull / d->fps - 500000000ull / h->frames_per_second;
    while (d->ring_next < published) {
        struct pirl_frame_ring_frame f;
        if (pirl_frame_ring_read(h, (uint32_t)(d->ring_next % count), &f, NULL, 0) != 0) break; /* being written */
        if (f.frame != d->ring_next) { /* overtaken by the writer: lost */
            if (f.frame < d->ring_next) break;
            d->ring_next++; d->device_sequence++;
            continue;
        }
        if (f.capture_ns + latency > now) break; /* not arrived yet */
        d->ring_next++;
        if (f.capture_ns < d->t0) continue; /* exposed before STREAMON */
        if (d->ring_any && f.capture_ns < d->ring_last_capture + min_gap) continue; /* above the asked rate */
        d->ring_any = 1; d->ring_last_capture = f.capture_ns;
        uint32_t seq = (uint32_t)d->device_sequence++;
        if (d->fifo_len == 0) continue; /* no buffer: the frame is lost */
        if (pirl_frame_ring_read(h, (uint32_t)(f.frame % count), &f, d->ring_scratch, pirl_frame_ring_capacity(h)) != 0 ||
            f.frame != d->ring_next - 1)
            continue; /* overwritten while we copied: lost */
        int index = d->fifo[0];
        memmove(d->fifo, d->fifo + 1, sizeof(int) * (size_t)--d->fifo_len);
        struct fake_buffer *b = &d->bufs[index];
        uint32_t length = frame_size(d), used = f.jpeg_bytes < length ? f.jpeg_bytes : length;
        b->flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
        off_t off = HEADER_SIZE + (off_t)index * d->buf_stride;
        if (used < f.jpeg_bytes || pwrite(d->fd, d->ring_scratch, used, off) != (ssize_t)used)
            b->flags |= V4L2_BUF_FLAG_ERROR;
        b->queued = 0; b->done = 1;
        b->sequence = seq; b->bytesused = used; b->timestamp_ns = f.capture_ns + latency;
        d->done[d->done_len++] = index;
    }
}

/* When the next published frame arrives; `fallback` when none is published yet. */
static uint64_t next_ring_arrival(const struct fake_dev *d, uint64_t fallback) {
    const struct pirl_frame_ring_header *h = d->ring;
    if (d->ring_next >= pirl_frame_ring_published(h)) return fallback;
    struct pirl_frame_ring_frame f;
    if (pirl_frame_ring_read(h, (uint32_t)(d->ring_next % h->slot_count), &f, NULL, 0) != 0 || f.frame != d->ring_next)
        return fallback;
    return f.capture_ns + h->latency_ns;
}

static void *fake_init(int fd) {
    struct stat st;
    char header[HEADER_SIZE + 1];
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return NULL;
    ssize_t n = pread(fd, header, HEADER_SIZE, 0);
    if (n < (ssize_t)strlen(MARKER)) return NULL;
    int live = memcmp(header, LIVE_MARKER, strlen(LIVE_MARKER)) == 0;
    if (!live && memcmp(header, MARKER, strlen(MARKER)) != 0) return NULL;
    header[n] = 0;
    struct fake_dev *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    pthread_mutex_init(&d->lock, NULL);
    d->fd = fd;
    d->formats[0] = V4L2_PIX_FMT_YUYV; d->formats[1] = V4L2_PIX_FMT_MJPEG; d->nformats = 2;
    d->widths[0] = 640; d->heights[0] = 480; d->nsizes = 1;
    d->rates[0] = 30; d->nrates = 1;
    snprintf(d->card, sizeof d->card, "Pirl Fake Camera");
    d->enodev_after = -1; d->eio_at = -1;
    d->exposure_max = 2047;
    d->jpeg_quality = 95;
    char *save = NULL;
    for (char *line = strtok_r(header + strlen(MARKER), "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        parse_line(d, line);
    /* A live marker without a usable ring is a device that is not there: every ioctl says ENODEV. */
    if (live && (d->ring_path[0] == 0 || open_ring(d) != 0)) { close_ring(d); d->unplugged = 1; }
    d->pixfmt = d->formats[0];
    d->width = d->widths[0]; d->height = d->heights[0];
    d->fps = d->rates[0];
    d->ctrl_exposure_auto = V4L2_EXPOSURE_APERTURE_PRIORITY;
    d->ctrl_exposure_abs = 156;
    d->ctrl_exposure_prio = 1;
    d->ctrl_power_line = V4L2_CID_POWER_LINE_FREQUENCY_50HZ;
    return d;
}

static void fake_close(void *priv) {
    struct fake_dev *d = priv;
    free_content(d);
    close_ring(d);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

static int has_format(const struct fake_dev *d, uint32_t f) {
    for (int i = 0; i < d->nformats; i++) if (d->formats[i] == f) return 1;
    return 0;
}

/* Adjusts `pix` to what this device can do, as TRY_FMT does. */
static void fit_format(const struct fake_dev *d, struct v4l2_pix_format *pix) {
    if (!has_format(d, pix->pixelformat)) pix->pixelformat = d->formats[0];
    int best = 0; long best_cost = -1;
    for (int i = 0; i < d->nsizes; i++) {
        long cost = labs((long)d->widths[i] - (long)pix->width) + labs((long)d->heights[i] - (long)pix->height);
        if (best_cost < 0 || cost < best_cost) { best = i; best_cost = cost; }
    }
    pix->width = d->widths[best]; pix->height = d->heights[best];
    pix->field = V4L2_FIELD_NONE;
    pix->bytesperline = pix->pixelformat == V4L2_PIX_FMT_YUYV ? pix->width * 2 : 0;
    pix->sizeimage = pix->width * pix->height * 2;
    pix->colorspace = V4L2_COLORSPACE_SRGB;
    pix->priv = 0; pix->flags = 0;
}

static int fill_queryctrl(const struct fake_dev *d, struct v4l2_queryctrl *q) {
    static const uint32_t ids[] = {V4L2_CID_POWER_LINE_FREQUENCY, V4L2_CID_EXPOSURE_AUTO,
                                   V4L2_CID_EXPOSURE_ABSOLUTE, V4L2_CID_EXPOSURE_AUTO_PRIORITY};
    uint32_t id = q->id;
    if (id & V4L2_CTRL_FLAG_NEXT_CTRL) {
        uint32_t after = id & ~(V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND);
        id = 0;
        for (size_t i = 0; i < 4; i++) if (ids[i] > after) { id = ids[i]; break; }
        if (!id) { errno = EINVAL; return -1; }
    }
    memset(q, 0, sizeof *q);
    q->id = id;
    switch (id) {
    case V4L2_CID_POWER_LINE_FREQUENCY:
        snprintf((char *)q->name, sizeof q->name, "Power Line Frequency");
        q->type = V4L2_CTRL_TYPE_MENU; q->minimum = 0; q->maximum = 2; q->step = 1; q->default_value = 1;
        return 0;
    case V4L2_CID_EXPOSURE_AUTO:
        snprintf((char *)q->name, sizeof q->name, "Auto Exposure");
        q->type = V4L2_CTRL_TYPE_MENU; q->minimum = 0; q->maximum = 3; q->step = 1; q->default_value = 3;
        return 0;
    case V4L2_CID_EXPOSURE_ABSOLUTE:
        snprintf((char *)q->name, sizeof q->name, "Exposure Time, Absolute");
        q->type = V4L2_CTRL_TYPE_INTEGER; q->minimum = 3; q->maximum = d->exposure_max; q->step = 1;
        q->default_value = 156;
        return 0;
    case V4L2_CID_EXPOSURE_AUTO_PRIORITY:
        snprintf((char *)q->name, sizeof q->name, "Exposure, Dynamic Framerate");
        q->type = V4L2_CTRL_TYPE_BOOLEAN; q->minimum = 0; q->maximum = 1; q->step = 1; q->default_value = 1;
        return 0;
    }
    errno = EINVAL;
    return -1;
}

static int32_t *control_slot(struct fake_dev *d, uint32_t id) {
    switch (id) {
    case V4L2_CID_POWER_LINE_FREQUENCY: return &d->ctrl_power_line;
    case V4L2_CID_EXPOSURE_AUTO: return &d->ctrl_exposure_auto;
    case V4L2_CID_EXPOSURE_ABSOLUTE: return &d->ctrl_exposure_abs;
    case V4L2_CID_EXPOSURE_AUTO_PRIORITY: return &d->ctrl_exposure_prio;
    }
    return NULL;
}

static int set_control(struct fake_dev *d, struct v4l2_control *c) {
    int32_t *slot = control_slot(d, c->id);
    if (!slot) { errno = EINVAL; return -1; }
    switch (c->id) {
    case V4L2_CID_EXPOSURE_AUTO: /* UVC cameras offer manual and aperture priority only */
        if (c->value != V4L2_EXPOSURE_MANUAL && c->value != V4L2_EXPOSURE_APERTURE_PRIORITY) {
            errno = EINVAL; return -1;
        }
        break;
    case V4L2_CID_EXPOSURE_ABSOLUTE: /* clamped, as the UVC driver does */
        if (c->value < 3) c->value = 3;
        if (c->value > d->exposure_max) c->value = d->exposure_max;
        break;
    case V4L2_CID_POWER_LINE_FREQUENCY:
        if (c->value < 0 || c->value > 2) { errno = ERANGE; return -1; }
        break;
    default:
        c->value = c->value ? 1 : 0;
    }
    *slot = c->value;
    return 0;
}

static void fill_buffer(const struct fake_dev *d, int i, struct v4l2_buffer *b) {
    const struct fake_buffer *fb = &d->bufs[i];
    uint32_t type = b->type, memory = b->memory;
    memset(b, 0, sizeof *b);
    b->index = (uint32_t)i; b->type = type; b->memory = memory;
    b->length = frame_size(d);
    b->m.offset = HEADER_SIZE + (uint32_t)i * d->buf_stride;
    b->flags = fb->flags | V4L2_BUF_FLAG_MAPPED;
    if (fb->queued) b->flags |= V4L2_BUF_FLAG_QUEUED;
    if (fb->done) b->flags |= V4L2_BUF_FLAG_DONE;
    b->field = V4L2_FIELD_NONE;
    b->bytesused = fb->bytesused;
    b->sequence = fb->sequence;
    b->timestamp.tv_sec = (time_t)(fb->timestamp_ns / 1000000000ull);
    b->timestamp.tv_usec = (suseconds_t)((fb->timestamp_ns % 1000000000ull) / 1000);
}

static void stop_streaming(struct fake_dev *d) {
    d->streaming = 0;
    d->fifo_len = d->done_len = 0;
    for (int i = 0; i < d->nbufs; i++) d->bufs[i].queued = d->bufs[i].done = 0;
}

/* Live mode's DQBUF: the next arrived ring frame, waiting for it up to RING_STALL_NS. */
static int dequeue_ring(struct fake_dev *d, int fd, struct v4l2_buffer *b) {
    uint64_t give_up = now_ns() + RING_STALL_NS;
    for (;;) {
        if (!d->streaming) { errno = EINVAL; return -1; }
        if (!ring_connected(d)) { d->unplugged = 1; errno = ENODEV; return -1; }
        uint64_t now = now_ns();
        produce_ring_frames(d, now);
        if (d->done_len > 0) {
            int i = d->done[0];
            memmove(d->done, d->done + 1, sizeof(int) * (size_t)--d->done_len);
            d->bufs[i].done = 0;
            fill_buffer(d, i, b);
            d->delivered++;
            return 0;
        }
        if ((fcntl(fd, F_GETFL) & O_NONBLOCK) || now >= give_up) { errno = EAGAIN; return -1; }
        uint64_t wake = next_ring_arrival(d, now + RING_POLL_NS);
        if (wake > give_up) wake = give_up;
        struct timespec ts = {(time_t)(wake / 1000000000ull), (long)(wake % 1000000000ull)};
        pthread_mutex_unlock(&d->lock);
        int rc;
        do rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL); while (rc == EINTR);
        pthread_mutex_lock(&d->lock);
    }
}

static int dequeue(struct fake_dev *d, int fd, struct v4l2_buffer *b) {
    if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->memory != V4L2_MEMORY_MMAP) { errno = EINVAL; return -1; }
    if (d->ring) return dequeue_ring(d, fd, b);
    for (;;) {
        if (!d->streaming) { errno = EINVAL; return -1; }
        if (d->enodev_after >= 0 && d->delivered >= d->enodev_after) {
            d->unplugged = 1; errno = ENODEV; return -1;
        }
        uint64_t now = now_ns();
        produce_due_frames(d, now);
        if (d->done_len > 0) {
            int i = d->done[0];
            if (d->eio_at >= 0 && (!d->eio_fired || d->eio_repeat) && d->bufs[i].sequence >= (uint32_t)d->eio_at) {
                d->eio_fired = 1; errno = EIO; return -1;
            }
            memmove(d->done, d->done + 1, sizeof(int) * (size_t)--d->done_len);
            d->bufs[i].done = 0;
            fill_buffer(d, i, b);
            d->delivered++;
            return 0;
        }
        if (fcntl(fd, F_GETFL) & O_NONBLOCK) { errno = EAGAIN; return -1; }
        uint64_t period = 1000000000ull / d->fps;
        uint64_t due = d->t0 + d->next_frame * period;
        struct timespec ts = {(time_t)(due / 1000000000ull), (long)(due % 1000000000ull)};
        pthread_mutex_unlock(&d->lock);
        int rc;
        do rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL); while (rc == EINTR);
        pthread_mutex_lock(&d->lock);
    }
}

static int handle(struct fake_dev *d, int fd, unsigned long request, void *arg) {
    if (d->ring && !ring_connected(d)) d->unplugged = 1;
    if (d->unplugged) { errno = ENODEV; return -1; }
    for (int i = 0; i < d->nfails; i++)
        if (d->fails[i].request == request) { errno = d->fails[i].err; return -1; }
    switch (request) {
    case VIDIOC_QUERYCAP: {
        struct v4l2_capability *cap = arg;
        memset(cap, 0, sizeof *cap);
        snprintf((char *)cap->driver, sizeof cap->driver, "pirl-fake");
        snprintf((char *)cap->card, sizeof cap->card, "%s", d->card);
        snprintf((char *)cap->bus_info, sizeof cap->bus_info, "platform:pirl-fake");
        cap->version = 0x060100;
        cap->device_caps = d->metadata ? (V4L2_CAP_META_CAPTURE | V4L2_CAP_STREAMING)
                                       : (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING);
        cap->capabilities = cap->device_caps | V4L2_CAP_DEVICE_CAPS;
        return 0;
    }
    case VIDIOC_ENUM_FMT: {
        struct v4l2_fmtdesc *f = arg;
        if (d->metadata || f->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || f->index >= (uint32_t)d->nformats) {
            errno = EINVAL; return -1;
        }
        uint32_t index = f->index, type = f->type;
        memset(f, 0, sizeof *f);
        f->index = index; f->type = type;
        f->pixelformat = d->formats[index];
        if (f->pixelformat == V4L2_PIX_FMT_MJPEG) {
            f->flags = V4L2_FMT_FLAG_COMPRESSED;
            snprintf((char *)f->description, sizeof f->description, "Motion-JPEG");
        } else {
            snprintf((char *)f->description, sizeof f->description, "YUYV 4:2:2");
        }
        return 0;
    }
    case VIDIOC_ENUM_FRAMESIZES: {
        struct v4l2_frmsizeenum *s = arg;
        if (!has_format(d, s->pixel_format) || s->index >= (uint32_t)d->nsizes) { errno = EINVAL; return -1; }
        s->type = V4L2_FRMSIZE_TYPE_DISCRETE;
        s->discrete.width = d->widths[s->index];
        s->discrete.height = d->heights[s->index];
        return 0;
    }
    case VIDIOC_ENUM_FRAMEINTERVALS: {
        struct v4l2_frmivalenum *iv = arg;
        if (!has_format(d, iv->pixel_format) || iv->index >= (uint32_t)d->nrates) { errno = EINVAL; return -1; }
        iv->type = V4L2_FRMIVAL_TYPE_DISCRETE;
        iv->discrete.numerator = 1;
        iv->discrete.denominator = d->rates[iv->index];
        return 0;
    }
    case VIDIOC_G_FMT: case VIDIOC_S_FMT: case VIDIOC_TRY_FMT: {
        struct v4l2_format *f = arg;
        if (d->metadata || f->type != V4L2_BUF_TYPE_VIDEO_CAPTURE) { errno = EINVAL; return -1; }
        if (request == VIDIOC_G_FMT) {
            memset(&f->fmt.pix, 0, sizeof f->fmt.pix);
            f->fmt.pix.pixelformat = d->pixfmt; f->fmt.pix.width = d->width; f->fmt.pix.height = d->height;
        }
        fit_format(d, &f->fmt.pix);
        if (request == VIDIOC_S_FMT) {
            if (d->nbufs > 0) { errno = EBUSY; return -1; }
            d->pixfmt = f->fmt.pix.pixelformat; d->width = f->fmt.pix.width; d->height = f->fmt.pix.height;
        }
        return 0;
    }
    case VIDIOC_G_PARM: case VIDIOC_S_PARM: {
        struct v4l2_streamparm *p = arg;
        if (p->type != V4L2_BUF_TYPE_VIDEO_CAPTURE) { errno = EINVAL; return -1; }
        if (request == VIDIOC_S_PARM) {
            const struct v4l2_fract *t = &p->parm.capture.timeperframe;
            double want = t->numerator ? (double)t->denominator / t->numerator : d->rates[0];
            uint32_t best = d->rates[0];
            for (int i = 1; i < d->nrates; i++) {
                double gap = (double)d->rates[i] - want, best_gap = (double)best - want;
                if (gap * gap < best_gap * best_gap) best = d->rates[i];
            }
            if (d->streaming) { errno = EBUSY; return -1; }
            d->fps = best;
        }
        memset(&p->parm.capture, 0, sizeof p->parm.capture);
        p->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
        p->parm.capture.timeperframe.numerator = 1;
        p->parm.capture.timeperframe.denominator = d->fps;
        p->parm.capture.readbuffers = 0;
        return 0;
    }
    case VIDIOC_REQBUFS: {
        struct v4l2_requestbuffers *r = arg;
        if (r->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || r->memory != V4L2_MEMORY_MMAP) { errno = EINVAL; return -1; }
        if (d->streaming) { errno = EBUSY; return -1; }
        uint32_t count = r->count > MAX_BUFFERS ? MAX_BUFFERS : r->count;
        memset(d->bufs, 0, sizeof d->bufs);
        d->fifo_len = d->done_len = 0;
        d->nbufs = (int)count;
        d->buf_stride = (frame_size(d) + 4095u) & ~4095u;
        if (count > 0 && ftruncate(fd, HEADER_SIZE + (off_t)count * d->buf_stride) != 0) return -1;
        r->count = count;
        r->capabilities = V4L2_BUF_CAP_SUPPORTS_MMAP;
        return 0;
    }
    case VIDIOC_QUERYBUF: {
        struct v4l2_buffer *b = arg;
        if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->index >= (uint32_t)d->nbufs) { errno = EINVAL; return -1; }
        fill_buffer(d, (int)b->index, b);
        return 0;
    }
    case VIDIOC_QBUF: {
        struct v4l2_buffer *b = arg;
        if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->memory != V4L2_MEMORY_MMAP ||
            b->index >= (uint32_t)d->nbufs || d->bufs[b->index].queued || d->bufs[b->index].done) {
            errno = EINVAL; return -1;
        }
        d->bufs[b->index].queued = 1;
        d->bufs[b->index].flags = 0;
        d->fifo[d->fifo_len++] = (int)b->index;
        fill_buffer(d, (int)b->index, b);
        return 0;
    }
    case VIDIOC_DQBUF:
        return dequeue(d, fd, arg);
    case VIDIOC_STREAMON:
        if (*(int *)arg != V4L2_BUF_TYPE_VIDEO_CAPTURE || d->nbufs == 0) { errno = EINVAL; return -1; }
        if (d->streaming) return 0;
        if (d->nospc_format && d->nospc_format == d->pixfmt) { errno = ENOSPC; return -1; }
        if (!d->ring && prepare_content(d) != 0) { errno = ENOMEM; return -1; }
        d->streaming = 1; d->t0 = now_ns(); d->next_frame = 0;
        if (d->ring) { d->ring_next = pirl_frame_ring_published(d->ring); d->ring_any = 0; d->device_sequence = 0; }
        return 0;
    case VIDIOC_STREAMOFF:
        if (*(int *)arg != V4L2_BUF_TYPE_VIDEO_CAPTURE) { errno = EINVAL; return -1; }
        stop_streaming(d);
        return 0;
    case VIDIOC_QUERYCTRL:
        return fill_queryctrl(d, arg);
    case VIDIOC_G_CTRL: {
        struct v4l2_control *c = arg;
        int32_t *slot = control_slot(d, c->id);
        if (!slot) { errno = EINVAL; return -1; }
        c->value = *slot;
        return 0;
    }
    case VIDIOC_S_CTRL:
        return set_control(d, arg);
    case VIDIOC_G_INPUT:
        *(int *)arg = 0;
        return 0;
    }
    errno = ENOTTY;
    return -1;
}

static int fake_ioctl(void *priv, int fd, unsigned long request, void *arg) {
    struct fake_dev *d = priv;
    pthread_mutex_lock(&d->lock);
    int rc = handle(d, fd, request, arg);
    int saved = errno;
    pthread_mutex_unlock(&d->lock);
    errno = saved;
    return rc;
}

static ssize_t fake_read(void *priv, int fd, void *buffer, size_t n) {
    (void)priv; (void)fd; (void)buffer; (void)n;
    errno = EINVAL; /* streaming I/O only, like most UVC cameras through vb2 */
    return -1;
}

__attribute__((visibility("default")))
const struct libv4l_dev_ops libv4l2_plugin = {
    .init = fake_init,
    .close = fake_close,
    .ioctl = fake_ioctl,
    .read = fake_read,
};
