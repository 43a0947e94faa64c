/* SPDX-License-Identifier: MIT */
/*
 * The endpoint: parameters, life cycle, scheduled events, messages from the IOMMU and ATS
 * invalidation (include/iommusim/endpoint.h). The DMA engine is ep_dma.c (the posted-write
 * stream ep_stream.c), PRI ep_pri.c and the ATC ep_atc.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/endpoint.h"
#include "iommusim/mem.h"
#include "iommusim/param.h"
#include "iommusim/sched.h"
#include "iommusim/stats.h"
#include "models/endpoint/ep_internal.h"

/* ---- parameters -------------------------------------------------------------------------- */

/* Index order is iommusim_cache_repl_t's; the names are those iommusim_cache_repl_parse takes. */
static const char *const ep_repl_choices[] = { "lru", "plru", "rr", "random", NULL };

/*
 * Defaults. The ATC is 64 entries (16 sets x 4 ways, LRU), a small device TLB. The link
 * latency is one way of a PCIe Gen3 round trip: pcie-bench (Neugebauer et al., SIGCOMM 2018)
 * measures about 550 ns for a 64 B DMA read without an IOMMU; taking about 100 ns of DRAM
 * out leaves about 450 ns for the two link crossings and the root complex, 225 ns each way.
 * The invalidation delay (request received to completion sent) is 1 us, below the 4.2 us a
 * whole GPU TLB shootdown through the IOMMU takes (Vesely et al., ISPASS 2016); PCIe only
 * bounds it by about a minute (PCIe 6.1 §10.3.1), hence the 90 s ceiling.
 * The request stream is off, so DMAs run as 4 KiB chunks unless asked. Its Max_Payload_Size
 * default is 256 bytes, the common server setting: 16 IOTLB lookups per 4 KiB page, where the
 * PCM counts of the Fast & Safe authors (Rubin et al., SOSP 2024; their repository's logs of a
 * ConnectX-7 receiving) show 16.6-19.5. The link's serialisation is not modelled unless a rate
 * is given (a PCIe Gen3 x16 link carries about 126 Gb/s: 8 GT/s x 16 lanes x 128/130).
 */
