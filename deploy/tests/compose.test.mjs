// deploy/compose, deploy/prometheus and deploy/grafana, checked structurally (no Docker engine
// runs here): every service is complete, the load balancer balances both gateways with the
// WebSocket upgrade, Prometheus scrapes every observe port, and every query of the dashboard
// names only metrics that the catalogue (docs/METRICS.md) lists, so a renamed metric fails here.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { read, SERVICES, settingsVariables } from "./lib/repo.mjs";

const compose = parse(read("deploy/compose/compose.yaml"), { merge: true });
const nginx = read("deploy/compose/nginx.conf");
const prometheus = parse(read("deploy/prometheus/prometheus.yml"));
const prometheusK8s = parse(read("deploy/prometheus/prometheus-k8s.yml"));
const dashboard = JSON.parse(read("deploy/grafana/dashboards/sup-realtime.json"));

const GATEWAYS = ["gateway-1", "gateway-2"];
// Images without a shell or client to run a check with (redis_exporter is a static binary on
// scratch): Prometheus's `up` series is their health.
const NO_HEALTHCHECK = new Set(["redis-exporter"]);
const ROOTS = new Set(["redis"]); // depends on nothing

describe("compose", () => {
  const services = compose.services;

  test("runs every module, two gateways, Redis, a load balancer, Prometheus and Grafana", () => {
    for (const name of [...Object.keys(SERVICES).filter((m) => m !== "edge-gateway"), ...GATEWAYS,
      "redis", "redis-exporter", "lb", "prometheus", "grafana"]) {
      assert.ok(services[name], `service ${name}`);
    }
  });

  test("every service has an image, settings, a health check and what it depends on", () => {
    for (const [name, s] of Object.entries(services)) {
      assert.match(s.image ?? "", /^[\w./-]+:[\w.-]+$/, `${name} image with a tag`);
      if (!NO_HEALTHCHECK.has(name)) {
        assert.ok(Array.isArray(s.healthcheck?.test) && s.healthcheck.test.length > 1, `${name} healthcheck`);
      }
      if (!ROOTS.has(name)) {
        assert.ok(s.depends_on && Object.keys(s.depends_on).length > 0, `${name} depends_on`);
        for (const dep of Object.keys(s.depends_on)) assert.ok(services[dep], `${name} depends on unknown ${dep}`);
      }
      if (s.image.startsWith("sup/") || s.image.startsWith("redis:")) {
        assert.ok(s.environment || s.command, `${name} has settings`);
      }
    }
  });

  test("the SUP services use their contract images, ports, health path, and settings their code knows", () => {
    const sup = Object.entries(services).filter(([, s]) => s.image.startsWith("sup/"));
    assert.equal(sup.length, 6);
    for (const [name, s] of sup) {
      const module = /^sup\/([a-z-]+):/.exec(s.image)[1];
      const ports = SERVICES[module];
      assert.ok(ports, `${name}: ${s.image} is a module's image`);
      const version = /<artifactId>sup-realtime<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(read("pom.xml"))[1];
      assert.equal(s.image.split(":").pop(), version, `${name}: the tag the build makes (the project's version)`);
      const env = s.environment;
      assert.equal(env[ports.observeVar], String(ports.observe), `${name} ${ports.observeVar}`);
      assert.equal(env[ports.grpcVar], String(ports.grpc), `${name} ${ports.grpcVar}`);
      assert.match(s.healthcheck.test.join(" "), new RegExp(`/dev/tcp/127\\.0\\.0\\.1/${ports.observe} .*GET /health/ready`));
      assert.equal(env.GRPC_TLS_ENABLED, "true");
      assert.equal(s.user, "10001:10001");
      // The JVM sizes its heap from the memory limit: heap share + ~330 MiB outside it must fit.
      const limit = Number(/^(\d+)m$/.exec(s.mem_limit ?? "")?.[1]);
      const pct = Number(/-XX:MaxRAMPercentage=(\d+)/.exec(env.JAVA_TOOL_OPTIONS ?? "")?.[1]);
      assert.ok(limit > 0 && pct > 0, `${name}: mem_limit and MaxRAMPercentage`);
      assert.ok((limit * pct) / 100 + 330 <= limit, `${name}: heap ${(limit * pct) / 100} MiB + 330 MiB <= ${limit} MiB`);
      assert.equal(s.read_only, true);
      const known = settingsVariables(module);
      for (const key of Object.keys(env)) {
        assert.ok(known.has(key) || ["LOG_FORMAT", "REDIS_CLUSTER", "GRPC_TLS_ENABLED", "GRPC_TLS_CERT", "GRPC_TLS_KEY",
          "GRPC_TLS_CA", "OTEL_SERVICE_NAME", "JAVA_TOOL_OPTIONS"].includes(key) || (module !== "edge-gateway" && /_GRPC_TARGET$/.test(key)),
        `${name}: ${key} is not a setting of ${module}`);
      }
      for (const [target, value] of Object.entries(env).filter(([k]) => k.endsWith("_GRPC_TARGET"))) {
        const host = /^dns:\/\/\/([a-z-]+):(\d+)$/.exec(value);
        assert.ok(host && services[host[1]], `${name} ${target}=${value} names a compose service`);
        assert.equal(Number(host[2]), SERVICES[host[1]].grpc);
      }
    }
    assert.notEqual(services["gateway-1"].environment.GATEWAY_INSTANCE_ID, services["gateway-2"].environment.GATEWAY_INSTANCE_ID);
    assert.match(services["gateway-1"].environment.JWT_SECRET, /^\$\{JWT_SECRET:\?/, "the JWT secret comes from the operator");
  });

  test("only the load balancer listens beyond this host; health, metrics, Prometheus and Grafana on loopback", () => {
    for (const [name, s] of Object.entries(services)) {
      for (const mapping of s.ports ?? []) {
        if (name === "lb") continue;
        assert.match(String(mapping), /^127\.0\.0\.1:\d+:\d+$/, `${name} publishes ${mapping} on loopback only`);
      }
    }
  });

  test("Redis keeps an append-only file fsynced every second on a volume", () => {
    const redis = services.redis;
    const cmd = redis.command.join(" ");
    assert.match(cmd, /--appendonly yes/);
    assert.match(cmd, /--appendfsync everysec/);
    assert.ok(redis.volumes.some((v) => v.endsWith(":/data") && compose.volumes[v.split(":")[0]] !== undefined));
  });

  test("the load balancer publishes 3001, names both gateways, passes the WebSocket upgrade and is sticky for polling", () => {
    assert.deepEqual(services.lb.ports, ["3001:3001"]);
    const upstream = /upstream\s+gateways\s*\{([^}]*)\}/.exec(nginx)?.[1];
    assert.ok(upstream, "an upstream block");
    for (const g of GATEWAYS) assert.match(upstream, new RegExp(`server\\s+${g}:3001\\b`));
    assert.match(upstream, /^\s*ip_hash;/m);
    assert.match(nginx, /proxy_pass\s+http:\/\/gateways;/);
    assert.match(nginx, /proxy_http_version\s+1\.1;/);
    assert.match(nginx, /proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
    assert.match(nginx, /proxy_set_header\s+Connection\s+\$connection_upgrade;/);
    const timeout = Number(/proxy_read_timeout\s+(\d+)s;/.exec(nginx)?.[1]);
    assert.ok(timeout > 50, "longer than a heartbeat (30 s + 20 s)");
    for (const g of GATEWAYS) assert.ok(services.lb.depends_on[g]);
  });
});

describe("prometheus", () => {
  test("the compose configuration scrapes every observe port of every SUP process and Redis", () => {
    const targets = prometheus.scrape_configs.flatMap((j) => j.static_configs.flatMap((s) => s.targets.map((t) => [j.job_name, t])));
    const services = compose.services;
    for (const [name, s] of Object.entries(services).filter(([, s]) => s.image.startsWith("sup/"))) {
      const module = /^sup\/([a-z-]+):/.exec(s.image)[1];
      const want = `${name}:${SERVICES[module].observe}`;
      assert.ok(targets.some(([job, t]) => t === want && job === module), `job ${module} scrapes ${want}`);
    }
    assert.ok(targets.some(([job, t]) => job === "redis" && t === "redis-exporter:9121"));
  });

  test("the Kubernetes configuration keeps annotated pods on their observe port and names jobs by module", () => {
    const [job] = prometheusK8s.scrape_configs;
    assert.equal(job.kubernetes_sd_configs[0].role, "pod");
    const rules = job.relabel_configs;
    assert.ok(rules.some((r) => r.action === "keep" && r.source_labels[0] === "__meta_kubernetes_pod_annotation_prometheus_io_scrape" && r.regex === "true"));
    assert.ok(rules.some((r) => r.action === "keep" && r.source_labels[0] === "__meta_kubernetes_pod_container_port_name" && r.regex === "observe"));
    assert.ok(rules.some((r) => r.target_label === "job" && r.source_labels[0] === "__meta_kubernetes_pod_label_app_kubernetes_io_name"));
  });
});

/**
 * The metric names the catalogue lists. docs/METRICS.md's tables (first column, backticked,
 * timers expanded to their Prometheus series) and docs/DEPLOYMENT.md's Redis metrics (from
 * redis_exporter).
 */
function catalogue() {
  const names = new Set();
  const fromTables = (text) => {
    for (const line of text.split("\n").filter((l) => l.startsWith("|"))) {
      const first = line.split("|")[1] ?? "";
      for (const m of first.matchAll(/`([a-z][a-z0-9_]*)(?:\{[^`]*\})?`/g)) names.add(m[1]);
    }
  };
  fromTables(read("docs/METRICS.md"));
  const deployment = read("docs/DEPLOYMENT.md");
  const start = deployment.indexOf("### Redis metrics");
  assert.ok(start >= 0, "docs/DEPLOYMENT.md has a 'Redis metrics' section");
  fromTables(deployment.slice(start, deployment.indexOf("\n#", start + 5)));
  for (const n of [...names].filter((n) => n.endsWith("_seconds"))) {
    for (const suffix of ["_bucket", "_count", "_sum", "_max"]) names.add(n + suffix);
  }
  return names;
}

const PROMQL_WORDS = new Set(["sum", "min", "max", "avg", "count", "by", "without", "rate", "irate", "increase",
  "histogram_quantile", "topk", "bottomk", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool"]);

/** The metric names a PromQL expression reads. */
export function metricsIn(expr) {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, "\"\"") // strings
    .replace(/\{[^}]*\}/g, "") // label matchers
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "") // label lists
    .replace(/\[[^\]]*\]/g, ""); // ranges
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .filter((m) => !PROMQL_WORDS.has(m[0]) && bare[m.index + m[0].length] !== "(" && !/^\$/.test(bare[m.index - 1] ?? ""))
    .map((m) => m[0]);
}

describe("grafana", () => {
  const panels = dashboard.panels.filter((p) => p.type !== "row");
  const queries = panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr, ds: t.datasource })));

  test("the metric-name extraction finds what a query reads (the check can fail)", () => {
    assert.deepEqual(metricsIn('histogram_quantile(0.99, sum by (le, event) (rate(gateway_event_latency_seconds_bucket{job="x"}[$__rate_interval])))'),
      ["gateway_event_latency_seconds_bucket"]);
    assert.deepEqual(metricsIn('sum by (outcome) (rate(gateway_acks_total{outcome!="ok"}[5m])) / ignoring(outcome) sum(up)'),
      ["gateway_acks_total", "up"]);
  });

  test("the dashboard parses and covers connections, events, p99 latency, errors, rate limits, gRPC per service and Redis", () => {
    assert.equal(dashboard.uid, "sup-realtime");
    const exprs = queries.map((q) => q.expr).join("\n");
    for (const [what, re] of [["connections", /gateway_connections_active/], ["events/s", /rate\(gateway_events_total/],
      ["p99 latency", /histogram_quantile\(0\.99, sum by \(le[^)]*\) \(rate\(gateway_event_latency_seconds_bucket/],
      ["errors", /gateway_acks_total\{outcome!="ok"\}/], ["rate limits", /gateway_rate_limited_total/],
      ["gRPC per service", /sum by \(job\) \(rate\(grpc_server_handled_total/], ["Redis", /redis_commands_processed_total/]]) {
      assert.match(exprs, re, what);
    }
    const ids = new Set();
    for (const p of dashboard.panels) {
      assert.ok(!ids.has(p.id), `panel id ${p.id} once`);
      ids.add(p.id);
      assert.ok(p.gridPos && p.gridPos.w > 0 && p.gridPos.x + p.gridPos.w <= 24, `${p.title} fits the grid`);
    }
  });

  test("every panel query reads only catalogued metrics, through the provisioned data source", () => {
    const names = catalogue();
    const ds = parse(read("deploy/grafana/provisioning/datasources/prometheus.yml")).datasources[0];
    for (const q of queries) {
      assert.equal(q.ds.uid, ds.uid, `${q.panel}: data source`);
      const used = metricsIn(q.expr);
      assert.ok(used.length > 0, `${q.panel}: ${q.expr} reads a metric`);
      for (const name of used) assert.ok(names.has(name), `${q.panel}: ${name} is not in docs/METRICS.md`);
    }
  });

  test("compose provisions the data source and the dashboard folder Grafana loads", () => {
    const provider = parse(read("deploy/grafana/provisioning/dashboards/sup-realtime.yml")).providers[0];
    const mounts = compose.services.grafana.volumes;
    assert.ok(mounts.includes(`../grafana/dashboards:${provider.options.path}:ro`));
    assert.ok(mounts.includes("../grafana/provisioning:/etc/grafana/provisioning:ro"));
    assert.equal(parse(read("deploy/grafana/provisioning/datasources/prometheus.yml")).datasources[0].url, "http://prometheus:9090");
  });
});
