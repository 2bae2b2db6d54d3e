package health.ductcare.fhir;

import ca.uhn.fhir.rest.api.SummaryEnum;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * FHIR content negotiation (R4 http.html#mime-type): {@code _format} wins over {@code Accept};
 * JSON is the default; an Accept that names only types we cannot produce is a 406.
 */
public final class ContentNegotiation {

    private ContentNegotiation() {
    }

    public static ResponseOptions responseOptions(HttpHeaders headers, MultivaluedMap<String, String> query) {
        String mediaType = negotiateMediaType(query.getFirst("_format"), headers.getHeaderString(HttpHeaders.ACCEPT));
        FhirFormat format = FhirFormat.fromMediaType(mediaType).orElse(FhirFormat.JSON);
        boolean pretty = "true".equalsIgnoreCase(query.getFirst("_pretty"));
        ResponseOptions shaping = resultShaping(query);
        return new ResponseOptions(format, mediaType, pretty, shaping.summary(), shaping.elements());
    }

    /**
     * {@code _summary} and {@code _elements} of a query, as plain JSON options: how the resources a read, search or
     * history answers are shaped. A GET entry of a batch or transaction is shaped by them alone, since
     * {@code _format} and {@code _pretty} are HTTP matters that do not apply inside a Bundle. A malformed value is a
     * 400, as on the direct GET.
     */
    public static ResponseOptions resultShaping(Map<String, List<String>> query) {
        if (query == null) {
            return ResponseOptions.DEFAULT_JSON;
        }
        List<String> summary = query.get("_summary");
        return new ResponseOptions(FhirFormat.JSON, FhirFormat.JSON.fhirMediaType(), false,
                parseSummary(summary == null || summary.isEmpty() ? null : summary.get(0)),
                parseElements(query.get("_elements")));
    }

    /** The options for an error answer: never fails, falls back to JSON. */
    public static ResponseOptions forError(HttpHeaders headers, MultivaluedMap<String, String> query) {
        try {
            ResponseOptions options = responseOptions(headers, query);
            return new ResponseOptions(options.format(), options.mediaType(), options.pretty(), null, Set.of());
        } catch (RuntimeException e) {
            return ResponseOptions.DEFAULT_JSON;
        }
    }

    static String negotiateMediaType(String formatParam, String accept) {
        if (formatParam != null && !formatParam.isBlank()) {
            // An unencoded '+' in a query string decodes to a space: _format=application/fhir+xml as typed.
            String value = formatParam.trim().replace(' ', '+');
            FhirFormat format = FhirFormat.fromMediaType(value)
                    .orElseThrow(() -> new HttpStatusException(406, "Unsupported _format '" + sanitize(value)
                            + "': use json, xml, application/fhir+json or application/fhir+xml"));
            return value.contains("/") ? value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT) : format.fhirMediaType();
        }
        if (accept == null || accept.isBlank()) {
            return FhirFormat.JSON.fhirMediaType();
        }
        List<AcceptedType> accepted = parseAccept(accept);
        for (AcceptedType candidate : accepted) {
            if (candidate.quality() <= 0) {
                continue;
            }
            Optional<FhirFormat> format = FhirFormat.fromMediaType(candidate.type());
            if (format.isPresent()) {
                return candidate.type().equals("application/fhir+json") || candidate.type().equals("application/json")
                        || candidate.type().equals("application/fhir+xml") || candidate.type().equals("application/xml")
                        ? candidate.type() : format.get().fhirMediaType();
            }
            if (candidate.type().equals("*/*") || candidate.type().equals("application/*")) {
                return FhirFormat.JSON.fhirMediaType();
            }
            if (candidate.type().equals("text/*")) {
                return FhirFormat.XML.fhirMediaType();
            }
        }
        throw new HttpStatusException(406, "None of the media types in Accept can be produced: "
                + "use application/fhir+json or application/fhir+xml");
    }

    private record AcceptedType(String type, double quality, int position) {
    }

    private static List<AcceptedType> parseAccept(String accept) {
        List<AcceptedType> types = new ArrayList<>();
        String[] parts = accept.split(",");
        for (int i = 0; i < parts.length; i++) {
            String[] pieces = parts[i].split(";");
            String type = pieces[0].trim().toLowerCase(Locale.ROOT);
            if (type.isEmpty()) {
                continue;
            }
            double quality = 1.0;
            for (int p = 1; p < pieces.length; p++) {
                String parameter = pieces[p].trim();
                if (parameter.startsWith("q=")) {
                    try {
                        quality = Double.parseDouble(parameter.substring(2).trim());
                    } catch (NumberFormatException e) {
                        quality = 0;
                    }
                }
            }
            types.add(new AcceptedType(type, quality, i));
        }
        types.sort(Comparator.comparingDouble(AcceptedType::quality).reversed()
                .thenComparingInt(AcceptedType::position));
        return types;
    }

    /** The {@code _summary} value, or null when absent; anything but true, text, data, count or false is a 400. */
    public static SummaryEnum parseSummary(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        SummaryEnum summary = SummaryEnum.fromCode(value.trim().toLowerCase(Locale.ROOT));
        if (summary == null) {
            throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
                    "Invalid _summary '" + sanitize(value) + "': use true, text, data, count or false");
        }
        return summary;
    }

    static Set<String> parseElements(List<String> values) {
        if (values == null) {
            return Set.of();
        }
        Set<String> elements = new LinkedHashSet<>();
        for (String value : values) {
            for (String element : value.split(",")) {
                String trimmed = element.trim();
                if (!trimmed.isEmpty()) {
                    if (!trimmed.matches("[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)*")) {
                        throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
                                "Invalid _elements value '" + sanitize(trimmed) + "'");
                    }
                    elements.add(trimmed);
                }
            }
        }
        return elements;
    }

    /** Echoes client text in diagnostics without letting it carry markup or control characters. */
    public static String sanitize(String text) {
        String cleaned = text.replaceAll("[\\p{Cntrl}<>\"&]", "?");
        return cleaned.length() > 100 ? cleaned.substring(0, 100) + "..." : cleaned;
    }
}
