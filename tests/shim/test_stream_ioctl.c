/* SPDX-License-Identifier: MIT */
/*
 * The ioctl-argument layer: `ioctl` lines encoded to argument bytes compared with structs
 * filled in by hand, payloads, the size override, errors naming fields and flags, result
 * checks with bindings, and recorded calls described back as lines.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/stream/stream_ioctl.h"
#include "host-shim/uapi/iommufd_abi.h"
#include "host-shim/uapi/vfio_abi.h"

static void parse(const char *text, stream_line_t *l)
{
	iommusim_error_t e;
	stream_line_init(l);
	if (stream_parse_line(text, strlen(text), "t.stream", 1, l, &e) != 0)
		fail_msg("'%s': %s", text, e.msg);
}

/* Encodes text; returns the rc and leaves the message in e. */
static int enc(const char *text, const stream_vars_t *vars, stream_ioctl_t *io,
	       iommusim_error_t *e)
{
	stream_line_t l;
	parse(text, &l);
	iommusim_error_clear(e);
	int rc = stream_ioctl_encode(&l, vars, io, e);
	stream_line_free(&l);
	return rc;
}

static void expect_error(const char *text, int code, const char *fragment)
{
	stream_ioctl_t io;
	iommusim_error_t e;
	int rc = enc(text, NULL, &io, &e);
	if (rc != code || !strstr(e.msg, fragment))
		fail_msg("'%s': rc %d (want %d), '%s' (want '%s')", text, rc, code, e.msg,
			 fragment);
	if (rc == 0)
		stream_ioctl_release(&io);
}

static void map_line_to_bytes(void **state)
{
	(void)state;
	stream_ioctl_t io;
	iommusim_error_t e;
	stream_vars_t *vars = stream_vars_create();
	struct uapi_iommu_ioas_map want;

	assert_int_equal(stream_vars_bind(vars, "ioas", 5, 1, &e), 0);
	assert_int_equal(enc("ioctl 3 IOMMU_IOAS_MAP ioas_id=$ioas flags=FIXED_IOVA|READABLE|"
			     "WRITEABLE user_va=0x7f0000000000 length=2M iova=0x100000",
			     vars, &io, &e), 0);
	memset(&want, 0, sizeof(want));
	want.size = 40;
	want.flags = 7;
	want.ioas_id = 5;
	want.user_va = 0x7f0000000000ull;
	want.length = 0x200000;
	want.iova = 0x100000;
	assert_int_equal(io.fd, 3);
	assert_string_equal(io.cmd->name, "IOMMU_IOAS_MAP");
	assert_int_equal(io.arg_len, 40);
	assert_memory_equal(io.arg, &want, sizeof(want));
	assert_null(io.pdata);
	stream_ioctl_release(&io);

	/* flags as a raw number, the fd from a binding */
	assert_int_equal(stream_vars_bind(vars, "fd", 3, 1, &e), 0);
	assert_int_equal(enc("ioctl $fd IOMMU_IOAS_MAP flags=5 ioas_id=1", vars, &io, &e), 0);
	assert_int_equal(io.fd, 3);
	assert_int_equal(((struct uapi_iommu_ioas_map *)io.arg)->flags, 5);
	stream_ioctl_release(&io);

	/* an unbound name */
	assert_int_equal(enc("ioctl 3 IOMMU_IOAS_MAP ioas_id=$nope", vars, &io, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "t.stream:1:32: $nope is not bound"));
	stream_vars_destroy(vars);
}

