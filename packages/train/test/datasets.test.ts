import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fashionMnist, loadDataset, locateIdxDataset, idxDatasetFolders, DatasetFilesMissingError, idxDataset, embeddedMnist, getSample,
  evenSubset, loadIdx, TensorDataset, FASHION_MNIST_MEAN, FASHION_MNIST_STD, FASHION_MNIST_CLASSES, MNIST_CLASSES, MNIST_MEAN, MNIST_STD,
} from '../src/index.js';
import { tensor } from '@tapegrad/tensor';
import { writeIdxFolder } from '../../../test-utils/idxFiles.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tapegrad-datasets-'));
const DEBIAN = '/usr/share/datasets/fashion-mnist';
const haveDebian = existsSync(join(DEBIAN, 'train-images-idx3-ubyte.gz'));

/** A folder with the four IDX files (gzip) of `n` 28 x 28 images per split; `skip` leaves files out. */
function idxFolder(n: number, skip: string[] = [], dir = tmp()): string {
  mkdirSync(dir, { recursive: true });
  return writeIdxFolder(dir, { train: n, test: n, pixel: (i) => (i * 31) % 256, skip });
}

const GZ = 'train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz';

describe('locating an IDX dataset', () => {
  it('looks in dir alone when given, else in $TAPEGRAD_DATA/<name>, then /usr/share/datasets/<name>', () => {
    expect(idxDatasetFolders('fashion-mnist', { dir: '/x' })).toEqual([{ dir: '/x', origin: 'dir' }]);
    expect(idxDatasetFolders('fashion-mnist', { env: { TAPEGRAD_DATA: '/data' } }).map((f) => f.dir)).toEqual(['/data/fashion-mnist', '/usr/share/datasets/fashion-mnist']);
    expect(idxDatasetFolders('mnist', { env: {} }).map((f) => f.dir)).toEqual(['/usr/share/datasets/mnist']);
    const root = tmp();
    const dir = idxFolder(4, [], join(root, 'mnist'));
    expect(locateIdxDataset('mnist', { env: { TAPEGRAD_DATA: root } })).toBe(dir);
    expect(locateIdxDataset('mnist', { dir })).toBe(dir);
  });

  it('missing files: one line saying where it looked and how to get them (apt-get or the upstream repository)', () => {
    const empty = tmp();
    let err: unknown;
    try {
      fashionMnist({ dir: join(empty, 'none') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetFilesMissingError);
    const msg = (err as Error).message;
    expect(msg).toBe(`fashionMnist: found no Fashion-MNIST files in ${join(empty, 'none')} (no such folder); expected the four IDX files ${GZ}: `
      + "install them with 'sudo apt-get install dataset-fashion-mnist' (into /usr/share/datasets/fashion-mnist), or download them from "
      + 'the zalandoresearch/fashion-mnist repository (https://github.com/zalandoresearch/fashion-mnist, folder data/fashion) into a folder and pass that folder as dir');
    expect(msg).not.toContain('\n');
    // a folder with some of the files names the ones it lacks; the CLI words the advice for its flag
    const partial = idxFolder(2, ['t10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz']);
    const e2 = (() => { try { loadDataset('mnist', { dir: partial }); } catch (e) { return e as DatasetFilesMissingError; } throw new Error('loaded'); })();
    expect(e2.problem()).toBe(`found no MNIST files in ${partial} (missing train-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)`);
    expect(e2.advice('pass --data DIR')).toBe(`expected the four IDX files ${GZ}: download them from the MNIST page (http://yann.lecun.com/exdb/mnist/) or one of its mirrors into a folder and pass --data DIR`);
    // every folder searched is named, with where it came from
    const e3 = (() => { try { locateIdxDataset('mnist', { env: { TAPEGRAD_DATA: empty } }); } catch (e) { return e as DatasetFilesMissingError; } throw new Error('found'); })();
    expect(e3.problem()).toBe(`found no MNIST files in $TAPEGRAD_DATA/mnist = ${join(empty, 'mnist')} (no such folder) nor in /usr/share/datasets/mnist (no such folder)`);
  });

  it('refuses an unknown name and a dir for the embedded set', () => {
    expect(() => locateIdxDataset('cifar' as 'mnist')).toThrow("locateIdxDataset: name 'cifar' is not an IDX dataset; expected one of mnist, fashion-mnist");
    expect(() => loadDataset('cifar' as 'mnist')).toThrow("loadDataset: name 'cifar' is not a known dataset; expected one of embedded, mnist, fashion-mnist");
    expect(() => loadDataset('embedded', { dir: '/x' })).toThrow("loadDataset: dir /x given for the embedded set, which reads no files; expected no dir, or name 'mnist' for MNIST IDX files");
  });
});

describe('named datasets: class names and normalisation travel with them', () => {
  it('mnist from IDX files: MNIST constants, digit names; a Subset keeps the names', () => {
    const dir = idxFolder(6);
    const d = loadDataset('mnist', { dir });
    expect(d).toMatchObject({ name: 'mnist', title: 'MNIST', dir, mean: MNIST_MEAN, std: MNIST_STD });
    expect(d.train.classNames).toEqual(MNIST_CLASSES);
    expect(evenSubset(d.test, 3).classNames).toEqual(MNIST_CLASSES);
    const raw = loadIdx(join(dir, 'train-images-idx3-ubyte.gz')).data as Uint8Array;
    const x = getSample(d.train, 1).x.toArray();
    expect(x[5]).toBeCloseTo((raw[784 + 5]! / 255 - MNIST_MEAN) / MNIST_STD, 5);
  });

  it("fashion-mnist from a folder: its own mean and std, its class names; normalize false keeps [0, 1]", () => {
    const dir = idxFolder(5);
    const { train, test, dir: found } = fashionMnist({ dir });
    expect(found).toBe(dir);
    expect(train.classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(test.length).toBe(5);
    const raw = loadIdx(join(dir, 'train-images-idx3-ubyte.gz')).data as Uint8Array;
    expect(getSample(train, 2).x.toArray()[9]).toBeCloseTo((raw[2 * 784 + 9]! / 255 - FASHION_MNIST_MEAN) / FASHION_MNIST_STD, 5);
    const plain = idxDataset('fashion-mnist', { dir, normalize: false });
    expect(getSample(plain.train, 2).x.toArray()[9]).toBeCloseTo(raw[2 * 784 + 9]! / 255, 6);
    expect(FASHION_MNIST_CLASSES).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  });

  it('the embedded set carries the digit names; TensorDataset checks classNames against numClasses', () => {
    expect(embeddedMnist().test.classNames).toEqual(MNIST_CLASSES);
    const x = tensor([0, 0, 0, 0], [2, 1, 1, 2]), y = tensor([0, 1], [2]);
    expect(new TensorDataset(x, y, { numClasses: 2, classNames: ['no', 'yes'] }).classNames).toEqual(['no', 'yes']);
    expect(() => new TensorDataset(x, y, { numClasses: 3, classNames: ['a', 'b'] })).toThrow('TensorDataset: classNames has 2 names for 3 classes; expected one name per class');
    expect(() => new TensorDataset(x, y, { classNames: ['a', 'b'] })).toThrow('TensorDataset: classNames given without numClasses; expected numClasses 2 with them');
    expect(() => new TensorDataset(x, y, { numClasses: 2, classNames: ['a', ''] })).toThrow('TensorDataset: classNames[1] "" is not a name; expected a non-empty string');
  });
});

describe.skipIf(!haveDebian)('Fashion-MNIST from Debian\'s dataset-fashion-mnist', () => {
  it('found without a dir: 60,000 / 10,000 images, 6,000 / 1,000 per class', () => {
    const { train, test, dir } = fashionMnist({ env: {} });
    expect(dir).toBe(DEBIAN);
    expect([train.length, test.length]).toEqual([60000, 10000]);
    const labels = loadIdx(join(DEBIAN, 't10k-labels-idx1-ubyte.gz')).data as Uint8Array;
    const counts = new Array<number>(10).fill(0);
    for (const l of labels) counts[l]!++;
    expect(counts).toEqual(new Array<number>(10).fill(1000));
  });

  it('FASHION_MNIST_MEAN / STD are the training images\' pixel mean and std (scripts/fashion/normalisation.ts), to 4 digits', () => {
    const pixels = loadIdx(join(DEBIAN, 'train-images-idx3-ubyte.gz')).data as Uint8Array;
    expect(pixels.length).toBe(60000 * 784);
    let sum = 0, sumSq = 0;
    const hist = new Float64Array(256);
    for (const v of pixels) hist[v]!++;
    for (let v = 0; v < 256; v++) { sum += hist[v]! * v; sumSq += hist[v]! * v * v; }
    const mean = sum / pixels.length / 255;
    const std = Math.sqrt(sumSq / pixels.length / 255 / 255 - mean * mean);
    expect(mean).toBeCloseTo(0.28604, 5);
    expect(std).toBeCloseTo(0.35302, 5);
    expect(Math.abs(FASHION_MNIST_MEAN - mean)).toBeLessThan(5e-5);
    expect(Math.abs(FASHION_MNIST_STD - std)).toBeLessThan(5e-5);
  });
});
