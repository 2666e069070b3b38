/**
 * A sources.yaml entry for the demo review site (`services/demo-site`), running on loopback in a
 * test: the `html` type with the site's selectors, allowed to reach a private address.
 */
export function demoSiteSourceYaml(options: { id: string; url: string; schedule: string; limits?: string }): string {
  return [
    "sources:",
    `  - id: ${options.id}`,
    "    type: html",
    "    brands: [zuraw]",
    `    schedule: "${options.schedule}"`,
    `    url: ${options.url}`,
    "    lang: pl",
    ...(options.limits ? [`    limits: ${options.limits}`] : []),
    // The site is on loopback, which sources may reach only when configured to.
    "    network: { allowPrivate: true }",
    "    selectors:",
    "      item: article.opinia",
    '      id: "@data-opinia-id"',
    "      text: p.tresc",
    "      title: h3.tytul",
    "      author: span.autor",
    "      date: time@datetime",
    "      rating: span.gwiazdki@data-ocena",
    "      nextPage: a.nastepna@href",
    "",
  ].join("\n");
}
