/* SPDX-License-Identifier: MIT */
/*
 * Traffic generators (DESIGN.md §4, "Endpoints ... run traffic patterns"). A generator is a
 * deterministic iterator over a stream of operations -- DMA reads and writes, and for the
 * driver-shaped patterns MAP and UNMAP of buffers -- that a scenario or benchmark executes
 * against an endpoint and the host shim. The generator does not execute anything itself.
 *
 * Patterns (docs/traffic.md has the full reference with worked examples):
 *   seq      DMA n at base + (n mod P) * size, P = floor(span / size) slots per pass.
 *   stride   DMA n at base + (n * stride) mod span; size <= gcd(stride, span) so no DMA
 *            crosses the end of span.
 *   random   DMA at base + k * align, k uniform in [0, (span - size) / align].
 *   zipf     DMA at base + (r - 1) * page, rank r in [1, pages] with P(r) ~ r^-theta.
 *   nic      per packet: MAP a receive buffer, DMA write of pkt bytes into it, UNMAP (a NIC
 *            receive path using the DMA API in strict mode). Packet n goes to queue
 *            n mod queues and to slot (n / queues) mod ring of that queue's ring; queue q
 *            owns the IOVA window [base + q * window, base + (q + 1) * window).
 *            With desc= or cqe= the queues also have a receive-descriptor ring and a
 *            completion ring in coherent memory (see "Rings" below).
 *   storage  per block: MAP a buffer at a random aligned offset of span, DMA of the block
 *            (read or write), UNMAP.
 * A "unit" is one DMA (seq, stride, random, zipf), one packet (nic) or one block (storage);
 * count is a number of units. nic and storage give three operations per unit (nic with
 * rings: up to five, plus two for the ring area).
 *
 * Rings (nic, desc= and/or cqe= non-zero). Like a real NIC, per packet the device reads a
 * receive descriptor (desc bytes) from its queue's descriptor ring before writing the packet,
 * and writes a completion entry (cqe bytes) into its queue's completion ring after it. Both
 * rings are coherent DMA memory, mapped once for the traffic's lifetime. Layout, from the
 * ring area's first IOVA `rings` (default: base + queues * window rounded up to 2 MiB, or to
 * page when page is larger) and its first user address (uva + queues * window, same rounding):
 *   desc_ring = round_up(ring * desc, 4K), cqe_ring = round_up(ring * cqe, 4K)
 *   queue q's descriptor ring at rings + q * (desc_ring + cqe_ring), its completion ring
 *   desc_ring bytes after it; slot s's descriptor at + s * desc, its completion at + s * cqe;
 *   the area is queues * (desc_ring + cqe_ring) bytes, mapped as round_up(that, page).
 * Ops: one MAP of the whole area (perm READ|WRITE: the DMA API's bidirectional coherent
 * mapping) before unit 0; per packet MAP buffer, DMA_READ desc, DMA_WRITE pkt, DMA_WRITE cqe,
 * UNMAP buffer (a ring whose entry size is 0 gives no op); one UNMAP of the area after the
 * last unit's UNMAP. The area's MAP belongs to unit 0 and its UNMAP to unit count - 1 (their
 * times, queue 0, slot 0); seq numbers every op from 0 in stream order. op.ring marks the ops
 * on the ring area (its MAP and UNMAP, the descriptor reads, the completion writes).
 *
 * Direction. DMA_WRITE means the device writes host memory, DMA_READ that it reads it (the
 * endpoint's iommusim_dma_t.write). A MAP grants the device what its DMA needs, as the
 * kernel's DMA API does: IOMMUSIM_ACC_WRITE for a DMA write (DMA_FROM_DEVICE),
 * IOMMUSIM_ACC_READ for a DMA read (DMA_TO_DEVICE).
 *
 * Mappings are whole pages: a MAP covers round_up(buffer, page) bytes at a page-aligned IOVA
 * and user address (the kernel's dma-iommu layer rounds every mapping to the IOVA granule,
 * and IOMMU_IOAS_MAP takes page-aligned ranges).
 *
 * Rate and time. op.time is the earliest time (ps, an offset from the start of the traffic)
 * at which the op may be issued; every op of unit n carries the time of unit n:
 *   bits per second R:  t(n) = floor(n * bytes_per_unit * 8 * 10^12 / R)
 *   units per second R: t(n) = floor(n * 10^12 / R)
 * computed exactly in integers (no drift however long the run), saturating at
 * IOMMUSIM_TIME_MAX. bytes_per_unit is size, pkt or block. Without a rate every op has time 0
 * (issue as fast as the device goes). The executor runs the ops in order; an op that cannot
 * start at its time (the previous one is still running) starts late.
 *
 * Determinism. Same configuration, same sequence, on every machine: the pseudo-random
 * patterns use the generator's own xoshiro256** seeded through splitmix64, integer arithmetic
 * only for every address, and a zipf table built with the project's own exp/log in a fixed
 * order (docs/traffic.md, "Determinism").
 *
 * Text form (one line, key=value separated by blanks), for example
 *   pattern=seq base=0x100000 span=1M size=4K count=1000 rate=10Gb/s write=1
 *   pattern=nic queues=4 ring=256 pkt=1500 buf=2K count=10000 rate=100Gb/s
 *   pattern=zipf theta=0.99 pages=4096 seed=3
 *   pattern=storage block=128K span=1G seed=5 write_pct=30
 * Sizes take decimal, 0x hex, or decimal with one suffix K M G T (x1024). A rate is a
 * decimal number (fraction allowed if the result is a whole number) with an optional SI prefix
 * k/K M G T (x1000) and a unit: b/s or bps (bits), B/s or Bps (bytes), op/s or ops (units);
 * `rate=0` means unpaced. Inside a stream line write the "/s" forms (10Gb/s): the stream lexer
 * reads "10Gbps" as a malformed number.
 */
