package io.warmpool.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Mistakes at start are one line and exit 2, before any agent or browser starts. */
class StartRefusalsTest {
    @TempDir
    Path dir;

    private static String run(int[] code, String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code[0] = Main.run(args);
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPortInUseIsOneLineAndExit2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int[] code = new int[1];
            String err = run(code, "up", "--port", Integer.toString(taken.getLocalPort()), "--data-dir",
                    dir.toString(), "--chromium", TestGateway.CHROMIUM.toString());
            assertThat(code[0]).isEqualTo(2);
            assertThat(err.lines().count()).as(err).isEqualTo(1);
            assertThat(err).contains("port " + taken.getLocalPort()).contains("already in use").doesNotContain("Exception");
        }
        assertThat(Processes.mentioning(dir.toString())).as("nothing was started").isEmpty();
    }

    @Test
    void aSecondGatewayOnTheSameDataDirIsRefusedNamingTheFirstsPid() throws Exception {
        // the first "gateway" is another process holding the lock the way DataDirLock does, with its pid inside
        Path holder = Files.writeString(dir.resolve("Holder.java"), """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Holder {
                    public static void main(String[] a) throws Exception {
                        FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        c.lock();
                        c.write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes()));
                        System.out.println("locked");
                        System.in.read();
                    }
                }""");
        Path data = Files.createDirectories(dir.resolve("data"));
        Process first = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), holder.toString(),
                data.resolve(DataDirLock.FILE).toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = first.inputReader(StandardCharsets.UTF_8)) {
            assertThat(out.readLine()).isEqualTo("locked");
            int[] code = new int[1];
            String err = run(code, "up", "--port", "0", "--data-dir", data.toString(),
                    "--chromium", TestGateway.CHROMIUM.toString());
            assertThat(code[0]).isEqualTo(2);
            assertThat(err.lines().count()).as(err).isEqualTo(1);
            assertThat(err).contains("in use by another gateway (pid " + first.pid() + ")");
        } finally {
            first.destroy();
            first.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(Processes.mentioning(data.toString()).stream().filter(p -> p.line().contains("AgentMain")))
                .as("no agent was started").isEmpty();
    }

    @Test
    void theLockNamesItsHoldersPidAndIsFreeAgainOnceClosed() throws Exception {
        try (DataDirLock lock = DataDirLock.acquire(dir)) {
            assertThat(Files.readString(dir.resolve(DataDirLock.FILE))).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
        DataDirLock.acquire(dir).close();
    }
}
