// /metrics under --num_workers: whichever worker answers the scrape shows the
// sum over every worker, not only its own counts. prom-client's
// AggregatorRegistry does the gathering, but only from the primary, which
// serves no HTTP; so the worker asks the primary over the cluster IPC channel,
// the primary gathers every worker's registry and sends the text back.
// Nothing of this runs unless someone scrapes.
//
// How values combine: counters and histograms add up; gauges add up unless
// they say otherwise (`aggregator`): a provider's remaining budget is the same
// budget seen by every worker, so it takes the lowest, not the sum.

import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

interface ScrapeRequest {
  switchyardScrape: number;
}

interface ScrapeAnswer {
  switchyardScrapeAnswer: number;
  text?: string;
  error?: string;
}

const SCRAPE_TIMEOUT_MS = 6000;

/** In the primary: answers workers' scrape requests with every worker's metrics, aggregated. */
export function serveClusterScrapes(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    const id = (message as Partial<ScrapeRequest> | null)?.switchyardScrape;
    if (typeof id !== 'number') return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ switchyardScrapeAnswer: id, text } satisfies ScrapeAnswer),
      (err: Error) => worker.send({ switchyardScrapeAnswer: id, error: err.message } satisfies ScrapeAnswer),
    );
  });
}

/**
 * In a worker: `render()` for the whole cluster. When the primary does not
 * answer (it is restarting a worker that hangs …), this worker's own metrics
 * are served, marked by a comment, rather than none.
 */
export function clusterRenderer(registry: Registry): () => Promise<string> {
  // Registering makes prom-client answer the primary's requests with this registry.
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry();
  const waiting = new Map<number, (answer: ScrapeAnswer) => void>();
  let next = 0;
  process.on('message', (message: unknown) => {
    const answer = message as Partial<ScrapeAnswer> | null;
    if (typeof answer?.switchyardScrapeAnswer === 'number') waiting.get(answer.switchyardScrapeAnswer)?.(answer as ScrapeAnswer);
  });
  return async () => {
    const id = next++;
    const answer = await new Promise<ScrapeAnswer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), SCRAPE_TIMEOUT_MS);
      waiting.set(id, (a) => {
        clearTimeout(timer);
        resolve(a);
      });
      process.send?.({ switchyardScrape: id } satisfies ScrapeRequest);
    });
    waiting.delete(id);
    if (answer?.text !== undefined) return answer.text;
    const why = answer?.error ?? 'no answer from the primary';
    return `# switchyard: the other workers' metrics are missing (${why}); this worker's only.\n${await registry.metrics()}`;
  };
}
