package health.ductcare.fhir;

import ca.uhn.fhir.rest.api.SummaryEnum;
import java.util.Set;

/**
 * How a response body is to be written: the negotiated format and media type, {@code _pretty},
 * {@code _summary} and {@code _elements}.
 */
public record ResponseOptions(FhirFormat format, String mediaType, boolean pretty, SummaryEnum summary,
        Set<String> elements) {

    public static final ResponseOptions DEFAULT_JSON =
            new ResponseOptions(FhirFormat.JSON, FhirFormat.JSON.fhirMediaType(), false, null, Set.of());

    public String contentType() {
        return mediaType + ";charset=UTF-8";
    }

    public boolean isPlain() {
        return !pretty && (summary == null || summary == SummaryEnum.FALSE) && elements.isEmpty();
    }

    /** Whether {@code _summary} or {@code _elements} leave out part of the resources. */
    public boolean subsets() {
        return summary == SummaryEnum.TRUE || summary == SummaryEnum.TEXT || summary == SummaryEnum.DATA
                || !elements.isEmpty();
    }

    public ResponseOptions withoutSubsetting() {
        return new ResponseOptions(format, mediaType, pretty, null, Set.of());
    }
}
