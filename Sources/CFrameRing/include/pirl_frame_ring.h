/*
 * The twin's live camera source: a ring of MJPEG frames in a shared file.
 *
 * One writer (the twin's camera publisher, `pirl-robot sim serve`) and any
 * number of readers (the fake libv4l2 plugin, Tests/fake-v4l2, inside each
 * capturing process) map the same file. This header is the one definition of
 * the layout; the Swift side (target CFrameRing) and the plugin both include it.
 *
 *   offset 0     header (PIRL_FRAME_RING_HEADER_SIZE bytes, fields below)
 *   offset 4096  slot 0: 64-byte slot header, then up to slot_size - 64 JPEG bytes
 *   ...          slot k at 4096 + k * slot_size; frame n lives in slot n % slot_count
 *
 * Torn reads are impossible: every slot carries a sequence lock. The writer
 * makes it odd, writes the slot, then makes it even again with release
 * ordering; a reader copies only between two equal, even values of it (acquire
 * ordering), so it gets a whole frame or knows it must retry. The header's
 * `published` counter is stored last (release), after the slot is complete.
 *
 * Only GCC/Clang __atomic builtins on plain fields: Swift imports the struct
 * (it cannot import C11 _Atomic members) and calls these inline functions.
 */
#ifndef PIRL_FRAME_RING_H
#define PIRL_FRAME_RING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PIRL_FRAME_RING_MAGIC "PIRLRING"
#define PIRL_FRAME_RING_VERSION 1u
#define PIRL_FRAME_RING_HEADER_SIZE 4096u
#define PIRL_FRAME_RING_SLOT_HEADER_SIZE 64u

/* The first page of the file. Fields above `published` are written once,
 * before the magic, and never change while the file exists. */
struct pirl_frame_ring_header {
    char magic[8];              /* "PIRLRING", stored last at creation */
    uint32_t version;           /* PIRL_FRAME_RING_VERSION */
    uint32_t header_size;       /* bytes before slot 0 */
    uint32_t width, height;     /* pixels of every frame */
    uint32_t pixel_format;      /* V4L2 fourcc of the payload: 'MJPG' */
    uint32_t slot_count;        /* frames kept */
    uint32_t slot_size;         /* bytes from one slot's start to the next */
    uint32_t frames_per_second; /* the camera's own rate */
    uint64_t latency_ns;        /* exposure + USB transfer: frame is delivered at capture_ns + latency_ns */
    /* Changing while the camera runs (atomic access only). */
    uint64_t published;         /* frames written so far; the newest is published - 1 */
    uint32_t plugged;           /* 1: connected; 0: unplugged (every open fd fails with ENODEV) */
    uint32_t plug_generation;   /* +1 on every unplug: fds opened before it stay dead after a replug */
};

/* The first 64 bytes of a slot; the JPEG bytes follow. */
struct pirl_frame_ring_slot {
    uint64_t lock;              /* sequence lock: odd while the writer is inside */
    uint64_t frame;             /* frame number n (slot n % slot_count) */
    uint64_t capture_ns;        /* CLOCK_MONOTONIC ns of the instant the picture shows */
    uint32_t jpeg_bytes;        /* valid payload bytes */
    uint32_t reserved[9];
};

_Static_assert(sizeof(struct pirl_frame_ring_header) == 64, "ring header layout");
_Static_assert(offsetof(struct pirl_frame_ring_header, published) == 48, "ring header layout");
_Static_assert(sizeof(struct pirl_frame_ring_slot) == PIRL_FRAME_RING_SLOT_HEADER_SIZE, "ring slot layout");

/* What a reader learns about one slot. */
struct pirl_frame_ring_frame {
    uint64_t frame;
    uint64_t capture_ns;
    uint32_t jpeg_bytes;
};

static inline struct pirl_frame_ring_slot *pirl_frame_ring_slot_at(const struct pirl_frame_ring_header *h, uint32_t index) {
    return (struct pirl_frame_ring_slot *)((char *)h + h->header_size + (size_t)index * h->slot_size);
}

static inline uint32_t pirl_frame_ring_capacity(const struct pirl_frame_ring_header *h) {
    return h->slot_size - PIRL_FRAME_RING_SLOT_HEADER_SIZE;
}

/* Bytes a ring of `slot_count` slots of `payload_capacity` JPEG bytes needs;
 * slots are page-aligned. */
static inline size_t pirl_frame_ring_file_size(uint32_t slot_count, uint32_t payload_capacity, uint32_t *slot_size) {
    uint32_t size = (PIRL_FRAME_RING_SLOT_HEADER_SIZE + payload_capacity + 4095u) & ~4095u;
    if (slot_size) *slot_size = size;
    return PIRL_FRAME_RING_HEADER_SIZE + (size_t)slot_count * size;
}

/* ---- Writer (one thread of one process) ---- */

/* Fills the header of a zeroed mapping of pirl_frame_ring_file_size() bytes:
 * plugged, nothing published. The magic goes in last. */
