/* SPDX-License-Identifier: MIT */
/*
 * The memory port (DESIGN.md §4, include/iommusim/mem.h): what a hardware model reads and
 * writes through. A backend (callbacks), a latency model and counters. The built-in backend
 * is the sparse memory of mem.c; for it the scalar accessors call the memory's own scalar
 * functions directly, which is the same access without the buffer round trip.
 */
#include <errno.h>
#include <string.h>

#include "iommusim/mem.h"

/* ---- built-in memory backend ----------------------------------------------------------- */

static int mem_port_backend_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return iommusim_mem_read(ctx, pa, buf, len);
}

static int mem_port_backend_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	return iommusim_mem_write(ctx, pa, buf, len);
}

static const iommusim_mem_port_ops_t mem_port_builtin_ops = {
	.read = mem_port_backend_read,
	.write = mem_port_backend_write,
};

static inline bool mem_port_is_builtin(const iommusim_mem_port_t *p)
{
	return p->ops == &mem_port_builtin_ops;
}

/* ---- set-up ---------------------------------------------------------------------------- */

void iommusim_mem_port_init(iommusim_mem_port_t *p, const iommusim_mem_port_ops_t *ops,
			    void *ctx)
{
	if (!p)
		return;
	memset(p, 0, sizeof(*p));
	p->ops = ops;
	p->ctx = ctx;
}

void iommusim_mem_port_init_mem(iommusim_mem_port_t *p, iommusim_mem_t *m)
{
	iommusim_mem_port_init(p, &mem_port_builtin_ops, m);
}

void iommusim_mem_port_set_latency(iommusim_mem_port_t *p, iommusim_time_t read_ps,
				   iommusim_time_t write_ps, uint64_t bytes_per_ns)
{
	if (!p)
		return;
	p->read_latency = read_ps;
	p->write_latency = write_ps;
	p->bytes_per_ns = bytes_per_ns;
}

/* ---- latency --------------------------------------------------------------------------- */

/* Transfer time of len bytes at bytes_per_ns, in ps rounded up, saturating. */
static iommusim_time_t mem_port_transfer_ps(uint64_t len, uint64_t bytes_per_ns)
{
	if (len <= UINT64_MAX / IOMMUSIM_PS_PER_NS) {
		/* the common case: the product fits, one division */
		uint64_t x = len * IOMMUSIM_PS_PER_NS;
		return x / bytes_per_ns + (x % bytes_per_ns != 0);
	}
	/* ceil(len * 1000 / bpn) = q * 1000 + ceil(r * 1000 / bpn) with len = q * bpn + r; the
	 * remainder term is below 1000 but r * 1000 can pass 2^64 when bpn is huge, so it is
	 * computed in 128 bits. */
	uint64_t q = len / bytes_per_ns;
	uint64_t r = len % bytes_per_ns;
	if (q > IOMMUSIM_TIME_MAX / IOMMUSIM_PS_PER_NS)
		return IOMMUSIM_TIME_MAX;
	__extension__ unsigned __int128 rr = (unsigned __int128)r * IOMMUSIM_PS_PER_NS;
	uint64_t frac = (uint64_t)((rr + bytes_per_ns - 1) / bytes_per_ns);
	return iommusim_time_add(q * IOMMUSIM_PS_PER_NS, frac);
}

static iommusim_time_t mem_port_latency(const iommusim_mem_port_t *p, bool write, uint64_t pa,
					size_t len, iommusim_time_t t)
{
	if (p->latency_fn)
		return p->latency_fn(p->latency_ctx, write, pa, len, t);
	iommusim_time_t lat = write ? p->write_latency : p->read_latency;
	if (p->bytes_per_ns)
		lat = iommusim_time_add(lat, mem_port_transfer_ps(len, p->bytes_per_ns));
	return lat;
}

