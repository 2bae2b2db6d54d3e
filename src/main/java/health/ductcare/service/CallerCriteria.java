package health.ductcare.service;

import health.ductcare.search.SearchService;
import health.ductcare.security.AccessPolicy;
import health.ductcare.security.Interaction;
import health.ductcare.store.StoredResource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Matches criteria a client sent (If-None-Exist, conditional update and delete, conditional references) as that
 * client's own search would: it needs the search scope for the type, and a patient/ token only matches inside its
 * compartment. Otherwise the answer to a conditional write would reveal, or act on, what the client may not see.
 */
@ApplicationScoped
public class CallerCriteria {

    private final SearchService search;
    private final AccessPolicy access;

    public CallerCriteria(SearchService search, AccessPolicy access) {
        this.search = search;
        this.access = access;
    }

    public List<StoredResource> match(String type, Map<String, List<String>> criteria, int limit) {
        access.checkInteraction(Interaction.SEARCH, type);
        return search.match(type, criteria, limit, access.searchCompartment(type));
    }
}
