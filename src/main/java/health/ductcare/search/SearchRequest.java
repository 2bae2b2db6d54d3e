package health.ductcare.search;

import java.util.List;
import java.util.Map;

/**
 * A search as the client asked it: the resource type, its parameters (including the result parameters such
 * as {@code _count}), the FHIR base URL for links, and whether unknown parameters may be ignored.
 */
public record SearchRequest(String type, Map<String, List<String>> parameters, String baseUrl, boolean lenient) {
}
