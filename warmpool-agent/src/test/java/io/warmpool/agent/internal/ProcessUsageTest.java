package io.warmpool.agent.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessUsageTest {

    @Test
    void theCpuOfAChildThatEndedStillCountsForItsTree() throws Exception {
        // the shell waits for a child that counts to 100,000 (about 0.15 s of CPU) and ends; the tree left is the
        // shell, which then becomes a sleep; a fixed amount of work, not of time, so a busy machine changes nothing
        Process p = new ProcessBuilder("sh", "-c",
                "sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done'; exec sleep 60").start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50);
            while (System.nanoTime() < deadline && !sleeping(p)) {
                Thread.sleep(10);
            }
            Duration cpu = ProcessUsage.ofTree(p.pid()).cpu();
            assertThat(p.isAlive()).isTrue();
            assertThat(cpu).as("the spinning child's CPU, though it has exited").isGreaterThan(Duration.ofMillis(50));
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCpuOfATreeNeverGoesBackWhileChildrenComeAndGo() throws Exception {
        // a shell that keeps starting short, busy children and reaping them: a reading that catches a child between
        // its exit and its parent's accounting must neither lose nor count twice what that child used
        Process p = new ProcessBuilder("sh", "-c",
                "for n in $(seq 1 150); do sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'; done; exec sleep 60")
                .start();
        try {
            Duration last = Duration.ZERO;
            for (int i = 0; i < 5000 && !sleeping(p); i++) {
                Duration cpu = ProcessUsage.ofTree(p.pid()).cpu();
                assertThat(cpu).as("reading %d", i).isGreaterThanOrEqualTo(last);
                last = cpu;
            }
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static boolean sleeping(Process p) {
        return p.info().command().map(c -> c.endsWith("sleep")).orElse(false);
    }
}
