/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Buffered transmit: one rte_eth_dev_tx_buffer per (worker, port), on the
 * worker's own tx queue of that port, so workers never share a queue.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "fwd_private.h"

/* The NIC refused part of a burst (queue full): count and free. */
static void
fwd_tx_error(struct rte_mbuf **unsent, uint16_t count, void *userdata)
{
	struct fwd_worker *w = userdata;

	w->stats.tx_drops += count;
	rte_pktmbuf_free_bulk(unsent, count);
}

int
fwd_tx_init(struct fwd_worker *w, int socket)
{
	uint16_t port;
	int rc;

	for (port = 0; port < RTE_MAX_ETHPORTS; port++) {
		struct rte_eth_dev_tx_buffer *b;

		if (w->conf.tx_queue[port] == UINT16_MAX ||
		    !rte_eth_dev_is_valid_port(port))
			continue;
		b = rte_zmalloc_socket("fwd_txbuf",
		                       RTE_ETH_TX_BUFFER_SIZE(FWD_TX_BURST), 0,
		                       socket);
		if (b == NULL)
			return -ENOMEM;
		rc = rte_eth_tx_buffer_init(b, FWD_TX_BURST);
		if (rc == 0)
			rc = rte_eth_tx_buffer_set_err_callback(b, fwd_tx_error,
			                                        w);
		if (rc != 0) {
			rte_free(b);
			return rc;
		}
		w->txb[port] = b;
		w->tx_port[w->n_tx_port++] = port;
	}
	return 0;
}

void
fwd_tx_fini(struct fwd_worker *w)
{
	uint16_t i;

	for (i = 0; i < w->n_tx_port; i++) {
		rte_free(w->txb[w->tx_port[i]]);
		w->txb[w->tx_port[i]] = NULL;
	}
	w->n_tx_port = 0;
}

void
fwd_tx_flush_port(struct fwd_worker *w, uint16_t port)
{
	w->stats.tx_pkts += rte_eth_tx_buffer_flush(
	        port, w->conf.tx_queue[port], w->txb[port]);
}

void
fwd_send_bulk(struct fwd_worker *w, uint16_t port, struct rte_mbuf **m,
              uint16_t n)
{
	struct rte_eth_dev_tx_buffer *b = w->txb[port];

	/* A whole burst and nothing before it: straight from the array. */
	if (b->length == 0 && n == FWD_TX_BURST) {
		uint16_t sent = rte_eth_tx_burst(port, w->conf.tx_queue[port],
		                                 m, n);

		w->stats.tx_pkts += sent;
		if (unlikely(sent < n))
			fwd_tx_error(m + sent, n - sent, w);
		return;
	}
	while (n > 0) {
		uint16_t k = RTE_MIN(n, (uint16_t)(FWD_TX_BURST - b->length));

		memcpy(&b->pkts[b->length], m, k * sizeof(*m));
		b->length += k;
		m += k;
		n -= k;
		if (b->length == FWD_TX_BURST)
			fwd_tx_flush_port(w, port);
	}
}

void
fwd_worker_flush(struct fwd_worker *w)
{
	uint16_t i;

	for (i = 0; i < w->n_tx_port; i++)
		fwd_tx_flush_port(w, w->tx_port[i]);
	w->last_flush = rte_rdtsc();
}
