import { describe, expect, it } from "vitest";
import { INBOX_KEYS, commandOf, isTyping, moveSelection, type KeyPress } from "./keys.ts";

const press = (key: string, target: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, targetTag: "BODY", targetEditable: false, ...target });

describe("the inbox keyboard", () => {
  it("maps each key of the help to its command", () => {
    expect(commandOf(press("j"))).toBe("next");
    expect(commandOf(press("ArrowDown"))).toBe("next");
    expect(commandOf(press("k"))).toBe("previous");
    expect(commandOf(press("ArrowUp"))).toBe("previous");
    expect(commandOf(press("Enter", { targetTag: "LI" }))).toBe("open");
    expect(["c", "r", "a", "n", "o", "u", "?"].map((key) => commandOf(press(key)))).toEqual(["claim", "reply", "answer", "no-answer", "note", "release", "help"]);
    expect(commandOf(press("x"))).toBeUndefined();
    // Every key is listed once.
    const keys = INBOX_KEYS.flatMap((entry) => entry.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("never fires while the user types in a field", () => {
    for (const target of [{ targetTag: "INPUT" }, { targetTag: "input", targetType: "search" }, { targetTag: "TEXTAREA" }, { targetTag: "SELECT" }, { targetTag: "DIV", targetEditable: true }]) {
      expect(commandOf(press("c", target)), JSON.stringify(target)).toBeUndefined();
      expect(commandOf(press("j", target))).toBeUndefined();
    }
    // Escape leaves the field's purpose to the page (closing the help or the note).
    expect(commandOf(press("Escape", { targetTag: "TEXTAREA" }))).toBe("close");
    // A checkbox takes no typing: the keys still work there.
    expect(isTyping({ targetTag: "INPUT", targetType: "checkbox", targetEditable: false })).toBe(false);
    expect(commandOf(press("c", { targetTag: "INPUT", targetType: "checkbox" }))).toBe("claim");
  });

  it("leaves the browser's shortcuts and a button's own Enter alone", () => {
    expect(commandOf(press("c", { ctrlKey: true }))).toBeUndefined();
    expect(commandOf(press("r", { metaKey: true }))).toBeUndefined();
    expect(commandOf(press("a", { altKey: true }))).toBeUndefined();
    expect(commandOf(press("Enter", { targetTag: "BUTTON" }))).toBeUndefined();
    expect(commandOf(press("Enter", { targetTag: "A" }))).toBeUndefined();
    expect(commandOf(press("c", { targetTag: "BUTTON" }))).toBe("claim");
  });

  it("moves the selection within the list", () => {
    expect(moveSelection(-1, 3, 1)).toBe(0);
    expect(moveSelection(-1, 3, -1)).toBe(2);
    expect(moveSelection(0, 3, 1)).toBe(1);
    expect(moveSelection(2, 3, 1)).toBe(2);
    expect(moveSelection(0, 3, -1)).toBe(0);
    expect(moveSelection(5, 3, 1)).toBe(0);
    expect(moveSelection(0, 0, 1)).toBe(-1);
  });
});
