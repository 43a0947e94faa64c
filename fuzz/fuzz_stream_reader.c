/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the stream reader (not part of the default build).
 *
 *   clang -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -fsanitize=fuzzer,address,undefined \
 *         -Iinclude -I. fuzz/fuzz_stream_reader.c host-shim/stream/[a-z]*.c \
 *         host-shim/uapi/[a-z]*.c models/core/error.c -o build/fuzz_stream_reader
 *   mkdir -p build/fuzz-corpus
 *   build/fuzz_stream_reader -max_total_time=60 build/fuzz-corpus tests/shim/data
 *
 * (docs/stream-format.md, "Fuzzing", says the same.)
 *
 * Any input must give a parsed stream or an error, never a crash, a hang or a leak. A stream
 * that parses must print and read back as the same stream (the round-trip property), and its
 * `ioctl` lines must encode or fail cleanly. A violated property stops the fuzzer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/stream/stream.h"
#include "host-shim/stream/stream_ioctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ioctls(const stream_doc_t *doc)
{
	stream_vars_t *vars = stream_vars_create();
	iommusim_error_t err;

	if (!vars)
		return;
	for (size_t i = 0; i < doc->nlines; i++) {
		const stream_line_t *l = &doc->lines[i];
		stream_ioctl_t io;
		uint8_t after[UAPI_ARG_MAX];

		if (l->kind != STREAM_LINE_COMMAND || strcmp(l->verb, STREAM_IOCTL_VERB) != 0)
			continue;
		(void)stream_ioctl_validate(l, &err);
		stream_vars_expect_line(vars, l);
		if (stream_ioctl_encode(l, vars, &io, &err) != 0)
			continue;
		/* Pretend the call did what was asked and returned the struct unchanged. */
		memcpy(after, io.arg, sizeof(after));
		(void)stream_ioctl_check(l, &io, after, io.pdata, io.plen, 0, vars, NULL, NULL,
					 &err);
		stream_ioctl_release(&io);
	}
	stream_vars_destroy(vars);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stream_doc_t doc, again;
	iommusim_error_t err;
	size_t len;
	char *text;

	/* The line-by-line reader without comments must agree with the whole-stream parse. */
	stream_reader_t *r = stream_reader_from_memory((const char *)data, size, "fuzz", 0);
	if (r) {
		stream_line_t l;
		stream_line_init(&l);
		while (stream_reader_next(r, &l, &err) > 0)
			;
		stream_line_free(&l);
		stream_reader_close(r);
	}

	if (stream_doc_parse(&doc, (const char *)data, size, "fuzz", &err) != 0) {
		/* every error is a located message */
		if (strncmp(err.msg, "fuzz:", 5) != 0 && err.code != -12 /* ENOMEM */)
			__builtin_trap();
		return 0;
	}
	text = stream_doc_format(&doc, &len);
	if (text) {
		if (stream_doc_parse(&again, text, len, "fuzz", &err) != 0)
			__builtin_trap();
		if (!stream_doc_equal(&doc, &again))
			__builtin_trap();
		stream_doc_free(&again);
		free(text);
	}
	check_ioctls(&doc);
	stream_doc_free(&doc);
	return 0;
}