static const iommusim_param_def_t ep_params[] = {
	{ .name = "endpoint.ats", .type = IOMMUSIM_PARAM_BOOL,
	  .help = "ATS enabled: translate with ATS translation requests and cache them in the ATC",
	  .def_u64 = 0 },
	{ .name = "endpoint.pasid_bits", .type = IOMMUSIM_PARAM_U64, .unit = "bits",
	  .help = "PASID width the device supports; 0 = no PASID capability",
	  .def_u64 = 20, .min = 0, .max = EP_PASID_BITS_MAX },
	{ .name = "endpoint.atc_sets", .type = IOMMUSIM_PARAM_U64, .unit = "sets",
	  .help = "ATC (device TLB) sets", .def_u64 = 16, .min = 1, .max = 65536, .pow2 = true },
	{ .name = "endpoint.atc_ways", .type = IOMMUSIM_PARAM_U64, .unit = "ways",
	  .help = "ATC ways per set (a power of two for plru)", .def_u64 = 4, .min = 1,
	  .max = IOMMUSIM_CACHE_MAX_WAYS },
	{ .name = "endpoint.atc_repl", .type = IOMMUSIM_PARAM_ENUM,
	  .help = "ATC replacement policy (random is seeded with the requester ID + 1)",
	  .def_u64 = IOMMUSIM_REPL_LRU, .choices = ep_repl_choices },
	{ .name = "endpoint.pri", .type = IOMMUSIM_PARAM_BOOL,
	  .help = "PRI enabled: send a page request when ATS answers 'page request' and retry",
	  .def_u64 = 0 },
	{ .name = "endpoint.max_pri_retries", .type = IOMMUSIM_PARAM_U64, .unit = "retries",
	  .help = "retries of one page after successful page responses before the DMA fails",
	  .def_u64 = 3, .min = 1, .max = 1024 },
	{ .name = "endpoint.inval_delay_ns", .type = IOMMUSIM_PARAM_U64, .unit = "ns",
	  .help = "time from receiving an ATS invalidation request to sending its completion",
	  .def_u64 = 1000, .min = 0, .max = 90000000000ull },
	{ .name = "endpoint.inval_never", .type = IOMMUSIM_PARAM_BOOL,
	  .help = "never answer ATS invalidation requests (a broken device, for time-out tests)",
	  .def_u64 = 0 },
	{ .name = "endpoint.atc_lookup_ns", .type = IOMMUSIM_PARAM_U64, .unit = "ns",
	  .help = "ATC lookup time, paid by every chunk of a DMA with ATS",
	  .def_u64 = 4, .min = 0, .max = 1000000 },
	{ .name = "endpoint.link_latency_ns", .type = IOMMUSIM_PARAM_U64, .unit = "ns",
	  .help = "one-way latency between the endpoint and the IOMMU",
	  .def_u64 = 225, .min = 0, .max = 1000000 },
	{ .name = "endpoint.posted", .type = IOMMUSIM_PARAM_BOOL,
	  .help = "DMAs go out as a stream of TLPs (posted writes, read requests) the IOMMU "
		  "takes in order; off: 4 KiB chunks, each waiting for the one before",
	  .def_u64 = 0 },
	{ .name = "endpoint.mps", .type = IOMMUSIM_PARAM_U64, .unit = "bytes",
	  .help = "Max_Payload_Size (and read request size): data bytes per TLP of the stream",
	  .def_u64 = 256, .min = EP_MPS_MIN, .max = EP_MPS_MAX, .pow2 = true },
	{ .name = "endpoint.link_gbps", .type = IOMMUSIM_PARAM_DOUBLE, .unit = "Gb/s",
	  .help = "link data rate for the stream's write TLPs; 0 = serialisation not modelled",
	  .def_double = 0, .dmin = 0, .dmax = 1e6 },
};

const iommusim_component_t iommusim_endpoint_component = {
	.name = "endpoint",
	.help = "PCIe endpoint: DMA engine, ATC (device TLB), PRI and ATS invalidation handling",
	.params = ep_params,
	.nparams = sizeof(ep_params) / sizeof(ep_params[0]),
};

void iommusim_endpoint_cfg_default(iommusim_endpoint_cfg_t *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->ats = false;
	cfg->pasid_bits = 20;
	cfg->atc_sets = 16;
	cfg->atc_ways = 4;
	cfg->atc_repl = IOMMUSIM_REPL_LRU;
	cfg->pri = false;
	cfg->max_pri_retries = 3;
	cfg->inval_delay = iommusim_time_from_ns(1000);
	cfg->inval_never = false;
	cfg->atc_lookup = iommusim_time_from_ns(4);
	cfg->link_latency = iommusim_time_from_ns(225);
	cfg->posted = false;
	cfg->mps = 256;
	cfg->link_gbps = 0;
}

