import { describe, expect, it } from "vitest";
import { shareOption, timelineOption } from "./chart-options.ts";
import type { AlertMark } from "./model.ts";

interface BarSeries {
  name: string;
  stack: string;
  data: number[];
  markArea?: { data: [{ name: string; xAxis: string }, { xAxis: string }][] };
  markPoint?: { data: { name: string; coord: [number, number] }[] };
}

const mark: AlertMark = { key: "spike:zuraw:demo-zuraw:negative", kind: "spike", status: "open", start: 1, end: 2, at: 2, count: 4, threshold: 3 };

describe("timelineOption", () => {
  const option = timelineOption({
    labels: ["10:00", "11:00", "12:00"],
    series: { negative: [0, 1, 4], neutral: [0, 0, 0], positive: [2, 0, 0], none: [0, 0, 1] },
    names: { negative: "negatywne", neutral: "neutralne", positive: "pozytywne", none: "bez oceny" },
    marks: [mark],
    markLabel: (shown) => `skok ${shown.count ?? 0}`,
    count: (value) => `${value}`,
    axisName: "wzmianki",
  }) as { series: BarSeries[]; legend: { data: string[] }; xAxis: { data: string[] } };

  it("stacks one bar series per sentiment on dated categories, with a legend in the user's words", () => {
    expect(option.series.map((series) => [series.name, series.stack, series.data])).toEqual([
      ["negatywne", "mentions", [0, 1, 4]],
      ["neutralne", "mentions", [0, 0, 0]],
      ["pozytywne", "mentions", [2, 0, 0]],
      ["bez oceny", "mentions", [0, 0, 1]],
    ]);
    expect(option.legend.data).toEqual(["negatywne", "neutralne", "pozytywne", "bez oceny"]);
    expect(option.xAxis.data).toEqual(["10:00", "11:00", "12:00"]);
  });

  it("shades the alert's window and pins it on top of the bar where it opened", () => {
    const [first] = option.series;
    expect(first?.markArea?.data).toEqual([[expect.objectContaining({ name: "skok 4", xAxis: "11:00" }), { xAxis: "12:00" }]]);
    expect(first?.markPoint?.data).toEqual([expect.objectContaining({ name: "skok 4", coord: [2, 5] })]);
    expect(option.series.slice(1).every((series) => series.markArea === undefined && series.markPoint === undefined)).toBe(true);
  });
});

describe("shareOption", () => {
  it("draws one line per brand on a 0–100 % axis, gaps where nobody spoke", () => {
    const option = shareOption({ labels: ["a", "b"], brands: ["zuraw", "sowa"], shares: { zuraw: [0.75, null], sowa: [0.25, null] }, percent: (share) => `${share * 100} %` }) as {
      series: { name: string; type: string; data: (number | null)[] }[];
      yAxis: { min: number; max: number };
    };
    expect(option.series).toEqual([expect.objectContaining({ name: "zuraw", type: "line", data: [0.75, null] }), expect.objectContaining({ name: "sowa", type: "line", data: [0.25, null] })]);
    expect(option.yAxis).toEqual(expect.objectContaining({ min: 0, max: 1 }));
  });

  it("names each line and legend entry by the brand's name (brands.yaml), not its id", () => {
    const names: Record<string, string> = { zuraw: "Księgarnia Żuraw" };
    const option = shareOption({ labels: ["a"], brands: ["zuraw", "sowa"], shares: { zuraw: [1], sowa: [0] }, percent: String, brandName: (id) => names[id] ?? id }) as {
      series: { name: string }[];
      legend: { data: string[] };
    };
    expect(option.series.map((series) => series.name)).toEqual(["Księgarnia Żuraw", "sowa"]);
    expect(option.legend.data).toEqual(["Księgarnia Żuraw", "sowa"]);
  });
});
