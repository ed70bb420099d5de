package io.warmpool.quick;

import io.warmpool.InvalidRequestException;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Field checks shared by the request validators: each names the field, the rule and the value. Stateless. */
final class Checks {
    private Checks() {
    }

    static int range(String field, Integer value, int min, int max, int dflt) {
        if (value == null) {
            return dflt;
        }
        if (value < min || value > max) {
            throw invalid(field, field + " must be between " + min + " and " + max + " (got " + value + ")");
        }
        return value;
    }

    static Integer rangeOrNull(String field, Integer value, int min, int max) {
        return value == null ? null : range(field, value, min, max, 0);
    }

    static double rangeD(String field, Double value, double min, double max, double dflt) {
        if (value == null) {
            return dflt;
        }
        if (value.isNaN() || value < min || value > max) {
            throw invalid(field, field + " must be between " + min + " and " + max + " (got " + value + ")");
        }
        return value;
    }

    static String oneOf(String field, String value, Set<String> allowed, String dflt) {
        String v = value == null ? dflt : value;
        if (v != null && !allowed.contains(v)) {
            throw invalid(field, field + " must be one of " + sorted(allowed) + " (got '" + v + "')");
        }
        return v;
    }

    static String maxLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw invalid(field, field + " must be at most " + max + " characters (got " + value.length() + ")");
        }
        return value;
    }

    static <T> List<T> maxSize(String field, List<T> values, int max) {
        if (values == null) {
            return null;
        }
        if (values.size() > max) {
            throw invalid(field, field + " may have at most " + max + " entries (got " + values.size() + ")");
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                throw invalid(field + "[" + i + "]", field + "[" + i + "] must not be null");
            }
        }
        return List.copyOf(values);
    }

    static void onlyFor(String field, Object value, QuickAction action, QuickAction... allowed) {
        if (value == null) {
            return;
        }
        for (QuickAction a : allowed) {
            if (a == action) {
                return;
            }
        }
        throw invalid(field, field + " is only valid for " + names(List.of(allowed)));
    }

    static boolean flag(Boolean b) {
        return b != null && b;
    }

    static void checkHttpUrl(String field, String url) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw invalid(field, field + " is not a valid URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid(field, field + " must be http or https (got '" + (uri.getScheme() == null ? "" : uri.getScheme()) + "')");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(field, field + " has no host: '" + url + "'");
        }
    }

    static String sorted(Set<String> values) {
        return values.stream().sorted().toList().toString();
    }

    private static String names(Collection<QuickAction> actions) {
        return String.join(", ", actions.stream().map(QuickAction::path).toList());
    }

    static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException("invalid_field", field, message);
    }
}