static void bad_lines(void **state)
{
	(void)state;
	expect_error("ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|EXEC", -EINVAL,
		     "t.stream:1:30: IOMMU_IOAS_MAP: flags: unknown flag 'EXEC' (valid: "
		     "FIXED_IOVA, WRITEABLE, READABLE)");
	expect_error("ioctl 3 IOMMU_IOAS_MAP iovaa=1", -EINVAL,
		     "t.stream:1:24: IOMMU_IOAS_MAP: unknown field 'iovaa' (fields: size, flags, "
		     "ioas_id, user_va, length, iova, __reserved)");
	expect_error("ioctl 3 IOMMU_IOAS_MAPP", -EINVAL,
		     "t.stream:1:9: unknown ioctl 'IOMMU_IOAS_MAPP' (did you mean IOMMU_IOAS_MAP?)");
	expect_error("ioctl 3 FROB", -EINVAL, "unknown ioctl 'FROB' (names are those of");
	expect_error("ioctl 3 IOMMU_IOAS_ALLOC out_ioas_id=4", -EINVAL,
		     "'out_ioas_id' is written by the kernel; give it after '->'");
	expect_error("ioctl 3 IOMMU_IOAS_MAP ioas_id=0x100000000", -ERANGE,
		     "IOMMU_IOAS_MAP: ioas_id: 0x100000000 does not fit the 32-bit field");
	expect_error("ioctl 3 IOMMU_IOAS_MAP_FILE fd=-1 ioas_id=1", 0, "");
	expect_error("ioctl 3 IOMMU_IOAS_MAP_FILE fd=2147483648", -ERANGE, "32-bit signed");
	expect_error("ioctl 3 IOMMU_OPTION op=PUT", -EINVAL,
		     "IOMMU_OPTION: op: unknown value 'PUT' (valid: SET, GET)");
	expect_error("ioctl 3 IOMMU_OPTION option_id=HUGE_PAGES op=GET object_id=2", 0, "");
	expect_error("ioctl 3", -EINVAL, "needs a file descriptor and a command name");
	expect_error("ioctl 3 IOMMU_DESTROY 4", -EINVAL, "argument 3 is extra");
	expect_error("ioctl x IOMMU_DESTROY id=4", -EINVAL,
		     "argument 1 (file descriptor): expected a number, got 'x'");
	expect_error("ioctl 3 \"IOMMU_DESTROY\" id=4", -EINVAL, "argument 2 must be an ioctl");
	expect_error("open /dev/iommu", -EINVAL, "not an 'ioctl' line");
	/* results */
	expect_error("ioctl 3 IOMMU_IOAS_ALLOC -> errno=ENOPE", -EINVAL,
		     "unknown errno name 'ENOPE'");
	expect_error("ioctl 3 IOMMU_IOAS_ALLOC -> ioas=1", -EINVAL,
		     "IOMMU_IOAS_ALLOC: unknown result field 'ioas' (fields: size, flags, "
		     "out_ioas_id)");
	expect_error("ioctl 3 IOMMU_IOAS_MAP -> ioas_id=1", -EINVAL,
		     "'ioas_id' is not written by the kernel, so it cannot be a result");
	expect_error("ioctl 3 IOMMU_GET_HW_INFO dev_id=1 -> out_capabilities=DIRTY", -EINVAL,
		     "out_capabilities: unknown flag 'DIRTY' (valid: DIRTY_TRACKING, "
		     "PCI_PASID_EXEC, PCI_PASID_PRIV, PCI_ATS_NOT_SUPPORTED)");
	expect_error("ioctl 3 IOMMU_GET_HW_INFO dev_id=1 -> data.cap_regs=1", -EINVAL,
		     "unknown data field 'cap_regs'");
	expect_error("ioctl 3 VFIO_SET_IOMMU type=TYPE1_IOMMU -> type=1", -EINVAL,
		     "unknown result 'type' (results: ret, errno)");
	/* scalar and argument-less commands */
	expect_error("ioctl 20 VFIO_SET_IOMMU", -ENOENT, "VFIO_SET_IOMMU: missing key 'type'");
	expect_error("ioctl 20 VFIO_SET_IOMMU type=TYPE9", -EINVAL,
		     "unknown value 'TYPE9' (valid: TYPE1_IOMMU,");
	expect_error("ioctl 20 VFIO_SET_IOMMU kind=1", -EINVAL,
		     "VFIO_SET_IOMMU: unknown key 'kind' (fields: type)");
	expect_error("ioctl 4 VFIO_DEVICE_RESET x=1", -EINVAL,
		     "VFIO_DEVICE_RESET takes no argument; unexpected key 'x'");
	expect_error("ioctl 21 VFIO_GROUP_GET_DEVICE_FD", -ENOENT, "missing key 'name'");
	expect_error("ioctl 21 VFIO_GROUP_GET_DEVICE_FD name=3", -EINVAL, "name: expected text");
}

static void size_override_and_tail(void **state)
{
	(void)state;
	stream_ioctl_t io;
	iommusim_error_t e;
	uint8_t k[64];
	const uapi_ioctl_t *c = uapi_ioctl_by_name("IOMMU_HWPT_ALLOC");

	/* A 6.10 caller */
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_ALLOC size=40 dev_id=1 pt_id=2", NULL, &io, &e),
			 0);
	assert_int_equal(io.arg_len, 40);
	assert_int_equal(io.arg[0], 40);
	assert_int_equal(uapi_ioctl_copy_in(c, io.arg, io.arg_len, k, &e), 0);
	stream_ioctl_release(&io);
	expect_error("ioctl 3 IOMMU_HWPT_ALLOC size=40 fault_id=1", -EINVAL,
		     "IOMMU_HWPT_ALLOC: 'fault_id' (bytes 40..43) lies past size 40");
	/* Below the minimum: encodes (the kernel refuses it, not the stream) */
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_ALLOC size=20", NULL, &io, &e), 0);
	assert_int_equal(uapi_ioctl_copy_in(c, io.arg, io.arg_len, k, &e), -EINVAL);
	stream_ioctl_release(&io);
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_ALLOC size=0", NULL, &io, &e), 0);
	assert_int_equal(io.arg_len, 4);
	stream_ioctl_release(&io);
	/* A newer caller: zero tail accepted, non-zero tail is E2BIG */
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_ALLOC size=56", NULL, &io, &e), 0);
	assert_int_equal(io.arg_len, 56);
	assert_int_equal(uapi_ioctl_copy_in(c, io.arg, io.arg_len, k, &e), 0);
	stream_ioctl_release(&io);
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_ALLOC size=56 _tail=0x100", NULL, &io, &e), 0);
	assert_int_equal(io.arg[48], 0);
	assert_int_equal(io.arg[49], 1);
	assert_int_equal(uapi_ioctl_copy_in(c, io.arg, io.arg_len, k, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "byte 49"));
	stream_ioctl_release(&io);
	expect_error("ioctl 3 IOMMU_HWPT_ALLOC _tail=1", -EINVAL, "_tail needs size larger");
	expect_error("ioctl 3 IOMMU_HWPT_ALLOC size=300", -E2BIG, "larger than the 256 bytes");
	/* VFIO uses argsz */
	assert_int_equal(enc("ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT argsz=12 pt_id=7", NULL, &io,
			     &e), 0);
	assert_int_equal(io.arg_len, 12);
	stream_ioctl_release(&io);
	expect_error("ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT argsz=12 pasid=1", -EINVAL,
		     "'pasid' (bytes 12..15) lies past argsz 12");
}

