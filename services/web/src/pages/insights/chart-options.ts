/**
 * The insights view's ECharts options (pure: words and number formats come in as arguments).
 * Names shown are words of ours, topic labels (or ids) of the taxonomy and source ids or types of
 * the configuration; the tooltips are ECharts' own, which escape names.
 */
import type { EChartsCoreOption } from "echarts/core";
import type { RatingsResponse } from "../../types.ts";
import type { HeatmapMatrix } from "./model.ts";

/** Each cell's count is written in it: the shade is never the only way to read a number. */
export function heatmapOption(input: { matrix: HeatmapMatrix; sentiments: string[]; count(value: number): string; seriesName: string; topicLabel(id: string): string }): EChartsCoreOption {
  return {
    grid: { left: 8, right: 8, top: 8, bottom: 48, containLabel: true },
    tooltip: { position: "top" },
    xAxis: { type: "category", data: input.sentiments, splitArea: { show: true } },
    yAxis: { type: "category", data: input.matrix.topics.map(input.topicLabel), splitArea: { show: true } },
    visualMap: { min: 0, max: input.matrix.max, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#eef2fb", "#2457c5"] } },
    series: [
      {
        name: input.seriesName,
        type: "heatmap",
        data: input.matrix.cells,
        label: { show: true, formatter: (params: { data?: unknown }) => (Array.isArray(params.data) && typeof params.data[2] === "number" ? input.count(params.data[2]) : "") },
        emphasis: { itemStyle: { borderColor: "#1b2230", borderWidth: 2 } },
        cursor: "pointer",
      },
    ],
  };
}

/** From red (one star) to green (five): the table beside says the same in numbers. */
export const STAR_COLOURS = ["#b3261e", "#d9822b", "#9aa3b2", "#6fae7f", "#1d7a45"] as const;
export const STAR_KEYS = ["1", "2", "3", "4", "5"] as const;

/** Per source, a bar of its ratings stacked by stars (as shares of the source's ratings, counts in the tooltip). */
export function ratingsOption(input: { sources: RatingsResponse["sources"]; starNames: string[]; count(value: number): string }): EChartsCoreOption {
  const sources = [...input.sources].reverse();
  return {
    color: [...STAR_COLOURS],
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, data: input.starNames },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (value: unknown) => (typeof value === "number" ? input.count(value) : "") },
    xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: (value: number) => input.count(value) } },
    yAxis: { type: "category", data: sources.map((source) => source.source) },
    series: STAR_KEYS.map((star, index) => ({
      name: input.starNames[index],
      type: "bar",
      stack: "ratings",
      barMaxWidth: 28,
      emphasis: { focus: "series" },
      data: sources.map((source) => source.stars[star]),
    })),
  };
}
