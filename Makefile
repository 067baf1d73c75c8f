# rcunet top-level Makefile.
#
#   make                 build every module for KDIR
#   make bench           the main job: set-up, boot the stock kernel, run every benchmark
#   make check           the tests (6.1 tier): set-up, static gates, self-test,
#                        debug, KASAN, KCSAN and stock kernel runs, bench smoke
#   make sparse | cocci | checkpatch | kernel-doc | shape | selftest   single gates
#   make check-kasan | check-kcsan   one sanitizer kernel's part of make check
#   make check-matrix    the 6.12 tier: debug-6.12 (KUnit + integration), Debian's
#                        6.12 and 6.12-rt (integration)
#   make torture [KERNEL=kasan|kcsan|debug|debug-6.12|all] [MODULES=a,b] [DURATION=10m]
#                [TORMENTS=hotplug,fault,rmmod,stall] [CPUS=n]
#                        rcunet-torture: randomized self-checking stress
#   make torture-selftest [DURATION=5m]   planted defects torture must catch
#   make setup           packages, stock kernel, test kernels (idempotent)
#   make clean

# Default KDIR: the running kernel's build tree if it has one, else the
# headers of the stock kernel scripts/setup pinned (so that installing
# another series' headers, a 6.12 say, changes nothing), else the newest
# installed Debian amd64 headers.
RCUNET_CACHE ?= /var/cache/rcunet
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(wildcard $(addprefix /usr/src/linux-headers-,$(shell cat $(RCUNET_CACHE)/stock/stock.abi 2>/dev/null))) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))

SHELL := /bin/bash

.PHONY: all modules clean setup kernels check bench sparse cocci checkpatch selftest kernel-doc shape \
	check-kasan check-kcsan torture torture-selftest check-matrix

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
		$(if $(LOOPS),--loops $(LOOPS)) $(if $(MODULES),--modules $(MODULES)) \
		$(if $(KERNEL),--kernel $(KERNEL))

sparse:
	scripts/gate-sparse

cocci:
	scripts/gate-cocci

checkpatch:
	scripts/gate-checkpatch

kernel-doc:
	scripts/gate-kerneldoc

shape:
	scripts/gate-shape

selftest:
	scripts/selftest

check-kasan check-kcsan:
	scripts/setup
	scripts/run-tests $(patsubst check-%,%,$@)

torture:
	scripts/setup
	scripts/torture $(if $(KERNEL),--kernel $(KERNEL)) $(if $(MODULES),--modules $(MODULES)) \
		$(if $(DURATION),--duration $(DURATION)) $(if $(TORMENTS),--torments $(TORMENTS)) \
		$(if $(CPUS),--smp $(CPUS))

torture-selftest:
	scripts/setup
	scripts/torture-selftest $(if $(DURATION),--duration $(DURATION)) $(if $(ONLY),--only $(ONLY))

check-matrix:
	scripts/check-matrix
