/**
 * "Did you mean ...?" for every unknown-name error: the candidate with the smallest edit distance,
 * if it is close enough to be a plausible typo.
 */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const lowered = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lowered, candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  if (best === undefined) return undefined;
  // A typo changes a few characters; beyond that a suggestion is noise.
  const limit = Math.max(2, Math.floor(Math.max(name.length, best.length) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** The sentence appended to unknown-name errors, or an empty string when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = nearest(name, candidates);
  return match === undefined ? '' : ` Did you mean "${match}"?`;
}

/**
 * The one candidate that contains `name` or is contained in it (case-insensitive), if exactly one
 * does: a renamed entry often keeps the old name inside the new one (`metrics` → `model_metrics`),
 * too far apart for {@link nearest} to call it a typo.
 */
export function containing(name: string, candidates: Iterable<string>): string | undefined {
  const lowered = name.toLowerCase();
  const matches = [...candidates].filter((candidate) => {
    const other = candidate.toLowerCase();
    // Short names are inside everything: only a name of some length says something.
    const [shorter, longer] = other.length < lowered.length ? [other, lowered] : [lowered, other];
    return shorter.length >= 4 && shorter !== longer && longer.includes(shorter);
  });
  return matches.length === 1 ? matches[0] : undefined;
}

function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}