void iommusim_endpoint_cfg_from_params(iommusim_endpoint_cfg_t *cfg, const iommusim_params_t *ps)
{
	if (!cfg || !ps)
		return;
	if (iommusim_params_has(ps, "endpoint.ats"))
		cfg->ats = iommusim_params_bool(ps, "endpoint.ats");
	if (iommusim_params_has(ps, "endpoint.pasid_bits"))
		cfg->pasid_bits = (unsigned)iommusim_params_u64(ps, "endpoint.pasid_bits");
	if (iommusim_params_has(ps, "endpoint.atc_sets"))
		cfg->atc_sets = (unsigned)iommusim_params_u64(ps, "endpoint.atc_sets");
	if (iommusim_params_has(ps, "endpoint.atc_ways"))
		cfg->atc_ways = (unsigned)iommusim_params_u64(ps, "endpoint.atc_ways");
	if (iommusim_params_has(ps, "endpoint.atc_repl"))
		cfg->atc_repl = (iommusim_cache_repl_t)iommusim_params_enum(ps, "endpoint.atc_repl");
	if (iommusim_params_has(ps, "endpoint.pri"))
		cfg->pri = iommusim_params_bool(ps, "endpoint.pri");
	if (iommusim_params_has(ps, "endpoint.max_pri_retries"))
		cfg->max_pri_retries = (unsigned)iommusim_params_u64(ps, "endpoint.max_pri_retries");
	if (iommusim_params_has(ps, "endpoint.inval_delay_ns"))
		cfg->inval_delay =
			iommusim_time_from_ns(iommusim_params_u64(ps, "endpoint.inval_delay_ns"));
	if (iommusim_params_has(ps, "endpoint.inval_never"))
		cfg->inval_never = iommusim_params_bool(ps, "endpoint.inval_never");
	if (iommusim_params_has(ps, "endpoint.atc_lookup_ns"))
		cfg->atc_lookup = iommusim_time_from_ns(iommusim_params_u64(ps, "endpoint.atc_lookup_ns"));
	if (iommusim_params_has(ps, "endpoint.link_latency_ns"))
		cfg->link_latency =
			iommusim_time_from_ns(iommusim_params_u64(ps, "endpoint.link_latency_ns"));
	if (iommusim_params_has(ps, "endpoint.posted"))
		cfg->posted = iommusim_params_bool(ps, "endpoint.posted");
	if (iommusim_params_has(ps, "endpoint.mps"))
		cfg->mps = (unsigned)iommusim_params_u64(ps, "endpoint.mps");
	if (iommusim_params_has(ps, "endpoint.link_gbps"))
		cfg->link_gbps = iommusim_params_double(ps, "endpoint.link_gbps");
}

/* ---- life cycle -------------------------------------------------------------------------- */

static const struct {
	const char *name, *help;
} ep_counter_names[EP_C_COUNT] = {
	[EP_C_DMA] = { "dma", "DMAs issued" },
	[EP_C_DMA_BYTES] = { "dma.bytes", "bytes moved by DMA" },
	[EP_C_DMA_OK] = { "dma.ok", "DMAs that completed" },
	[EP_C_DMA_FAULT] = { "dma.fault", "DMAs stopped by a translation fault" },
	[EP_C_DMA_MEM_ERROR] = { "dma.mem_error", "DMAs stopped by a memory access error" },
	[EP_C_DMA_PRI_FAILED] = { "dma.pri_failed", "DMAs failed by a page response or retries" },
	[EP_C_REQ_UNTRANSLATED] = { "req.untranslated", "untranslated requests sent" },
	[EP_C_REQ_ATS] = { "req.ats", "ATS translation requests sent" },
	[EP_C_REQ_TRANSLATED] = { "req.translated", "translated requests sent" },
	[EP_C_ATC_HIT] = { "atc.hit", "ATC hits" },
	[EP_C_ATC_MISS] = { "atc.miss", "ATC misses (including permission misses)" },
	[EP_C_ATC_PERM_MISS] = { "atc.perm_miss", "ATC hits lacking the needed permission" },
	[EP_C_ATC_FILL] = { "atc.fill", "ATC fills" },
	[EP_C_ATC_EVICT] = { "atc.evict", "valid ATC entries evicted by fills" },
	[EP_C_PAGE_REQ] = { "page_req", "PRI page requests sent" },
	[EP_C_PRG_RESP] = { "prg_resp", "page-group responses received" },
	[EP_C_PRG_RESP_FAIL] = { "prg_resp.fail", "page-group responses other than Success" },
	[EP_C_PRG_RESP_UNEXPECTED] = { "prg_resp.unexpected",
				       "page-group responses for no pending request" },
	[EP_C_PRI_RETRY] = { "pri.retry", "DMA retries after a successful page response" },
	[EP_C_INVAL] = { "inval", "ATS invalidation requests received" },
	[EP_C_INVAL_ENTRIES] = { "inval.entries", "ATC entries dropped by ATS invalidations" },
	[EP_C_INVAL_CPL] = { "inval.cpl", "ATS invalidation completions sent" },
	[EP_C_INVAL_CPL_ERR] = { "inval.cpl_err", "completions the IOMMU model refused" },
	[EP_C_STREAM_TLPS] = { "stream.tlps", "posted-stream TLPs the IOMMU took" },
	[EP_C_STREAM_BYTES] = { "stream.bytes", "bytes moved by posted-stream TLPs" },
	[EP_C_STREAM_BUSY_PS] = { "stream.busy_ps",
				  "time the IOMMU's in-order acceptance was busy with the stream" },
};

