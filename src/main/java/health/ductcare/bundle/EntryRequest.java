package health.ductcare.bundle;

import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import health.ductcare.fhir.ContentNegotiation;
import health.ductcare.fhir.FhirIds;
import health.ductcare.fhir.ServerBase;
import health.ductcare.service.ResourceTypes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;

/**
 * What one Bundle entry asks for (its {@code request}): the interaction, the type, the id or the search
 * criteria, and the conditional headers. Parsing checks the shape the spec gives each interaction; a
 * malformed entry is a 400 naming its index. A vread's {@code version} is its URL's version id, still unchecked (as
 * the direct vread's). A read's or vread's {@code criteria} hold its result parameters
 * ({@code _summary}, {@code _elements}). A {@code history} entry reads {@code [Type[/id]]/_history}: its type
 * (null for the system history) and id name whose history, and {@code criteria} holds its query's parameters.
 */
public record EntryRequest(HTTPVerb method, String type, String id, String version,
        Map<String, List<String>> criteria, Integer ifMatch, Map<String, List<String>> ifNoneExist, String url,
        boolean history) {

    private static final String HISTORY = "_history";
    /** What a read's query may hold: the result parameters of the direct read. */
    private static final Set<String> RESULT_PARAMETERS = Set.of("_summary", "_elements", "_format", "_pretty");

    private static final Pattern VERSION_TAG = Pattern.compile("^\\s*(?:W/)?\"?([0-9]{1,9})\"?\\s*$");

    public boolean conditional() {
        return id == null && criteria != null;
    }

    public boolean isSearch() {
        return (method == HTTPVerb.GET || method == HTTPVerb.HEAD) && id == null && !history;
    }

    /** The query of {@code url} as sent (still percent-encoded), or null when it has none. */
    public String rawQuery() {
        int question = url.indexOf('?');
        return question < 0 ? null : url.substring(question + 1);
    }

    /** {@code Entry 3 (PUT Patient/123)}: how errors name the entry, with the client's URL shortened. */
    public static String describe(int index, Bundle.BundleEntryComponent entry) {
        Bundle.BundleEntryRequestComponent request = entry.getRequest();
        String method = request.getMethod() == null ? "?" : request.getMethod().toCode();
        String url = request.getUrl() == null ? "" : " " + ContentNegotiation.sanitize(request.getUrl().split("\\?", 2)[0]);
        return "Entry " + index + " (" + method + url + ")";
    }

    public static EntryRequest parse(Bundle.BundleEntryComponent entry, int index, String baseUrl,
            ResourceTypes types) {
        String name = describe(index, entry);
        if (!entry.hasRequest() || entry.getRequest().getMethod() == null
                || entry.getRequest().getMethod() == HTTPVerb.NULL) {
            throw new InvalidRequestException(name + " has no request.method");
        }
        Bundle.BundleEntryRequestComponent request = entry.getRequest();
        if (!request.hasUrl() || request.getUrl().isBlank()) {
            throw new InvalidRequestException(name + " has no request.url");
        }
        HTTPVerb method = request.getMethod();
        String url = relativeUrl(request.getUrl().trim(), baseUrl, name);
        String[] pathAndQuery = url.split("\\?", 2);
        String[] segments = pathAndQuery[0].isEmpty() ? new String[0] : pathAndQuery[0].split("/");
        Map<String, List<String>> query = pathAndQuery.length == 2 ? parseQuery(pathAndQuery[1]) : null;
        if (segments.length == 0) {
            throw new InvalidRequestException(name + ": request.url must start with a resource type");
        }
        for (String segment : segments) {
            if (segment.startsWith("$") || segment.startsWith("%24")) {
                throw new InvalidRequestException(name + ": operations are not supported in batch or transaction"
                        + " entries; invoke " + ContentNegotiation.sanitize(decode(segment)) + " directly");
            }
        }
        // _history, Type/_history, Type/id/_history: the system, type and instance histories.
        boolean history = segments.length <= 3 && segments[segments.length - 1].equals(HISTORY);
        String type = history && segments.length == 1 ? null : segments[0];
        if (type != null && !types.isKnown(type)) {
            throw new InvalidRequestException(name + ": '" + ContentNegotiation.sanitize(type)
                    + "' is not an R4 resource type");
        }
        String id = segments.length >= 2 && !(history && segments.length == 2) ? segments[1] : null;
        if (id != null && !FhirIds.isValid(id)) {
            throw new InvalidRequestException(name + ": '" + ContentNegotiation.sanitize(id) + "' is not a valid id");
        }
        // The version id as the direct vread takes it: one that is no version is its 404, not a malformed URL.
        String version = null;
        if (segments.length == 4 && segments[2].equals(HISTORY)) {
            version = decode(segments[3]);
        } else if (segments.length > 2 && !history) {
            throw new InvalidRequestException(name + ": request.url must be Type, Type/id or Type?criteria"
                    + " (Type/id/_history/n for a read, [Type[/id]]/_history for a history)");
        }
        if (history && method != HTTPVerb.GET && method != HTTPVerb.HEAD) {
            throw new MethodNotAllowedException(name + ": a history is read with GET", RequestTypeEnum.GET,
                    RequestTypeEnum.HEAD);
        }
        boolean hasResource = entry.getResource() != null;
        switch (method) {
            case POST -> {
                if (id != null || query != null) {
                    throw new InvalidRequestException(name + ": a create posts to the type alone, like 'Patient'");
                }
                requireResource(entry, type, name);
            }
            case PUT, DELETE, PATCH -> {
                if (version != null) {
                    throw new InvalidRequestException(name + ": " + method.toCode() + " may not name a version");
                }
                if (id == null && (query == null || query.isEmpty())) {
                    throw new InvalidRequestException(name + ": " + method.toCode()
                            + " needs Type/id or Type?criteria");
                }
                if (id != null && query != null) {
                    throw new InvalidRequestException(name + ": give either an id or criteria, not both");
                }
                if (method == HTTPVerb.PUT) {
                    requireResource(entry, type, name);
                } else if (method == HTTPVerb.PATCH && !hasResource) {
                    throw new InvalidRequestException(name + ": PATCH needs a Parameters (FHIRPath Patch) or Binary"
                            + " (JSON Patch) resource");
                }
            }
            case GET, HEAD -> {
                // A read answers as the direct read does: it uses _summary and _elements and ignores the rest.
                if (id != null && query != null && !history) {
                    query.keySet().retainAll(RESULT_PARAMETERS);
                }
            }
            default -> throw new InvalidRequestException(name + ": method " + method.toCode()
                    + " is not supported in a Bundle");
        }
        Integer ifMatch = null;
        if (request.hasIfMatch()) {
            Matcher matcher = VERSION_TAG.matcher(request.getIfMatch());
            if (!matcher.matches()) {
                throw new InvalidRequestException(name + ": ifMatch must name a version, like W/\"3\"");
            }
            ifMatch = Integer.parseInt(matcher.group(1));
        }
        Map<String, List<String>> ifNoneExist = null;
        if (request.hasIfNoneExist()) {
            if (method != HTTPVerb.POST) {
                throw new InvalidRequestException(name + ": ifNoneExist applies to POST only");
            }
            String criteria = request.getIfNoneExist().trim();
            int question = criteria.indexOf('?');
            ifNoneExist = parseQuery(question >= 0 ? criteria.substring(question + 1) : criteria);
            if (ifNoneExist.isEmpty()) {
                throw new InvalidRequestException(name + ": ifNoneExist has no criteria");
            }
        }
        return new EntryRequest(method, type, id, version, query, ifMatch, ifNoneExist, url, history);
    }

    private static void requireResource(Bundle.BundleEntryComponent entry, String type, String name) {
        if (entry.getResource() == null) {
            throw new InvalidRequestException(name + " has no resource");
        }
        String actual = entry.getResource().fhirType();
        if (!actual.equals(type)) {
            throw new InvalidRequestException(name + ": the resource is a " + actual + " but request.url names "
                    + type);
        }
    }

    private static String relativeUrl(String url, String baseUrl, String name) {
        String relative = url;
        if (url.regionMatches(true, 0, "http://", 0, 7) || url.regionMatches(true, 0, "https://", 0, 8)) {
            relative = ServerBase.relativeTo(url, baseUrl);
            if (relative == null) {
                throw new InvalidRequestException(name + ": request.url is an absolute URL of another server");
            }
        }
        while (relative.startsWith("/")) {
            relative = relative.substring(1);
        }
        return relative;
    }

    /** A URL query as search parameters: names and values decoded, repeated names kept in order. */
    public static Map<String, List<String>> parseQuery(String query) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] nameAndValue = pair.split("=", 2);
            String name = decode(nameAndValue[0]);
            String value = nameAndValue.length == 2 ? decode(nameAndValue[1]) : "";
            parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Malformed percent-encoding in '" + ContentNegotiation.sanitize(text) + "'");
        }
    }
}