static inline void pirl_frame_ring_init(struct pirl_frame_ring_header *h, uint32_t width, uint32_t height,
                                        uint32_t pixel_format, uint32_t frames_per_second, uint32_t slot_count,
                                        uint32_t slot_size, uint64_t latency_ns) {
    h->version = PIRL_FRAME_RING_VERSION;
    h->header_size = PIRL_FRAME_RING_HEADER_SIZE;
    h->width = width;
    h->height = height;
    h->pixel_format = pixel_format;
    h->slot_count = slot_count;
    h->slot_size = slot_size;
    h->frames_per_second = frames_per_second;
    h->latency_ns = latency_ns;
    __atomic_store_n(&h->published, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&h->plug_generation, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&h->plugged, 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    memcpy(h->magic, PIRL_FRAME_RING_MAGIC, 8);
}

/* Writes frame number `published` into its slot and publishes it. Returns the
 * frame number, or -1 when `bytes` exceeds a slot's capacity (nothing written). */
static inline int64_t pirl_frame_ring_write(struct pirl_frame_ring_header *h, uint64_t capture_ns,
                                            const void *jpeg, uint32_t bytes) {
    if (bytes > pirl_frame_ring_capacity(h)) return -1;
    uint64_t n = __atomic_load_n(&h->published, __ATOMIC_RELAXED);
    struct pirl_frame_ring_slot *s = pirl_frame_ring_slot_at(h, (uint32_t)(n % h->slot_count));
    uint64_t lock = __atomic_load_n(&s->lock, __ATOMIC_RELAXED);
    __atomic_store_n(&s->lock, lock + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE); /* the odd lock is visible before any payload byte changes */
    memcpy((char *)s + PIRL_FRAME_RING_SLOT_HEADER_SIZE, jpeg, bytes);
    s->frame = n;
    s->capture_ns = capture_ns;
    s->jpeg_bytes = bytes;
    __atomic_store_n(&s->lock, lock + 2, __ATOMIC_RELEASE);
    __atomic_store_n(&h->published, n + 1, __ATOMIC_RELEASE);
    return (int64_t)n;
}

/* Unplug (0) or replug (1). Unplugging bumps the generation first, so a
 * reader that sees the device plugged again still knows its fd is stale. */
static inline void pirl_frame_ring_set_plugged(struct pirl_frame_ring_header *h, int plugged) {
    if (!plugged) __atomic_fetch_add(&h->plug_generation, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&h->plugged, plugged ? 1u : 0u, __ATOMIC_RELEASE);
}

/* ---- Readers (any process) ---- */

/* 1 when the mapping holds a complete ring of this version in `file_size` bytes. */
static inline int pirl_frame_ring_is_valid(const struct pirl_frame_ring_header *h, size_t file_size) {
    if (file_size < PIRL_FRAME_RING_HEADER_SIZE || memcmp(h->magic, PIRL_FRAME_RING_MAGIC, 8) != 0) return 0;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (h->version != PIRL_FRAME_RING_VERSION || h->header_size != PIRL_FRAME_RING_HEADER_SIZE) return 0;
    if (h->slot_count < 2 || h->slot_size <= PIRL_FRAME_RING_SLOT_HEADER_SIZE || h->width == 0 || h->height == 0 ||
        h->frames_per_second == 0)
        return 0;
    return file_size >= h->header_size + (size_t)h->slot_count * h->slot_size;
}

static inline uint64_t pirl_frame_ring_published(const struct pirl_frame_ring_header *h) {
    return __atomic_load_n(&h->published, __ATOMIC_ACQUIRE);
}

/* 1 while plugged and still in `generation` (the one seen at open). */
static inline int pirl_frame_ring_is_connected(const struct pirl_frame_ring_header *h, uint32_t generation) {
    uint32_t plugged = __atomic_load_n(&h->plugged, __ATOMIC_ACQUIRE);
    return plugged == 1 && __atomic_load_n(&h->plug_generation, __ATOMIC_ACQUIRE) == generation;
}

static inline uint32_t pirl_frame_ring_generation(const struct pirl_frame_ring_header *h) {
    return __atomic_load_n(&h->plug_generation, __ATOMIC_ACQUIRE);
}

/* Reads slot `index`: its description into `out` and, when `dst` is not NULL,
 * its JPEG bytes (at most `capacity`; a larger frame fails). Returns 0 for a
 * consistent read, -1 while the writer is inside the slot or overtook the read. */
static inline int pirl_frame_ring_read(const struct pirl_frame_ring_header *h, uint32_t index,
                                       struct pirl_frame_ring_frame *out, void *dst, size_t capacity) {
    const struct pirl_frame_ring_slot *s = pirl_frame_ring_slot_at(h, index);
    uint64_t before = __atomic_load_n(&s->lock, __ATOMIC_ACQUIRE);
    if (before & 1u) return -1;
    out->frame = s->frame;
    out->capture_ns = s->capture_ns;
    out->jpeg_bytes = s->jpeg_bytes;
    if (out->jpeg_bytes > pirl_frame_ring_capacity(h)) return -1;
    if (dst) {
        if (out->jpeg_bytes > capacity) return -1;
        memcpy(dst, (const char *)s + PIRL_FRAME_RING_SLOT_HEADER_SIZE, out->jpeg_bytes);
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE); /* the copy is done before the lock is read again */
    return __atomic_load_n(&s->lock, __ATOMIC_RELAXED) == before ? 0 : -1;
}

#endif
