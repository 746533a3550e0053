import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

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
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true, prettyErrors: false, uniqueKeys: true });
    const src = new YamlSource(file, doc, lines);
    const first = doc.errors[0];
    if (first) {
      const pos = lines.linePos(first.pos[0]);
      const detail = first.message.split('\n')[0] ?? first.message;
      throw fail(`${file}:${pos.line}:${pos.col}: invalid YAML: ${detail}`);
    }
    return src;
  }

  /** Position of the node at a path of keys and indexes (the closest existing ancestor when it is absent). */
  posOf(path: readonly (string | number)[], which: 'key' | 'value' = 'value'): SourcePos {
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
