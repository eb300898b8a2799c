// Parses every ```mermaid block of a Markdown file with Mermaid's own parser (mermaid.parse), in a
// jsdom window. Prints one line per block ("ok <type>" or "FAIL <message>"), then "<n> blocks <m> failed";
// exits 1 when a block fails to parse or the file has none. Used by GateMermaidTest.
import { JSDOM } from 'jsdom';
import fs from 'node:fs';

const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

const md = fs.readFileSync(process.argv[2], 'utf8');
const blocks = [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
let failed = 0;
for (const block of blocks) {
  try {
    const result = await mermaid.parse(block);
    console.log('ok', result.diagramType, JSON.stringify(result.config ?? {}));
  } catch (e) {
    failed++;
    console.log('FAIL', String(e).replace(/\n/g, ' | ').slice(0, 500));
  }
}
console.log(`${blocks.length} blocks ${failed} failed`);
process.exit(failed > 0 || blocks.length === 0 ? 1 : 0);
