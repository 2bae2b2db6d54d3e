package health.ductcare.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.ductcare.store.ResourceEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/** Type-level search: the parameters every type has ({@code _id}, {@code _count}, {@code _summary=count}). */
@ApplicationScoped
public class SearchService {

    private static final Set<String> SUPPORTED = Set.of("_id", "_count", "_summary", "_format", "_pretty", "_elements");

    private final EntityManager entityManager;
    private final FhirContext context;
    private final int defaultPageSize;
    private final int maxPageSize;

    public SearchService(EntityManager entityManager, FhirContext context,
            @ConfigProperty(name = "ductcare.fhir.default-page-size") int defaultPageSize,
            @ConfigProperty(name = "ductcare.fhir.max-page-size") int maxPageSize) {
        this.entityManager = entityManager;
        this.context = context;
        this.defaultPageSize = defaultPageSize;
        this.maxPageSize = maxPageSize;
    }

    @Transactional
    public Bundle search(SearchRequest request) {
        for (String name : request.parameters().keySet()) {
            if (!SUPPORTED.contains(name) && !request.lenient()) {
                throw new InvalidRequestException("Unknown or unsupported search parameter '" + name + "' for "
                        + request.type());
            }
        }
        int count = pageSize(request.parameters());
        List<String> ids = request.parameters().getOrDefault("_id", List.of());
        var query = entityManager.createQuery("from ResourceEntity r where r.type = :type and r.deleted = false"
                        + (ids.isEmpty() ? "" : " and r.resourceId in :ids") + " order by r.pid", ResourceEntity.class)
                .setParameter("type", request.type());
        if (!ids.isEmpty()) {
            query.setParameter("ids", ids.stream().flatMap(v -> List.of(v.split(",")).stream()).toList());
        }
        List<ResourceEntity> rows = query.setMaxResults(count).getResultList();
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.setTotal(rows.size());
        bundle.addLink().setRelation("self").setUrl(request.baseUrl() + "/" + request.type());
        for (ResourceEntity row : rows) {
            Resource resource = (Resource) context.newJsonParser().parseResource(row.json);
            bundle.addEntry().setFullUrl(request.baseUrl() + "/" + row.type + "/" + row.resourceId)
                    .setResource(resource)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    /**
     * Every current resource of {@code type} matching {@code criteria} (search parameters, no result
     * parameters), at most {@code limit}: what conditional create, update and delete and conditional
     * references decide on.
     */
    @Transactional
    public List<health.ductcare.store.StoredResource> match(String type, Map<String, List<String>> criteria, int limit) {
        Map<String, List<String>> parameters = new java.util.LinkedHashMap<>(criteria);
        parameters.put("_count", List.of(Integer.toString(limit)));
        Bundle bundle = search(new SearchRequest(type, parameters, "", false));
        return bundle.getEntry().stream()
                .map(e -> entityManager.createQuery("from ResourceEntity r where r.type = :type and r.resourceId = :id",
                                ResourceEntity.class)
                        .setParameter("type", type).setParameter("id", e.getResource().getIdElement().getIdPart())
                        .getSingleResult())
                .map(health.ductcare.store.StoredResource::of)
                .toList();
    }

    /** The parameters the CapabilityStatement declares for a type. */
    public List<SearchParameterInfo> supportedParameters(String type) {
        return List.of(new SearchParameterInfo("_id", org.hl7.fhir.r4.model.Enumerations.SearchParamType.TOKEN,
                "http://hl7.org/fhir/SearchParameter/Resource-id", "Logical id of this artifact"));
    }

    private int pageSize(Map<String, List<String>> parameters) {
        List<String> values = parameters.get("_count");
        if (values == null || values.isEmpty()) {
            return defaultPageSize;
        }
        try {
            int requested = Integer.parseInt(values.get(0).trim());
            if (requested < 0) {
                throw new NumberFormatException();
            }
            return Math.min(requested, maxPageSize);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("_count must be a non-negative whole number");
        }
    }
}
