import { readFile } from 'node:fs/promises';
import type { CreateExportJobRequest } from '../index.js';
import type { CliIo } from './io.js';
import { UsageError } from './usage-error.js';

export interface CreateFlags {
  file?: string;
  dataset?: string;
  segment?: string[];
  segmentPerBatch?: boolean;
  fields?: string;
  mergePolicy?: string;
}

/** The create request of `create` and `run`, from `--file` or from the options. A file that cannot be read is a usage error. */
export async function createRequest(flags: CreateFlags, io: CliIo): Promise<CreateExportJobRequest> {
  if (flags.file) {
    if (flags.dataset || flags.segment) throw new UsageError('give either --file or --dataset/--segment, not both');
    let text: string;
    try {
      text = await (io.readFile ?? ((path: string) => readFile(path, 'utf8')))(flags.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EISDIR'
            ? 'it is a folder'
            : code === 'EACCES'
              ? 'permission denied'
              : (error as Error).message;
      throw new UsageError(`--file ${flags.file}: cannot read it (${reason})`);
    }
    try {
      return JSON.parse(text) as CreateExportJobRequest;
    } catch (error) {
      throw new UsageError(`--file ${flags.file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!flags.dataset)
    throw new UsageError('create needs --file <request.json>, or --dataset <id> with --segment <id>...');
  return {
    ...(flags.fields ? { fields: flags.fields } : {}),
    ...(flags.mergePolicy ? { mergePolicy: { id: flags.mergePolicy } } : {}),
    ...(flags.segment?.length ? { filter: { segments: flags.segment.map((segmentId) => ({ segmentId })) } } : {}),
    destination: { datasetId: flags.dataset, segmentPerBatch: Boolean(flags.segmentPerBatch) },
    schema: { name: '_xdm.context.profile' },
  };
}
