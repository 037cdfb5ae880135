// "Did you mean …?" for misspelt keys and values. Only close matches are
// offered: a wrong suggestion is worse than none.

/** Edit distance counting an adjacent transposition (`parmas` → `params`) as one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate `input` was most likely meant to be, or `undefined` when none is
 * close. Case and `-`/`_` differences are free (`least_busy` → `least-busy`); a
 * truncated name (`latency-based`) matches the shortest candidate it begins.
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const normalize = (s: string): string => s.toLowerCase().replaceAll('-', '_');
  const wanted = normalize(input);
  const allowed = Math.max(1, Math.floor(wanted.length / 4));
  let nearest: string | undefined;
  let nearestDistance = allowed + 1;
  let shortestExtension: string | undefined;
  for (const candidate of candidates) {
    const c = normalize(candidate);
    const distance = editDistance(wanted, c);
    if (distance < nearestDistance) {
      nearest = candidate;
      nearestDistance = distance;
    }
    if (wanted.length >= 4 && c.startsWith(wanted) && (shortestExtension === undefined || candidate.length < shortestExtension.length)) {
      shortestExtension = candidate;
    }
  }
  return nearest ?? shortestExtension;
}
