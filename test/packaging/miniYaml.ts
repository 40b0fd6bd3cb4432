/**
 * A reader for the YAML subset compose.yaml is written in (no YAML library is installed):
 * block mappings and sequences by indentation, `- key: value` items, flow sequences and mappings
 * written as JSON, double-quoted (JSON) and single-quoted scalars, comments. Scalars stay strings;
 * an empty value is ''. Anchors, tags, multi-line and block scalars are rejected, not guessed.
 */
export type Yaml = string | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  no: number;
}

export function parseYaml(source: string): Yaml {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, i) => {
    const text = stripComment(raw).trimEnd();
    if (text.trim() !== '')
      lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), no: i + 1 });
  });
  if (lines.length === 0) return '';
  const [value, next] = block(lines, 0, lines[0]!.indent);
  if (next < lines.length) fail(lines[next]!, 'unexpected indentation');
  return value;
}

function fail(line: Line, why: string): never {
  throw new Error(`yaml line ${line.no}: ${why}: ${line.text}`);
}

function stripComment(raw: string): string {
  let quote = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(raw[i - 1]!))) return raw.slice(0, i);
  }
  return raw;
}

const isItem = (text: string) => text === '-' || text.startsWith('- ');

function block(lines: Line[], i: number, indent: number): [Yaml, number] {
  return isItem(lines[i]!.text) ? sequence(lines, i, indent) : mapping(lines, i, indent);
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
  if (text.startsWith('"') || text.startsWith('[') || text.startsWith('{')) {
    try {
      return stringify(JSON.parse(text));
    } catch {
      fail(line, 'flow values must be valid JSON');
    }
  }
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) fail(line, 'unterminated quote');
    return text.slice(1, -1).replaceAll("''", "'");
  }
  return text;
}

function stringify(v: unknown): Yaml {
  if (Array.isArray(v)) return v.map(stringify);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stringify(x)]));
  }
  return v === null ? '' : String(v);
}