static void vtd_s1_payload(void **state)
{
	(void)state;
	stream_ioctl_t io;
	iommusim_error_t e;
	struct uapi_iommu_hwpt_vtd_s1 want = { 0 };

	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_ALLOC dev_id=1 pt_id=2 data_type=VTD_S1 "
			     "data.flags=SRE|WPE data.pgtbl_addr=0x3f000000 data.addr_width=48 "
			     "-> out_hwpt_id=$s1", NULL, &io, &e), 0);
	want.flags = UAPI_IOMMU_VTD_S1_SRE | UAPI_IOMMU_VTD_S1_WPE;
	want.pgtbl_addr = 0x3f000000;
	want.addr_width = 48;
	assert_int_equal(io.plen, 24);
	assert_memory_equal(io.pdata, &want, 24);
	assert_non_null(io.ptype);
	assert_string_equal(io.ptype->struct_name, "iommu_hwpt_vtd_s1");
	assert_false(io.ptr_given);
	const struct uapi_iommu_hwpt_alloc *a = (const void *)io.arg;
	assert_int_equal(a->data_type, 1);
	assert_int_equal(a->data_len, 24);    /* filled in */
	assert_int_equal(a->data_uptr, 0);    /* the replay places the payload */
	stream_ioctl_release(&io);

	/* an explicit (older/newer) data_len and pointer are kept */
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_ALLOC data_type=VTD_S1 data_len=32 "
			     "data_uptr=0x7f00 data.addr_width=57", NULL, &io, &e), 0);
	assert_int_equal(io.plen, 32);
	assert_true(io.ptr_given);
	assert_int_equal(((const struct uapi_iommu_hwpt_alloc *)io.arg)->data_len, 32);
	assert_int_equal(io.pdata[16], 57);
	stream_ioctl_release(&io);

	expect_error("ioctl 3 IOMMU_HWPT_ALLOC dev_id=1 data.flags=SRE", -EINVAL,
		     "'data.*' given but data_type=NONE selects no payload (payloads exist for: "
		     "VTD_S1, ARM_SMMUV3, AMD_GUEST)");
	expect_error("ioctl 3 IOMMU_HWPT_ALLOC data_type=VTD_S1 data.pgtbl=1", -EINVAL,
		     "unknown data field 'pgtbl' (fields of iommu_hwpt_vtd_s1: flags, pgtbl_addr, "
		     "addr_width, __reserved)");
	expect_error("ioctl 3 IOMMU_HWPT_ALLOC data_type=VTD_S1 data.flags=SRE|PASID", -EINVAL,
		     "data.flags: unknown flag 'PASID' (valid: SRE, EAFE, WPE)");
	expect_error("ioctl 3 IOMMU_HWPT_ALLOC data_type=VTD_S1 data_len=8 data.addr_width=48",
		     -EINVAL, "lies past the 8-byte payload");
	expect_error("ioctl 3 IOMMU_HWPT_ALLOC data_type=VTD_S1 -> data.flags=SRE", -EINVAL,
		     "the data payload is read by the kernel, not written");

	/* SMMUv3 STE words */
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_ALLOC data_type=ARM_SMMUV3 data.ste.0=0x9 "
			     "data.ste.1=0x1000000000000", NULL, &io, &e), 0);
	assert_int_equal(io.plen, 16);
	assert_int_equal(io.pdata[0], 9);
	assert_int_equal(io.pdata[8 + 6], 1);
	stream_ioctl_release(&io);
}

static void invalidation_array_payload(void **state)
{
	(void)state;
	stream_ioctl_t io;
	iommusim_error_t e;
	struct uapi_iommu_hwpt_vtd_s1_invalidate want[2];

	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_INVALIDATE hwpt_id=9 data_type=VTD_S1 "
			     "data.0.addr=0x10000 data.0.npages=1 data.0.flags=LEAF "
			     "data.1.addr=0 data.1.npages=0xffffffffffffffff -> entry_num=2",
			     NULL, &io, &e), 0);
	memset(want, 0, sizeof(want));
	want[0].addr = 0x10000;
	want[0].npages = 1;
	want[0].flags = UAPI_IOMMU_VTD_INV_FLAGS_LEAF;
	want[1].npages = UINT64_MAX;
	assert_int_equal(io.plen, sizeof(want));
	assert_memory_equal(io.pdata, want, sizeof(want));
	const struct uapi_iommu_hwpt_invalidate *a = (const void *)io.arg;
	assert_int_equal(a->entry_len, 24);
	assert_int_equal(a->entry_num, 2);
	assert_int_equal(a->data_type, 0);
	stream_ioctl_release(&io);

	/* entry_num=0 probes: no payload */
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_INVALIDATE hwpt_id=9 entry_num=0", NULL, &io,
			     &e), 0);
	assert_null(io.pdata);
	stream_ioctl_release(&io);
	/* a larger entry_len spreads the entries */
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_INVALIDATE entry_len=32 data.1.npages=3", NULL,
			     &io, &e), 0);
	assert_int_equal(io.plen, 64);
	assert_int_equal(io.pdata[32 + 8], 3);
	stream_ioctl_release(&io);
	expect_error("ioctl 3 IOMMU_HWPT_INVALIDATE entry_num=1 data.1.addr=0", -EINVAL,
		     "data.1 given but entry_num=1");
	expect_error("ioctl 3 IOMMU_HWPT_INVALIDATE data.01.addr=0", -EINVAL,
		     "'data.01.addr': expected data.N.field with N a number without leading zeros");
	expect_error("ioctl 3 IOMMU_HWPT_INVALIDATE data.x=0", -EINVAL, "expected data.N.field");
	expect_error("ioctl 3 IOMMU_HWPT_INVALIDATE data.0=0", -EINVAL, "expected data.N.field");
	expect_error("ioctl 3 IOMMU_HWPT_INVALIDATE entry_len=16 data.0.flags=LEAF", -EINVAL,
		     "lies past the 16-byte element");
	/* SMMUv3 commands through a vIOMMU ID */
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_INVALIDATE hwpt_id=4 data_type=ARM_SMMUV3 "
			     "data.0.cmd.0=0x12 data.0.cmd.1=0x0", NULL, &io, &e), 0);
	assert_int_equal(((const struct uapi_iommu_hwpt_invalidate *)io.arg)->entry_len, 16);
	assert_int_equal(io.plen, 16);
	stream_ioctl_release(&io);
}

