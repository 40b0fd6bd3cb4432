/**
 * A reader for the YAML subset compose.yaml is written in (no YAML library is installed):
 * block mappings and sequences by indentation, `- key: value` items, flow sequences and mappings
 * (also over several lines, as Biome formats them), double-quoted (JSON escapes) and
 * single-quoted scalars, comments. Scalars stay strings; an empty value is ''. Anchors, tags and
 * block scalars are rejected, not guessed.
 */
export type Yaml = string | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  no: number;
}

export function parseYaml(source: string): Yaml {
  const lines: Line[] = [];
  let open: Line | undefined;
  source.split('\n').forEach((raw, i) => {
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '') return;
    // A flow collection left open continues on the next lines: join them into one.
    if (open) open.text += ` ${text.trim()}`;
    else {
      open = { indent: text.length - text.trimStart().length, text: text.trim(), no: i + 1 };
      lines.push(open);
    }
    if (flowDepth(open.text) <= 0) open = undefined;
  });
  if (lines.length === 0) return '';
  const [value, next] = block(lines, 0, lines[0]!.indent);
  if (next < lines.length) fail(lines[next]!, 'unexpected indentation');
  return value;
}

function fail(line: Line, why: string): never {
  throw new Error(`yaml line ${line.no}: ${why}: ${line.text}`);
}

/** Calls `visit` for each character outside quotes (double quotes with escapes, single with ''). */
function outsideQuotes(text: string, visit: (c: string, i: number) => boolean | undefined): void {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (visit(c, i)) return;
  }
}

function stripComment(raw: string): string {
  let cut = raw.length;
  outsideQuotes(raw, (c, i) => {
    if (c !== '#' || (i > 0 && !/\s/.test(raw[i - 1]!))) return false;
    cut = i;
    return true;
  });
  return raw.slice(0, cut);
}

/** Brackets opened and not yet closed, outside quotes. */
function flowDepth(text: string): number {
  let depth = 0;
  outsideQuotes(text, (c) => {
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    return false;
  });
  return depth;
}

const isItem = (text: string) => text === '-' || text.startsWith('- ');

function block(lines: Line[], i: number, indent: number): [Yaml, number] {
  const line = lines[i]!;
  if (/^[[{]/.test(line.text)) return [scalar(line.text, line), i + 1];
  return isItem(line.text) ? sequence(lines, i, indent) : mapping(lines, i, indent);
}

function mapping(lines: Line[], start: number, indent: number): [Yaml, number] {
  const out: { [key: string]: Yaml } = {};
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent && !isItem(lines[i]!.text)) {
    const line = lines[i]!;
    const pair = splitKey(line.text);
    if (!pair) fail(line, 'expected "key: value"');
    if (pair.key in out) fail(line, 'duplicate key');
    i++;
    const child = lines[i];
    if (pair.rest !== '') out[pair.key] = scalar(pair.rest, line);
    else if (child && (child.indent > indent || (child.indent === indent && isItem(child.text)))) {
      [out[pair.key], i] = block(lines, i, child.indent);
    } else out[pair.key] = '';
  }
  if (i < lines.length && lines[i]!.indent > indent) fail(lines[i]!, 'unexpected indentation');
  return [out, i];
}

function sequence(lines: Line[], start: number, indent: number): [Yaml, number] {
  const out: Yaml[] = [];
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent && isItem(lines[i]!.text)) {
    const line = lines[i]!;
    const body = line.text.slice(1).trim();
    let item: Yaml;
    if (body === '') {
      const child = lines[i + 1];
      if (!child || child.indent <= indent) fail(line, 'empty item');
      [item, i] = block(lines, i + 1, child.indent);
    } else if (splitKey(body)) {
      // `- key: value` opens a mapping whose other keys sit under `key`.
      lines[i] = { ...line, indent: indent + 2, text: body };
      [item, i] = mapping(lines, i, indent + 2);
    } else {
      item = scalar(body, line);
      i++;
    }
    out.push(item);
  }
  return [out, i];
}

function splitKey(text: string): { key: string; rest: string } | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const end = text.indexOf(text[0]!, 1);
    if (end < 0 || text[end + 1] !== ':' || ![undefined, ' '].includes(text[end + 2])) return undefined;
    return { key: text.slice(1, end), rest: text.slice(end + 2).trim() };
  }
  if (text.startsWith('[') || text.startsWith('{')) return undefined;
  const m = /^([^\s:][^:]*?):(?:\s+(.*))?$/.exec(text);
  return m ? { key: m[1]!, rest: (m[2] ?? '').trim() } : undefined;
}

function scalar(text: string, line: Line): Yaml {
  if (/^[&*!|>]/.test(text)) fail(line, 'anchors, aliases, tags and block scalars are not supported');
  if (!/^["'[{]/.test(text)) return text;
  const reader = new FlowReader(text, line);
  const value = reader.value();
  reader.end();
  return value;
}

/** Flow values: [a, "b", 'c'], {k: v}; trailing commas allowed. */
class FlowReader {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly line: Line,
  ) {}

  value(): Yaml {
    this.skip();
    const c = this.text[this.pos];
    if (c === '[') return this.collection(']', () => this.value());
    if (c === '{') return Object.fromEntries(this.collection('}', () => this.pair()));
    if (c === '"') return JSON.parse(this.take(/^"(?:[^"\\]|\\.)*"/, 'unterminated "')) as string;
    if (c === "'")
      return this.take(/^'(?:[^']|'')*'/, "unterminated '")
        .slice(1, -1)
        .replaceAll("''", "'");
    return this.take(/^[^,\]}:]*/, 'expected a value').trim();
  }

  end(): void {
    this.skip();
    if (this.pos !== this.text.length) fail(this.line, `unexpected text at column ${this.pos}`);
  }

  private take(pattern: RegExp, why: string): string {
    const m = pattern.exec(this.text.slice(this.pos));
    if (!m) fail(this.line, why);
    this.pos += m[0].length;
    return m[0];
  }

  private collection<T>(close: string, item: () => T): T[] {
    const out: T[] = [];
    this.pos++;
    for (;;) {
      this.skip();
      if (this.text[this.pos] === close) break;
      out.push(item());
      this.skip();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) fail(this.line, `expected , or ${close}`);
    }
    this.pos++;
    return out;
  }

  private pair(): [string, Yaml] {
    const key = this.value();
    this.skip();
    if (typeof key !== 'string' || this.text[this.pos] !== ':') fail(this.line, 'expected key: value');
    this.pos++;
    return [key, this.value()];
  }

  private skip(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }
}
