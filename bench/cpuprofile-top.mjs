// Reads a .cpuprofile (from `node --cpu-prof`) and prints the top frames by self time, and the self
// time summed by package (node_modules/<name>, our dist/, node: internals, V8/GC).
// Usage: node bench/cpuprofile-top.mjs <file.cpuprofile> [frames=25]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, limitArg] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/cpuprofile-top.mjs <file.cpuprofile> [frames]');
    process.exit(2);
  }
  console.log(summarize(JSON.parse(readFileSync(file, 'utf8')), Number(limitArg ?? 25), file));
}

/** The summary of a V8 CPU profile as text: self time by package, then the top frames. */
export function summarize(profile, limit = 25, label = 'profile') {
  // Self time per node: the sampled time deltas attributed to each sample's node.
  const selfById = new Map();
  profile.samples.forEach((id, index) => selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...selfById.values()].reduce((sum, value) => sum + value, 0);

  function owner(url) {
    if (!url) return '(V8 / native)';
    if (url.startsWith('node:')) return 'node: internals';
    const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (module) return module[1];
    if (url.includes('/dist/')) return 'aep-export-jobs (dist)';
    if (url.includes('/bench/')) return 'bench harness';
    return url;
  }

  /** A frame as one line: function, then its file relative to node_modules, dist/ or bench/, and line. */
  const keyOf = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const short = url
      ? url
          .replace(/^file:\/\//, '')
          .replace(/^.*node_modules\//, '')
          .replace(/^.*\/(dist|bench)\//, '$1/')
      : '';
    return `${functionName || '(anonymous)'}  ${short}${url ? `:${lineNumber + 1}` : ''}`;
  };

  const byFrame = new Map();
  const byOwner = new Map();
  for (const node of profile.nodes) {
    const self = selfById.get(node.id) ?? 0;
    if (!self) continue;
    const key = keyOf(node);
    const { url } = node.callFrame;
    byFrame.set(key, (byFrame.get(key) ?? 0) + self);
    byOwner.set(owner(url), (byOwner.get(owner(url)) ?? 0) + self);
  }

  // Inclusive time of our own functions (dist/): every sample counts once for each distinct frame on its stack.
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  const inclusive = new Map();
  profile.samples.forEach((id, index) => {
    const seen = new Set();
    for (let node = nodeById.get(id); node; node = parent.get(node.id)) {
      if (!node.callFrame.url.includes('/dist/')) continue;
      const key = keyOf(node);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0));
    }
  });

  const pct = (value) => `${((value / total) * 100).toFixed(1).padStart(5)} %`;
  const msOf = (value) => `${(value / 1000).toFixed(1).padStart(8)} ms`;
  const out = [`${label}: ${(total / 1000).toFixed(0)} ms sampled`, '', 'self time by package:'];
  for (const [name, value] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 12))
    out.push(`${msOf(value)} ${pct(value)}  ${name}`);
  out.push('', `top ${limit} frames by self time:`);
  for (const [name, value] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, limit))
    out.push(`${msOf(value)} ${pct(value)}  ${name}`);
  if (inclusive.size) {
    out.push('', 'our functions (dist/) by inclusive time:');
    for (const [name, value] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, limit))
      out.push(`${msOf(value)} ${pct(value)}  ${name}`);
  }
  return out.join('\n');
}