#ifndef IOMMUSIM_TRAFFIC_H
#define IOMMUSIM_TRAFFIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/error.h"
#include "iommusim/model.h"   /* IOMMUSIM_ACC_* */
#include "iommusim/time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum iommusim_traffic_pattern {
	IOMMUSIM_TRAFFIC_SEQ = 0,
	IOMMUSIM_TRAFFIC_STRIDE,
	IOMMUSIM_TRAFFIC_RANDOM,
	IOMMUSIM_TRAFFIC_ZIPF,
	IOMMUSIM_TRAFFIC_NIC,
	IOMMUSIM_TRAFFIC_STORAGE,
	IOMMUSIM_TRAFFIC_NPATTERNS
} iommusim_traffic_pattern_t;

typedef enum iommusim_traffic_rate_unit {
	IOMMUSIM_TRAFFIC_RATE_NONE = 0,   /* unpaced: every op at time 0 */
	IOMMUSIM_TRAFFIC_RATE_BPS,        /* rate in bits per second */
	IOMMUSIM_TRAFFIC_RATE_UPS,        /* rate in units (DMAs, packets, blocks) per second */
} iommusim_traffic_rate_unit_t;

/* Limits, checked by iommusim_traffic_cfg_check (and so by parse and create). */
#define IOMMUSIM_TRAFFIC_MAX_COUNT  (1ull << 48)
#define IOMMUSIM_TRAFFIC_MAX_SIZE   (1ull << 30)     /* size, block */
#define IOMMUSIM_TRAFFIC_MAX_BUF    (1ull << 20)     /* nic buf (and so pkt) */
#define IOMMUSIM_TRAFFIC_MAX_QUEUES 1024u
#define IOMMUSIM_TRAFFIC_MAX_RING   65536u
#define IOMMUSIM_TRAFFIC_MAX_BUFS   65536u           /* storage buffer pool */
#define IOMMUSIM_TRAFFIC_MAX_PAGES  (1ull << 22)     /* zipf pages (the CDF table) */
#define IOMMUSIM_TRAFFIC_MIN_PAGE   4096ull          /* page: power of two in MIN .. MAX */
#define IOMMUSIM_TRAFFIC_MAX_PAGE   (1ull << 30)
#define IOMMUSIM_TRAFFIC_MAX_THETA_PPM 10000000u     /* theta <= 10 */
#define IOMMUSIM_TRAFFIC_MIN_RING_ENTRY 8ull         /* nic desc, cqe: power of two in MIN .. MAX */
#define IOMMUSIM_TRAFFIC_MAX_RING_ENTRY 4096ull
#define IOMMUSIM_TRAFFIC_RING_ALIGN (2ull << 20)     /* derived ring area: 2 MiB aligned */

