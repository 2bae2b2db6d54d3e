package health.ductcare.search;

import health.ductcare.fhir.FhirIds;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference split into what the index keys on: {@code Patient/1} gives type and id; an absolute URL
 * or URN keeps its URL (and, for a FHIR-style URL, the type and id it ends in, used only when its base
 * is this server's).
 */
record ReferenceValue(String type, String id, String url) {

    private static final Pattern RELATIVE = Pattern.compile(
            "^([A-Z][A-Za-z]{1,63})/(" + FhirIds.REGEX + ")(?:/_history/[^/]+)?$");
    private static final Pattern ABSOLUTE = Pattern.compile(
            "^(.*)/([A-Z][A-Za-z]{1,63})/(" + FhirIds.REGEX + ")(?:/_history/[^/]+)?$");

    static ReferenceValue parse(String reference) {
        Matcher relative = RELATIVE.matcher(reference);
        if (relative.matches()) {
            return new ReferenceValue(relative.group(1), relative.group(2), null);
        }
        return new ReferenceValue(null, null, IndexValues.truncate(reference));
    }

    /** For an absolute URL under {@code baseUrl}: its relative form; otherwise null. */
    static ReferenceValue local(String reference, String baseUrl) {
        Matcher absolute = ABSOLUTE.matcher(reference);
        if (baseUrl != null && !baseUrl.isEmpty() && absolute.matches()
                && absolute.group(1).equalsIgnoreCase(baseUrl)) {
            return new ReferenceValue(absolute.group(2), absolute.group(3), null);
        }
        return null;
    }
}
