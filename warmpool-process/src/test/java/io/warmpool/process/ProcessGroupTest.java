package io.warmpool.process;

import io.warmpool.testkit.PooledHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.warmpool.testkit.PooledHttpServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The group wrapper: what happens to a command and its children when its owner goes. */
class ProcessGroupTest {
    @TempDir
    Path dir;

    @Test
    void theWholeGroupDiesWhenTheOwnersEndOfThePipeCloses() throws Exception {
        // what the kernel does to a JVM killed by SIGKILL: its end of the wrapper's stdin closes, nothing else runs
        Process wrapper = new ProcessBuilder(ProcessGroup.wrap(List.of("sh", "-c",
                "sleep 300 & sleep 301; echo " + dir))).start();
        assertThat(await(Duration.ofSeconds(10), () -> wrapper.descendants().count() >= 3)).isTrue(); // sh, 2 sleeps
        List<ProcessHandle> members = wrapper.descendants().toList();
        wrapper.getOutputStream().close();
        assertThat(await(Duration.ofSeconds(10), () -> members.stream().allMatch(p -> PooledHttpServer.gone(p.pid()))))
                .isTrue();
        assertThat(wrapper.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void stopGivesTheCommandItsGraceThenKillsTheGroup() throws Exception {
        // the command ignores SIGTERM: stop must still end it, after the grace, with the group's SIGKILL
        ProcessGroup group = ProcessGroup.start(List.of("sh", "-c", "trap '' TERM; sleep 300; echo " + dir),
                java.util.Map.of(), null);
        // the trap is set once the command has started its sleep: a SIGTERM before that would end it at once
        assertThat(await(Duration.ofSeconds(10),
                () -> group.main().map(m -> m.children().findAny().isPresent()).orElse(false))).isTrue();
        long t0 = System.nanoTime();
        group.stop(Duration.ofMillis(300));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(group.alive()).isFalse();
        assertThat(PooledHttpServer.mentioning(dir.toString())).isEmpty();
    }
}
