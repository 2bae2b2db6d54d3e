package health.ductcare.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an HTTP request under {@code /fhir} asks for: the interaction, the resource type and id (either may be
 * null) and the operation name, derived from method and path alone so it can be decided before any body is read.
 */
public record FhirRequest(Interaction interaction, String type, String id, String operation) {

    private static final String TYPE = "([A-Z][A-Za-z]{1,63})";
    private static final String ID = "([A-Za-z0-9\\-.]{1,64})";
    private static final String OPERATION = "(\\$[A-Za-z0-9\\-_.]+)";
    private static final Pattern SYSTEM_OPERATION = Pattern.compile(OPERATION);
    private static final Pattern TYPE_LEVEL = Pattern.compile(TYPE);
    private static final Pattern TYPE_SEARCH = Pattern.compile(TYPE + "/_search");
    private static final Pattern TYPE_HISTORY = Pattern.compile(TYPE + "/_history");
    private static final Pattern TYPE_OPERATION = Pattern.compile(TYPE + "/" + OPERATION);
    private static final Pattern INSTANCE = Pattern.compile(TYPE + "/" + ID);
    private static final Pattern INSTANCE_HISTORY = Pattern.compile(TYPE + "/" + ID + "/_history");
    private static final Pattern VERSION = Pattern.compile(TYPE + "/" + ID + "/_history/[^/]+");
    private static final Pattern INSTANCE_OPERATION = Pattern.compile(TYPE + "/" + ID + "/" + OPERATION);

    /** True for what anyone may fetch without a token: the CapabilityStatement and the SMART discovery document. */
    public static boolean isPublic(String method, String fhirPath) {
        String path = trim(fhirPath);
        return ("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method))
                && (path.equals("metadata") || path.equals(".well-known/smart-configuration"));
    }

    /**
     * @param method the HTTP method
     * @param fhirPath the path below the FHIR base, without query ({@code Condition/123/_history/2})
     */
    public static FhirRequest of(String method, String fhirPath) {
        String path = trim(fhirPath);
        boolean get = "GET".equals(method) || "HEAD".equals(method);
        if (path.isEmpty()) {
            return get ? new FhirRequest(Interaction.SEARCH, null, null, null)
                    : "POST".equals(method) ? new FhirRequest(Interaction.TRANSACTION, null, null, null) : other();
        }
        if (path.equals("metadata")) {
            return new FhirRequest(Interaction.CAPABILITIES, null, null, null);
        }
        if (path.equals("_history")) {
            return get ? new FhirRequest(Interaction.HISTORY_SYSTEM, null, null, null) : other();
        }
        Matcher m;
        if ((m = SYSTEM_OPERATION.matcher(path)).matches()) {
            return new FhirRequest(Interaction.OPERATION, null, null, m.group(1));
        }
        if ((m = TYPE_LEVEL.matcher(path)).matches()) {
            return switch (method) {
                case "GET", "HEAD" -> new FhirRequest(Interaction.SEARCH, m.group(1), null, null);
                case "POST" -> new FhirRequest(Interaction.CREATE, m.group(1), null, null);
                // Conditional update, patch and delete name the type and criteria, not an id.
                case "PUT" -> new FhirRequest(Interaction.UPDATE, m.group(1), null, null);
                case "PATCH" -> new FhirRequest(Interaction.PATCH, m.group(1), null, null);
                case "DELETE" -> new FhirRequest(Interaction.DELETE, m.group(1), null, null);
                default -> other();
            };
        }
        if ((m = TYPE_SEARCH.matcher(path)).matches()) {
            return "POST".equals(method) ? new FhirRequest(Interaction.SEARCH, m.group(1), null, null) : other();
        }
        if ((m = TYPE_HISTORY.matcher(path)).matches()) {
            return get ? new FhirRequest(Interaction.HISTORY_TYPE, m.group(1), null, null) : other();
        }
        if ((m = TYPE_OPERATION.matcher(path)).matches()) {
            return new FhirRequest(Interaction.OPERATION, m.group(1), null, m.group(2));
        }
        if ((m = INSTANCE_OPERATION.matcher(path)).matches()) {
            return new FhirRequest(Interaction.OPERATION, m.group(1), m.group(2), m.group(3));
        }
        if ((m = INSTANCE.matcher(path)).matches()) {
            return switch (method) {
                case "GET", "HEAD" -> new FhirRequest(Interaction.READ, m.group(1), m.group(2), null);
                case "PUT" -> new FhirRequest(Interaction.UPDATE, m.group(1), m.group(2), null);
                case "PATCH" -> new FhirRequest(Interaction.PATCH, m.group(1), m.group(2), null);
                case "DELETE" -> new FhirRequest(Interaction.DELETE, m.group(1), m.group(2), null);
                default -> other();
            };
        }
        if ((m = INSTANCE_HISTORY.matcher(path)).matches()) {
            return get ? new FhirRequest(Interaction.HISTORY_INSTANCE, m.group(1), m.group(2), null) : other();
        }
        if ((m = VERSION.matcher(path)).matches()) {
            return get ? new FhirRequest(Interaction.VREAD, m.group(1), m.group(2), null) : other();
        }
        return other();
    }

    private static FhirRequest other() {
        return new FhirRequest(Interaction.OTHER, null, null, null);
    }

    private static String trim(String path) {
        String trimmed = path == null ? "" : path;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
