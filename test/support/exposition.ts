/** Samples of one metric in a Prometheus text exposition body, with their labels. */
export function samplesOf(body: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  const out: Array<{ labels: Record<string, string>; value: number }> = [];
  const line = new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm');
  for (let m = line.exec(body); m; m = line.exec(body)) {
    const labels: Record<string, string> = {};
    for (const pair of (m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    out.push({ labels, value: Number(m[2]) });
  }
  return out;
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
export function valueOf(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return samplesOf(body, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
