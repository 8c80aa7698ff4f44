package io.sup.realtime.platform.grpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.sup.realtime.platform.config.Settings;

/**
 * Transport security of the internal gRPC traffic (gateway to services, service to service):
 * plaintext, or mutual TLS where every server requires a client certificate signed by the
 * CA and every client presents its own and checks the server's against the same CA (and its
 * name against the target's host, RFC 6125).
 *
 * <p>Settings: {@code grpc.tls.enabled} ({@code GRPC_TLS_ENABLED}, default false),
 * {@code grpc.tls.cert} ({@code GRPC_TLS_CERT}: PEM certificate chain, own certificate first),
 * {@code grpc.tls.key} ({@code GRPC_TLS_KEY}: PEM PKCS#8 private key, unencrypted) and
 * {@code grpc.tls.ca} ({@code GRPC_TLS_CA}: PEM bundle of the CA certificates that sign
 * peers). The files are read once, at start; a missing, unreadable or malformed one refuses
 * the start naming its setting.
 */
public final class GrpcTls {
    /** No TLS: what tests and local runs use. */
    public static final GrpcTls PLAINTEXT = new GrpcTls(null, null, null);

    private final byte[] cert;
    private final byte[] key;
    private final byte[] ca;

    private GrpcTls(byte[] cert, byte[] key, byte[] ca) {
        this.cert = cert;
        this.key = key;
        this.ca = ca;
    }

    /**
     * From the {@code grpc.tls.*} settings.
     *
     * @throws IllegalArgumentException naming the setting that is missing, unreadable or malformed
     */
    public static GrpcTls from(Settings settings) {
        boolean enabled = settings.parsed("grpc.tls.enabled", s -> switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "", "false" -> false;
            case "true" -> true;
            default -> throw new IllegalArgumentException("expected true or false");
        });
        if (!enabled) {
            return PLAINTEXT;
        }
        return new GrpcTls(
                settings.parsed("grpc.tls.cert", s -> certificates(read(s))),
                settings.parsed("grpc.tls.key", s -> privateKey(read(s))),
                settings.parsed("grpc.tls.ca", s -> certificates(read(s))));
    }

    /**
     * Mutual TLS with these PEM files (see the class comment).
     *
     * @throws IllegalArgumentException when one is missing, unreadable or malformed
     */
    public static GrpcTls of(Path cert, Path key, Path ca) {
        return new GrpcTls(certificates(read(cert.toString())), privateKey(read(key.toString())),
                certificates(read(ca.toString())));
    }

    /** Whether traffic is encrypted and both sides authenticated. */
    public boolean enabled() {
        return cert != null;
    }

    /** A server's credentials: plaintext, or TLS that requires a client certificate signed by the CA. */
    public ServerCredentials serverCredentials() {
        if (!enabled()) {
            return InsecureServerCredentials.create();
        }
        try {
            return TlsServerCredentials.newBuilder()
                    .keyManager(new ByteArrayInputStream(cert), new ByteArrayInputStream(key))
                    .trustManager(new ByteArrayInputStream(ca))
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build();
        } catch (IOException e) {
            throw new IllegalArgumentException("configuration 'grpc.tls.*' (env GRPC_TLS_*): " + e.getMessage(), e);
        }
    }

    /** A client's credentials: plaintext, or TLS presenting the client certificate and trusting the CA. */
    public ChannelCredentials channelCredentials() {
        if (!enabled()) {
            return InsecureChannelCredentials.create();
        }
        try {
            return TlsChannelCredentials.newBuilder()
                    .keyManager(new ByteArrayInputStream(cert), new ByteArrayInputStream(key))
                    .trustManager(new ByteArrayInputStream(ca))
                    .build();
        } catch (IOException e) {
            throw new IllegalArgumentException("configuration 'grpc.tls.*' (env GRPC_TLS_*): " + e.getMessage(), e);
        }
    }

    private static byte[] read(String file) {
        if (file.isBlank()) {
            throw new IllegalArgumentException("required when grpc.tls.enabled is true: a PEM file");
        }
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Checks that {@code pem} holds at least one X.509 certificate (RFC 7468 "CERTIFICATE"). */
    private static byte[] certificates(byte[] pem) {
        try {
            if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).isEmpty()) {
                throw new IllegalArgumentException("holds no PEM certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("holds no readable PEM certificate (" + e.getMessage() + ")");
        }
        return pem;
    }

    /** Checks that {@code pem} is an unencrypted PKCS#8 key (RFC 7468 "PRIVATE KEY"), what Netty reads. */
    private static byte[] privateKey(byte[] pem) {
        if (!new String(pem, StandardCharsets.US_ASCII).contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException("must be an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
        }
        return pem;
    }
}
