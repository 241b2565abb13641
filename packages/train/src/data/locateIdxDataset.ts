import { fail } from '@tapegrad/tensor';
import { requireNode, type NodeHost } from '../platform/index.js';

function node(fn: string): NodeHost {
  return requireNode(fn, 'looking for dataset files', 'fetch the four IDX files and decode them with decodeIdx(bytes)');
}
import { IDX_DATASET_FILES, findIdxFile } from './idx.js';
import { IDX_DATASETS, IDX_DATASET_NAMES, type IdxDatasetName } from './idxDatasets.js';

/** Where Debian's `dataset-*` packages install their files: one folder per dataset. */
export const SYSTEM_DATASETS_DIR = '/usr/share/datasets';

/** The file names a download holds: `train-images-idx3-ubyte.gz`, ... */
const GZ_NAMES = IDX_DATASET_FILES.map(([stem, kind]) => `${stem}-${kind}.gz`);

export interface LocateIdxDatasetOptions {
  /** The folder holding the four files; when given, the only place looked at. */
  dir?: string;
  /** The environment to read TAPEGRAD_DATA from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One folder looked at, and what it lacks. */
export interface SearchedFolder {
  dir: string;
  /** How the folder was chosen: `dir`, `$TAPEGRAD_DATA/<name>` or `/usr/share/datasets/<name>`. */
  origin: string;
  /** The files it lacks (all of them when the folder does not exist). */
  missing: string[];
  exists: boolean;
}

/** The folders `locateIdxDataset` looks at, in order (see there). */
export function idxDatasetFolders(name: IdxDatasetName, opts: LocateIdxDatasetOptions = {}): { dir: string; origin: string }[] {
  if (opts.dir !== undefined) return [{ dir: opts.dir, origin: 'dir' }];
  const { path } = node('idxDatasetFolders');
  const root = (opts.env ?? process.env)['TAPEGRAD_DATA'];
  const out: { dir: string; origin: string }[] = [];
  if (root) out.push({ dir: path.join(root, name), origin: `$TAPEGRAD_DATA/${name}` });
  out.push({ dir: path.join(SYSTEM_DATASETS_DIR, name), origin: `${SYSTEM_DATASETS_DIR}/${name}` });
  return out;
}

function inspect(dir: string, origin: string): SearchedFolder {
  const { fs } = node('locateIdxDataset');
  const exists = fs.existsSync(dir) && fs.statSync(dir).isDirectory();
  const missing = exists ? IDX_DATASET_FILES.filter(([stem, kind]) => findIdxFile(dir, stem, kind) === null).map(([stem, kind]) => `${stem}-${kind}.gz`) : GZ_NAMES.slice();
  return { dir, origin, missing, exists };
}

/**
 * Thrown by `locateIdxDataset` when no folder holds the four files; `advice(pass)` is the sentence
 * saying how to get them, with `pass` telling how to hand a folder over (`pass it as dir`, `pass --data DIR`).
 */
export class DatasetFilesMissingError extends Error {
  constructor(readonly fn: string, readonly dataset: IdxDatasetName, readonly searched: readonly SearchedFolder[]) {
    super('');
    this.message = `${fn}: ${this.problem()}; ${this.advice('pass that folder as dir')}`;
    this.name = 'DatasetFilesMissingError';
  }

  /** `found no Fashion-MNIST files in <folders>`, each folder with what it lacks. */
  problem(): string {
    const info = IDX_DATASETS[this.dataset];
    const where = this.searched.map((s) => {
      const at = s.origin === 'dir' || s.origin === s.dir ? s.dir : `${s.origin} = ${s.dir}`;
      return `${at} (${!s.exists ? 'no such folder' : `missing ${s.missing.join(', ')}`})`;
    });
    return `found no ${info.title} files in ${where.join(' nor in ')}`;
  }

  /** How to get the files. */
  advice(pass: string): string {
    const info = IDX_DATASETS[this.dataset];
    const apt = info.debianPackage ? `install them with 'sudo apt-get install ${info.debianPackage}' (into ${SYSTEM_DATASETS_DIR}/${info.name}), or ` : '';
    return `expected the four IDX files ${GZ_NAMES.join(', ')}: ${apt}download them from ${info.source} into a folder and ${pass}`;
  }
}

/**
 * The folder holding the four IDX files of dataset `name` (plain or .gz): `dir` when given (and
 * nothing else), else the first of `$TAPEGRAD_DATA/<name>` (when TAPEGRAD_DATA is set) and
 * `/usr/share/datasets/<name>` (Debian's `dataset-fashion-mnist` installs Fashion-MNIST there) that
 * holds all four. Throws a `DatasetFilesMissingError` saying how to get them otherwise.
 */
export function locateIdxDataset(name: IdxDatasetName, opts: LocateIdxDatasetOptions = {}, fn = 'locateIdxDataset'): string {
  if (!(IDX_DATASET_NAMES as readonly string[]).includes(name)) fail(fn, `name '${String(name)}' is not an IDX dataset; expected one of ${IDX_DATASET_NAMES.join(', ')}`);
  const searched = idxDatasetFolders(name, opts).map(({ dir, origin }) => inspect(dir, origin));
  const found = searched.find((s) => s.exists && s.missing.length === 0);
  if (found) return found.dir;
  throw new DatasetFilesMissingError(fn, name, searched);
}
