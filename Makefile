# rcunet top-level Makefile.
#
#   make                 build every module for KDIR
#   make bench           the main job: set-up, boot the stock kernel, run every benchmark
#   make check           the tests: set-up, static gates, debug + stock kernel runs
#   make sparse | cocci | checkpatch | selftest   single gates
#   make check-kasan | check-kcsan   the tests on an on-demand sanitizer kernel
#   make setup           packages, stock kernel, debug kernel (idempotent)
#   make clean

# Default KDIR: the running kernel's build tree if it has one, else the
# newest installed Debian amd64 headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))

SHELL := /bin/bash

.PHONY: all modules clean setup kernels check bench sparse cocci checkpatch selftest \
	check-kasan check-kcsan

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers: run 'make setup' or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf out

setup:
	scripts/setup

kernels:
	scripts/build-kernel --all

check:
	scripts/check

bench:
	scripts/bench $(if $(QUICK),--quick) $(if $(CPUS),--cpus $(CPUS)) \
		$(if $(LOOPS),--loops $(LOOPS)) $(if $(MODULES),--modules $(MODULES))

sparse:
	scripts/gate-sparse

cocci:
	scripts/gate-cocci

checkpatch:
	scripts/gate-checkpatch

selftest:
	scripts/selftest

check-kasan check-kcsan:
	scripts/setup stock
	scripts/run-tests $(patsubst check-%,%,$@)
