package io.warmpool.server;

import io.warmpool.ConfigException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One embedded gateway per data directory: its SQLite shards and agents belong to one housekeeper. Holds an OS file
 * lock on {@code <dataDir>/gateway.lock} (released by the OS when the process dies, even on kill -9) and writes the
 * holder's pid into it, so that a second gateway can say who holds the directory. Sharing state between gateways is
 * what PostgreSQL mode is for. Thread-safe.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE = "gateway.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or throws {@link ConfigException} naming the process that holds it. */
    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                channel.close();
                throw new ConfigException("data dir " + dataDir + " is in use by another gateway (pid "
                        + (holder.isEmpty() ? "unknown" : holder) + "); stop it, or pass another --data-dir "
                        + "(gateways share state through PostgreSQL, not a data dir)");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new DataDirLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ConfigException("cannot lock data dir " + dataDir + ": " + e.getMessage());
        } catch (java.nio.channels.OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new ConfigException("data dir " + dataDir + " is in use by a gateway in this process (pid "
                    + ProcessHandle.current().pid() + ")");
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held yet
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS drops the lock with the process anyway
        }
    }
}