/* A generator's configuration. Start from iommusim_traffic_cfg_default(); the fields a
 * pattern does not use are ignored by it. */
typedef struct iommusim_traffic_cfg {
	iommusim_traffic_pattern_t pattern;
	uint64_t base;        /* first IOVA of the region (nic: of queue 0's window) */
	uint64_t count;       /* units, 1 .. IOMMUSIM_TRAFFIC_MAX_COUNT */
	iommusim_traffic_rate_unit_t rate_unit;
	uint64_t rate;        /* bits/s or units/s, >= 1 (ignored when rate_unit is NONE) */
	/* seq, stride, random, storage */
	uint64_t span;        /* bytes of the region */
	/* seq, stride, random, zipf */
	uint64_t size;        /* bytes per DMA, 1 .. IOMMUSIM_TRAFFIC_MAX_SIZE */
	/* stride */
	uint64_t stride;      /* bytes between DMAs, >= 1 */
	/* random, storage: power of two; 0 means natural (the largest power of two dividing
	 * size or block; for storage at least page) */
	uint64_t align;
	/* random, zipf, storage */
	uint64_t seed;
	/* seq, stride, random, zipf, storage: percentage of units that are DMA writes. seq and
	 * stride take only 0 or 100; for random, zipf and storage values in between pick each
	 * unit's direction from the seeded generator. */
	unsigned write_pct;
	/* zipf */
	uint32_t theta_ppm;   /* exponent in millionths: 990000 is theta 0.99; 0 .. 10 */
	uint64_t pages;       /* ranks, 1 .. IOMMUSIM_TRAFFIC_MAX_PAGES */
	/* zipf (page per rank), nic and storage (mapping granule) */
	uint64_t page;
	/* nic */
	unsigned queues;      /* 1 .. IOMMUSIM_TRAFFIC_MAX_QUEUES */
	unsigned ring;        /* slots per queue, 1 .. IOMMUSIM_TRAFFIC_MAX_RING */
	uint64_t pkt;         /* bytes written per packet, 1 .. buf */
	uint64_t buf;         /* receive buffer bytes, 1 .. IOMMUSIM_TRAFFIC_MAX_BUF */
	uint64_t window;      /* IOVA bytes per queue; 0 = ring * round_up(buf, page) */
	uint64_t desc;        /* receive descriptor bytes read per packet: 0 (none) or a power
				 of two in 8 .. IOMMUSIM_TRAFFIC_MAX_RING_ENTRY */
	uint64_t cqe;         /* completion entry bytes written per packet: the same */
	uint64_t rings;       /* first IOVA of the ring area (page-aligned); 0 = derived (after
				 the windows, see "Rings"); must stay 0 without desc and cqe */
	/* storage */
	uint64_t block;       /* bytes per block, 1 .. IOMMUSIM_TRAFFIC_MAX_SIZE */
	unsigned bufs;        /* user buffers used round-robin, 1 .. IOMMUSIM_TRAFFIC_MAX_BUFS */
	/* nic, storage: first user address of the buffer pool (page-aligned) */
	uint64_t uva;
} iommusim_traffic_cfg_t;

/* Pattern defaults: base 0x100000, count 1000, unpaced, span 1M (storage 1G), size 4K,
 * stride 8K, align 0 (natural), seed 1, reads (write_pct 0; nic always writes), theta 0.99,
 * pages 4096, page 4K, queues 1, ring 256, pkt 1500, buf 2K, window 0, desc 0, cqe 0,
 * rings 0, block 128K, bufs 1, uva 0x7f0000000000. A pattern out of range gives the seq
 * defaults. */
void iommusim_traffic_cfg_default(iommusim_traffic_cfg_t *cfg, iommusim_traffic_pattern_t pattern);

/* Checks a configuration: every field the pattern uses in range, the region inside the 64-bit
 * IOVA space, the DMA inside the region, alignments. Returns 0, or -EINVAL / -ERANGE with a
 * message naming the key, its value and what is allowed. */
int iommusim_traffic_cfg_check(const iommusim_traffic_cfg_t *cfg, iommusim_error_t *err);

/* Parses the text form into cfg: cfg is set to the defaults of the spec's pattern, then each
 * key=value is applied, then the result is checked. pattern= is required and may appear
 * anywhere. Returns 0, or -EINVAL (malformed token, unknown key -- with the closest key as a
 * suggestion --, a key that the pattern does not use, a key given twice, a bad value, a
 * missing pattern) or -ERANGE (a value out of range); the message names the key and value.
 * On failure cfg holds no meaningful value. */