static void output_payloads(void **state)
{
	(void)state;
	stream_ioctl_t io;
	iommusim_error_t e;

	/* IOVA ranges: the capacity follows the results named */
	assert_int_equal(enc("ioctl 3 IOMMU_IOAS_IOVA_RANGES ioas_id=2 -> num_iovas=2 "
			     "allowed_iovas.1.last=0xffffffffffff", NULL, &io, &e), 0);
	assert_int_equal(((const struct uapi_iommu_ioas_iova_ranges *)io.arg)->num_iovas, 2);
	assert_int_equal(io.plen, 32);
	for (size_t i = 0; i < io.plen; i++)
		assert_int_equal(io.pdata[i], 0);
	stream_ioctl_release(&io);
	/* the probe: nothing named, no room */
	assert_int_equal(enc("ioctl 3 IOMMU_IOAS_IOVA_RANGES ioas_id=2 -> errno=EMSGSIZE "
			     "num_iovas=2", NULL, &io, &e), 0);
	assert_null(io.pdata);
	stream_ioctl_release(&io);
	expect_error("ioctl 3 IOMMU_IOAS_IOVA_RANGES allowed_iovas.0.start=0", -EINVAL,
		     "'allowed_iovas.0.start' is written by the kernel; give it after '->'");
	/* ALLOW_IOVAS is the input direction */
	assert_int_equal(enc("ioctl 3 IOMMU_IOAS_ALLOW_IOVAS ioas_id=2 allowed_iovas.0.start=0x1000 "
			     "allowed_iovas.0.last=0x1fff", NULL, &io, &e), 0);
	assert_int_equal(((const struct uapi_iommu_ioas_allow_iovas *)io.arg)->num_iovas, 1);
	assert_int_equal(io.plen, 16);
	assert_int_equal(io.pdata[1], 0x10);
	assert_int_equal(io.pdata[9], 0x1f);
	stream_ioctl_release(&io);
	/* HW info: the room for the largest type when data.* results are named */
	assert_int_equal(enc("ioctl 3 IOMMU_GET_HW_INFO dev_id=1 -> out_data_type=INTEL_VTD "
			     "data.cap_reg=0x1", NULL, &io, &e), 0);
	assert_int_equal(io.plen, 40);
	stream_ioctl_release(&io);
	/* dirty bitmap: one bit per page, in u64 words */
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_GET_DIRTY_BITMAP hwpt_id=1 length=0x200000 "
			     "page_size=0x1000 -> data.7=1", NULL, &io, &e), 0);
	assert_int_equal(io.plen, 64);
	stream_ioctl_release(&io);
	assert_int_equal(enc("ioctl 3 IOMMU_HWPT_GET_DIRTY_BITMAP length=0x1001 page_size=0x1000",
			     NULL, &io, &e), 0);
	assert_int_equal(io.plen, 8);
	stream_ioctl_release(&io);
	expect_error("ioctl 3 IOMMU_HWPT_GET_DIRTY_BITMAP length=0x100000000000 page_size=1",
		     -E2BIG, "more than the 1048576 a stream describes");
	expect_error("ioctl 3 IOMMU_HWPT_GET_DIRTY_BITMAP -> data.0.x=1", -EINVAL,
		     "bitmap words are written data.N");
}

static void scalar_arguments(void **state)
{
	(void)state;
	stream_ioctl_t io;
	iommusim_error_t e;

	assert_int_equal(enc("ioctl 20 VFIO_SET_IOMMU type=TYPE1v2_IOMMU", NULL, &io, &e), 0);
	assert_int_equal(io.value, 3);
	assert_int_equal(io.arg_len, 0);
	stream_ioctl_release(&io);
	assert_int_equal(enc("ioctl 20 VFIO_CHECK_EXTENSION extension=9 -> ret=1", NULL, &io, &e),
			 0);
	assert_int_equal(io.value, 9);
	stream_ioctl_release(&io);
	assert_int_equal(enc("ioctl 21 VFIO_GROUP_SET_CONTAINER container_fd=20", NULL, &io, &e),
			 0);
	assert_int_equal(io.arg_len, 4);
	assert_int_equal(io.arg[0], 20);
	stream_ioctl_release(&io);
	assert_int_equal(enc("ioctl 21 VFIO_GROUP_GET_DEVICE_FD name=\"0000:05:00.0 vf_token=x\"",
			     NULL, &io, &e), 0);
	assert_string_equal((const char *)io.arg, "0000:05:00.0 vf_token=x");
	assert_int_equal(io.arg_len, 24);
	stream_ioctl_release(&io);
	assert_int_equal(enc("ioctl 4 VFIO_DEVICE_RESET", NULL, &io, &e), 0);
	assert_int_equal(io.arg_len, 0);
	stream_ioctl_release(&io);
}

