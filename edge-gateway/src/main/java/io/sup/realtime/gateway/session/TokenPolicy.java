package io.sup.realtime.gateway.session;

import java.time.Duration;

/**
 * How long a connection may use its token.
 *
 * @param leeway      how long past {@code exp} it stays open ({@code JWT_LEEWAY_MS}: the skew the handshake allows too)
 * @param warningLead how long before {@code exp} the client gets {@code auth:expiring} ({@code JWT_EXPIRY_WARNING_MS},
 *                    default 60 s)
 */
public record TokenPolicy(Duration leeway, Duration warningLead) {
}
