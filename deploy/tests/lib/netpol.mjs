// A small evaluator of Kubernetes NetworkPolicies (networking.k8s.io/v1), enough to ask
// "may this pod reach that pod on this port?" of rendered manifests, offline.
//
// Semantics (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
// a connection passes when the source's egress and the destination's ingress both allow it;
// a direction is open for a pod that no policy of that type selects; policies add up; within
// a rule, `from`/`to` absent means every peer and `ports` absent means every port; a peer
// with both namespaceSelector and podSelector needs both to match. ipBlock is taken to match
// endpoints outside the cluster only (what CNIs guarantee; pod IPs "may or may not" match).

/** Whether labels satisfy a LabelSelector (matchLabels and matchExpressions); {} matches all. */
export function selects(selector, labels = {}) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case "In": if (!has || !e.values.includes(labels[e.key])) return false; break;
      case "NotIn": if (has && e.values.includes(labels[e.key])) return false; break;
      case "Exists": if (!has) return false; break;
      case "DoesNotExist": if (has) return false; break;
      default: throw new Error(`unknown selector operator ${e.operator}`);
    }
  }
  return true;
}

/**
 * An endpoint: a pod ({namespace, labels, namespaceLabels, ports: {name: number}}) or
 * {external: true} for anything outside the cluster (clients, the push provider).
 */
function peerMatches(peer, endpoint, policyNamespace) {
  if (peer.ipBlock) return Boolean(endpoint.external);
  if (endpoint.external) return false;
  const nsOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, endpoint.namespaceLabels)
    : endpoint.namespace === policyNamespace;
  const podOk = peer.podSelector ? selects(peer.podSelector, endpoint.labels) : true;
  return nsOk && podOk;
}

function portMatches(rulePorts, port, protocol, target) {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    // A named port is the destination pod's container port of that name.
    const number = typeof p.port === "string" ? target?.ports?.[p.port] : p.port;
    if (number === undefined) return false;
    return p.endPort ? port >= number && port <= p.endPort : port === number;
  });
}

function direction(policies, self, other, port, protocol, type, portOwner) {
  if (self.external) return true; // outside the cluster: not governed here
  const selecting = policies.filter((p) =>
    (p.metadata.namespace ?? self.namespace) === self.namespace
    && selects(p.spec.podSelector, self.labels)
    && (p.spec.policyTypes ?? ["Ingress"]).includes(type));
  if (selecting.length === 0) return true;
  const key = type === "Ingress" ? "ingress" : "egress";
  const peersKey = type === "Ingress" ? "from" : "to";
  return selecting.some((p) => (p.spec[key] ?? []).some((rule) =>
    (!rule[peersKey] || rule[peersKey].length === 0
      || rule[peersKey].some((peer) => peerMatches(peer, other, p.metadata.namespace ?? self.namespace)))
    && portMatches(rule.ports, port, protocol, portOwner)));
}

/** Whether `src` may open a connection to `dst` on `port` (a number) under `policies`. */
export function allowed(policies, src, dst, port, protocol = "TCP") {
  return direction(policies, src, dst, port, protocol, "Egress", dst)
    && direction(policies, dst, src, port, protocol, "Ingress", dst);
}