/* ---- results ------------------------------------------------------------------------- */

typedef struct seen {
	int n;
	char key[8][40];
	char expected[8][80];
	char got[8][80];
} seen_t;

static void on_mismatch(void *ctx, const stream_line_t *l, const stream_mismatch_t *m)
{
	seen_t *s = ctx;
	(void)l;
	if (s->n < 8) {
		snprintf(s->key[s->n], sizeof(s->key[0]), "%s", m->key);
		snprintf(s->expected[s->n], sizeof(s->expected[0]), "%s", m->expected);
		snprintf(s->got[s->n], sizeof(s->got[0]), "%s", m->got);
	}
	s->n++;
}

static int check(const char *text, stream_vars_t *vars, const void *after, const void *pafter,
		 size_t plen, long ret, seen_t *seen)
{
	stream_line_t l;
	stream_ioctl_t io;
	iommusim_error_t e;
	int rc;

	parse(text, &l);
	memset(seen, 0, sizeof(*seen));
	if (stream_ioctl_encode(&l, vars, &io, &e) != 0)
		fail_msg("%s", e.msg);
	rc = stream_ioctl_check(&l, &io, after, pafter, plen, ret, vars, on_mismatch, seen, &e);
	stream_ioctl_release(&io);
	stream_line_free(&l);
	return rc;
}

static void results_bind_and_compare(void **state)
{
	(void)state;
	stream_vars_t *vars = stream_vars_create();
	struct uapi_iommu_ioas_alloc after = { .size = 12, .out_ioas_id = 9 };
	seen_t s;
	uint64_t v;
	iommusim_error_t e;

	assert_int_equal(check("ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas", vars, &after,
			       NULL, 0, 0, &s), 0);
	assert_int_equal(stream_vars_get(vars, "ioas", "f", 1, 0, &v, &e), 0);
	assert_int_equal(v, 9);
	/* bound now: the same name compares */
	after.out_ioas_id = 10;
	assert_int_equal(check("ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas", vars, &after,
			       NULL, 0, 0, &s), 1);
	assert_string_equal(s.key[0], "out_ioas_id");
	assert_string_equal(s.expected[0], "$ioas (9)");
	assert_string_equal(s.got[0], "10");
	/* literal values */
	assert_int_equal(check("ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=10", vars, &after, NULL,
			       0, 0, &s), 0);
	/* a failure without errno= is a mismatch, and binds nothing */
	assert_int_equal(check("ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$other", vars, &after,
			       NULL, 0, -ENOMEM, &s), 1);
	assert_string_equal(s.key[0], "errno");
	assert_string_equal(s.expected[0], "success");
	assert_string_equal(s.got[0], "ENOMEM");
	assert_false(stream_vars_is_bound(vars, "other"));
	/* the recorded errno */
	assert_int_equal(check("ioctl 3 IOMMU_DESTROY id=$ioas -> errno=EBUSY", vars, &after,
			       NULL, 0, -EBUSY, &s), 0);
	assert_int_equal(check("ioctl 3 IOMMU_DESTROY id=$ioas -> errno=EBUSY", vars, &after,
			       NULL, 0, -ENOENT, &s), 1);
	assert_string_equal(s.expected[0], "EBUSY");
	assert_string_equal(s.got[0], "ENOENT");
	assert_int_equal(check("ioctl 3 IOMMU_DESTROY id=$ioas -> errno=EBUSY", vars, &after,
			       NULL, 0, 0, &s), 1);
	assert_string_equal(s.got[0], "success");
	/* ret */
	assert_int_equal(check("ioctl 20 VFIO_CHECK_EXTENSION extension=TYPE1_IOMMU -> ret=1",
			       vars, NULL, NULL, 0, 1, &s), 0);
	assert_int_equal(check("ioctl 20 VFIO_CHECK_EXTENSION extension=TYPE1_IOMMU -> ret=1",
			       vars, NULL, NULL, 0, 0, &s), 1);
	assert_string_equal(s.key[0], "ret");
	assert_int_equal(check("ioctl 21 VFIO_GROUP_GET_DEVICE_FD name=0000:05:00.0 -> ret=$dfd",
			       vars, NULL, NULL, 0, 23, &s), 0);
	assert_int_equal(stream_vars_get(vars, "dfd", "f", 1, 0, &v, &e), 0);
	assert_int_equal(v, 23);
	stream_vars_destroy(vars);
}

