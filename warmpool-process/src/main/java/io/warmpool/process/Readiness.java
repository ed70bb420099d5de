package io.warmpool.process;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What "ready" means for a process instance. URLs may hold {@code {port}}; immutable and thread-safe.
 */
public sealed interface Readiness {

    /** Ready once a GET of {@code url} (say {@code http://127.0.0.1:{port}/health}) answers 2xx. */
    record Http(String url) implements Readiness {
        public Http {
            Objects.requireNonNull(url, "url");
        }
    }

    /** Ready once {@code 127.0.0.1:{port}} accepts a TCP connection. */
    record Tcp() implements Readiness {
    }

    /** Ready once a line of its output (stdout, with stderr merged in) matches {@code pattern} (find, not match). */
    record OutputLine(Pattern pattern) implements Readiness {
        public OutputLine {
            Objects.requireNonNull(pattern, "pattern");
        }
    }

    static Readiness http(String url) {
        return new Http(url);
    }

    static Readiness tcp() {
        return new Tcp();
    }

    static Readiness outputLine(String regex) {
        return new OutputLine(Pattern.compile(regex));
    }
}
