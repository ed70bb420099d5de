package io.warmpool.agent.internal;

import io.warmpool.quick.QuickActionRequest;
import io.warmpool.quick.RequestPattern;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which of a page's requests go out, from {@code rejectResourceTypes}, {@code rejectRequestPattern},
 * {@code allowResourceTypes} and {@code allowRequestPattern}: a request is refused when a reject rule matches it, or
 * when allow rules are given and none matches it. Resource types compare with CDP's, lower-cased. Immutable.
 */
record RequestFilter(List<String> rejectTypes, List<Pattern> rejectPatterns, List<String> allowTypes,
                     List<Pattern> allowPatterns) {

    /** The filter of {@code request}, or null when it has no filter field. */
    static RequestFilter of(QuickActionRequest request) {
        if (request.rejectResourceTypes() == null && request.rejectRequestPattern() == null
                && request.allowResourceTypes() == null && request.allowRequestPattern() == null) {
            return null;
        }
        return new RequestFilter(orEmpty(request.rejectResourceTypes()),
                compile("rejectRequestPattern", request.rejectRequestPattern()),
                orEmpty(request.allowResourceTypes()), compile("allowRequestPattern", request.allowRequestPattern()));
    }

    /** @param cdpResourceType CDP's {@code Network.ResourceType}, such as {@code Stylesheet} */
    boolean allows(String url, String cdpResourceType) {
        String type = cdpResourceType == null ? "other" : cdpResourceType.toLowerCase(Locale.ROOT);
        if (rejectTypes.contains(type) || rejectPatterns.stream().anyMatch(p -> p.matcher(url).find())) {
            return false;
        }
        if (allowTypes.isEmpty() && allowPatterns.isEmpty()) {
            return true;
        }
        return allowTypes.contains(type) || allowPatterns.stream().anyMatch(p -> p.matcher(url).find());
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }

    private static List<Pattern> compile(String field, List<String> sources) {
        return sources == null ? List.of() : sources.stream().map(s -> RequestPattern.compile(field, s)).toList();
    }
}
