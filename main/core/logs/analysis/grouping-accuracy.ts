/**
 * Grouping accuracy (GA), as the Loghub benchmark defines it (Zhu et al., "Tools and Benchmarks for
 * Automated Log Parsing", ICSE-SEIP 2019): a line is parsed correctly when the set of lines the
 * parser put in its group is exactly the set of lines that share its ground-truth event. GA is the
 * share of lines parsed correctly. A group that is split or merged makes every line in it wrong.
 */

/**
 * GA of `predicted` against `truth`: two equally long lists of group labels, one per line, in the same order.
 * Labels are compared only for equality, so any string (a template id, an EventId) will do.
 */
export function groupingAccuracy(predicted: readonly string[], truth: readonly string[]): number {
  if (predicted.length !== truth.length) throw new Error(`groupingAccuracy: ${predicted.length} predicted labels for ${truth.length} lines`);
  if (truth.length === 0) throw new Error('groupingAccuracy: no lines');
  const truthSize = new Map<string, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  // Per predicted group: its size and the one truth label all its lines share (null once a second appears).
  const groups = new Map<string, { size: number; truth: string | null }>();
  for (let i = 0; i < predicted.length; i++) {
    const g = groups.get(predicted[i]!);
    if (!g) groups.set(predicted[i]!, { size: 1, truth: truth[i]! });
    else {
      g.size++;
      if (g.truth !== truth[i]) g.truth = null;
    }
  }
  let correct = 0;
  // A pure group of exactly its event's size is that event's whole set of lines.
  for (const g of groups.values()) if (g.truth !== null && truthSize.get(g.truth) === g.size) correct += g.size;
  return correct / truth.length;
}