/* Books one access: counters and completion time. Returns rc. */
static int mem_port_finish(iommusim_mem_port_t *p, bool write, uint64_t pa, size_t len,
			   iommusim_time_t t, iommusim_time_t *done, int rc)
{
	if (write) {
		p->writes++;
		if (rc == 0)
			p->write_bytes += len;
	} else {
		p->reads++;
		if (rc == 0)
			p->read_bytes += len;
	}
	if (rc)
		p->errors++;
	/* Always asked, even when the caller ignores the time: a latency callback may model a
	 * shared bus whose state must see every access. */
	iommusim_time_t end = iommusim_time_add(t, mem_port_latency(p, write, pa, len, t));
	if (done)
		*done = end;
	return rc;
}

static int mem_port_bad_args(iommusim_time_t t, iommusim_time_t *done)
{
	if (done)
		*done = t;
	return -EINVAL;
}

/* ---- timed accesses -------------------------------------------------------------------- */

int iommusim_port_read(iommusim_mem_port_t *p, uint64_t pa, void *buf, size_t len,
		       iommusim_time_t t, iommusim_time_t *done)
{
	if (!p || (!buf && len))
		return mem_port_bad_args(t, done);
	int rc = (p->ops && p->ops->read) ? p->ops->read(p->ctx, pa, buf, len) : -ENODEV;
	return mem_port_finish(p, false, pa, len, t, done, rc);
}

int iommusim_port_write(iommusim_mem_port_t *p, uint64_t pa, const void *buf, size_t len,
			iommusim_time_t t, iommusim_time_t *done)
{
	if (!p || (!buf && len))
		return mem_port_bad_args(t, done);
	int rc = (p->ops && p->ops->write) ? p->ops->write(p->ctx, pa, buf, len) : -ENODEV;
	return mem_port_finish(p, true, pa, len, t, done, rc);
}

int iommusim_port_read64(iommusim_mem_port_t *p, uint64_t pa, uint64_t *v, iommusim_time_t t,
			 iommusim_time_t *done)
{
	int rc;
	if (!p || !v)
		return mem_port_bad_args(t, done);
	if (mem_port_is_builtin(p)) {
		rc = iommusim_mem_read64(p->ctx, pa, v);
	} else {
		uint8_t b[8];
		rc = iommusim_port_read(p, pa, b, sizeof(b), t, done);
		if (rc == 0) {
			uint64_t x = 0;
			for (unsigned i = 0; i < sizeof(b); i++)
				x |= (uint64_t)b[i] << (8 * i);
			*v = x;
		}
		return rc;
	}
	return mem_port_finish(p, false, pa, 8, t, done, rc);
}

int iommusim_port_read32(iommusim_mem_port_t *p, uint64_t pa, uint32_t *v, iommusim_time_t t,
			 iommusim_time_t *done)
{
	int rc;
	if (!p || !v)
		return mem_port_bad_args(t, done);
	if (mem_port_is_builtin(p)) {
		rc = iommusim_mem_read32(p->ctx, pa, v);
	} else {
		uint8_t b[4];
		rc = iommusim_port_read(p, pa, b, sizeof(b), t, done);
		if (rc == 0)
			*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
			     (uint32_t)b[3] << 24;
		return rc;
	}
	return mem_port_finish(p, false, pa, 4, t, done, rc);
}

int iommusim_port_write64(iommusim_mem_port_t *p, uint64_t pa, uint64_t v, iommusim_time_t t,
			  iommusim_time_t *done)
{
	if (!p)
		return mem_port_bad_args(t, done);
	if (mem_port_is_builtin(p))
		return mem_port_finish(p, true, pa, 8, t, done, iommusim_mem_write64(p->ctx, pa, v));
	uint8_t b[8];
	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return iommusim_port_write(p, pa, b, sizeof(b), t, done);
}

int iommusim_port_write32(iommusim_mem_port_t *p, uint64_t pa, uint32_t v, iommusim_time_t t,
			  iommusim_time_t *done)
{
	if (!p)
		return mem_port_bad_args(t, done);
	if (mem_port_is_builtin(p))
		return mem_port_finish(p, true, pa, 4, t, done, iommusim_mem_write32(p->ctx, pa, v));
	uint8_t b[4];
	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return iommusim_port_write(p, pa, b, sizeof(b), t, done);
}
