/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mcastfwd — DPDK IPv4 multicast forwarding appliance.
 *
 *   mcastfwd [EAL args] -- --config FILE [--log-level LEVEL]
 *                          [--stats-interval S] [--stats-file PATH]
 *
 * Start-up order matters: the configuration is read and validated before
 * EAL touches any device, so a bad file costs nothing; ports are resolved
 * and checked before any is configured.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "app.h"

RTE_LOG_REGISTER(app_logtype, mcastfwd.app, INFO);

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: mcastfwd [EAL options] -- --config FILE [options]\n"
		"  --config FILE        JSON configuration (doc/configuration.md)\n"
		"  --log-level LEVEL    emerg|alert|crit|err|warning|notice|info|debug\n"
		"                       or 1..8 (default info)\n"
		"  --stats-interval S   log a stats line and rewrite the stats\n"
		"                       file every S seconds (0 = off)\n"
		"  --stats-file PATH    write counters and MFEs as JSON there\n"
		"                       (at each interval and at exit)\n"
		"  --churn-rate N       benchmarking: republish N entries per\n"
		"                       second from a reserved churn set\n"
		"  --churn-entries K    size of that set (default 10000)\n"
		"  --help               this text\n");
}

static int
parse_level(const char *s)
{
	static const char *const names[] = {"emerg", "alert", "crit", "err",
					    "warning", "notice", "info",
					    "debug"};
	char *end;
	long v;

	for (unsigned int i = 0; i < RTE_DIM(names); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i + 1;
	if (strcmp(s, "error") == 0)
		return RTE_LOG_ERR;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > 8)
		return -1;
	return (int)v;
}

/* Parse the application's own arguments (after "--"). */
static int
parse_args(struct app *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"log-level", required_argument, NULL, 'l'},
		{"stats-interval", required_argument, NULL, 'i'},
		{"stats-file", required_argument, NULL, 's'},
		{"churn-rate", required_argument, NULL, 'r'},
		{"churn-entries", required_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *end;
	long v;
	int c;

	a->log_level = RTE_LOG_INFO;
	a->churn_entries = 10000;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a->config_path = optarg;
			break;
		case 'l':
			a->log_level = parse_level(optarg);
			if (a->log_level < 0) {
				fprintf(stderr,
					"mcastfwd: --log-level: unknown level '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'i':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 0 ||
			    v > 86400) {
				fprintf(stderr,
					"mcastfwd: --stats-interval: expected seconds 0..86400, got '%s'\n",
					optarg);
				return -1;
			}
			a->stats_interval = (unsigned int)v;
			break;
		case 's':
			a->stats_file = optarg;
			break;
		case 'r':
		case 'e':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 0 ||
			    v > 100000000) {
				fprintf(stderr,
					"mcastfwd: --%s: expected 0..100000000, got '%s'\n",
					c == 'r' ? "churn-rate" : "churn-entries",
					optarg);
				return -1;
			}
			if (c == 'r')
				a->churn_rate = (uint32_t)v;
			else
				a->churn_entries = (uint32_t)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "mcastfwd: unknown option '%s'\n",
				argv[optind - 1]);
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mcastfwd: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (a->config_path == NULL) {
		fprintf(stderr, "mcastfwd: --config FILE is required\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct app app; /* large: keep it off the stack */
	char err[CTL_ERR_MAX];
	int eal_argc = argc, rc = 1;

	/* Application arguments follow "--"; read them (and the config)
	 * before EAL initialises anything. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			eal_argc = i;
			break;
		}
	}
	if (eal_argc == argc) {
		fprintf(stderr, "mcastfwd: missing '--' before the application options\n");
		usage(stderr);
		return 2;
	}
	if (parse_args(&app, argc - eal_argc, argv + eal_argc) != 0)
		return 2;
	if (ctl_config_load_file(app.config_path, &app.cfg, err) != 0) {
		fprintf(stderr, "mcastfwd: config: %s\n", err);
		return 1;
	}

	if (rte_eal_init(eal_argc, argv) < 0) {
		fprintf(stderr,
			"mcastfwd: EAL initialisation failed: %s\n"
			"  (no hugepages? try --no-huge -m 512, or see scripts/setup-hugepages.sh)\n",
			rte_strerror(rte_errno));
		ctl_config_free(app.cfg);
		return 1;
	}
	/* --log-level applies to every mcastfwd.* log type (app, mfib, fwd). */
	rte_log_set_level_pattern("mcastfwd.*", (uint32_t)app.log_level);

	if (app_ports_resolve(&app) != 0 || app_place_workers(&app) != 0 ||
	    app_setup_fastpath(&app) != 0 || app_ports_start(&app) != 0 ||
	    app_setup_control_plane(&app) != 0 ||
	    app_setup_workers(&app) != 0 || app_churn_start(&app) != 0)
		goto out;

	app_signals_install();
	app_ports_check_links(&app, true);
	for (unsigned int i = 0; i < app.n_workers; i++)
		rte_eal_remote_launch(fwd_worker_main, app.worker[i].fw,
				      app.worker[i].lcore);
	APP_LOG(NOTICE, "forwarding with %u worker lcore(s)", app.n_workers);

	app_control_loop(&app);

	APP_LOG(NOTICE, "stopping");
	fwd_stop();
	rte_eal_mp_wait_lcore();
	app_drain_punts(&app);
	app_stats_log_line(&app);
	if (app.stats_file != NULL)
		app_stats_write_file(&app);
	rc = 0;
out:
	app_teardown(&app);
	app_ports_stop(&app);
	ctl_config_free(app.cfg);
	rte_eal_cleanup();
	return rc;
}
