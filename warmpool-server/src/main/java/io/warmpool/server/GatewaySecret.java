package io.warmpool.server;

import io.warmpool.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The gateway's secret: signs session tokens and authenticates agents. Kept in {@code <dataDir>/gateway.secret}
 * (owner-only), created on first start, so tokens stay valid across restarts.
 */
final class GatewaySecret {
    private GatewaySecret() {
    }

    /**
     * What agents present to the gateway and the gateway to them: the cluster secret ({@code cluster.secretFile}, read
     * now, surrounding whitespace dropped) when there is one, else derived from this gateway's own secret.
     */
    static String agentSecret(io.warmpool.server.config.GatewayConfig config) {
        Path file = config.clusterSecretFile();
        if (file == null) {
            return agentSecret(loadOrCreate(config.dataDir()));
        }
        try {
            String s = java.nio.file.Files.readString(file, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) {
                throw new io.warmpool.ConfigException("cluster.secretFile is empty (cluster.secretFile=" + file + ")");
            }
            return s;
        } catch (java.io.IOException e) {
            throw new io.warmpool.ConfigException("cluster.secretFile cannot be read (cluster.secretFile=" + file
                    + "): " + e.getMessage());
        }
    }

    /**
     * What signs session tokens: derived from the cluster secret when there is one, so that every gateway of the
     * cluster accepts the tokens of every other (a session acquired through one is driven through another); else this
     * gateway's own secret.
     */
    static byte[] tokenSecret(io.warmpool.server.config.GatewayConfig config) {
        if (config.clusterSecretFile() == null) {
            return loadOrCreate(config.dataDir());
        }
        return derive(agentSecret(config).getBytes(StandardCharsets.UTF_8), "warmpool-session-tokens");
    }

    private static byte[] derive(byte[] key, String purpose) {
        try {
            javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
            hmac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return hmac.doFinal(purpose.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Derived from, never equal to, the gateway's secret. */
    static String agentSecret(byte[] secret) {
        return HexFormat.of().formatHex(derive(secret, "warmpool-agent"));
    }

    static byte[] loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve("gateway.secret");
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                try {
                    Files.writeString(file, HexFormat.of().formatHex(fresh), StandardCharsets.US_ASCII,
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (FileAlreadyExistsException raced) {
                    // another gateway on the same data dir wrote it first; use theirs
                }
            }
            return HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read or create the gateway secret " + file + ": " + e.getMessage());
        }
    }
}
