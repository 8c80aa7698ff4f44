package io.sup.realtime.platform.grpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.testing.TestCertificates;
import io.sup.realtime.platform.testing.TestCertificates.Authority;
import io.sup.realtime.platform.testing.TestCertificates.Identity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real gRPC server with mutual TLS (GRPC_TLS_*): a client with a certificate from the CA
 * gets through; one without a certificate, one whose certificate another CA signed, and a
 * plaintext one are all refused at the handshake. Bad settings refuse the start by name.
 */
class GrpcTlsRequiresTrustedClientCertificatesTest {
    @TempDir
    static Path dir;

    private static Identity server;
    private static Identity client;
    private static Identity stranger;
    private static GrpcServerHost host;

    @BeforeAll
    static void start() {
        Authority ca = TestCertificates.authority(dir, "sup-test");
        server = ca.issue("server");
        client = ca.issue("client");
        stranger = TestCertificates.authority(dir, "other").issue("stranger");
        GrpcTls tls = GrpcTls.from(settings("true", server.cert().toString(), server.key().toString(),
                server.ca().toString()));
        host = GrpcServerHost.start(0, List.of(), tls);
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static Settings settings(String enabled, String cert, String key, String ca) {
        return Settings.of("x", Map.of("grpc.tls.enabled", enabled, "grpc.tls.cert", cert, "grpc.tls.key", key,
                "grpc.tls.ca", ca));
    }

    private static ServingStatus check(ManagedChannel channel) {
        try {
            return HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            GrpcChannels.close(channel);
        }
    }

    private static Status.Code refusal(ChannelCredentials credentials) {
        ManagedChannel channel = NettyChannelBuilder.forTarget("localhost:" + host.port(), credentials).build();
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> check(channel));
        return refused.getStatus().getCode();
    }

    @Test
    void aClientWithACertificateFromTheCaIsServed() {
        GrpcTls tls = GrpcTls.of(client.cert(), client.key(), client.ca());
        assertEquals(ServingStatus.SERVING, check(GrpcChannels.forTarget("localhost:" + host.port(), tls)));
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder().trustManager(server.ca().toFile()).build();
        assertEquals(Status.Code.UNAVAILABLE, refusal(noCertificate));
    }

    @Test
    void aClientWhoseCertificateAnotherCaSignedIsRefused() throws Exception {
        // It trusts the server's CA, so only the server's check of its certificate can refuse it.
        ChannelCredentials otherCa = TlsChannelCredentials.newBuilder()
                .keyManager(stranger.cert().toFile(), stranger.key().toFile())
                .trustManager(server.ca().toFile()).build();
        assertEquals(Status.Code.UNAVAILABLE, refusal(otherCa));
    }

    @Test
    void aPlaintextClientIsRefused() {
        assertEquals(Status.Code.UNAVAILABLE, refusal(io.grpc.InsecureChannelCredentials.create()));
    }

    @Test
    void aClientRefusesAServerItsCaDidNotSign() {
        GrpcTls tls = GrpcTls.of(stranger.cert(), stranger.key(), stranger.ca());
        ManagedChannel channel = GrpcChannels.forTarget("localhost:" + host.port(), tls);
        assertEquals(Status.Code.UNAVAILABLE,
                assertThrows(StatusRuntimeException.class, () -> check(channel)).getStatus().getCode());
    }

