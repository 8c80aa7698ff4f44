// deploy/k8s: every overlay renders (kubectl kustomize), every object validates against the
// Kubernetes API schemas (kubernetes-models, offline), and the properties the deployment
// depends on hold: probes on the observe ports, resources that the JVM settings fit in, the
// security context, draining, images, settings the code knows, and a network that lets
// exactly the calls the services make through.
import { test, describe } from "node:test";
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { render, read, SERVICES, settingsVariables } from "./lib/repo.mjs";
import { allowed } from "./lib/netpol.mjs";
import { unknownFields } from "./lib/strict-fields.mjs";

const OVERLAYS = { dev: "deploy/k8s/overlays/dev", prod: "deploy/k8s/overlays/prod", "prod-ingress": "deploy/k8s/overlays/prod-ingress" };
const NAMESPACES = { dev: "sup-dev", prod: "sup", "prod-ingress": "sup" };

// Names from the shared contract of issue 14 (docs/DEPLOYMENT.md, "Settings") that the
// services read outside their defaults files, and the JVM's own variable.
const CONTRACT_VARIABLES = new Set([
  "LOG_FORMAT", "REDIS_CLUSTER", "GRPC_TLS_ENABLED", "GRPC_TLS_CERT", "GRPC_TLS_KEY", "GRPC_TLS_CA",
  "OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT", "JAVA_TOOL_OPTIONS",
]);

/** Validates one object against its kind's schema; throws with the schema's complaint. */
async function validate(obj) {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
  const path = group ? `kubernetes-models/${group}/${version}/${obj.kind}` : `kubernetes-models/${version}/${obj.kind}`;
  let Model;
  try {
    Model = (await import(path))[obj.kind];
  } catch {
    throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
  }
  let checked = obj;
  if (obj.kind === "Secret" && obj.data) {
    // kustomize v5 wraps long base64 values; the API server's decoder (Go's base64) skips
    // the newlines, the schema's "byte" format does not.
    checked = { ...obj, data: Object.fromEntries(Object.entries(obj.data).map(([k, v]) => [k, v.replace(/\n/g, "")])) };
  }
  new Model(checked).validate();
}

const rendered = Object.fromEntries(Object.entries(OVERLAYS).map(([k, dir]) => [k, render(dir)]));

function find(objects, kind, name) {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

function podSpecs(objects) {
  return objects.filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind))
    .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, obj: o, spec: o.spec.template.spec, labels: o.spec.template.metadata.labels }));
}

/** The env a container gets: its ConfigMaps (envFrom) and its own env, as name -> value/ref. */
function containerEnv(objects, container) {
  const env = {};
  for (const from of container.envFrom ?? []) {
    const cm = find(objects, "ConfigMap", from.configMapRef.name);
    assert.ok(cm, `envFrom names a ConfigMap that is not rendered: ${from.configMapRef.name}`);
    Object.assign(env, cm.data);
  }
  for (const e of container.env ?? []) env[e.name] = e.value ?? e.valueFrom;
  return env;
}

function mebibytes(quantity) {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  assert.ok(m, `memory quantity in Mi or Gi expected, got ${quantity}`);
  return Number(m[1]) * (m[2] === "Gi" ? 1024 : 1);
}

test("the schema validation rejects a broken object (the check can fail)", async () => {
  const good = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" },
    spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } },
      spec: { containers: [{ name: "c", image: "i", ports: [{ containerPort: 80 }] }] } } } };
  await validate(good);
  const bad = structuredClone(good);
  bad.spec.template.spec.containers[0].ports[0].containerPort = "eighty";
  await assert.rejects(validate(bad), /containerPort must be integer/);
  await assert.rejects(validate({ apiVersion: "v9", kind: "Nonsense", metadata: { name: "x" } }), /no schema/);
  const typo = structuredClone(good);
  typo.spec.template.spec.containers[0].readinesProbe = { httpGet: { path: "/", port: 80 } };
  typo.spec.template.spec.containers[0].ports[0].nme = "http";
  assert.deepEqual(unknownFields(good), []);
  assert.deepEqual(unknownFields(typo), ["Deployment.spec.template.spec.containers[0].ports[0].nme: unknown field",
    "Deployment.spec.template.spec.containers[0].readinesProbe: unknown field"]);
});

