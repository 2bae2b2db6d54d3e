package health.ductcare.service;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.ductcare.fhir.ContentNegotiation;
import health.ductcare.fhir.UnparsedBundle;
import health.ductcare.search.DatePeriod;
import health.ductcare.search.PageSize;
import health.ductcare.security.AccessPolicy;
import health.ductcare.store.StoredResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.InstantType;

/**
 * The history interactions (http.html#history: history-instance, history-type, history-system), transport-free:
 * one page of versions, newest first, as a history Bundle with its total, self and next links, whose entries hold
 * the stored JSON of their versions. The HTTP endpoint and the GET entries of a batch or transaction both answer
 * with it; what the caller may read is checked here, and the caller still passes the Bundle through
 * {@link AccessPolicy#guardBundle} (after parsing it) before it leaves the server.
 */
@ApplicationScoped
public class HistoryService {

    private static final List<String> SHAPING_PARAMETERS = List.of("_elements", "_format", "_pretty", "_summary");

    /**
     * A history as the client asked for it: {@code type} and {@code id} (null for a type or system history), the
     * query's parameters ({@code _count}, {@code _since}, {@code _at}, {@code _cursor}, {@code _summary=count};
     * others are left to the caller), the query as sent (for the self link, null when none) and the FHIR base URL.
     */
    public record HistoryRequest(String type, String id, Map<String, List<String>> parameters, String rawQuery,
            String baseUrl) {
    }

    private final ResourceService resources;
    private final ResourceTypes types;
    private final AccessPolicy access;
    private final int defaultPageSize;
    private final int maxPageSize;

    public HistoryService(ResourceService resources, ResourceTypes types, AccessPolicy access,
            @ConfigProperty(name = "ductcare.fhir.default-page-size") int defaultPageSize,
            @ConfigProperty(name = "ductcare.fhir.max-page-size") int maxPageSize) {
        this.resources = resources;
        this.types = types;
        this.access = access;
        this.defaultPageSize = defaultPageSize;
        this.maxPageSize = maxPageSize;
    }

    /**
     * One page of the history. A resource's history is refused as its read would be (404 when the token may not
     * see the resource); a system history leaves out the types the token may not read at all. With
     * {@code _summary=count} or {@code _count=0} the page has the total and no entries, as a search's has
     * (search.html#summary, #count).
     */
    @Transactional
    public UnparsedBundle history(HistoryRequest request) {
        String type = request.type();
        String id = request.id();
        if (id != null) {
            resources.find(type, id).ifPresent(access::checkRead);
        }
        Map<String, List<String>> query = request.parameters() == null ? Map.of() : request.parameters();
        int count = PageSize.of(first(query, "_count"), defaultPageSize, maxPageSize);
        boolean countOnly = count == 0
                || ContentNegotiation.parseSummary(first(query, "_summary")) == SummaryEnum.COUNT;
        Instant since = DatePeriod.since("_since", first(query, "_since"));
        String atValue = first(query, "_at");
        DatePeriod at = atValue == null || atValue.isBlank() ? null : DatePeriod.parse(atValue);
        Long cursor = null;
        if (first(query, "_cursor") != null) {
            try {
                cursor = Long.parseLong(first(query, "_cursor"));
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("Invalid _cursor");
            }
        }
        Set<String> hidden = type == null ? access.unreadableTypes(types.all()) : Set.of();
        ResourceService.HistoryPage page = resources.history(type, id, since, at, cursor, hidden,
                countOnly ? 0 : count);
        String base = request.baseUrl() == null ? "" : request.baseUrl();
        UnparsedBundle history = new UnparsedBundle(Bundle.BundleType.HISTORY);
        Bundle bundle = history.skeleton();
        bundle.setTotal((int) Math.min(Integer.MAX_VALUE, page.total()));
        String selfPath = base + (type == null ? "" : "/" + type) + (id == null ? "" : "/" + id) + "/_history";
        String selfQuery = request.rawQuery();
        bundle.addLink().setRelation("self").setUrl(selfPath + (selfQuery == null ? "" : "?" + selfQuery));
        if (!countOnly && page.hasMore() && !page.versions().isEmpty()) {
            StringBuilder next = new StringBuilder(selfPath).append("?_count=").append(count);
            if (since != null) {
                next.append("&_since=").append(new InstantType(Date.from(since)).getValueAsString());
            }
            if (at != null) {
                next.append("&_at=").append(atValue.trim().replace(' ', '+'));
            }
            StoredResource last = page.versions().get(page.versions().size() - 1);
            next.append("&_cursor=").append(versionCursor(last));
            String nextUrl = next.toString().replace("+", "%2B");
            bundle.addLink().setRelation("next").setUrl(nextUrl + shapingParameters(query));
        }
        for (StoredResource version : page.versions()) {
            Bundle.BundleEntryComponent entry = history.addEntry(version.deleted() ? null : version.json())
                    .setFullUrl(base + "/" + version.type() + "/" + version.id());
            Bundle.HTTPVerb verb = switch (version.method()) {
                case "DELETE" -> Bundle.HTTPVerb.DELETE;
                case "POST" -> Bundle.HTTPVerb.POST;
                case "PATCH" -> Bundle.HTTPVerb.PATCH;
                default -> Bundle.HTTPVerb.PUT;
            };
            entry.getRequest().setMethod(verb)
                    .setUrl(verb == Bundle.HTTPVerb.POST ? version.type() : version.versionlessReference());
            entry.getResponse()
                    .setStatus(verb == Bundle.HTTPVerb.POST || version.version() == 1 ? "201 Created"
                            : version.deleted() ? "204 No Content" : "200 OK")
                    .setEtag(version.etag())
                    .setLastModified(Date.from(version.lastUpdated()));
        }
        return history;
    }

    /** The parameters that shape the entries, so that the next page comes back in the shape this one was asked for. */
    private static String shapingParameters(Map<String, List<String>> query) {
        StringBuilder parameters = new StringBuilder();
        for (String name : SHAPING_PARAMETERS) {
            String value = first(query, name);
            if (value != null && !value.isBlank()) {
                parameters.append('&').append(name).append('=')
                        .append(URLEncoder.encode(value.trim(), StandardCharsets.UTF_8).replace("+", "%20")
                                .replace("%2C", ",").replace("%2F", "/"));
            }
        }
        return parameters.toString();
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** History pages by the version row key, so concurrent writes neither repeat nor drop entries. */
    private static long versionCursor(StoredResource version) {
        return version.versionPid();
    }
}
