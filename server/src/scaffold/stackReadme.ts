// README.md of a generated stack: what each service is, how to start it, where each one is reached. Pure text.

export interface ReadmeService {
  name: string;
  image: string;
  /** One sentence: what it does in this stack. */
  role: string;
  /** How it is reached from the host: a URL or host:port, or undefined when only the stack's own network reaches it. */
  reach?: string;
}

export interface ReadmeSpec {
  title: string;
  summary: string;
  services: readonly ReadmeService[];
  /** Numbered steps, each Markdown. */
  start: readonly string[];
  /** Further sections: a heading and its paragraphs. */
  sections: ReadonlyArray<{ heading: string; paragraphs: readonly string[] }>;
}

/** Table cells: a `|` would end the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function stackReadme(spec: ReadmeSpec): string {
  const rows = spec.services.map((s) => `| \`${s.name}\` | \`${s.image}\` | ${cell(s.role)} | ${s.reach ? cell(s.reach) : 'inside the stack only'} |`);
  // trimEnd, not /\n+$/ (quadratic on a run of newlines: the regex-budget test fuzzes every pattern here).
  return `${[
    `# ${spec.title}`,
    '',
    spec.summary,
    '',
    '## Services',
    '',
    '| service | image | what it does | from the host |',
    '|---|---|---|---|',
    ...rows,
    '',
    '## Start',
    '',
    ...spec.start.map((step, i) => `${i + 1}. ${step}`),
    '',
    ...spec.sections.flatMap((s) => [`## ${s.heading}`, '', ...s.paragraphs.flatMap((p) => [p, ''])]),
  ].join('\n').trimEnd()}\n`;
}