static void results_with_names_and_payloads(void **state)
{
	(void)state;
	struct uapi_iommu_hw_info after = { .size = 40, .data_len = 24,
					    .out_data_type = 1, .out_capabilities = 1 };
	struct uapi_iommu_hw_info_vtd info = { .cap_reg = 0xd2008c40660462ull,
					       .ecap_reg = 0xf050df };
	seen_t s;

	assert_int_equal(check("ioctl 3 IOMMU_GET_HW_INFO dev_id=1 data_len=24 -> "
			       "out_data_type=INTEL_VTD out_capabilities=DIRTY_TRACKING "
			       "data.cap_reg=0xd2008c40660462 data.ecap_reg=0xf050df", NULL,
			       &after, &info, sizeof(info), 0, &s), 0);
	assert_int_equal(check("ioctl 3 IOMMU_GET_HW_INFO dev_id=1 data_len=24 -> "
			       "out_data_type=ARM_SMMUV3 out_capabilities=DIRTY_TRACKING|"
			       "PCI_PASID_EXEC data.ecap_reg=0xf050de", NULL, &after, &info,
			       sizeof(info), 0, &s), 3);
	assert_string_equal(s.expected[0], "ARM_SMMUV3");
	assert_string_equal(s.got[0], "INTEL_VTD");
	assert_string_equal(s.expected[1], "DIRTY_TRACKING|PCI_PASID_EXEC");
	assert_string_equal(s.got[1], "DIRTY_TRACKING");
	assert_string_equal(s.key[2], "data.ecap_reg");
	assert_string_equal(s.expected[2], "0xf050de");
	assert_string_equal(s.got[2], "0xf050df");
	/* a field the reported type does not have */
	after.out_data_type = 0;
	assert_int_equal(check("ioctl 3 IOMMU_GET_HW_INFO dev_id=1 data_len=24 -> "
			       "data.cap_reg=0x1", NULL, &after, &info, sizeof(info), 0, &s), 1);
	assert_non_null(strstr(s.got[0], "absent"));

	/* IOVA ranges and the dirty bitmap */
	struct uapi_iommu_ioas_iova_ranges r = { .size = 32, .num_iovas = 2,
						 .out_iova_alignment = 0x1000 };
	struct uapi_iommu_iova_range ranges[2] = { { 0, 0xfedfffff },
						   { 0xfef00000, 0xffffffffffffull } };
	assert_int_equal(check("ioctl 3 IOMMU_IOAS_IOVA_RANGES ioas_id=2 num_iovas=2 -> "
			       "num_iovas=2 out_iova_alignment=0x1000 allowed_iovas.0.start=0 "
			       "allowed_iovas.0.last=0xfedfffff allowed_iovas.1.start=0xfef00000 "
			       "allowed_iovas.1.last=0xffffffffffff", NULL, &r, ranges,
			       sizeof(ranges), 0, &s), 0);
	assert_int_equal(check("ioctl 3 IOMMU_IOAS_IOVA_RANGES ioas_id=2 num_iovas=2 -> "
			       "allowed_iovas.1.last=0xfffffffffff", NULL, &r, ranges,
			       sizeof(ranges), 0, &s), 1);
	assert_string_equal(s.got[0], "0xffffffffffff");
	uint64_t bitmap[8] = { 3, 0, 0, 0, 0, 1ull << 63, 0, 0 };
	struct uapi_iommu_hwpt_get_dirty_bitmap d = { .size = 48, .length = 0x200000,
						      .page_size = 0x1000 };
	assert_int_equal(check("ioctl 3 IOMMU_HWPT_GET_DIRTY_BITMAP hwpt_id=1 length=0x200000 "
			       "page_size=0x1000 -> data.0=0x3 data.5=0x8000000000000000", NULL,
			       &d, bitmap, sizeof(bitmap), 0, &s), 0);
	assert_int_equal(check("ioctl 3 IOMMU_HWPT_GET_DIRTY_BITMAP hwpt_id=1 length=0x200000 "
			       "page_size=0x1000 -> data.1=0x1 data.8=0", NULL, &d, bitmap,
			       sizeof(bitmap), 0, &s), 2);
	assert_string_equal(s.got[0], "0x0");
	assert_non_null(strstr(s.got[1], "absent"));
	/* failures compare fields too (EMSGSIZE reports the count needed) */
	r.num_iovas = 3;
	assert_int_equal(check("ioctl 3 IOMMU_IOAS_IOVA_RANGES ioas_id=2 -> errno=EMSGSIZE "
			       "num_iovas=2", NULL, &r, NULL, 0, -EMSGSIZE, &s), 1);
	assert_string_equal(s.key[0], "num_iovas");
}

/* ---- describing recorded calls ---------------------------------------------------------- */

static char *describe(const uapi_ioctl_t *cmd, uint64_t fd, const void *before,
		      const void *after, size_t len, uint64_t value, const void *pin,
		      const void *pout, size_t plen, long ret)
{
	stream_line_t l;
	iommusim_error_t e;
	stream_line_init(&l);
	if (stream_ioctl_describe_call(&l, cmd, fd, before, len, value, pin, plen, &e) != 0)
		fail_msg("%s", e.msg);
	if (stream_ioctl_describe_result(&l, cmd, before, after, len, pout, plen, ret, &e) != 0)
		fail_msg("%s", e.msg);
	char *s = stream_line_format(&l);
	stream_line_free(&l);
	return s;
}

