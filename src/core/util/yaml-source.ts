import { createRequire } from 'node:module';
import type { Document, LineCounter, Node } from 'yaml';

// Loaded on first use: a run of the built-in suites parses no YAML (they come from the build's cache).
const require = createRequire(import.meta.url);
const yaml = () => require('yaml') as typeof import('yaml');

/** A 1-based source position. */
export interface SourcePos {
  line: number;
  col: number;
}

/** A parsed YAML file that can say where any of its nodes stands (for `file:line:col` errors). */
export class YamlSource {
  readonly file: string;
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  private constructor(file: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }

  /** Parses text; the first syntax error becomes a `file:line:col: message` error through `fail`. */
  static parse(file: string, text: string, fail: (message: string) => Error): YamlSource {
    const { LineCounter, parseDocument } = yaml();
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true, prettyErrors: false, uniqueKeys: true });
    const src = new YamlSource(file, doc, lines);
    const first = doc.errors[0];
    if (first) {
      const pos = lines.linePos(first.pos[0]);
      const raw = first.message.split('\n')[0] ?? first.message;
      const detail = /call stack/i.test(raw) ? 'nested too deeply' : raw;
      throw fail(`${file}:${pos.line}:${pos.col}: invalid YAML: ${detail}`);
    }
    return src;
  }

  /**
   * The document as plain data. An alias that names no anchor, or too many aliases (a "billion laughs" document),
   * becomes one positioned error through `fail`, never an exception of another kind.
   */
  toJS(text: string, fail: (message: string) => Error): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      const alias = /(^|[\s,[{:-])\*[^\s,\]}]+/m.exec(text);
      const offset = alias ? alias.index + alias[1]!.length : 0;
      const pos = this.lines.linePos(offset);
      const what = /alias/i.test((err as Error).message) ? (err as Error).message.split('\n')[0] : /call stack/i.test((err as Error).message) ? 'nested too deeply' : 'the document cannot be read';
      throw fail(`${this.file}:${pos.line}:${pos.col}: invalid YAML: ${what}`);
    }
  }

  /** Position of the node at a path of keys and indexes (the closest existing ancestor when it is absent). */
  posOf(path: readonly (string | number)[], which: 'key' | 'value' = 'value'): SourcePos {
    const { isMap, isScalar, isSeq } = yaml();
    let node: unknown = this.doc.contents;
    let pos = this.posOfNode(node as Node | null) ?? { line: 1, col: 1 };
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) return pos;
        const keyPos = this.posOfNode(pair.key as Node | null);
        const valuePos = this.posOfNode(pair.value as Node | null);
        pos = (which === 'key' && seg === path[path.length - 1] ? keyPos : valuePos ?? keyPos) ?? pos;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) return pos;
        pos = this.posOfNode(item as Node | null) ?? pos;
        node = item;
      } else {
        return pos;
      }
    }
    return pos;
  }

  /** Whether the document is a mapping (of keys to values). */
  isMapping(): boolean {
    return yaml().isMap(this.doc.contents);
  }

  /** `file:line:col` for a path. */
  where(path: readonly (string | number)[], which: 'key' | 'value' = 'value'): string {
    const p = this.posOf(path, which);
    return `${this.file}:${p.line}:${p.col}`;
  }

  private posOfNode(node: Node | null | undefined): SourcePos | undefined {
    const range = node?.range;
    if (!range) return undefined;
    const lp = this.lines.linePos(range[0]);
    return { line: lp.line, col: lp.col };
  }
}
