package io.warmpool.server.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LocationMapTest {
    private static final Set<String> ALL = Set.of("wnam", "enam", "weur", "eeur", "apac", "oc");
    private final LocationMap map = LocationMap.withOverrides(Map.of());

    private String region(String code, Set<String> configured) {
        return LocationMap.regionFor(map.entry(code).orElseThrow().area(), configured).orElseThrow();
    }

    @Test
    void knownCodesMapToTheirRegionCaseInsensitively() {
        assertThat(region("LHR", ALL)).isEqualTo("weur");
        assertThat(region("lhr", ALL)).isEqualTo("weur");
        assertThat(region("SJC", ALL)).isEqualTo("wnam");
        assertThat(region("WAW", ALL)).isEqualTo("eeur");
        assertThat(region("NRT", ALL)).isEqualTo("apac");
        assertThat(region("SYD", ALL)).isEqualTo("oc");
    }

    @Test
    void placesWithoutCapacityMapByTheSeedsRules() {
        assertThat(region("GRU", ALL)).as("sam -> enam").isEqualTo("enam");
        assertThat(region("JNB", ALL)).as("afr -> eeur").isEqualTo("eeur");
        assertThat(region("DXB", ALL)).as("me -> eeur").isEqualTo("eeur");
    }

    @Test
    void regionsWithNoPoolConfiguredMapOnByTheSameRules() {
        Set<String> demo = Set.of("weur", "enam");
        assertThat(region("WAW", demo)).as("eeur -> weur").isEqualTo("weur");
        assertThat(region("JNB", demo)).as("afr -> eeur -> weur").isEqualTo("weur");
        assertThat(region("SFO", demo)).as("wnam -> enam").isEqualTo("enam");
        assertThat(LocationMap.regionFor("apac", demo)).as("apac and oc lead nowhere configured").isEmpty();
    }

    @Test
    void unknownCodesHaveNoEntry() {
        assertThat(map.entry("XXX")).isEmpty();
    }

    @Test
    void overridesReplaceOrAddEntriesWithTheirZones() {
        LocationMap custom = LocationMap.withOverrides(Map.of("LIS", new LocationMap.Entry("eeur", List.of("eeur-b")),
                "XYZ", new LocationMap.Entry("oc", List.of())));
        assertThat(custom.entry("LIS").orElseThrow().area()).isEqualTo("eeur");
        assertThat(custom.entry("LIS").orElseThrow().zones()).containsExactly("eeur-b");
        assertThat(custom.entry("xyz")).isPresent();
        assertThat(custom.entry("LHR").orElseThrow().area()).isEqualTo("weur");
    }
}
