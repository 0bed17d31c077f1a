/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MCASTFWD_APP_H
#define MCASTFWD_APP_H

/*
 * mcastfwd's application state, shared by its files:
 *   main.c         arguments, start-up order, shutdown
 *   app_ports.c    ethdev configuration, link watch
 *   app_setup.c    worker placement, fast path and control plane from the
 *                  configuration
 *   app_control.c  the control thread's loop: punts, timers, reclaim
 *   app_stats.c    the periodic stats line and the stats file
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "ctl.h"
#include "fwd.h"
#include "mfib.h"
#include "mgm.h"
#include "rtm.h"

extern int app_logtype;
#define APP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, app_logtype, "mcastfwd: " fmt "\n", ##__VA_ARGS__)

/* The built-in "static" protocol: PROTO_IP_NETMGMT in routprot.h. */
#define APP_PROTO_STATIC 3u

struct app_port {
	bool used;
	uint16_t id;
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t n_rxq;
	uint16_t n_txq;
	bool started;
	bool link_up;
	struct rte_ether_addr mac;
};

struct app_worker {
	unsigned int lcore;
	struct fwd_worker_conf conf;
	struct fwd_worker *fw;
	struct rte_ring *punt;
};

/* What the control thread did with punted packets. */
struct app_ctl_counters {
	uint64_t punts;
	uint64_t misses;
	uint64_t miss_errors;    /* mgm_forwarder_miss failed */
	uint64_t wrong_if;
	uint64_t igmp;
	uint64_t linklocal;
	uint64_t link_changes;
	uint64_t churn_updates;  /* --churn-rate publications done */
	uint64_t churn_errors;
};

struct app {
	/* arguments */
	const char *config_path;
	const char *stats_file;
	unsigned int stats_interval;
	int log_level;
	uint32_t churn_rate;      /* --churn-rate: updates/s, 0 = off */
	uint32_t churn_entries;   /* --churn-entries: size of the churn set */

	struct ctl_config *cfg;

	struct app_port port[RTE_MAX_ETHPORTS];
	struct rte_mempool *pool;

	unsigned int n_workers;
	struct app_worker worker[RTE_MAX_LCORE];
	struct fwd_worker *ctl_fw; /* the control thread's own forwarder */

	struct mfib *mfib;
	struct rtm *rtm;
	rtm_client_t rtm_static;
	struct mgm *mgm;
	mgm_handle_t mgm_static;

	struct app_ctl_counters ctr;
};

/* app_ports.c */
int app_ports_resolve(struct app *a);
int app_ports_start(struct app *a);
void app_ports_check_links(struct app *a, bool log_all);
void app_ports_stop(struct app *a);
int app_port_of_ref(const struct ctl_port_ref *ref, uint16_t *id);

/* app_setup.c */
int app_place_workers(struct app *a);
int app_setup_fastpath(struct app *a);
int app_setup_control_plane(struct app *a);
int app_setup_workers(struct app *a);
void app_teardown(struct app *a);

/* app_control.c */
void app_signals_install(void);
bool app_quit_requested(void);
void app_control_loop(struct app *a);
void app_drain_punts(struct app *a);

/* app_churn.c */
int app_churn_start(struct app *a);
void app_churn_run(struct app *a, uint64_t now_tsc);

/* app_stats.c */
void app_stats_log_line(struct app *a);
int app_stats_write_file(struct app *a);

#endif /* MCASTFWD_APP_H */
