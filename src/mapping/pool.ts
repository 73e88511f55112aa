import { Piscina } from 'piscina';
import type { EvalOutcome } from './evaluate.js';
import type { WorkerTask } from './worker.js';

/** A lane of mapping worker threads: webhooks and pulls share `default`; dry runs get their own. */
export const MAPPING_LANE = { default: 'default', dryRun: 'dryRun' } as const;
export type MappingLane = (typeof MAPPING_LANE)[keyof typeof MAPPING_LANE];

export interface LaneOptions {
  /** Evaluations running at once (one worker thread each). */
  threads: number;
  /** Evaluations waiting for a thread; one more is refused (overload) instead of queueing forever. */
  queue: number;
}

export interface MappingPoolOptions {
  lanes: Record<MappingLane, LaneOptions>;
  /**
   * Hard wall-clock deadline per evaluation, from when it gets a thread. Past it the worker thread
   * is terminated: JSONata's own time limit is checked between steps and cannot stop one step
   * that never returns (a catastrophic regex), which used to freeze the whole hub.
   */
  deadlineMs: number;
  /** Heap cap per worker thread; a payload that blows it kills only its worker. */
  workerMemoryMb: number;
}

/** The pool cannot take an evaluation right now (full, or shutting down): retry later (503). */
export class MappingUnavailableError extends Error {
  constructor(
    readonly lane: MappingLane,
    message: string,
  ) {
    super(message);
    this.name = 'MappingUnavailableError';
  }
}

/** Every thread of a lane is busy and its queue is full. */
export class MappingOverloadError extends MappingUnavailableError {
  constructor(
    lane: MappingLane,
    readonly queue: number,
  ) {
    super(lane, `the mapping pool's ${lane} lane is full (${queue} evaluations waiting); retry later`);
    this.name = 'MappingOverloadError';
  }
}

export type PoolOutcome = EvalOutcome | { ok: false; code: 'E_DEADLINE' | 'E_WORKER'; message: string; retried: false };

/**
 * Source under tests and `tsx` is TypeScript; the built package runs JavaScript. The worker file
 * is the sibling of this one either way.
 */
function workerFile(): { filename: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  return { filename: new URL(ts ? './worker.ts' : './worker.js', import.meta.url).href, execArgv: ts ? ['--import', 'tsx'] : [] };
}

class Lane {
  private active = 0;
  private closing = false;
  private readonly waiting: (() => void)[] = [];
  readonly pool: Piscina;

  constructor(
    readonly name: MappingLane,
    private readonly opts: LaneOptions,
    private readonly deadlineMs: number,
    workerMemoryMb: number,
  ) {
    const { filename, execArgv } = workerFile();
    this.pool = new Piscina({
      filename,
      execArgv,
      minThreads: opts.threads,
      maxThreads: opts.threads,
      // Queueing is done here (so the deadline starts when a thread is free, not on arrival).
      maxQueue: 0,
      resourceLimits: { maxOldGenerationSizeMb: workerMemoryMb },
    });
  }

  /** Waits for a free thread; the slot is handed straight to the next waiter when released. */
  private async acquire(): Promise<void> {
    if (this.closing) throw new MappingUnavailableError(this.name, 'the mapping pool is shutting down; retry later');
    if (this.active < this.opts.threads) {
      this.active++;
      return;
    }
    if (this.waiting.length >= this.opts.queue) throw new MappingOverloadError(this.name, this.opts.queue);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const w of this.waiting.splice(0)) w();
    await this.pool.destroy();
  }

  async run(task: WorkerTask | null, deadlineMs = this.deadlineMs): Promise<PoolOutcome> {
    await this.acquire();
    // Woken by close(), which handed out no slot: nothing to release.
    if (this.closing) {
      throw new MappingUnavailableError(this.name, 'the mapping pool is shutting down; retry later');
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), deadlineMs);
    try {
      // piscina terminates the worker thread running an aborted task and starts a fresh one.
      const out: EvalOutcome = await this.pool.run(task, { signal: abort.signal });
      return out;
    } catch (err) {
      if (abort.signal.aborted) return { ok: false, code: 'E_DEADLINE', message: `evaluation passed the ${deadlineMs} ms hard deadline; its worker thread was stopped`, retried: false };
      // A worker that ran out of its heap cap under the task: the payload, not the hub, is at fault.
      if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        return { ok: false, code: 'E_WORKER', message: 'evaluation ran out of the mapping worker heap limit; its worker thread was stopped', retried: false };
      }
      // Anything else (shutdown, a worker that cannot start) is the hub's trouble: never the
      // payload's, so it must not be quarantined as a mapping failure.
      if (this.closing) throw new MappingUnavailableError(this.name, 'the mapping pool is shutting down; retry later');
      throw err;
    } finally {
      clearTimeout(timer);
      this.release();
    }
  }
}

/** Mapping evaluations in worker threads, so no payload can hold the event loop. */
export class MappingPool {
  private readonly lanes: Record<MappingLane, Lane>;

  constructor(readonly opts: MappingPoolOptions) {
    this.lanes = {
      default: new Lane(MAPPING_LANE.default, opts.lanes.default, opts.deadlineMs, opts.workerMemoryMb),
      dryRun: new Lane(MAPPING_LANE.dryRun, opts.lanes.dryRun, opts.deadlineMs, opts.workerMemoryMb),
    };
  }

  run(lane: MappingLane, task: WorkerTask): Promise<PoolOutcome> {
    return this.lanes[lane].run(task);
  }

  /** Starts every thread (loading the worker module takes longer than a mapping) before traffic. */
  async warmUp(): Promise<void> {
    // Generous: a cold start under a TypeScript loader on a loaded machine is slow, and nothing waits on it.
    await Promise.all(Object.values(this.lanes).map((l) => Promise.all(Array.from({ length: this.opts.lanes[l.name].threads }, () => l.run(null, 60_000)))));
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.lanes).map((l) => l.close()));
  }
}
