/**
 * Request parameters a team's view forbids: filtering, grouping or sorting by something the
 * view does not show is an oracle (filtering by a name the team cannot see tells it who holds a
 * mention), so such a request is refused rather than answered. Pure.
 */
import { OdzewError } from "@odzew/core";
import type { TeamView } from "./mention-view.ts";

/** Request parameters that would read a field some views do not show. */
export type ViewFilter = "source" | "assignee" | "status" | "rating" | "priority" | "reach";

/** The parameters the team's view forbids, each with why. */
export function hiddenFilters(team: TeamView): Map<ViewFilter, string> {
  const hidden = new Map<ViewFilter, string>();
  if (team.view === "pseudonymous") {
    hidden.set("source", "the pseudonymous view does not show source ids (only the source type)");
    hidden.set("assignee", "the pseudonymous view does not show who handles a mention");
  }
  if (team.hide.includes("workflow")) {
    hidden.set("assignee", "this team does not see the workflow (hide: [workflow])");
    hidden.set("status", "this team does not see the workflow (hide: [workflow])");
  }
  if (team.hide.includes("rating")) hidden.set("rating", "this team does not see ratings (hide: [rating])");
  if (team.hide.includes("priority")) hidden.set("priority", "this team does not see priorities (hide: [priority])");
  if (team.hide.includes("reach")) hidden.set("reach", "this team does not see reach (hide: [reach])");
  return hidden;
}

/** Throws a 400-class error when `name` is a hidden field of the team's view; `what` names the parameter. */
export function assertVisible(team: TeamView, name: ViewFilter, what: string): void {
  const reason = hiddenFilters(team).get(name);
  if (reason) throw new OdzewError("MESSAGE_INVALID", `${what}: not allowed: ${reason}, so it can be neither filtered, grouped nor sorted by`);
}

/** Whether the team sees who handles a mention (names in workflow conflicts and history). */
export const seesAssignee = (team: TeamView): boolean => !hiddenFilters(team).has("assignee");