static int ep_register_stats(struct iommusim_endpoint *ep, iommusim_stats_t *stats,
			     iommusim_error_t *err)
{
	char full[128];

	for (unsigned i = 0; i < EP_C_COUNT; i++) {
		ep->ctr[i] = &ep->ctr_local[i];
		if (!stats)
			continue;
		snprintf(full, sizeof(full), "%s.%s", ep->name, ep_counter_names[i].name);
		ep->ctr[i] = iommusim_stats_counter(stats, full, ep_counter_names[i].help);
		if (!ep->ctr[i])
			return iommusim_error_set(err, -ENOMEM,
						  "endpoint %s: cannot register counter %s",
						  ep->name, full);
	}
	if (stats) {
		snprintf(full, sizeof(full), "%s.dma.latency", ep->name);
		ep->lat_hist = iommusim_stats_hist(stats, full, "ps",
						   "DMA time from issue to completion or failure");
		if (!ep->lat_hist)
			return iommusim_error_set(err, -ENOMEM,
						  "endpoint %s: cannot register histogram %s",
						  ep->name, full);
	}
	return 0;
}

iommusim_endpoint_t *iommusim_endpoint_create(const iommusim_endpoint_cfg_t *cfg, const char *name,
					      iommusim_model_t *iommu, iommusim_mem_port_t *mem,
					      iommusim_sched_t *sched, iommusim_stats_t *stats,
					      iommusim_error_t *err)
{
	struct iommusim_endpoint *ep;

	if (!name)
		name = "ep";
	if (!cfg) {
		iommusim_error_set(err, -EINVAL, "endpoint %s: no configuration given", name);
		return NULL;
	}
	if (!iommu || !iommu->ops || !iommu->ops->translate) {
		iommusim_error_set(err, -EINVAL,
				   "endpoint %s: no IOMMU model (or its ops lack translate); "
				   "connect the endpoint to a created model", name);
		return NULL;
	}
	if (!mem || !sched) {
		iommusim_error_set(err, -EINVAL, "endpoint %s: %s is NULL; the endpoint needs the "
				   "system memory port and the scheduler", name,
				   !mem ? "the memory port" : "the scheduler");
		return NULL;
	}
	if (cfg->pasid_bits > EP_PASID_BITS_MAX) {
		iommusim_error_set(err, -EINVAL, "endpoint %s: pasid_bits %u out of range "
				   "(allowed 0..%u, PCIe PASIDs are 20 bits)", name,
				   cfg->pasid_bits, EP_PASID_BITS_MAX);
		return NULL;
	}
	if (cfg->mps < EP_MPS_MIN || cfg->mps > EP_MPS_MAX || (cfg->mps & (cfg->mps - 1))) {
		iommusim_error_set(err, -EINVAL, "endpoint %s: endpoint.mps %u is not a "
				   "Max_Payload_Size (allowed: a power of two from %u to %u bytes)",
				   name, cfg->mps, EP_MPS_MIN, EP_MPS_MAX);
		return NULL;
	}
	if (!(cfg->link_gbps >= 0) || isinf(cfg->link_gbps)) {
		iommusim_error_set(err, -EINVAL, "endpoint %s: endpoint.link_gbps %g is not a "
				   "data rate (allowed: a finite value >= 0 Gb/s; 0 = not "
				   "modelled)", name, cfg->link_gbps);
		return NULL;
	}
	if (cfg->max_pri_retries == 0) {
		iommusim_error_set(err, -EINVAL, "endpoint %s: max_pri_retries 0 out of range "
				   "(allowed >= 1: a page needs at least one retry after its "
				   "page response)", name);
		return NULL;
	}
	ep = calloc(1, sizeof(*ep));
	if (!ep) {
		iommusim_error_set(err, -ENOMEM, "endpoint %s: out of memory", name);
		return NULL;
	}
	ep->cfg = *cfg;
	snprintf(ep->name, sizeof(ep->name), "%s", name);
	ep->iommu = iommu;
	ep->mem = mem;
	ep->sched = sched;
	if (ep_register_stats(ep, stats, err) != 0) {
		free(ep);
		return NULL;
	}
	if (cfg->ats) {
		ep->atc = ep_atc_create(cfg->atc_sets, cfg->atc_ways, cfg->atc_repl, cfg->rid + 1,
					err);
		if (!ep->atc) {
			iommusim_error_prefix(err, "endpoint %s: ATC (endpoint.atc_sets=%u, "
					      "endpoint.atc_ways=%u, endpoint.atc_repl=%s)", ep->name,
					      cfg->atc_sets, cfg->atc_ways,
					      iommusim_cache_repl_name(cfg->atc_repl));
			free(ep);
			return NULL;
		}
	}
	return ep;
}

