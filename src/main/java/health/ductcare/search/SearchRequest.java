package health.ductcare.search;

import java.util.List;
import java.util.Map;

/**
 * A search as the client asked it: the resource type, its parameters (including the result parameters such
 * as {@code _count}), the FHIR base URL for links, whether unknown parameters may be ignored, and an optional
 * compartment (e.g. Patient/123 for a SMART patient/ token) that every result, included ones too, must lie in.
 */
public record SearchRequest(String type, Map<String, List<String>> parameters, String baseUrl, boolean lenient,
        Compartment compartment) {

    public SearchRequest(String type, Map<String, List<String>> parameters, String baseUrl, boolean lenient) {
        this(type, parameters, baseUrl, lenient, null);
    }

    /** A FHIR compartment: {@code Patient/123}. */
    public record Compartment(String type, String id) {
    }
}
