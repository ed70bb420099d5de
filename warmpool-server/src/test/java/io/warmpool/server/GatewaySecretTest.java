package io.warmpool.server;

import io.warmpool.server.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What signs session tokens: one key for the cluster when there is a cluster secret, else each gateway's own. */
class GatewaySecretTest {
    @TempDir
    Path dir;

    private GatewayConfig config(String dataDir, Path secretFile) {
        GatewayConfig c = GatewayConfig.demo(dir.resolve(dataDir), Path.of("/usr/bin/chromium"), 0);
        return secretFile == null ? c : c.withClusterSecretFile(secretFile);
    }

    @Test
    void gatewaysOfOneClusterSignTokensAlikeWhateverTheirDataDirectories() throws Exception {
        Path secret = Files.writeString(dir.resolve("cluster.secret"), "the-cluster-secret\n");
        byte[] a = GatewaySecret.tokenSecret(config("a", secret));
        byte[] b = GatewaySecret.tokenSecret(config("b", secret));

        assertThat(a).isEqualTo(b);
        assertThat(a).as("derived, never the cluster secret itself")
                .isNotEqualTo("the-cluster-secret".getBytes(StandardCharsets.UTF_8));
        assertThat(GatewaySecret.agentSecret(config("a", secret))).isEqualTo("the-cluster-secret");
    }

    @Test
    void withoutAClusterSecretEachGatewaySignsWithItsOwnSecretKeptAcrossRestarts() {
        byte[] a = GatewaySecret.tokenSecret(config("a", null));
        byte[] b = GatewaySecret.tokenSecret(config("b", null));

        assertThat(a).isNotEqualTo(b);
        assertThat(GatewaySecret.tokenSecret(config("a", null))).as("the same after a restart").isEqualTo(a);
    }
}
