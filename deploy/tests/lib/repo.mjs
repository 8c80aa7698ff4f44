// Shared by the deploy checks: where the repository is, rendering an overlay, the services'
// settings as the code defines them.
import { execFileSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments } from "yaml";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export function read(path) {
  return readFileSync(join(root, path), "utf8");
}

export function exists(path) {
  return existsSync(join(root, path));
}

/** The five modules, their Kubernetes names (= module names), ports from the shared contract. */
export const SERVICES = {
  "edge-gateway": { observe: 9091, grpc: 7000, client: 3001, observeVar: "METRICS_PORT", grpcVar: "GATEWAY_ADMIN_GRPC_PORT" },
  "messaging-service": { observe: 9101, grpc: 7001, observeVar: "OBSERVE_PORT", grpcVar: "GRPC_PORT", target: "messaging" },
  "presence-service": { observe: 9102, grpc: 7002, observeVar: "OBSERVE_PORT", grpcVar: "GRPC_PORT", target: "presence" },
  "call-signaling-service": { observe: 9103, grpc: 7003, observeVar: "OBSERVE_PORT", grpcVar: "GRPC_PORT", target: "calls" },
  "notification-service": { observe: 9104, grpc: 7004, observeVar: "OBSERVE_PORT", grpcVar: "GRPC_PORT", target: "notifications" },
};

/** Renders a kustomization directory (relative to the repository) with `kubectl kustomize`. */
export function render(dir) {
  const kubectl = process.env.KUBECTL ?? "kubectl";
  const out = execFileSync(kubectl, ["kustomize", join(root, dir)], {
    encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20,
  });
  return parseAllDocuments(out).map((d) => {
    if (d.errors.length) throw new Error(`${dir}: ${d.errors[0].message}`);
    return d.toJS();
  }).filter(Boolean);
}

/**
 * A service's settings keys from its defaults file (`<module>/src/main/resources/<module>.yaml`),
 * as the environment variables Helidon maps to them (messaging.grpc.target -> MESSAGING_GRPC_TARGET).
 */
export function settingsVariables(module) {
  const tree = parse(read(`${module}/src/main/resources/${module}.yaml`));
  const names = new Set();
  const walk = (node, path) => {
    if (node && typeof node === "object" && !Array.isArray(node)) {
      for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
    } else {
      names.add(path.join("_").toUpperCase());
    }
  };
  walk(tree, []);
  return names;
}
