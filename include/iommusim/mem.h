/* SPDX-License-Identifier: MIT */
/*
 * Sparse physical memory and the memory port (DESIGN.md §4).
 *
 * iommusim_mem_t is a little-endian physical address space of up to 52 bits. 4 KiB pages are
 * allocated on the first write; a read of a page never written returns zeros and allocates
 * nothing. An access that is not wholly below 2^addr_bits fails with -EFAULT (the model turns
 * that into the architecture's "access failed" fault). Accesses may cross pages. A failed
 * access changes no byte: the whole range is checked (and, for writes, every page it needs is
 * allocated) before the first byte moves.
 *
 * Threads: an instance may be read from several threads at once (reads only fill an internal
 * lookup cache, which is race-free); a write needs the instance to itself. Separate instances
 * share nothing.
 *
 * iommusim_mem_port_t is what a hardware model reads and writes through: a pair of callbacks
 * (so the same model runs on this memory, on a SystemC TLM socket or on a Verilator testbench)
 * plus a latency model and counters. A model never touches iommusim_mem_t directly.
 */
#ifndef IOMMUSIM_MEM_H
#define IOMMUSIM_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/error.h"
#include "iommusim/time.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IOMMUSIM_PAGE_SHIFT 12
#define IOMMUSIM_PAGE_SIZE  (1ull << IOMMUSIM_PAGE_SHIFT)
#define IOMMUSIM_PA_BITS_MAX 52

typedef struct iommusim_mem iommusim_mem_t;

/* Creates an empty memory of 2^addr_bits bytes (12 <= addr_bits <= 52). NULL on bad
 * addr_bits or no memory. */
iommusim_mem_t *iommusim_mem_create(unsigned addr_bits);
void iommusim_mem_destroy(iommusim_mem_t *m);

unsigned iommusim_mem_addr_bits(const iommusim_mem_t *m);
/* Number of 4 KiB pages allocated so far. */
uint64_t iommusim_mem_pages(const iommusim_mem_t *m);
/* Caps the number of pages (0 = no cap, the default). A write or fill that would need more
 * pages than the cap allows fails with -ENOMEM and changes nothing. Lowering the cap below
 * iommusim_mem_pages() frees nothing; it only stops further allocation. */
void iommusim_mem_set_page_limit(iommusim_mem_t *m, uint64_t max_pages);

/* Buffer access. Return 0 or -EFAULT (range not below 2^addr_bits, or pa + len overflows)
 * or -ENOMEM (write could not allocate; contents unchanged, though pages allocated before the
 * failure stay allocated unless the page cap refused the write up front) or -EINVAL (m NULL,
 * or buf NULL with len > 0). len 0 is a no-op that returns 0 for any pa. */
int iommusim_mem_read(const iommusim_mem_t *m, uint64_t pa, void *buf, size_t len);
int iommusim_mem_write(iommusim_mem_t *m, uint64_t pa, const void *buf, size_t len);
/* Fills [pa, pa+len) with byte. Filling with 0 allocates nothing (pages never written already
 * read as zero) and costs time in proportion to the pages allocated, not to len. */
int iommusim_mem_fill(iommusim_mem_t *m, uint64_t pa, uint8_t byte, size_t len);

/* Little-endian scalar access; any alignment. A NULL m or v gives -EINVAL. */
int iommusim_mem_read8(const iommusim_mem_t *m, uint64_t pa, uint8_t *v);
int iommusim_mem_read16(const iommusim_mem_t *m, uint64_t pa, uint16_t *v);
int iommusim_mem_read32(const iommusim_mem_t *m, uint64_t pa, uint32_t *v);
int iommusim_mem_read64(const iommusim_mem_t *m, uint64_t pa, uint64_t *v);
int iommusim_mem_write8(iommusim_mem_t *m, uint64_t pa, uint8_t v);
int iommusim_mem_write16(iommusim_mem_t *m, uint64_t pa, uint16_t v);
int iommusim_mem_write32(iommusim_mem_t *m, uint64_t pa, uint32_t v);
int iommusim_mem_write64(iommusim_mem_t *m, uint64_t pa, uint64_t v);

