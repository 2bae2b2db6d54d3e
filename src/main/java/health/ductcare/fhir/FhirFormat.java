package health.ductcare.fhir;

import java.util.Locale;
import java.util.Optional;

/** The two FHIR wire formats the service speaks, and the media types that name them. */
public enum FhirFormat {
    JSON("application/fhir+json"),
    XML("application/fhir+xml");

    private final String fhirMediaType;

    FhirFormat(String fhirMediaType) {
        this.fhirMediaType = fhirMediaType;
    }

    public String fhirMediaType() {
        return fhirMediaType;
    }

    /** Maps a media type (without parameters) or a {@code _format} value to a format. */
    public static Optional<FhirFormat> fromMediaType(String mediaType) {
        if (mediaType == null) {
            return Optional.empty();
        }
        String type = mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "json", "application/fhir+json", "application/json", "application/json+fhir", "text/json",
                    "application/x-javascript" -> Optional.of(JSON);
            case "xml", "application/fhir+xml", "application/xml", "application/xml+fhir", "text/xml" ->
                    Optional.of(XML);
            default -> Optional.empty();
        };
    }
}
