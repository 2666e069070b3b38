import { describe, expect, it } from "vitest";
import { appStoreSourceSchema, htmlSourceSchema, teamSchema } from "@odzew/schema";
import { projectMention, type MentionDocument } from "@odzew/search";
import { withAnswerLink } from "./answer.ts";

const team = (fields: Record<string, unknown> = {}) => teamSchema.parse({ id: "t", name: "T", keys: [{ env: "K" }], view: "full", ...fields });
const doc = (source: { id: string; type: "opineo" | "app-store" | "html" | "bluesky" | "facebook-page" | "x" }): MentionDocument => ({ id: "a".repeat(32), source, url: "https://opinie.example.pl/1", text: "t" });
const configured = new Map([["app-pl", appStoreSourceSchema.parse({ id: "app-pl", type: "app-store", appId: "123", schedule: "0 * * * *" })]]);

describe("answer links", () => {
  it("links a full-view mention to where customer service answers it", () => {
    const opineo = withAnswerLink(projectMention(doc({ id: "opineo", type: "opineo" }), team()), team(), configured);
    expect(opineo).toMatchObject({ answer: { url: "https://opinie.example.pl/1" } });
    const app = withAnswerLink(projectMention(doc({ id: "app-pl", type: "app-store" }), team()), team(), configured);
    expect(app).toMatchObject({ answer: { url: "https://appstoreconnect.apple.com/apps/123/distribution/activity/ios/ratingsResponses" } });
    // A social post is answered where it was written, as the brand's account: not "the review's page".
    const post = withAnswerLink(projectMention(doc({ id: "bsky", type: "bluesky" }), team()), team(), configured);
    expect(post).toMatchObject({ answer: { url: "https://opinie.example.pl/1", where: "the post on Bluesky, as the brand's account" } });
    const comment = withAnswerLink(projectMention(doc({ id: "fb", type: "facebook-page" }), team()), team(), configured);
    expect(comment).toMatchObject({ answer: { where: "the comment or recommendation on your Facebook Page, answered as the Page" } });
    const tweet = withAnswerLink(projectMention(doc({ id: "x", type: "x" }), team()), team(), configured);
    expect(tweet).toMatchObject({ answer: { where: "the post on X, as the brand's account" } });
  });

  it("gives no link to the pseudonymous view, to a team that hides links, or where none can be built", () => {
    const cx = team({ view: "pseudonymous" });
    expect(withAnswerLink(projectMention(doc({ id: "opineo", type: "opineo" }), cx), cx, configured)).not.toHaveProperty("answer");
    const noUrl = team({ hide: ["url"] });
    expect(withAnswerLink(projectMention(doc({ id: "opineo", type: "opineo" }), noUrl), noUrl, configured)).not.toHaveProperty("answer");
    expect(withAnswerLink(projectMention(doc({ id: "app-unknown", type: "app-store" }), team()), team(), configured)).not.toHaveProperty("answer");
  });

  it("says whether Odzew posts the reply itself or the agent answers there", () => {
    const site = (reply: boolean) =>
      htmlSourceSchema.parse({
        id: "sklep",
        type: "html",
        url: "https://sklep.example.pl/opinie",
        schedule: "0 * * * *",
        selectors: { item: ".o", id: "@data-id", text: ".t", date: "time@datetime" },
        ...(reply ? { reply: { url: "https://sklep.example.pl/api/reviews/{id}/reply", tokenEnv: "SKLEP_TOKEN" } } : {}),
      });
    const mention = projectMention(doc({ id: "sklep", type: "html" }), team());
    expect(withAnswerLink(mention, team(), new Map([["sklep", site(true)]]))).toMatchObject({ answer: { url: "https://opinie.example.pl/1", replyVia: "odzew" } });
    expect(withAnswerLink(mention, team(), new Map([["sklep", site(false)]]))).toMatchObject({ answer: { replyVia: "there" } });
    expect(withAnswerLink(projectMention(doc({ id: "opineo", type: "opineo" }), team()), team(), configured)).toMatchObject({ answer: { replyVia: "there" } });
  });
});
