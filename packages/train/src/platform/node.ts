// `#platform` on Node: the host's modules (see nodeHost.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import * as zlib from 'node:zlib';
import * as crypto from 'node:crypto';
import { createRequire } from 'node:module';
import cliProgress from 'cli-progress';
import { atomicWrite } from './atomicWrite.js';
import type { NodeHost } from './nodeHost.js';

const memory = (): { rss: number; peakRss: number } => ({ rss: process.memoryUsage.rss(), peakRss: process.resourceUsage().maxRSS * 1024 });

export const host: NodeHost | null = { fs, path, os, zlib, crypto, createRequire, atomicWrite, cliProgress, memory, stdout: process.stdout };
