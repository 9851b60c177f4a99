// Writes the JSON export's JSON Schema, generated from its zod schema, to the package and to docs/ (run after a build).
import { writeFileSync } from "node:fs";
import { jsonExportJsonSchema } from "../dist/index.js";

const text = `${JSON.stringify(jsonExportJsonSchema(), null, 2)}\n`;
for (const to of ["../loom-export.schema.json", "../../../docs/loom-export.schema.json"])
  writeFileSync(new URL(to, import.meta.url), text);
