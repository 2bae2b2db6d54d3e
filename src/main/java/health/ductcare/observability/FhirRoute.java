package health.ductcare.observability;

import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a request path means in FHIR terms: the interaction (http.html names), the resource type and the route
 * template. Built from the method and path alone, so it never carries ids, query strings or bodies, and its tag
 * values stay a small bounded set (unknown types and operations collapse to fixed words).
 */
public record FhirRoute(String interaction, String type, String template) {

    public static final String UNKNOWN_TYPE = "unknown";
    public static final String NO_TYPE = "none";

    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    private static final Set<String> KNOWN_OPERATIONS = Set.of("$apply", "$generate", "$validate", "$everything",
            "$meta", "$expand", "$lookup");

    /** Classifies a path; {@code knownType} says whether a name is an R4 resource type. */
    public static FhirRoute classify(String method, String path, Predicate<String> knownType) {
        String clean = path == null ? "" : path;
        int query = clean.indexOf('?');
        if (query >= 0) {
            clean = clean.substring(0, query);
        }
        if (clean.length() > 1 && clean.endsWith("/")) {
            clean = clean.substring(0, clean.length() - 1);
        }
        if (clean.equals("/.well-known/smart-configuration")) {
            return new FhirRoute("smart-configuration", NO_TYPE, clean);
        }
        if (clean.startsWith("/q/") || clean.equals("/q")) {
            return new FhirRoute("management", NO_TYPE, managementTemplate(clean));
        }
        if (!clean.equals("/fhir") && !clean.startsWith("/fhir/")) {
            return new FhirRoute("other", NO_TYPE, "other");
        }
        String[] segments = clean.equals("/fhir") ? new String[0] : clean.substring("/fhir/".length()).split("/");
        String verb = method.toUpperCase(java.util.Locale.ROOT);
        if (segments.length == 0) {
            return new FhirRoute(verb.equals("POST") ? "transaction" : "unsupported", NO_TYPE, "/fhir");
        }
        String first = segments[0];
        if (segments.length == 1) {
            if (first.equals("metadata")) {
                return new FhirRoute("capabilities", NO_TYPE, "/fhir/metadata");
            }
            if (first.equals("_history")) {
                return new FhirRoute("history-system", NO_TYPE, "/fhir/_history");
            }
            if (first.equals("_search")) {
                return new FhirRoute("search-system", NO_TYPE, "/fhir/_search");
            }
            if (first.startsWith("$")) {
                return new FhirRoute("operation", NO_TYPE, "/fhir/" + operation(first));
            }
        }
        if (!TYPE.matcher(first).matches()) {
            return new FhirRoute("other", NO_TYPE, "other");
        }
        String type = knownType.test(first) ? first : UNKNOWN_TYPE;
        if (segments.length == 1) {
            String interaction = switch (verb) {
                case "GET", "HEAD" -> "search-type";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> "unsupported";
            };
            return new FhirRoute(interaction, type, "/fhir/{type}");
        }
        String second = segments[1];
        if (segments.length == 2) {
            if (second.equals("_search")) {
                return new FhirRoute("search-type", type, "/fhir/{type}/_search");
            }
            if (second.equals("_history")) {
                return new FhirRoute("history-type", type, "/fhir/{type}/_history");
            }
            if (second.startsWith("$")) {
                return new FhirRoute("operation", type, "/fhir/{type}/" + operation(second));
            }
            String interaction = switch (verb) {
                case "GET", "HEAD" -> "read";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> "unsupported";
            };
            return new FhirRoute(interaction, type, "/fhir/{type}/{id}");
        }
        String third = segments[2];
        if (segments.length == 3 && third.equals("_history")) {
            return new FhirRoute("history-instance", type, "/fhir/{type}/{id}/_history");
        }
        if (segments.length == 3 && third.startsWith("$")) {
            return new FhirRoute("operation", type, "/fhir/{type}/{id}/" + operation(third));
        }
        if (segments.length == 4 && third.equals("_history")) {
            return new FhirRoute("vread", type, "/fhir/{type}/{id}/_history/{vid}");
        }
        return new FhirRoute("other", type, "other");
    }

    private static String operation(String segment) {
        return KNOWN_OPERATIONS.contains(segment) ? segment : "{operation}";
    }

    private static String managementTemplate(String path) {
        return switch (path) {
            case "/q/health", "/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics", "/q/openapi",
                 "/q/swagger-ui" -> path;
            default -> path.startsWith("/q/swagger-ui/") ? "/q/swagger-ui/{file}" : "/q/{other}";
        };
    }

    public boolean isFhir() {
        return template.startsWith("/fhir");
    }
}
