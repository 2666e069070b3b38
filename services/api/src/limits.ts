/**
 * How many heavy reads (exports, samples) each team may run at once. An export streams for as
 * long as the client reads and a sample runs several sorted queries per stratum: without a
 * limit, one team's script could hold the engine for every other team.
 */
export class TeamLimiter {
  private readonly running = new Map<string, number>();

  constructor(readonly perTeam: number) {}

  /** A slot for the team, or undefined when it already runs `perTeam`; the release frees it once, however often it is called. */
  tryAcquire(team: string): (() => void) | undefined {
    const count = this.running.get(team) ?? 0;
    if (count >= this.perTeam) return undefined;
    this.running.set(team, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(team) ?? 1) - 1;
      if (left <= 0) this.running.delete(team);
      else this.running.set(team, left);
    };
  }

  /** Heavy reads the team runs now. */
  inUse(team: string): number {
    return this.running.get(team) ?? 0;
  }
}
