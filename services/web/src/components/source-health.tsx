/** A banner when a source of the team's slice is in trouble (built in the sources page's track). */
export function SourceHealthBanner() {
  return null;
}