test("a JVM accepts every JAVA_TOOL_OPTIONS the Deployments set", { skip: !process.env.JAVA_BIN && "JAVA_BIN unset" }, () => {
  const options = new Set(Object.values(rendered).flatMap((objects) => podSpecs(objects)
    .flatMap(({ spec }) => spec.containers.flatMap((c) => (c.env ?? []).filter((e) => e.name === "JAVA_TOOL_OPTIONS").map((e) => e.value)))));
  assert.ok(options.size >= 2);
  const runs = (value) => spawnSync(process.env.JAVA_BIN, ["-version"], { env: { ...process.env, JAVA_TOOL_OPTIONS: value }, encoding: "utf8" });
  for (const value of options) {
    const r = runs(value);
    assert.equal(r.status, 0, `${value}: ${r.stderr}`);
  }
  assert.notEqual(runs("-XX:MaxRAMPercentge=50").status, 0, "a misspelt flag is refused (the check can fail)");
});

// The images helper's Jib configuration (root pom): skipped on a branch without it.
const jibConfigured = read("pom.xml").includes("<artifactId>jib-maven-plugin</artifactId>");

test("the images the manifests run are the ones the build makes, with the ports it exposes",
  { skip: !jibConfigured && "no Jib configuration in the root pom" }, () => {
    const to = /<to>\s*<image>([^<]+)<\/image>/.exec(read("pom.xml"))?.[1];
    const version = /<artifactId>sup-realtime<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(read("pom.xml"))?.[1];
    assert.ok(version, "the root pom's version");
    assert.equal(to, "${image.registry}sup/${project.build.finalName}:${project.version}", "the root pom's image name");
    for (const module of Object.keys(SERVICES)) {
      const pom = read(`${module}/pom.xml`);
      assert.equal(/<finalName>([^<]+)<\/finalName>/.exec(pom)?.[1], module, `${module}'s finalName names its image`);
      const exposed = (/<jib\.container\.ports>([^<]+)<\/jib\.container\.ports>/.exec(pom)?.[1] ?? "").split(",").map(Number).sort();
      for (const objects of Object.values(rendered)) {
        const container = find(objects, "Deployment", module).spec.template.spec.containers[0];
        assert.deepEqual(container.ports.map((p) => p.containerPort).sort(), exposed, `${module}: the image exposes the Deployment's ports`);
        assert.equal(container.image.split(":").pop(), version, `${module}: the manifests pull the tag the build makes (the project's version)`);
      }
    }
  });