void iommusim_endpoint_destroy(iommusim_endpoint_t *ep)
{
	if (!ep)
		return;
	while (ep->events) {
		struct ep_event *ev = ep->events;
		iommusim_sched_cancel(ep->sched, ev->id);
		if (ev->kind == EP_EV_DMA_RESUME)
			free(ev->st);   /* a DMA between its response and its retry */
		ep_event_done(ep, ev);
	}
	ep_pri_drop_all(ep);
	ep_atc_destroy(ep->atc);
	free(ep);
}

void iommusim_endpoint_on_complete(iommusim_endpoint_t *ep, iommusim_dma_done_fn fn, void *ctx)
{
	if (!ep)
		return;
	ep->done_fn = fn;
	ep->done_ctx = ctx;
}

const iommusim_cache_t *iommusim_endpoint_atc(const iommusim_endpoint_t *ep)
{
	return ep ? ep_atc_cache(ep->atc) : NULL;
}

uint32_t iommusim_endpoint_rid(const iommusim_endpoint_t *ep)
{
	return ep ? ep->cfg.rid : 0;
}

unsigned iommusim_endpoint_inval_pending(const iommusim_endpoint_t *ep)
{
	return ep ? ep->inval_pending : 0;
}

unsigned iommusim_endpoint_dma_pending(const iommusim_endpoint_t *ep)
{
	return ep ? ep->dma_pending : 0;
}

/* ---- scheduled events -------------------------------------------------------------------- */

static void ep_inval_cpl_send(struct iommusim_endpoint *ep, struct ep_event *ev,
			      iommusim_time_t now);
static void ep_event_unlink(struct iommusim_endpoint *ep, struct ep_event *ev);

static void ep_event_fire(void *ctx, iommusim_time_t now)
{
	struct ep_event *ev = ctx;
	struct iommusim_endpoint *ep = ev->ep;

	/* Off the live list first: the handlers may schedule new events. */
	ep_event_unlink(ep, ev);
	switch (ev->kind) {
	case EP_EV_INVAL_CPL:
		ep_inval_cpl_send(ep, ev, now);
		break;
	case EP_EV_DMA_RESUME:
		ep_pri_resume(ep, ev, now);
		break;
	}
	free(ev);
}

struct ep_event *ep_event_new(struct iommusim_endpoint *ep, enum ep_event_kind kind,
			      iommusim_time_t t)
{
	struct ep_event *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->ep = ep;
	ev->kind = kind;
	ev->id = iommusim_sched_at(ep->sched, iommusim_time_max(t, iommusim_sched_now(ep->sched)),
				   ep_event_fire, ev);
	if (ev->id == 0) {
		free(ev);
		return NULL;
	}
	ev->next = ep->events;
	if (ep->events)
		ep->events->prev = ev;
	ep->events = ev;
	return ev;
}

