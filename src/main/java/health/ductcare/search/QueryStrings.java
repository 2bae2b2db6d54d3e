package health.ductcare.search;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Search criteria written as a query string, as in If-None-Exist or a conditional URL {@code Patient?identifier=x}. */
public final class QueryStrings {

    private QueryStrings() {
    }

    /** Parses {@code a=1&b=2&a=3} (optionally after {@code Type?}) into names with their repeated values. */
    public static Map<String, List<String>> parse(String query) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (query == null) {
            return parameters;
        }
        String text = query.trim();
        int question = text.indexOf('?');
        if (question >= 0) {
            text = text.substring(question + 1);
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new InvalidRequestException("Invalid search criteria: each part must be name=value");
            }
            try {
                String name = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = URLDecoder.decode(pair.substring(equals + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
                parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("Invalid search criteria: bad %-encoding");
            }
        }
        return parameters;
    }
}
