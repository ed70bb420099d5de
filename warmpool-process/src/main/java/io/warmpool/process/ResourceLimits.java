package io.warmpool.process;

import io.warmpool.ConfigException;

import java.util.ArrayList;
import java.util.List;

/**
 * Limits set on each process of a template through {@code prlimit} (the kernel's rlimits, inherited by its
 * children): address space in bytes, CPU time in seconds, open files. Zero means no limit. Immutable.
 *
 * @param addressSpaceBytes RLIMIT_AS: the most virtual memory each process may map
 * @param cpuSeconds        RLIMIT_CPU: CPU time after which the kernel kills the process
 * @param openFiles         RLIMIT_NOFILE
 */
public record ResourceLimits(long addressSpaceBytes, long cpuSeconds, long openFiles) {
    public static final ResourceLimits NONE = new ResourceLimits(0, 0, 0);

    public ResourceLimits {
        check("addressSpaceBytes", addressSpaceBytes);
        check("cpuSeconds", cpuSeconds);
        check("openFiles", openFiles);
    }

    private static void check(String field, long value) {
        if (value < 0) {
            throw new ConfigException("limits." + field + " must be >= 0, 0 for none (" + field + "=" + value + ")");
        }
    }

    public boolean none() {
        return addressSpaceBytes == 0 && cpuSeconds == 0 && openFiles == 0;
    }

    /** {@code command} prefixed by the {@code prlimit} call that sets these limits (unchanged when none). */
    List<String> apply(List<String> command) {
        if (none()) {
            return command;
        }
        List<String> limited = new ArrayList<>(List.of("prlimit"));
        if (addressSpaceBytes > 0) {
            limited.add("--as=" + addressSpaceBytes);
        }
        if (cpuSeconds > 0) {
            limited.add("--cpu=" + cpuSeconds);
        }
        if (openFiles > 0) {
            limited.add("--nofile=" + openFiles);
        }
        limited.add("--");
        limited.addAll(command);
        return limited;
    }
}
