import { describe, expect, it } from "vitest";
import { seededRandom } from "@odzew/core";
import { WORKFLOW_EVENT_TYPES, teamSchema, type TeamConfig, type WorkflowState } from "@odzew/schema";
import { ACTIONS, decideAction, type ActionName } from "./workflow-action.ts";

const team = (fields: Partial<Record<string, unknown>> = {}): TeamConfig =>
  teamSchema.parse({ id: "t", name: "T", keys: [{ env: "K" }], slice: { brands: ["zuraw"] }, view: "full", ...fields });

const AT = "2026-11-27T10:00:00.000Z";
const NOW = new Date("2026-11-28T10:00:00.000Z");

describe("workflow actions", () => {
  const request = (action: ActionName, workflow: WorkflowState | undefined, fields: Partial<Parameters<typeof decideAction>[0]> = {}) =>
    decideAction({ team: team(), mentionId: "a".repeat(32), mention: { publishedAt: AT, workflow }, action, actor: "ola", eventId: "e1", at: NOW, ...fields });
  const state = (status: WorkflowState["status"], assignee?: string): WorkflowState => ({ status, notes: 0, updatedAt: AT, history: [], ...(assignee ? { assignee } : {}) });

  it("records an allowed action as the event the indexer applies", () => {
    expect(request("note", undefined, { note: "zadzwonić" })).toEqual({
      kind: "record",
      event: { schemaVersion: 1, eventId: "e1", mentionId: "a".repeat(32), publishedAt: AT, team: "t", actor: "ola", type: "noted", note: "zadzwonić", at: NOW.toISOString() },
    });
  });

  it("refuses an action that does not fit the state, naming the agent only to teams that see it", () => {
    expect(request("answer", state("claimed", "jan"))).toEqual({ kind: "conflict", message: "cannot answer: claimed by jan; they answer it or release it" });
    expect(request("answer", state("claimed", "jan"), { team: team({ view: "pseudonymous" }) })).toEqual({ kind: "conflict", message: "cannot answer: claimed by another agent; they answer it or release it" });
    expect(request("claim", state("claimed", "jan"), { team: team({ hide: ["workflow"] }) })).toEqual({ kind: "conflict", message: "cannot claim: already claimed by another agent" });
    expect(request("release", state("open"))).toEqual({ kind: "conflict", message: "cannot release: not claimed" });
  });

  it("never names another agent to a team that does not see assignees, whatever the action and state (seeded cases)", () => {
    const random = seededRandom(5);
    const actions = Object.keys(ACTIONS) as ActionName[];
    const statuses = ["open", "claimed", "answered", "closed"] as const;
    let named = 0;
    for (let round = 0; round < 300; round++) {
      const action = actions[Math.floor(random() * actions.length)]!;
      const status = statuses[Math.floor(random() * statuses.length)]!;
      const view = random() < 0.5 ? "pseudonymous" : "full";
      const hide = random() < 0.5 ? ["workflow"] : [];
      const outcome = request(action, state(status, "agentka.tajna@zuraw.pl"), { team: team({ view, hide }) });
      const message = outcome.kind === "conflict" ? outcome.message : "";
      const seesAssignee = view === "full" && hide.length === 0;
      if (!seesAssignee) expect(message, `${view} ${hide.join()} ${action} on ${status}`).not.toContain("agentka");
      if (message.includes("agentka")) named++;
      // The event type of every action is one the workflow knows.
      expect(WORKFLOW_EVENT_TYPES).toContain(ACTIONS[action]);
    }
    // The full view without hide: [workflow] is told who holds a claim.
    expect(named).toBeGreaterThan(0);
  });
});