int iommusim_traffic_parse(const char *spec, iommusim_traffic_cfg_t *cfg, iommusim_error_t *err);

/* The same from already separated pairs (a stream line's arguments): keys[i] = values[i]. */
int iommusim_traffic_parse_kv(size_t n, const char *const keys[], const char *const values[],
			      iommusim_traffic_cfg_t *cfg, iommusim_error_t *err);

/* Writes the canonical text of cfg (every key its pattern uses -- nic's desc, cqe and rings
 * only when desc or cqe is non-zero --; sizes with K/M/G/T where exact, addresses in hex, the
 * rate with the "/s" units), which parses back to the same configuration and is valid inside
 * a stream line. Returns the length (as snprintf: the
 * length it needed when len is too small, the text then truncated) or -EINVAL. */
int iommusim_traffic_format(const iommusim_traffic_cfg_t *cfg, char *buf, size_t len);

/* "seq", "stride", "random", "zipf", "nic", "storage"; NULL when out of range. */
const char *iommusim_traffic_pattern_name(iommusim_traffic_pattern_t p);

typedef enum iommusim_traffic_kind {
	IOMMUSIM_TRAFFIC_DMA_READ = 0,   /* the device reads host memory */
	IOMMUSIM_TRAFFIC_DMA_WRITE,      /* the device writes host memory */
	IOMMUSIM_TRAFFIC_MAP,            /* map [iova, iova + len) to [user_va, user_va + len) */
	IOMMUSIM_TRAFFIC_UNMAP,          /* unmap [iova, iova + len) (the range MAP mapped) */
} iommusim_traffic_kind_t;

typedef struct iommusim_traffic_op {
	iommusim_traffic_kind_t kind;
	uint64_t iova;
	uint64_t len;           /* bytes, >= 1 */
	uint64_t seq;           /* this op's number in the stream, from 0 */
	uint64_t unit;          /* the unit (DMA, packet, block) it belongs to, from 0 */
	uint32_t queue;         /* nic: queue (flow) of the packet; 0 otherwise */
	uint32_t slot;          /* nic: ring slot; storage: pool buffer; 0 otherwise */
	iommusim_time_t time;   /* earliest issue time, ps from the start (see above) */
	uint64_t user_va;       /* MAP: user address of the buffer; 0 otherwise */
	unsigned perm;          /* MAP: IOMMUSIM_ACC_READ or IOMMUSIM_ACC_WRITE (the nic ring
				   area: both); 0 otherwise */
	bool ring;              /* nic: the op is on the ring area (its MAP or UNMAP, a
				   descriptor read, a completion write), not on a packet buffer */
} iommusim_traffic_op_t;

typedef struct iommusim_traffic iommusim_traffic_t;

/* Creates a generator for cfg (checked as iommusim_traffic_cfg_check does). Returns NULL with
 * err filled on a bad configuration (-EINVAL/-ERANGE) or when memory runs out (-ENOMEM; zipf
 * keeps an 8-byte entry per page). */
iommusim_traffic_t *iommusim_traffic_create(const iommusim_traffic_cfg_t *cfg, iommusim_error_t *err);
void iommusim_traffic_destroy(iommusim_traffic_t *t);   /* NULL is a no-op */

/* The next operation into op; false (op untouched) once every op was produced, or for NULL
 * arguments. */
bool iommusim_traffic_next(iommusim_traffic_t *t, iommusim_traffic_op_t *op);

/* Back to the start: the same sequence again. */
void iommusim_traffic_reset(iommusim_traffic_t *t);

/* The generator's configuration (align, window and rings resolved from 0 to their values). */
const iommusim_traffic_cfg_t *iommusim_traffic_cfg(const iommusim_traffic_t *t);
/* Operations the generator produces in all: count; 3 * count for storage and nic; nic with
 * rings (3 + (desc > 0) + (cqe > 0)) * count + 2. */
uint64_t iommusim_traffic_total_ops(const iommusim_traffic_t *t);
/* Operations produced since create or the last reset. */
uint64_t iommusim_traffic_produced(const iommusim_traffic_t *t);

#ifdef __cplusplus
}
#endif
#endif
