// Copies the non-TypeScript assets (SQL migrations) next to the compiled JavaScript.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

function walk(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.sql')) {
      const dest = join('dist', relative('src', path));
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(path, dest);
    }
  }
}
walk('src');
