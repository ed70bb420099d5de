package io.warmpool.process;

import io.warmpool.ConfigException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a process instance starts, what "ready" means, how it is cleaned between sessions and how it stops.
 * {@code {port}} (a free loopback port chosen per instance) and {@code {dataDir}} (an empty directory per
 * instance, deleted when it stops) are replaced in the command, the environment's values and the probe and reset
 * URLs. A container is a process whose command is the runtime ({@code podman run --network host …}). Immutable and
 * thread-safe; build with {@link #builder(String...)}, which validates once and names the field, rule and value.
 *
 * @param command      the command line, first the executable
 * @param environment  added to the pool's JVM environment
 * @param workingDir   null: the JVM's
 * @param readiness    when a started instance is ready
 * @param startTimeout how long a start may take until ready; past it the start fails and is backed off
 * @param stopTimeout  how long a stop waits after SIGTERM before it kills the process group
 * @param reset        how a released instance is cleaned
 * @param limits       rlimits set on each process
 */
public record ProcessTemplate(List<String> command, Map<String, String> environment, Path workingDir,
                              Readiness readiness, Duration startTimeout, Duration stopTimeout, Reset reset,
                              ResourceLimits limits) {

    public ProcessTemplate {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    /** A builder for {@code command}; defaults: TCP readiness, 10 s start, 2 s stop, no reset, no limits. */
    public static Builder builder(String... command) {
        return new Builder(List.of(command));
    }

    /** Builder. Not thread-safe. */
    public static final class Builder {
        private final List<String> command;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path workingDir;
        private Readiness readiness = Readiness.tcp();
        private Duration startTimeout = Duration.ofSeconds(10);
        private Duration stopTimeout = Duration.ofSeconds(2);
        private Reset reset = Reset.none();
        private ResourceLimits limits = ResourceLimits.NONE;

        private Builder(List<String> command) {
            this.command = command;
        }

        public Builder env(String name, String value) { environment.put(name, value); return this; }
        public Builder workingDir(Path v) { this.workingDir = v; return this; }
        public Builder readiness(Readiness v) { this.readiness = v; return this; }
        public Builder startTimeout(Duration v) { this.startTimeout = v; return this; }
        public Builder stopTimeout(Duration v) { this.stopTimeout = v; return this; }
        public Builder reset(Reset v) { this.reset = v; return this; }
        public Builder limits(ResourceLimits v) { this.limits = v; return this; }

        public ProcessTemplate build() {
            if (command.isEmpty() || command.getFirst().isBlank()) {
                throw new ConfigException("process.command must name an executable (command=" + command + ")");
            }
            if (readiness == null) {
                throw new ConfigException("process.readiness must be set (readiness=null)");
            }
            if (reset == null) {
                throw new ConfigException("process.reset must be set (reset=null)");
            }
            if (limits == null) {
                throw new ConfigException("process.limits must be set (limits=null)");
            }
            if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
                throw new ConfigException("process.startTimeout must be a positive duration (startTimeout="
                        + startTimeout + ")");
            }
            if (stopTimeout == null || stopTimeout.isNegative()) {
                throw new ConfigException("process.stopTimeout must be zero or positive (stopTimeout=" + stopTimeout + ")");
            }
            return new ProcessTemplate(command, environment, workingDir, readiness, startTimeout, stopTimeout, reset,
                    limits);
        }
    }

    /** {@code text} with {@code {port}} and {@code {dataDir}} replaced. */
    static String expand(String text, int port, Path dataDir) {
        return text.replace("{port}", Integer.toString(port)).replace("{dataDir}", dataDir.toString());
    }

    List<String> commandFor(int port, Path dataDir) {
        return limits.apply(command.stream().map(a -> expand(a, port, dataDir)).toList());
    }

    Map<String, String> environmentFor(int port, Path dataDir) {
        Map<String, String> env = new LinkedHashMap<>();
        environment.forEach((k, v) -> env.put(k, expand(v, port, dataDir)));
        return env;
    }
}