for (const [overlay, objects] of Object.entries(rendered)) {
  describe(`overlay ${overlay}`, () => {
    const namespace = NAMESPACES[overlay];
    const prod = overlay.startsWith("prod");

    test("every rendered object validates against the Kubernetes schemas", async () => {
      assert.ok(objects.length > 20, `only ${objects.length} objects rendered`);
      for (const obj of objects) {
        try {
          await validate(obj);
        } catch (e) {
          assert.fail(`${obj.kind}/${obj.metadata?.name}: ${e.message}`);
        }
      }
    });

    test("no object has a field its API type does not declare (what kubectl apply --validate=strict refuses)", () => {
      const problems = objects.flatMap((o) => unknownFields(o).map((p) => `${o.metadata.name}: ${p}`));
      assert.deepEqual(problems, []);
    });

    test("every namespaced object lands in the overlay's namespace, which enforces the restricted pod security", () => {
      const ns = find(objects, "Namespace", namespace);
      assert.ok(ns, `Namespace ${namespace} is rendered`);
      assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
      for (const obj of objects.filter((o) => o.kind !== "Namespace")) {
        assert.equal(obj.metadata.namespace, namespace, `${obj.kind}/${obj.metadata.name}`);
      }
    });

    test("every pod runs non-root with a read-only root, no capabilities, no privilege escalation, RuntimeDefault seccomp", () => {
      for (const { owner, spec } of podSpecs(objects)) {
        assert.equal(spec.securityContext?.runAsNonRoot, true, `${owner} runAsNonRoot`);
        assert.equal(spec.securityContext?.seccompProfile?.type, "RuntimeDefault", `${owner} seccomp`);
        assert.equal(spec.automountServiceAccountToken, false, `${owner} needs no API token`);
        for (const c of spec.containers) {
          assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${owner}/${c.name}`);
          assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${owner}/${c.name}`);
          assert.deepEqual(c.securityContext?.capabilities?.drop, ["ALL"], `${owner}/${c.name}`);
          for (const r of ["cpu", "memory"]) {
            assert.ok(c.resources?.requests?.[r], `${owner}/${c.name} requests ${r}`);
            assert.ok(c.resources?.limits?.[r], `${owner}/${c.name} limits ${r}`);
          }
        }
      }
    });

    for (const [module, ports] of Object.entries(SERVICES)) {
      describe(module, () => {
        const deployment = find(objects, "Deployment", module);
        const pod = deployment?.spec.template.spec;
        const container = pod?.containers.find((c) => c.name === module);
        const env = container ? containerEnv(objects, container) : {};
        const portsByName = Object.fromEntries((container?.ports ?? []).map((p) => [p.name, p.containerPort]));

        test("is a Deployment whose image is sup/<module> with a tag, running as uid 10001", () => {
          assert.ok(container, `Deployment ${module} with a container ${module}`);
          const image = container.image;
          const m = /^(?:(.+)\/)?sup\/([a-z-]+):([\w.-]+)$/.exec(image);
          assert.ok(m, `image ${image} is [registry/]sup/<module>:<tag>`);
          assert.equal(m[2], module);
          if (prod) assert.ok(m[1], `prod pulls ${module} from a registry`);
          assert.equal(pod.securityContext.runAsUser, 10001);
          assert.equal(pod.enableServiceLinks, false, "no injected *_PORT variables for Helidon to read");
        });

        test("listens where the contract says, and its settings say so too", () => {
          assert.equal(portsByName.observe, ports.observe);
          assert.equal(portsByName[module === "edge-gateway" ? "admin-grpc" : "grpc"], ports.grpc);
          assert.equal(env[ports.observeVar], String(ports.observe));
          assert.equal(env[ports.grpcVar], String(ports.grpc));
          if (ports.client) {
            assert.equal(portsByName.ws, ports.client);
            assert.equal(env.PORT, String(ports.client));
          }
          const ann = deployment.spec.template.metadata.annotations;
          assert.equal(ann["prometheus.io/scrape"], "true");
          assert.equal(Number(ann["prometheus.io/port"]), ports.observe);
          assert.equal(ann["prometheus.io/path"], "/metrics");
        });

        test("has startup, liveness and readiness probes on the health paths of its observe port", () => {
          const expect = { startupProbe: "/health/live", livenessProbe: "/health/live", readinessProbe: "/health/ready" };
          for (const [probe, path] of Object.entries(expect)) {
            const get = container[probe]?.httpGet;
            assert.ok(get, `${probe} is an HTTP GET`);
            assert.equal(get.path, path, probe);
            const port = typeof get.port === "string" ? portsByName[get.port] : get.port;
            assert.equal(port, ports.observe, `${probe} on the observe port`);
          }
        });

        test("fits its JVM in the memory limit (heap share + what lives outside the heap)", () => {
          const limit = mebibytes(container.resources.limits.memory);
          assert.equal(mebibytes(container.resources.requests.memory), limit, "memory request = limit");
          const opts = env.JAVA_TOOL_OPTIONS ?? "";
          const pct = Number(/-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)/.exec(opts)?.[1]);
          assert.ok(pct > 0 && pct <= 75, `MaxRAMPercentage in JAVA_TOOL_OPTIONS (${opts})`);
          assert.match(opts, /-XX:\+UseG1GC/, "G1, not the Serial GC the JVM picks under 1792 MiB");
          const codeCache = Number(/-XX:ReservedCodeCacheSize=(\d+)m/.exec(opts)?.[1]);
          const direct = Number(/-XX:MaxDirectMemorySize=(\d+)m/.exec(opts)?.[1]);
          assert.ok(codeCache > 0 && direct > 0, "code cache and direct memory are capped");
          // Metaspace and classes ~90-100 MiB, GC structures, thread stacks, malloc ~100-120 MiB.
          const outsideHeap = codeCache + direct + 200;
          const heap = (limit * pct) / 100;
          assert.ok(heap + outsideHeap <= limit, `heap ${heap} + ${outsideHeap} MiB outside it <= limit ${limit} MiB`);
          assert.equal(Number(container.resources.limits.cpu), 2, "the JVM sizes its threads from a CPU limit");
        });

        test("drains before it is killed, and rolls without losing capacity", () => {
          const sleep = container.lifecycle?.preStop?.sleep?.seconds;
          assert.ok(sleep > 0, "a preStop sleep lets endpoints drop the pod before SIGTERM");
          // The gateway's drain after SIGTERM: close grace (GATEWAY_CLOSE_GRACE_MS, 2 s) + 1 s.
          const drain = module === "edge-gateway" ? 3 : 0;
          assert.ok(pod.terminationGracePeriodSeconds >= sleep + drain + 10,
            `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} leaves room for ${sleep} s + drain`);
          assert.equal(deployment.spec.strategy.rollingUpdate.maxUnavailable, 0);
          const pdb = objects.find((o) => o.kind === "PodDisruptionBudget"
            && Object.entries(o.spec.selector.matchLabels).every(([k, v]) => deployment.spec.template.metadata.labels[k] === v));
          assert.ok(pdb, `a PodDisruptionBudget selects ${module}`);
        });

        test("mounts the mTLS material from sup-grpc-tls at /etc/sup/tls and turns mTLS on", () => {
          const mount = container.volumeMounts.find((m) => m.mountPath === "/etc/sup/tls");
          assert.ok(mount?.readOnly, "read-only mount at /etc/sup/tls");
          const volume = pod.volumes.find((v) => v.name === mount.name);
          assert.equal(volume.secret?.secretName, "sup-grpc-tls");
          assert.equal(env.GRPC_TLS_ENABLED, "true");
          for (const [k, file] of [["GRPC_TLS_CERT", "tls.crt"], ["GRPC_TLS_KEY", "tls.key"], ["GRPC_TLS_CA", "ca.crt"]]) {
            assert.equal(env[k], `/etc/sup/tls/${file}`, k);
          }
          assert.equal(env.LOG_FORMAT, prod ? "json" : "text");
          assert.ok(pod.volumes.some((v) => v.emptyDir) && container.volumeMounts.some((m) => m.mountPath === "/tmp"),
            "a writable /tmp beside the read-only root");
        });

        test("gets only settings its code defines (or the shared contract names)", () => {
          const known = settingsVariables(module);
          const own = (container.env ?? []).map((e) => e.name);
          for (const name of own) {
            assert.ok(known.has(name) || CONTRACT_VARIABLES.has(name), `${name} is not a setting of ${module}`);
          }
        });

        if (module === "edge-gateway") {
          test("takes the JWT secret from sup-secrets, its instance id from the pod name, and is autoscaled", () => {
            assert.deepEqual(env.JWT_SECRET, { secretKeyRef: { name: env.JWT_SECRET.secretKeyRef.name, key: "jwt-secret" } });
            assert.match(env.JWT_SECRET.secretKeyRef.name, /^sup-secrets/);
            assert.deepEqual(env.GATEWAY_INSTANCE_ID, { fieldRef: { fieldPath: "metadata.name" } });
            assert.equal(deployment.spec.replicas, undefined, "the HPA owns the replica count");
            const hpa = find(objects, "HorizontalPodAutoscaler", module);
            assert.equal(hpa.spec.scaleTargetRef.name, module);
            assert.ok(hpa.spec.minReplicas >= (prod ? 3 : 1));
            assert.ok(hpa.spec.metrics.some((m) => m.resource?.name === "cpu"));
            const svc = find(objects, "Service", module);
            assert.ok(svc.spec.ports.some((p) => p.port === 3001), "the client Service listens on 3001");
            if (overlay === "prod") assert.equal(svc.spec.type, "LoadBalancer");
            if (overlay === "prod-ingress") {
              assert.equal(svc.spec.type, "ClusterIP");
              assert.equal(svc.spec.externalTrafficPolicy, undefined, "only for NodePort and LoadBalancer");
              const ingress = find(objects, "Ingress", module);
              const paths = ingress.spec.rules.flatMap((r) => r.http.paths);
              for (const path of ["/ws", "/socket.io/"]) {
                const p = paths.find((x) => x.path === path);
                assert.equal(p?.backend.service.name, module, `${path} goes to the gateway`);
                assert.ok(svc.spec.ports.some((sp) => sp.name === p.backend.service.port.name), `${path} names a port of the Service`);
              }
              assert.ok(ingress.spec.tls?.[0]?.secretName, "TLS terminated at the Ingress");
              assert.ok(Number(ingress.metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) > 50);
            }
          });
        } else {
          test("has a headless Service on its gRPC port, which the dns:/// targets name", () => {
            const svc = find(objects, "Service", module);
            assert.equal(svc?.spec.clusterIP, "None", "headless, so that clients balance per call");
            assert.ok(svc.spec.ports.some((p) => p.port === ports.grpc));
            const targetVar = `${ports.target.toUpperCase()}_GRPC_TARGET`;
            assert.equal(env[targetVar], `dns:///${module}:${ports.grpc}`, targetVar);
          });
        }
      });
    }

    test("every shared setting is read by a service that gets it", () => {
      const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("sup-config"));
      const known = new Set(Object.keys(SERVICES).flatMap((m) => [...settingsVariables(m)]));
      for (const key of Object.keys(cm.data)) {
        assert.ok(known.has(key) || CONTRACT_VARIABLES.has(key), `${key} in sup-config is no service's setting`);
      }
    });

    test("Redis keeps an append-only file fsynced every second on a persistent volume", () => {
      const sts = objects.filter((o) => o.kind === "StatefulSet" && o.spec.template.metadata.labels["app.kubernetes.io/component"] === "redis");
      assert.equal(sts.length, 1);
      const [redis] = sts;
      assert.ok(redis.spec.volumeClaimTemplates.some((t) => t.metadata.name === "data"));
      const conf = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith(`${redis.metadata.name}-config`));
      const text = conf.data["redis.conf"];
      assert.match(text, /^appendonly yes$/m);
      assert.match(text, /^appendfsync everysec$/m);
      assert.match(text, /^maxmemory-policy noeviction$/m);
      const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("sup-config"));
      if (prod) {
        assert.equal(redis.spec.replicas, 6, "three masters with a replica each");
        assert.match(text, /^cluster-enabled yes$/m);
        assert.equal(cm.data.REDIS_CLUSTER, "true");
        for (const seed of cm.data.REDIS_URL.split(",")) {
          assert.match(seed, /^redis:\/\/redis-cluster-\d\.redis-cluster:6379$/);
        }
        assert.ok(find(objects, "Job", "redis-cluster-create"), "a Job creates the cluster");
      } else {
        assert.equal(cm.data.REDIS_CLUSTER, "false");
        assert.equal(cm.data.REDIS_URL, "redis://redis:6379");
        assert.ok(find(objects, "Service", "redis"));
      }
    });

    describe("network policies", () => {
      const policies = objects.filter((o) => o.kind === "NetworkPolicy");
      const nsLabels = (ns) => ({ "kubernetes.io/metadata.name": ns });
      const pods = Object.fromEntries(podSpecs(objects).map(({ obj, spec, labels }) => [obj.metadata.name, {
        namespace, namespaceLabels: nsLabels(namespace), labels,
        ports: Object.fromEntries(spec.containers.flatMap((c) => c.ports ?? []).map((p) => [p.name, p.containerPort])),
        containerPorts: spec.containers.flatMap((c) => c.ports ?? []).map((p) => p.containerPort),
      }]));
      const external = { external: true };
      const prometheus = { namespace: "monitoring", namespaceLabels: nsLabels("monitoring"), labels: { "app.kubernetes.io/name": "prometheus" } };
      const dns = { namespace: "kube-system", namespaceLabels: nsLabels("kube-system"), labels: { "k8s-app": "kube-dns" } };
      const adminClient = { namespace, namespaceLabels: nsLabels(namespace), labels: { "sup-realtime/admin-client": "true" } };
      const stranger = { namespace, namespaceLabels: nsLabels(namespace), labels: { app: "something-else" } };
      const redisPods = Object.keys(pods).filter((n) => pods[n].labels["app.kubernetes.io/component"] === "redis"
        && !n.endsWith("-create"));
      const modules = Object.keys(SERVICES);

      // Who calls whom, from the code's settings: a service whose defaults have
      // <domain>.grpc.target calls that domain's service.
      const calls = Object.fromEntries(modules.map((m) => [m, modules.filter((other) => SERVICES[other].target
        && settingsVariables(m).has(`${SERVICES[other].target.toUpperCase()}_GRPC_TARGET`))]));

      test("the call graph read from the code is the one the policies were written for", () => {
        assert.deepEqual(calls, {
          "edge-gateway": ["messaging-service", "presence-service", "call-signaling-service", "notification-service"],
          "messaging-service": [],
          "presence-service": ["messaging-service"],
          "call-signaling-service": ["presence-service"],
          "notification-service": ["messaging-service", "call-signaling-service"],
        });
      });

      test("a namespace-wide default deny is in place", () => {
        assert.ok(policies.some((p) => Object.keys(p.spec.podSelector).length === 0
          && p.spec.policyTypes.includes("Ingress") && p.spec.policyTypes.includes("Egress")
          && !p.spec.ingress && !p.spec.egress));
      });

      test("clients reach the gateway's WebSocket port and nothing else", () => {
        assert.ok(allowed(policies, external, pods["edge-gateway"], 3001));
        for (const m of modules) {
          for (const port of pods[m].containerPorts.filter((p) => p !== 3001)) {
            assert.ok(!allowed(policies, external, pods[m], port), `outside -> ${m}:${port} must be refused`);
          }
        }
        for (const r of redisPods) assert.ok(!allowed(policies, external, pods[r], 6379));
      });

      test("every gRPC call the services make is allowed, and no other", () => {
        for (const src of modules) {
          for (const dst of modules.filter((d) => d !== src && d !== "edge-gateway")) {
            const ok = allowed(policies, pods[src], pods[dst], SERVICES[dst].grpc);
            assert.equal(ok, calls[src].includes(dst), `${src} -> ${dst}:${SERVICES[dst].grpc}`);
          }
          assert.ok(!allowed(policies, pods[src], pods["edge-gateway"], 7000) || src === "edge-gateway",
            `${src} -> the gateway's admin API`);
          assert.ok(!allowed(policies, stranger, pods[src], SERVICES[src].grpc), `an unlabelled pod -> ${src}`);
          assert.ok(allowed(policies, adminClient, pods[src], SERVICES[src].grpc), `an admin client -> ${src}`);
        }
      });

      test("every SUP pod reaches Redis and DNS; Prometheus reaches every observe port and no gRPC port", () => {
        assert.ok(redisPods.length > 0);
        for (const m of modules) {
          for (const r of redisPods) assert.ok(allowed(policies, pods[m], pods[r], 6379), `${m} -> ${r}:6379`);
          assert.ok(allowed(policies, pods[m], dns, 53, "UDP"), `${m} -> DNS`);
          assert.ok(allowed(policies, prometheus, pods[m], SERVICES[m].observe), `prometheus -> ${m}:${SERVICES[m].observe}`);
          assert.ok(!allowed(policies, prometheus, pods[m], SERVICES[m].grpc), `prometheus -> ${m} gRPC`);
        }
        assert.ok(!allowed(policies, stranger, pods[redisPods[0]], 6379), "an unlabelled pod -> Redis");
      });

      test("every container port of every pod is reachable by someone it is meant for", () => {
        const sources = [external, prometheus, adminClient, ...Object.values(pods)];
        for (const [name, pod] of Object.entries(pods)) {
          for (const port of pod.containerPorts) {
            assert.ok(sources.some((s) => s !== pod && allowed(policies, s, pod, port)), `${name}:${port} is unreachable`);
          }
        }
      });
    });
  });
}
