// Unknown fields, which the schema validators of kubernetes-models accept (the Kubernetes
// OpenAPI schemas do not forbid additional properties) and which `kubectl apply` refuses
// (--validate=strict, its default): a misspelt `readinessProbe` would otherwise pass offline.
//
// The field names come from the same package's TypeScript declarations (one interface per
// API type, `"field"?: Type;`, with the types it refers to imported from sibling files), read
// as text: every object is walked along its kind's declared fields, and a key the type does
// not declare is reported with its path.
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

const require = createRequire(import.meta.url);
const modelsRoot = dirname(require.resolve("kubernetes-models/package.json"));
const nodeModules = dirname(modelsRoot);

/** The declaration file a module specifier names, from the file that imports it. */
function declarationFile(specifier, fromFile) {
  const base = specifier.startsWith(".")
    ? resolve(dirname(fromFile), specifier)
    : join(nodeModules, ...specifier.split("/"));
  const file = base.replace(/\.js$/, "") + ".d.ts";
  if (!existsSync(file)) throw new Error(`no declarations at ${file} (from ${fromFile})`);
  return file;
}

const cache = new Map();

/**
 * A type's declared fields: {fields: name -> type expression, imports: type name -> file},
 * or null for a type without an interface (an alias such as IntOrString, Quantity, Time).
 */
function readType(file) {
  if (cache.has(file)) return cache.get(file);
  const text = readFileSync(file, "utf8").replace(/\/\*\*[\s\S]*?\*\//g, "");
  const imports = {};
  for (const m of text.matchAll(/import \{([^}]+)\} from "([^"]+)";/g)) {
    for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean)) imports[name] = m[2];
  }
  const body = /export interface \w+(?: extends [\w, ]+)? \{\n([\s\S]*?)\n\}/.exec(text);
  let type = null;
  if (body) {
    const fields = {};
    // A field per line at the interface's indentation; an inline type ({ [key: string]: ... })
    // opens on its line and closes at that indentation.
    let open = null;
    for (const line of body[1].split("\n")) {
      if (open) {
        if (/^ {4}\};?$/.test(line)) open = null;
        continue;
      }
      const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(line);
      if (!m) continue;
      fields[m[1]] = m[2].replace(/;$/, "");
      if (m[2].endsWith("{")) open = m[1];
    }
    type = { fields, imports, file };
  }
  cache.set(file, type);
  return type;
}

/** The declaration file of the object type an expression names (Array<T> -> T), or null. */
function referenced(expr, type) {
  const name = /^(?:Array<)?(I[A-Za-z0-9]+)>?$/.exec(expr.trim())?.[1];
  if (!name || !type.imports[name]) return null;
  return declarationFile(type.imports[name], type.file);
}

function walk(value, file, path, problems) {
  const type = file ? readType(file) : null;
  if (!type || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, file, `${path}[${i}]`, problems));
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const expr = type.fields[key];
    if (expr === undefined) {
      problems.push(`${path}.${key}: unknown field`);
      continue;
    }
    if (expr.trimStart().startsWith("{")) continue; // a map: any keys
    walk(child, referenced(expr, type), `${path}.${key}`, problems);
  }
}

/** The unknown fields of a rendered object, as paths (empty: none). */
export function unknownFields(obj) {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
  const file = join(modelsRoot, ...(group ? [group, version] : [version]), `${obj.kind}.d.ts`);
  if (!existsSync(file)) return [`${obj.apiVersion} ${obj.kind}: no declarations`];
  const problems = [];
  walk(obj, file, obj.kind, problems);
  return problems;
}
