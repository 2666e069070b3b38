import { decodeWeights, encodeWeights, type SentimentModelFile } from "../sentiment-model/file-format.ts";

/** The bytes of a model file as written and carried on the models topic: its JSON and a newline. */
export function modelFileText(file: SentimentModelFile): string {
  return `${JSON.stringify(file)}\n`;
}

/**
 * A model that fits in `maxBytes` (its file text), so it can travel as one Kafka message: when it
 * is larger, only the `kept` weights of largest magnitude stay (the smallest matter least to any
 * sum), as many as fit. The kept weights are stored exactly as before (same quantisation scale).
 */
export function pruneToBytes(file: SentimentModelFile, maxBytes: number): { file: SentimentModelFile; kept: number; learned: number } {
  const learned = file.weights.count;
  if (Buffer.byteLength(modelFileText(file)) <= maxBytes) return { file, kept: learned, learned };
  const dense = decodeWeights(file.weights, file.features.bits);
  const byMagnitude: number[] = [];
  for (let index = 0; index < dense.length; index++) if ((dense[index] ?? 0) !== 0) byMagnitude.push(index);
  byMagnitude.sort((a, b) => Math.abs(dense[b] ?? 0) - Math.abs(dense[a] ?? 0) || a - b);
  // The largest weight stays first, so the scale (largest / 32767) and every kept value are unchanged.
  const withTop = (count: number): SentimentModelFile => {
    const kept = new Float64Array(dense.length);
    for (let rank = 0; rank < count; rank++) {
      const index = byMagnitude[rank] ?? 0;
      kept[index] = dense[index] ?? 0;
    }
    // The values come back as they were; the scale is the original one (the decoded float32 weights would round it).
    return { ...file, weights: { ...encodeWeights(kept), scale: file.weights.scale } };
  };
  let low = 0;
  let high = byMagnitude.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (Buffer.byteLength(modelFileText(withTop(middle))) <= maxBytes) low = middle;
    else high = middle - 1;
  }
  const pruned = withTop(low);
  if (Buffer.byteLength(modelFileText(pruned)) > maxBytes) throw new RangeError(`a model file cannot fit in ${maxBytes} bytes even without weights`);
  return { file: pruned, kept: pruned.weights.count, learned };
}
