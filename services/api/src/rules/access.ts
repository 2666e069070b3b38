import type { TeamAction, TeamConfig } from "@odzew/schema";

/** Why a team may not use an action (the fix included); undefined when its configuration grants it. */
export function actionRefusal(team: Pick<TeamConfig, "id" | "actions">, action: TeamAction): string | undefined {
  if (team.actions.includes(action)) return undefined;
  return `team "${team.id}" may not use ${action}; grant it in teams.yaml (actions: [${action}])`;
}

/** Why a team may use none of `actions` (any one of them is enough); undefined when it has one. */
export function actionsRefusal(team: Pick<TeamConfig, "id" | "actions">, actions: readonly TeamAction[]): string | undefined {
  const [first, ...others] = actions;
  if (first === undefined || actions.some((action) => team.actions.includes(action))) return undefined;
  if (others.length === 0) return actionRefusal(team, first);
  return `team "${team.id}" may not use ${actions.join(" or ")}; grant one of them in teams.yaml (actions: [${first}])`;
}

const MENTION_ID = /^[a-f0-9]{32}$/;

/** Whether a path parameter can be a mention id at all; anything else is answered 404 without asking the engine. */
export const isMentionId = (id: string): boolean => MENTION_ID.test(id);

/**
 * The key of an `Authorization: Bearer KEY` header (at most 512 characters, no blanks); `null`
 * when a header is there but is not a bearer token, `undefined` when there is none.
 */
export function bearerToken(header: unknown): string | null | undefined {
  if (header === undefined) return undefined;
  const match = typeof header === "string" ? /^Bearer\s+(\S{1,512})\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}
