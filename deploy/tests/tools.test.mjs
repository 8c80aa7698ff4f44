// The configurations checked by the programs that read them: nginx -t on the load balancer's,
// promtool on both Prometheus configurations, and every Grafana panel query parsed as PromQL
// (promtool check rules, each query a recording rule). tools/scripts/deploy-checks.sh gives
// the programs' paths (NGINX_BIN, PROMTOOL_BIN); run directly without them these tests are skipped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { read, root } from "./lib/repo.mjs";

const { NGINX_BIN: NGINX, PROMTOOL_BIN: PROMTOOL } = process.env;

function run(program, args) {
  try {
    return { ok: true, out: execFileSync(program, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
  } catch (e) {
    return { ok: false, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

function scratch() {
  return mkdtempSync(join(tmpdir(), "deploy-checks-"));
}

/**
 * nginx -t on the compose load balancer's configuration: the upstream's host names are
 * compose's, unknown here, so they become loopback addresses, and nginx's temporary and pid
 * paths point into a scratch prefix; every directive is otherwise as written.
 */
function nginxCheck(config) {
  const dir = scratch();
  try {
    mkdirSync(join(dir, "logs"));
    let i = 0;
    const local = config
      .replace(/server\s+gateway-\d+:3001/g, () => `server 127.0.0.1:${40001 + i++}`)
      .replace(/http\s*\{/, `http {\n${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .map((t) => `  ${t}_temp_path ${dir}/${t};`).join("\n")}\n  access_log ${dir}/logs/access.log;\n`);
    writeFileSync(join(dir, "nginx.conf"), `pid ${dir}/nginx.pid;\n${local}`);
    return run(NGINX, ["-t", "-q", "-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "logs", "error.log")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("nginx accepts the load balancer's configuration (and refuses a broken one)", { skip: !NGINX && "NGINX_BIN unset" }, () => {
  const config = read("deploy/compose/nginx.conf");
  const good = nginxCheck(config);
  assert.ok(good.ok, good.out);
  const broken = nginxCheck(config.replace("proxy_http_version 1.1;", "proxy_http_version 1.1"));
  assert.ok(!broken.ok, "a missing semicolon is refused");
});

function promtoolConfig(config) {
  const dir = scratch();
  try {
    writeFileSync(join(dir, "prometheus.yml"), stringify(config));
    return run(PROMTOOL, ["check", "config", "--syntax-only", join(dir, "prometheus.yml")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("promtool accepts both Prometheus configurations", { skip: !PROMTOOL && "PROMTOOL_BIN unset" }, () => {
  const compose = run(PROMTOOL, ["check", "config", "--syntax-only", join(root, "deploy/prometheus/prometheus.yml")]);
  assert.ok(compose.ok, compose.out);
  // Debian's promtool is built without Kubernetes discovery: the relabelling (its RE2
  // regexes, actions, labels) is checked with a static target standing in for it.
  const k8s = parse(read("deploy/prometheus/prometheus-k8s.yml"));
  for (const job of k8s.scrape_configs) {
    assert.ok(job.kubernetes_sd_configs, `${job.job_name} discovers pods`);
    delete job.kubernetes_sd_configs;
    job.static_configs = [{ targets: ["pod.example:9091"] }];
  }
  const checked = promtoolConfig(k8s);
  assert.ok(checked.ok, checked.out);
  // The check can fail: a back-reference (not RE2) is refused.
  k8s.scrape_configs[0].relabel_configs[0].regex = "(a)\\1";
  assert.ok(!promtoolConfig(k8s).ok, "an invalid relabel regex is refused");
});

function promtoolRules(exprs) {
  const dir = scratch();
  try {
    const rules = exprs.map((expr, i) => ({ record: `sup:panel_query_${i}`, expr }));
    writeFileSync(join(dir, "rules.yml"), stringify({ groups: [{ name: "dashboard", rules }] }));
    return run(PROMTOOL, ["check", "rules", join(dir, "rules.yml")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("every dashboard query is valid PromQL", { skip: !PROMTOOL && "PROMTOOL_BIN unset" }, () => {
  const dashboard = JSON.parse(read("deploy/grafana/dashboards/sup-realtime.json"));
  // Grafana's range variable becomes a literal range for the parser.
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr.replaceAll("$__rate_interval", "5m")));
  assert.ok(exprs.length >= 20);
  const checked = promtoolRules(exprs);
  assert.ok(checked.ok, checked.out);
  assert.ok(!promtoolRules(["sum by (le (rate(x[5m]))"]).ok, "a broken query is refused");
});
