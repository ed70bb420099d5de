package io.warmpool.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RendezvousHashTest {
    private static List<String> members(int n) {
        List<String> m = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            m.add("i-" + i);
        }
        return m;
    }

    private static Map<String, String> assign(List<String> members, int keys) {
        Map<String, String> out = new HashMap<>();
        for (int k = 0; k < keys; k++) {
            out.put("tenant-" + k, RendezvousHash.choose("tenant-" + k, members).orElseThrow());
        }
        return out;
    }

    @Test
    void theSameKeyAlwaysGoesToTheSameMember() {
        List<String> m = members(8);
        assertThat(assign(m, 1000)).isEqualTo(assign(new ArrayList<>(m.reversed()), 1000));
    }

    @Test
    void keysSpreadAcrossMembers() {
        Map<String, Long> load = new HashMap<>();
        assign(members(8), 8000).values().forEach(m -> load.merge(m, 1L, Long::sum));
        assertThat(load).hasSize(8);
        assertThat(load.values()).allSatisfy(n -> assertThat(n).isBetween(700L, 1300L));
    }

    @Test
    void removingAMemberMovesOnlyItsKeys() {
        List<String> m = members(8);
        Map<String, String> before = assign(m, 8000);
        List<String> fewer = new ArrayList<>(m);
        fewer.remove("i-3");
        Map<String, String> after = assign(fewer, 8000);

        before.forEach((key, owner) -> {
            if (!owner.equals("i-3")) {
                assertThat(after.get(key)).as(key).isEqualTo(owner);
            }
        });
    }

    @Test
    void addingAMemberTakesOnlyItsShare() {
        List<String> m = members(8);
        Map<String, String> before = assign(m, 9000);
        List<String> more = new ArrayList<>(m);
        more.add("i-new");
        Map<String, String> after = assign(more, 9000);

        long moved = before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k))).count();
        assertThat(after.entrySet().stream().filter(e -> !before.get(e.getKey()).equals(e.getValue()))
                .allMatch(e -> e.getValue().equals("i-new"))).as("keys move only to the newcomer").isTrue();
        assertThat(moved).isBetween(700L, 1300L); // about 1/9 of 9000
    }

    @Test
    void noMembersMeansNoChoice() {
        assertThat(RendezvousHash.choose("t", List.of())).isEmpty();
    }
}