static void describe_round_trip(void **state)
{
	(void)state;
	struct uapi_iommu_ioas_map map = { .size = 40, .flags = 7, .ioas_id = 2,
					   .user_va = 0x7f0000000000ull, .length = 0x200000,
					   .iova = 0x100000 };
	char *s = describe(uapi_ioctl_by_name("IOMMU_IOAS_MAP"), 3, &map, &map, sizeof(map), 0,
			   NULL, NULL, 0, 0);
	assert_string_equal(s, "ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|WRITEABLE|READABLE "
			       "ioas_id=2 user_va=0x7f0000000000 length=0x200000 iova=0x100000 -> "
			       "iova=0x100000");
	/* and the description encodes to the same bytes */
	stream_ioctl_t io;
	iommusim_error_t e;
	assert_int_equal(enc(s, NULL, &io, &e), 0);
	assert_memory_equal(io.arg, &map, sizeof(map));
	stream_ioctl_release(&io);
	free(s);

	/* a failure: errno, and only what changed */
	struct uapi_iommu_ioas_unmap un = { .size = 24, .ioas_id = 2, .iova = 0xc0000,
					    .length = 0x20000 };
	s = describe(uapi_ioctl_by_name("IOMMU_IOAS_UNMAP"), 3, &un, &un, sizeof(un), 0, NULL,
		     NULL, 0, -ENOENT);
	assert_string_equal(s, "ioctl 3 IOMMU_IOAS_UNMAP ioas_id=2 iova=0xc0000 length=0x20000 "
			       "-> errno=ENOENT");
	free(s);

	/* an IOAS alloc; a shorter caller shows its size */
	struct uapi_iommu_ioas_alloc b = { .size = 12 }, a = { .size = 12, .out_ioas_id = 4 };
	s = describe(uapi_ioctl_by_name("IOMMU_IOAS_ALLOC"), 3, &b, &a, sizeof(a), 0, NULL, NULL,
		     0, 0);
	assert_string_equal(s, "ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=4");
	free(s);
	struct uapi_iommu_hwpt_alloc hb = { .size = 40, .dev_id = 1, .pt_id = 2 }, ha = hb;
	ha.out_hwpt_id = 5;
	ha.fault_id = 0x55;   /* past the caller's size: not shown */
	s = describe(uapi_ioctl_by_name("IOMMU_HWPT_ALLOC"), 3, &hb, &ha, sizeof(ha), 0, NULL,
		     NULL, 0, 0);
	assert_string_equal(s, "ioctl 3 IOMMU_HWPT_ALLOC size=40 dev_id=1 pt_id=2 -> "
			       "out_hwpt_id=5");
	free(s);

	/* a nested HWPT with its VT-d stage-1 data: the payload replaces the pointer */
	struct uapi_iommu_hwpt_vtd_s1 s1 = { .flags = 5, .pgtbl_addr = 0x1000, .addr_width = 48 };
	struct uapi_iommu_hwpt_alloc nb = { .size = 48, .dev_id = 1, .pt_id = 6, .data_type = 1,
					    .data_len = 24, .data_uptr = 0x7ffd0000 }, na = nb;
	na.out_hwpt_id = 7;
	s = describe(uapi_ioctl_by_name("IOMMU_HWPT_ALLOC"), 3, &nb, &na, sizeof(na), 0, &s1,
		     NULL, sizeof(s1), 0);
	assert_string_equal(s, "ioctl 3 IOMMU_HWPT_ALLOC dev_id=1 pt_id=6 data_type=VTD_S1 "
			       "data_len=24 data.flags=SRE|WPE data.pgtbl_addr=0x1000 "
			       "data.addr_width=48 -> out_hwpt_id=7");
	assert_int_equal(enc(s, NULL, &io, &e), 0);
	assert_memory_equal(io.pdata, &s1, sizeof(s1));
	stream_ioctl_release(&io);
	free(s);

	/* HW info with its output payload */
	struct uapi_iommu_hw_info ib = { .size = 40, .dev_id = 1, .data_len = 24,
					 .data_uptr = 0x1000 }, ia = ib;
	ia.out_data_type = 1;
	ia.out_max_pasid_log2 = 20;
	ia.out_capabilities = 1;
	struct uapi_iommu_hw_info_vtd vtd = { .cap_reg = 0xd2008c40660462ull, .ecap_reg = 0 };
	s = describe(uapi_ioctl_by_name("IOMMU_GET_HW_INFO"), 3, &ib, &ia, sizeof(ia), 0, NULL,
		     &vtd, sizeof(vtd), 0);
	assert_string_equal(s, "ioctl 3 IOMMU_GET_HW_INFO dev_id=1 data_len=24 data_uptr=0x1000 "
			       "-> data_len=24 out_data_type=INTEL_VTD out_max_pasid_log2=20 "
			       "out_capabilities=DIRTY_TRACKING data.flags=0 "
			       "data.cap_reg=0xd2008c40660462 data.ecap_reg=0x0");
	free(s);

	/* VFIO: scalar, pointer-to-int, string, flags with unknown bits */
	s = describe(uapi_ioctl_by_name("VFIO_SET_IOMMU"), 20, NULL, NULL, 0, 3, NULL, NULL, 0,
		     0);
	assert_string_equal(s, "ioctl 20 VFIO_SET_IOMMU type=TYPE1v2_IOMMU");
	free(s);
	s = describe(uapi_ioctl_by_name("VFIO_CHECK_EXTENSION"), 20, NULL, NULL, 0, 1, NULL,
		     NULL, 0, 1);
	assert_string_equal(s, "ioctl 20 VFIO_CHECK_EXTENSION extension=TYPE1_IOMMU -> ret=1");
	free(s);
	int32_t cfd = 20;
	s = describe(uapi_ioctl_by_name("VFIO_GROUP_SET_CONTAINER"), 21, &cfd, NULL, 4, 0, NULL,
		     NULL, 0, 0);
	assert_string_equal(s, "ioctl 21 VFIO_GROUP_SET_CONTAINER container_fd=20");
	free(s);
	const char *name = "0000:05:00.0 vf_token=1";
	s = describe(uapi_ioctl_by_name("VFIO_GROUP_GET_DEVICE_FD"), 21, name, NULL,
		     strlen(name) + 1, 0, NULL, NULL, 0, 22);
	assert_string_equal(s, "ioctl 21 VFIO_GROUP_GET_DEVICE_FD name=\"0000:05:00.0 "
			       "vf_token=1\" -> ret=22");
	free(s);
	struct uapi_vfio_iommu_type1_dma_map dm = { .argsz = 32, .flags = 3 | 0x10,
						    .vaddr = 0x1000, .iova = 0x1000,
						    .size = 0x1000 };
	s = describe(uapi_ioctl_by_name("VFIO_IOMMU_MAP_DMA"), 20, &dm, &dm, sizeof(dm), 0, NULL,
		     NULL, 0, -EINVAL);
	assert_string_equal(s, "ioctl 20 VFIO_IOMMU_MAP_DMA flags=READ|WRITE|0x10 vaddr=0x1000 "
			       "iova=0x1000 size=0x1000 -> errno=EINVAL");
	assert_int_equal(enc(s, NULL, &io, &e), 0);
	assert_memory_equal(io.arg, &dm, sizeof(dm));
	stream_ioctl_release(&io);
	free(s);
}

