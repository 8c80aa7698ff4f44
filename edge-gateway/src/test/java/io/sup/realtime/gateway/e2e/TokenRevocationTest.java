package io.sup.realtime.gateway.e2e;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.GatewayAdminServiceGrpc;
import io.sup.realtime.proto.gateway.v1.RevokeTokensRequest;
import io.sup.realtime.proto.gateway.v1.RevokeTokensResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Revoking tokens through one gateway's admin gRPC API closes the user's connections on
 * every instance, refuses the revoked tokens from then on (connect and refresh), and leaves
 * other users and newer tokens alone.
 */
class TokenRevocationTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static ServiceHost messaging;
    private static Main a;
    private static Main b;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        a = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-rev-a");
        b = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-rev-b");
    }

    @AfterAll
    static void stopSystem() {
        a.close();
        b.close();
        messaging.close();
    }

    private static RevokeTokensResponse revoke(RevokeTokensRequest request) {
        ManagedChannel channel = GrpcChannels.forTarget("localhost:" + a.adminPort());
        try {
            return GatewayAdminServiceGrpc.newBlockingStub(channel).revokeTokens(request);
        } finally {
            GrpcChannels.close(channel);
        }
    }

    private static String tokenIssuedAt(String user, Instant iat) {
        return TestTokens.sign(TestTokens.base(user).issueTime(iat).build(), TestTokens.SECRET);
    }

    private static void assertClosedAsRevoked(WsTestClient client) throws Exception {
        JsonNode error = client.awaitEvent("error");
        assertEquals("UNAUTHENTICATED", error.path("code").asText(), error.toString());
        assertEquals("token revoked", error.path("message").asText());
        assertEquals(4401, client.awaitClose());
    }

    @Test
    void revokingByIssueTimeClosesTheUsersConnectionsOnEveryInstance() throws Exception {
        Instant issued = Instant.now().minusSeconds(60);
        String old = tokenIssuedAt("alice", issued);
        WsTestClient onA = WsTestClient.connectAs(a.port(), old);
        WsTestClient onB = WsTestClient.connectAs(b.port(), old);
        WsTestClient bob = WsTestClient.connectAs(b.port(), tokenIssuedAt("bob", issued));

        RevokeTokensResponse reply = revoke(RevokeTokensRequest.newBuilder().setUserId("alice")
                .setIssuedBeforeMs(issued.plusSeconds(30).toEpochMilli()).build());
        assertEquals(2, reply.getConnectionsChecked());
        assertClosedAsRevoked(onA);
        assertClosedAsRevoked(onB);

        WsTestClient again = WsTestClient.connect(b.port(), "/ws?token=" + old, Map.of());
        JsonNode refused = again.awaitEvent("error");
        assertEquals("token revoked", refused.path("message").asText(), refused.toString());
        assertEquals(4401, again.awaitClose());
        // A token issued after the cut-off works; bob was never touched.
        WsTestClient.connectAs(a.port(), tokenIssuedAt("alice", issued.plusSeconds(45))).close();
        JsonNode ack = bob.request("auth:refresh", Map.of("token", TestTokens.access("bob")));
        assertTrue(ack.path("success").asBoolean(), ack.toString());
        bob.close();
    }

    @Test
    void revokingOneTokenByJtiClosesOnlyTheConnectionsUsingIt() throws Exception {
        WsTestClient revoked = WsTestClient.connectAs(b.port(), TestTokens.withId("carol", "tok-1"));
        WsTestClient kept = WsTestClient.connectAs(a.port(), TestTokens.withId("carol", "tok-2"));

        revoke(RevokeTokensRequest.newBuilder().setUserId("carol").setTokenId("tok-1").build());
        assertClosedAsRevoked(revoked);
        // The marker: an answer on the kept connection after the revocation reached both instances.
        JsonNode ack = kept.request("auth:refresh", Map.of("token", TestTokens.withId("carol", "tok-1")));
        assertEquals("UNAUTHENTICATED", ack.path("error").path("code").asText(), ack.toString());
        assertEquals("token revoked", ack.path("error").path("message").asText());
        assertTrue(kept.isOpen());
        kept.close();
    }

    @Test
    void aConnectionThatRefreshedToANewerTokenStays() throws Exception {
        Instant issued = Instant.now().minusSeconds(60);
        WsTestClient client = WsTestClient.connectAs(a.port(), tokenIssuedAt("dave", issued));
        WsTestClient stale = WsTestClient.connectAs(b.port(), tokenIssuedAt("dave", issued));
        JsonNode refreshed = client.request("auth:refresh", Map.of("token", TestTokens.access("dave")));
        assertTrue(refreshed.path("success").asBoolean(), refreshed.toString());

        revoke(RevokeTokensRequest.newBuilder().setUserId("dave").setIssuedBeforeMs(issued.plusSeconds(1).toEpochMilli()).build());
        assertClosedAsRevoked(stale);
        JsonNode old = client.request("auth:refresh", Map.of("token", tokenIssuedAt("dave", issued)));
        assertEquals("token revoked", old.path("error").path("message").asText(), "refresh back to a revoked token: " + old);
        JsonNode ack = client.request("auth:refresh", Map.of("token", TestTokens.access("dave")));
        assertTrue(ack.path("success").asBoolean(), ack.toString());
        client.close();
    }

    @Test
    void aRevocationNeedsAUserAndACriterion() {
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
                () -> revoke(RevokeTokensRequest.newBuilder().setUserId("alice").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, none.getStatus().getCode());
        StatusRuntimeException badUser = assertThrows(StatusRuntimeException.class,
                () -> revoke(RevokeTokensRequest.newBuilder().setUserId("a b").setTokenId("t").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badUser.getStatus().getCode());
    }
}