/* ---- memory port --------------------------------------------------------------------- */

/* Backend callbacks: move len bytes; return 0 or a negative errno (-EFAULT for an address
 * that does not exist). A port whose ops (or the needed callback) is NULL fails every access
 * of that direction with -ENODEV. */
typedef struct iommusim_mem_port_ops {
	int (*read)(void *ctx, uint64_t pa, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t pa, const void *buf, size_t len);
} iommusim_mem_port_ops_t;

/* Optional latency callback: the time from issue at t until the access completes. When NULL
 * the port uses its fixed read/write latencies plus len / bytes_per_ns, the transfer time
 * rounded up to a whole picosecond (len * 1000 / bytes_per_ns ps). Completion is t + latency,
 * saturating at IOMMUSIM_TIME_MAX. */
typedef iommusim_time_t (*iommusim_mem_latency_fn)(void *ctx, bool write, uint64_t pa,
						   size_t len, iommusim_time_t t);

typedef struct iommusim_mem_port {
	const iommusim_mem_port_ops_t *ops;
	void *ctx;
	iommusim_time_t read_latency;    /* ps per access, default 0 */
	iommusim_time_t write_latency;   /* ps per access, default 0 */
	uint64_t bytes_per_ns;           /* 0 = unlimited bandwidth */
	iommusim_mem_latency_fn latency_fn;  /* overrides the fixed model when set */
	void *latency_ctx;
	/* counters: reads/writes count every access issued, failed ones included; read_bytes/
	 * write_bytes count the bytes of accesses that succeeded; errors counts failed accesses
	 * of either direction. Zeroed by the init functions; callers may reset them. */
	uint64_t reads, writes, read_bytes, write_bytes, errors;
} iommusim_mem_port_t;

/* Connects a port to callbacks with zero latency. */
void iommusim_mem_port_init(iommusim_mem_port_t *p, const iommusim_mem_port_ops_t *ops,
			    void *ctx);
/* Connects a port to a built-in memory with zero latency. */
void iommusim_mem_port_init_mem(iommusim_mem_port_t *p, iommusim_mem_t *m);
/* Sets the fixed latency model. */
void iommusim_mem_port_set_latency(iommusim_mem_port_t *p, iommusim_time_t read_ps,
				   iommusim_time_t write_ps, uint64_t bytes_per_ns);

/* Timed accesses: issued at t; *done (if non-NULL) gets the completion time. On error
 * *done still gets a completion time (the access was attempted) and the error is returned.
 * A NULL p, or a NULL buf/v, gives -EINVAL with *done = t and counts nothing. The 32/64-bit
 * forms are little-endian. */
int iommusim_port_read(iommusim_mem_port_t *p, uint64_t pa, void *buf, size_t len,
		       iommusim_time_t t, iommusim_time_t *done);
int iommusim_port_write(iommusim_mem_port_t *p, uint64_t pa, const void *buf, size_t len,
			iommusim_time_t t, iommusim_time_t *done);
int iommusim_port_read64(iommusim_mem_port_t *p, uint64_t pa, uint64_t *v, iommusim_time_t t,
			 iommusim_time_t *done);
int iommusim_port_write64(iommusim_mem_port_t *p, uint64_t pa, uint64_t v, iommusim_time_t t,
			  iommusim_time_t *done);
int iommusim_port_read32(iommusim_mem_port_t *p, uint64_t pa, uint32_t *v, iommusim_time_t t,
			 iommusim_time_t *done);
int iommusim_port_write32(iommusim_mem_port_t *p, uint64_t pa, uint32_t v, iommusim_time_t t,
			  iommusim_time_t *done);

#ifdef __cplusplus
}
#endif
#endif
