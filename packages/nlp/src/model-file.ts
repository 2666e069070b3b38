import { readFile } from "node:fs/promises";
import { OdzewError } from "@odzew/core";
import { parseSentimentModelFile, type SentimentModelFile } from "./sentiment-model/index.ts";

/** Read a model written by `odzew sentiment train`; a broken or foreign file names itself and the fix. */
export async function readSentimentModelFile(file: string): Promise<SentimentModelFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new OdzewError("CONFIG_INVALID", `${file}: cannot read the sentiment model: ${(error as Error).message}`);
  }
  try {
    return parseSentimentModelFile(json);
  } catch (error) {
    throw new OdzewError("CONFIG_INVALID", `${file}: ${(error as Error).message}; train one with odzew sentiment train`);
  }
}
