/**
 * A download folder that holds links planted by someone else. The policy: a download never
 * writes through, follows or removes a link it did not create; it refuses with an
 * `UnsafeResponseError` that names the link, and the link's target is left exactly as it was.
 * `dir` itself may be a link (macOS's `/tmp` is one).
 */
import { existsSync } from 'node:fs';
import { link, lstat, mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnsafeResponseError } from '../../src/index.js';
import { snapshot, useHostile } from './download-helper.js';

const hostile = useHostile();
const VICTIM = new TextEncoder().encode("the victim's own bytes, which no download may change");

/** Downloads the batch expecting a refusal that names `path`; checks nothing outside changed. */
async function expectRefusedAt(path: string): Promise<UnsafeResponseError> {
  const before = await snapshot(hostile.outside);
  const error = await hostile.client.downloadBatchFiles('b1', { dir: hostile.dir }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(UnsafeResponseError);
  expect((error as UnsafeResponseError).message).toContain(path);
  expect(await snapshot(hostile.outside)).toEqual(before);
  return error as UnsafeResponseError;
}

describe.skipIf(process.platform === 'win32')('links planted in the download folder', () => {
  it.each([['sub/x.parquet'], ['sub/deeper/x.parquet']])(
    'refuses to write %s through a symlinked sub-folder that points outside, creating nothing there',
    async (name) => {
      hostile.simulator.addBatchFile('b1', name, 1_000);
      await mkdir(hostile.dir);
      await symlink(hostile.outside, join(hostile.dir, 'sub'));
      await expectRefusedAt(join(hostile.dir, 'sub'));
      expect(hostile.downloads).toEqual([]);
    },
  );

  it('refuses a symlinked sub-folder even when it points inside the folder', async () => {
    hostile.simulator.addBatchFile('b1', 'alias/x.parquet', 1_000);
    await mkdir(join(hostile.dir, 'real'), { recursive: true });
    await symlink(join(hostile.dir, 'real'), join(hostile.dir, 'alias'));
    await expectRefusedAt(join(hostile.dir, 'alias'));
    expect(existsSync(join(hostile.dir, 'real', 'x.parquet'))).toBe(false);
  });

  // A naive resume appends to the .part's target: the victim grows by the rest of the file.
  it.each([
    ['whose content is a prefix of the file', (bytes: Uint8Array) => bytes.subarray(0, 100)],
    ['with unrelated content', () => VICTIM],
  ])('leaves the target of an x.part symlink %s unchanged, and the link in place', async (_, content) => {
    hostile.simulator.addBatchFile('b1', 'x.parquet', 1_000);
    const victim = join(hostile.outside, 'victim');
    await writeFile(victim, content(hostile.simulator.fileBytes('b1', 'x.parquet')));
    await mkdir(hostile.dir);
    await symlink(victim, join(hostile.dir, 'x.parquet.part'));
    await expectRefusedAt(join(hostile.dir, 'x.parquet.part'));
    expect(await readlink(join(hostile.dir, 'x.parquet.part'))).toBe(victim);
    expect(existsSync(join(hostile.dir, 'x.parquet'))).toBe(false);
  });

  it('does not create the missing target of a dangling x.part symlink', async () => {
    hostile.simulator.addBatchFile('b1', 'x.parquet', 1_000);
    await mkdir(hostile.dir);
    await symlink(join(hostile.outside, 'created-by-the-download'), join(hostile.dir, 'x.parquet.part'));
    await expectRefusedAt(join(hostile.dir, 'x.parquet.part'));
    expect(existsSync(join(hostile.outside, 'created-by-the-download'))).toBe(false);
  });

  it('refuses an x.part hard-linked to a file outside, which appending would change', async () => {
    hostile.simulator.addBatchFile('b1', 'x.parquet', 1_000);
    const victim = join(hostile.outside, 'victim');
    await writeFile(victim, hostile.simulator.fileBytes('b1', 'x.parquet').subarray(0, 100));
    await mkdir(hostile.dir);
    await link(victim, join(hostile.dir, 'x.parquet.part'));
    await expectRefusedAt(join(hostile.dir, 'x.parquet.part'));
    expect(hostile.downloads).toEqual([]);
  });

  // Once a false success: the "already complete" check followed the link, found the right size,
  // and reported the victim as the downloaded file.
  it.each([
    ['the right size (it would be skipped as complete)', (bytes: Uint8Array) => bytes],
    ['another size (it would be downloaded over)', () => VICTIM],
  ])('refuses a final-name symlink to a victim of %s, reporting no success', async (_, content) => {
    hostile.simulator.addBatchFile('b1', 'x.parquet', 1_000);
    const victim = join(hostile.outside, 'victim');
    await writeFile(victim, content(hostile.simulator.fileBytes('b1', 'x.parquet')));
    await mkdir(hostile.dir);
    await symlink(victim, join(hostile.dir, 'x.parquet'));
    await expectRefusedAt(join(hostile.dir, 'x.parquet'));
    expect((await lstat(join(hostile.dir, 'x.parquet'))).isSymbolicLink()).toBe(true);
  });

  it("downloads into a dir that is itself a symlink to a real folder (the user's choice)", async () => {
    hostile.simulator.addBatchFile('b1', 'sub/x.parquet', 1_000);
    const real = join(hostile.root, 'real-export');
    await mkdir(real);
    await symlink(real, hostile.dir);
    const [file] = await hostile.client.downloadBatchFiles('b1', { dir: hostile.dir });
    expect(file).toMatchObject({ path: join(hostile.dir, 'sub', 'x.parquet'), bytes: 1_000 });
    expect(
      Buffer.compare(
        await readFile(join(real, 'sub', 'x.parquet')),
        hostile.simulator.fileBytes('b1', 'sub/x.parquet'),
      ),
    ).toBe(0);
  });
});
