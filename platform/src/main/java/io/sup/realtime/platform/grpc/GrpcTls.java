package io.sup.realtime.platform.grpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

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
 * peers). The files are read once, at start; a missing, unreadable or malformed one, an own
 * certificate that has expired or is not valid yet, or a key that does not belong to the
 * certificate refuses the start naming its setting.
 */
public final class GrpcTls {
    /** No TLS: what tests and local runs use. */
    public static final GrpcTls PLAINTEXT = new GrpcTls(null, null, null);

    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String MISMATCH = "configuration 'grpc.tls.key' (env GRPC_TLS_KEY) does not belong to the"
            + " certificate of 'grpc.tls.cert' (env GRPC_TLS_CERT): the key of another certificate?";

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
        return matched(
                settings.parsed("grpc.tls.cert", s -> ownCertificates(read(s))),
                settings.parsed("grpc.tls.key", s -> privateKey(read(s))),
                settings.parsed("grpc.tls.ca", s -> certificates(read(s))));
    }

    /**
     * Mutual TLS with these PEM files (see the class comment).
     *
     * @throws IllegalArgumentException when one is missing, unreadable or malformed
     */
    public static GrpcTls of(Path cert, Path key, Path ca) {
        return matched(ownCertificates(read(cert.toString())), privateKey(read(key.toString())),
                certificates(read(ca.toString())));
    }

    /**
     * The identity, once its key is shown to belong to its certificate (a signature by the key
     * that the certificate's public key verifies): a mismatch would otherwise start a server
     * whose every handshake fails, with nothing in its log to say why.
     */
    private static GrpcTls matched(byte[] cert, byte[] key, byte[] ca) {
        try {
            X509Certificate own = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(cert));
            PrivateKey privateKey = decodeKey(key);
            String algorithm = switch (privateKey.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> privateKey.getAlgorithm(); // Ed25519, Ed448
            };
            byte[] probe = "sup-grpc-tls-key-check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(own.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException(MISMATCH);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(MISMATCH + " (" + e.getClass().getSimpleName() + ")");
        }
        return new GrpcTls(cert, key, ca);
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

    /** As {@link #certificates}, and the first (the process's own) is valid now. */
    private static byte[] ownCertificates(byte[] pem) {
        try {
            X509Certificate own = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificates(pem)));
            own.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new IllegalArgumentException("the certificate expired (not valid after a date that has passed)");
        } catch (CertificateNotYetValidException e) {
            throw new IllegalArgumentException("the certificate is not valid yet");
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
        try {
            decodeKey(pem);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("holds no readable PKCS#8 private key (" + e.getClass().getSimpleName() + ")");
        }
        return pem;
    }

    /** The first PKCS#8 key in {@code pem} (RFC 7468), as an EC, RSA or EdDSA key. */
    private static PrivateKey decodeKey(byte[] pem) throws GeneralSecurityException {
        String text = new String(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf(KEY_BEGIN) + KEY_BEGIN.length();
        int end = text.indexOf("-----END PRIVATE KEY-----", begin);
        if (end < 0) {
            throw new InvalidKeySpecException("no END line");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(text.substring(begin, end)));
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
