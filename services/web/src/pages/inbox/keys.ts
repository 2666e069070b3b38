/**
 * The inbox's keyboard: which key does what, and when a key is the user's typing instead. Pure
 * (no DOM): the page passes what it knows about the key event and its target.
 */

/** What a key asks the inbox to do. */
export type InboxCommand = "next" | "previous" | "open" | "claim" | "reply" | "answer" | "no-answer" | "note" | "release" | "help" | "close";

/** The keys, in the order the help lists them (the first key of each is the one shown first). */
export const INBOX_KEYS: readonly { command: InboxCommand; keys: readonly string[] }[] = [
  { command: "next", keys: ["j", "ArrowDown"] },
  { command: "previous", keys: ["k", "ArrowUp"] },
  { command: "open", keys: ["Enter"] },
  { command: "claim", keys: ["c"] },
  { command: "reply", keys: ["r"] },
  { command: "answer", keys: ["a"] },
  { command: "no-answer", keys: ["n"] },
  { command: "note", keys: ["o"] },
  { command: "release", keys: ["u"] },
  { command: "help", keys: ["?"] },
  { command: "close", keys: ["Escape"] },
];

const BY_KEY = new Map<string, InboxCommand>(INBOX_KEYS.flatMap(({ command, keys }) => keys.map((key) => [key, command] as const)));

/** A key event as the keymap needs it. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focused element's tag name (upper or lower case) and, for an input, its type. */
  targetTag: string;
  targetType?: string | undefined;
  targetEditable: boolean;
}

/** Input types that take no typing: a key on them is still a command. */
const NOT_TYPED = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"]);

/** Whether the user is typing into the focused element (a key there is text, never a command). */
export function isTyping(press: Pick<KeyPress, "targetTag" | "targetType" | "targetEditable">): boolean {
  const tag = press.targetTag.toLowerCase();
  if (press.targetEditable || tag === "textarea" || tag === "select") return true;
  return tag === "input" && !NOT_TYPED.has((press.targetType ?? "text").toLowerCase());
}

/** Elements whose own Enter (and Space) the browser handles: Enter there presses them, it does not open the mention. */
const OWN_ENTER = new Set(["button", "a", "summary", "input", "select", "textarea"]);

/** The command a key press means, or undefined (typing, a shortcut of the browser, an unknown key). */
export function commandOf(press: KeyPress): InboxCommand | undefined {
  if (press.ctrlKey || press.metaKey || press.altKey) return undefined;
  if (isTyping(press)) return press.key === "Escape" ? "close" : undefined;
  const command = BY_KEY.get(press.key);
  if (command === "open" && OWN_ENTER.has(press.targetTag.toLowerCase())) return undefined;
  return command;
}

/** The selection after moving by `delta` in a list of `count` (stays in the list; none selected starts at the top). */
export function moveSelection(index: number, count: number, delta: 1 | -1): number {
  if (count <= 0) return -1;
  if (index < 0 || index >= count) return delta > 0 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, index + delta));
}
