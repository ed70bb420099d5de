package io.warmpool.agent.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessUsageTest {

    @Test
    void theCpuOfAChildThatEndedStillCountsForItsTree() throws Exception {
        // the shell waits for a child that spins for 0.4 s and ends; the tree left is the shell and its sleep
        Process p = new ProcessBuilder("sh", "-c", "timeout 0.4 sh -c 'while :; do :; done'; exec sleep 30").start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && !sleeping(p)) {
                Thread.sleep(10);
            }
            Duration cpu = ProcessUsage.ofTree(p.pid()).cpu();
            assertThat(p.isAlive()).isTrue();
            assertThat(cpu).as("the spinning child's CPU, though it has exited").isGreaterThan(Duration.ofMillis(100));
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static boolean sleeping(Process p) {
        return p.info().command().map(c -> c.endsWith("sleep")).orElse(false);
    }
}
