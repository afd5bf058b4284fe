// Release check: the packed package stays within its size budget. Run after `npm run build`.
// The budget is set with headroom over what 0.2.0 packs (about 370 KB packed, 1.37 MB unpacked,
// half of it source maps: 0.1.0 was 175 KB and 650 KB; 0.2.0 added the profile reader, the create
// reconciliation, the simulator's Parquet files and the CLI's commands); raise it deliberately, in
// the same commit as what makes it grow.
import { execFileSync } from 'node:child_process';

const BUDGET = { packed: 450 * 1024, unpacked: 1.75 * 1024 * 1024 };
const [pack] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }),
);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(
  `packed ${kb(pack.size)} (budget ${kb(BUDGET.packed)}), unpacked ${kb(pack.unpackedSize)} (budget ${kb(BUDGET.unpacked)}), ${pack.entryCount} files`,
);
const over = [pack.size > BUDGET.packed && 'packed', pack.unpackedSize > BUDGET.unpacked && 'unpacked'].filter(Boolean);
if (over.length > 0) {
  console.error(`Over the size budget (${over.join(', ')}). Largest files:`);
  for (const file of pack.files.sort((a, b) => b.size - a.size).slice(0, 10))
    console.error(`  ${kb(file.size)}  ${file.path}`);
  process.exit(1);
}
