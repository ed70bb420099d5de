package io.warmpool.quick;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A request URL pattern of {@code rejectRequestPattern} / {@code allowRequestPattern}: a JavaScript regular
 * expression literal such as {@code "/^.*\\.css/i"} (flags {@code i}, {@code m}, {@code s} honoured, {@code g} and
 * {@code u} ignored) or a bare expression. It matches when it is found anywhere in the URL, as {@code RegExp.test}
 * does. Stateless.
 */
public final class RequestPattern {
    private RequestPattern() {
    }

    /** @throws io.warmpool.InvalidRequestException when it does not compile, naming {@code field} */
    public static Pattern compile(String field, String source) {
        if (source == null || source.isEmpty()) {
            throw Checks.invalid(field, field + " must be a non-empty regular expression");
        }
        String body = source;
        int flags = 0;
        int end = source.lastIndexOf('/');
        if (source.startsWith("/") && end > 0) {
            body = source.substring(1, end);
            for (char f : source.substring(end + 1).toCharArray()) {
                flags |= switch (f) {
                    case 'i' -> Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
                    case 'm' -> Pattern.MULTILINE;
                    case 's' -> Pattern.DOTALL;
                    case 'g', 'u', 'y', 'd' -> 0;
                    default -> throw Checks.invalid(field, field + " has an unknown regular expression flag '" + f
                            + "' (got '" + source + "')");
                };
            }
        }
        try {
            return Pattern.compile(body, flags);
        } catch (PatternSyntaxException e) {
            throw Checks.invalid(field, field + " is not a valid regular expression: "
                    + e.getDescription() + " (got '" + source + "')");
        }
    }
}
