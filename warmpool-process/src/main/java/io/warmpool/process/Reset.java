package io.warmpool.process;

import java.util.List;
import java.util.Objects;

/**
 * How a released process instance becomes clean for the next session. Arguments and URLs may hold {@code {port}}
 * and {@code {dataDir}}. Immutable and thread-safe.
 */
public sealed interface Reset {

    /** Runs {@code command} (not in the instance's group); exit status 0 within the start timeout means clean. */
    record Command(List<String> command) implements Reset {
        public Command {
            command = List.copyOf(command);
        }
    }

    /** POSTs an empty body to {@code url}; a 2xx answer within the start timeout means clean. */
    record HttpCall(String url) implements Reset {
        public HttpCall {
            Objects.requireNonNull(url, "url");
        }
    }

    /** Never reused: stopped after each session and replaced by a fresh one. */
    record Replace() implements Reset {
    }

    /** Nothing to do: a released instance is warm again as it is. */
    record None() implements Reset {
    }

    static Reset command(String... command) {
        return new Command(List.of(command));
    }

    static Reset httpCall(String url) {
        return new HttpCall(url);
    }

    static Reset replace() {
        return new Replace();
    }

    static Reset none() {
        return new None();
    }
}
