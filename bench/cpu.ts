// CPU time of the processes a bench section runs on, so a latency figure can say whether the box
// was the limit: on 2 cores, an order's CPU across the hub, the Temporal server and Redis bounds
// the rate, and at a fixed number in flight the rate bounds the latency (Little's law).
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU in these ticks (100 on every mainstream kernel). */
const TICKS_PER_S = 100;

/** utime + stime of a /proc/<pid>/stat line, ms. The command name may hold spaces and ')', so fields are read after the last ')'. */
export function statCpuMs(statLine: string): number {
  const rest = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`not a /proc/<pid>/stat line: ${statLine.slice(0, 80)}`);
  return ((utime + stime) * 1000) / TICKS_PER_S;
}

/** A process's CPU so far, ms; null when it is gone or /proc is not there (not Linux). */
export function pidCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

export interface CpuPids {
  temporal?: number | undefined;
  redis?: number | undefined;
}

export interface CpuSample {
  /** This process: the hub(s), workers, sandboxes and the load generator, every thread. */
  bench: number;
  temporal: number | null;
  redis: number | null;
}

export function sampleCpu(pids: CpuPids): CpuSample {
  const u = process.cpuUsage();
  return { bench: (u.user + u.system) / 1000, temporal: pidCpuMs(pids.temporal), redis: pidCpuMs(pids.redis) };
}

/** CPU spent between two samples, ms per process (null where a process could not be read). */
export function cpuBetween(a: CpuSample, b: CpuSample): CpuSample {
  const d = (x: number | null, y: number | null) => (x === null || y === null ? null : y - x);
  return { bench: b.bench - a.bench, temporal: d(a.temporal, b.temporal), redis: d(a.redis, b.redis) };
}

export function addCpu(a: CpuSample, b: CpuSample): CpuSample {
  const s = (x: number | null, y: number | null) => (x === null || y === null ? null : x + y);
  return { bench: a.bench + b.bench, temporal: s(a.temporal, b.temporal), redis: s(a.redis, b.redis) };
}

/** All three processes' CPU, ms; null when one could not be read. */
export function cpuTotal(c: CpuSample): number | null {
  return c.temporal === null || c.redis === null ? null : c.bench + c.temporal + c.redis;
}

export const NO_CPU: CpuSample = { bench: 0, temporal: 0, redis: 0 };