/* Every ioctl line of the shipped shapes encodes, with IDs bound as a replay would. */
static void shipped_shapes_encode(void **state)
{
	(void)state;
	static const char *const shapes[] = {
		"qemu_no_viommu.stream", "qemu_nested_vtd.stream", "dpdk_cdev.stream",
		"dpdk_type1.stream", "spdk_type1.stream",
	};
	const char *here = __FILE__;
	const char *slash = strrchr(here, '/');
	int dir = slash ? (int)(slash - here) : 0;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		char path[512];
		stream_doc_t doc;
		iommusim_error_t e;
		stream_vars_t *vars = stream_vars_create();
		uint64_t next_id = 100;
		size_t ioctls = 0;

		snprintf(path, sizeof(path), "%.*s%sdata/%s", dir, here, slash ? "/" : "",
			 shapes[i]);
		if (stream_doc_load(&doc, path, &e) != 0)
			fail_msg("%s", e.msg);
		for (size_t j = 0; j < doc.nlines; j++) {
			const stream_line_t *l = &doc.lines[j];
			if (l->kind != STREAM_LINE_COMMAND)
				continue;
			/* other verbs: bind their $name results to fresh numbers */
			if (strcmp(l->verb, "ioctl") != 0) {
				for (size_t k = 0; k < l->nres; k++)
					if (l->res[k].v.kind == STREAM_REF &&
					    !stream_vars_is_bound(vars, l->res[k].v.text))
						stream_vars_bind(vars, l->res[k].v.text, next_id++,
								 l->lineno, &e);
				continue;
			}
			stream_ioctl_t io;
			if (stream_ioctl_validate(l, &e) != 0)
				fail_msg("%s", e.msg);
			if (stream_ioctl_encode(l, vars, &io, &e) != 0)
				fail_msg("%s", e.msg);
			/* a stand-in kernel: the call does what the line recorded, and every
			 * ID the line binds comes back fresh */
			uint8_t after[UAPI_ARG_MAX];
			memcpy(after, io.arg, sizeof(after));
			const stream_value_t *ev = stream_line_result(l, "errno");
			long ret = ev ? -(long)uapi_errno_by_name(ev->text) : 0;
			for (size_t k = 0; k < l->nres; k++) {
				const uapi_field_t *f = uapi_ioctl_field(io.cmd, l->res[k].key);
				if (strcmp(l->res[k].key, "ret") == 0)
					ret = l->res[k].v.kind == STREAM_NUMBER ? (long)l->res[k].v.num
										: (long)next_id++;
				else if (f && l->res[k].v.kind == STREAM_REF)
					uapi_field_set(f, after, next_id++);
			}
			int mm = stream_ioctl_check(l, &io, after, io.pdata, io.plen, ret, vars,
						    NULL, NULL, &e);
			if (mm < 0)
				fail_msg("%s", e.msg);
			stream_ioctl_release(&io);
			ioctls++;
		}
		assert_true(ioctls >= 10);
		stream_doc_free(&doc);
		stream_vars_destroy(vars);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_line_to_bytes),
		cmocka_unit_test(bad_lines),
		cmocka_unit_test(size_override_and_tail),
		cmocka_unit_test(vtd_s1_payload),
		cmocka_unit_test(invalidation_array_payload),
		cmocka_unit_test(output_payloads),
		cmocka_unit_test(scalar_arguments),
		cmocka_unit_test(results_bind_and_compare),
		cmocka_unit_test(results_with_names_and_payloads),
		cmocka_unit_test(describe_round_trip),
		cmocka_unit_test(shipped_shapes_encode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
