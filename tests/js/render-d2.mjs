// Compile and render D2 texts with the real D2 (its WebAssembly build), for tests/test_export_tools.py.
// stdin: a JSON list of D2 texts; stdout: a JSON list of {svg} or {error}, one per text.
import { D2 } from "@terrastruct/d2";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const texts = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const d2 = new D2();
const results = [];
for (const text of texts) {
  try {
    const compiled = await d2.compile(text);
    results.push({ svg: await d2.render(compiled.diagram, compiled.renderOptions) });
  } catch (error) {
    results.push({ error: String(error && error.message ? error.message : error) });
  }
}
// exit once written: the D2 worker thread would keep node alive
process.stdout.write(JSON.stringify(results), () => process.exit(0));
