# rcunet top-level Makefile.
#
#   make                 build every module for KDIR
#   make install | uninstall   (root) into /lib/modules/<release>/updates/rcunet, depmod
#   make dkms-deb        rcunet-dkms_<version>_all.deb (DKMS source package) in out/deb/
#   make check-install   the package on a full Debian 12 VM: apt install, dkms, modprobe,
#                        rcunet-check, bench-host, a second kernel, apt remove
#   make bench           the main job: set-up, boot the stock kernel, run every benchmark
#   make bench-compare [A=dir B=dir]   B/A of two results folders (default: the two
#                        newest under results/): compare.md, verdicts with 95% CIs
#   make check           the tests (6.1 tier): set-up, static gates, self-test,
#                        debug, KASAN, KCSAN and stock kernel runs, bench smoke
#   make sparse | cocci | checkpatch | kernel-doc | shape | selftest   single gates
#   make lint            shellcheck + python gates (make shellcheck | python-lint)
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

.PHONY: all modules clean setup install uninstall dkms-deb check-install kernels check bench bench-compare sparse cocci checkpatch selftest kernel-doc shape lint shellcheck python-lint \
	check-kasan check-kcsan torture torture-selftest check-matrix

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers: run 'make setup' or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# The release the modules are built for: KERNELRELEASE= if given, else
# KDIR's own UTS_RELEASE (Debian's headers say 6.1.192 in
# include/config/kernel.release but 6.1.0-57-amd64 where it counts).
RCUNET_KREL = $(or $(KERNELRELEASE),$(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null))

# make install (root): the modules of this build into
# /lib/modules/<release>/updates/rcunet/, then depmod, so that
# "modprobe pcpuref" loads rcunet_core through the dependency.
install: modules
	@test -n "$(RCUNET_KREL)" || { echo "install: cannot tell KDIR's kernel release; pass KERNELRELEASE=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates/rcunet modules_install
	depmod -a $(RCUNET_KREL)

uninstall:
	@test -n "$(RCUNET_KREL)" || { echo "uninstall: cannot tell KDIR's kernel release; pass KERNELRELEASE=" >&2; exit 1; }
	rm -rf /lib/modules/$(RCUNET_KREL)/updates/rcunet
	depmod -a $(RCUNET_KREL)

# make dkms-deb: rcunet-dkms_<version>_all.deb in out/deb/ (scripts/dkms-deb)
dkms-deb:
	scripts/setup install
	scripts/dkms-deb

# make check-install: the DKMS package's whole user path on a full Debian VM
check-install:
	scripts/check-install

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
		$(if $(KERNEL),--kernel $(KERNEL)) $(if $(THREADS),--threads $(THREADS)) \
		$(if $(RUNS),--runs $(RUNS)) $(if $(NO_ICOUNT),--no-icount)

# B/A of two results folders; scripts/bench-compare refuses one without the other
bench-compare:
	scripts/bench-compare $(A) $(B)

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

# both gates, whatever the first says
lint:
	@rc=0; scripts/gate-shellcheck || rc=1; scripts/gate-python || rc=1; exit $$rc

shellcheck:
	scripts/gate-shellcheck

python-lint:
	scripts/gate-python

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
