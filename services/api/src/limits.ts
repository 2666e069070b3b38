/**
 * How many heavy reads (exports, samples) each team may run at once. An export streams for as
 * long as the client reads and a sample runs several sorted queries per stratum: without a
 * limit, one team's script could hold the engine for every other team.
 *
 * A read beyond the limit waits its turn for a short while (first come, first served) before it
 * is refused: a person who changes the range and then asks for another sample at once has two
 * reads in flight for a moment, and should get the second, not an error. Few may wait; a read
 * whose client went away leaves the queue.
 */
export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  done: boolean;
}

export class TeamLimiter {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();

  /** `maxWaiting`: reads of one team that may wait for a slot at once; more are refused at once. */
  constructor(
    readonly perTeam: number,
    readonly maxWaiting = perTeam * 2,
  ) {}

  /** A slot for the team, or undefined when it already runs `perTeam` (or others wait for one); the release frees it once, however often it is called. */
  tryAcquire(team: string): Release | undefined {
    const count = this.running.get(team) ?? 0;
    if (count >= this.perTeam || (this.waiting.get(team)?.length ?? 0) > 0) return undefined;
    this.running.set(team, count + 1);
    return this.releaser(team);
  }

  /**
   * A slot for the team, at once or when one frees within `waitMs`; undefined when none did, when
   * too many already wait, or when `signal` aborts first (the client went away).
   */
  acquire(team: string, options: { waitMs: number; signal?: AbortSignal }): Promise<Release | undefined> {
    const now = this.tryAcquire(team);
    if (now || options.waitMs <= 0 || options.signal?.aborted) return Promise.resolve(now);
    const queue = this.waiting.get(team) ?? [];
    if (queue.length >= this.maxWaiting) return Promise.resolve(undefined);
    this.waiting.set(team, queue);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        done: false,
        grant: (release) => {
          finish();
          resolve(release);
        },
      };
      const giveUp = () => {
        if (waiter.done) return;
        finish();
        resolve(undefined);
      };
      const timer = setTimeout(giveUp, options.waitMs);
      options.signal?.addEventListener("abort", giveUp, { once: true });
      const finish = () => {
        waiter.done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", giveUp);
        const left = (this.waiting.get(team) ?? []).filter((other) => other !== waiter);
        if (left.length > 0) this.waiting.set(team, left);
        else this.waiting.delete(team);
      };
      queue.push(waiter);
    });
  }

  /** Heavy reads the team runs now. */
  inUse(team: string): number {
    return this.running.get(team) ?? 0;
  }

  /** Heavy reads of the team waiting for a slot. */
  queued(team: string): number {
    return this.waiting.get(team)?.length ?? 0;
  }

  private releaser(team: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the first read waiting for one, if any.
      const next = this.waiting.get(team)?.find((waiter) => !waiter.done);
      if (next) {
        next.grant(this.releaser(team));
        return;
      }
      const left = (this.running.get(team) ?? 1) - 1;
      if (left <= 0) this.running.delete(team);
      else this.running.set(team, left);
    };
  }
}
