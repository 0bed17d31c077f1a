/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's loop.  It owns all state: it takes what workers
 * punted (first packets of unknown flows, wrong-interface arrivals, IGMP,
 * link-local traffic), lets lib/mgm create MFEs (which lib/mfib publishes
 * to the workers), forwards those first packets itself, runs MGM/RTM
 * timers, reclaims retired entries after their grace period, watches
 * links and reports.  Unlike a worker it may sleep when idle.
 */
#include <signal.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>

#include "app.h"

#define APP_PUNT_BURST   64
#define APP_HDR_TO_MGM   64      /* IP header + start of data for RPF */
#define APP_TIMER_US     10000   /* MGM/RTM timers and reclaim */
#define APP_LINK_US      1000000 /* link status poll */
#define APP_IDLE_SLEEP_US 100

static volatile sig_atomic_t app_quit;

static void
app_on_signal(int sig)
{
	(void)sig;
	app_quit = 1;
	fwd_stop();
}

void
app_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = app_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool
app_quit_requested(void)
{
	return app_quit != 0;
}

/* A miss: create the MFE (data-driven), then forward this packet through
 * the control thread's own forwarder, which now finds the entry. */
static void
app_punt_miss(struct app *a, struct rte_mbuf *m,
	      const struct fwd_punt_meta *meta)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
					meta->l2_len);
	uint32_t len = rte_pktmbuf_data_len(m) - meta->l2_len;
	enum mgm_status st;

	a->ctr.misses++;
	st = mgm_forwarder_miss(a->mgm, ip->src_addr, ip->dst_addr,
				meta->ifindex, 0, (const uint8_t *)ip,
				RTE_MIN(len, (uint32_t)APP_HDR_TO_MGM));
	if (st != MGM_OK)
		a->ctr.miss_errors++;
	fwd_process_burst(a->ctl_fw, m->port, &m, 1);
}

static void
app_punt_one(struct app *a, struct rte_mbuf *m)
{
	const struct fwd_punt_meta *meta = fwd_punt_meta(m);
	const struct rte_ipv4_hdr *ip;

	a->ctr.punts++;
	switch (meta->reason) {
	case FWD_PUNT_MISS:
		app_punt_miss(a, m, meta);
		return;
	case FWD_PUNT_WRONG_IF:
		a->ctr.wrong_if++;
		ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
					     meta->l2_len);
		mgm_forwarder_wrong_if(a->mgm, ip->src_addr, ip->dst_addr,
				       meta->ifindex, 0, (const uint8_t *)ip,
				       RTE_MIN((uint32_t)rte_pktmbuf_data_len(m) -
						       meta->l2_len,
					       (uint32_t)APP_HDR_TO_MGM));
		break;
	case FWD_PUNT_IGMP:
		/* Counted; the IGMP querier (lib/igmp) consumes these once
		 * it exists. */
		a->ctr.igmp++;
		break;
	case FWD_PUNT_LINKLOCAL:
		a->ctr.linklocal++;
		break;
	}
	rte_pktmbuf_free(m);
}

/* Take what the workers punted; returns how many packets. */
static unsigned int
app_poll_punts(struct app *a)
{
	struct rte_mbuf *pkts[APP_PUNT_BURST];
	unsigned int total = 0;

	for (unsigned int i = 0; i < a->n_workers; i++) {
		unsigned int n = rte_ring_sc_dequeue_burst(
			a->worker[i].punt, (void **)pkts, APP_PUNT_BURST,
			NULL);

		for (unsigned int k = 0; k < n; k++)
			app_punt_one(a, pkts[k]);
		total += n;
	}
	if (total > 0)
		fwd_worker_flush(a->ctl_fw);
	return total;
}

void
app_drain_punts(struct app *a)
{
	while (app_poll_punts(a) > 0)
		;
}

void
app_control_loop(struct app *a)
{
	const uint64_t hz = rte_get_timer_hz();
	const uint64_t timer_tsc = hz * APP_TIMER_US / 1000000;
	const uint64_t link_tsc = hz * APP_LINK_US / 1000000;
	const uint64_t stats_tsc = hz * a->stats_interval;
	uint64_t now = rte_get_timer_cycles();
	uint64_t next_timer = now, next_link = now + link_tsc;
	uint64_t next_stats = now + stats_tsc;

	while (!app_quit) {
		unsigned int n = app_poll_punts(a);

		now = rte_get_timer_cycles();
		app_churn_run(a, now);
		if (now >= next_timer) {
			mgm_run_timers(a->mgm);
			mfib_reclaim(a->mfib);
			next_timer = now + timer_tsc;
		}
		if (now >= next_link) {
			app_ports_check_links(a, false);
			next_link = now + link_tsc;
		}
		if (a->stats_interval > 0 && now >= next_stats) {
			app_stats_log_line(a);
			if (a->stats_file != NULL)
				app_stats_write_file(a);
			next_stats = now + stats_tsc;
		}
		if (n == 0 && a->churn_rate == 0)
			rte_delay_us_sleep(APP_IDLE_SLEEP_US);
	}
}
