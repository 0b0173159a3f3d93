/**
 * The bench's HTTP server (http-server.ts) in a process of its own, as production runs it, and
 * the load on it: shared by `npm run bench` and `npm run bench:live`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchServerReady } from './http-server.ts';
import type { LoadResult } from './report.ts';
import { SEED_NOW } from './seed.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The resident memory of a process in MB, from Linux's /proc; null elsewhere. */
export function rssMbOf(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 1024);
  } catch {
    return null;
  }
}

/** The CPU time (user and system) a process has used so far in ms, from Linux's /proc; null elsewhere. */
export function cpuMsOf(pid: number): number | null {
  try {
    // The fields after the command's closing parenthesis; utime and stime are the 12th and 13th, in clock ticks (100 a second).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ', 2)[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * How the bench server is started: compiled to one JavaScript file by esbuild (the packages left
 * as imports), so that it runs as a host runs the library, compiled. Through tsx, as `npm start`
 * runs the server, tsx's loader thread and compiler would add about 50 MB to the RSS (an empty
 * script: 39 MB under node, 90 MB under node --import tsx). Falls back to tsx without esbuild.
 */
async function benchServerCommand(): Promise<{ args: string[]; runtime: 'compiled' | 'tsx' }> {
  const outfile = `${ROOT}bench-results/http-server.mjs`;
  try {
    const { build } = await import('esbuild');
    await build({
      entryPoints: [`${ROOT}server/bench/http-server.ts`],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
    return { args: [outfile], runtime: 'compiled' };
  } catch (error) {
    console.log(`  esbuild failed (${(error as Error).message}); the bench server runs through tsx`);
    return { args: ['--import', 'tsx', `${ROOT}server/bench/http-server.ts`], runtime: 'tsx' };
  }
}

/**
 * The Node options `npm start` runs the standalone server with (README, "Memory"), read from
 * package.json so that the bench measures the server as it is recommended to run;
 * BENCH_SERVER_NODE_OPTIONS replaces them (empty: Node's defaults), for comparing.
 */
function recommendedNodeOptions(): string {
  if (process.env.BENCH_SERVER_NODE_OPTIONS !== undefined) return process.env.BENCH_SERVER_NODE_OPTIONS;
  const start = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  return /\bNODE_OPTIONS=(\S+)/.exec(start)?.[1] ?? '';
}

/** server/bench/http-server.ts in a process of its own, once it listens; `env` is added to its environment. */
export async function startBenchServer(path: string, seed: { workspaceId: string; ownerId: string }, element = '', env: Record<string, string> = {}) {
  const command = await benchServerCommand();
  // BENCH_SERVER_PROFILE=<folder>: the server writes a CPU profile there when it stops.
  const profile = process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SERVER_PROFILE] : [];
  const child = spawn(process.execPath, [...profile, ...command.args, path, seed.workspaceId, seed.ownerId, SEED_NOW.toISOString(), element], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: recommendedNodeOptions(), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = await new Promise<BenchServerReady>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const line = output.split('\n', 1)[0];
      if (output.includes('\n') && line) resolve(JSON.parse(line) as BenchServerReady);
    });
    child.once('exit', (code) => reject(new Error(`the bench server ended (${code}) before it listened`)));
  });
  return {
    ready,
    runtime: command.runtime,
    nodeOptions: env.NODE_OPTIONS ?? recommendedNodeOptions(),
    pid: child.pid!,
    rssMb: () => rssMbOf(child.pid!),
    cpuMs: () => cpuMsOf(child.pid!),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** autocannon in its own process, so that the load it makes does not share the server's thread. */
export async function load(url: string, headers: Record<string, string>, { connections, seconds }: { connections: number; seconds: number }) {
  const script = `
    import autocannon from 'autocannon';
    const result = await autocannon({ url: ${JSON.stringify(url)}, connections: ${connections}, duration: ${seconds}, headers: ${JSON.stringify(headers)} });
    console.log(JSON.stringify({ rps: result.requests.average, p50: result.latency.p50, p95: result.latency.p97_5 ?? result.latency.p99, errors: result.errors + result.non2xx }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(output) as LoadResult;
}