    @Test
    void theDeploymentsCertificatesFromMakeDevCertsWork() throws Exception {
        Path script = Path.of("..", "tools", "scripts", "make-dev-certs.sh");
        Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v openssl").start().waitFor() == 0,
                "the script needs openssl");
        Path out = dir.resolve("deploy");
        Process make = new ProcessBuilder("bash", script.toString(), "-n", "sup", out.toString())
                .redirectErrorStream(true).start();
        String output = new String(make.getInputStream().readAllBytes());
        assertEquals(0, make.waitFor(), output);
        // The shared certificate (the Secret sup-grpc-tls) on both sides, as in the cluster.
        Path shared = out.resolve("shared");
        // Every pod presents it, so it names every host a caller dials (deploy/k8s Services).
        java.security.cert.X509Certificate certificate;
        try (var in = java.nio.file.Files.newInputStream(shared.resolve("tls.crt"))) {
            certificate = (java.security.cert.X509Certificate)
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        List<String> names = certificate.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
        for (String host : List.of("messaging-service", "presence-service", "call-signaling-service",
                "notification-service", "edge-gateway-admin", "messaging-service.sup.svc")) {
            assertTrue(names.contains(host), host + " is not named by the shared certificate: " + names);
        }
        GrpcTls tls = GrpcTls.from(settings("true", shared.resolve("tls.crt").toString(),
                shared.resolve("tls.key").toString(), shared.resolve("ca.crt").toString()));
        GrpcServerHost deployed = GrpcServerHost.start(0, List.of(), tls);
        try {
            assertEquals(ServingStatus.SERVING, check(GrpcChannels.forTarget("localhost:" + deployed.port(), tls)));
            // A per-service certificate is signed by the same CA.
            Path messaging = out.resolve("messaging-service");
            GrpcTls client = GrpcTls.of(messaging.resolve("tls.crt"), messaging.resolve("tls.key"), messaging.resolve("ca.crt"));
            assertEquals(ServingStatus.SERVING, check(GrpcChannels.forTarget("localhost:" + deployed.port(), client)));
        } finally {
            deployed.close();
        }
    }

    @Test
    void offByDefault() {
        assertTrue(!GrpcTls.from(Settings.of("x", Map.of())).enabled());
    }

    @Test
    void aMissingFileRefusesTheStartNamingItsSetting() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> GrpcTls.from(
                settings("true", server.cert().toString(), dir.resolve("absent.key").toString(), server.ca().toString())));
        assertTrue(missing.getMessage().contains("'grpc.tls.key' (env GRPC_TLS_KEY)"), missing.getMessage());
        assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());

        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class, () -> GrpcTls.from(
                Settings.of("x", Map.of("grpc.tls.enabled", "true", "grpc.tls.cert", server.cert().toString(),
                        "grpc.tls.key", server.key().toString()))));
        assertTrue(unset.getMessage().contains("(env GRPC_TLS_CA)"), unset.getMessage());
    }

    @Test
    void aFileWithTheWrongContentRefusesTheStartNamingItsSetting() {
        // The key where the certificate belongs, and the certificate where the key belongs.
        IllegalArgumentException cert = assertThrows(IllegalArgumentException.class, () -> GrpcTls.from(
                settings("true", server.key().toString(), server.key().toString(), server.ca().toString())));
        assertTrue(cert.getMessage().contains("(env GRPC_TLS_CERT)"), cert.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> GrpcTls.from(
                settings("true", server.cert().toString(), server.cert().toString(), server.ca().toString())));
        assertTrue(key.getMessage().contains("(env GRPC_TLS_KEY)"), key.getMessage());
        IllegalArgumentException enabled = assertThrows(IllegalArgumentException.class, () -> GrpcTls.from(
                settings("yes", server.cert().toString(), server.key().toString(), server.ca().toString())));
        assertTrue(enabled.getMessage().contains("(env GRPC_TLS_ENABLED)"), enabled.getMessage());
    }

    @Test
    void aKeyOfAnotherCertificateRefusesTheStartNamingBoth() {
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class, () -> GrpcTls.from(
                settings("true", server.cert().toString(), client.key().toString(), server.ca().toString())));
        assertTrue(mismatch.getMessage().contains("(env GRPC_TLS_KEY) does not belong to the certificate"), mismatch.getMessage());
        assertTrue(mismatch.getMessage().contains("(env GRPC_TLS_CERT)"), mismatch.getMessage());
    }

    @Test
    void aKeyWithAGarbageBodyRefusesTheStartNamingItsSetting() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.key"),
                "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> GrpcTls.from(
                settings("true", server.cert().toString(), garbage.toString(), server.ca().toString())));
        assertTrue(bad.getMessage().contains("(env GRPC_TLS_KEY)"), bad.getMessage());
        assertTrue(bad.getMessage().contains("no readable PKCS#8 private key"), bad.getMessage());
    }

    @Test
    void anExpiredCertificateRefusesTheStartNamingItsSetting() {
        Identity expired = TestCertificates.authority(dir, "old").issue("expired", "2020/01/01", 1);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> GrpcTls.from(
                settings("true", expired.cert().toString(), expired.key().toString(), expired.ca().toString())));
        assertTrue(refused.getMessage().contains("(env GRPC_TLS_CERT)"), refused.getMessage());
        assertTrue(refused.getMessage().contains("expired"), refused.getMessage());
    }
}
