package io.warmpool.store.jdbc;

import io.warmpool.ConfigException;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.InstanceStoreFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both JDBC stores are found through ServiceLoader and open a region's shard from their settings. */
class StoreFactoryDiscoveryTest {

    @TempDir
    Path dir;

    private static Map<String, InstanceStoreFactory> found() {
        Map<String, InstanceStoreFactory> out = new TreeMap<>();
        ServiceLoader.load(InstanceStoreFactory.class).forEach(f -> out.put(f.name(), f));
        return out;
    }

    @Test
    void sqliteAndPostgresAreFoundByName() {
        assertThat(found()).containsOnlyKeys("sqlite", "postgres");
    }

    @Test
    void theSqliteFactoryOpensOneFilePerRegionUnderTheDataDir() {
        try (InstanceStore store = found().get("sqlite").open("weur", Map.of("dataDir", dir.toString()))) {
            assertThat(store).isInstanceOf(SqliteInstanceStore.class);
            assertThat(((SqliteInstanceStore) store).file()).isEqualTo(dir.resolve("weur.db").toAbsolutePath());
        }
    }

    @Test
    void thePostgresFactoryOpensOneSchemaPerRegion() throws Exception {
        String prefix = TestPostgres.newSchema() + "_";
        try (InstanceStore store = found().get("postgres").open("ap-south", Map.of("url", TestPostgres.URL,
                "schemaPrefix", prefix))) {
            assertThat(((PostgresInstanceStore) store).schema()).isEqualTo(prefix + "ap_south");
        } finally {
            TestPostgres.dropSchema(prefix + "ap_south");
        }
    }

    @Test
    void aMissingSettingIsAConfigErrorNamingIt() {
        assertThatThrownBy(() -> found().get("postgres").open("weur", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("url");
        assertThatThrownBy(() -> found().get("sqlite").open("weur", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dataDir");
    }
}
