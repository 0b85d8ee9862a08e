// Writes a generated benchmark corpus to disk, remembering its files and counting its lines.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class CorpusWriter {
  readonly files: string[] = [];
  lines = 0;

  write(path: string, text: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    this.files.push(path);
    this.lines += text.split('\n').length;
  }
}