static void ep_event_unlink(struct iommusim_endpoint *ep, struct ep_event *ev)
{
	if (ev->prev)
		ev->prev->next = ev->next;
	else
		ep->events = ev->next;
	if (ev->next)
		ev->next->prev = ev->prev;
	ev->prev = ev->next = NULL;
}

void ep_event_done(struct iommusim_endpoint *ep, struct ep_event *ev)
{
	ep_event_unlink(ep, ev);
	free(ev);
}

/* ---- ATS invalidation (PCIe 10.3) -------------------------------------------------------- */

static int ep_inval_request(struct iommusim_endpoint *ep, const iommusim_dev_msg_t *msg)
{
	iommusim_time_t arrive = iommusim_time_add(msg->time, ep->cfg.link_latency);
	uint64_t ctx_mask = 0, ctx_value = 0, lo, hi;
	struct ep_event *ev;

	if (msg->itag > EP_ITAG_MAX || msg->size == 0 || (msg->size & (msg->size - 1)) ||
	    (msg->addr & (msg->size - 1)))
		return -EINVAL;
	if (msg->pasid_valid && (msg->pasid & ~IOMMUSIM_ATC_CTX_PASID_MASK))
		return -EINVAL;
	ep_count(ep, EP_C_INVAL, 1);
	/* With a PASID and not global: that PASID only (privileged or not). Global, or no
	 * PASID at all: every entry in the range. */
	if (msg->pasid_valid && !msg->global) {
		ctx_mask = IOMMUSIM_ATC_CTX_PV | IOMMUSIM_ATC_CTX_PASID_MASK;
		ctx_value = IOMMUSIM_ATC_CTX_PV | msg->pasid;
	}
	/* The largest power of two a 64-bit size holds stands for the whole space (the ATS
	 * encoding reaches 2^64; an ATC may always drop more than it was asked to). */
	hi = msg->size == (1ull << 63) ? UINT64_MAX : msg->addr + (msg->size - 1);
	lo = msg->size == (1ull << 63) ? 0 : msg->addr;
	if (ep->atc)
		ep_count(ep, EP_C_INVAL_ENTRIES,
			 ep_atc_invalidate(ep->atc, lo, hi, ctx_mask, ctx_value));
	ep->inval_pending++;
	if (ep->cfg.inval_never)
		return 0;
	ev = ep_event_new(ep, EP_EV_INVAL_CPL, iommusim_time_add(arrive, ep->cfg.inval_delay));
	if (!ev) {
		ep->inval_pending--;
		return -ENOMEM;
	}
	ev->itag = msg->itag;
	ev->pasid_valid = msg->pasid_valid;
	ev->pasid = msg->pasid;
	return 0;
}

static void ep_inval_cpl_send(struct iommusim_endpoint *ep, struct ep_event *ev,
			      iommusim_time_t now)
{
	iommusim_dev_msg_t cpl = {
		.kind = IOMMUSIM_MSG_ATS_INVAL_CPL,
		.rid = ep->cfg.rid,
		.pasid_valid = ev->pasid_valid,
		.pasid = ev->pasid,
		.itag = ev->itag,
		.time = iommusim_time_add(now, ep->cfg.link_latency),
	};

	ep->inval_pending--;
	ep_count(ep, EP_C_INVAL_CPL, 1);
	if (!ep->iommu->ops->device_msg ||
	    ep->iommu->ops->device_msg(ep->iommu->impl, &cpl) != 0)
		ep_count(ep, EP_C_INVAL_CPL_ERR, 1);
}

int iommusim_endpoint_receive(iommusim_endpoint_t *ep, const iommusim_dev_msg_t *msg)
{
	if (!ep || !msg || msg->rid != ep->cfg.rid)
		return -EINVAL;
	switch (msg->kind) {
	case IOMMUSIM_MSG_ATS_INVAL_REQ:
		return ep_inval_request(ep, msg);
	case IOMMUSIM_MSG_PRG_RESP:
		return ep_pri_response(ep, msg);
	default:
		return -EINVAL;
	}
}
