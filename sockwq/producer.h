/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SOCKWQ_PRODUCER_H
#define _SOCKWQ_PRODUCER_H

#include <linux/types.h>
#include <linux/atomic.h>

/* Most endpoints one "targets" command names. */
#define SWQ_PROD_MAX_TARGETS	16
/* Highest rate: messages per second per producer and target. */
#define SWQ_PROD_MAX_RATE	1000000

struct swq_prod_cfg {
	u32 rate;
	unsigned int nr_targets;
	u32 targets[SWQ_PROD_MAX_TARGETS];
};

void swq_prod_get_cfg(struct swq_prod_cfg *cfg);
int swq_prod_set_rate(u32 rate);
int swq_prod_set_targets(const u32 *ids, unsigned int n);
unsigned int swq_producers_running(void);

extern atomic64_t swq_prod_sent;
extern atomic64_t swq_prod_dropped;
extern atomic64_t swq_prod_missed;

#endif /* _SOCKWQ_PRODUCER_H */
